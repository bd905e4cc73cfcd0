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

void
ap_stack_hide_unshown_pages (GtkStack *stack)
{
  g_return_if_fail (GTK_IS_STACK (stack));

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
  /* Any transition has started by now: the page left is hidden at once
   * without one, else when it ends. */
  hide_unshown_pages (stack);
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
