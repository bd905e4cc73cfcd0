/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ap-mock-server-private.h"

/* Both schemes as Mimecast checks them: API 1.0 requests signed with HMAC-SHA1
 * over date, request ID, path and app key; API 2.0 bearer tokens issued by
 * the OAuth client-credentials endpoint. */

#define MAX_DATE_SKEW_US (15 * 60 * G_USEC_PER_SEC)

static gboolean
parse_mc_date (const char *text,
               gint64     *unix_time)
{
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  char day_name[4], month_name[4], zone[4];
  int day, year, hour, minute, second, consumed = -1;
  int month = -1, weekday = -1;
  g_autoptr(GDateTime) date = NULL;

  /* "Tue, 24 Nov 2015 12:50:11 UTC": English names whatever the locale;
   * "GMT" (what RFC 1123 formatters print) is the same clock. */
  if (sscanf (text, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", day_name, &day,
              month_name, &year, &hour, &minute, &second, zone, &consumed) != 8 ||
      consumed < 0 || text[consumed] != '\0')
    return FALSE;
  if (!g_str_equal (zone, "UTC") && !g_str_equal (zone, "GMT"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_str_equal (month_name, months[i]))
      month = (int) i + 1;
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    if (g_str_equal (day_name, days[i]))
      weekday = (int) i + 1;
  if (month < 0 || weekday < 0)
    return FALSE;

  date = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (date == NULL || g_date_time_get_day_of_week (date) != weekday ||
      g_date_time_get_day_of_month (date) != day)
    return FALSE;

  *unix_time = g_date_time_to_unix (date);
  return TRUE;
}

static char *
api1_signature (const char *date,
                const char *request_id,
                const char *path,
                const char *app_key)
{
  /* Computed here, not by the app's signer: the double is what checks it. */
  g_autofree char *data = g_strjoin (":", date, request_id, path, app_key, NULL);
  gsize key_length = 0;
  g_autofree guchar *key = g_base64_decode (AP_MOCK_SECRET_KEY, &key_length);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, key, key_length);
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) data, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);
  return g_base64_encode (digest, digest_length);
}

/* Compares without stopping at the first difference, as a real server
 * must, so timing says nothing about the expected value. */
static gboolean
equal_constant_time (const char *a,
                     const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guchar diff = la != lb;

  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guchar) (a[i] ^ b[i]);
  return diff == 0;
}

/* Sets the refusal Mimecast would send; FALSE, to return it. */
static gboolean
refuse (const char  *code,
        const char  *message,
        const char **out_code,
        const char **out_message)
{
  *out_code = code;
  *out_message = message;
  return FALSE;
}

/* Under the lock. */
static gboolean
check_bearer (ApMockServer *self,
              const char   *token,
              const char  **code,
              const char  **message)
{
  gint64 *expiry = g_hash_table_lookup (self->tokens, token);

  if (expiry == NULL)
    return refuse ("err_xdk_authentication_token_invalid", "The access token is not valid.",
                   code, message);
  if (g_get_monotonic_time () >= *expiry)
    return refuse ("err_xdk_authentication_token_expired", "The access token has expired.",
                   code, message);
  return TRUE;
}

/* Under the lock. @credential: "ACCESS_KEY:SIGNATURE" after "MC ". */
static gboolean
check_api1 (ApMockServer       *self,
            SoupMessageHeaders *headers,
            const char         *credential,
            const char         *path,
            const char        **code,
            const char        **message)
{
  const char *colon = strrchr (credential, ':');
  const char *date = soup_message_headers_get_one (headers, "x-mc-date");
  const char *request_id = soup_message_headers_get_one (headers, "x-mc-req-id");
  const char *app_id = soup_message_headers_get_one (headers, "x-mc-app-id");
  g_autofree char *access_key = NULL;
  g_autofree char *expected = NULL;
  gint64 signed_at;

  if (colon == NULL || date == NULL || request_id == NULL || *request_id == '\0' ||
      app_id == NULL)
    return refuse ("err_xdk_authentication_header_missing",
                   "Authorization, x-mc-date, x-mc-req-id and x-mc-app-id are all required.",
                   code, message);
  access_key = g_strndup (credential, colon - credential);
  if (!g_str_equal (access_key, AP_MOCK_ACCESS_KEY) || !g_str_equal (app_id, AP_MOCK_APP_ID))
    return refuse ("err_xdk_authentication_binding_unknown",
                   "The access key or application ID is not known.", code, message);
  if (!parse_mc_date (date, &signed_at))
    return refuse ("err_xdk_authentication_date_invalid",
                   "x-mc-date is not in the form \"Tue, 24 Nov 2015 12:50:11 UTC\".",
                   code, message);
  if (ABS (signed_at * G_USEC_PER_SEC - g_get_real_time ()) > MAX_DATE_SKEW_US)
    return refuse ("err_xdk_authentication_date_out_of_range",
                   "x-mc-date is more than 15 minutes away from the server's clock.",
                   code, message);
  expected = api1_signature (date, request_id, path, AP_MOCK_APP_KEY);
  if (!equal_constant_time (colon + 1, expected))
    return refuse ("err_xdk_authentication_signature_invalid",
                   "The request signature does not match.", code, message);
  /* Only a correctly signed request spends its ID: a forged one must
   * not be able to burn the IDs of real requests. */
  if (g_hash_table_contains (self->seen_request_ids, request_id))
    return refuse ("err_xdk_authentication_request_id_reused", "x-mc-req-id was used before.",
                   code, message);
  g_hash_table_add (self->seen_request_ids, g_strdup (request_id));
  return TRUE;
}

/* Under the lock. FALSE with a Mimecast-like code and message. */
gboolean
ap_mock_server_check_auth_locked (ApMockServer       *self,
                                  SoupMessageHeaders *headers,
                                  const char         *path,
                                  const char        **code,
                                  const char        **message)
{
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    return check_bearer (self, authorization + strlen ("Bearer "), code, message);
  if (authorization != NULL && g_str_has_prefix (authorization, "MC "))
    return check_api1 (self, headers, authorization + strlen ("MC "), path, code, message);
  return refuse ("err_xdk_authentication_missing",
                 "The request carries no Authorization header the server accepts.", code, message);
}

/* A fresh random token, valid for @lifetime seconds from now. */
static void
issue_token (ApMockServer *self,
             ApMockReply  *reply,
             guint         lifetime)
{
  g_autofree char *token = NULL;
  GString *json;
  guint8 random[24];
  gint64 expiry;

  for (guint i = 0; i < sizeof random; i++)
    random[i] = (guint8) g_random_int_range (0, 256);
  token = g_base64_encode (random, sizeof random);
  expiry = g_get_monotonic_time () + (gint64) lifetime * G_USEC_PER_SEC;

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->tokens, g_strdup (token), g_memdup2 (&expiry, sizeof expiry));
  g_mutex_unlock (&self->lock);

  json = g_string_new ("{\"access_token\":\"");
  g_string_append (json, token);
  g_string_append_printf (json, "\",\"token_type\":\"Bearer\",\"expires_in\":%u}", lifetime);
  ap_mock_reply_take_string (reply, json);
}

/* The client-credentials grant of a well-formed form body. */
static void
grant_token (ApMockServer    *self,
             ApMockReply     *reply,
             SoupMessageBody *body,
             guint            lifetime)
{
  g_autofree char *text = g_strndup (body->data != NULL ? body->data : "", body->length);
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant = g_hash_table_lookup (form, "grant_type");
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *client_secret = g_hash_table_lookup (form, "client_secret");

  if (g_strcmp0 (grant, "client_credentials") != 0)
    {
      ap_mock_reply_set_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                                     "grant_type must be client_credentials.");
      return;
    }
  if (client_id == NULL || client_secret == NULL ||
      !g_str_equal (client_id, AP_MOCK_CLIENT_ID) ||
      !equal_constant_time (client_secret, AP_MOCK_CLIENT_SECRET))
    {
      g_mutex_lock (&self->lock);
      self->n_rejected_auth++;
      g_mutex_unlock (&self->lock);
      ap_mock_reply_set_oauth_error (reply, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                                     "The client ID or client secret is wrong.");
      return;
    }
  issue_token (self, reply, lifetime);
}

void
ap_mock_server_token_handler (SoupServer        *server,
                              SoupServerMessage *msg,
                              const char        *path,
                              GHashTable        *query_params,
                              gpointer           user_data)
{
  ApMockServer *self = user_data;
  ApMockReply *reply = ap_mock_reply_new (self, msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  gboolean post = soup_server_message_get_method (msg) == SOUP_METHOD_POST;
  guint delay_ms, lifetime, redirect_status;
  g_autofree char *redirect_target = NULL;

  g_mutex_lock (&self->lock);
  if (post)
    self->n_token_requests++;
  ap_mock_server_rate_limit_locked (self, reply, FALSE);
  delay_ms = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_LATENCY);
  lifetime = self->token_lifetime;
  redirect_status = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_REDIRECT_TOKEN);
  redirect_target = g_strdup (self->redirect_target);
  g_mutex_unlock (&self->lock);

  if (redirect_status > 0)
    ap_mock_reply_set_redirect (reply, redirect_status, redirect_target, path);
  else if (!post)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "POST");
      ap_mock_reply_set_oauth_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request",
                                     "Only POST is allowed here.");
    }
  else if (g_strcmp0 (soup_message_headers_get_content_type (headers, NULL),
                      "application/x-www-form-urlencoded") != 0 ||
           body->length > AP_MOCK_MAX_REQUEST_BODY)
    ap_mock_reply_set_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                   "The body must be application/x-www-form-urlencoded.");
  else
    grant_token (self, reply, body, lifetime);
  ap_mock_reply_finish (reply, delay_ms);
}
