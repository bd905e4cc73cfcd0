/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-auth"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>
#include <time.h>

#include "ap-auth.h"
#include "ap-error.h"

#define TEST_TIMEOUT_SECONDS 20
#define CLIENT_ID     "test-client"
#define CLIENT_SECRET "s3cret-of-the-client"
#define SLOW_REPLY    "{\"access_token\":\"slow-token\",\"expires_in\":3600}"

/* ---- helpers ---- */

static gboolean
test_timeout_cb (gpointer user_data)
{
  g_error ("Test timed out after %d s", TEST_TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

/* Spins the default context until *@done, never longer than the bound. */
static void
run_until (gboolean *done)
{
  guint timeout_id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets wall-clock time pass with the main loop running (for expiry). */
static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true_cb, &done);
  run_until (&done);
}

static char *
hex_encode (const guchar *data,
            gsize         length)
{
  GString *hex = g_string_sized_new (length * 2);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  return g_string_free (hex, FALSE);
}

static char *
run_tool (const char * const *argv,
          const char         *input)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed: %s", argv[0], err);

  return g_strstrip (g_steal_pointer (&out));
}

/* The HMAC-SHA1 hex digest by OpenSSL, sharing no code with ours. */
static char *
openssl_hmac_hex (const char *secret_key,
                  const char *data)
{
  g_autofree guchar *key = NULL;
  g_autofree char *key_hex = NULL;
  g_autofree char *macopt = NULL;
  g_autofree char *out = NULL;
  gsize key_length;
  const char *argv[] = { "openssl", "dgst", "-sha1", "-mac", "HMAC", "-macopt", NULL, NULL };
  const char *digest;

  key = g_base64_decode (secret_key, &key_length);
  key_hex = hex_encode (key, key_length);
  macopt = g_strconcat ("hexkey:", key_hex, NULL);
  argv[6] = macopt;

  out = run_tool (argv, data);
  /* "HMAC-SHA1(stdin)= 50ff…" or "SHA1(stdin)= 50ff…" depending on version */
  digest = strrchr (out, ' ');
  g_assert_nonnull (digest);
  return g_strdup (digest + 1);
}

/* The same, by Python's hmac module, decoding the key itself: a second,
 * independent witness that also checks the base64 decoding. */
static char *
python_signature (const char *secret_key,
                  const char *data)
{
  const char *argv[] = {
    "/usr/bin/python3", "-c",
    "import base64, hashlib, hmac, sys\n"
    "key = base64.b64decode(sys.argv[1], validate=True)\n"
    "data = sys.stdin.buffer.read()\n"
    "print(base64.b64encode(hmac.new(key, data, hashlib.sha1).digest()).decode())\n",
    secret_key, NULL
  };

  return run_tool (argv, data);
}

static char *
signature_to_hex (const char *signature)
{
  g_autofree guchar *raw = NULL;
  gsize length;

  raw = g_base64_decode (signature, &length);
  g_assert_cmpuint (length, ==, 20);
  return hex_encode (raw, length);
}

/* ---- API 1.0 ---- */

static void
test_signature_independent (void)
{
  static const struct {
    const char *secret_key;
    const char *date;
    const char *request_id;
    const char *path;
    const char *app_key;
  } cases[] = {
    { "c2VjcmV0LWtleS1ieXRlcw==", "Tue, 24 Nov 2015 12:50:11 UTC",
      "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297",
      "/api/awareness-training/company/get-performance-details",
      "a4f6c35c-5b2a-4d2b-9d67-1c2fb1f4e0a1" },
    /* Key bytes 0x00 and 0xff, one-byte padding. */
    { "AP8AEP8=", "Sun, 01 Jan 2023 00:00:00 UTC", "00000000-0000-4000-8000-000000000000",
      "/api/x", "k" },
    /* Longer than SHA-1's block: HMAC hashes the key first. */
    { "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5"
      "MDEyMzQ1Njc4OQ==", "Wed, 29 Feb 2024 23:59:59 UTC",
      "ABCDEF01-2345-4678-9ABC-DEF012345678", "/api/awareness-training/company/x%20y",
      "Schlüssel-ü" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *signature = NULL;
      g_autofree char *ours_hex = NULL;
      g_autofree char *openssl_hex = NULL;
      g_autofree char *python = NULL;
      g_autofree char *data = g_strjoin (":", cases[i].date, cases[i].request_id,
                                         cases[i].path, cases[i].app_key, NULL);

      signature = ap_auth_compute_signature (cases[i].secret_key, cases[i].date,
                                             cases[i].request_id, cases[i].path,
                                             cases[i].app_key, &error);
      g_assert_no_error (error);
      g_assert_nonnull (signature);

      ours_hex = signature_to_hex (signature);
      openssl_hex = openssl_hmac_hex (cases[i].secret_key, data);
      g_assert_cmpstr (ours_hex, ==, openssl_hex);

      python = python_signature (cases[i].secret_key, data);
      g_assert_cmpstr (signature, ==, python);
    }
}

static void
test_signature_bad_key (void)
{
  static const char *bad[] = { "not base64!", "", "QUJD\n", "QUJ", "Q===" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *signature = ap_auth_compute_signature (bad[i], "d", "r", "/p", "k",
                                                              &error);

      g_assert_null (signature);
      g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
      g_assert_null (strstr (error->message, "base64!"));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *signature = ap_auth_compute_signature (NULL, "d", "r", "/p", "k", &error);

    g_assert_null (signature);
    g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
  }
}

static void
test_format_date (void)
{
  static const struct {
    int year, month, day, hour, minute, second;
    const char *expected;
  } cases[] = {
    { 2015, 11, 24, 12, 50, 11, "Tue, 24 Nov 2015 12:50:11 UTC" },
    { 2000, 1, 1, 0, 0, 0, "Sat, 01 Jan 2000 00:00:00 UTC" },
    { 2024, 2, 29, 23, 59, 59, "Thu, 29 Feb 2024 23:59:59 UTC" },
    { 2023, 3, 5, 7, 8, 9, "Sun, 05 Mar 2023 07:08:09 UTC" },
    { 2023, 4, 3, 1, 2, 3, "Mon, 03 Apr 2023 01:02:03 UTC" },
    { 2023, 5, 31, 10, 0, 0, "Wed, 31 May 2023 10:00:00 UTC" },
    { 2023, 6, 30, 10, 0, 0, "Fri, 30 Jun 2023 10:00:00 UTC" },
    { 2023, 7, 4, 10, 0, 0, "Tue, 04 Jul 2023 10:00:00 UTC" },
    { 2023, 8, 12, 10, 0, 0, "Sat, 12 Aug 2023 10:00:00 UTC" },
    { 2023, 9, 14, 10, 0, 0, "Thu, 14 Sep 2023 10:00:00 UTC" },
    { 2023, 10, 27, 10, 0, 0, "Fri, 27 Oct 2023 10:00:00 UTC" },
    { 2023, 12, 31, 23, 59, 59, "Sun, 31 Dec 2023 23:59:59 UTC" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_utc (cases[i].year, cases[i].month, cases[i].day,
                                                     cases[i].hour, cases[i].minute,
                                                     cases[i].second);
      g_autofree char *text = ap_auth_format_date (dt);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  /* Another zone is converted to UTC, across the date line. */
  {
    g_autoptr(GTimeZone) tz = g_time_zone_new_offset (5 * 3600 + 30 * 60);
    g_autoptr(GDateTime) dt = g_date_time_new (tz, 2015, 11, 25, 3, 10, 11.75);
    g_autofree char *text = ap_auth_format_date (dt);

    g_assert_cmpstr (text, ==, "Tue, 24 Nov 2015 21:40:11 UTC");
  }
}

/* Proves the locale run is meaningful: under de_DE the C library itself
 * writes German names, and ours still writes English ones. */
static void
test_format_date_locale (void)
{
  const char *lc_all = g_getenv ("LC_ALL");
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2015, 11, 24, 12, 50, 11);
  g_autofree char *text = ap_auth_format_date (dt);

  g_assert_cmpstr (text, ==, "Tue, 24 Nov 2015 12:50:11 UTC");

  if (lc_all != NULL && g_str_has_prefix (lc_all, "de_DE"))
    {
      g_autofree char *local = g_date_time_format (dt, "%a, %d %b");
      struct tm tm = { .tm_year = 115, .tm_mon = 10, .tm_mday = 24, .tm_wday = 2 };
      char buf[64];

      g_assert_cmpstr (setlocale (LC_TIME, NULL), ==, lc_all);
      strftime (buf, sizeof buf, "%a %b", &tm);
      g_assert_cmpstr (buf, ==, "Di Nov");
      g_assert_cmpstr (local, ==, "Di, 24 Nov");
    }
  else
    g_test_message ("LC_ALL is %s: run with LC_ALL=de_DE.UTF-8 for the locale check",
                    lc_all != NULL ? lc_all : "(unset)");
}

static void
test_request_id (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 100; i++)
    {
      char *id = ap_auth_new_request_id ();

      g_assert_cmpuint (strlen (id), ==, 36);
      g_assert_true (g_uuid_string_is_valid (id));
      for (const char *p = id; *p != '\0'; p++)
        g_assert_false (g_ascii_islower (*p));
      g_assert_true (g_hash_table_add (seen, id));
    }
}

static void
assert_signed_headers (ApCredentials *creds,
                       SoupMessage   *message,
                       const char    *expected_path)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *date = soup_message_headers_get_one (headers, "x-mc-date");
  const char *request_id = soup_message_headers_get_one (headers, "x-mc-req-id");
  const char *app_id = soup_message_headers_get_one (headers, "x-mc-app-id");
  g_autofree char *prefix = g_strconcat ("MC ", ap_credentials_get_access_key (creds), ":", NULL);
  g_autofree char *data = NULL;
  g_autofree char *ours_hex = NULL;
  g_autofree char *openssl_hex = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *iso = NULL;

  g_assert_nonnull (authorization);
  g_assert_nonnull (date);
  g_assert_nonnull (request_id);
  g_assert_cmpstr (app_id, ==, ap_credentials_get_app_id (creds));
  g_assert_true (g_uuid_string_is_valid (request_id));
  g_assert_true (g_str_has_prefix (authorization, prefix));

  /* One value each: a second signing replaced, never appended. */
  g_assert_null (strchr (request_id, ','));
  g_assert_null (strchr (app_id, ','));

  /* The date is now, in the reference format. */
  g_assert_true (g_str_has_suffix (date, " UTC"));
  iso = ap_auth_format_date (now);
  g_assert_cmpuint (strlen (date), ==, strlen (iso));
  {
    /* "Tue, 24 Nov 2015 12:50:11 UTC" -> compare day, month, year with now's */
    g_autofree char *now_day = g_strndup (iso, 16);
    g_autofree char *date_day = g_strndup (date, 16);

    g_assert_cmpstr (date_day, ==, now_day);
  }

  data = g_strjoin (":", date, request_id, expected_path, ap_credentials_get_app_key (creds),
                    NULL);
  ours_hex = signature_to_hex (authorization + strlen (prefix));
  openssl_hex = openssl_hmac_hex (ap_credentials_get_secret_key (creds), data);
  g_assert_cmpstr (ours_hex, ==, openssl_hex);
}

static void
test_sign_message (void)
{
  g_autoptr(ApCredentials) creds = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *first_date = NULL;
  g_autofree char *first_auth = NULL;
  SoupMessageHeaders *headers;
  const char *path = "/api/awareness-training/company/get-performance-details";

  creds = ap_credentials_new_api1 ("https://eu-api.mimecast.com", "mYtOL3XZCOwG96BO",
                                   "c2VjcmV0LWtleS1ieXRlcw==", "app-id-123", "app-key-456");
  message = soup_message_new (SOUP_METHOD_POST,
                              "https://eu-api.mimecast.com/api/awareness-training/company/"
                              "get-performance-details?ignored=1");
  headers = soup_message_get_request_headers (message);

  g_assert_true (ap_auth_sign_message (creds, message, &error));
  g_assert_no_error (error);
  assert_signed_headers (creds, message, path);
  first_id = g_strdup (soup_message_headers_get_one (headers, "x-mc-req-id"));
  first_date = g_strdup (soup_message_headers_get_one (headers, "x-mc-date"));
  first_auth = g_strdup (soup_message_headers_get_one (headers, "Authorization"));

  /* A retry a second later: new ID, new date, new signature, one of each. */
  wait_ms (1100);
  g_assert_true (ap_auth_sign_message (creds, message, &error));
  g_assert_no_error (error);
  assert_signed_headers (creds, message, path);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "x-mc-req-id"), !=, first_id);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "x-mc-date"), !=, first_date);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Authorization"), !=, first_auth);

  /* Immediately again: the ID alone must still change. */
  g_clear_pointer (&first_id, g_free);
  first_id = g_strdup (soup_message_headers_get_one (headers, "x-mc-req-id"));
  g_assert_true (ap_auth_sign_message (creds, message, &error));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "x-mc-req-id"), !=, first_id);
}

static void
test_sign_message_bad_key (void)
{
  g_autoptr(ApCredentials) creds = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  creds = ap_credentials_new_api1 ("https://eu-api.mimecast.com", "access", "not-base64",
                                   "app-id", "app-key");
  message = soup_message_new (SOUP_METHOD_POST, "https://eu-api.mimecast.com/api/x");
  g_assert_false (ap_auth_sign_message (creds, message, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
  g_assert_null (soup_message_headers_get_one (soup_message_get_request_headers (message),
                                               "Authorization"));
}

/* ---- API 2.0: a tiny token server ---- */

typedef enum
{
  REPLY_OK,
  REPLY_REFUSE_401,
  REPLY_REFUSE_400,
  REPLY_SERVER_ERROR,
  REPLY_DEEP_NESTING,
  REPLY_WRONG_TYPES,
  REPLY_HUGE,
  REPLY_STRING_EXPIRY,
  REPLY_SLOW,
} ReplyMode;

typedef struct
{
  SoupServer  *server;
  char        *base_url;
  ReplyMode    mode;
  int          expires_in;
  guint        n_requests;
  char        *last_error;  /* what the handler found wrong with a request */
} TokenServer;

static gboolean
unpause_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    SLOW_REPLY, strlen (SLOW_REPLY));
  soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
token_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  TokenServer *ts = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *content_type;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *reply = NULL;

  ts->n_requests++;

  content_type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);
  bytes = soup_message_body_flatten (body);
  form = soup_form_decode (g_bytes_get_data (bytes, NULL));

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    ts->last_error = g_strdup ("not POST");
  else if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
    ts->last_error = g_strdup ("not form-encoded");
  else if (g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "client_credentials") != 0)
    ts->last_error = g_strdup ("wrong grant_type");
  else if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), CLIENT_ID) != 0)
    ts->last_error = g_strdup ("wrong client_id");

  if (ts->last_error != NULL ||
      g_strcmp0 (g_hash_table_lookup (form, "client_secret"), CLIENT_SECRET) != 0 ||
      ts->mode == REPLY_REFUSE_401)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"invalid_client\"}",
                                        strlen ("{\"error\":\"invalid_client\"}"));
      return;
    }

  switch (ts->mode)
    {
    case REPLY_OK:
      reply = g_strdup_printf ("{\"access_token\":\"token-%u\",\"token_type\":\"Bearer\","
                               "\"expires_in\":%d}", ts->n_requests, ts->expires_in);
      break;
    case REPLY_STRING_EXPIRY:
      reply = g_strdup_printf ("{\"access_token\":\"token-%u\",\"expires_in\":\"%d\"}",
                               ts->n_requests, ts->expires_in);
      break;
    case REPLY_REFUSE_400:
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"invalid_request\"}",
                                        strlen ("{\"error\":\"invalid_request\"}"));
      return;
    case REPLY_SERVER_ERROR:
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      return;
    case REPLY_DEEP_NESTING:
      {
        GString *deep = g_string_new ("{\"access_token\":");

        for (guint i = 0; i < 200000; i++)
          g_string_append_c (deep, '[');
        reply = g_string_free (deep, FALSE);
      }
      break;
    case REPLY_WRONG_TYPES:
      reply = g_strdup ("{\"access_token\":12345,\"expires_in\":\"soon\"}");
      break;
    case REPLY_HUGE:
      {
        GString *huge = g_string_new ("{\"access_token\":\"");

        for (guint i = 0; i < 2 * 1024 * 1024; i++)
          g_string_append_c (huge, 'a');
        g_string_append (huge, "\",\"expires_in\":60}");
        reply = g_string_free (huge, FALSE);
      }
      break;
    case REPLY_SLOW:
      soup_server_message_pause (msg);
      g_timeout_add (300, unpause_cb, g_object_ref (msg));
      return;
    case REPLY_REFUSE_401:
    default:
      g_assert_not_reached ();
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&reply), strlen (reply));
}

static TokenServer *
token_server_new (void)
{
  TokenServer *ts = g_new0 (TokenServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  ts->expires_in = 3600;
  ts->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (ts->server, "/oauth/token", token_handler, ts, NULL);
  soup_server_listen_local (ts->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (ts->server);
  g_assert_nonnull (uris);
  ts->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  return ts;
}

static void
token_server_free (TokenServer *ts)
{
  g_assert_null (ts->last_error);
  soup_server_disconnect (ts->server);
  g_object_unref (ts->server);
  g_free (ts->base_url);
  g_free (ts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenServer, token_server_free)

typedef struct
{
  char     *token;
  GError   *error;
  gboolean  done;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->token, g_free);
  g_clear_error (&result->error);
  result->done = FALSE;
}

static void
get_token_cb (GObject      *source,
              GAsyncResult *async_result,
              gpointer      user_data)
{
  Result *result = user_data;

  g_assert_false (result->done);  /* exactly once */
  result->token = ap_token_provider_get_token_finish (AP_TOKEN_PROVIDER (source), async_result,
                                                      &result->error);
  g_assert_true ((result->token == NULL) != (result->error == NULL));
  result->done = TRUE;
}

static void
get_token (ApTokenProvider *provider,
           Result          *result)
{
  result_clear (result);
  ap_token_provider_get_token_async (provider, NULL, get_token_cb, result);
  run_until (&result->done);
}

static ApTokenProvider *
provider_new (TokenServer *ts,
              SoupSession *session,
              const char  *secret)
{
  g_autoptr(ApCredentials) creds = ap_credentials_new_api2 (ts->base_url, CLIENT_ID, secret);

  return ap_token_provider_new (session, creds);
}

static void
test_token_cache (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) provider = provider_new (ts, session, CLIENT_SECRET);
  Result result = { 0 };

  get_token (provider, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (result.token, ==, "token-1");
  g_assert_cmpuint (ts->n_requests, ==, 1);

  for (guint i = 0; i < 5; i++)
    {
      get_token (provider, &result);
      g_assert_no_error (result.error);
      g_assert_cmpstr (result.token, ==, "token-1");
    }
  g_assert_cmpuint (ts->n_requests, ==, 1);

  result_clear (&result);
}

static void
test_token_shared_refresh (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) provider = provider_new (ts, session, CLIENT_SECRET);
  Result results[3] = { { 0 } };
  gboolean all_done = FALSE;
  guint timeout_id;

  ts->mode = REPLY_SLOW;
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    ap_token_provider_get_token_async (provider, NULL, get_token_cb, &results[i]);

  timeout_id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, NULL);
  while (!all_done)
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = results[0].done && results[1].done && results[2].done;
    }
  g_source_remove (timeout_id);

  g_assert_cmpuint (ts->n_requests, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_no_error (results[i].error);
      g_assert_cmpstr (results[i].token, ==, "slow-token");
      result_clear (&results[i]);
    }
}

static void
test_token_cancel_one_waiter (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) provider = provider_new (ts, session, CLIENT_SECRET);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result kept = { 0 }, cancelled = { 0 };

  ts->mode = REPLY_SLOW;
  ap_token_provider_get_token_async (provider, cancellable, get_token_cb, &cancelled);
  ap_token_provider_get_token_async (provider, NULL, get_token_cb, &kept);
  g_cancellable_cancel (cancellable);

  run_until (&cancelled.done);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (kept.done);

  run_until (&kept.done);
  g_assert_no_error (kept.error);
  g_assert_cmpstr (kept.token, ==, "slow-token");
  g_assert_cmpuint (ts->n_requests, ==, 1);

  /* Already cancelled before the call: answered without a request. */
  result_clear (&cancelled);
  ap_token_provider_get_token_async (provider, cancellable, get_token_cb, &cancelled);
  run_until (&cancelled.done);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ts->n_requests, ==, 1);

  result_clear (&kept);
  result_clear (&cancelled);
}

static void
test_token_expiry (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) provider = provider_new (ts, session, CLIENT_SECRET);
  Result result = { 0 };

  /* A 2 s lifetime is used for 1 s (half of it, as it is under 2 × 60 s). */
  ts->expires_in = 2;
  get_token (provider, &result);
  g_assert_cmpstr (result.token, ==, "token-1");
  get_token (provider, &result);
  g_assert_cmpstr (result.token, ==, "token-1");
  g_assert_cmpuint (ts->n_requests, ==, 1);

  wait_ms (1200);
  get_token (provider, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (result.token, ==, "token-2");
  g_assert_cmpuint (ts->n_requests, ==, 2);

  /* expires_in as a string of digits is understood too. */
  ts->mode = REPLY_STRING_EXPIRY;
  wait_ms (1200);
  get_token (provider, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (result.token, ==, "token-3");

  result_clear (&result);
}

static void
test_token_invalidate (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) provider = provider_new (ts, session, CLIENT_SECRET);
  Result result = { 0 };

  get_token (provider, &result);
  g_assert_cmpstr (result.token, ==, "token-1");

  /* A stale token's 401 arriving late does not discard the current one. */
  ap_token_provider_invalidate (provider, "token-0");
  get_token (provider, &result);
  g_assert_cmpstr (result.token, ==, "token-1");
  g_assert_cmpuint (ts->n_requests, ==, 1);

  ap_token_provider_invalidate (provider, "token-1");
  get_token (provider, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (result.token, ==, "token-2");
  g_assert_cmpuint (ts->n_requests, ==, 2);

  ap_token_provider_invalidate (provider, "token-1");
  get_token (provider, &result);
  g_assert_cmpstr (result.token, ==, "token-2");
  g_assert_cmpuint (ts->n_requests, ==, 2);

  result_clear (&result);
}

static void
test_token_refused (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) wrong = provider_new (ts, session, "wrong-secret-value");
  g_autoptr(ApTokenProvider) provider = provider_new (ts, session, CLIENT_SECRET);
  Result result = { 0 };

  get_token (wrong, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_AUTHENTICATION_FAILED);
  g_assert_true (g_str_has_prefix (result.error->message,
                                   "The client ID or client secret was not accepted"));
  g_assert_null (strstr (result.error->message, "wrong-secret-value"));
  g_assert_true (ap_error_is_credentials (result.error));

  /* A failure is not cached: the next call asks again. */
  get_token (wrong, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_AUTHENTICATION_FAILED);
  g_assert_cmpuint (ts->n_requests, ==, 2);

  ts->mode = REPLY_REFUSE_400;
  get_token (provider, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_AUTHENTICATION_FAILED);
  g_assert_null (strstr (result.error->message, CLIENT_SECRET));

  result_clear (&result);
}

static void
test_token_bad_replies (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) provider = provider_new (ts, session, CLIENT_SECRET);
  Result result = { 0 };

  ts->mode = REPLY_DEEP_NESTING;
  get_token (provider, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);

  ts->mode = REPLY_WRONG_TYPES;
  get_token (provider, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (result.error->message, "access_token"));

  ts->mode = REPLY_HUGE;
  get_token (provider, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_cmpstr (result.error->message, ==, "The sign-in server’s reply is far larger than a "
                   "token. Check the base URL in Credentials.");

  ts->mode = REPLY_SERVER_ERROR;
  get_token (provider, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_SERVER);

  /* After all that, a good reply still works. */
  ts->mode = REPLY_OK;
  get_token (provider, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);

  result_clear (&result);
}

static void
test_token_unreachable (void)
{
  g_autoptr(TokenServer) ts = token_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ApTokenProvider) provider = NULL;
  Result result = { 0 };

  /* Nobody listens on the port once the server is gone. */
  soup_server_disconnect (ts->server);
  provider = provider_new (ts, session, CLIENT_SECRET);
  get_token (provider, &result);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_CONNECTION_REFUSED);
  g_assert_null (strstr (result.error->message, CLIENT_SECRET));

  result_clear (&result);
}

int
main (int   argc,
      char *argv[])
{
  /* The locale of the environment, so that the LC_ALL=de_DE.UTF-8 run
   * really runs in German. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/auth/signature-independent", test_signature_independent);
  g_test_add_func ("/ap/auth/signature-bad-key", test_signature_bad_key);
  g_test_add_func ("/ap/auth/format-date", test_format_date);
  g_test_add_func ("/ap/auth/format-date-locale", test_format_date_locale);
  g_test_add_func ("/ap/auth/request-id", test_request_id);
  g_test_add_func ("/ap/auth/sign-message", test_sign_message);
  g_test_add_func ("/ap/auth/sign-message-bad-key", test_sign_message_bad_key);
  g_test_add_func ("/ap/auth/token-cache", test_token_cache);
  g_test_add_func ("/ap/auth/token-shared-refresh", test_token_shared_refresh);
  g_test_add_func ("/ap/auth/token-cancel-one-waiter", test_token_cancel_one_waiter);
  g_test_add_func ("/ap/auth/token-expiry", test_token_expiry);
  g_test_add_func ("/ap/auth/token-invalidate", test_token_invalidate);
  g_test_add_func ("/ap/auth/token-refused", test_token_refused);
  g_test_add_func ("/ap/auth/token-bad-replies", test_token_bad_replies);
  g_test_add_func ("/ap/auth/token-unreachable", test_token_unreachable);

  return g_test_run ();
}
