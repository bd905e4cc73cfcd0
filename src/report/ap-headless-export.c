/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-headless-export"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "ap-client.h"
#include "ap-error.h"
#include "ap-headless-export.h"
#include "ap-report-private.h"

/* Progress lines are throttled so a 200-page export does not flood a log. */
#define PROGRESS_INTERVAL_USEC (G_USEC_PER_SEC)

typedef struct
{
  ApClient       *client;
  ApReportWriter *writer;
  ApHistorySaver *saver;              /* NULL without history */
  GOutputStream  *stream;
  GCancellable   *fetch_cancellable;  /* ours, chained to the caller's */
  gulong          cancelled_id;
  GCancellable   *caller_cancellable;
  GError         *write_error;        /* first writer failure; ends the fetch */
  guint           users_written;
  guint           pages;
  gint64          total_count;
  gint64          last_progress;
  guint           printed_pages;      /* what the last progress line said */
  gboolean        quiet;
  gboolean        demo;
  char           *base_url;
  gboolean        tty;
} ExportData;

static void
export_data_free (ExportData *data)
{
  if (data->caller_cancellable != NULL && data->cancelled_id != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->cancelled_id);
  if (data->stream != NULL)
    ap_report_file_abort (data->stream);
  g_clear_object (&data->stream);
  g_clear_object (&data->writer);
  g_clear_object (&data->saver);      /* rolls back an unfinished snapshot */
  g_clear_object (&data->client);
  g_clear_object (&data->fetch_cancellable);
  g_clear_object (&data->caller_cancellable);
  g_clear_error (&data->write_error);
  g_free (data->base_url);
  g_free (data);
}

static void
print_progress (ExportData *data,
                gboolean    final)
{
  g_autofree char *pages = NULL;
  g_autofree char *line = NULL;
  gint64 now;

  if (data->quiet)
    return;

  now = g_get_monotonic_time ();
  if (!final && now - data->last_progress < PROGRESS_INTERVAL_USEC)
    return;
  /* The closing line repeats nothing a log already has. */
  if (final && data->printed_pages == data->pages && !data->tty)
    return;
  data->last_progress = now;
  data->printed_pages = data->pages;

  pages = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page", "%u pages", data->pages),
                           data->pages);
  if (data->total_count >= 0)
    line = g_strdup_printf (/* Translators: progress of a command-line export; the last %s is
                             * "N pages" */
                            _("%u of %" PRId64 " users fetched (%s)"),
                            data->users_written, (int64_t) data->total_count, pages);
  else
    line = g_strdup_printf (_("%u users fetched (%s)"), data->users_written, pages);

  /* On a terminal the line is redrawn in place; in a log each is its own. */
  fprintf (stderr, "%s%s%s", data->tty ? "\r" : "", line, data->tty && !final ? "" : "\n");
  fflush (stderr);
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GCancellable *fetch_cancellable = user_data;

  g_cancellable_cancel (fetch_cancellable);
}

static void
on_progress (ApClient *client,
             guint     pages,
             guint     users,
             gint64    total_count,
             gpointer  user_data)
{
  ExportData *data = user_data;

  data->pages = pages;
  data->total_count = total_count;
  print_progress (data, FALSE);
}

static void
on_retrying (ApClient *client,
             guint     code,
             guint     delay_ms,
             gpointer  user_data)
{
  ExportData *data = user_data;
  const char *reason;

  if (data->quiet)
    return;

  switch ((ApErrorCode) code)
    {
    case AP_ERROR_RATE_LIMITED:
      reason = _("Rate limited");
      break;
    case AP_ERROR_TIMEOUT:
      reason = _("The server did not answer in time");
      break;
    case AP_ERROR_NETWORK:
      reason = _("The connection failed");
      break;
    default:
      reason = _("The server had a problem");
      break;
    }

  fprintf (stderr, _("%s%s, retrying in %.1f s\n"),
           data->tty ? "\n" : "", reason, delay_ms / 1000.0);
}

/* Runs on the main context in page order: rows reach the file page by page,
 * so memory stays flat for CSV and JSON however large the organisation. */
static void
on_batch (ApClient  *client,
          GPtrArray *users,
          gpointer   user_data)
{
  ExportData *data = user_data;

  if (data->write_error != NULL)
    return;

  if (!ap_report_writer_add_users (data->writer, users, NULL, &data->write_error))
    {
      g_cancellable_cancel (data->fetch_cancellable);
      return;
    }

  data->users_written += users->len;
  if (data->saver != NULL)
    {
      ap_history_saver_add_users (data->saver, users);
      /* No window waits on this loop: keeping pace with the writer keeps
       * memory flat, as without history. */
      ap_history_saver_wait_for_room (data->saver, 2);
    }
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (ap_history_saver_commit_finish (AP_HISTORY_SAVER (object), result, &error) == 0 &&
      !data->quiet)
    {
      g_autofree char *line = g_strdelimit (g_strdup (error->message), "\r\n", ' ');

      /* The export is on disk: a history failure does not undo it. */
      fprintf (stderr, _("Warning: this fetch was not saved in the history: %s\n"), line);
    }

  g_task_return_boolean (task, TRUE);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  g_signal_handlers_disconnect_by_data (data->client, data);

  if (!ap_client_fetch_finish (AP_CLIENT (object), result, &error))
    {
      /* A writer failure stops the fetch by cancelling it: report the
       * writer's reason, not the cancellation it caused. */
      if (data->write_error != NULL && !g_cancellable_is_cancelled (cancellable))
        g_task_return_error (task, g_steal_pointer (&data->write_error));
      else if (g_cancellable_is_cancelled (data->fetch_cancellable))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The export was cancelled"));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->write_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->write_error));
      return;
    }

  {
    g_autoptr(ApReportScope) scope = ap_report_scope_new ();
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    /* Everything fetched, nothing narrowed: the PDF says so. */
    scope->base_url = g_strdup (data->base_url);
    scope->demo = data->demo;
    ap_report_scope_set_fetched (scope, now, data->users_written);
    ap_report_writer_set_scope (data->writer, scope);
  }

  if (!ap_report_writer_finish (data->writer, cancellable, &error) ||
      !ap_report_file_commit (data->stream, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_object (&data->stream);

  print_progress (data, TRUE);
  if (data->saver != NULL)
    {
      ap_history_saver_commit_async (data->saver, NULL, save_cb, g_steal_pointer (&task));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
ap_headless_export_async (ApCredentials       *credentials,
                          ApQuery             *query,
                          GFile               *file,
                          ApReportFormat       format,
                          gboolean             quiet,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  ap_headless_export_with_history_async (credentials, query, file, format, NULL, quiet, FALSE,
                                         cancellable, callback, user_data);
}

void
ap_headless_export_with_history_async (ApCredentials       *credentials,
                                       ApQuery             *query,
                                       GFile               *file,
                                       ApReportFormat       format,
                                       ApHistory           *history,
                                       gboolean             quiet,
                                       gboolean             demo,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ExportData *data;

  g_return_if_fail (AP_IS_CREDENTIALS (credentials));
  g_return_if_fail (AP_IS_QUERY (query));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (history == NULL || AP_IS_HISTORY (history));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_headless_export_async);

  data = g_new0 (ExportData, 1);
  data->quiet = quiet;
  data->demo = demo;
  data->base_url = g_strdup (ap_credentials_get_base_url (credentials));
  data->tty = isatty (STDERR_FILENO);
  data->total_count = -1;
  data->fetch_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);

  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                  data->fetch_cancellable, NULL);
    }

  /* Refuse a bad query or bad credentials before the target file is even
   * touched. */
  if (!ap_query_validate (query, &error) || !ap_credentials_validate (credentials, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->stream = ap_report_file_open (file, cancellable, &error);
  if (data->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->writer = ap_report_writer_new (format, data->stream, query,
                                       ap_credentials_get_base_url (credentials), NULL);
  if (history != NULL)
    data->saver = ap_history_saver_new (history, ap_credentials_get_base_url (credentials),
                                        query, 0);
  data->client = ap_client_new (credentials);
  g_signal_connect (data->client, "progress", G_CALLBACK (on_progress), data);
  g_signal_connect (data->client, "retrying", G_CALLBACK (on_retrying), data);

  ap_client_fetch_async (data->client, query, on_batch, data, NULL,
                         data->fetch_cancellable, fetch_cb, g_steal_pointer (&task));
}

gboolean
ap_headless_export_finish (GAsyncResult  *result,
                           guint         *users_written,
                           GError       **error)
{
  ExportData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_headless_export_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (users_written != NULL)
    *users_written = data->users_written;

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  ApReportWriter *writer;
  GError         *error;
  guint           users_written;
} SnapshotExport;

static void
snapshot_batch (GPtrArray *users,
                gpointer   user_data)
{
  SnapshotExport *export = user_data;

  if (export->error != NULL)
    return;
  if (ap_report_writer_add_users (export->writer, users, NULL, &export->error))
    export->users_written += users->len;
}

gboolean
ap_headless_export_snapshot (ApHistory            *history,
                             const ApSnapshotInfo *snapshot,
                             GFile                *file,
                             ApReportFormat        format,
                             guint                *users_written,
                             GError              **error)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  SnapshotExport export = { 0 };

  g_return_val_if_fail (AP_IS_HISTORY (history), FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  stream = ap_report_file_open (file, NULL, error);
  if (stream == NULL)
    return FALSE;

  export.writer = ap_report_writer_new (format, stream, snapshot->query, snapshot->base_url, NULL);
  if (!ap_history_load_users (history, snapshot->id, 1000, snapshot_batch, &export, NULL,
                              &local_error) ||
      export.error != NULL ||
      !ap_report_writer_finish (export.writer, NULL, &local_error) ||
      !ap_report_file_commit (stream, NULL, &local_error))
    {
      if (local_error == NULL)
        local_error = g_steal_pointer (&export.error);
      g_clear_error (&export.error);
      g_clear_object (&export.writer);
      ap_report_file_abort (stream);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_clear_object (&export.writer);
  if (users_written != NULL)
    *users_written = export.users_written;
  return TRUE;
}

gboolean
ap_headless_export_changes (GPtrArray  *changes,
                            GFile      *file,
                            GError    **error)
{
  g_autoptr(GOutputStream) stream = NULL;
  ApReportBuffer buffer;
  gboolean ok;

  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  stream = ap_report_file_open (file, NULL, error);
  if (stream == NULL)
    return FALSE;

  ap_report_buffer_init (&buffer, stream);
  ap_csv_writer_write_changes_header (&buffer);
  for (guint i = 0; i < changes->len; i++)
    ap_csv_writer_write_change (&buffer, g_ptr_array_index (changes, i));
  ok = ap_report_buffer_flush (&buffer);
  if (!ok)
    {
      g_propagate_error (error, ap_report_map_io_error (buffer.error, file));
      ap_report_buffer_clear (&buffer);
      ap_report_file_abort (stream);
      return FALSE;
    }
  ap_report_buffer_clear (&buffer);

  return ap_report_file_commit (stream, NULL, error);
}
