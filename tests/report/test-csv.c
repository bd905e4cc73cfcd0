/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-csv"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-error.h"
#include "ap-report-private.h"
#include "report-test-util.h"

static const char *awkward[] = {
  "Smith, John",
  "Conan \"The\" O'Brien",
  "Line one\nline two",
  "Carriage\r\nreturn",
  "Zoë Ångström-Müller 名前 👩‍💻",
  " leading space",
  "trailing space ",
  "",
  "\"",
  "plain",
};

static GPtrArray *
read_back (ApReportFormat  format,
           GPtrArray      *users)
{
  g_autoptr(GBytes) bytes = report_test_write (format, users, NULL, NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_true (g_utf8_validate (data, len, NULL));
  /* No byte order mark unless asked for: scripts read the header as is. */
  g_assert_false (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0);

  return report_test_read_csv (data, len);
}

static void
assert_header (char       **row,
               const char  *expected)
{
  g_autofree char *header = g_strjoinv (",", row);

  g_assert_cmpstr (header, ==, expected);
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rows = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (awkward); i++)
    {
      g_autofree char *email = g_strdup_printf ("user%u@example.com", i);

      g_ptr_array_add (users, report_test_user (awkward[i], email,
                                                awkward[G_N_ELEMENTS (awkward) - 1 - i],
                                                i, i * 2, 1000000 + i, 0));
    }

  rows = read_back (AP_REPORT_FORMAT_CSV, users);
  g_assert_cmpuint (rows->len, ==, users->len + 1);
  assert_header (g_ptr_array_index (rows, 0),
                   "name,email,department,numCorrect,numIncorrect,numNotWatched");

  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      char **row = g_ptr_array_index (rows, i + 1);
      g_autofree char *correct = g_strdup_printf ("%u", ap_user_get_num_correct (user));
      g_autofree char *incorrect = g_strdup_printf ("%u", ap_user_get_num_incorrect (user));
      g_autofree char *not_watched = g_strdup_printf ("%u", ap_user_get_num_not_watched (user));

      g_assert_cmpuint (g_strv_length (row), ==, 6);
      g_assert_cmpstr (row[0], ==, ap_user_get_name (user));
      g_assert_cmpstr (row[1], ==, ap_user_get_email (user));
      g_assert_cmpstr (row[2], ==, ap_user_get_department (user));
      g_assert_cmpstr (row[3], ==, correct);
      g_assert_cmpstr (row[4], ==, incorrect);
      g_assert_cmpstr (row[5], ==, not_watched);
    }
}

static void
test_quoting_only_when_needed (void)
{
  ApReportBuffer buffer;
  const char *cases[][2] = {
    { "plain", "plain" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "a\nb", "\"a\nb\"" },
    { " x", "\" x\"" },
    { "x ", "\"x \"" },
    { "Zoë", "Zoë" },
    { "=1+2", "'=1+2" },
    { "=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"" },
    { "\rx", "\"'\rx\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autofree char *text = NULL;

      ap_report_buffer_init (&buffer, out);
      ap_csv_writer_write_cell (&buffer, cases[i][0]);
      g_assert_true (ap_report_buffer_flush (&buffer));
      ap_report_buffer_clear (&buffer);
      g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
      g_output_stream_close (out, NULL, NULL);
      text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
      g_assert_cmpstr (text, ==, cases[i][1]);
    }
}

static const char *prefixes[] = { "=", "+", "-", "@", "\t", "\r" };

static void
assert_no_cell_starts_with_formula (GPtrArray *rows)
{
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      for (guint j = 0; row[j] != NULL; j++)
        g_assert_null (strchr ("=+-@\t\r", row[j][0] == '\0' ? 'x' : row[j][0]));
    }
}

static void
test_injection (gconstpointer data)
{
  ApReportFormat format = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rows = NULL;
  guint expected_rows = 0;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *name = g_strconcat (prefixes[i], "cmd|' /C calc'!A0", NULL);
      g_autofree char *email = g_strconcat (prefixes[i], "1+1@example.com", NULL);
      g_autofree char *department = g_strconcat (prefixes[i], "SUM(A1:A9)", NULL);
      ApUser *user = ap_user_new (name, email, department, 1, 2, 3);
      GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *title = g_strconcat (prefixes[i], "HYPERLINK(\"http://x\")", NULL);
      g_autofree char *category = g_strconcat (prefixes[i], "2+3", NULL);
      g_autofree char *status = g_strconcat (prefixes[i], "@A1", NULL);

      g_ptr_array_add (records, ap_training_record_new (title, category, status, TRUE,
                                                        1322907330, AP_TIME_NONE));
      ap_user_take_records (user, records);
      g_ptr_array_add (users, user);
    }

  rows = read_back (format, users);
  expected_rows = users->len + 1;
  g_assert_cmpuint (rows->len, ==, expected_rows);
  assert_no_cell_starts_with_formula (rows);

  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      char **row = g_ptr_array_index (rows, i + 1);
      g_autofree char *name = g_strconcat ("'", ap_user_get_name (user), NULL);
      g_autofree char *email = g_strconcat ("'", ap_user_get_email (user), NULL);
      g_autofree char *department = g_strconcat ("'", ap_user_get_department (user), NULL);

      g_assert_cmpstr (row[0], ==, name);
      g_assert_cmpstr (row[1], ==, email);
      g_assert_cmpstr (row[2], ==, department);

      if (format == AP_REPORT_FORMAT_CSV_DETAILS)
        {
          const ApRecord *record = ap_user_get_record (user, 0);
          g_autofree char *title = g_strconcat ("'", ap_record_get_title (record), NULL);
          g_autofree char *category =
            g_strconcat ("'", ap_record_get_category (record), NULL);
          g_autofree char *status =
            g_strconcat ("'", ap_record_get_status (record), NULL);

          g_assert_cmpuint (g_strv_length (row), ==, 12);
          g_assert_cmpstr (row[6], ==, title);
          g_assert_cmpstr (row[7], ==, category);
          g_assert_cmpstr (row[8], ==, status);
        }
      else
        g_assert_cmpuint (g_strv_length (row), ==, 6);
    }
}

static void
test_details (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rows = NULL;
  guint r = 1;

  g_ptr_array_add (users, report_test_user ("Ann, Lee", "ann@example.com", "Sales", 3, 1, 2, 3));
  g_ptr_array_add (users, report_test_user ("Bo", "bo@example.com", "", 0, 0, 0, 0));
  g_ptr_array_add (users, report_test_user ("Cy\nNewline", "cy@example.com", "R&D", 1, 0, 0, 1));
  /* Answered with details, but no records at all: still one row. */
  {
    ApUser *user = ap_user_new ("Di", "di@example.com", "Ops", 0, 0, 4);

    ap_user_take_records (user, g_ptr_array_new_with_free_func (g_object_unref));
    g_ptr_array_add (users, user);
  }

  rows = read_back (AP_REPORT_FORMAT_CSV_DETAILS, users);
  assert_header (g_ptr_array_index (rows, 0),
                   "name,email,department,numCorrect,numIncorrect,numNotWatched,"
                   "title,category,status,ack,timeSent,timeViewed");
  g_assert_cmpuint (rows->len, ==, 1 + 3 + 1 + 1 + 1);

  for (guint u = 0; u < users->len; u++)
    {
      ApUser *user = g_ptr_array_index (users, u);
      guint n = ap_user_get_n_records (user);

      for (guint i = 0; i < MAX (n, 1); i++, r++)
        {
          char **row = g_ptr_array_index (rows, r);

          g_assert_cmpuint (g_strv_length (row), ==, 12);
          g_assert_cmpstr (row[0], ==, ap_user_get_name (user));
          g_assert_cmpstr (row[1], ==, ap_user_get_email (user));
          g_assert_cmpstr (row[2], ==, ap_user_get_department (user));

          if (n == 0)
            {
              for (guint j = 6; j < 12; j++)
                g_assert_cmpstr (row[j], ==, "");
            }
          else
            {
              const ApRecord *record = ap_user_get_record (user, i);
              char sent[AP_TIME_ISO_LEN];
              char viewed[AP_TIME_ISO_LEN];

              ap_time_format_iso_utc (ap_record_get_time_sent (record), sent);
              ap_time_format_iso_utc (ap_record_get_time_viewed (record), viewed);
              g_assert_cmpstr (row[6], ==, ap_record_get_title (record));
              g_assert_cmpstr (row[7], ==, ap_record_get_category (record));
              g_assert_cmpstr (row[8], ==, ap_record_get_status (record));
              g_assert_cmpstr (row[9], ==,
                               ap_record_get_acknowledged (record) ? "true" : "false");
              g_assert_cmpstr (row[10], ==, sent);
              g_assert_cmpstr (row[11], ==, viewed);
            }
        }
    }

  /* Spot-check the formats themselves, not only the round trip. */
  {
    char **row = g_ptr_array_index (rows, 1);

    g_assert_cmpstr (row[9], ==, "true");
    g_assert_cmpstr (row[10], ==, "2011-12-03T10:15:30Z");
    g_assert_cmpstr (row[11], ==, "");
    row = g_ptr_array_index (rows, 2);
    g_assert_cmpstr (row[9], ==, "false");
    g_assert_cmpstr (row[11], ==, "2011-12-04T11:15:30Z");
  }
}

static void
test_long_fields (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GString) name = g_string_new (NULL);

  /* Longer than the per-user scratch and than the output buffer. */
  for (guint i = 0; name->len < 2 * AP_REPORT_BUFFER_SIZE; i++)
    g_string_append_printf (name, "\"%u\", ", i);
  g_ptr_array_add (users, report_test_user (name->str, "long@example.com", "Long", 1, 1, 1, 3));

  rows = read_back (AP_REPORT_FORMAT_CSV_DETAILS, users);
  g_assert_cmpuint (rows->len, ==, 4);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpstr (((char **) g_ptr_array_index (rows, i))[0], ==, name->str);
}

static void
test_byte_order_mark (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *data;
  gsize len;

  g_ptr_array_add (users, report_test_user ("Zoë", "zoe@example.com", "Ventes", 1, 2, 3, 0));
  writer = ap_report_writer_new (AP_REPORT_FORMAT_CSV, stream, NULL, NULL, NULL);
  ap_report_writer_set_byte_order_mark (writer, TRUE);
  g_assert_true (ap_report_writer_add_users (writer, users, NULL, NULL));
  g_assert_true (ap_report_writer_finish (writer, NULL, NULL));
  g_output_stream_close (stream, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
  data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, 3, "\xEF\xBB\xBF", 3);
  rows = report_test_read_csv (data + 3, len - 3);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 1))[0], ==, "Zoë");
}

static void
test_empty (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new ();
  g_autoptr(GBytes) plain = report_test_write (AP_REPORT_FORMAT_CSV, users, NULL, NULL);
  g_autoptr(GBytes) details = report_test_write (AP_REPORT_FORMAT_CSV_DETAILS, users, NULL, NULL);
  const char *header = "name,email,department,numCorrect,numIncorrect,numNotWatched\r\n";

  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                   header, strlen (header));
  g_assert_cmpuint (g_bytes_get_size (details), >, strlen (header));
}

static void
test_disk_full (void)
{
  g_autoptr(GFile) full = g_file_new_for_path ("/dev/full");
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  stream = g_file_append_to (full, G_FILE_CREATE_NONE, NULL, NULL);
  if (stream == NULL)
    {
      g_test_skip ("/dev/full cannot be opened here");
      return;
    }

  for (guint i = 0; i < 20000; i++)
    g_ptr_array_add (users, report_test_user ("Name", "name@example.com", "Dept", 1, 2, 3, 2));

  writer = ap_report_writer_new (AP_REPORT_FORMAT_CSV_DETAILS, G_OUTPUT_STREAM (stream),
                                 NULL, NULL, NULL);
  ok = ap_report_writer_add_users (writer, users, NULL, &error) &&
       ap_report_writer_finish (writer, NULL, &error);
  g_assert_false (ok);
  g_assert_error (error, AP_ERROR, AP_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "disk is full"));

  /* The writer stays failed, with the same plain reason. */
  g_clear_error (&error);
  g_assert_false (ap_report_writer_add_users (writer, users, NULL, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_WRITE);
}

static void
test_cancelled (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (users, report_test_user ("A", "a@example.com", "D", 1, 2, 3, 0));
  writer = ap_report_writer_new (AP_REPORT_FORMAT_CSV, stream, NULL, NULL, NULL);
  g_cancellable_cancel (cancellable);
  g_assert_false (ap_report_writer_add_users (writer, users, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/csv/round-trip", test_round_trip);
  g_test_add_func ("/ap/csv/quoting", test_quoting_only_when_needed);
  g_test_add_data_func ("/ap/csv/injection/users", GINT_TO_POINTER (AP_REPORT_FORMAT_CSV),
                        test_injection);
  g_test_add_data_func ("/ap/csv/injection/details",
                        GINT_TO_POINTER (AP_REPORT_FORMAT_CSV_DETAILS), test_injection);
  g_test_add_func ("/ap/csv/details", test_details);
  g_test_add_func ("/ap/csv/long-fields", test_long_fields);
  g_test_add_func ("/ap/csv/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/ap/csv/empty", test_empty);
  g_test_add_func ("/ap/csv/disk-full", test_disk_full);
  g_test_add_func ("/ap/csv/cancelled", test_cancelled);

  return g_test_run ();
}
