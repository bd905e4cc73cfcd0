/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-training-record"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-parser.h"
#include "ap-intern-private.h"
#include "ap-training-record.h"
#include "ap-user.h"

static void
test_properties (void)
{
  g_autoptr(ApTrainingRecord) rec =
    ap_training_record_new ("Spot the Phish", "Phishing", "Completed", TRUE, 1322907330,
                            1322982000);
  g_autofree char *title = NULL, *category = NULL, *status = NULL;
  g_autoptr(GDateTime) sent = NULL, viewed = NULL;
  gboolean ack = FALSE, is_viewed = FALSE;

  g_object_get (rec,
                "title", &title, "category", &category, "status", &status,
                "acknowledged", &ack, "time-sent", &sent, "time-viewed", &viewed,
                "viewed", &is_viewed, NULL);

  g_assert_cmpstr (title, ==, "Spot the Phish");
  g_assert_cmpstr (category, ==, "Phishing");
  g_assert_cmpstr (status, ==, "Completed");
  g_assert_true (ack);
  g_assert_true (is_viewed);
  g_assert_nonnull (sent);
  g_assert_cmpint (g_date_time_to_unix (sent), ==, 1322907330);
  g_assert_cmpint (g_date_time_get_utc_offset (sent), ==, 0);
  g_assert_cmpint (g_date_time_get_hour (sent), ==, 10);
  g_assert_cmpint (g_date_time_to_unix (viewed), ==, 1322982000);

  g_assert_cmpint (ap_training_record_get_time_sent (rec), ==, 1322907330);
  g_assert_cmpint (ap_training_record_get_time_viewed (rec), ==, 1322982000);
  g_assert_true (ap_training_record_get_acknowledged (rec));
}

static void
test_missing (void)
{
  g_autoptr(ApTrainingRecord) rec =
    ap_training_record_new (NULL, "", NULL, FALSE, AP_TIME_NONE, AP_TIME_NONE);
  g_autoptr(GDateTime) sent = NULL, viewed = NULL;
  g_autofree char *title = NULL;
  gboolean is_viewed = TRUE;

  g_assert_cmpstr (ap_training_record_get_title (rec), ==, "");
  g_assert_cmpstr (ap_training_record_get_category (rec), ==, "");
  g_assert_cmpstr (ap_training_record_get_status (rec), ==, "");
  g_assert_null (ap_training_record_dup_time_sent (rec));
  g_assert_null (ap_training_record_dup_time_viewed (rec));

  g_object_get (rec, "title", &title, "time-sent", &sent, "time-viewed", &viewed,
                "viewed", &is_viewed, NULL);
  g_assert_cmpstr (title, ==, "");
  g_assert_null (sent);
  g_assert_null (viewed);
  g_assert_false (is_viewed);
}

static void
test_interned (void)
{
  char buffer_a[] = "Password Pandemonium";
  char buffer_b[] = "Password Pandemonium";
  g_autoptr(ApTrainingRecord) a = ap_training_record_new (buffer_a, "Passwords", "Completed",
                                                          FALSE, 0, 0);
  g_autoptr(ApTrainingRecord) b = ap_training_record_new (buffer_b, "Passwords", "Completed",
                                                          FALSE, 0, 0);
  g_autoptr(GRefString) interned = ap_intern_string ("Passwords", strlen ("Passwords"));
  g_autoptr(ApTrainingRecord) c = NULL;

  /* one copy of each repeated value */
  g_assert_true (ap_training_record_get_title (a) == ap_training_record_get_title (b));
  g_assert_true (ap_training_record_get_category (a) == ap_training_record_get_category (b));
  g_assert_true (ap_training_record_get_category (a) == interned);

  /* the parser's constructor takes a reference of its own */
  c = ap_training_record_new_interned (interned, interned, NULL, TRUE, 5, AP_TIME_NONE);
  g_assert_true (ap_training_record_get_title (c) == interned);
  g_assert_cmpstr (ap_training_record_get_status (c), ==, "");
  g_clear_object (&a);
  g_clear_object (&b);
  g_assert_cmpstr (ap_training_record_get_category (c), ==, "Passwords");
}

static void
test_read_only (void)
{
  static const char *names[] = {
    "title", "category", "status", "acknowledged", "time-sent", "time-viewed", "viewed",
  };
  g_autoptr(GTypeClass) klass = g_type_class_ref (AP_TYPE_TRAINING_RECORD);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), names[i]);

      g_assert_nonnull (pspec);
      g_assert_true (pspec->flags & G_PARAM_READABLE);
      g_assert_false (pspec->flags & G_PARAM_WRITABLE);
      g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
    }
}

static void
test_format_iso (void)
{
  char buf[AP_TIME_ISO_LEN];
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  memset (buf, 'x', sizeof buf);
  ap_time_format_iso_utc (AP_TIME_NONE, buf);
  g_assert_cmpstr (buf, ==, "");

  ap_time_format_iso_utc (0, buf);
  g_assert_cmpstr (buf, ==, "1970-01-01T00:00:00Z");
  ap_time_format_iso_utc (-1, buf);
  g_assert_cmpstr (buf, ==, "1969-12-31T23:59:59Z");
  ap_time_format_iso_utc (1322907330, buf);
  g_assert_cmpstr (buf, ==, "2011-12-03T10:15:30Z");
  ap_time_format_iso_utc (951825600, buf);
  g_assert_cmpstr (buf, ==, "2000-02-29T12:00:00Z");
  ap_time_format_iso_utc (G_GINT64_CONSTANT (-62135596800), buf);
  g_assert_cmpstr (buf, ==, "0001-01-01T00:00:00Z");
  ap_time_format_iso_utc (G_GINT64_CONSTANT (253402300799), buf);
  g_assert_cmpstr (buf, ==, "9999-12-31T23:59:59Z");
  /* no four-digit form: unknown rather than a wrong date */
  ap_time_format_iso_utc (G_GINT64_CONSTANT (253402300800), buf);
  g_assert_cmpstr (buf, ==, "");

  /* agrees with GDateTime and round-trips through the parser */
  for (guint i = 0; i < 20000; i++)
    {
      gint64 t = (gint64) (g_rand_double (rand) * 315537897599.0) - 62135596800;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *expected = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                                                   g_date_time_get_year (dt),
                                                   g_date_time_get_month (dt),
                                                   g_date_time_get_day_of_month (dt),
                                                   g_date_time_get_hour (dt),
                                                   g_date_time_get_minute (dt),
                                                   g_date_time_get_second (dt));
      gint64 parsed = 0;

      ap_time_format_iso_utc (t, buf);
      g_assert_cmpstr (buf, ==, expected);
      g_assert_true (ap_parser_parse_time (buf, strlen (buf), &parsed));
      g_assert_cmpint (parsed, ==, t);
    }
}

/* GLib 2.74's g_ref_string_new_intern() hands out a string being freed when
 * one thread interns it while another drops the last reference: the parse
 * workers and the main thread do exactly that. */
static gpointer
intern_and_release (gpointer data)
{
  for (guint i = 0; i < 200000; i++)
    {
      char *s = ap_intern_string ("Sales", 5);

      g_assert_cmpstr (s, ==, "Sales");
      g_ref_string_release (s);
    }
  return NULL;
}

static void
test_intern_threads (void)
{
  GThread *a = g_thread_new ("intern-a", intern_and_release, NULL);
  GThread *b = g_thread_new ("intern-b", intern_and_release, NULL);
  g_autoptr(GRefString) first = NULL;
  g_autoptr(GRefString) second = NULL;

  g_thread_join (a);
  g_thread_join (b);

  first = ap_intern_string ("Sales", 5);
  second = ap_intern_string ("Sales!", 5);
  g_assert_true (first == second);
}

/* The time viewed and "acknowledged" share 64 bits: every combination
 * comes back as it went in, the record a user keeps is 40 bytes, and the
 * object (for the detail's list) stays 64. */
static void
test_compact (void)
{
  const gint64 times[] = { AP_TIME_NONE, 0, 1, -1, 1322982000, -3155760000,
                           253402300799, G_MAXINT64 / 2, G_MININT64 / 2 + 1 };
  GTypeQuery query;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    for (int ack = 0; ack < 2; ack++)
      {
        g_autoptr(ApTrainingRecord) rec =
          ap_training_record_new ("T", "C", "S", ack, times[i], times[i]);

        g_assert_cmpint (ap_training_record_get_time_viewed (rec), ==, times[i]);
        g_assert_cmpint (ap_training_record_get_time_sent (rec), ==, times[i]);
        g_assert_cmpint (ap_training_record_get_acknowledged (rec), ==, ack);
      }

  /* No date the API sends lies beyond +-2^62 seconds: clamped, not wrapped. */
  {
    g_autoptr(ApTrainingRecord) rec =
      ap_training_record_new (NULL, NULL, NULL, TRUE, 0, G_MAXINT64);

    g_assert_cmpint (ap_training_record_get_time_viewed (rec), ==, G_MAXINT64 / 2);
    g_assert_true (ap_training_record_get_acknowledged (rec));
  }

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    for (int ack = 0; ack < 2; ack++)
      {
        ApRecord record;

        ap_record_init (&record, "T", NULL, "S", ack, times[i], times[i]);
        g_assert_cmpint (ap_record_get_time_viewed (&record), ==, times[i]);
        g_assert_cmpint (ap_record_get_acknowledged (&record), ==, ack);
        ap_record_clear (&record);
      }

  if (GLIB_SIZEOF_VOID_P == 8)
    g_assert_cmpuint (sizeof (ApRecord), ==, 40);
  g_type_query (AP_TYPE_TRAINING_RECORD, &query);
  if (GLIB_SIZEOF_VOID_P == 8)
    g_assert_cmpuint (query.instance_size, <=, 64);
  g_type_query (AP_TYPE_USER, &query);
  if (GLIB_SIZEOF_VOID_P == 8)
    g_assert_cmpuint (query.instance_size, <=, 80);
}

/* The plain record a user keeps, and the object copied from it for a view:
 * the same values, the same interned strings, each holding its own
 * references; clearing one leaves the other whole. */
static void
test_record_struct (void)
{
  ApRecord record;
  g_autoptr(ApTrainingRecord) object = NULL;
  g_autoptr(GRefString) interned = ap_intern_string ("Phishing", 8);
  const ApRecord *held;

  ap_record_init (&record, "Spot the Phish", "Phishing", "", TRUE, 1322907330, AP_TIME_NONE);
  g_assert_true (ap_record_get_category (&record) == interned);
  g_assert_cmpstr (ap_record_get_status (&record), ==, "");
  g_assert_null (record.status);

  object = ap_training_record_new_for_record (&record);
  ap_record_clear (&record);
  g_assert_null (record.title);
  g_assert_cmpstr (ap_record_get_title (&record), ==, "");
  g_assert_cmpint (ap_record_get_time_sent (&record), ==, AP_TIME_NONE);
  g_assert_false (ap_record_get_acknowledged (&record));

  g_assert_cmpstr (ap_training_record_get_title (object), ==, "Spot the Phish");
  g_assert_true (ap_training_record_get_category (object) == interned);
  g_assert_true (ap_training_record_get_acknowledged (object));
  g_assert_cmpint (ap_training_record_get_time_sent (object), ==, 1322907330);
  g_assert_null (ap_training_record_dup_time_viewed (object));
  held = ap_training_record_get_record (object);
  g_assert_true (ap_record_get_title (held) == ap_training_record_get_title (object));
  g_assert_cmpint (ap_record_get_time_viewed (held), ==, AP_TIME_NONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/training-record/properties", test_properties);
  g_test_add_func ("/ap/training-record/missing", test_missing);
  g_test_add_func ("/ap/training-record/interned", test_interned);
  g_test_add_func ("/ap/training-record/read-only", test_read_only);
  g_test_add_func ("/ap/training-record/format-iso", test_format_iso);
  g_test_add_func ("/ap/training-record/intern-threads", test_intern_threads);
  g_test_add_func ("/ap/training-record/compact", test_compact);
  g_test_add_func ("/ap/training-record/record-struct", test_record_struct);

  return g_test_run ();
}
