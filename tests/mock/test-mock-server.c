/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-mock-server"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ap-credentials.h"
#include "ap-mock-data.h"
#include "ap-mock-server.h"
#include "ap-parser.h"

/* The double is driven by a plain SoupSession and a signature computed
 * here with GHmac, never by the app's own client or signer: the double is
 * the independent check of those, so it must not be tested through them. */

typedef struct
{
  guint   status;
  GBytes *body;
  GError *error;
  SoupMessageHeaders *headers;
  JsonNode *root;
} Response;

static void
response_clear (Response *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->root, json_node_unref);
  g_clear_error (&response->error);
}

static ApMockServer *
mock_start (guint   n_users,
            guint   n_departments,
            guint   records,
            guint32 seed)
{
  ApMockServer *mock = ap_mock_server_new ();
  g_autoptr(GError) error = NULL;

  ap_mock_server_set_dataset (mock, n_users, n_departments, records, seed);
  ap_mock_server_start (mock, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (ap_mock_server_get_base_url (mock), "http://127.0.0.1:"));
  return mock;
}

static SoupSession *
session_new (void)
{
  /* Every request is bounded: a broken double fails the test, never hangs it. */
  return soup_session_new_with_options ("timeout", 20, NULL);
}

static char *
mc_date (gint64 offset_seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, (gdouble) offset_seconds);
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };

  return g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d UTC",
                          days[g_date_time_get_day_of_week (then) - 1],
                          g_date_time_get_day_of_month (then),
                          months[g_date_time_get_month (then) - 1],
                          g_date_time_get_year (then), g_date_time_get_hour (then),
                          g_date_time_get_minute (then), g_date_time_get_second (then));
}

static char *
hmac_signature (const char *secret_base64,
                const char *data)
{
  gsize key_length;
  g_autofree guchar *key = g_base64_decode (secret_base64, &key_length);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, key, key_length);
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) data, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);
  return g_base64_encode (digest, digest_length);
}

typedef struct
{
  const char *date;          /* NULL: now */
  const char *request_id;    /* NULL: fresh */
  const char *app_id;        /* NULL: the double's */
  const char *app_key;       /* NULL: the double's */
  const char *secret;        /* NULL: the double's */
  const char *content_type;  /* NULL: application/json */
} Signing;

static void
send_message (SoupSession *session,
              SoupMessage *msg,
              Response    *response)
{
  memset (response, 0, sizeof *response);
  response->body = soup_session_send_and_read (session, msg, NULL, &response->error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (response->body != NULL && response->status == 200)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (response->body, &size);

      if (ap_json_check_nesting (data, size, 64, NULL) &&
          json_parser_load_from_data (parser, data, size, NULL))
        response->root = json_node_ref (json_parser_get_root (parser));
    }
}

static void
post_api1 (ApMockServer  *mock,
           SoupSession   *session,
           const char    *body,
           const Signing *signing,
           Response      *response)
{
  static const Signing defaults = { NULL, };
  g_autofree char *url = g_strconcat (ap_mock_server_get_base_url (mock), AP_MOCK_DATA_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *date = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (signing == NULL)
    signing = &defaults;
  date = signing->date != NULL ? g_strdup (signing->date) : mc_date (0);
  request_id = signing->request_id != NULL ? g_strdup (signing->request_id)
                                           : g_uuid_string_random ();
  to_sign = g_strjoin (":", date, request_id, AP_MOCK_DATA_PATH,
                       signing->app_key != NULL ? signing->app_key : AP_MOCK_APP_KEY, NULL);
  signature = hmac_signature (signing->secret != NULL ? signing->secret : AP_MOCK_SECRET_KEY,
                              to_sign);
  authorization = g_strdup_printf ("MC %s:%s", AP_MOCK_ACCESS_KEY, signature);

  soup_message_headers_append (headers, "Authorization", authorization);
  soup_message_headers_append (headers, "x-mc-date", date);
  soup_message_headers_append (headers, "x-mc-req-id", request_id);
  soup_message_headers_append (headers, "x-mc-app-id",
                               signing->app_id != NULL ? signing->app_id : AP_MOCK_APP_ID);
  soup_message_set_request_body_from_bytes (msg, signing->content_type != NULL
                                            ? signing->content_type : "application/json", bytes);
  send_message (session, msg, response);
}

static void
post_token_form (ApMockServer *mock,
                 SoupSession  *session,
                 const char   *form,
                 Response     *response)
{
  g_autofree char *url = g_strconcat (ap_mock_server_get_base_url (mock), AP_MOCK_TOKEN_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  send_message (session, msg, response);
}

static char *
get_token (ApMockServer *mock,
           SoupSession  *session)
{
  g_autofree char *form = soup_form_encode ("grant_type", "client_credentials",
                                            "client_id", AP_MOCK_CLIENT_ID,
                                            "client_secret", AP_MOCK_CLIENT_SECRET, NULL);
  Response response;
  JsonObject *object;
  char *token;

  post_token_form (mock, session, form, &response);
  g_assert_no_error (response.error);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_nonnull (response.root);
  object = json_node_get_object (response.root);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "Bearer");
  token = g_strdup (json_object_get_string_member (object, "access_token"));
  g_assert_cmpuint (strlen (token), >, 16);
  response_clear (&response);
  return token;
}

static void
post_bearer (ApMockServer *mock,
             SoupSession  *session,
             const char   *token,
             const char   *body,
             Response     *response)
{
  g_autofree char *url = g_strconcat (ap_mock_server_get_base_url (mock), AP_MOCK_DATA_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                   authorization);
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  send_message (session, msg, response);
}

static char *
query_body (const char *item,
            guint       page_size,
            const char *page_token)
{
  GString *body = g_string_new ("{\"meta\":{\"pagination\":{");

  g_string_append_printf (body, "\"pageSize\":%u", page_size);
  if (page_token != NULL)
    g_string_append_printf (body, ",\"pageToken\":\"%s\"", page_token);
  g_string_append_printf (body, "}},\"data\":[%s]}", item != NULL ? item : "{}");
  return g_string_free (body, FALSE);
}

static JsonArray *
response_data (Response *response)
{
  g_assert_nonnull (response->root);
  return json_object_get_array_member (json_node_get_object (response->root), "data");
}

static JsonArray *
response_fail (Response *response)
{
  g_assert_nonnull (response->root);
  return json_object_get_array_member (json_node_get_object (response->root), "fail");
}

static JsonObject *
response_pagination (Response *response)
{
  JsonObject *meta = json_object_get_object_member (json_node_get_object (response->root), "meta");

  return json_object_get_object_member (meta, "pagination");
}

static const char *
response_next (Response *response)
{
  JsonObject *pagination = response_pagination (response);

  return json_object_has_member (pagination, "next")
         ? json_object_get_string_member (pagination, "next") : NULL;
}

/* Every page of a query, API 1.0 signed; each user's object is handed to @each. */
typedef void (*UserFunc) (JsonObject *user, gpointer data);

static guint
walk_query (ApMockServer *mock,
            SoupSession  *session,
            const char   *item,
            guint         page_size,
            UserFunc      each,
            gpointer      data)
{
  g_autofree char *token = NULL;
  guint n_users = 0, n_pages = 0;
  gint64 total = -1;

  do
    {
      g_autofree char *body = query_body (item, page_size, token);
      Response response;
      JsonArray *users;
      JsonObject *pagination;

      post_api1 (mock, session, body, NULL, &response);
      g_assert_no_error (response.error);
      g_assert_cmpuint (response.status, ==, 200);
      g_assert_cmpuint (json_array_get_length (response_fail (&response)), ==, 0);
      users = response_data (&response);
      pagination = response_pagination (&response);
      g_assert_cmpint (json_object_get_int_member (pagination, "pageSize"), ==, page_size);
      if (total < 0)
        total = json_object_get_int_member (pagination, "totalCount");
      g_assert_cmpint (json_object_get_int_member (pagination, "totalCount"), ==, total);

      for (guint i = 0; i < json_array_get_length (users); i++)
        each (json_array_get_object_element (users, i), data);
      n_users += json_array_get_length (users);
      n_pages++;

      g_clear_pointer (&token, g_free);
      token = g_strdup (response_next (&response));
      /* Only the last page lacks "next", and only it may be short. */
      if (token != NULL)
        g_assert_cmpuint (json_array_get_length (users), ==, page_size);
      response_clear (&response);
    }
  while (token != NULL);

  g_assert_cmpint (n_users, ==, total);
  g_assert_cmpuint (n_pages, ==, MAX (1, (n_users + page_size - 1) / page_size));
  return n_users;
}

static const char *
header (Response   *response,
        const char *name)
{
  return soup_message_headers_get_one (response->headers, name);
}

static void
assert_rate_limit_headers (Response *response)
{
  g_assert_nonnull (header (response, "X-RateLimit-Limit"));
  g_assert_nonnull (header (response, "X-RateLimit-Remaining"));
  g_assert_nonnull (header (response, "X-RateLimit-Reset"));
}

/* ---- API 1.0 ---- */

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
expect_api1_ok (ApMockServer  *mock,
                SoupSession   *session,
                const Signing *signing)
{
  g_autofree char *body = query_body (NULL, 10, NULL);
  Response response;

  post_api1 (mock, session, body, signing, &response);
  g_assert_no_error (response.error);
  g_assert_cmpuint (response.status, ==, 200);
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

static GBytes *
fetch_raw (ApMockServer *mock,
           SoupSession  *session,
           const char   *item,
           guint         page_size,
           char        **next)
{
  g_autofree char *body = query_body (item, page_size, next != NULL ? *next : NULL);
  Response response;
  GBytes *bytes;

  post_api1 (mock, session, body, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  bytes = g_bytes_ref (response.body);
  if (next != NULL)
    {
      g_free (*next);
      *next = response.root != NULL ? g_strdup (response_next (&response)) : NULL;
    }
  response_clear (&response);
  return bytes;
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

/* ---- faults ---- */

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
  g_assert_false (ap_json_check_nesting (data, size, 100, &error));
  g_assert_true (ap_json_check_nesting (data, size, 100002, NULL));
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
      Response response;

      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      soup_message_set_request_body_from_bytes (msg, "application/json",
                                                g_bytes_new_static ("{}", 2));
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

  g_test_add_func ("/ap/mock-server/api1/valid", test_api1_valid);
  g_test_add_func ("/ap/mock-server/api1/refused", test_api1_refused);
  g_test_add_func ("/ap/mock-server/no-auth", test_no_auth);
  g_test_add_func ("/ap/mock-server/api2/token", test_api2_token);
  g_test_add_func ("/ap/mock-server/both-schemes", test_both_schemes_at_once);
  g_test_add_func ("/ap/mock-server/pagination", test_pagination);
  g_test_add_func ("/ap/mock-server/search", test_search);
  g_test_add_func ("/ap/mock-server/custom-attribute", test_custom_attribute);
  g_test_add_func ("/ap/mock-server/filter", test_filter);
  g_test_add_func ("/ap/mock-server/records", test_records);
  g_test_add_func ("/ap/mock-server/without-details", test_without_details);
  g_test_add_func ("/ap/mock-server/non-ascii", test_non_ascii);
  g_test_add_func ("/ap/mock-server/determinism", test_determinism);
  g_test_add_func ("/ap/mock-server/validation", test_validation);
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
