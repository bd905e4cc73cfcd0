/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-report"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gfiledescriptorbased.h>
#include <errno.h>
#include <unistd.h>

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
  ApPdfReport       *pdf;
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
  g_clear_pointer (&self->pdf, ap_pdf_report_free);
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

  if (format == AP_REPORT_FORMAT_PDF)
    self->pdf = ap_pdf_report_new (self->query, self->base_url, self->generated);
  if (format == AP_REPORT_FORMAT_CSV_DEPARTMENTS || format == AP_REPORT_FORMAT_CSV_VIDEOS)
    self->kept = g_ptr_array_new_with_free_func (g_object_unref);

  return self;
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
      ap_pdf_report_add_users (self->pdf, users);
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

/* Atomic files.
 *
 * g_file_replace() would be the obvious tool, but for a file that does not
 * exist yet GLocalFileOutputStream writes straight into the target name,
 * and a cancelled close leaves that half-written file behind. So the report
 * always goes to a temporary file of our own beside the target (same folder,
 * hence the same file system) that is renamed over it on commit only. The
 * document portal allows this too: it is how GLib saves existing files. */

#define TARGET_KEY "ap-report-target"
#define TEMP_KEY   "ap-report-temp"

GFile *
ap_report_file_get_target (GOutputStream *stream)
{
  return g_object_get_data (G_OBJECT (stream), TARGET_KEY);
}

static char *
make_temp_name (const char *basename)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  g_autofree char *prefix = NULL;
  char suffix[7];
  const char *end;

  /* Leave room in NAME_MAX (255 bytes) for the dot and the suffix. */
  end = basename + strlen (basename);
  if (end - basename > 200)
    {
      end = basename + 200;
      if (g_utf8_validate (basename, -1, NULL))
        end = g_utf8_find_prev_char (basename, end + 1);
    }
  prefix = g_strndup (basename, end - basename);

  for (guint i = 0; i < 6; i++)
    suffix[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  suffix[6] = '\0';

  return g_strdup_printf (".%s.%s.part", prefix, suffix);
}

/**
 * ap_report_file_open:
 * @file: the report's final name
 *
 * Returns: (transfer full) (nullable): a stream on a temporary file beside
 *   @file; give it to ap_report_file_commit() or ap_report_file_abort()
 */
GOutputStream *
ap_report_file_open (GFile         *file,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  folder = g_file_get_parent (file);
  basename = g_file_get_basename (file);
  if (folder == NULL || basename == NULL)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_WRITE,
                   _("“%s” is not a regular file. Choose another name for the report."),
                   g_file_peek_path (file) != NULL ? g_file_peek_path (file) : "/");
      return NULL;
    }

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info != NULL)
    {
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        {
          g_autoptr(GError) not_regular =
            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "");

          g_propagate_error (error, ap_report_map_io_error (not_regular, file));
          return NULL;
        }
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, ap_report_map_io_error (local_error, file));
      return NULL;
    }
  g_clear_error (&local_error);

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_name = make_temp_name (basename);
      g_autoptr(GFile) temp = g_file_get_child (folder, temp_name);
      g_autoptr(GFileOutputStream) stream = NULL;

      stream = g_file_create (temp, G_FILE_CREATE_NONE, cancellable, &local_error);
      if (stream != NULL)
        {
          g_object_set_data_full (G_OBJECT (stream), TARGET_KEY, g_object_ref (file),
                                  g_object_unref);
          g_object_set_data_full (G_OBJECT (stream), TEMP_KEY, g_steal_pointer (&temp),
                                  g_object_unref);
          return G_OUTPUT_STREAM (g_steal_pointer (&stream));
        }

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        break;
      g_clear_error (&local_error);
    }

  g_propagate_error (error, ap_report_map_io_error (local_error, file));
  return NULL;
}

/**
 * ap_report_file_commit:
 * @stream: a stream from ap_report_file_open()
 *
 * Closes @stream and renames the temporary file over the target. On
 * failure the temporary file is removed and the target left as it was.
 */
gboolean
ap_report_file_commit (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  GFile *target;
  GFile *temp;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  target = g_object_get_data (G_OBJECT (stream), TARGET_KEY);
  temp = g_object_get_data (G_OBJECT (stream), TEMP_KEY);
  g_return_val_if_fail (target != NULL && temp != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    goto failed;

  /* The rename must never expose a file whose blocks are not on disk yet. */
  if (G_IS_FILE_DESCRIPTOR_BASED (stream) &&
      fsync (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream))) != 0 &&
      errno != EINVAL && errno != EROFS)
    {
      int saved_errno = errno;

      local_error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                         g_strerror (saved_errno));
      goto failed;
    }

  if (!g_output_stream_close (stream, cancellable, &local_error))
    goto failed;

  if (!g_file_move (temp, target, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    cancellable, NULL, NULL, &local_error))
    goto failed;

  g_object_set_data (G_OBJECT (stream), TEMP_KEY, NULL);
  return TRUE;

failed:
  {
    g_autoptr(GFile) keep_target = g_object_ref (target);

    ap_report_file_abort (stream);
    g_propagate_error (error, ap_report_map_io_error (local_error, keep_target));
    return FALSE;
  }
}

/**
 * ap_report_file_abort:
 * @stream: a stream from ap_report_file_open()
 *
 * Closes @stream and removes the temporary file; the target is untouched.
 * Does nothing after a successful commit, so it is safe in cleanup paths.
 */
void
ap_report_file_abort (GOutputStream *stream)
{
  g_autoptr(GFile) temp = NULL;

  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));

  temp = g_object_steal_data (G_OBJECT (stream), TEMP_KEY);
  if (temp == NULL)
    return;

  if (!g_output_stream_is_closed (stream))
    g_output_stream_close (stream, NULL, NULL);

  g_file_delete (temp, NULL, NULL);
}

/* Export on a worker thread */

typedef struct
{
  GFile                *file;
  ApReportFormat        format;
  GPtrArray            *users;
  ApQuery              *query;
  char                 *base_url;
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
  g_clear_pointer (&data->base_url, g_free);
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

  writer = ap_report_writer_new (data->format, stream, data->query, data->base_url, NULL);
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
                        const char           *base_url,
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
  data->base_url = g_strdup (base_url);
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
