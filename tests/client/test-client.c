/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client"

#include "config.h"

#include <string.h>

#include "client-test-util.h"

/* ApClient against the double: every page, filters, test connection, input refused before any
 * request, cancellation, the backlog bound, properties. */

/* ---- tests: the happy path ---- */

static void
check_all_pages (ApAuthMode mode,
                 gboolean   details)
{
  g_autoptr(Mock) mock = mock_new (250);
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  g_autoptr(ApQuery) single = query_new (500);
  g_autoptr(ApQuery) paged = query_new (17);
  guint expected;
  Fetch reference, f;

  ap_query_set_include_user_details (single, details);
  ap_query_set_include_user_details (paged, details);
  expected = count_matching (mock, paged);
  g_assert_cmpuint (expected, ==, 250);

  /* One page holding everyone gives the order the pages must reproduce. */
  fetch_init (&reference, client);
  fetch_run (&reference, single);
  g_assert_no_error (reference.error);
  g_assert_cmpuint (reference.emails->len, ==, expected);
  g_assert_cmpuint (reference.n_batches, ==, 1);

  fetch_init (&f, client);
  fetch_run (&f, paged);
  g_assert_no_error (f.error);
  g_assert_true (f.ok);
  g_assert_cmpuint (f.n_batches, ==, (expected + 16) / 17);
  g_assert_cmpuint (f.emails->len, ==, expected);
  for (guint i = 0; i < expected; i++)
    g_assert_cmpstr (g_ptr_array_index (f.emails, i), ==,
                     g_ptr_array_index (reference.emails, i));

  g_assert_true (f.progress_consistent);
  g_assert_cmpuint (f.n_progress, ==, f.n_batches);
  g_assert_cmpuint (f.last_pages, ==, f.n_batches);
  g_assert_cmpuint (f.last_users, ==, expected);
  g_assert_cmpint (f.last_total, ==, expected);
  g_assert_cmpuint (f.retry_codes->len, ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1 + f.n_batches);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 0);

  if (mode == AP_AUTH_MODE_API2)
    {
      /* One token serves every page of both fetches. */
      g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), ==, 1);
    }

  fetch_clear (&reference);
  fetch_clear (&f);
}

static void
test_api1_all_pages (void)
{
  check_all_pages (AP_AUTH_MODE_API1, FALSE);
}

static void
test_api2_all_pages (void)
{
  check_all_pages (AP_AUTH_MODE_API2, FALSE);
}

static void
test_api1_all_pages_details (void)
{
  check_all_pages (AP_AUTH_MODE_API1, TRUE);
}

static void
test_api2_all_pages_details (void)
{
  check_all_pages (AP_AUTH_MODE_API2, TRUE);
}

static void
test_filtered (void)
{
  g_autoptr(Mock) mock = mock_new (300);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API2);
  g_autoptr(ApQuery) query = query_new (25);
  g_autofree char *last_body = NULL;
  guint expected;
  Fetch f;

  ap_query_set_video_count (query, AP_VIDEO_COUNT_0);
  expected = count_matching (mock, query);
  g_assert_cmpuint (expected, <, 300);
  g_assert_cmpuint (expected, >, 25);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, expected);
  g_assert_cmpuint (f.last_users, ==, expected);

  /* The filter went out on every page, not only the first. */
  last_body = ap_mock_server_dup_last_request_body (mock);
  g_assert_nonnull (strstr (last_body, "video_count_0"));
  g_assert_nonnull (strstr (last_body, "pageToken"));

  fetch_clear (&f);
}

static void
test_empty_result (void)
{
  g_autoptr(Mock) mock = mock_new (0);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (50);
  Fetch f;

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 0);
  g_assert_cmpuint (f.n_progress, ==, f.n_batches);
  fetch_clear (&f);
}

static void
test_connection_ok (void)
{
  g_autoptr(Mock) mock = mock_new (40);

  for (guint i = 0; i < 2; i++)
    {
      ApAuthMode mode = i == 0 ? AP_AUTH_MODE_API1 : AP_AUTH_MODE_API2;
      g_autoptr(ApClient) client = client_for_mock (mock, mode);
      g_autofree char *body = NULL;
      guint before = ap_mock_server_get_n_requests (mock);
      Fetch f;

      fetch_init (&f, client);
      ap_client_test_connection_async (client, NULL, test_connection_done_cb, &f);
      run_until (&f.n_completions);
      g_assert_no_error (f.error);
      g_assert_true (f.ok);

      /* One small request, whatever the size of the organisation. */
      g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, before + 1);
      body = ap_mock_server_dup_last_request_body (mock);
      g_assert_nonnull (strstr (body, "\"pageSize\":1"));
      g_assert_null (strstr (body, "\"includeUserDetails\":true"));
      fetch_clear (&f);
    }
}

static void
test_connection_forbidden (void)
{
  g_autoptr(Mock) mock = mock_new (40);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API2);
  Fetch f;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_FORBIDDEN, 0, 0);
  fetch_init (&f, client);
  ap_client_test_connection_async (client, NULL, test_connection_done_cb, &f);
  run_until (&f.n_completions);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_FORBIDDEN);
  fetch_clear (&f);
}

/* ---- tests: refused before any request ---- */

static void
test_insecure_url_refused (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApCredentials) good = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (20);
  const char *urls[] = { "http://eu-api.mimecast.com", "ftp://127.0.0.1", "not a url" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(ApCredentials) credentials = NULL;
      g_autoptr(ApClient) client = NULL;
      Fetch f;

      credentials = ap_credentials_new_api1 (urls[i],
                                             ap_credentials_get_access_key (good),
                                             ap_credentials_get_secret_key (good),
                                             ap_credentials_get_app_id (good),
                                             ap_credentials_get_app_key (good));
      client = ap_client_new (credentials);
      fetch_init (&f, client);
      fetch_run (&f, query);
      g_assert_error (f.error, AP_ERROR, AP_ERROR_INSECURE_URL);
      fetch_clear (&f);

      fetch_init (&f, client);
      ap_client_test_connection_async (client, NULL, test_connection_done_cb, &f);
      run_until (&f.n_completions);
      g_assert_error (f.error, AP_ERROR, AP_ERROR_INSECURE_URL);
      fetch_clear (&f);
    }

  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), ==, 0);
}

static void
test_invalid_input_refused (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApCredentials) good = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApCredentials) bad_key = NULL;
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API2);
  g_autoptr(ApClient) bad_client = NULL;
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  /* Searching by email with nothing to search for. */
  ap_query_set_search (query, AP_SEARCH_FIELD_EMAIL, NULL);
  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_INVALID_QUERY);
  fetch_clear (&f);

  bad_key = ap_credentials_new_api1 (ap_credentials_get_base_url (good),
                                     ap_credentials_get_access_key (good),
                                     "this is not base64!",
                                     ap_credentials_get_app_id (good),
                                     ap_credentials_get_app_key (good));
  bad_client = ap_client_new (bad_key);
  g_clear_object (&query);
  query = query_new (20);
  fetch_init (&f, bad_client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
  fetch_clear (&f);

  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), ==, 0);
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ApCredentials) credentials = NULL;
  g_autoptr(ApClient) client = NULL;
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *url = NULL;
  guint16 port;
  Fetch f;

  /* A port that was free a moment ago: nobody listens there now. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  credentials = ap_credentials_new_api1 (url, "mYtOL3XZCOwG96BOiFTZRm", "c2VjcmV0LWtleQ==",
                                         "app-id", "app-key");
  client = ap_client_new (credentials);
  ap_client_set_retry_policy (client, 1, 5, 40);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (f.error->message, "127.0.0.1"));
  /* A refused port gives the same answer a second later: no retry, no
   * "tried N times", no "connection lost" for a connection never made. */
  g_assert_cmpuint (f.retry_codes->len, ==, 0);
  g_assert_null (strstr (f.error->message, "tried"));
  fetch_clear (&f);
}

/* ---- tests: cancellation ---- */

static void
test_cancel_mid_fetch (void)
{
  g_autoptr(Mock) mock = mock_new (200);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API2);
  g_autoptr(ApQuery) query = query_new (10);
  Fetch f;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_LATENCY, 30, 0);

  fetch_init (&f, client);
  f.cancel_after_batches = 2;
  fetch_run (&f, query);
  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (ap_error_is_cancelled (f.error));
  g_assert_cmpuint (f.n_batches, ==, 2);
  g_assert_cmpuint (f.emails->len, ==, 20);
  fetch_clear (&f);

  /* Workers still parsing when the fetch ended drop their pages quietly;
   * the client stays usable. */
  spin_for_ms (200);
  ap_mock_server_clear_faults (mock);
  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 200);
  fetch_clear (&f);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_during_request (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_HANG, 5, 0);

  fetch_init (&f, client);
  g_timeout_add (200, cancel_cb, f.cancellable);
  fetch_run (&f, query);
  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (f.completed_us - f.started_us, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (f.n_batches, ==, 0);
  fetch_clear (&f);
}

static void
test_cancel_during_retry_wait (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  /* The server asks for a 20 s wait; cancelling must not sit it out. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_RATE_LIMIT, 5, 20000);

  fetch_init (&f, client);
  f.cancel_on_retry = TRUE;
  fetch_run (&f, query);
  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f.retry_codes->len, ==, 1);
  g_assert_cmpuint (g_array_index (f.retry_delays, guint, 0), >=, 20000);
  g_assert_cmpint (f.completed_us - f.started_us, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
  fetch_clear (&f);
}

static void
test_cancel_before_start (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API2);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  fetch_init (&f, client);
  g_cancellable_cancel (f.cancellable);
  fetch_run (&f, query);
  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 0);
  fetch_clear (&f);
}

typedef struct
{
  Scripted *scripted;
  guint     n_batches;
  guint     max_ahead;
} Backlog;

static void
backlog_batch_cb (ApClient  *client,
                  GPtrArray *users,
                  gpointer   user_data)
{
  Backlog *b = user_data;

  b->n_batches++;
  b->max_ahead = MAX (b->max_ahead, b->scripted->n_data_requests - b->n_batches);

  /* A slow consumer: the client must wait for it instead of running ahead. */
  g_usleep (5000);
}

static void
backlog_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint *n_completions = user_data;

  g_assert_true (ap_client_fetch_finish (AP_CLIENT (source), result, &error));
  g_assert_no_error (error);
  (*n_completions)++;
}

static void
test_backlog_bounded (void)
{
  g_autoptr(Scripted) s = scripted_new ();
  g_autoptr(ApClient) client = client_for_scripted (s, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (1);
  Backlog b = { s, 0, 0 };
  guint n_completions = 0;

  s->n_pages = 40;
  ap_client_fetch_async (client, query, backlog_batch_cb, &b, NULL, NULL,
                         backlog_done_cb, &n_completions);
  run_until (&n_completions);

  g_assert_cmpuint (b.n_batches, ==, 40);
  g_assert_cmpuint (s->n_data_requests, ==, 40);
  /* Pages fetched but not yet delivered stay few, however many pages come:
   * memory is flat. */
  g_test_message ("at most %u pages ahead of delivery", b.max_ahead);
  g_assert_cmpuint (b.max_ahead, <=, 3);
}

/* ---- properties ---- */

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_properties (void)
{
  g_autoptr(ApCredentials) credentials =
    ap_credentials_new_api2 ("https://api.services.mimecast.com", "id", "secret");
  g_autoptr(ApClient) client = ap_client_new (credentials);
  guint timeout, retries, delay, max_delay, n_notify = 0;

  g_assert_true (ap_client_get_credentials (client) == credentials);
  g_object_get (client, "timeout", &timeout, "max-retries", &retries,
                "retry-delay-ms", &delay, "max-retry-delay-ms", &max_delay, NULL);
  g_assert_cmpuint (timeout, ==, 60);
  g_assert_cmpuint (retries, ==, 4);
  g_assert_cmpuint (delay, ==, 1000);
  g_assert_cmpuint (max_delay, ==, 30000);

  g_signal_connect (client, "notify", G_CALLBACK (notify_cb), &n_notify);
  ap_client_set_timeout (client, 60);
  g_assert_cmpuint (n_notify, ==, 0);
  ap_client_set_timeout (client, 5);
  g_assert_cmpuint (n_notify, ==, 1);
  ap_client_set_retry_policy (client, 4, 1000, 30000);
  g_assert_cmpuint (n_notify, ==, 1);
  ap_client_set_retry_policy (client, 2, 10, 30000);
  g_assert_cmpuint (n_notify, ==, 3);
  g_object_get (client, "timeout", &timeout, "max-retries", &retries, NULL);
  g_assert_cmpuint (timeout, ==, 5);
  g_assert_cmpuint (retries, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/client/properties", test_properties);
  g_test_add_func ("/ap/client/api1/all-pages", test_api1_all_pages);
  g_test_add_func ("/ap/client/api2/all-pages", test_api2_all_pages);
  g_test_add_func ("/ap/client/api1/all-pages-details", test_api1_all_pages_details);
  g_test_add_func ("/ap/client/api2/all-pages-details", test_api2_all_pages_details);
  g_test_add_func ("/ap/client/filtered", test_filtered);
  g_test_add_func ("/ap/client/empty-result", test_empty_result);
  g_test_add_func ("/ap/client/test-connection/ok", test_connection_ok);
  g_test_add_func ("/ap/client/test-connection/forbidden", test_connection_forbidden);
  g_test_add_func ("/ap/client/fault/connection-refused", test_connection_refused);
  g_test_add_func ("/ap/client/backlog-bounded", test_backlog_bounded);
  g_test_add_func ("/ap/client/refused/insecure-url", test_insecure_url_refused);
  g_test_add_func ("/ap/client/refused/invalid-input", test_invalid_input_refused);
  g_test_add_func ("/ap/client/cancel/mid-fetch", test_cancel_mid_fetch);
  g_test_add_func ("/ap/client/cancel/during-request", test_cancel_during_request);
  g_test_add_func ("/ap/client/cancel/during-retry-wait", test_cancel_during_retry_wait);
  g_test_add_func ("/ap/client/cancel/before-start", test_cancel_before_start);

  return g_test_run ();
}
