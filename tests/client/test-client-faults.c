/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client"

#include "config.h"

#include <string.h>

#include "client-test-util.h"

/* ApClient meeting every fault of the double and the statuses of a
 * scripted server: what it retries, what it gives up on, and the message a
 * person sees. Cases of one shape are rows of a table. */

/* ---- tests: faults of the double ---- */

#define MODE_API1 (1 << AP_AUTH_MODE_API1)
#define MODE_API2 (1 << AP_AUTH_MODE_API2)

/* A refusal the client must not retry (the same request would meet it
 * again), and what its message must say. */
typedef struct
{
  const char *name;
  ApMockFault fault;
  guint       param;
  guint       modes;
  int         code;
  const char *must_start;        /* nullable */
  const char *must_contain[2];   /* nullable */
  gboolean    credentials;       /* ap_error_is_credentials() */
} Refusal;

static const Refusal refusals[] = {
  /* Mimecast's own code is carried so support can look it up. */
  { "fail-array", AP_MOCK_FAULT_FAIL_ARRAY, 0, MODE_API1 | MODE_API2, AP_ERROR_API_FAILURE,
    "Page 1: ", { "err_", NULL }, FALSE },
  { "api1-unauthorized", AP_MOCK_FAULT_UNAUTHORIZED, 0, MODE_API1, AP_ERROR_UNAUTHORIZED,
    NULL, { "401", NULL }, FALSE },
  { "forbidden", AP_MOCK_FAULT_FORBIDDEN, 0, MODE_API1 | MODE_API2, AP_ERROR_FORBIDDEN,
    NULL, { "Awareness Training | Dashboard | Read", NULL }, FALSE },
  { "keys-expired", AP_MOCK_FAULT_KEYS_EXPIRED, 0, MODE_API1, AP_ERROR_KEYS_EXPIRED,
    NULL, { "expired", "Administration Console" }, TRUE },
  { "deep-nesting", AP_MOCK_FAULT_DEEP_NESTING, 100000, MODE_API1, AP_ERROR_INVALID_RESPONSE,
    "Page 1: ", { NULL, NULL }, FALSE },
  { "huge-body", AP_MOCK_FAULT_HUGE_BODY, 80, MODE_API2, AP_ERROR_RESPONSE_TOO_LARGE,
    NULL, { NULL, NULL }, FALSE },
};

static void
check_refusal (gconstpointer data)
{
  const Refusal *r = data;
  g_autoptr(Mock) mock = mock_new (60);
  g_autoptr(ApQuery) query = query_new (20);

  ap_mock_server_add_fault (mock, r->fault, r->param, 0);

  for (ApAuthMode mode = AP_AUTH_MODE_API2; mode <= AP_AUTH_MODE_API1; mode++)
    {
      guint before = ap_mock_server_get_n_requests (mock);
      g_autofree char *message = NULL;

      if ((r->modes & (1 << mode)) == 0)
        continue;
      message = expect_failure (mock, mode, query, AP_ERROR, r->code);
      g_test_message ("%s: %s", r->name, message);
      if (r->must_start != NULL)
        g_assert_true (g_str_has_prefix (message, r->must_start));
      for (guint i = 0; i < G_N_ELEMENTS (r->must_contain); i++)
        if (r->must_contain[i] != NULL)
          g_assert_nonnull (strstr (message, r->must_contain[i]));
      if (r->credentials)
        {
          g_autoptr(GError) error = g_error_new_literal (AP_ERROR, r->code, message);

          g_assert_true (ap_error_is_credentials (error));
        }
      /* Not retried: one request. */
      g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, before + 1);
    }
}

/* A page the client cannot use: refused with its number, never retried. */
typedef struct
{
  const char *name;
  ApMockFault fault;
  guint       page;
  ApAuthMode  mode;
  const char *must_contain;   /* nullable */
} BadPage;

static const BadPage bad_pages[] = {
  { "truncated-body", AP_MOCK_FAULT_TRUNCATED_BODY, 2, AP_AUTH_MODE_API1, "cut short" },
  { "malformed-json", AP_MOCK_FAULT_MALFORMED_JSON, 1, AP_AUTH_MODE_API2, NULL },
  { "wrong-types", AP_MOCK_FAULT_WRONG_TYPES, 2, AP_AUTH_MODE_API1, "numCorrect" },
  { "negative-count", AP_MOCK_FAULT_NEGATIVE_COUNT, 3, AP_AUTH_MODE_API2, "data[" },
};

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

/* @data: the ApAuthMode. */
static void
check_rate_limited_recovers (gconstpointer data)
{
  ApAuthMode mode = GPOINTER_TO_INT (data);
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

/* @data: the ApAuthMode. */
static void
check_server_error_recovers (gconstpointer data)
{
  ApAuthMode mode = GPOINTER_TO_INT (data);
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

/* @data: the ApAuthMode. */
static void
check_dropped_connection_recovers (gconstpointer data)
{
  ApAuthMode mode = GPOINTER_TO_INT (data);
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
check_bad_page (gconstpointer data)
{
  const BadPage *bad = data;
  ApMockFault fault = bad->fault;
  guint page = bad->page;
  ApAuthMode mode = bad->mode;
  int code = AP_ERROR_INVALID_RESPONSE;
  const char *must_contain = bad->must_contain;
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

/* ---- tests: statuses only the scripted server sends ---- */

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/client/fault/bad-request", test_bad_request);
  g_test_add_func ("/ap/client/fault/not-found", test_not_found);
  g_test_add_func ("/ap/client/fault/api1-wrong-key", test_api1_wrong_key);
  g_test_add_func ("/ap/client/fault/api2-unauthorized-reauthenticates-once",
                   test_api2_unauthorized_reauthenticates_once);
  g_test_add_func ("/ap/client/fault/api2-reauthenticate-then-ok",
                   test_api2_reauthenticate_then_ok);
  g_test_add_func ("/ap/client/fault/api2-short-token-lifetime", test_api2_short_token_lifetime);
  g_test_add_data_func ("/ap/client/fault/api1-rate-limited-recovers",
                        GINT_TO_POINTER (AP_AUTH_MODE_API1), check_rate_limited_recovers);
  g_test_add_data_func ("/ap/client/fault/api2-rate-limited-recovers",
                        GINT_TO_POINTER (AP_AUTH_MODE_API2), check_rate_limited_recovers);
  g_test_add_func ("/ap/client/fault/rate-limited-exhausted", test_rate_limited_exhausted);
  g_test_add_data_func ("/ap/client/fault/api1-server-error-recovers",
                        GINT_TO_POINTER (AP_AUTH_MODE_API1), check_server_error_recovers);
  g_test_add_data_func ("/ap/client/fault/api2-server-error-recovers",
                        GINT_TO_POINTER (AP_AUTH_MODE_API2), check_server_error_recovers);
  g_test_add_func ("/ap/client/fault/server-error-exhausted", test_server_error_exhausted);
  g_test_add_func ("/ap/client/fault/fresh-request-id-on-retry", test_fresh_request_id_on_retry);
  g_test_add_data_func ("/ap/client/fault/api1-dropped-connection-recovers",
                        GINT_TO_POINTER (AP_AUTH_MODE_API1), check_dropped_connection_recovers);
  g_test_add_data_func ("/ap/client/fault/api2-dropped-connection-recovers",
                        GINT_TO_POINTER (AP_AUTH_MODE_API2), check_dropped_connection_recovers);
  g_test_add_func ("/ap/client/fault/dropped-connection-exhausted",
                   test_dropped_connection_exhausted);
  g_test_add_func ("/ap/client/fault/timeout", test_timeout);
  g_test_add_func ("/ap/client/fault/repeated-next-token", test_repeated_next_token);

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strconcat ("/ap/client/fault/", refusals[i].name, NULL);

      g_test_add_data_func (path, &refusals[i], check_refusal);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_pages); i++)
    {
      g_autofree char *path = g_strconcat ("/ap/client/fault/", bad_pages[i].name, NULL);

      g_test_add_data_func (path, &bad_pages[i], check_bad_page);
    }

  return g_test_run ();
}
