/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Finding and answering the app's alerts (ap-alert.h) in display tests,
 * whichever libadwaita shows them: own windows (AdwMessageDialog) or
 * dialogs inside the window they belong to (AdwAlertDialog). */

#include <gtk/gtk.h>

#include "ap-alert.h"

static inline GtkWidget *
ap_test_find_alert_in (GtkWidget  *widget,
                       const char *heading)
{
  if (ap_is_alert (widget) && gtk_widget_get_visible (widget) &&
      (heading == NULL || g_strcmp0 (ap_alert_get_heading (widget), heading) == 0))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ap_test_find_alert_in (child, heading);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The shown alert whose heading is @heading (any, for NULL), or NULL. */
static inline GtkWidget *
ap_test_find_alert (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *found;

      if (!gtk_widget_get_visible (window))
        continue;
      found = ap_test_find_alert_in (window, heading);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* As a click on the button of @id does: the response, then the alert closes. */
static inline void
ap_test_alert_respond (GtkWidget  *alert,
                       const char *id)
{
  g_assert_true (ap_is_alert (alert));

  g_object_ref (alert);
  g_signal_emit_by_name (alert, "response", id);
  ap_alert_close (alert);
  g_object_unref (alert);
}
