/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-alert.h"
#include "ap-chart-render.h"
#include "ap-error.h"
#include "ap-export-flow-private.h"
#include "ap-report.h"
#include "ap-user.h"

/* Exports that finish within this delay never show the progress dialog:
 * a flash of a dialog is worse than none. */
#define PROGRESS_DELAY_MS 400

static void
close_progress (ApExportFlow *flow)
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

void
ap_export_flow_free (ApExportFlow *flow)
{
  g_clear_handle_id (&flow->progress_timeout_id, g_source_remove);
  close_progress (flow);
  g_clear_object (&flow->parent);
  g_clear_object (&flow->view);
  g_clear_object (&flow->all);
  g_clear_object (&flow->query);
  g_clear_pointer (&flow->report_scope, ap_report_scope_free);
  g_clear_object (&flow->toasts);
  g_clear_object (&flow->file);
  g_clear_object (&flow->cancellable);
  g_clear_object (&flow->task);
  g_free (flow);
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
show_failure (ApExportFlow *flow,
              const GError *error)
{
  GtkWidget *alert = ap_alert_new (_("The Report Was Not Saved"), error->message);

  ap_alert_add_response (alert, "close", _("_Close"));
  ap_alert_present (alert, GTK_WIDGET (flow->parent));
}

void
ap_export_flow_finish (ApExportFlow *flow,
                       const GError *error)
{
  if (flow->task != NULL)
    {
      if (error != NULL)
        g_task_return_error (flow->task, g_error_copy (error));
      else
        g_task_return_boolean (flow->task, TRUE);
    }

  ap_export_flow_free (flow);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ApExportFlow) flow = user_data;
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

  ap_export_flow_finish (g_steal_pointer (&flow), error);
}

static void
on_progress (guint    users_written,
             guint    users_total,
             gpointer user_data)
{
  ApExportFlow *flow = user_data;
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
  ApExportFlow *flow = user_data;

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
  ApExportFlow *flow = user_data;
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
export_flow_write (ApExportFlow *flow)
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
on_file_chosen (ApExportFlow *flow,
                GFile        *file)
{
  if (file == NULL)
    {
      ap_export_flow_finish (flow, NULL);
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

void
ap_export_flow_choose_file (ApExportFlow *flow)
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

void
ap_export_flow_choose_file (ApExportFlow *flow)
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

ApExportFlow *
ap_export_flow_new (GtkWindow           *parent,
                    GListModel          *view,
                    GListModel          *all,
                    ApQuery             *query,
                    const ApReportScope *scope,
                    AdwToastOverlay     *toasts)
{
  ApExportFlow *flow = g_new0 (ApExportFlow, 1);

  flow->parent = parent != NULL ? g_object_ref (parent) : NULL;
  flow->view = g_object_ref (view);
  flow->all = g_object_ref (all != NULL ? all : view);
  flow->query = query != NULL ? ap_query_copy (query) : NULL;
  flow->report_scope = ap_report_scope_copy (scope);
  flow->toasts = g_object_ref (toasts);
  flow->format = AP_REPORT_FORMAT_PDF;

  return flow;
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
  ApExportFlow *flow;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_LIST_MODEL (users));
  g_return_if_fail (query == NULL || AP_IS_QUERY (query));
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (toasts));
  g_return_if_fail (G_IS_FILE (file));

  flow = ap_export_flow_new (parent, users, users, query, scope, toasts);
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
ap_export_dialog_export_to_file_finish (GAsyncResult *result,
                                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ap_export_dialog_export_to_file, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
