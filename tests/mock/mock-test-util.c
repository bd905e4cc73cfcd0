/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-mock-server"

#include "config.h"

#include <string.h>

#include "ap-parser.h"
#include "mock-test-util.h"

void
response_clear (Response *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->root, json_node_unref);
  g_clear_error (&response->error);
}

ApMockServer *
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

SoupSession *
session_new (void)
{
  /* Every request is bounded: a broken double fails the test, never hangs it. */
  return soup_session_new_with_options ("timeout", 20, NULL);
}

char *
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

char *
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

void
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

      if (ap_json_check (data, size, 64, NULL) &&
          json_parser_load_from_data (parser, data, size, NULL))
        response->root = json_node_ref (json_parser_get_root (parser));
    }
}

void
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

void
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

char *
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

void
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

char *
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

JsonArray *
response_data (Response *response)
{
  g_assert_nonnull (response->root);
  return json_object_get_array_member (json_node_get_object (response->root), "data");
}

JsonArray *
response_fail (Response *response)
{
  g_assert_nonnull (response->root);
  return json_object_get_array_member (json_node_get_object (response->root), "fail");
}

JsonObject *
response_pagination (Response *response)
{
  JsonObject *meta = json_object_get_object_member (json_node_get_object (response->root), "meta");

  return json_object_get_object_member (meta, "pagination");
}

const char *
response_next (Response *response)
{
  JsonObject *pagination = response_pagination (response);

  return json_object_has_member (pagination, "next")
         ? json_object_get_string_member (pagination, "next") : NULL;
}

guint
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

const char *
header (Response   *response,
        const char *name)
{
  return soup_message_headers_get_one (response->headers, name);
}

void
assert_rate_limit_headers (Response *response)
{
  g_assert_nonnull (header (response, "X-RateLimit-Limit"));
  g_assert_nonnull (header (response, "X-RateLimit-Remaining"));
  g_assert_nonnull (header (response, "X-RateLimit-Reset"));
}

/* ---- API 1.0 ---- */

void
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

GBytes *
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
