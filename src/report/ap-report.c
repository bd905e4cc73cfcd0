/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-report"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-error.h"
#include "ap-report-private.h"

/* How often the worker thread posts progress to the caller's context. */
#define PROGRESS_CHUNK 1000

struct _ApReportWriter
{
  GObject            parent_instance;

  ApReportFormat     format;
  GOutputStream     *stream;
  ApQuery           *query;
  char              *base_url;
  GDateTime         *generated;

  ApReportBuffer     buffer;
  GString           *scratch;
  ApReportDocument  *pdf;
  ApReportScope     *scope;
  GPtrArray         *kept;        /* the department and video CSVs' users */
  GError            *error;       /* sticky: a writer that failed stays failed */

  ApPdfProgressFunc  progress;
  gpointer           progress_data;

  guint              n_users;
  guint              started : 1;
  guint              finished : 1;
  guint              bom : 1;
};

G_DEFINE_FINAL_TYPE (ApReportWriter, ap_report_writer, G_TYPE_OBJECT)

/* Buffer */

void
ap_report_buffer_init (ApReportBuffer *self,
                       GOutputStream  *stream)
{
  memset (self, 0, sizeof *self);
  self->stream = stream;
  self->size = AP_REPORT_BUFFER_SIZE;
  self->data = g_malloc (self->size);
}

void
ap_report_buffer_clear (ApReportBuffer *self)
{
  g_clear_pointer (&self->data, g_free);
  g_clear_error (&self->error);
  self->len = 0;
}

gboolean
ap_report_buffer_flush (ApReportBuffer *self)
{
  if (self->error == NULL && self->stream == NULL && self->len > 0)
    g_set_error_literal (&self->error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "buffer full");

  if (self->error != NULL)
    {
      self->len = 0;
      return FALSE;
    }

  if (self->len > 0 &&
      !g_output_stream_write_all (self->stream, self->data, self->len, NULL,
                                  self->cancellable, &self->error))
    {
      self->len = 0;
      return FALSE;
    }

  self->len = 0;
  return TRUE;
}

void
ap_report_buffer_append_slow (ApReportBuffer *self,
                              const char     *data,
                              gsize           len)
{
  if (!ap_report_buffer_flush (self))
    return;

  if (len >= self->size && self->stream == NULL)
    {
      g_set_error_literal (&self->error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "buffer full");
      return;
    }

  if (len >= self->size)
    {
      g_output_stream_write_all (self->stream, data, len, NULL, self->cancellable, &self->error);
      return;
    }

  memcpy (self->data, data, len);
  self->len = len;
}

void
ap_report_buffer_append_uint (ApReportBuffer *self,
                              guint64         value)
{
  char digits[20];
  guint i = sizeof digits;

  do
    {
      digits[--i] = '0' + (value % 10);
      value /= 10;
    }
  while (value != 0);

  ap_report_buffer_append (self, digits + i, sizeof digits - i);
}

/* Errors */

static char *
dup_display_name (GFile *file)
{
  if (file == NULL)
    return g_strdup (_("the chosen folder"));

  return g_file_get_parse_name (file);
}

GError *
ap_report_map_io_error (const GError *error,
                        GFile        *file)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *folder_name = NULL;
  g_autofree char *file_name = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == AP_ERROR)
    return g_error_copy (error);

  if (file != NULL)
    folder = g_file_get_parent (file);
  folder_name = dup_display_name (folder);
  file_name = dup_display_name (file);

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_PERMISSION_DENIED:
          return g_error_new (AP_ERROR, AP_ERROR_WRITE,
                              _("You don’t have permission to write to “%s”. Choose another "
                                "folder."), folder_name);
        case G_IO_ERROR_NOT_FOUND:
          return g_error_new (AP_ERROR, AP_ERROR_WRITE,
                              _("The folder “%s” does not exist. Choose another folder."),
                              folder_name);
        case G_IO_ERROR_NOT_DIRECTORY:
          return g_error_new (AP_ERROR, AP_ERROR_WRITE,
                              _("“%s” is not a folder. Choose another place for the report."),
                              folder_name);
        case G_IO_ERROR_NO_SPACE:
          return g_error_new_literal (AP_ERROR, AP_ERROR_WRITE,
                                      _("The disk is full. Free some space or choose another "
                                        "disk, then export again."));
        case G_IO_ERROR_READ_ONLY:
          return g_error_new (AP_ERROR, AP_ERROR_WRITE,
                              _("“%s” is on a read-only disk. Choose another folder."),
                              folder_name);
        case G_IO_ERROR_IS_DIRECTORY:
        case G_IO_ERROR_NOT_REGULAR_FILE:
          return g_error_new (AP_ERROR, AP_ERROR_WRITE,
                              _("“%s” is not a regular file. Choose another name for the "
                                "report."), file_name);
        case G_IO_ERROR_FILENAME_TOO_LONG:
        case G_IO_ERROR_INVALID_FILENAME:
          return g_error_new (AP_ERROR, AP_ERROR_WRITE,
                              _("The name “%s” cannot be used here. Choose a shorter or "
                                "simpler name."), file_name);
        default:
          break;
        }
    }

  return g_error_new (AP_ERROR, AP_ERROR_WRITE, _("The report could not be written to “%s”: %s"),
                      file_name, error->message);
}

/* Formats */

gboolean
ap_report_format_from_string (const char     *str,
                              gboolean        details,
                              ApReportFormat *format)
{
  ApReportFormat result;

  g_return_val_if_fail (format != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (str, "csv") == 0)
    result = details ? AP_REPORT_FORMAT_CSV_DETAILS : AP_REPORT_FORMAT_CSV;
  else if (g_ascii_strcasecmp (str, "csv-details") == 0)
    result = AP_REPORT_FORMAT_CSV_DETAILS;
  else if (g_ascii_strcasecmp (str, "json") == 0)
    result = AP_REPORT_FORMAT_JSON;
  else if (g_ascii_strcasecmp (str, "pdf") == 0)
    result = AP_REPORT_FORMAT_PDF;
  else if (g_ascii_strcasecmp (str, "csv-departments") == 0)
    result = AP_REPORT_FORMAT_CSV_DEPARTMENTS;
  else if (g_ascii_strcasecmp (str, "csv-videos") == 0)
    result = AP_REPORT_FORMAT_CSV_VIDEOS;
  else
    return FALSE;

  *format = result;
  return TRUE;
}

const char *
ap_report_format_to_string (ApReportFormat format)
{
  switch (format)
    {
    case AP_REPORT_FORMAT_CSV:
      return "csv";
    case AP_REPORT_FORMAT_CSV_DETAILS:
      return "csv-details";
    case AP_REPORT_FORMAT_JSON:
      return "json";
    case AP_REPORT_FORMAT_PDF:
      return "pdf";
    case AP_REPORT_FORMAT_CSV_DEPARTMENTS:
      return "csv-departments";
    case AP_REPORT_FORMAT_CSV_VIDEOS:
      return "csv-videos";
    default:
      g_return_val_if_reached ("csv");
    }
}

const char *
ap_report_format_get_extension (ApReportFormat format)
{
  switch (format)
    {
    case AP_REPORT_FORMAT_CSV:
    case AP_REPORT_FORMAT_CSV_DETAILS:
    case AP_REPORT_FORMAT_CSV_DEPARTMENTS:
    case AP_REPORT_FORMAT_CSV_VIDEOS:
      return "csv";
    case AP_REPORT_FORMAT_JSON:
      return "json";
    case AP_REPORT_FORMAT_PDF:
      return "pdf";
    default:
      g_return_val_if_reached ("csv");
    }
}

const char *
ap_report_format_get_label (ApReportFormat format)
{
  switch (format)
    {
    case AP_REPORT_FORMAT_CSV:
      return _("CSV of users");
    case AP_REPORT_FORMAT_CSV_DETAILS:
      return _("CSV with training details");
    case AP_REPORT_FORMAT_JSON:
      return _("JSON");
    case AP_REPORT_FORMAT_PDF:
      return _("PDF report");
    case AP_REPORT_FORMAT_CSV_DEPARTMENTS:
      return _("CSV of departments");
    case AP_REPORT_FORMAT_CSV_VIDEOS:
      return _("CSV of training videos");
    default:
      g_return_val_if_reached ("");
    }
}

const char *
ap_report_format_get_mime_type (ApReportFormat format)
{
  switch (format)
    {
    case AP_REPORT_FORMAT_CSV:
    case AP_REPORT_FORMAT_CSV_DETAILS:
    case AP_REPORT_FORMAT_CSV_DEPARTMENTS:
    case AP_REPORT_FORMAT_CSV_VIDEOS:
      return "text/csv";
    case AP_REPORT_FORMAT_JSON:
      return "application/json";
    case AP_REPORT_FORMAT_PDF:
      return "application/pdf";
    default:
      g_return_val_if_reached ("application/octet-stream");
    }
}

/* Writer */

static void
ap_report_writer_finalize (GObject *object)
{
  ApReportWriter *self = AP_REPORT_WRITER (object);

  ap_report_buffer_clear (&self->buffer);
  g_clear_pointer (&self->pdf, ap_report_document_free);
  g_clear_pointer (&self->scope, ap_report_scope_free);
  g_clear_pointer (&self->kept, g_ptr_array_unref);
  if (self->scratch != NULL)
    g_string_free (self->scratch, TRUE);
  g_clear_error (&self->error);
  g_clear_object (&self->stream);
  g_clear_object (&self->query);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->generated, g_date_time_unref);

  G_OBJECT_CLASS (ap_report_writer_parent_class)->finalize (object);
}

static void
ap_report_writer_class_init (ApReportWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ap_report_writer_finalize;
}

static void
ap_report_writer_init (ApReportWriter *self)
{
}

/* Remembers the first failure in plain words; later calls report it again. */
static gboolean
ap_report_writer_check (ApReportWriter  *self,
                        GError         **error)
{
  if (self->error == NULL && self->buffer.error != NULL)
    self->error = ap_report_map_io_error (self->buffer.error,
                                          ap_report_file_get_target (self->stream));

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
ap_report_writer_check_cancelled (ApReportWriter  *self,
                                  GCancellable    *cancellable,
                                  GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->error != NULL)
    return ap_report_writer_check (self, error);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    {
      self->error = g_steal_pointer (&local_error);
      return ap_report_writer_check (self, error);
    }

  return TRUE;
}

static void
ap_report_writer_begin (ApReportWriter *self)
{
  if (self->started)
    return;
  self->started = TRUE;

  switch (self->format)
    {
    case AP_REPORT_FORMAT_CSV:
    case AP_REPORT_FORMAT_CSV_DETAILS:
      ap_csv_writer_write_header (&self->buffer, self->format == AP_REPORT_FORMAT_CSV_DETAILS,
                                  self->bom);
      break;
    case AP_REPORT_FORMAT_JSON:
      ap_json_writer_write_begin (&self->buffer, self->generated, self->query);
      break;
    case AP_REPORT_FORMAT_PDF:
    default:
      break;
    }
}

/**
 * ap_report_writer_new:
 * @format: the report format
 * @stream: (transfer none): where the report goes; not closed by the writer
 * @query: (nullable): the query the users came from, copied
 * @base_url: (nullable): the tenant's base URL, for the PDF
 * @generated: (nullable): the report's time, %NULL for now
 *
 * Returns: (transfer full): a new writer
 */
ApReportWriter *
ap_report_writer_new (ApReportFormat  format,
                      GOutputStream  *stream,
                      ApQuery        *query,
                      const char     *base_url,
                      GDateTime      *generated)
{
  ApReportWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail (query == NULL || AP_IS_QUERY (query), NULL);
  g_return_val_if_fail (format <= AP_REPORT_FORMAT_CSV_VIDEOS, NULL);

  self = g_object_new (AP_TYPE_REPORT_WRITER, NULL);
  self->format = format;
  self->stream = g_object_ref (stream);
  /* A copy: the window may change its query while a worker writes. */
  self->query = query != NULL ? ap_query_copy (query) : ap_query_new ();
  self->base_url = g_strdup (base_url != NULL ? base_url : "");
  self->generated = generated != NULL ? g_date_time_ref (generated)
                                      : g_date_time_new_now_utc ();
  ap_report_buffer_init (&self->buffer, stream);
  self->scratch = g_string_sized_new (256);

  self->scope = ap_report_scope_new ();
  self->scope->base_url = g_strdup (self->base_url);
  if (format == AP_REPORT_FORMAT_PDF)
    self->pdf = ap_report_document_new (self->query, self->scope, self->generated);
  if (format == AP_REPORT_FORMAT_CSV_DEPARTMENTS || format == AP_REPORT_FORMAT_CSV_VIDEOS)
    self->kept = g_ptr_array_new_with_free_func (g_object_unref);

  return self;
}

void
ap_report_writer_set_scope (ApReportWriter      *self,
                            const ApReportScope *scope)
{
  g_return_if_fail (AP_IS_REPORT_WRITER (self));
  g_return_if_fail (!self->finished);

  g_clear_pointer (&self->scope, ap_report_scope_free);
  self->scope = ap_report_scope_copy (scope);
  if (self->pdf != NULL)
    ap_report_document_set_scope (self->pdf, self->scope);
}

void
ap_report_writer_set_byte_order_mark (ApReportWriter *self,
                                      gboolean        bom)
{
  g_return_if_fail (AP_IS_REPORT_WRITER (self));
  g_return_if_fail (!self->started);

  self->bom = !!bom;
}

void
ap_report_writer_set_progress_func (ApReportWriter    *self,
                                    ApPdfProgressFunc  func,
                                    gpointer           user_data)
{
  g_return_if_fail (AP_IS_REPORT_WRITER (self));

  self->progress = func;
  self->progress_data = user_data;
}

/**
 * ap_report_writer_add_users:
 * @users: (element-type ApUser): the next users, in report order
 *
 * Returns: %FALSE with @error set when the report cannot be written
 */
gboolean
ap_report_writer_add_users (ApReportWriter  *self,
                            GPtrArray       *users,
                            GCancellable    *cancellable,
                            GError         **error)
{
  gboolean details;

  g_return_val_if_fail (AP_IS_REPORT_WRITER (self), FALSE);
  g_return_val_if_fail (users != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (!ap_report_writer_check_cancelled (self, cancellable, error))
    return FALSE;

  if (self->format == AP_REPORT_FORMAT_PDF)
    {
      ap_report_document_add_users (self->pdf, users);
      self->n_users += users->len;
      return TRUE;
    }
  if (self->kept != NULL)
    {
      for (guint i = 0; i < users->len; i++)
        g_ptr_array_add (self->kept, g_object_ref (g_ptr_array_index (users, i)));
      self->n_users += users->len;
      return TRUE;
    }

  self->buffer.cancellable = cancellable;
  ap_report_writer_begin (self);

  details = self->format == AP_REPORT_FORMAT_CSV_DETAILS;
  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);

      g_return_val_if_fail (AP_IS_USER (user), FALSE);

      if (self->format == AP_REPORT_FORMAT_JSON)
        ap_json_writer_write_user (&self->buffer, user, self->n_users == 0);
      else
        ap_csv_writer_write_user (&self->buffer, user, details, self->scratch);
      self->n_users++;

      if ((i & 255) == 255 &&
          (self->buffer.error != NULL ||
           !ap_report_writer_check_cancelled (self, cancellable, NULL)))
        break;
    }

  self->buffer.cancellable = NULL;
  return ap_report_writer_check (self, error);
}

/**
 * ap_report_writer_finish:
 *
 * Writes what remains (the JSON's closing, the whole PDF) and flushes
 * @stream without closing it.
 */
gboolean
ap_report_writer_finish (ApReportWriter  *self,
                         GCancellable    *cancellable,
                         GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (AP_IS_REPORT_WRITER (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (!ap_report_writer_check_cancelled (self, cancellable, error))
    return FALSE;

  self->finished = TRUE;
  self->buffer.cancellable = cancellable;
  ap_report_writer_begin (self);

  if (self->format == AP_REPORT_FORMAT_JSON)
    ap_json_writer_write_end (&self->buffer, self->n_users == 0);
  else if (self->kept != NULL)
    {
      g_autoptr(ApAnalysis) analysis = ap_analysis_new (self->kept);

      if (self->format == AP_REPORT_FORMAT_CSV_DEPARTMENTS)
        ap_csv_writer_write_departments (&self->buffer, analysis, self->bom);
      else
        ap_csv_writer_write_videos (&self->buffer, analysis, self->bom);
    }
  else if (self->format == AP_REPORT_FORMAT_PDF)
    ok = ap_pdf_report_write (self->pdf, &self->buffer, self->progress, self->progress_data,
                              cancellable, &local_error);

  ap_report_buffer_flush (&self->buffer);
  if (self->buffer.error == NULL)
    g_output_stream_flush (self->stream, cancellable, &self->buffer.error);
  self->buffer.cancellable = NULL;

  if (!ap_report_writer_check (self, error))
    return FALSE;

  if (!ok)
    {
      self->error = g_steal_pointer (&local_error);
      return ap_report_writer_check (self, error);
    }

  return TRUE;
}

/* Export on a worker thread */

typedef struct
{
  GFile                *file;
  ApReportFormat        format;
  GPtrArray            *users;
  ApQuery              *query;
  ApReportScope        *scope;
  ApReportProgressFunc  progress;
  gpointer              progress_data;
  GMainContext         *context;
  guint                 last_posted;
} ExportData;

typedef struct
{
  GTask *task;
  guint  written;
} ProgressData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->users, g_ptr_array_unref);
  g_clear_object (&data->query);
  g_clear_pointer (&data->scope, ap_report_scope_free);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

static void
progress_data_free (ProgressData *progress)
{
  g_object_unref (progress->task);
  g_free (progress);
}

static gboolean
progress_idle (gpointer user_data)
{
  ProgressData *progress = user_data;
  ExportData *data = g_task_get_task_data (progress->task);

  /* Posted from the worker before it returned, so these run before the
   * task's callback (same context, same priority, in order); the check
   * only guards against a caller that changed that. */
  if (!g_task_get_completed (progress->task) && data->progress != NULL)
    data->progress (progress->written, data->users->len, data->progress_data);

  return G_SOURCE_REMOVE;
}

static void
post_progress (GTask *task,
               guint  written,
               gboolean force)
{
  ExportData *data = g_task_get_task_data (task);
  ProgressData *progress;

  if (data->progress == NULL)
    return;
  if (!force && written - data->last_posted < PROGRESS_CHUNK)
    return;
  if (force && written == data->last_posted && written > 0)
    return;
  data->last_posted = written;

  progress = g_new0 (ProgressData, 1);
  progress->task = g_object_ref (task);
  progress->written = written;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_idle, progress,
                              (GDestroyNotify) progress_data_free);
}

static void
on_pdf_progress (guint    users_drawn,
                 gpointer user_data)
{
  post_progress (G_TASK (user_data), users_drawn, FALSE);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GPtrArray) chunk = NULL;
  g_autoptr(GError) error = NULL;
  guint n = data->users->len;

  stream = ap_report_file_open (data->file, cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  writer = ap_report_writer_new (data->format, stream, data->query, data->scope->base_url,
                                 NULL);
  ap_report_writer_set_scope (writer, data->scope);
  /* Files from the app are opened in spreadsheets, where a BOM is what
   * makes Excel read UTF-8 (LibreOffice takes either). */
  if (g_str_equal (ap_report_format_get_extension (data->format), "csv"))
    ap_report_writer_set_byte_order_mark (writer, TRUE);
  ap_report_writer_set_progress_func (writer, on_pdf_progress, task);

  /* Chunks keep progress and cancellation prompt without a per-user cost. */
  chunk = g_ptr_array_sized_new (PROGRESS_CHUNK);
  for (guint i = 0; i < n; i += PROGRESS_CHUNK)
    {
      guint end = MIN (n, i + PROGRESS_CHUNK);

      g_ptr_array_set_size (chunk, 0);
      for (guint j = i; j < end; j++)
        g_ptr_array_add (chunk, g_ptr_array_index (data->users, j));

      if (!ap_report_writer_add_users (writer, chunk, cancellable, &error))
        goto failed;

      if (data->format != AP_REPORT_FORMAT_PDF)
        post_progress (task, end, FALSE);
    }

  if (!ap_report_writer_finish (writer, cancellable, &error) ||
      !ap_report_file_commit (stream, cancellable, &error))
    goto failed;

  post_progress (task, n, TRUE);
  g_task_return_boolean (task, TRUE);
  return;

failed:
  ap_report_file_abort (stream);
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * ap_report_export_async:
 * @users: (element-type ApUser): the users to write, in order; reffed
 * @progress: (nullable) (scope notified): called on the caller's
 *   thread-default main context until @callback runs
 *
 * Writes @users to @file in @format on a worker thread, atomically.
 */
void
ap_report_export_async (GFile                *file,
                        ApReportFormat        format,
                        GPtrArray            *users,
                        ApQuery              *query,
                        const ApReportScope  *scope,
                        ApReportProgressFunc  progress,
                        gpointer              progress_data,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (users != NULL);
  g_return_if_fail (query == NULL || AP_IS_QUERY (query));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ExportData, 1);
  data->file = g_object_ref (file);
  data->format = format;
  data->users = g_ptr_array_ref (users);
  data->query = query != NULL ? ap_query_copy (query) : NULL;
  data->scope = ap_report_scope_copy (scope);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_report_export_async);
  g_task_set_name (task, "ap_report_export_async");
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
ap_report_export_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_report_export_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
