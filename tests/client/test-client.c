/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "ap-client.h"
#include "ap-credentials.h"
#include "ap-error.h"
#include "ap-intern-private.h"
#include "ap-mock-server.h"
#include "ap-query.h"
#include "ap-user.h"

/* Every wait in this file ends after this long, failing the test. */
#define TEST_TIMEOUT_S 30

/* ---- a fetch and what it reported ---- */

typedef struct
{
  ApClient     *client;
  GCancellable *cancellable;

  guint         n_completions;
  gboolean      ok;
  GError       *error;
  gint64        started_us;
  gint64        completed_us;

  GPtrArray    *emails;           /* every user delivered, in order */
  guint         n_batches;
  gboolean      batch_after_completion;
  gboolean      progress_after_completion;

  guint         n_progress;
  guint         last_pages;
  guint         last_users;
  gint64        last_total;
  gboolean      progress_consistent;

  GArray       *retry_codes;
  GArray       *retry_delays;

  guint         cancel_after_batches;   /* 0: never */
  gboolean      cancel_on_retry;
  gboolean      destroyed;              /* batch data destroy notify ran */
} Fetch;

static void
fetch_init (Fetch    *f,
            ApClient *client)
{
  memset (f, 0, sizeof *f);
  f->client = g_object_ref (client);
  f->cancellable = g_cancellable_new ();
  f->emails = g_ptr_array_new_with_free_func (g_free);
  f->retry_codes = g_array_new (FALSE, FALSE, sizeof (guint));
  f->retry_delays = g_array_new (FALSE, FALSE, sizeof (guint));
  f->progress_consistent = TRUE;
  f->last_total = -2;
}

static void
fetch_clear (Fetch *f)
{
  g_signal_handlers_disconnect_by_data (f->client, f);
  g_clear_object (&f->client);
  g_clear_object (&f->cancellable);
  g_clear_error (&f->error);
  g_clear_pointer (&f->emails, g_ptr_array_unref);
  g_clear_pointer (&f->retry_codes, g_array_unref);
  g_clear_pointer (&f->retry_delays, g_array_unref);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *done, failing after TEST_TIMEOUT_S. */
static void
run_until (const guint *counter)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TEST_TIMEOUT_S, set_flag_cb, &timed_out);

  while (*counter == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %d s", TEST_TIMEOUT_S);
  g_source_remove (id);
}

/* Lets anything still queued run, to catch callbacks after completion. */
static void
spin_for_ms (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, set_flag_cb, &elapsed);
  while (!elapsed)
    g_main_context_iteration (NULL, TRUE);
}

static void
batch_cb (ApClient  *client,
          GPtrArray *users,
          gpointer   user_data)
{
  Fetch *f = user_data;

  g_assert_true (AP_IS_CLIENT (client));
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));

  if (f->n_completions > 0)
    f->batch_after_completion = TRUE;

  f->n_batches++;
  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (f->emails, g_strdup (ap_user_get_email (g_ptr_array_index (users, i))));

  if (f->cancel_after_batches > 0 && f->n_batches == f->cancel_after_batches)
    g_cancellable_cancel (f->cancellable);
}

static void
batch_destroy_cb (gpointer user_data)
{
  Fetch *f = user_data;

  g_assert_false (f->destroyed);
  f->destroyed = TRUE;
}

static void
progress_cb (ApClient *client,
             guint     pages,
             guint     users,
             gint64    total,
             gpointer  user_data)
{
  Fetch *f = user_data;

  if (f->n_completions > 0)
    f->progress_after_completion = TRUE;

  /* One progress per delivered page, counting what was delivered so far. */
  if (pages != f->last_pages + 1 || users != f->emails->len || pages != f->n_batches)
    f->progress_consistent = FALSE;

  f->n_progress++;
  f->last_pages = pages;
  f->last_users = users;
  f->last_total = total;
}

static void
retrying_cb (ApClient *client,
             guint     code,
             guint     delay_ms,
             gpointer  user_data)
{
  Fetch *f = user_data;

  g_array_append_val (f->retry_codes, code);
  g_array_append_val (f->retry_delays, delay_ms);

  if (f->cancel_on_retry)
    g_cancellable_cancel (f->cancellable);
}

static void
fetch_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fetch *f = user_data;

  f->n_completions++;
  f->completed_us = g_get_monotonic_time ();
  g_clear_error (&f->error);
  f->ok = ap_client_fetch_finish (AP_CLIENT (source), result, &f->error);
  g_assert_true (f->ok == (f->error == NULL));
}

static void
test_connection_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Fetch *f = user_data;

  f->n_completions++;
  g_clear_error (&f->error);
  f->ok = ap_client_test_connection_finish (AP_CLIENT (source), result, &f->error);
  g_assert_true (f->ok == (f->error == NULL));
}

static void
fetch_run (Fetch   *f,
           ApQuery *query)
{
  g_signal_connect (f->client, "progress", G_CALLBACK (progress_cb), f);
  g_signal_connect (f->client, "retrying", G_CALLBACK (retrying_cb), f);

  f->started_us = g_get_monotonic_time ();
  ap_client_fetch_async (f->client, query, batch_cb, f, batch_destroy_cb,
                         f->cancellable, fetch_done_cb, f);
  run_until (&f->n_completions);

  /* Nothing may arrive after completion, and completion happens once. */
  spin_for_ms (50);
  g_assert_cmpuint (f->n_completions, ==, 1);
  g_assert_false (f->batch_after_completion);
  g_assert_false (f->progress_after_completion);
  g_assert_true (f->destroyed);
}

/* ---- the double ---- */

static ApMockServer *
mock_new (guint n_users)
{
  ApMockServer *mock = ap_mock_server_new ();
  g_autoptr(GError) error = NULL;

  ap_mock_server_set_dataset (mock, n_users, 8, 3, 42);
  if (!ap_mock_server_start (mock, 0, &error))
    g_error ("Could not start the mock server: %s", error->message);

  return mock;
}

static void
mock_free (ApMockServer *mock)
{
  ap_mock_server_stop (mock);
  g_object_unref (mock);
}

/* Stopping joins the double's thread before the last unref. */
typedef ApMockServer Mock;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Mock, mock_free)

static ApClient *
client_for_mock (ApMockServer *mock,
                 ApAuthMode    mode)
{
  g_autoptr(ApCredentials) credentials = ap_mock_server_dup_credentials (mock, mode);
  ApClient *client = ap_client_new (credentials);

  ap_client_set_timeout (client, 10);
  /* Short waits keep the suite fast; the rules are the same. */
  ap_client_set_retry_policy (client, 3, 5, 40);

  return client;
}

static ApQuery *
query_new (guint page_size)
{
  ApQuery *query = ap_query_new ();

  ap_query_set_page_size (query, page_size);
  return query;
}

static guint
count_matching (ApMockServer *mock,
                ApQuery      *query)
{
  g_autofree char *body = ap_query_to_request_body (query, NULL, NULL);

  return ap_mock_server_count_matching (mock, body);
}

/* Runs a fetch that must fail with @domain/@code; returns the message. */
static char *
expect_failure (ApMockServer *mock,
                ApAuthMode    mode,
                ApQuery      *query,
                GQuark        domain,
                int           code)
{
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  Fetch f;
  char *message;

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, domain, code);
  g_assert_false (f.ok);
  g_assert_cmpstr (f.error->message, !=, "");
  message = g_strdup (f.error->message);
  fetch_clear (&f);

  return message;
}

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

/* ---- tests: faults of the double ---- */

static void
test_fail_array (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (20);

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_FAIL_ARRAY, 0, 0);

  for (guint i = 0; i < 2; i++)
    {
      ApAuthMode mode = i == 0 ? AP_AUTH_MODE_API1 : AP_AUTH_MODE_API2;
      guint before = ap_mock_server_get_n_requests (mock);
      g_autofree char *message = expect_failure (mock, mode, query,
                                                 AP_ERROR, AP_ERROR_API_FAILURE);

      g_test_message ("fail array: %s", message);
      /* Mimecast's own code is carried so support can look it up. */
      g_assert_nonnull (strstr (message, "err_"));
      g_assert_true (g_str_has_prefix (message, "Page 1: "));
      /* Not retried: the same request would fail the same way. */
      g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, before + 1);
    }
}

static void
test_api1_unauthorized (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *message = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_UNAUTHORIZED, 0, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API1, query, AP_ERROR, AP_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (message, "401"));
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
}

static void
test_api1_wrong_key (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApCredentials) good = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API1);
  /* A valid base64 key the server does not hold: the signature is wrong. */
  g_autoptr(ApCredentials) bad = ap_credentials_new_api1 (ap_credentials_get_base_url (good),
                                                          ap_credentials_get_access_key (good),
                                                          "d3Jvbmcta2V5",
                                                          ap_credentials_get_app_id (good),
                                                          ap_credentials_get_app_key (good));
  g_autoptr(ApClient) client = ap_client_new (bad);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  ap_client_set_retry_policy (client, 3, 5, 40);
  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (f.retry_codes->len, ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), >=, 1);
  fetch_clear (&f);
}

static void
test_api2_unauthorized_reauthenticates_once (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *message = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_UNAUTHORIZED, 0, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API2, query, AP_ERROR, AP_ERROR_UNAUTHORIZED);
  /* The first 401 buys one new token and one more try, then it is final. */
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 2);
  g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), ==, 2);
}

static void
test_api2_short_token_lifetime (void)
{
  g_autoptr(Mock) mock = mock_new (120);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API2);
  g_autoptr(ApQuery) query = query_new (10);
  Fetch f;

  /* Tokens expire while the fetch goes on: pages keep coming regardless. */
  ap_mock_server_set_token_lifetime (mock, 1);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_LATENCY, 150, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 120);
  g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), >=, 2);
  fetch_clear (&f);
}

static void
test_forbidden (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (20);

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_FORBIDDEN, 0, 0);

  for (guint i = 0; i < 2; i++)
    {
      ApAuthMode mode = i == 0 ? AP_AUTH_MODE_API1 : AP_AUTH_MODE_API2;
      guint before = ap_mock_server_get_n_requests (mock);
      g_autofree char *message = expect_failure (mock, mode, query,
                                                 AP_ERROR, AP_ERROR_FORBIDDEN);

      g_assert_nonnull (strstr (message, "Awareness Training | Dashboard | Read"));
      g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, before + 1);
    }
}

static void
test_keys_expired (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_KEYS_EXPIRED, 0, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API1, query, AP_ERROR, AP_ERROR_KEYS_EXPIRED);
  g_assert_nonnull (strstr (message, "expired"));
  g_assert_nonnull (strstr (message, "Administration Console"));
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);

  error = g_error_new_literal (AP_ERROR, AP_ERROR_KEYS_EXPIRED, message);
  g_assert_true (ap_error_is_credentials (error));
}

static void
check_rate_limited_recovers (ApAuthMode mode)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  /* Two 429s, each saying a request comes back in 120 ms. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_RATE_LIMIT, 2, 120);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 60);
  g_assert_cmpuint (f.retry_codes->len, ==, 2);
  for (guint i = 0; i < f.retry_codes->len; i++)
    {
      g_assert_cmpuint (g_array_index (f.retry_codes, guint, i), ==, AP_ERROR_RATE_LIMITED);
      g_assert_cmpuint (g_array_index (f.retry_delays, guint, i), >=, 120);
    }
  /* The waits really happened. */
  g_assert_cmpint (f.completed_us - f.started_us, >=, 2 * 120 * 1000);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 0);
  fetch_clear (&f);
}

static void
test_api1_rate_limited_recovers (void)
{
  check_rate_limited_recovers (AP_AUTH_MODE_API1);
}

static void
test_api2_rate_limited_recovers (void)
{
  check_rate_limited_recovers (AP_AUTH_MODE_API2);
}

static void
test_rate_limited_exhausted (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  ap_client_set_retry_policy (client, 2, 5, 40);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_RATE_LIMIT, 100, 60);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (f.error->message, "429"));
  g_assert_cmpuint (f.retry_codes->len, ==, 2);
  for (guint i = 0; i < f.retry_delays->len; i++)
    g_assert_cmpuint (g_array_index (f.retry_delays, guint, i), >=, 60);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 3);
  g_assert_cmpuint (f.emails->len, ==, 0);
  fetch_clear (&f);
}

static void
check_server_error_recovers (ApAuthMode mode)
{
  g_autoptr(Mock) mock = mock_new (100);
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  g_autoptr(ApQuery) query = query_new (10);
  Fetch f;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_SERVER_ERROR, 3, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 100);
  g_assert_cmpuint (f.n_batches, ==, 10);
  g_assert_cmpuint (f.retry_codes->len, >=, 3);
  for (guint i = 0; i < f.retry_codes->len; i++)
    g_assert_cmpuint (g_array_index (f.retry_codes, guint, i), ==, AP_ERROR_SERVER);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 10 + f.retry_codes->len);
  /* API 1.0: the double refuses a reused request ID, so every retry
   * succeeding proves each try was signed afresh. */
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 0);
  fetch_clear (&f);
}

static void
test_api1_server_error_recovers (void)
{
  check_server_error_recovers (AP_AUTH_MODE_API1);
}

static void
test_api2_server_error_recovers (void)
{
  check_server_error_recovers (AP_AUTH_MODE_API2);
}

static void
test_server_error_exhausted (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API2);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_SERVER_ERROR, 1, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_SERVER);
  g_assert_nonnull (strstr (f.error->message, "500"));
  g_assert_cmpuint (f.retry_codes->len, ==, 3);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 4);

  /* Backoff doubles from 5 ms and never passes the cap (plus its jitter). */
  for (guint i = 0; i < f.retry_delays->len; i++)
    {
      guint delay = g_array_index (f.retry_delays, guint, i);
      guint base = MIN (5u << i, 40u);

      g_assert_cmpuint (delay, >=, base);
      g_assert_cmpuint (delay, <=, 40 + 40 / 4);
    }
  fetch_clear (&f);
}

static void
test_fresh_request_id_on_retry (void)
{
  g_autoptr(Mock) mock = mock_new (30);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (10);
  Fetch f;

  /* Every second request fails, so pages 2 and 3 each need a second try,
   * with one retry allowed. The double refuses a reused x-mc-req-id or a
   * stale signature with 401, which is never retried: success proves that
   * each try was signed afresh. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_SERVER_ERROR, 2, 0);
  ap_client_set_retry_policy (client, 1, 5, 40);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 30);
  g_assert_cmpuint (f.retry_codes->len, ==, 2);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 5);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 0);
  fetch_clear (&f);
}

static void
check_dropped_connection_recovers (ApAuthMode mode)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_DROP_CONNECTION, 2, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 60);
  g_assert_cmpuint (f.retry_codes->len, >=, 1);
  for (guint i = 0; i < f.retry_codes->len; i++)
    g_assert_cmpuint (g_array_index (f.retry_codes, guint, i), ==, AP_ERROR_NETWORK);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 0);
  fetch_clear (&f);
}

static void
test_api1_dropped_connection_recovers (void)
{
  check_dropped_connection_recovers (AP_AUTH_MODE_API1);
}

static void
test_api2_dropped_connection_recovers (void)
{
  check_dropped_connection_recovers (AP_AUTH_MODE_API2);
}

static void
test_dropped_connection_exhausted (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  ap_client_set_retry_policy (client, 2, 5, 40);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_DROP_CONNECTION, 1000, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_NETWORK);
  g_assert_cmpuint (f.retry_codes->len, ==, 2);
  g_assert_cmpuint (f.emails->len, ==, 0);
  fetch_clear (&f);
}

static void
test_timeout (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (20);
  Fetch f;

  ap_client_set_timeout (client, 1);
  ap_client_set_retry_policy (client, 1, 5, 40);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_HANG, 4, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_TIMEOUT);
  g_assert_cmpuint (f.retry_codes->len, ==, 1);
  g_assert_cmpuint (g_array_index (f.retry_codes, guint, 0), ==, AP_ERROR_TIMEOUT);
  /* Two tries of about a second each, not the four the server hangs. */
  g_assert_cmpint (f.completed_us - f.started_us, <, 4 * G_USEC_PER_SEC);
  fetch_clear (&f);
}

static void
check_bad_page (ApMockFault fault,
                guint       page,
                ApAuthMode  mode,
                int         code,
                const char *must_contain)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *prefix = g_strdup_printf ("Page %u: ", page);
  Fetch f;

  ap_mock_server_add_fault (mock, fault, page, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_test_message ("%s", f.error != NULL ? f.error->message : "(no error)");
  g_assert_error (f.error, AP_ERROR, code);
  g_assert_true (g_str_has_prefix (f.error->message, prefix));
  if (must_contain != NULL)
    g_assert_nonnull (strstr (f.error->message, must_contain));
  /* Not retried: a broken page stays broken. */
  g_assert_cmpuint (f.retry_codes->len, ==, 0);
  /* Only pages before the bad one can have arrived. */
  g_assert_cmpuint (f.emails->len, <=, (page - 1) * 20);
  fetch_clear (&f);
}

static void
test_truncated_body (void)
{
  check_bad_page (AP_MOCK_FAULT_TRUNCATED_BODY, 2, AP_AUTH_MODE_API1,
                  AP_ERROR_INVALID_RESPONSE, "cut short");
}

static void
test_malformed_json (void)
{
  check_bad_page (AP_MOCK_FAULT_MALFORMED_JSON, 1, AP_AUTH_MODE_API2,
                  AP_ERROR_INVALID_RESPONSE, NULL);
}

static void
test_wrong_types (void)
{
  check_bad_page (AP_MOCK_FAULT_WRONG_TYPES, 2, AP_AUTH_MODE_API1,
                  AP_ERROR_INVALID_RESPONSE, "numCorrect");
}

static void
test_negative_count (void)
{
  check_bad_page (AP_MOCK_FAULT_NEGATIVE_COUNT, 3, AP_AUTH_MODE_API2,
                  AP_ERROR_INVALID_RESPONSE, "data[");
}

static void
test_deep_nesting (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *message = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_DEEP_NESTING, 100000, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API1, query, AP_ERROR,
                            AP_ERROR_INVALID_RESPONSE);
  g_assert_true (g_str_has_prefix (message, "Page 1: "));
}

static void
test_huge_body (void)
{
  g_autoptr(Mock) mock = mock_new (20);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *message = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_HUGE_BODY, 80, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API2, query, AP_ERROR,
                            AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
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

/* ---- a scripted server for what the double does not do ---- */

typedef struct
{
  SoupServer *server;
  char       *base_url;
  guint       n_data_requests;
  guint       n_token_requests;
  guint       status;           /* for every data request; 200 = a page */
  gboolean    loop_tokens;      /* every page says next = "again" */
  guint       n_pages;          /* > 0: serve that many pages, "p2", "p3", ... */
  GPtrArray  *bearers;          /* Authorization of each data request */
} Scripted;

static const char page_body[] =
  "{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":1,\"totalCount\":%u%s}},"
  "\"data\":[{\"name\":\"Ana\",\"email\":\"ana@example.com\",\"department\":\"Sales\","
  "\"numCorrect\":1,\"numIncorrect\":0,\"numNotWatched\":2}],\"fail\":[]}";

static void
scripted_handler (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Scripted *s = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  g_autofree char *body = NULL;

  if (g_str_equal (path, "/oauth/token"))
    {
      s->n_token_requests++;
      body = g_strdup_printf ("{\"access_token\":\"token-%u\",\"token_type\":\"Bearer\","
                              "\"expires_in\":3600}", s->n_token_requests);
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                        body, strlen (body));
      return;
    }

  s->n_data_requests++;
  g_ptr_array_add (s->bearers,
                   g_strdup (soup_message_headers_get_one (request_headers, "Authorization")));

  /* 401 for the first token only: an expired token, fixed by a new one. */
  if (g_strcmp0 (soup_message_headers_get_one (request_headers, "Authorization"),
                 "Bearer token-1") == 0)
    {
      soup_server_message_set_status (message, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }

  if (s->status != SOUP_STATUS_OK)
    {
      soup_server_message_set_status (message, s->status, NULL);
      return;
    }

  if (s->n_pages > 0)
    {
      g_autoptr(GBytes) request = soup_server_message_get_request_body (message) != NULL
        ? soup_message_body_flatten (soup_server_message_get_request_body (message)) : NULL;
      g_autofree char *text = request != NULL ? g_strndup (g_bytes_get_data (request, NULL),
                                                            g_bytes_get_size (request)) : NULL;
      const char *token = text != NULL ? strstr (text, "\"pageToken\":\"p") : NULL;
      guint page = token != NULL ? (guint) g_ascii_strtoull (token + 14, NULL, 10) : 1;
      g_autofree char *next = NULL;

      if (page < s->n_pages)
        next = g_strdup_printf (",\"next\":\"p%u\"", page + 1);
      body = g_strdup_printf (page_body, s->n_pages, next != NULL ? next : "");
    }
  else
    {
      body = g_strdup_printf (page_body, 5, s->loop_tokens ? ",\"next\":\"again\"" : "");
    }
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static Scripted *
scripted_new (void)
{
  Scripted *s = g_new0 (Scripted, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  s->server = soup_server_new (NULL, NULL);
  s->status = SOUP_STATUS_OK;
  s->bearers = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_handler (s->server, NULL, scripted_handler, s, NULL);
  soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (s->server);
  s->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return s;
}

static void
scripted_free (Scripted *s)
{
  soup_server_disconnect (s->server);
  g_object_unref (s->server);
  g_ptr_array_unref (s->bearers);
  g_free (s->base_url);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scripted, scripted_free)

static ApClient *
client_for_scripted (Scripted  *s,
                     ApAuthMode mode)
{
  g_autoptr(ApCredentials) credentials = NULL;
  ApClient *client;

  if (mode == AP_AUTH_MODE_API2)
    credentials = ap_credentials_new_api2 (s->base_url, "client-id", "client-secret");
  else
    credentials = ap_credentials_new_api1 (s->base_url, "mYtOL3XZCOwG96BOiFTZRm",
                                           "c2VjcmV0LWtleQ==", "app-id", "app-key");

  client = ap_client_new (credentials);
  ap_client_set_timeout (client, 10);
  ap_client_set_retry_policy (client, 2, 5, 40);
  return client;
}

static void
check_scripted_status (guint       status,
                       int         code,
                       const char *must_contain)
{
  g_autoptr(Scripted) s = scripted_new ();
  g_autoptr(ApClient) client = client_for_scripted (s, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (1);
  Fetch f;

  s->status = status;
  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, code);
  g_assert_nonnull (strstr (f.error->message, must_contain));
  g_assert_cmpuint (s->n_data_requests, ==, 1);
  g_assert_cmpuint (f.retry_codes->len, ==, 0);
  fetch_clear (&f);
}

static void
test_bad_request (void)
{
  check_scripted_status (SOUP_STATUS_BAD_REQUEST, AP_ERROR_BAD_REQUEST, "400");
}

static void
test_not_found (void)
{
  check_scripted_status (SOUP_STATUS_NOT_FOUND, AP_ERROR_NOT_FOUND, "base URL");
}

static void
test_api2_reauthenticate_then_ok (void)
{
  g_autoptr(Scripted) s = scripted_new ();
  g_autoptr(ApClient) client = client_for_scripted (s, AP_AUTH_MODE_API2);
  g_autoptr(ApQuery) query = query_new (1);
  Fetch f;

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.emails->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f.emails, 0), ==, "ana@example.com");
  g_assert_cmpint (f.last_total, ==, 5);

  /* token-1 was refused, forgotten, and the same page asked again with a
   * new token; no wait, no "retrying". */
  g_assert_cmpuint (s->n_token_requests, ==, 2);
  g_assert_cmpuint (s->n_data_requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (s->bearers, 0), ==, "Bearer token-1");
  g_assert_cmpstr (g_ptr_array_index (s->bearers, 1), ==, "Bearer token-2");
  g_assert_cmpuint (f.retry_codes->len, ==, 0);
  fetch_clear (&f);
}

static void
test_repeated_next_token (void)
{
  g_autoptr(Scripted) s = scripted_new ();
  g_autoptr(ApClient) client = client_for_scripted (s, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (1);
  Fetch f;

  s->loop_tokens = TRUE;
  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
  g_assert_true (g_str_has_prefix (f.error->message, "Page 2: "));
  /* Page 1 said "again", page 2 said "again" too: stop there. */
  g_assert_cmpuint (s->n_data_requests, ==, 2);
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

/* ---- tests: a hostile server (issue 15) ---- */

/* A second server that must never hear from the client: it counts every
 * request, whatever the path, and would hand out a token and an empty
 * report if asked. */
typedef struct
{
  SoupServer *server;
  guint       n_requests;
  char       *base_url;
} Witness;

static void
witness_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  static const char body[] =
    "{\"access_token\":\"stolen\",\"token_type\":\"Bearer\",\"expires_in\":1800,"
    "\"meta\":{\"status\":200},\"data\":[],\"fail\":[]}";
  Witness *witness = user_data;

  witness->n_requests++;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

static Witness *
witness_new (void)
{
  Witness *witness = g_new0 (Witness, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  witness->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (witness->server, NULL, witness_handler, witness, NULL);
  if (!soup_server_listen_local (witness->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("Could not start the second server: %s", error->message);
  uris = soup_server_get_uris (witness->server);
  /* Another host name for the same loopback: a different origin. */
  witness->base_url = g_strdup_printf ("http://localhost:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return witness;
}

static void
witness_free (Witness *witness)
{
  soup_server_disconnect (witness->server);
  g_object_unref (witness->server);
  g_free (witness->base_url);
  g_free (witness);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Witness, witness_free)

static void
check_redirect (ApAuthMode mode,
                ApMockFault fault,
                guint       status)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(Witness) witness = witness_new ();
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *expected = NULL;
  Fetch f;

  g_test_message ("%s, %s %u", mode == AP_AUTH_MODE_API1 ? "API 1.0" : "API 2.0",
                  ap_mock_fault_to_string (fault), status);
  ap_mock_server_set_redirect_target (mock, witness->base_url);
  ap_mock_server_add_fault (mock, fault, status, 0);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_REDIRECTED);
  expected = g_strdup_printf ("The server answered with a redirect to %s (HTTP %u). The app "
                              "does not follow redirects with your credentials; check the base "
                              "URL.", witness->base_url + strlen ("http://"), status);
  g_assert_cmpstr (f.error->message, ==, expected);
  g_assert_cmpuint (f.emails->len, ==, 0);
  /* Not retried, and the other server heard nothing at all. */
  g_assert_cmpuint (f.retry_codes->len, ==, 0);
  spin_for_ms (50);
  g_assert_cmpuint (witness->n_requests, ==, 0);
  if (fault == AP_MOCK_FAULT_REDIRECT_TOKEN)
    {
      g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), ==, 1);
      g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 0);
    }
  else
    {
      g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
    }
  fetch_clear (&f);
}

static void
test_redirect_api1 (void)
{
  static const guint statuses[] = { 301, 302, 303, 307, 308 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    check_redirect (AP_AUTH_MODE_API1, AP_MOCK_FAULT_REDIRECT, statuses[i]);
}

static void
test_redirect_api2 (void)
{
  static const guint statuses[] = { 301, 302, 303, 307, 308 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      check_redirect (AP_AUTH_MODE_API2, AP_MOCK_FAULT_REDIRECT, statuses[i]);
      check_redirect (AP_AUTH_MODE_API2, AP_MOCK_FAULT_REDIRECT_TOKEN, statuses[i]);
    }
}

/* A relative Location stays on the same server, and is still not followed:
 * the base URL is wrong either way. */
static void
test_redirect_same_host (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (20);
  g_autofree char *message = NULL;
  g_autofree char *expected = NULL;

  ap_mock_server_set_redirect_target (mock, "");
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_REDIRECT, 302, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API1, query, AP_ERROR, AP_ERROR_REDIRECTED);
  expected = g_strdup_printf ("The server answered with a redirect to 127.0.0.1:%u (HTTP 302). "
                              "The app does not follow redirects with your credentials; check "
                              "the base URL.", ap_mock_server_get_port (mock));
  g_assert_cmpstr (message, ==, expected);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
}

/* Pages without end: stopped at twice what totalCount needs plus ten,
 * saying what the server did. */
static void
test_endless_pages_with_total (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (10);
  g_autofree char *message = NULL;

  /* 40 users fit in 4 pages: 2 * 4 + 10 = 18 pages at most. */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_ENDLESS_PAGES, 40, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API1, query, AP_ERROR,
                            AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_cmpstr (message, ==, "The server kept sending pages: page 18 pointed to another, "
                                "though the server counts 40 users, which fit in 4 pages. The "
                                "app stopped; try again later, and if it keeps happening, check "
                                "the base URL.");
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 18);
}

static void
test_endless_pages_without_total (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (1);
  g_autofree char *message = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_ENDLESS_PAGES, 0, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API1, query, AP_ERROR,
                            AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_cmpstr (message, ==, "The server kept sending pages: page 2000 pointed to another, "
                                "and the server never said how many users there are. The app "
                                "stops after 2000 pages; try again later, and if it keeps "
                                "happening, check the base URL.");
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 2000);
}

/* Ten million "{}" users in one 30 MB page: refused after the first
 * thousand, not retried. */
static void
test_ten_million_users (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (500);
  g_autofree char *message = NULL;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_EMPTY_USERS, 10000000, 0);
  message = expect_failure (mock, AP_AUTH_MODE_API2, query, AP_ERROR,
                            AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_cmpstr (message, ==, "Page 1: The server sent more than 1000 users in one page, "
                                "though Mimecast sends at most 500; the app stopped reading it. "
                                "Check the base URL.");
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
}

/* Every user with a department of its own, 2 KiB long, page after page:
 * none of them enters the process-wide table, which stays as it was. */
static void
test_distinct_strings (void)
{
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApClient) client = client_for_mock (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApQuery) query = query_new (500);
  guint strings_before, strings_after;
  gsize bytes_before, bytes_after;
  Fetch f;

  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_DISTINCT_STRINGS, 2, 0);
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_ENDLESS_PAGES, 1500, 0);
  ap_intern_get_usage (&strings_before, &bytes_before);

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_nonnull (strstr (f.error->message, "page 16 pointed to another"));
  /* Pages still waiting when the fetch stopped are never delivered. */
  g_assert_cmpuint (f.emails->len, >=, 500);
  g_assert_cmpuint (f.emails->len, <, 16 * 500);

  ap_intern_get_usage (&strings_after, &bytes_after);
  g_assert_cmpuint (strings_after, ==, strings_before);
  g_assert_cmpuint (bytes_after, ==, bytes_before);
  fetch_clear (&f);
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
  g_test_add_func ("/ap/client/fault/fail-array", test_fail_array);
  g_test_add_func ("/ap/client/fault/bad-request", test_bad_request);
  g_test_add_func ("/ap/client/fault/not-found", test_not_found);
  g_test_add_func ("/ap/client/fault/api1-unauthorized", test_api1_unauthorized);
  g_test_add_func ("/ap/client/fault/api1-wrong-key", test_api1_wrong_key);
  g_test_add_func ("/ap/client/fault/api2-unauthorized-reauthenticates-once",
                   test_api2_unauthorized_reauthenticates_once);
  g_test_add_func ("/ap/client/fault/api2-reauthenticate-then-ok",
                   test_api2_reauthenticate_then_ok);
  g_test_add_func ("/ap/client/fault/api2-short-token-lifetime", test_api2_short_token_lifetime);
  g_test_add_func ("/ap/client/fault/forbidden", test_forbidden);
  g_test_add_func ("/ap/client/fault/keys-expired", test_keys_expired);
  g_test_add_func ("/ap/client/fault/api1-rate-limited-recovers",
                   test_api1_rate_limited_recovers);
  g_test_add_func ("/ap/client/fault/api2-rate-limited-recovers",
                   test_api2_rate_limited_recovers);
  g_test_add_func ("/ap/client/fault/rate-limited-exhausted", test_rate_limited_exhausted);
  g_test_add_func ("/ap/client/fault/api1-server-error-recovers",
                   test_api1_server_error_recovers);
  g_test_add_func ("/ap/client/fault/api2-server-error-recovers",
                   test_api2_server_error_recovers);
  g_test_add_func ("/ap/client/fault/server-error-exhausted", test_server_error_exhausted);
  g_test_add_func ("/ap/client/fault/fresh-request-id-on-retry", test_fresh_request_id_on_retry);
  g_test_add_func ("/ap/client/fault/api1-dropped-connection-recovers",
                   test_api1_dropped_connection_recovers);
  g_test_add_func ("/ap/client/fault/api2-dropped-connection-recovers",
                   test_api2_dropped_connection_recovers);
  g_test_add_func ("/ap/client/fault/dropped-connection-exhausted",
                   test_dropped_connection_exhausted);
  g_test_add_func ("/ap/client/fault/connection-refused", test_connection_refused);
  g_test_add_func ("/ap/client/fault/timeout", test_timeout);
  g_test_add_func ("/ap/client/fault/truncated-body", test_truncated_body);
  g_test_add_func ("/ap/client/fault/malformed-json", test_malformed_json);
  g_test_add_func ("/ap/client/fault/wrong-types", test_wrong_types);
  g_test_add_func ("/ap/client/fault/negative-count", test_negative_count);
  g_test_add_func ("/ap/client/fault/deep-nesting", test_deep_nesting);
  g_test_add_func ("/ap/client/fault/huge-body", test_huge_body);
  g_test_add_func ("/ap/client/fault/repeated-next-token", test_repeated_next_token);
  g_test_add_func ("/ap/client/backlog-bounded", test_backlog_bounded);
  g_test_add_func ("/ap/client/refused/insecure-url", test_insecure_url_refused);
  g_test_add_func ("/ap/client/refused/invalid-input", test_invalid_input_refused);
  g_test_add_func ("/ap/client/cancel/mid-fetch", test_cancel_mid_fetch);
  g_test_add_func ("/ap/client/cancel/during-request", test_cancel_during_request);
  g_test_add_func ("/ap/client/cancel/during-retry-wait", test_cancel_during_retry_wait);
  g_test_add_func ("/ap/client/cancel/before-start", test_cancel_before_start);
  g_test_add_func ("/ap/client/hostile/redirect-api1", test_redirect_api1);
  g_test_add_func ("/ap/client/hostile/redirect-api2", test_redirect_api2);
  g_test_add_func ("/ap/client/hostile/redirect-same-host", test_redirect_same_host);
  g_test_add_func ("/ap/client/hostile/endless-pages-with-total", test_endless_pages_with_total);
  g_test_add_func ("/ap/client/hostile/endless-pages-without-total",
                   test_endless_pages_without_total);
  g_test_add_func ("/ap/client/hostile/ten-million-users", test_ten_million_users);
  g_test_add_func ("/ap/client/hostile/distinct-strings", test_distinct_strings);

  return g_test_run ();
}
