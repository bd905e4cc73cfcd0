/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-error.h"
#include "ap-a11y.h"
#include "ap-alert.h"
#include "ap-chart-render.h"
#include "ap-export-dialog.h"
#include "ap-report.h"
#include "ap-user.h"

/* Exports that finish within this delay never show the progress dialog:
 * a flash of a dialog is worse than none. */
#define PROGRESS_DELAY_MS 400

static const ApReportFormat formats[] = {
  AP_REPORT_FORMAT_CSV,
  AP_REPORT_FORMAT_CSV_DETAILS,
  AP_REPORT_FORMAT_JSON,
  AP_REPORT_FORMAT_PDF,
};

typedef struct
{
  GtkWindow       *parent;
  GListModel      *view;
  GListModel      *all;
  ApQuery         *query;
  ApReportScope   *report_scope;
  AdwToastOverlay *toasts;
  GSettings       *settings;

  GtkCheckButton  *format_buttons[G_N_ELEMENTS (formats)];
  GtkCheckButton  *view_button;

  ApReportFormat   format;
  GListModel      *scope;
  GFile           *file;
  guint            n_users;

  GCancellable    *cancellable;
  GtkWidget        *progress_dialog;
  GtkProgressBar  *progress_bar;
  guint            progress_timeout_id;

  GTask           *task;        /* the test hook's, else NULL */
} ExportFlow;

/* Tests skip the save dialog through ap_export_dialog_set_test_target(). */
static GFile *test_target;
static ApExportDialogFinishedFunc test_finished;
static gpointer test_finished_data;

static void
close_progress (ExportFlow *flow)
{
  if (flow->progress_dialog == NULL)
    return;

  g_signal_handlers_disconnect_by_data (flow->progress_dialog, flow);
  g_object_remove_weak_pointer (G_OBJECT (flow->progress_dialog),
                                (gpointer *) &flow->progress_dialog);
  ap_alert_close (flow->progress_dialog);
  flow->progress_dialog = NULL;
  flow->progress_bar = NULL;
}

static void
export_flow_free (ExportFlow *flow)
{
  g_clear_handle_id (&flow->progress_timeout_id, g_source_remove);
  close_progress (flow);
  g_clear_object (&flow->parent);
  g_clear_object (&flow->view);
  g_clear_object (&flow->all);
  g_clear_object (&flow->query);
  g_clear_pointer (&flow->report_scope, ap_report_scope_free);
  g_clear_object (&flow->toasts);
  g_clear_object (&flow->settings);
  g_clear_object (&flow->file);
  g_clear_object (&flow->cancellable);
  g_clear_object (&flow->task);
  g_free (flow);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportFlow, export_flow_free)

static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* A missing schema (a test or an uninstalled build) must not abort. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "export-format"))
    return NULL;

  return g_settings_new (BASE_APPLICATION_ID);
}

/* The one place that opens a file for the person: the portal-aware launcher
 * where GTK has it, gtk_show_uri() on 4.8. */
static void
open_file (GtkWindow *parent,
           GFile     *file)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);

  gtk_file_launcher_launch (launcher, parent, NULL, NULL, NULL);
#else
  g_autofree char *uri = g_file_get_uri (file);

  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
#endif
}

static void
on_toast_open (AdwToast *toast,
               gpointer  user_data)
{
  GFile *file = g_object_get_data (G_OBJECT (toast), "file");
  GtkWidget *root = gtk_widget_get_ancestor (GTK_WIDGET (user_data), GTK_TYPE_WINDOW);

  open_file (GTK_WINDOW (root), file);
}

static void
show_failure (ExportFlow   *flow,
              const GError *error)
{
  GtkWidget *alert = ap_alert_new (_("The Report Was Not Saved"), error->message);

  ap_alert_add_response (alert, "close", _("_Close"));
  ap_alert_present (alert, GTK_WIDGET (flow->parent));
}

static void
export_flow_finish (ExportFlow   *flow,
                    const GError *error)
{
  if (flow->task != NULL)
    {
      if (error != NULL)
        g_task_return_error (flow->task, g_error_copy (error));
      else
        g_task_return_boolean (flow->task, TRUE);
    }

  if (test_finished != NULL)
    test_finished (flow->file, error, test_finished_data);

  export_flow_free (flow);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ExportFlow) flow = user_data;
  g_autoptr(GError) error = NULL;

  ap_report_export_finish (result, &error);

  g_clear_handle_id (&flow->progress_timeout_id, g_source_remove);
  close_progress (flow);

  if (error == NULL)
    {
      AdwToast *toast = adw_toast_new (_("Report saved"));

      adw_toast_set_button_label (toast, _("Open"));
      g_object_set_data_full (G_OBJECT (toast), "file", g_object_ref (flow->file),
                              g_object_unref);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_toast_open),
                               flow->toasts, 0);
      adw_toast_overlay_add_toast (flow->toasts, toast);
    }
  else if (ap_error_is_cancelled (error))
    adw_toast_overlay_add_toast (flow->toasts,
                                 adw_toast_new (_("Export cancelled; no file was written")));
  else
    show_failure (flow, error);

  export_flow_finish (g_steal_pointer (&flow), error);
}

static void
on_progress (guint    users_written,
             guint    users_total,
             gpointer user_data)
{
  ExportFlow *flow = user_data;
  g_autofree char *written = NULL;
  g_autofree char *total = NULL;
  g_autofree char *body = NULL;

  if (flow->progress_dialog == NULL)
    return;

  written = ap_chart_format_count (users_written);
  total = ap_chart_format_count (users_total);
  /* Translators: progress of an export, e.g. "12,000 of 100,000 users written" */
  body = g_strdup_printf (_("%s of %s users written"), written, total);
  ap_alert_set_body (flow->progress_dialog, body);
  gtk_progress_bar_set_fraction (flow->progress_bar,
                                 users_total > 0 ? (double) users_written / users_total : 1.0);
}

static void
on_progress_response (GtkWidget  *alert,
                      const char *response,
                      gpointer    user_data)
{
  ExportFlow *flow = user_data;

  /* The dialog closes itself (a weak pointer tells us); the export ends
   * with "cancelled" and closes it if it is still there. */
  g_signal_handlers_disconnect_by_data (alert, flow);
  ap_alert_set_body (alert, _("Cancelling…"));
  gtk_widget_set_sensitive (alert, FALSE);
  g_cancellable_cancel (flow->cancellable);
}

static gboolean
on_progress_timeout (gpointer user_data)
{
  ExportFlow *flow = user_data;
  g_autofree char *total = ap_chart_format_count (flow->n_users);
  g_autofree char *body = NULL;
  GtkWidget *bar;

  flow->progress_timeout_id = 0;

  body = g_strdup_printf (_("%s of %s users written"), "0", total);
  flow->progress_dialog = ap_alert_new (_("Exporting Report"), body);
  bar = gtk_progress_bar_new ();
  gtk_widget_set_margin_top (bar, 6);
  flow->progress_bar = GTK_PROGRESS_BAR (bar);
  ap_alert_set_extra_child (flow->progress_dialog, bar);
  ap_alert_add_response (flow->progress_dialog, "cancel", _("_Cancel"));
  ap_alert_set_close_response (flow->progress_dialog, "cancel");
  g_object_add_weak_pointer (G_OBJECT (flow->progress_dialog),
                             (gpointer *) &flow->progress_dialog);
  g_signal_connect (flow->progress_dialog, "response", G_CALLBACK (on_progress_response), flow);
  ap_alert_present (flow->progress_dialog, GTK_WIDGET (flow->parent));

  return G_SOURCE_REMOVE;
}

static GPtrArray *
snapshot_users (GListModel *model)
{
  guint n = g_list_model_get_n_items (model);
  GPtrArray *users = g_ptr_array_new_full (n, g_object_unref);

  /* References only: the worker reads immutable users while the view
   * goes on filtering and sorting. */
  for (guint i = 0; i < n; i++)
    {
      ApUser *user = g_list_model_get_item (model, i);

      if (user != NULL)
        g_ptr_array_add (users, user);
    }

  return users;
}

static void
export_flow_write (ExportFlow *flow)
{
  g_autoptr(GPtrArray) users = snapshot_users (flow->scope);

  flow->n_users = users->len;
  if (flow->cancellable == NULL)
    flow->cancellable = g_cancellable_new ();
  flow->progress_timeout_id = g_timeout_add (PROGRESS_DELAY_MS, on_progress_timeout, flow);

  ap_report_export_async (flow->file, flow->format, users, flow->query, flow->report_scope,
                          on_progress, flow, flow->cancellable, on_exported, flow);
}

static char *
suggested_name (ApReportFormat format)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

  return g_strdup_printf ("awareness-performance-%s.%s", date,
                          ap_report_format_get_extension (format));
}

static GtkFileFilter *
make_filter (ApReportFormat format)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  g_autofree char *pattern = g_strdup_printf ("*.%s", ap_report_format_get_extension (format));

  gtk_file_filter_set_name (filter, ap_report_format_get_label (format));
  gtk_file_filter_add_mime_type (filter, ap_report_format_get_mime_type (format));
  gtk_file_filter_add_pattern (filter, pattern);

  return filter;
}

static void
on_file_chosen (ExportFlow *flow,
                GFile      *file)
{
  if (file == NULL)
    {
      export_flow_finish (flow, NULL);
      return;
    }

  flow->file = g_object_ref (file);
  export_flow_write (flow);
}

/* The one place that asks for a file name. Both go through the FileChooser
 * portal inside Flatpak. */
#if GTK_CHECK_VERSION (4, 10, 0)
static void
on_save_finished (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, NULL);

  on_file_chosen (user_data, file);
}

static void
choose_file (ExportFlow *flow)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = make_filter (flow->format);
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autofree char *name = suggested_name (flow->format);

  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Export Report"));
  gtk_file_dialog_set_accept_label (dialog, _("_Export"));
  gtk_file_dialog_set_initial_name (dialog, name);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, filter);
  gtk_file_dialog_save (dialog, flow->parent, NULL, on_save_finished, flow);
}
#else
static void
on_native_response (GtkNativeDialog *native,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  on_file_chosen (user_data, file);
}

static void
choose_file (ExportFlow *flow)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = make_filter (flow->format);
  g_autofree char *name = suggested_name (flow->format);

  native = gtk_file_chooser_native_new (_("Export Report"), flow->parent,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect (native, "response", G_CALLBACK (on_native_response), flow);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}
#endif

static void
on_choice_response (GtkWidget  *alert,
                    const char *response,
                    gpointer    user_data)
{
  ExportFlow *flow = user_data;

  /* Closing after a response must not answer twice. */
  g_signal_handlers_disconnect_by_data (alert, flow);

  if (g_strcmp0 (response, "export") != 0)
    {
      export_flow_finish (flow, NULL);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (gtk_check_button_get_active (flow->format_buttons[i]))
      flow->format = formats[i];
  flow->scope = gtk_check_button_get_active (flow->view_button) ? flow->view : flow->all;
  /* Everything loaded is not narrowed by the window's filters. */
  if (flow->scope == flow->all && flow->all != flow->view)
    ap_report_scope_set_narrowing (flow->report_scope, FALSE, NULL, NULL);

  if (flow->settings != NULL)
    g_settings_set_string (flow->settings, "export-format",
                           ap_report_format_to_string (flow->format));

  if (test_target != NULL)
    on_file_chosen (flow, test_target);
  else
    choose_file (flow);
}

static GtkCheckButton *
add_choice (AdwPreferencesGroup *group,
            GtkCheckButton      *group_leader,
            const char          *name,
            const char          *title,
            const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_name (check, name);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group_leader != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group_leader);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_preferences_group_add (group, row);

  return GTK_CHECK_BUTTON (check);
}

static const char *
format_description (ApReportFormat format)
{
  switch (format)
    {
    case AP_REPORT_FORMAT_CSV:
      return _("One row per user, for spreadsheets");
    case AP_REPORT_FORMAT_CSV_DETAILS:
      return _("One row per training video sent to each user");
    case AP_REPORT_FORMAT_JSON:
      return _("Every field, for scripts and other tools");
    case AP_REPORT_FORMAT_PDF:
    default:
      return _("Charts and tables to share or print");
    }
}

static GtkWidget *
build_choices (ExportFlow *flow)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  AdwPreferencesGroup *format_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *scope_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *view_count = NULL;
  g_autofree char *all_count = NULL;
  g_autofree char *view_subtitle = NULL;
  g_autofree char *all_subtitle = NULL;
  g_autofree char *saved = NULL;
  ApReportFormat saved_format = AP_REPORT_FORMAT_PDF;
  guint n_view = g_list_model_get_n_items (flow->view);
  guint n_all = g_list_model_get_n_items (flow->all);

  if (flow->settings != NULL)
    saved = g_settings_get_string (flow->settings, "export-format");
  if (saved != NULL)
    ap_report_format_from_string (saved, FALSE, &saved_format);

  adw_preferences_group_set_title (format_group, _("Format"));
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("format-%s",
                                               ap_report_format_to_string (formats[i]));

      flow->format_buttons[i] = add_choice (format_group, i > 0 ? flow->format_buttons[0] : NULL,
                                            name, ap_report_format_get_label (formats[i]),
                                            format_description (formats[i]));
      gtk_check_button_set_active (flow->format_buttons[i], formats[i] == saved_format);
    }

  view_count = ap_chart_format_count (n_view);
  all_count = ap_chart_format_count (n_all);
  view_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s user, filtered and sorted as shown",
                                                "%s users, filtered and sorted as shown",
                                                n_view),
                                   view_count);
  all_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s user", "%s users", n_all),
                                  all_count);

  adw_preferences_group_set_title (scope_group, _("Users"));
  flow->view_button = add_choice (scope_group, NULL, "scope-view", _("Current view"),
                                  view_subtitle);
  add_choice (scope_group, flow->view_button, "scope-all", _("All loaded users"), all_subtitle);
  gtk_check_button_set_active (flow->view_button, TRUE);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (format_group));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (scope_group));

  return box;
}

static ExportFlow *
export_flow_new (GtkWindow       *parent,
                 GListModel      *view,
                 GListModel      *all,
                 ApQuery             *query,
                 const ApReportScope *scope,
                 AdwToastOverlay     *toasts)
{
  ExportFlow *flow = g_new0 (ExportFlow, 1);

  flow->parent = parent != NULL ? g_object_ref (parent) : NULL;
  flow->view = g_object_ref (view);
  flow->all = g_object_ref (all != NULL ? all : view);
  flow->query = query != NULL ? ap_query_copy (query) : NULL;
  flow->report_scope = ap_report_scope_copy (scope);
  flow->toasts = g_object_ref (toasts);
  flow->settings = dup_settings ();
  flow->format = AP_REPORT_FORMAT_PDF;

  return flow;
}

void
ap_export_dialog_present (GtkWindow       *parent,
                          GListModel      *view,
                          GListModel      *all,
                          ApQuery             *query,
                          const ApReportScope *scope,
                          AdwToastOverlay     *toasts)
{
  ExportFlow *flow;
  GtkWidget *alert;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_LIST_MODEL (view));
  g_return_if_fail (all == NULL || G_IS_LIST_MODEL (all));
  g_return_if_fail (query == NULL || AP_IS_QUERY (query));
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (toasts));

  flow = export_flow_new (parent, view, all, query, scope, toasts);

  alert = ap_alert_new (_("Export Report"), NULL);
  ap_alert_set_extra_child (alert, build_choices (flow));
  ap_alert_add_response (alert, "cancel", _("_Cancel"));
  ap_alert_add_response (alert, "export", _("_Export…"));
  ap_alert_set_response_appearance (alert, "export", ADW_RESPONSE_SUGGESTED);
  ap_alert_set_default_response (alert, "export");
  ap_alert_set_close_response (alert, "cancel");
  ap_a11y_name_buttons (alert);
  g_signal_connect (alert, "response", G_CALLBACK (on_choice_response), flow);
  ap_alert_present (alert, GTK_WIDGET (parent));
}

void
ap_export_dialog_export_to_file (GtkWindow           *parent,
                                 GListModel          *users,
                                 ApReportFormat       format,
                                 ApQuery             *query,
                                 const ApReportScope *scope,
                                 AdwToastOverlay     *toasts,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  ExportFlow *flow;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_LIST_MODEL (users));
  g_return_if_fail (query == NULL || AP_IS_QUERY (query));
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (toasts));
  g_return_if_fail (G_IS_FILE (file));

  flow = export_flow_new (parent, users, users, query, scope, toasts);
  flow->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (flow->task, ap_export_dialog_export_to_file);
  flow->format = format;
  flow->scope = flow->view;
  flow->file = g_object_ref (file);
  if (cancellable != NULL)
    flow->cancellable = g_object_ref (cancellable);
  export_flow_write (flow);
}

gboolean
ap_export_dialog_export_to_file_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ap_export_dialog_export_to_file, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ap_export_dialog_set_test_target (GFile                      *file,
                                  ApExportDialogFinishedFunc  finished,
                                  gpointer                    user_data)
{
  g_set_object (&test_target, file);
  test_finished = finished;
  test_finished_data = user_data;
}
