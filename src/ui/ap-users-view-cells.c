/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-users-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-chart-render.h"
#include "ap-text-cell.h"
#include "ap-users-view-private.h"

static char *
format_count (gpointer unused,
              guint    value)
{
  return ap_chart_format_count (value);
}

/* Cells: one ApTextCell each, filled from the user directly. A builder
 * factory would parse its template for every cell of every row, and a
 * GtkLabel lays its text out again whenever a row is rebound, for each of
 * the 200 rows GTK 4.8 keeps, where an ApTextCell shapes only what it
 * draws. */
static void
on_text_cell_setup (GtkSignalListItemFactory *factory,
                    GtkListItem              *item)
{
  gtk_list_item_set_child (item, ap_text_cell_new (0));
}

static void
on_count_cell_setup (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *cell = ap_text_cell_new (1);

  gtk_widget_add_css_class (cell, "numeric");
  /* The last column's numbers keep clear of the overlay scrollbar. */
  if (GPOINTER_TO_UINT (user_data) == AP_USER_SORT_NOT_WATCHED)
    gtk_widget_set_margin_end (cell, 12);
  gtk_list_item_set_child (item, cell);
}

/* Into a stack buffer: GTK 4.8 rebinds every cell of its 200 rows when
 * rows move, twice for a search: 1,200 counts. */
static void
set_count (ApTextCell *cell,
           guint       value)
{
  char buf[AP_CHART_COUNT_LEN];

  ap_text_cell_set_text (cell, ap_chart_format_count_into (value, buf));
}

static void
on_cell_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  ApUserSortColumn column = GPOINTER_TO_UINT (user_data);
  ApTextCell *cell = AP_TEXT_CELL (gtk_list_item_get_child (item));
  ApUser *user = gtk_list_item_get_item (item);

  switch (column)
    {
    case AP_USER_SORT_NAME:
      ap_text_cell_set_text (cell, ap_user_get_name (user));
      break;
    case AP_USER_SORT_EMAIL:
      ap_text_cell_set_text (cell, ap_user_get_email (user));
      break;
    case AP_USER_SORT_DEPARTMENT:
      ap_text_cell_set_text (cell, ap_user_get_department (user));
      break;
    case AP_USER_SORT_CORRECT:
      set_count (cell, ap_user_get_num_correct (user));
      break;
    case AP_USER_SORT_INCORRECT:
      set_count (cell, ap_user_get_num_incorrect (user));
      break;
    case AP_USER_SORT_NOT_WATCHED:
      set_count (cell, ap_user_get_num_not_watched (user));
      break;
    case AP_USER_SORT_NONE:
    default:
      g_assert_not_reached ();
    }
}

GtkListItemFactory *
ap_users_view_cell_factory_new (ApUserSortColumn column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  if (column >= AP_USER_SORT_CORRECT)
    g_signal_connect (factory, "setup", G_CALLBACK (on_count_cell_setup),
                      GUINT_TO_POINTER (column));
  else
    g_signal_connect (factory, "setup", G_CALLBACK (on_text_cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind), GUINT_TO_POINTER (column));
  return factory;
}

/* The narrow list's one number: what is left to watch. */
static char *
format_not_watched_badge (gpointer unused,
                          guint    value)
{
  g_autofree char *number = NULL;

  if (value == 0)
    return g_strdup (_("All watched"));

  number = ap_chart_format_count (value);
  /* Translators: a badge in the narrow list of users, e.g. "3 not watched" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s not watched", "%s not watched",
                                       value),
                          number);
}

void
ap_users_view_bind_cell_callbacks (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, format_count);
  gtk_widget_class_bind_template_callback (widget_class, format_not_watched_badge);
}
