/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-mock-server"

#include "config.h"

#include <string.h>

#include "ap-credentials.h"
#include "ap-parser.h"
#include "mock-test-util.h"

/* Queries: pagination, search, filters, records, determinism, validation. */

/* ---- pagination, search, filters ---- */

static void
collect_email_cb (JsonObject *user,
                  gpointer    data)
{
  const char *email = json_object_get_string_member (user, "email");

  /* Exactly once: a second sight of an address fails here. */
  g_assert_true (g_hash_table_add (data, g_strdup (email)));
}

static void
test_pagination (void)
{
  g_autoptr(ApMockServer) mock = mock_start (1003, 10, 3, 5);
  g_autoptr(SoupSession) session = session_new ();
  g_autoptr(GHashTable) emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *first = query_body ("{\"searchBy\":{\"fieldName\":\"name\",\"value\":\"a\"}}",
                                       100, NULL);
  g_autofree char *other = NULL;
  g_autofree char *garbage = query_body (NULL, 100, "bm90IGEgdG9rZW4=");
  g_autofree char *page_size_default = g_strdup ("{\"data\":[{}]}");
  Response response;
  JsonObject *error;

  g_assert_cmpuint (walk_query (mock, session, "{}", 100, collect_email_cb, emails), ==, 1003);
  g_assert_cmpuint (g_hash_table_size (emails), ==, 1003);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 11);

  /* A page token only works for the query that returned it. */
  post_api1 (mock, session, first, NULL, &response);
  g_assert_nonnull (response_next (&response));
  other = query_body ("{\"searchBy\":{\"fieldName\":\"name\",\"value\":\"e\"}}", 100,
                      response_next (&response));
  response_clear (&response);
  post_api1 (mock, session, other, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (response_data (&response)), ==, 0);
  g_assert_cmpuint (json_array_get_length (response_fail (&response)), ==, 1);
  error = json_array_get_object_element (json_object_get_array_member (
    json_array_get_object_element (response_fail (&response), 0), "errors"), 0);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==,
                   "err_validation_invalid_page_token");
  response_clear (&response);

  post_api1 (mock, session, garbage, NULL, &response);
  g_assert_cmpuint (json_array_get_length (response_fail (&response)), ==, 1);
  response_clear (&response);

  /* Without pageSize, Mimecast's default of 25. */
  post_api1 (mock, session, page_size_default, NULL, &response);
  g_assert_cmpuint (json_array_get_length (response_data (&response)), ==, 25);
  response_clear (&response);
}

typedef struct
{
  const char *needle;       /* casefolded */
  const char *member;
  guint       n;
} SearchCheck;

static void
check_contains_cb (JsonObject *user,
                   gpointer    data)
{
  SearchCheck *check = data;
  const char *value = json_object_get_string_member (user, check->member);
  g_autofree char *folded = g_utf8_casefold (value, -1);

  g_assert_nonnull (strstr (folded, check->needle));
  check->n++;
}

static guint
expected_count (ApMockServer *mock,
                const char   *item)
{
  g_autofree char *body = query_body (item, 500, NULL);

  return ap_mock_server_count_matching (mock, body);
}

static void
test_search (void)
{
  g_autoptr(ApMockServer) mock = mock_start (600, 12, 3, 11);
  g_autoptr(SoupSession) session = session_new ();
  struct
  {
    const char *field;
    const char *value;
    const char *member;
    const char *needle;
  } cases[] = {
    { "name", "MÜLLER", "name", "müller" },
    { "name", "zoë", "name", "zoë" },
    { "email", "JENSEN.", "email", "jensen." },
    { "email", ".1", "email", ".1" },
    { "department", "sales", "department", "sales" },
    { "department", ", ", "department", ", " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *item = g_strdup_printf ("{\"searchBy\":{\"fieldName\":\"%s\","
                                               "\"value\":\"%s\"}}",
                                               cases[i].field, cases[i].value);
      SearchCheck check = { cases[i].needle, cases[i].member, 0 };
      guint expected = expected_count (mock, item);

      walk_query (mock, session, item, 37, check_contains_cb, &check);
      g_test_message ("%s contains %s: %u users", cases[i].field, cases[i].value, check.n);
      g_assert_cmpuint (check.n, ==, expected);
      g_assert_cmpuint (check.n, >, 0);
      g_assert_cmpuint (check.n, <, 600);
    }
}

static void
count_cb (JsonObject *user,
          gpointer    data)
{
  (*(guint *) data)++;
}

static void
test_custom_attribute (void)
{
  g_autoptr(ApMockServer) mock = mock_start (400, 8, 2, 3);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *zurich = g_strdup_printf ("{\"searchBy\":{\"fieldName\":\"customAttribute\","
                                             "\"value\":\"zürich\"},\"attributeIds\":[\"%s\"]}",
                                             AP_MOCK_ATTRIBUTE_LOCATION);
  g_autofree char *either = g_strdup_printf ("{\"searchBy\":{\"fieldName\":\"customAttribute\","
                                             "\"value\":\"CC-1003\"},\"attributeIds\":"
                                             "[\"%s\",\"%s\"]}",
                                             AP_MOCK_ATTRIBUTE_LOCATION,
                                             AP_MOCK_ATTRIBUTE_COST_CENTRE);
  g_autofree char *wrong_id = g_strdup_printf ("{\"searchBy\":{\"fieldName\":\"customAttribute\","
                                               "\"value\":\"CC-1003\"},\"attributeIds\":[\"%s\"]}",
                                               AP_MOCK_ATTRIBUTE_JOB_TITLE);
  guint n_zurich = 0, n_either = 0, n_wrong = 0;

  walk_query (mock, session, zurich, 100, count_cb, &n_zurich);
  walk_query (mock, session, either, 100, count_cb, &n_either);
  walk_query (mock, session, wrong_id, 100, count_cb, &n_wrong);
  /* About one user in ten for each of ten values. */
  g_assert_cmpuint (n_zurich, >, 15);
  g_assert_cmpuint (n_zurich, <, 80);
  g_assert_cmpuint (n_either, >, 15);
  g_assert_cmpuint (n_either, ==, expected_count (mock, either));
  g_assert_cmpuint (n_wrong, ==, 0);
}

typedef struct
{
  guint min, max;
  guint n;
} WatchedCheck;

static void
check_watched_cb (JsonObject *user,
                  gpointer    data)
{
  WatchedCheck *check = data;
  gint64 watched = json_object_get_int_member (user, "numCorrect") +
                   json_object_get_int_member (user, "numIncorrect");

  g_assert_cmpint (watched, >=, check->min);
  g_assert_cmpint (watched, <=, check->max);
  check->n++;
}

static void
test_filter (void)
{
  g_autoptr(ApMockServer) mock = mock_start (500, 8, 3, 9);
  g_autoptr(SoupSession) session = session_new ();
  guint sum = 0;
  WatchedCheck all = { 0, G_MAXUINT, 0 };

  for (guint n = 0; n <= 4; n++)
    {
      g_autofree char *item = n < 4
        ? g_strdup_printf ("{\"filterBy\":{\"fieldName\":\"type\","
                           "\"value\":\"video_count_%u\"}}", n)
        : g_strdup ("{\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_4_or_more\"}}");
      WatchedCheck check = { n, n < 4 ? n : G_MAXUINT, 0 };

      walk_query (mock, session, item, 60, check_watched_cb, &check);
      g_test_message ("%u videos watched: %u users", n, check.n);
      g_assert_cmpuint (check.n, >, 0);
      sum += check.n;
    }
  g_assert_cmpuint (sum, ==, 500);

  walk_query (mock, session,
              "{\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_all\"}}", 60,
              check_watched_cb, &all);
  g_assert_cmpuint (all.n, ==, 500);
}

/* ---- data ---- */

typedef struct
{
  guint n_users;
  guint n_without_records;
  guint n_unviewed_empty;
  guint n_unviewed_missing;
  guint n_viewed;
  gboolean non_ascii;
  gboolean comma_name;
  gboolean comma_department;
  gboolean quote_department;
  GHashTable *statuses;
} RecordCheck;

static gboolean
is_api_time (const char *text)
{
  gint64 unused;

  return strlen (text) == 24 && g_str_has_suffix (text, "+0000") &&
         ap_parser_parse_time (text, strlen (text), &unused);
}

static void
check_records_cb (JsonObject *user,
                  gpointer    data)
{
  RecordCheck *check = data;
  JsonArray *details = json_object_get_array_member (user, "userDetails");
  const char *name = json_object_get_string_member (user, "name");
  const char *department = json_object_get_string_member (user, "department");
  guint correct = 0, incorrect = 0, not_watched = 0;

  check->n_users++;
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      check->non_ascii = TRUE;
  check->comma_name |= strchr (name, ',') != NULL;
  check->comma_department |= strchr (department, ',') != NULL;
  check->quote_department |= strchr (department, '"') != NULL;

  g_assert_nonnull (details);
  if (json_array_get_length (details) == 0)
    check->n_without_records++;
  for (guint j = 0; j < json_array_get_length (details); j++)
    {
      JsonObject *record = json_array_get_object_element (details, j);
      const char *status = json_object_get_string_member (record, "status");
      const char *viewed = json_object_get_string_member_with_default (record, "timeViewed", NULL);

      g_hash_table_add (check->statuses, g_strdup (status));
      g_assert_true (is_api_time (json_object_get_string_member (record, "timeSent")));
      if (g_str_equal (status, "Completed") || g_str_equal (status, "Failed"))
        {
          if (g_str_equal (status, "Completed"))
            correct++;
          else
            incorrect++;
          g_assert_nonnull (viewed);
          g_assert_true (is_api_time (viewed));
          g_assert_cmpstr (viewed, >, json_object_get_string_member (record, "timeSent"));
          check->n_viewed++;
        }
      else
        {
          not_watched++;
          g_assert_false (json_object_get_boolean_member (record, "ack"));
          if (viewed == NULL)
            check->n_unviewed_missing++;
          else
            {
              g_assert_cmpstr (viewed, ==, "");
              check->n_unviewed_empty++;
            }
        }
    }
  g_assert_cmpint (json_object_get_int_member (user, "numCorrect"), ==, correct);
  g_assert_cmpint (json_object_get_int_member (user, "numIncorrect"), ==, incorrect);
  g_assert_cmpint (json_object_get_int_member (user, "numNotWatched"), ==, not_watched);
}

static void
test_records (void)
{
  g_autoptr(ApMockServer) mock = mock_start (700, 12, 4, 21);
  g_autoptr(SoupSession) session = session_new ();
  g_autoptr(GHashTable) statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  RecordCheck check = { 0, };

  check.statuses = statuses;
  walk_query (mock, session, "{\"includeUserDetails\":true}", 250, check_records_cb, &check);
  g_assert_cmpuint (check.n_users, ==, 700);
  g_assert_cmpuint (check.n_without_records, >, 0);
  g_assert_cmpuint (check.n_unviewed_empty, >, 0);
  g_assert_cmpuint (check.n_unviewed_missing, >, 0);
  g_assert_cmpuint (check.n_viewed, >, check.n_unviewed_empty);
  g_assert_true (check.non_ascii);
  g_assert_true (check.comma_name);
  g_assert_true (check.comma_department);
  g_assert_true (check.quote_department);
  g_assert_cmpuint (g_hash_table_size (statuses), ==, 4);
}

static void
check_no_details_cb (JsonObject *user,
                     gpointer    data)
{
  g_assert_false (json_object_has_member (user, "userDetails"));
  (*(guint *) data)++;
}

static void
test_without_details (void)
{
  g_autoptr(ApMockServer) mock = mock_start (120, 8, 4, 2);
  g_autoptr(SoupSession) session = session_new ();
  guint n = 0, m = 0;

  walk_query (mock, session, "{}", 50, check_no_details_cb, &n);
  walk_query (mock, session, "{\"includeUserDetails\":false}", 50, check_no_details_cb, &m);
  g_assert_cmpuint (n, ==, 120);
  g_assert_cmpuint (m, ==, 120);
}

static void
test_non_ascii (void)
{
  g_autoptr(ApMockServer) mock = mock_start (300, 12, 2, 4);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body ("{\"includeUserDetails\":true}", 300, NULL);
  const char *names[] = { "Zoë", "Łukasz", "José", "Ærø" };
  Response response;
  gsize size;
  const char *data;
  gboolean cjk = FALSE;
  JsonArray *users;

  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  data = g_bytes_get_data (response.body, &size);
  g_assert_true (g_utf8_validate (data, size, NULL));
  /* Raw UTF-8, not \u escapes: what Mimecast sends. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (g_strstr_len (data, size, names[i]));

  users = response_data (&response);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (users, i),
                                                        "name");

      g_assert_true (g_utf8_validate (name, -1, NULL));
      if (g_utf8_get_char (name) >= 0x3000)
        cjk = TRUE;
    }
  g_assert_true (cjk);
  response_clear (&response);
}


static void
test_determinism (void)
{
  g_autoptr(ApMockServer) a = mock_start (500, 8, 5, 1234);
  g_autoptr(ApMockServer) b = mock_start (500, 8, 5, 1234);
  g_autoptr(ApMockServer) c = mock_start (500, 8, 5, 1235);
  g_autoptr(SoupSession) session = session_new ();
  const char *item = "{\"includeUserDetails\":true}";
  g_autofree char *next_a = NULL;
  g_autofree char *next_b = NULL;

  for (guint page = 0; page < 3; page++)
    {
      g_autoptr(GBytes) page_a = fetch_raw (a, session, item, 100, &next_a);
      g_autoptr(GBytes) page_b = fetch_raw (b, session, item, 100, &next_b);
      g_autoptr(GBytes) page_c = fetch_raw (c, session, item, 100, NULL);

      g_assert_true (g_bytes_equal (page_a, page_b));
      if (page == 0)
        g_assert_false (g_bytes_equal (page_a, page_c));
      g_assert_cmpstr (next_a, ==, next_b);
    }

  /* And the same server tomorrow: a new data set with the old seed. */
  {
    g_autoptr(GBytes) before = fetch_raw (a, session, item, 50, NULL);
    g_autoptr(GBytes) after = NULL;

    ap_mock_server_set_dataset (a, 10, 2, 1, 99);
    ap_mock_server_set_dataset (a, 500, 8, 5, 1234);
    after = fetch_raw (a, session, item, 50, NULL);
    g_assert_true (g_bytes_equal (before, after));
  }
}

/* ---- request validation ---- */

static void
expect_status (ApMockServer *mock,
               SoupSession  *session,
               const char   *body,
               const char   *content_type,
               guint         status)
{
  Signing signing = { .content_type = content_type };
  Response response;

  post_api1 (mock, session, body, &signing, &response);
  g_assert_no_error (response.error);
  g_assert_cmpuint (response.status, ==, status);
  assert_rate_limit_headers (&response);
  if (status == 400)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *fail;

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (response.body, NULL),
                                                 g_bytes_get_size (response.body), NULL));
      fail = json_array_get_object_element (json_object_get_array_member (
        json_node_get_object (json_parser_get_root (parser)), "fail"), 0);
      g_assert_nonnull (json_object_get_array_member (fail, "errors"));
    }
  response_clear (&response);
}

static void
expect_fail_entry (ApMockServer *mock,
                   SoupSession  *session,
                   const char   *item,
                   guint         page_size,
                   const char   *code)
{
  g_autofree char *body = query_body (item, page_size, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  Response response;
  JsonObject *fail, *error;

  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_nonnull (response.root);
  g_assert_cmpuint (json_array_get_length (response_data (&response)), ==, 0);
  g_assert_cmpuint (json_array_get_length (response_fail (&response)), >=, 1);
  fail = json_array_get_object_element (response_fail (&response), 0);
  error = json_array_get_object_element (json_object_get_array_member (fail, "errors"), 0);
  g_test_message ("%s -> %s: %s", item, json_object_get_string_member (error, "code"),
                  json_object_get_string_member (error, "message"));
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_false (json_object_get_boolean_member (error, "retryable"));
  g_assert_true (g_str_has_prefix (code, "err_validation_"));
  /* The key is the item that was refused, as Mimecast echoes it. */
  g_assert_true (json_parser_load_from_data (parser, item, -1, NULL));
  g_assert_true (json_node_equal (json_object_get_member (fail, "key"),
                                  json_parser_get_root (parser)));
  response_clear (&response);
}

static void
test_validation (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autoptr(GString) deep = g_string_new ("{\"data\":[");
  g_autoptr(GString) large = g_string_new ("{\"data\":[{}],\"pad\":\"");
  g_autofree char *four_ids = g_strdup_printf ("{\"searchBy\":{\"fieldName\":\"customAttribute\","
                                               "\"value\":\"x\"},\"attributeIds\":[\"%s\",\"%s\","
                                               "\"%s\",\"%s\"]}",
                                               AP_MOCK_ATTRIBUTE_LOCATION,
                                               AP_MOCK_ATTRIBUTE_JOB_TITLE,
                                               AP_MOCK_ATTRIBUTE_COST_CENTRE,
                                               AP_MOCK_ATTRIBUTE_LOCATION);
  g_autofree char *url = g_strconcat (ap_mock_server_get_base_url (mock), AP_MOCK_DATA_PATH, NULL);
  g_autoptr(SoupMessage) get = soup_message_new ("GET", url);
  Response response;

  expect_status (mock, session, "{\"data\":[{}]", NULL, 400);
  expect_status (mock, session, "not json at all", NULL, 400);
  expect_status (mock, session, "", NULL, 400);
  expect_status (mock, session, "{\"data\":[{}]}", "text/plain", 400);
  /* json-glib would overflow its stack on this: it must never see it. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  expect_status (mock, session, deep->str, NULL, 400);
  for (guint i = 0; large->len < 1024 * 1024 + 10; i++)
    g_string_append (large, "0123456789abcdef");
  g_string_append (large, "\"}");
  expect_status (mock, session, large->str, NULL, 400);
  expect_status (mock, session, "{\"data\":[{}]}", NULL, 200);

  expect_fail_entry (mock, session, "{\"searchBy\":{\"fieldName\":\"phone\",\"value\":\"1\"}}", 10,
                     "err_validation_invalid_search_field");
  expect_fail_entry (mock, session, "{\"searchBy\":{\"fieldName\":\"name\",\"value\":\"\"}}", 10,
                     "err_validation_blank_value");
  expect_fail_entry (mock, session, "{\"searchBy\":{\"fieldName\":\"name\",\"value\":3}}", 10,
                     "err_validation_blank_value");
  expect_fail_entry (mock, session,
                     "{\"filterBy\":{\"fieldName\":\"kind\",\"value\":\"video_count_1\"}}", 10,
                     "err_validation_invalid_filter_field");
  expect_fail_entry (mock, session,
                     "{\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_5\"}}", 10,
                     "err_validation_invalid_filter_value");
  expect_fail_entry (mock, session,
                     "{\"searchBy\":{\"fieldName\":\"customAttribute\",\"value\":\"x\"}}", 10,
                     "err_validation_missing_attribute_ids");
  expect_fail_entry (mock, session,
                     "{\"searchBy\":{\"fieldName\":\"customAttribute\",\"value\":\"x\"},"
                     "\"attributeIds\":[]}", 10, "err_validation_missing_attribute_ids");
  expect_fail_entry (mock, session, four_ids, 10, "err_validation_too_many_attribute_ids");
  expect_fail_entry (mock, session, "{\"includeUserDetails\":\"yes\"}", 10,
                     "err_validation_invalid_type");
  expect_fail_entry (mock, session, "{}", 0, "err_validation_invalid_page_size");
  expect_fail_entry (mock, session, "{}", 501, "err_validation_invalid_page_size");
  expect_fail_entry (mock, session, "{}", 500 + 1000, "err_validation_invalid_page_size");

  /* Only POST. */
  send_message (session, get, &response);
  g_assert_cmpuint (response.status, ==, 405);
  assert_rate_limit_headers (&response);
  response_clear (&response);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/mock-server/pagination", test_pagination);
  g_test_add_func ("/ap/mock-server/search", test_search);
  g_test_add_func ("/ap/mock-server/custom-attribute", test_custom_attribute);
  g_test_add_func ("/ap/mock-server/filter", test_filter);
  g_test_add_func ("/ap/mock-server/records", test_records);
  g_test_add_func ("/ap/mock-server/without-details", test_without_details);
  g_test_add_func ("/ap/mock-server/non-ascii", test_non_ascii);
  g_test_add_func ("/ap/mock-server/determinism", test_determinism);
  g_test_add_func ("/ap/mock-server/validation", test_validation);

  return g_test_run ();
}
