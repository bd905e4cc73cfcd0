/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-offscreen"

#include "config.h"

#include "ap-offscreen.h"

static void
hide_unshown_pages (GtkStack *stack)
{
  GtkWidget *shown = gtk_stack_get_visible_child (stack);
  GtkWidget *child;

  /* A transition draws the page it leaves until it ends. */
  if (shown == NULL || gtk_stack_get_transition_running (stack))
    return;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != shown)
      gtk_widget_set_visible (child, FALSE);
}

static gboolean
hide_unshown_pages_idle (gpointer user_data)
{
  GtkStack *stack = user_data;

  g_object_steal_data (G_OBJECT (stack), "ap-offscreen-idle");
  hide_unshown_pages (stack);
  return G_SOURCE_REMOVE;
}

/* GtkStack starts a transition after it notifies the new page, so the page
 * it leaves is hidden a moment later: at once if no transition runs, else
 * when the transition ends. */
static void
on_visible_child (GtkStack *stack)
{
  guint id;

  if (g_object_get_data (G_OBJECT (stack), "ap-offscreen-idle") != NULL)
    return;
  id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, hide_unshown_pages_idle,
                        g_object_ref (stack), g_object_unref);
  g_object_set_data_full (G_OBJECT (stack), "ap-offscreen-idle", GUINT_TO_POINTER (id),
                          (GDestroyNotify) g_source_remove);
}

void
ap_stack_hide_unshown_pages (GtkStack *stack)
{
  g_return_if_fail (GTK_IS_STACK (stack));

  g_signal_connect (stack, "notify::visible-child", G_CALLBACK (on_visible_child), NULL);
  g_signal_connect (stack, "notify::transition-running", G_CALLBACK (hide_unshown_pages), NULL);
  hide_unshown_pages (stack);
}

void
ap_stack_show_page (GtkStack   *stack,
                    const char *name)
{
  GtkWidget *page;

  g_return_if_fail (GTK_IS_STACK (stack));

  page = gtk_stack_get_child_by_name (stack, name);
  g_return_if_fail (page != NULL);

  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (stack, page);
}

static void
show_content_if_shown (AdwViewStack *stack,
                       GParamSpec   *pspec,
                       GtkWidget    *page)
{
  gtk_widget_set_visible (gtk_widget_get_first_child (page),
                          adw_view_stack_get_visible_child (stack) == page);
}

void
ap_view_stack_show_content_while_shown (AdwViewStack *stack,
                                        GtkWidget    *page)
{
  GtkWidget *content;

  g_return_if_fail (ADW_IS_VIEW_STACK (stack));
  g_return_if_fail (GTK_IS_WIDGET (page));

  content = gtk_widget_get_first_child (page);
  g_return_if_fail (content != NULL && gtk_widget_get_next_sibling (content) == NULL);

  g_signal_connect_object (stack, "notify::visible-child", G_CALLBACK (show_content_if_shown),
                           page, 0);
  show_content_if_shown (stack, NULL, page);
}
