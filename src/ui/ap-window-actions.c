/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-export-dialog.h"
#include "ap-follow-up-ui.h"
#include "ap-print.h"
#include "ap-window-private.h"

static void
ap_window_focus_search (ApWindow *self)
{
  g_assert (AP_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "users");
  ap_panes_set_showing_detail (self->panes, FALSE);
  ap_users_view_focus_search (self->users_view);
}

/* What the report covers beyond the query: the source, the fetch and the
 * view's narrowing (the export dialog drops it for "everything loaded"). */
static ApReportScope *
ap_window_dup_report_scope (ApWindow *self)
{
  ApReportScope *scope = ap_report_scope_new ();

  scope->demo = self->mock != NULL;
  if (self->credentials != NULL)
    scope->base_url = g_strdup (ap_credentials_get_base_url (self->credentials));
  ap_report_scope_set_fetched (scope, self->fetched_at,
                               g_list_model_get_n_items (G_LIST_MODEL (self->store)));
  ap_report_scope_set_narrowing (scope, TRUE,
                                 ap_users_view_get_department (self->users_view),
                                 ap_users_view_get_search_text (self->users_view));

  return scope;
}

/* What a report of the view is of: the query of the rows shown, or the
 * bar's before any fetch. (transfer full) */
static ApQuery *
ap_window_dup_report_query (ApWindow *self)
{
  if (self->shown_query != NULL)
    return g_object_ref (self->shown_query);
  return ap_query_bar_build_query (self->query_bar);
}

static void
ap_window_export (ApWindow *self)
{
  g_autoptr(ApQuery) query = ap_window_dup_report_query (self);
  g_autoptr(ApReportScope) scope = ap_window_dup_report_scope (self);

  ap_export_dialog_present (GTK_WINDOW (self),
                            ap_users_view_get_visible_users (self->users_view),
                            G_LIST_MODEL (self->store),
                            query, scope, self->toast_overlay);
}

/* The same report as the PDF, of the current view, through the print
 * dialog. */
static void
ap_window_print (ApWindow *self)
{
  g_autoptr(ApQuery) query = ap_window_dup_report_query (self);
  g_autoptr(ApReportScope) scope = ap_window_dup_report_scope (self);

  ap_print_report (GTK_WINDOW (self), ap_users_view_get_visible_users (self->users_view), query,
                   scope);
}

static void
ap_window_fetch_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ApWindow *self = AP_WINDOW (widget);
  g_autoptr(ApQuery) query = ap_query_bar_build_query (self->query_bar);

  if (ap_query_bar_get_valid (self->query_bar))
    _ap_window_fetch (self, query);
}

static void
ap_window_fetch_with_details_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  ApWindow *self = AP_WINDOW (widget);

  ap_query_bar_set_include_details (self->query_bar, TRUE);
  ap_window_fetch_action (widget, action_name, parameter);
}

static void
ap_window_cancel_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  _ap_window_cancel_fetch (AP_WINDOW (widget));
}

static void
ap_window_export_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ap_window_export (AP_WINDOW (widget));
}

static void
ap_window_print_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ap_window_print (AP_WINDOW (widget));
}

static void
ap_window_credentials_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  _ap_window_show_credentials (AP_WINDOW (widget));
}

static void
ap_window_search_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ap_window_focus_search (AP_WINDOW (widget));
}

static void
ap_window_demo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ap_window_start_demo (AP_WINDOW (widget));
}

/* The people the Users list shows now, narrowed and sorted as on screen:
 * the follow-up actions reach exactly whom the manager is looking at. */
static GPtrArray *
shown_users (ApWindow *self)
{
  GListModel *model = ap_users_view_get_visible_users (self->users_view);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;
  GPtrArray *users = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (users, g_list_model_get_item (model, i));

  return users;
}

static void
ap_window_copy_shown_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  g_autoptr(GPtrArray) users = shown_users (AP_WINDOW (widget));

  ap_follow_up_copy_addresses (widget, users,
                               g_str_equal (action_name, "win.copy-shown-with-names"));
}

static void
ap_window_remind_shown_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  g_autoptr(GPtrArray) users = shown_users (AP_WINDOW (widget));
  ApReminderDialog *dialog;

  if (users->len == 0)
    return;
  dialog = ap_reminder_dialog_new (GTK_WINDOW (widget), users);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_ap_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.fetch", NULL, ap_window_fetch_action);
  gtk_widget_class_install_action (widget_class, "win.fetch-with-details", NULL,
                                   ap_window_fetch_with_details_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, ap_window_cancel_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, ap_window_export_action);
  gtk_widget_class_install_action (widget_class, "win.print", NULL, ap_window_print_action);
  gtk_widget_class_install_action (widget_class, "win.credentials", NULL,
                                   ap_window_credentials_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, ap_window_search_action);
  gtk_widget_class_install_action (widget_class, "win.demo", NULL, ap_window_demo_action);
  gtk_widget_class_install_action (widget_class, "win.copy-shown", NULL,
                                   ap_window_copy_shown_action);
  gtk_widget_class_install_action (widget_class, "win.copy-shown-with-names", NULL,
                                   ap_window_copy_shown_action);
  gtk_widget_class_install_action (widget_class, "win.remind-shown", NULL,
                                   ap_window_remind_shown_action);

  /* Escape bubbles up from the focused widget, so an entry or a popover
   * gets it first; the other shortcuts are application accelerators,
   * which menus show next to their items. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

void
_ap_window_update_actions (ApWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean connected = self->client != NULL;
  gboolean has_rows = self->store != NULL &&
                      g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0;

  g_assert (AP_IS_WINDOW (self));

  gtk_widget_action_set_enabled (widget, "win.fetch",
                                 connected && !self->fetching &&
                                 ap_query_bar_get_valid (self->query_bar));
  gtk_widget_action_set_enabled (widget, "win.fetch-with-details", connected && !self->fetching);
  gtk_widget_action_set_enabled (widget, "win.cancel", self->fetching);
  gtk_widget_action_set_enabled (widget, "win.export", has_rows && !self->fetching);
  gtk_widget_action_set_enabled (widget, "win.print", has_rows && !self->fetching);
  gtk_widget_action_set_enabled (widget, "win.search", has_rows);
  gtk_widget_action_set_enabled (widget, "win.demo", self->mock == NULL);
  gtk_widget_action_set_enabled (widget, "win.copy-shown", has_rows);
  gtk_widget_action_set_enabled (widget, "win.copy-shown-with-names", has_rows);
  gtk_widget_action_set_enabled (widget, "win.remind-shown", has_rows);
}
