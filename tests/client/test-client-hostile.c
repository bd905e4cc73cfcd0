/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client"

#include "config.h"

#include <string.h>

#include "client-test-util.h"

/* ApClient against a hostile server: redirects, endless pages, huge and distinct strings. */

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
