/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* O_TMPFILE */
#define G_LOG_DOMAIN "test-report-file"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gfiledescriptorbased.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "ap-error.h"
#include "ap-report-private.h"
#include "report-test-util.h"

#define TIMEOUT_SECONDS 60

typedef struct
{
  char       *dir;
  GMainLoop  *loop;
  guint       timeout_id;
  GError     *error;
  gboolean    done;
  GArray     *progress;     /* guint users_written, in arrival order */
  guint       progress_total;
  gboolean    progress_after_done;
  GCancellable *cancellable;
  guint       cancel_after;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ap-test-report-file-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->loop = g_main_loop_new (NULL, FALSE);
  fixture->progress = g_array_new (FALSE, FALSE, sizeof (guint));
  fixture->cancellable = g_cancellable_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_chmod (fixture->dir, 0700);
  report_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_main_loop_unref (fixture->loop);
  g_array_unref (fixture->progress);
  g_clear_error (&fixture->error);
  g_clear_object (&fixture->cancellable);
}

static char *
fixture_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static void
write_text (GOutputStream *stream,
            const char    *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (stream, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

/* O_TMPFILE where the tests run: the temporary file then has no name. */
static gboolean
has_tmpfile (const char *dir)
{
#ifdef O_TMPFILE
  int fd = open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }
#endif
  return FALSE;
}

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_commit_new (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "new.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  stream = ap_report_file_open (file, NULL, &error);
  g_assert_no_error (error);
  write_text (stream, "half");

  /* While writing, the target name does not exist: a crash here leaves
   * no half-written report under the name the person chose. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==,
                    has_tmpfile (fixture->dir) ? 0 : 1);

  write_text (stream, " and whole");
  g_assert_true (ap_report_file_commit (stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "half and whole");
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);

  /* Abort after commit is a no-op (cleanup paths call it). */
  ap_report_file_abort (stream);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_replace_existing (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "existing.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (path, "OLD", -1, NULL));

  stream = ap_report_file_open (file, NULL, &error);
  g_assert_no_error (error);
  write_text (stream, "NEW");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "OLD");
  g_clear_pointer (&contents, g_free);

  g_assert_true (ap_report_file_commit (stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "NEW");
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
}

static void
test_abort (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *existing = fixture_path (fixture, "existing.pdf");
  g_autofree char *fresh = fixture_path (fixture, "fresh.pdf");
  g_autoptr(GFile) existing_file = g_file_new_for_path (existing);
  g_autoptr(GFile) fresh_file = g_file_new_for_path (fresh);
  g_autoptr(GOutputStream) stream1 = NULL;
  g_autoptr(GOutputStream) stream2 = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (existing, "OLD", -1, NULL));

  stream1 = ap_report_file_open (existing_file, NULL, NULL);
  stream2 = ap_report_file_open (fresh_file, NULL, NULL);
  g_assert_nonnull (stream1);
  g_assert_nonnull (stream2);
  write_text (stream1, "partial");
  write_text (stream2, "partial");
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==,
                    has_tmpfile (fixture->dir) ? 1 : 3);

  ap_report_file_abort (stream1);
  ap_report_file_abort (stream2);

  g_assert_true (g_file_get_contents (existing, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "OLD");
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
}

static void
commit_text (const char *path,
             const char *text)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  stream = ap_report_file_open (file, NULL, &error);
  g_assert_no_error (error);
  write_text (stream, text);

  /* Names and emails: nobody else may read the file while it is written. */
  g_assert_true (G_IS_FILE_DESCRIPTOR_BASED (stream));
  g_assert_cmpint (fstat (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream)), &st),
                   ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);

  g_assert_true (ap_report_file_commit (stream, NULL, &error));
  g_assert_no_error (error);
}

/* New reports follow the umask; a replaced report keeps its mode. */
static void
test_modes (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *fresh = fixture_path (fixture, "fresh.csv");
  g_autofree char *private = fixture_path (fixture, "private.csv");
  g_autofree char *shared = fixture_path (fixture, "shared.csv");
  g_autofree char *contents = NULL;
  mode_t old_umask = umask (027);

  commit_text (fresh, "A");
  g_assert_cmpuint (file_mode (fresh), ==, 0640);

  umask (022);
  g_assert_true (g_file_set_contents (private, "OLD", -1, NULL));
  g_assert_cmpint (g_chmod (private, 0600), ==, 0);
  commit_text (private, "NEW");
  g_assert_cmpuint (file_mode (private), ==, 0600);
  g_assert_true (g_file_get_contents (private, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "NEW");

  umask (077);
  g_assert_true (g_file_set_contents (shared, "OLD", -1, NULL));
  g_assert_cmpint (g_chmod (shared, 0664), ==, 0);
  commit_text (shared, "NEW");
  g_assert_cmpuint (file_mode (shared), ==, 0664);

  umask (old_umask);
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 3);
}

static void
make_file (const char *dir,
           const char *name,
           gint64      age_s)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct utimbuf times;

  g_assert_true (g_file_set_contents (path, "x", -1, NULL));
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_s);
  g_assert_cmpint (utime (path, &times), ==, 0);
}

/* Temporary files of ours older than a day (a kill left them) go when a
 * report is written into their folder; nothing else does. */
static void
test_stale_parts (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct { const char *name; gint64 age_s; gboolean kept; } files[] = {
    { ".report.csv.ab12cd.part", 2 * 24 * 3600, FALSE },
    { ".other name.pdf.0z9y8x.part", 25 * 3600, FALSE },
    { ".report.csv.ef34gh.part", 3600, TRUE },             /* may be another export's */
    { ".report.csv.part", 2 * 24 * 3600, TRUE },           /* not our pattern */
    { ".report.csv.AB12CD.part", 2 * 24 * 3600, TRUE },
    { "report.csv.ab12cd.part", 2 * 24 * 3600, TRUE },
    { "notes.txt", 2 * 24 * 3600, TRUE },
  };
  g_autofree char *path = fixture_path (fixture, "report.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    make_file (fixture->dir, files[i].name, files[i].age_s);

  stream = ap_report_file_open (file, NULL, &error);
  g_assert_no_error (error);
  ap_report_file_abort (stream);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name = g_build_filename (fixture->dir, files[i].name, NULL);

      g_test_message ("%s", files[i].name);
      g_assert_cmpint (g_file_test (name, G_FILE_TEST_EXISTS), ==, files[i].kept);
    }
}

static void
test_commit_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "cancelled.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (path, "OLD", -1, NULL));
  stream = ap_report_file_open (file, NULL, &error);
  write_text (stream, "NEW");
  g_cancellable_cancel (fixture->cancellable);
  g_assert_false (ap_report_file_commit (stream, fixture->cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "OLD");
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
}

static void
assert_open_fails (GFile      *file,
                   const char *message_part)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = ap_report_file_open (file, NULL, &error);
  g_assert_null (stream);
  g_assert_error (error, AP_ERROR, AP_ERROR_WRITE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_failures (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *missing = fixture_path (fixture, "missing/report.csv");
  g_autofree char *plain = fixture_path (fixture, "plain.txt");
  g_autofree char *inside = fixture_path (fixture, "plain.txt/report.csv");
  g_autofree char *folder = fixture_path (fixture, "folder");
  g_autoptr(GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr(GFile) inside_file = g_file_new_for_path (inside);
  g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
  g_autoptr(GFile) dev_full = g_file_new_for_path ("/dev/full");
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (plain, "PLAIN", -1, NULL));
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);

  assert_open_fails (missing_file, "does not exist");
  assert_open_fails (inside_file, "is not a folder");
  assert_open_fails (folder_file, "is not a regular file");
  assert_open_fails (dev_full, "is not a regular file");

  /* Nothing was created or changed. */
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 2);
  g_assert_true (g_file_get_contents (plain, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "PLAIN");
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
}

static void
test_permission_denied (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *locked = fixture_path (fixture, "locked");
  g_autofree char *target = g_build_filename (locked, "report.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = NULL;

  g_assert_cmpint (g_mkdir (locked, 0700), ==, 0);
  g_assert_true (g_file_set_contents (target, "OLD", -1, NULL));

  /* root ignores folder permissions; /sys refuses new files even to root. */
  if (geteuid () == 0)
    file = g_file_new_for_path ("/sys/awareness-performance-test.csv");
  else
    {
      g_assert_cmpint (g_chmod (locked, 0500), ==, 0);
      file = g_file_new_for_path (target);
    }

  assert_open_fails (file, "permission to write to");
  g_assert_false (g_file_query_exists (file, NULL) && geteuid () == 0);

  g_chmod (locked, 0700);
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "OLD");
  g_assert_cmpuint (report_test_count_files (locked), ==, 1);
}

static void
test_error_messages (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/media/usb/reports/report.pdf");
  struct { GIOErrorEnum code; const char *part; } cases[] = {
    { G_IO_ERROR_PERMISSION_DENIED, "permission to write to “/media/usb/reports”" },
    { G_IO_ERROR_NOT_FOUND, "“/media/usb/reports” does not exist" },
    { G_IO_ERROR_NOT_DIRECTORY, "“/media/usb/reports” is not a folder" },
    { G_IO_ERROR_NO_SPACE, "The disk is full" },
    { G_IO_ERROR_READ_ONLY, "read-only disk" },
    { G_IO_ERROR_IS_DIRECTORY, "“/media/usb/reports/report.pdf” is not a regular file" },
    { G_IO_ERROR_FILENAME_TOO_LONG, "cannot be used here" },
    { G_IO_ERROR_FAILED, "could not be written to “/media/usb/reports/report.pdf”: boom" },
  };
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) passed = ap_report_map_io_error (cancelled, file);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, cases[i].code, "boom");
      g_autoptr(GError) mapped = ap_report_map_io_error (io, file);

      g_assert_error (mapped, AP_ERROR, AP_ERROR_WRITE);
      g_assert_nonnull (strstr (mapped->message, cases[i].part));
    }

  /* Cancellation is never turned into a failure. */
  g_assert_error (passed, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* export_async */

static gboolean
on_timeout (gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->timeout_id = 0;
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
on_progress (guint    users_written,
             guint    users_total,
             gpointer user_data)
{
  Fixture *fixture = user_data;

  if (fixture->done)
    fixture->progress_after_done = TRUE;
  g_array_append_val (fixture->progress, users_written);
  fixture->progress_total = users_total;

  if (fixture->cancel_after > 0 && users_written >= fixture->cancel_after)
    g_cancellable_cancel (fixture->cancellable);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_assert_null (object);
  ap_report_export_finish (result, &fixture->error);
  fixture->done = TRUE;
  g_main_loop_quit (fixture->loop);
}

static void
run_export (Fixture        *fixture,
            GFile          *file,
            ApReportFormat  format,
            GPtrArray      *users)
{
  fixture->done = FALSE;
  g_array_set_size (fixture->progress, 0);
  g_clear_error (&fixture->error);

  ap_report_export_async (file, format, users, NULL, NULL, on_progress, fixture, fixture->cancellable, on_exported, fixture);
  fixture->timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, fixture);
  g_main_loop_run (fixture->loop);
  g_clear_handle_id (&fixture->timeout_id, g_source_remove);

  /* Nothing arrives after the callback. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (fixture->progress_after_done);
}

static GPtrArray *
make_users (guint n)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("User %u", i);

      g_ptr_array_add (users, report_test_user (name, "u@example.com", i % 2 ? "A" : "B",
                                                i % 3, i % 4, i % 5, 0));
    }

  return users;
}

static void
test_export_progress (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "export.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) users = make_users (5500);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gsize len;

  run_export (fixture, file, AP_REPORT_FORMAT_CSV, users);
  g_assert_no_error (fixture->error);

  /* Throttled (not once per user), increasing, ending at the total. */
  g_assert_cmpuint (fixture->progress->len, >=, 2);
  g_assert_cmpuint (fixture->progress->len, <=, 10);
  for (guint i = 1; i < fixture->progress->len; i++)
    g_assert_cmpuint (g_array_index (fixture->progress, guint, i), >,
                      g_array_index (fixture->progress, guint, i - 1));
  g_assert_cmpuint (g_array_index (fixture->progress, guint, fixture->progress->len - 1), ==,
                    5500);
  g_assert_cmpuint (fixture->progress_total, ==, 5500);

  /* Files from the app carry a BOM so Excel reads UTF-8. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, 3, "\xEF\xBB\xBF", 3);
  rows = report_test_read_csv (contents + 3, len - 3);
  g_assert_cmpuint (rows->len, ==, 5501);
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 5500))[0], ==, "User 5499");
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
}

static void
test_export_pdf_progress (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "export.pdf");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) users = make_users (4000);
  g_autofree char *contents = NULL;
  gsize len;

  run_export (fixture, file, AP_REPORT_FORMAT_PDF, users);
  g_assert_no_error (fixture->error);

  g_assert_cmpuint (fixture->progress->len, >=, 2);
  g_assert_cmpuint (g_array_index (fixture->progress, guint, fixture->progress->len - 1), ==,
                    4000);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, 5, "%PDF-", 5);
  g_assert_cmpuint (len, >, 1000);
  /* The trailer is written last: the file is complete. */
  g_assert_nonnull (g_strstr_len (contents + len - 16, 16, "%%EOF"));
}

static void
test_export_cancel (gconstpointer data)
{
  ApReportFormat format = GPOINTER_TO_INT (data);
  Fixture fixture_storage = { 0 };
  Fixture *fixture = &fixture_storage;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) users = make_users (30000);
  g_autofree char *contents = NULL;

  fixture_set_up (fixture, NULL);
  path = fixture_path (fixture, "existing.out");
  file = g_file_new_for_path (path);
  g_assert_true (g_file_set_contents (path, "OLD", -1, NULL));

  /* The PDF is cancelled from its first progress report, mid-way through
   * its pages; CSV finishes too fast for that to be certain, so it starts
   * cancelled. */
  if (format == AP_REPORT_FORMAT_PDF)
    fixture->cancel_after = 1;
  else
    g_cancellable_cancel (fixture->cancellable);
  run_export (fixture, file, format, users);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "OLD");
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);

  fixture_tear_down (fixture, NULL);
}

static void
test_export_failure (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "missing/export.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) users = make_users (10);

  run_export (fixture, file, AP_REPORT_FORMAT_JSON, users);
  g_assert_error (fixture->error, AP_ERROR, AP_ERROR_WRITE);
  g_assert_nonnull (strstr (fixture->error->message, "does not exist"));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/ap/report-file/commit-new", test_commit_new);
  ADD ("/ap/report-file/replace-existing", test_replace_existing);
  ADD ("/ap/report-file/abort", test_abort);
  ADD ("/ap/report-file/commit-cancelled", test_commit_cancelled);
  ADD ("/ap/report-file/failures", test_failures);
  ADD ("/ap/report-file/permission-denied", test_permission_denied);
  g_test_add_func ("/ap/report-file/error-messages", test_error_messages);
  ADD ("/ap/report-file/modes", test_modes);
  ADD ("/ap/report-file/stale-parts", test_stale_parts);
  ADD ("/ap/report-file/export-progress", test_export_progress);
  ADD ("/ap/report-file/export-pdf-progress", test_export_pdf_progress);
  g_test_add_data_func ("/ap/report-file/export-cancel/csv",
                        GINT_TO_POINTER (AP_REPORT_FORMAT_CSV_DETAILS), test_export_cancel);
  g_test_add_data_func ("/ap/report-file/export-cancel/pdf",
                        GINT_TO_POINTER (AP_REPORT_FORMAT_PDF), test_export_cancel);
  ADD ("/ap/report-file/export-failure", test_export_failure);

  return g_test_run ();
}
