/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* O_TMPFILE */
#define G_LOG_DOMAIN "ap-report"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gfiledescriptorbased.h>
#include <gio/gunixoutputstream.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
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

/* Atomic files.
 *
 * g_file_replace() would be the obvious tool, but for a file that does not
 * exist yet GLocalFileOutputStream writes straight into the target name,
 * and a cancelled close leaves that half-written file behind. So the report
 * always goes to a temporary file of our own in the target's folder (hence
 * the same file system), renamed over the target on commit only: a report is
 * either complete or untouched. The document portal allows this too: it is
 * how GLib saves existing files.
 *
 * The temporary file holds names and emails, so it is 0600 while it is
 * written; on commit it takes the mode of the file it replaces, or, for a
 * new report, the mode the umask gives (0666 & ~umask). Where the file system
 * has O_TMPFILE, it has no name until the commit links it in: a kill leaves
 * nothing behind. Elsewhere it is ".NAME.XXXXXX.part", and such files of
 * ours older than a day (left by a kill) are removed when writing into that
 * folder. */

#define TARGET_KEY "ap-report-target"
#define STATE_KEY  "ap-report-state"

#define STALE_PART_AGE_S (24 * 60 * 60)

typedef struct
{
  GFile   *temp;        /* the named temporary file; NULL with O_TMPFILE or once done */
  char    *folder;      /* native path of the target's folder, NULL when not native */
  char    *basename;
  guint    mode;        /* for the finished report */
  gboolean anonymous;   /* O_TMPFILE: no name until committed */
  gboolean pending;     /* neither committed nor aborted */
} TempState;

static void
temp_state_free (TempState *state)
{
  g_clear_object (&state->temp);
  g_free (state->folder);
  g_free (state->basename);
  g_free (state);
}

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

/* TRUE for ".NAME.XXXXXX.part" as make_temp_name() builds them. */
static gboolean
is_our_temp_name (const char *name)
{
  gsize length = strlen (name);
  const char *suffix;

  if (length < strlen (".N.XXXXXX.part") || name[0] != '.' ||
      !g_str_has_suffix (name, ".part"))
    return FALSE;

  suffix = name + length - strlen ("XXXXXX.part");
  if (suffix[-1] != '.')
    return FALSE;
  for (guint i = 0; i < 6; i++)
    if (!g_ascii_islower (suffix[i]) && !g_ascii_isdigit (suffix[i]))
      return FALSE;

  return TRUE;
}

/* What a new file gets: 0666 less the umask. The umask can only be read by
 * setting it, which races with other threads creating files, so it comes
 * from /proc when there is one. */
static guint
new_file_mode (void)
{
  g_autofree char *status = NULL;
  const char *line;
  guint64 mask = 022;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "\nUmask:")) != NULL)
    {
      line += strlen ("\nUmask:");
      while (*line == ' ' || *line == '\t')
        line++;
      mask = g_ascii_strtoull (line, NULL, 8) & 0777;
    }

  return 0666 & ~(guint) mask;
}

/* Temporary files of ours that a kill left behind, a day or more ago (a
 * younger one may be another export still running). Best effort. */
static void
remove_stale_parts (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (!is_our_temp_name (name))
        continue;

      path = g_build_filename (folder, name, NULL);
      if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != getuid () ||
          now - (gint64) st.st_mtime < STALE_PART_AGE_S)
        continue;

      if (unlink (path) == 0)
        g_debug ("Removed %s, a temporary report file left over by an earlier run", path);
    }
}

static GError *
error_from_errno (int saved_errno)
{
  return g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                              g_strerror (saved_errno));
}

static GOutputStream *
stream_new (GOutputStream *base,
            GFile         *file,
            TempState     *state)
{
  g_object_set_data_full (G_OBJECT (base), TARGET_KEY, g_object_ref (file), g_object_unref);
  g_object_set_data_full (G_OBJECT (base), STATE_KEY, state, (GDestroyNotify) temp_state_free);
  state->pending = TRUE;
  return base;
}

/* A native folder: an O_TMPFILE, else a named 0600 file. */
static GOutputStream *
open_native (GFile       *file,
             TempState   *state,
             GError     **error)
{
  int fd;

  remove_stale_parts (state->folder);

#ifdef O_TMPFILE
  fd = open (state->folder, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      state->anonymous = TRUE;
      return stream_new (g_unix_output_stream_new (fd, TRUE), file, state);
    }
  /* EOPNOTSUPP, EISDIR (old kernels), or a real failure that the named
   * file meets again and reports. */
#endif

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_name = make_temp_name (state->basename);
      g_autofree char *path = g_build_filename (state->folder, temp_name, NULL);
      int saved_errno;

      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          state->temp = g_file_new_for_path (path);
          return stream_new (g_unix_output_stream_new (fd, TRUE), file, state);
        }

      saved_errno = errno;
      if (saved_errno != EEXIST)
        {
          g_propagate_error (error, error_from_errno (saved_errno));
          return NULL;
        }
    }

  g_propagate_error (error, error_from_errno (EEXIST));
  return NULL;
}

/* Any other GFile (a GVfs mount): GIO's private (0600) file. */
static GOutputStream *
open_other (GFile         *file,
            GFile         *folder,
            TempState     *state,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_name = make_temp_name (state->basename);
      g_autoptr(GFile) temp = g_file_get_child (folder, temp_name);
      GFileOutputStream *stream;

      stream = g_file_create (temp, G_FILE_CREATE_PRIVATE, cancellable, &local_error);
      if (stream != NULL)
        {
          state->temp = g_steal_pointer (&temp);
          return stream_new (G_OUTPUT_STREAM (stream), file, state);
        }

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        break;
      g_clear_error (&local_error);
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
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
  TempState *state;
  GOutputStream *stream;

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

  state = g_new0 (TempState, 1);
  state->basename = g_steal_pointer (&basename);
  state->mode = new_file_mode ();

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_UNIX_MODE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info != NULL)
    {
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        {
          g_autoptr(GError) not_regular =
            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "");

          temp_state_free (state);
          g_propagate_error (error, ap_report_map_io_error (not_regular, file));
          return NULL;
        }
      /* Replacing a report keeps who may read it. */
      if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_MODE))
        state->mode = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE) & 07777;
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      temp_state_free (state);
      g_propagate_error (error, ap_report_map_io_error (local_error, file));
      return NULL;
    }
  g_clear_error (&local_error);

  state->folder = g_file_get_path (folder);
  if (state->folder != NULL)
    stream = open_native (file, state, &local_error);
  else
    stream = open_other (file, folder, state, cancellable, &local_error);

  if (stream == NULL)
    {
      temp_state_free (state);
      g_propagate_error (error, ap_report_map_io_error (local_error, file));
      return NULL;
    }

  return stream;
}

/* Gives the anonymous file a name of ours (linkat() cannot replace), to be
 * renamed over the target. Must run before the descriptor is closed. */
static gboolean
link_anonymous (GOutputStream  *stream,
                TempState      *state,
                GError        **error)
{
  int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream));
  g_autofree char *proc_path = g_strdup_printf ("/proc/self/fd/%d", fd);

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_name = make_temp_name (state->basename);
      g_autofree char *path = g_build_filename (state->folder, temp_name, NULL);

      /* Through /proc, as AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; that one
       * where /proc is missing. */
      if (linkat (AT_FDCWD, proc_path, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ||
          (errno == ENOENT && linkat (fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0))
        {
          state->temp = g_file_new_for_path (path);
          return TRUE;
        }
      if (errno != EEXIST)
        {
          g_propagate_error (error, error_from_errno (errno));
          return FALSE;
        }
    }

  g_propagate_error (error, error_from_errno (EEXIST));
  return FALSE;
}

/**
 * ap_report_file_commit:
 * @stream: a stream from ap_report_file_open()
 *
 * Closes @stream and renames the temporary file over the target, with the
 * target's mode. On failure the temporary file is removed and the target
 * left as it was.
 */
gboolean
ap_report_file_commit (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  TempState *state;
  GFile *target;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  target = g_object_get_data (G_OBJECT (stream), TARGET_KEY);
  state = g_object_get_data (G_OBJECT (stream), STATE_KEY);
  g_return_val_if_fail (target != NULL && state != NULL && state->pending, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    goto failed;

  if (G_IS_FILE_DESCRIPTOR_BASED (stream))
    {
      int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream));

      /* The rename must never expose a file whose blocks are not on disk yet. */
      if (fsync (fd) != 0 && errno != EINVAL && errno != EROFS)
        {
          local_error = error_from_errno (errno);
          goto failed;
        }
      if (fchmod (fd, state->mode) != 0)
        {
          local_error = error_from_errno (errno);
          goto failed;
        }
    }

  if (state->anonymous && !link_anonymous (stream, state, &local_error))
    goto failed;

  if (!g_output_stream_close (stream, cancellable, &local_error))
    goto failed;

  if (!g_file_move (state->temp, target,
                    G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    cancellable, NULL, NULL, &local_error))
    goto failed;

  /* Not native: the mode after the fact, where the backend has modes. */
  if (!G_IS_FILE_DESCRIPTOR_BASED (stream))
    g_file_set_attribute_uint32 (target, G_FILE_ATTRIBUTE_UNIX_MODE, state->mode,
                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  g_clear_object (&state->temp);
  state->pending = FALSE;
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
  TempState *state;

  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));

  state = g_object_get_data (G_OBJECT (stream), STATE_KEY);
  if (state == NULL || !state->pending)
    return;
  state->pending = FALSE;

  if (!g_output_stream_is_closed (stream))
    g_output_stream_close (stream, NULL, NULL);

  if (state->temp != NULL)
    g_file_delete (state->temp, NULL, NULL);
  g_clear_object (&state->temp);
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
