/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-json"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ap-report-private.h"
#include "report-test-util.h"

static JsonNode *
write_and_parse (GPtrArray *users,
                 ApQuery   *query,
                 GDateTime *generated)
{
  g_autoptr(GBytes) bytes = report_test_write (AP_REPORT_FORMAT_JSON, users, query, generated);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static void
assert_time (JsonObject *object,
             const char *member,
             gint64      expected)
{
  char iso[AP_TIME_ISO_LEN];

  ap_time_format_iso_utc (expected, iso);
  g_assert_cmpstr (json_object_get_string_member (object, member), ==, iso);
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GDateTime) generated = g_date_time_new_utc (2026, 11, 29, 5, 30, 0);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) expected_query = NULL;
  JsonObject *object;
  JsonArray *array;
  const char *names[] = {
    "Quote \" and backslash \\ and slash /",
    "Control \x01\x02\x1f and \b\f\n\r\t",
    "Zoë 名前 👩‍💻",
    "",
    "=1+1",
  };

  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Sales \"EMEA\"");
  ap_query_set_include_user_details (query, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_ptr_array_add (users, report_test_user (names[i], "u@example.com", names[(i + 1) % 5],
                                              i, 2 * i, 3 * i, i % 3));
  /* Details asked for, none came back: an empty array, not a missing one. */
  {
    ApUser *user = ap_user_new ("Empty details", "e@example.com", "Ops", 0, 0, 0);

    ap_user_take_records (user, g_ptr_array_new_with_free_func (g_object_unref));
    g_ptr_array_add (users, user);
  }

  root = write_and_parse (users, query, generated);
  object = json_node_get_object (root);

  g_assert_cmpstr (json_object_get_string_member (object, "generated"), ==,
                   "2026-11-29T05:30:00Z");
  expected_query = ap_query_to_json_node (query);
  g_assert_true (json_node_equal (json_object_get_member (object, "query"), expected_query));

  array = json_object_get_array_member (object, "users");
  g_assert_cmpuint (json_array_get_length (array), ==, users->len);

  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      JsonObject *u = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (u, "name"), ==, ap_user_get_name (user));
      g_assert_cmpstr (json_object_get_string_member (u, "email"), ==, ap_user_get_email (user));
      g_assert_cmpstr (json_object_get_string_member (u, "department"), ==,
                       ap_user_get_department (user));
      g_assert_cmpint (json_object_get_int_member (u, "numCorrect"), ==,
                       ap_user_get_num_correct (user));
      g_assert_cmpint (json_object_get_int_member (u, "numIncorrect"), ==,
                       ap_user_get_num_incorrect (user));
      g_assert_cmpint (json_object_get_int_member (u, "numNotWatched"), ==,
                       ap_user_get_num_not_watched (user));

      g_assert_cmpint (json_object_has_member (u, "userDetails"), ==,
                       ap_user_get_has_details (user));
      if (ap_user_get_has_details (user))
        {
          JsonArray *details = json_object_get_array_member (u, "userDetails");

          g_assert_cmpuint (json_array_get_length (details), ==, ap_user_get_n_records (user));
          for (guint j = 0; j < ap_user_get_n_records (user); j++)
            {
              const ApRecord *record = ap_user_get_record (user, j);
              JsonObject *d = json_array_get_object_element (details, j);

              g_assert_cmpstr (json_object_get_string_member (d, "title"), ==,
                               ap_record_get_title (record));
              g_assert_cmpstr (json_object_get_string_member (d, "category"), ==,
                               ap_record_get_category (record));
              g_assert_cmpstr (json_object_get_string_member (d, "status"), ==,
                               ap_record_get_status (record));
              g_assert_cmpint (json_object_get_boolean_member (d, "ack"), ==,
                               ap_record_get_acknowledged (record));
              assert_time (d, "timeSent", ap_record_get_time_sent (record));
              assert_time (d, "timeViewed", ap_record_get_time_viewed (record));
            }
        }
    }

  /* A record never viewed has "" as timeViewed. */
  {
    JsonObject *u = json_array_get_object_element (array, 1);
    JsonObject *d = json_array_get_object_element (json_object_get_array_member (u,
                                                                                 "userDetails"),
                                                   0);

    g_assert_cmpstr (json_object_get_string_member (d, "timeViewed"), ==, "");
    g_assert_cmpstr (json_object_get_string_member (d, "timeSent"), ==, "2011-12-03T10:15:30Z");
  }
}

static void
test_escaper (void)
{
  const char *cases[][2] = {
    { "plain", "\"plain\"" },
    { "a\"b", "\"a\\\"b\"" },
    { "a\\b", "\"a\\\\b\"" },
    { "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"" },
    { "\x01\x1f", "\"\\u0001\\u001f\"" },
    { "é€😀", "\"é€😀\"" },
    { "bad \xff utf8", "\"bad \xef\xbf\xbd utf8\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autofree char *text = NULL;
      ApReportBuffer buffer;

      ap_report_buffer_init (&buffer, out);
      ap_json_writer_write_string (&buffer, cases[i][0]);
      g_assert_true (ap_report_buffer_flush (&buffer));
      ap_report_buffer_clear (&buffer);
      g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
      g_output_stream_close (out, NULL, NULL);
      text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
      g_assert_cmpstr (text, ==, cases[i][1]);
    }
}

static void
test_empty (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new ();
  g_autoptr(JsonNode) root = write_and_parse (users, NULL, NULL);
  JsonObject *object = json_node_get_object (root);
  g_autoptr(GDateTime) generated = NULL;

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "users")), ==,
                    0);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "query")));
  generated = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "generated"),
                                            NULL);
  g_assert_nonnull (generated);
}

static void
test_many_users (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  /* Enough to cross the output buffer several times. */
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *name = g_strdup_printf ("User %u “quoted”", i);

      g_ptr_array_add (users, report_test_user (name, "x@example.com", "Dept", i, 0, 1, 2));
    }

  root = write_and_parse (users, NULL, NULL);
  array = json_object_get_array_member (json_node_get_object (root), "users");
  g_assert_cmpuint (json_array_get_length (array), ==, 5000);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 4999),
                                                  "name"), ==, "User 4999 “quoted”");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/json/round-trip", test_round_trip);
  g_test_add_func ("/ap/json/escaper", test_escaper);
  g_test_add_func ("/ap/json/empty", test_empty);
  g_test_add_func ("/ap/json/many-users", test_many_users);

  return g_test_run ();
}
