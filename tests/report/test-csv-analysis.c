/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The department and training video CSVs through the report writer, on
 * hand-computed data: an empty department, a department with nothing sent,
 * cells that need quoting or would run as formulas, a comma locale. */
#define G_LOG_DOMAIN "test-csv-analysis"

#include "config.h"

#include <locale.h>

#include "report-test-util.h"

static void
add_record (GPtrArray  *records,
            const char *title,
            const char *category,
            const char *status,
            gboolean    ack,
            gboolean    viewed)
{
  g_ptr_array_add (records, ap_training_record_new (title, category, status, ack, 1690000000,
                                                    viewed ? 1700000000 : AP_TIME_NONE));
}

static GPtrArray *
make_users (void)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *records;
  ApUser *user;

  user = ap_user_new ("Ann", "ann@example.com", "=HYPERLINK(\"x\")", 2, 1, 0);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  add_record (records, "-Phish, part 1", "@Mail", "Completed", TRUE, TRUE);
  add_record (records, "USB", "Devices", "Failed", FALSE, TRUE);
  add_record (records, "Wi-Fi", "Remote", "Snoozed", FALSE, FALSE);
  ap_user_take_records (user, records);
  g_ptr_array_add (users, user);

  user = ap_user_new ("Bob", "bob@example.com", "", 1, 0, 2);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  add_record (records, "-Phish, part 1", "@Mail", "Not Started", FALSE, FALSE);
  add_record (records, "USB", "Devices", "Overdue", TRUE, FALSE);
  ap_user_take_records (user, records);
  g_ptr_array_add (users, user);

  g_ptr_array_add (users, ap_user_new ("Cid", "cid@example.com", "Legal", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("Dee", "dee@example.com", "", 0, 0, 1));

  return users;
}

static char *
write_text (ApReportFormat format)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(GBytes) bytes = report_test_write (format, users, NULL, NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

static void
test_departments (void)
{
  g_autofree char *text = NULL;

  /* No department: Bob and Dee, 1 + 0 + 2 + 1 = 4 sent, 1 correct (25.0),
   * 3 not watched (75.0). Ann's department starts with "=": an apostrophe
   * and, for its quotes, quoting. Legal sent nothing: empty percentages. */
  setlocale (LC_ALL, "de_DE.UTF-8");
  text = write_text (AP_REPORT_FORMAT_CSV_DEPARTMENTS);
  setlocale (LC_ALL, "C.UTF-8");
  g_assert_cmpstr (text, ==,
                   "department,users,videosSent,numCorrect,numIncorrect,numNotWatched,"
                   "pctCorrect,pctIncorrect,pctNotWatched\r\n"
                   "No department,2,4,1,0,3,25.0,0.0,75.0\r\n"
                   "\"'=HYPERLINK(\"\"x\"\")\",1,3,2,1,0,66.7,33.3,0.0\r\n"
                   "Legal,1,0,0,0,0,,,\r\n");
}

static void
test_videos (void)
{
  g_autofree char *text = write_text (AP_REPORT_FORMAT_CSV_VIDEOS);

  /* -Phish: 2 sent, Ann viewed, 1 ack; USB: 2 sent, Ann viewed, Bob acked;
   * Wi-Fi: 1 sent, not viewed. Ties on not viewed go by title. */
  g_assert_cmpstr (text, ==,
                   "title,category,sent,viewed,notViewed,acknowledged,pctViewed\r\n"
                   "\"'-Phish, part 1\",'@Mail,2,1,1,1,50.0\r\n"
                   "USB,Devices,2,1,1,1,50.0\r\n"
                   "Wi-Fi,Remote,1,0,1,0,0.0\r\n");
}

static void
test_no_details (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) bytes = NULL;

  g_ptr_array_add (users, ap_user_new ("Eve", "eve@example.com", "IT", 1, 1, 1));
  bytes = report_test_write (AP_REPORT_FORMAT_CSV_VIDEOS, users, NULL, NULL);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "title,category,sent,viewed,notViewed,acknowledged,pctViewed\r\n",
                   strlen ("title,category,sent,viewed,notViewed,acknowledged,pctViewed\r\n"));
}

static void
test_format_names (void)
{
  ApReportFormat format;

  g_assert_true (ap_report_format_from_string ("csv-departments", FALSE, &format));
  g_assert_cmpint (format, ==, AP_REPORT_FORMAT_CSV_DEPARTMENTS);
  g_assert_cmpstr (ap_report_format_to_string (format), ==, "csv-departments");
  g_assert_true (ap_report_format_from_string ("csv-videos", TRUE, &format));
  g_assert_cmpint (format, ==, AP_REPORT_FORMAT_CSV_VIDEOS);
  g_assert_cmpstr (ap_report_format_get_extension (format), ==, "csv");
  g_assert_cmpstr (ap_report_format_get_mime_type (format), ==, "text/csv");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/csv-analysis/departments", test_departments);
  g_test_add_func ("/ap/csv-analysis/videos", test_videos);
  g_test_add_func ("/ap/csv-analysis/no-details", test_no_details);
  g_test_add_func ("/ap/csv-analysis/format-names", test_format_names);

  return g_test_run ();
}
