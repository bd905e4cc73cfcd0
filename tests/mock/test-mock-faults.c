/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-mock-server"

#include "config.h"

#include <string.h>

#include "ap-credentials.h"
#include "ap-error.h"
#include "ap-parser.h"
#include "mock-test-util.h"

/* Every fault the double injects, restarts, and (with -m perf) throughput. */

static void
test_fault_latency (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  gint64 start;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_LATENCY, 250, 0);
  start = g_get_monotonic_time ();
  expect_api1_ok (mock, session, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * 1000);
  {
    g_autofree char *token = NULL;

    start = g_get_monotonic_time ();
    token = get_token (mock, session);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * 1000);
  }

  ap_mock_server_clear_faults (mock);
  start = g_get_monotonic_time ();
  expect_api1_ok (mock, session, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 250 * 1000);
}

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  guint      statuses[4];
} Concurrent;

static void
concurrent_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Concurrent *concurrent = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  concurrent->statuses[--concurrent->pending] = soup_message_get_status (msg);
  if (concurrent->pending == 0)
    g_main_loop_quit (concurrent->loop);
}

static gboolean
fail_timeout_cb (gpointer data)
{
  g_error ("Timed out waiting for the double");
  return G_SOURCE_REMOVE;
}

static void
test_latency_concurrent (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *body = query_body (NULL, 10, NULL);
  g_autofree char *token = NULL;
  Concurrent concurrent = { loop, 4, { 0, } };
  guint timeout;
  gint64 start;

  {
    g_autoptr(SoupSession) sync_session = session_new ();

    token = get_token (mock, sync_session);
  }
  /* Four slow replies at once take about one delay, not four: the double
   * waits on a timer, never by blocking its thread. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_LATENCY, 400, 0);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *url = g_strconcat (ap_mock_server_get_base_url (mock), AP_MOCK_DATA_PATH,
                                          NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                   authorization);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                        concurrent_done_cb, &concurrent);
    }
  timeout = g_timeout_add_seconds (20, fail_timeout_cb, NULL);
  g_main_loop_run (loop);
  g_source_remove (timeout);

  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (concurrent.statuses[i], ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * 400 * 1000);
}

static void
test_fault_rate_limit (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);
  Response response;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_RATE_LIMIT, 2, 1234);
  for (guint i = 0; i < 2; i++)
    {
      post_api1 (mock, session, body, NULL, &response);
      g_assert_cmpuint (response.status, ==, 429);
      g_assert_cmpstr (header (&response, "X-RateLimit-Reset"), ==, "1234");
      g_assert_cmpstr (header (&response, "X-RateLimit-Remaining"), ==, "0");
      g_assert_nonnull (header (&response, "X-RateLimit-Limit"));
      response_clear (&response);
    }
  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpstr (header (&response, "X-RateLimit-Limit"), ==, "10000");
  g_assert_cmpstr (header (&response, "X-RateLimit-Remaining"), ==, "9997");
  response_clear (&response);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 3);

  /* A real limit, enforced. */
  ap_mock_server_set_rate_limit (mock, 3, 60000, TRUE);
  for (guint i = 0; i < 4; i++)
    {
      post_api1 (mock, session, body, NULL, &response);
      g_assert_cmpuint (response.status, ==, i < 3 ? 200 : 429);
      g_assert_cmpuint (atoi (header (&response, "X-RateLimit-Remaining")), ==, i < 3 ? 2 - i : 0);
      g_assert_cmpuint (atoi (header (&response, "X-RateLimit-Reset")), >, 50000);
      g_assert_cmpuint (atoi (header (&response, "X-RateLimit-Reset")), <=, 60000);
      response_clear (&response);
    }
}

static void
test_fault_status_codes (void)
{
  struct
  {
    ApMockFault fault;
    guint       status;
  } cases[] = {
    { AP_MOCK_FAULT_FORBIDDEN, 403 },
    { AP_MOCK_FAULT_KEYS_EXPIRED, 418 },
    { AP_MOCK_FAULT_UNAUTHORIZED, 401 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
      g_autoptr(SoupSession) session = session_new ();
      g_autofree char *body = query_body (NULL, 10, NULL);
      g_autofree char *token = get_token (mock, session);
      Response response;

      ap_mock_server_add_fault (mock, cases[i].fault, 0, 0);
      for (guint k = 0; k < 2; k++)
        {
          post_api1 (mock, session, body, NULL, &response);
          g_assert_cmpuint (response.status, ==, cases[i].status);
          assert_rate_limit_headers (&response);
          response_clear (&response);
          post_bearer (mock, session, token, body, &response);
          g_assert_cmpuint (response.status, ==, cases[i].status);
          response_clear (&response);
        }
      /* Injected, not earned: the credentials were right. */
      g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 0);
      g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 4);

      ap_mock_server_clear_faults (mock);
      expect_api1_ok (mock, session, NULL);
    }
}

static void
test_fault_server_error (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);

  expect_api1_ok (mock, session, NULL);
  /* Counted from when the fault was added. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_SERVER_ERROR, 3, 0);
  for (guint i = 1; i <= 7; i++)
    {
      Response response;

      post_api1 (mock, session, body, NULL, &response);
      g_assert_cmpuint (response.status, ==, i % 3 == 0 ? 500 : 200);
      response_clear (&response);
    }
}

static void
test_fault_fail_array (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body ("{\"includeUserDetails\":true}", 10, NULL);
  Response response;
  JsonObject *error;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_FAIL_ARRAY, 0, 0);
  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (response_data (&response)), ==, 0);
  g_assert_cmpuint (json_array_get_length (response_fail (&response)), ==, 1);
  error = json_array_get_object_element (json_object_get_array_member (
    json_array_get_object_element (response_fail (&response), 0), "errors"), 0);
  g_assert_nonnull (json_object_get_string_member (error, "code"));
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  g_assert_false (json_object_get_boolean_member (error, "retryable"));
  response_clear (&response);
}

static void
test_fault_truncated (void)
{
  g_autoptr(ApMockServer) mock = mock_start (30, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *next = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) first = NULL;
  Response response;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_TRUNCATED_BODY, 2, 0);
  first = fetch_raw (mock, session, "{\"includeUserDetails\":true}", 10, &next);
  g_assert_nonnull (next);

  body = query_body ("{\"includeUserDetails\":true}", 10, next);
  post_api1 (mock, session, body, NULL, &response);
  g_test_message ("truncated: %s", response.error != NULL ? response.error->message : "no error");
  /* Content-Length promised more than came: libsoup reports the cut. */
  g_assert_nonnull (response.error);
  g_assert_null (response.root);
  response_clear (&response);

  /* The connection is gone, the server is not: page 3 comes whole. */
  ap_mock_server_clear_faults (mock);
  post_api1 (mock, session, body, NULL, &response);
  g_assert_no_error (response.error);
  g_assert_nonnull (response.root);
  response_clear (&response);
}

static JsonArray *
parsed_data (JsonParser *parser)
{
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "data");
}

static void
test_fault_bad_pages (void)
{
  g_autoptr(ApMockServer) mock = mock_start (50, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  const char *item = "{\"includeUserDetails\":true}";
  g_autofree char *next = NULL;
  g_autoptr(GBytes) page1 = NULL;
  g_autoptr(GBytes) page2 = NULL;
  g_autoptr(GBytes) page3 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *users;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_MALFORMED_JSON, 1, 0);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_WRONG_TYPES, 2, 0);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_NEGATIVE_COUNT, 3, 0);

  page1 = fetch_raw (mock, session, item, 10, &next);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (page1, NULL),
                                              g_bytes_get_size (page1), NULL));
  g_assert_null (next);

  ap_mock_server_clear_faults (mock);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_WRONG_TYPES, 2, 0);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_NEGATIVE_COUNT, 3, 0);
  g_clear_pointer (&page1, g_bytes_unref);
  page1 = fetch_raw (mock, session, item, 10, &next);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (page1, NULL),
                                             g_bytes_get_size (page1), NULL));
  users = parsed_data (parser);
  g_assert_true (json_node_get_value_type (json_object_get_member (
    json_array_get_object_element (users, 0), "numCorrect")) == G_TYPE_INT64);

  page2 = fetch_raw (mock, session, item, 10, &next);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (page2, NULL),
                                             g_bytes_get_size (page2), NULL));
  users = parsed_data (parser);
  for (guint i = 0; i < json_array_get_length (users); i++)
    g_assert_true (json_node_get_value_type (json_object_get_member (
      json_array_get_object_element (users, i), "numCorrect")) == G_TYPE_STRING);

  page3 = fetch_raw (mock, session, item, 10, &next);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (page3, NULL),
                                             g_bytes_get_size (page3), NULL));
  users = parsed_data (parser);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (users, 0),
                                               "numIncorrect"), ==, -1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (users, 1),
                                               "numIncorrect"), >=, 0);
  g_assert_nonnull (next);
}

static void
test_fault_malformed_keeps_paging (void)
{
  g_autoptr(ApMockServer) mock = mock_start (30, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *next = NULL;
  g_autoptr(GBytes) page1 = NULL;
  g_autoptr(GBytes) page2 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  /* Page 2 is broken; page 1 parses and leads to it. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_MALFORMED_JSON, 2, 0);
  page1 = fetch_raw (mock, session, "{}", 10, &next);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (page1, NULL),
                                             g_bytes_get_size (page1), NULL));
  g_assert_nonnull (next);
  page2 = fetch_raw (mock, session, "{}", 10, &next);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (page2, NULL),
                                              g_bytes_get_size (page2), NULL));
}

static void
test_fault_deep_nesting (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);
  g_autoptr(GError) error = NULL;
  Response response;
  gsize size;
  const char *data;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_DEEP_NESTING, 100000, 0);
  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  /* send_message() guards json-glib, so no root; the raw body is there. */
  g_assert_null (response.root);
  data = g_bytes_get_data (response.body, &size);
  g_assert_cmpuint (size, >=, 200000);
  /* too deep for any reader of ours, and as deep as asked */
  g_assert_false (ap_json_check (data, size, AP_PARSER_MAX_DEPTH, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "nests more than 64 levels deep"));
  {
    gint64 depth = 0, deepest = 0;

    for (gsize i = 0; i < size; i++)
      {
        if (data[i] == '[' || data[i] == '{')
          deepest = MAX (deepest, ++depth);
        else if (data[i] == ']' || data[i] == '}')
          g_assert_cmpint (--depth, >=, 0);
      }
    g_assert_cmpint (deepest, >=, 100000);
  }
  response_clear (&response);
}

static void
test_fault_huge_body (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);
  Response response;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_HUGE_BODY, 3, 0);
  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (response.body), >, 3 * 1024 * 1024);
  /* Big, yet valid: only the size is wrong. */
  g_assert_nonnull (response.root);
  g_assert_cmpuint (json_array_get_length (response_data (&response)), ==, 10);
  response_clear (&response);
}

static void
test_fault_drop_connection (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);

  /* First a good request, so the drops hit a reused keep-alive connection
   * as they would in a real fetch, then two drops, then recovery. */
  expect_api1_ok (mock, session, NULL);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_DROP_CONNECTION, 2, 0);
  for (guint i = 0; i < 3; i++)
    {
      Response response;

      post_api1 (mock, session, body, NULL, &response);
      g_test_message ("try %u: %s", i, response.error != NULL ? response.error->message : "ok");
      if (i < 2)
        {
          g_assert_nonnull (response.error);
          g_assert_null (response.body);
        }
      else
        {
          g_assert_no_error (response.error);
          g_assert_cmpuint (response.status, ==, 200);
        }
      response_clear (&response);
    }
  /* libsoup re-sent nothing behind the test's back. */
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 4);
}

static void
test_fault_hang (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 1, NULL);
  g_autofree char *body = query_body (NULL, 10, NULL);
  Response response;
  gint64 start;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_HANG, 5, 0);
  start = g_get_monotonic_time ();
  post_api1 (mock, session, body, NULL, &response);
  g_assert_error (response.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  response_clear (&response);

  /* Stopping with a reply still waiting is prompt and clean. */
  start = g_get_monotonic_time ();
  ap_mock_server_stop (mock);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_several_faults (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);
  guint statuses[6];
  gint64 start = g_get_monotonic_time ();

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_LATENCY, 50, 0);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_RATE_LIMIT, 1, 10);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_SERVER_ERROR, 3, 0);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      Response response;

      post_api1 (mock, session, body, NULL, &response);
      statuses[i] = response.status;
      response_clear (&response);
    }
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 6 * 50 * 1000);
  g_assert_cmpuint (statuses[0], ==, 429);
  g_assert_cmpuint (statuses[1], ==, 200);
  g_assert_cmpuint (statuses[2], ==, 500);
  g_assert_cmpuint (statuses[3], ==, 200);
  g_assert_cmpuint (statuses[4], ==, 200);
  g_assert_cmpuint (statuses[5], ==, 500);
}

static void
test_fault_names (void)
{
  for (ApMockFault fault = AP_MOCK_FAULT_LATENCY; fault <= AP_MOCK_FAULT_EMPTY_USERS; fault++)
    {
      ApMockFault parsed = AP_MOCK_FAULT_NONE;

      g_assert_nonnull (ap_mock_fault_to_string (fault));
      g_assert_true (ap_mock_fault_from_string (ap_mock_fault_to_string (fault), &parsed));
      g_assert_cmpint (parsed, ==, fault);
    }
  {
    ApMockFault parsed;

    g_assert_false (ap_mock_fault_from_string ("meteor", &parsed));
  }
}

static void
test_restart (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(ApMockServer) clash = ap_mock_server_new ();
  g_autoptr(GError) error = NULL;
  guint port = ap_mock_server_get_port (mock);

  /* The port is taken: a clear error, and the object stays usable. */
  g_assert_false (ap_mock_server_start (clash, port, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (ap_mock_server_start (clash, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ap_mock_server_get_port (clash), !=, port);

  ap_mock_server_stop (mock);
  ap_mock_server_stop (mock);
  g_assert_true (ap_mock_server_start (mock, 0, &error));
  g_assert_no_error (error);
  {
    g_autoptr(SoupSession) session = session_new ();

    expect_api1_ok (mock, session, NULL);
  }
}

/* ---- speed (run with -m perf) ---- */

static void
test_perf_throughput (void)
{
  g_autoptr(ApMockServer) mock = mock_start (100000, 20, 10, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *token = get_token (mock, session);
  g_autofree char *next = NULL;
  guint64 bytes = 0;
  guint pages = 0;
  gint64 start = g_get_monotonic_time ();
  gdouble seconds;

  do
    {
      g_autofree char *body = query_body ("{\"includeUserDetails\":true}", 500, next);
      g_autofree char *url = g_strconcat (ap_mock_server_get_base_url (mock), AP_MOCK_DATA_PATH,
                                          NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
      g_autoptr(GBytes) reply = NULL;
      const char *data, *p;
      gsize size;

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                   authorization);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      reply = soup_session_send_and_read (session, msg, NULL, NULL);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      data = g_bytes_get_data (reply, &size);
      bytes += size;
      pages++;

      /* Only the token is needed: find it without a parse. */
      g_clear_pointer (&next, g_free);
      p = g_strstr_len (data, MIN (size, 256), "\"next\":\"");
      if (p != NULL)
        next = g_strndup (p + 8, strchr (p + 8, '"') - (p + 8));
    }
  while (next != NULL);

  seconds = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;
  g_assert_cmpuint (pages, ==, 200);
  g_test_minimized_result (seconds, "100,000 users x 10 records: %.1f MB in %u pages, %.2f s, "
                           "%.0f MB/s", bytes / 1e6, pages, seconds, bytes / 1e6 / seconds);
  g_printerr ("100,000 users x 10 records: %.1f MB in %u pages, %.2f s, %.0f MB/s\n",
              bytes / 1e6, pages, seconds, bytes / 1e6 / seconds);
}

/* ---- a hostile server (issue 15) ---- */

static void
test_fault_redirect (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  static const char * const paths[] = { AP_MOCK_DATA_PATH, AP_MOCK_TOKEN_PATH };

  ap_mock_server_set_redirect_target (mock, "http://elsewhere.invalid:8080");
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_REDIRECT, 307, 0);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_REDIRECT_TOKEN, 308, 0);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (ap_mock_server_get_base_url (mock), paths[i], NULL);
      g_autofree char *location = g_strconcat ("http://elsewhere.invalid:8080", paths[i], NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) empty_object = g_bytes_new_static ("{}", 2);
      Response response;

      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      /* The message takes its own reference. */
      soup_message_set_request_body_from_bytes (msg, "application/json", empty_object);
      send_message (session, msg, &response);
      g_assert_no_error (response.error);
      g_assert_cmpuint (response.status, ==, i == 0 ? 307 : 308);
      g_assert_cmpstr (header (&response, "Location"), ==, location);
      response_clear (&response);
    }
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
  g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), ==, 1);
}

static void
test_fault_endless_pages (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autoptr(GHashTable) tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *token = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_ENDLESS_PAGES, 0, 0);
  for (guint page = 0; page < 6; page++)
    {
      g_autofree char *body = query_body (NULL, 3, token);
      JsonArray *data;
      Response response;

      post_api1 (mock, session, body, NULL, &response);
      g_assert_cmpuint (response.status, ==, 200);
      g_assert_nonnull (response.root);
      g_assert_false (json_object_has_member (response_pagination (&response), "totalCount"));
      data = response_data (&response);
      g_assert_cmpuint (json_array_get_length (data), ==, 3);
      for (guint i = 0; i < 3; i++)
        g_assert_true (g_hash_table_add (emails, g_strdup (json_object_get_string_member (
          json_array_get_object_element (data, i), "email"))));
      g_assert_nonnull (response_next (&response));
      g_free (token);
      token = g_strdup (response_next (&response));
      g_assert_true (g_hash_table_add (tokens, g_strdup (token)));
      response_clear (&response);
    }

  /* The count it claims, when asked to claim one. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_ENDLESS_PAGES, 40, 0);
  {
    g_autofree char *body = query_body (NULL, 3, token);
    Response response;

    post_api1 (mock, session, body, NULL, &response);
    g_assert_cmpint (json_object_get_int_member (response_pagination (&response), "totalCount"),
                     ==, 40);
    g_assert_nonnull (response_next (&response));
    response_clear (&response);
  }
}

static void
test_fault_distinct_strings (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 5, NULL);
  g_autoptr(GHashTable) departments = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *data;
  Response response;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_DISTINCT_STRINGS, 2, 0);
  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  data = response_data (&response);
  g_assert_cmpuint (json_array_get_length (data), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      const char *department = json_object_get_string_member (
        json_array_get_object_element (data, i), "department");

      g_assert_cmpuint (strlen (department), ==, 2048);
      g_assert_true (g_hash_table_add (departments, (gpointer) department));
    }
  /* A single page without ENDLESS_PAGES. */
  g_assert_null (response_next (&response));
  response_clear (&response);
}

static void
test_fault_empty_users (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);
  const guint n = 700001;   /* two shared chunks and a part of one */
  JsonArray *data;
  Response response;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_EMPTY_USERS, n, 0);
  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_nonnull (response.root);
  data = response_data (&response);
  g_assert_cmpuint (json_array_get_length (data), ==, n);
  g_assert_cmpuint (json_object_get_size (json_array_get_object_element (data, n - 1)), ==, 0);
  response_clear (&response);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/mock-server/fault/latency", test_fault_latency);
  g_test_add_func ("/ap/mock-server/fault/latency-concurrent", test_latency_concurrent);
  g_test_add_func ("/ap/mock-server/fault/rate-limit", test_fault_rate_limit);
  g_test_add_func ("/ap/mock-server/fault/status-codes", test_fault_status_codes);
  g_test_add_func ("/ap/mock-server/fault/server-error", test_fault_server_error);
  g_test_add_func ("/ap/mock-server/fault/fail-array", test_fault_fail_array);
  g_test_add_func ("/ap/mock-server/fault/truncated", test_fault_truncated);
  g_test_add_func ("/ap/mock-server/fault/bad-pages", test_fault_bad_pages);
  g_test_add_func ("/ap/mock-server/fault/malformed-page-2", test_fault_malformed_keeps_paging);
  g_test_add_func ("/ap/mock-server/fault/deep-nesting", test_fault_deep_nesting);
  g_test_add_func ("/ap/mock-server/fault/huge-body", test_fault_huge_body);
  g_test_add_func ("/ap/mock-server/fault/drop-connection", test_fault_drop_connection);
  g_test_add_func ("/ap/mock-server/fault/hang", test_fault_hang);
  g_test_add_func ("/ap/mock-server/fault/several", test_several_faults);
  g_test_add_func ("/ap/mock-server/fault/names", test_fault_names);
  g_test_add_func ("/ap/mock-server/fault/redirect", test_fault_redirect);
  g_test_add_func ("/ap/mock-server/fault/endless-pages", test_fault_endless_pages);
  g_test_add_func ("/ap/mock-server/fault/distinct-strings", test_fault_distinct_strings);
  g_test_add_func ("/ap/mock-server/fault/empty-users", test_fault_empty_users);
  g_test_add_func ("/ap/mock-server/restart", test_restart);
  if (g_test_perf ())
    g_test_add_func ("/ap/mock-server/perf/throughput", test_perf_throughput);

  return g_test_run ();
}
