/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-mock-server"

#include "config.h"

#include <string.h>

#include "ap-credentials.h"
#include "ap-parser.h"
#include "mock-test-util.h"

/* Both auth schemes of the double: API 1.0 signatures, OAuth tokens, refusals. */

static void
test_api1_valid (void)
{
  g_autoptr(ApMockServer) mock = mock_start (40, 8, 4, 7);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body ("{\"includeUserDetails\":true}", 10, NULL);
  g_autofree char *last = NULL;
  g_autofree char *last_date = NULL;
  Response response;
  JsonObject *root, *meta, *user;
  JsonArray *users;
  gboolean saw_details = FALSE;

  post_api1 (mock, session, body, NULL, &response);
  g_assert_no_error (response.error);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response.headers, NULL), ==,
                   "application/json");
  assert_rate_limit_headers (&response);

  root = json_node_get_object (response.root);
  meta = json_object_get_object_member (root, "meta");
  g_assert_cmpint (json_object_get_int_member (meta, "status"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (response_pagination (&response), "totalCount"),
                   ==, 40);
  g_assert_nonnull (response_next (&response));
  g_assert_cmpuint (json_array_get_length (response_fail (&response)), ==, 0);
  users = response_data (&response);
  g_assert_cmpuint (json_array_get_length (users), ==, 10);

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonArray *details;

      user = json_array_get_object_element (users, i);
      g_assert_nonnull (json_object_get_string_member (user, "name"));
      g_assert_nonnull (strchr (json_object_get_string_member (user, "email"), '@'));
      g_assert_nonnull (json_object_get_string_member (user, "department"));
      for (guint k = 0; k < 3; k++)
        {
          const char *count[] = { "numCorrect", "numIncorrect", "numNotWatched" };
          JsonNode *node = json_object_get_member (user, count[k]);

          g_assert_nonnull (node);
          g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64);
          g_assert_cmpint (json_node_get_int (node), >=, 0);
        }
      details = json_object_get_array_member (user, "userDetails");
      g_assert_nonnull (details);
      for (guint j = 0; j < json_array_get_length (details); j++)
        {
          JsonObject *record = json_array_get_object_element (details, j);

          saw_details = TRUE;
          g_assert_nonnull (json_object_get_string_member (record, "title"));
          g_assert_nonnull (json_object_get_string_member (record, "category"));
          g_assert_nonnull (json_object_get_string_member (record, "status"));
          g_assert_nonnull (json_object_get_string_member (record, "timeSent"));
          g_assert_true (json_node_get_value_type (json_object_get_member (record, "ack")) ==
                         G_TYPE_BOOLEAN);
        }
    }
  g_assert_true (saw_details);

  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 1);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 0);
  last = ap_mock_server_dup_last_request_body (mock);
  g_assert_cmpstr (last, ==, body);
  last_date = ap_mock_server_dup_last_request_header (mock, "x-mc-date");
  g_assert_true (g_str_has_suffix (last_date, " UTC"));
  response_clear (&response);
}

static void
expect_api1_refused (ApMockServer  *mock,
                     SoupSession   *session,
                     const Signing *signing)
{
  g_autofree char *body = query_body (NULL, 10, NULL);
  guint rejected = ap_mock_server_get_n_rejected_auth (mock);
  Response response;

  post_api1 (mock, session, body, signing, &response);
  g_assert_no_error (response.error);
  g_assert_cmpuint (response.status, ==, 401);
  assert_rate_limit_headers (&response);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, rejected + 1);
  response_clear (&response);
}


static void
test_api1_refused (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *late = mc_date (20 * 60);
  g_autofree char *early = mc_date (-20 * 60);
  g_autofree char *near = mc_date (-10 * 60);
  g_autofree char *id = g_uuid_string_random ();
  Signing signing = { NULL, };

  /* A valid base64 key that is not the double's. */
  signing.secret = "d3Jvbmcta2V5";
  expect_api1_refused (mock, session, &signing);
  signing = (Signing) { .app_key = "not-the-app-key" };
  expect_api1_refused (mock, session, &signing);
  signing = (Signing) { .app_id = "not-the-app-id" };
  expect_api1_refused (mock, session, &signing);

  signing = (Signing) { .date = late };
  expect_api1_refused (mock, session, &signing);
  signing = (Signing) { .date = early };
  expect_api1_refused (mock, session, &signing);
  signing = (Signing) { .date = near };
  expect_api1_ok (mock, session, &signing);

  /* A German day name, as a locale-blind strftime() would print it. */
  signing = (Signing) { .date = "Di, 24 Nov 2015 12:50:11 UTC" };
  expect_api1_refused (mock, session, &signing);
  /* The right names but the wrong weekday for the date. */
  signing = (Signing) { .date = "Mon, 24 Nov 2015 12:50:11 UTC" };
  expect_api1_refused (mock, session, &signing);

  signing = (Signing) { .request_id = id };
  expect_api1_ok (mock, session, &signing);
  expect_api1_refused (mock, session, &signing);
  expect_api1_ok (mock, session, NULL);
}

static void
test_no_auth (void)
{
  g_autoptr(ApMockServer) mock = mock_start (20, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 10, NULL);
  Response response;

  post_bearer (mock, session, NULL, body, &response);
  g_assert_cmpuint (response.status, ==, 401);
  response_clear (&response);
  post_bearer (mock, session, "made-up-token", body, &response);
  g_assert_cmpuint (response.status, ==, 401);
  response_clear (&response);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 2);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 2);
}

/* ---- API 2.0 ---- */

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_api2_token (void)
{
  g_autoptr(ApMockServer) mock = mock_start (30, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 50, NULL);
  g_autofree char *token = NULL;
  g_autofree char *wrong_grant = soup_form_encode ("grant_type", "password",
                                                   "client_id", AP_MOCK_CLIENT_ID,
                                                   "client_secret", AP_MOCK_CLIENT_SECRET, NULL);
  g_autofree char *wrong_secret = soup_form_encode ("grant_type", "client_credentials",
                                                    "client_id", AP_MOCK_CLIENT_ID,
                                                    "client_secret", "guess", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Response response;

  ap_mock_server_set_token_lifetime (mock, 77);
  token = get_token (mock, session);
  post_bearer (mock, session, token, body, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (response_data (&response)), ==, 30);
  response_clear (&response);

  post_token_form (mock, session, wrong_grant, &response);
  g_assert_cmpuint (response.status, ==, 400);
  g_assert_nonnull (strstr (g_bytes_get_data (response.body, NULL), "unsupported_grant_type"));
  response_clear (&response);
  post_token_form (mock, session, wrong_secret, &response);
  g_assert_cmpuint (response.status, ==, 401);
  assert_rate_limit_headers (&response);
  response_clear (&response);
  g_assert_cmpuint (ap_mock_server_get_n_token_requests (mock), ==, 3);
  g_assert_cmpuint (ap_mock_server_get_n_rejected_auth (mock), ==, 1);

  /* expires_in says what was set. */
  {
    g_autofree char *form = soup_form_encode ("grant_type", "client_credentials",
                                              "client_id", AP_MOCK_CLIENT_ID,
                                              "client_secret", AP_MOCK_CLIENT_SECRET, NULL);

    post_token_form (mock, session, form, &response);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (response.root),
                                                 "expires_in"), ==, 77);
    response_clear (&response);
  }

  /* A token that lives 0 s is dead on arrival. */
  ap_mock_server_set_token_lifetime (mock, 0);
  g_clear_pointer (&token, g_free);
  token = get_token (mock, session);
  post_bearer (mock, session, token, body, &response);
  g_assert_cmpuint (response.status, ==, 401);
  g_assert_nonnull (strstr (g_bytes_get_data (response.body, NULL), "expired"));
  response_clear (&response);

  /* One that lives 1 s works now and not a little later. */
  ap_mock_server_set_token_lifetime (mock, 1);
  g_clear_pointer (&token, g_free);
  token = get_token (mock, session);
  post_bearer (mock, session, token, body, &response);
  g_assert_cmpuint (response.status, ==, 200);
  response_clear (&response);
  g_timeout_add (1100, quit_loop_cb, loop);
  g_main_loop_run (loop);
  post_bearer (mock, session, token, body, &response);
  g_assert_cmpuint (response.status, ==, 401);
  response_clear (&response);
}

static void
test_both_schemes_at_once (void)
{
  g_autoptr(ApMockServer) mock = mock_start (30, 4, 2, 1);
  g_autoptr(SoupSession) session = session_new ();
  g_autofree char *body = query_body (NULL, 50, NULL);
  g_autofree char *token = get_token (mock, session);
  g_autoptr(ApCredentials) api1 = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API1);
  g_autoptr(ApCredentials) api2 = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API2);
  g_autoptr(GError) error = NULL;
  Response response;

  for (guint i = 0; i < 3; i++)
    {
      post_bearer (mock, session, token, body, &response);
      g_assert_cmpuint (response.status, ==, 200);
      response_clear (&response);
      expect_api1_ok (mock, session, NULL);
    }

  g_assert_cmpint (ap_credentials_get_mode (api1), ==, AP_AUTH_MODE_API1);
  g_assert_cmpstr (ap_credentials_get_base_url (api1), ==, ap_mock_server_get_base_url (mock));
  g_assert_cmpstr (ap_credentials_get_secret_key (api1), ==, AP_MOCK_SECRET_KEY);
  g_assert_true (ap_credentials_validate (api1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ap_credentials_get_mode (api2), ==, AP_AUTH_MODE_API2);
  g_assert_cmpstr (ap_credentials_get_client_id (api2), ==, AP_MOCK_CLIENT_ID);
  g_assert_true (ap_credentials_validate (api2, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/mock-server/api1/valid", test_api1_valid);
  g_test_add_func ("/ap/mock-server/api1/refused", test_api1_refused);
  g_test_add_func ("/ap/mock-server/no-auth", test_no_auth);
  g_test_add_func ("/ap/mock-server/api2/token", test_api2_token);
  g_test_add_func ("/ap/mock-server/both-schemes", test_both_schemes_at_once);

  return g_test_run ();
}
