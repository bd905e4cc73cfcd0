/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-auth"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ap-auth.h"
#include "ap-error.h"
#include "ap-http-private.h"
#include "ap-parser.h"

/* A token reply is a few hundred bytes; anything near this is not one. */
#define TOKEN_MAX_BODY_SIZE  (1024 * 1024)
/* The reply is a flat object; a little room for extensions. */
#define TOKEN_MAX_DEPTH      8
/* The whole exchange, connection to last byte, so a stalled sign-in
 * server cannot keep every waiting request hanging. */
#define TOKEN_TIMEOUT_SECONDS 30
/* RFC 6749 only recommends expires_in; without it the token is used for a
 * short while and a 401 (ApClient then calls invalidate) replaces it early. */
#define DEFAULT_LIFETIME_SECONDS 300
/* A server announcing a decade must not overflow the arithmetic. */
#define MAX_LIFETIME_SECONDS (7 * 24 * 60 * 60)
#define REFRESH_MARGIN_USEC  (60 * G_USEC_PER_SEC)

/* ---- API 1.0 ---- */

/* Fixed English names: x-mc-date is parsed by Mimecast as English whatever
 * the person's locale, and g_date_time_format()'s %a/%b follow LC_TIME. */
static const char * const day_names[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char * const month_names[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/**
 * ap_auth_format_date:
 *
 * Returns: (transfer full): e.g. "Tue, 24 Nov 2015 12:50:11 UTC"
 */
char *
ap_auth_format_date (GDateTime *date_time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (date_time != NULL, NULL);

  utc = g_date_time_to_utc (date_time);
  g_return_val_if_fail (utc != NULL, NULL);

  return g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d UTC",
                          day_names[g_date_time_get_day_of_week (utc) - 1],
                          g_date_time_get_day_of_month (utc),
                          month_names[g_date_time_get_month (utc) - 1],
                          g_date_time_get_year (utc),
                          g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc),
                          g_date_time_get_second (utc));
}

/**
 * ap_auth_new_request_id:
 *
 * Returns: (transfer full): e.g. "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297"
 */
char *
ap_auth_new_request_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_ascii_strup (uuid, -1);
}

static void
wipe (guchar *data,
      gsize   length)
{
  volatile guchar *p = data;

  while (length-- > 0)
    *p++ = 0;
}

/**
 * ap_auth_compute_signature:
 *
 * Returns: (transfer full): the base64 HMAC-SHA1, or NULL with
 *   AP_ERROR_INVALID_CREDENTIALS
 */
char *
ap_auth_compute_signature (const char  *secret_key,
                           const char  *date,
                           const char  *request_id,
                           const char  *path,
                           const char  *app_key,
                           GError     **error)
{
  g_autoptr(GHmac) hmac = NULL;
  g_autofree guchar *key = NULL;
  guint8 digest[20];
  gsize key_length = 0;
  gsize digest_length = sizeof digest;

  g_return_val_if_fail (date != NULL, NULL);
  g_return_val_if_fail (request_id != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (app_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ap_base64_is_valid (secret_key))
    {
      g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                           _("Secret Key: this is not valid base64 (letters, digits, “+” and "
                             "“/”, padded with “=” to a multiple of four characters); copy "
                             "it again from the Mimecast Administration Console"));
      return NULL;
    }

  key = g_base64_decode (secret_key, &key_length);
  hmac = g_hmac_new (G_CHECKSUM_SHA1, key, key_length);
  wipe (key, key_length);

  g_hmac_update (hmac, (const guchar *) date, -1);
  g_hmac_update (hmac, (const guchar *) ":", 1);
  g_hmac_update (hmac, (const guchar *) request_id, -1);
  g_hmac_update (hmac, (const guchar *) ":", 1);
  g_hmac_update (hmac, (const guchar *) path, -1);
  g_hmac_update (hmac, (const guchar *) ":", 1);
  g_hmac_update (hmac, (const guchar *) app_key, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);

  return g_base64_encode (digest, digest_length);
}

/**
 * ap_auth_sign_message:
 *
 * Replaces (never appends) the four headers, so signing a retried message
 * again leaves exactly one fresh set.
 */
gboolean
ap_auth_sign_message (ApCredentials  *credentials,
                      SoupMessage    *message,
                      GError        **error)
{
  SoupMessageHeaders *headers;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *date = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;
  const char *access_key, *app_id, *app_key, *path;

  g_return_val_if_fail (AP_IS_CREDENTIALS (credentials), FALSE);
  g_return_val_if_fail (ap_credentials_get_mode (credentials) == AP_AUTH_MODE_API1, FALSE);
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  access_key = ap_credentials_get_access_key (credentials);
  app_id = ap_credentials_get_app_id (credentials);
  app_key = ap_credentials_get_app_key (credentials);
  if (access_key == NULL || app_id == NULL || app_key == NULL)
    {
      g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                           _("The API 1.0 credentials are incomplete; enter the access key, "
                             "secret key, application ID and application key"));
      return FALSE;
    }

  path = g_uri_get_path (soup_message_get_uri (message));
  if (path == NULL || path[0] == '\0')
    path = "/";

  now = g_date_time_new_now_utc ();
  date = ap_auth_format_date (now);
  request_id = ap_auth_new_request_id ();
  signature = ap_auth_compute_signature (ap_credentials_get_secret_key (credentials),
                                         date, request_id, path, app_key, error);
  if (signature == NULL)
    return FALSE;

  authorization = g_strconcat ("MC ", access_key, ":", signature, NULL);

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "x-mc-date", date);
  soup_message_headers_replace (headers, "x-mc-req-id", request_id);
  soup_message_headers_replace (headers, "x-mc-app-id", app_id);

  wipe ((guchar *) authorization, strlen (authorization));

  return TRUE;
}

/* ---- API 2.0 ---- */

struct _ApTokenProvider
{
  GObject        parent_instance;

  SoupSession   *session;
  ApCredentials *credentials;

  char          *token;       /* NULL when none is cached */
  gint64         refresh_at;  /* wall-clock µs after which @token is not handed out */

  GQueue         waiters;     /* of Waiter, all answered by the one refresh in flight */
  gboolean       refreshing;
};

G_DEFINE_FINAL_TYPE (ApTokenProvider, ap_token_provider, G_TYPE_OBJECT)

typedef struct
{
  ApTokenProvider *self;           /* unowned: the task holds the reference */
  GTask           *task;
  GSource         *cancel_source;  /* NULL without a cancellable */
} Waiter;

typedef struct
{
  ApTokenProvider *self;           /* owned: the provider outlives its refresh */
  SoupMessage     *message;
  GInputStream    *stream;
  GCancellable    *cancellable;
  GSource         *timeout_source;
  char            *host;
  gboolean         timed_out;
} Refresh;

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_clear_object (&waiter->task);
  g_free (waiter);
}

static void
refresh_free (Refresh *refresh)
{
  if (refresh->timeout_source != NULL)
    {
      g_source_destroy (refresh->timeout_source);
      g_source_unref (refresh->timeout_source);
    }
  g_clear_object (&refresh->stream);
  g_clear_object (&refresh->message);
  g_clear_object (&refresh->cancellable);
  g_clear_object (&refresh->self);
  g_free (refresh->host);
  g_free (refresh);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Refresh, refresh_free)

static void
secret_free (char *secret)
{
  if (secret != NULL)
    {
      wipe ((guchar *) secret, strlen (secret));
      g_free (secret);
    }
}

/* Every waiter gets its own copy of the outcome, in the order they asked. */
static void
complete_waiters (ApTokenProvider *self,
                  const char      *token,
                  const GError    *error)
{
  GQueue waiters = G_QUEUE_INIT;
  Waiter *waiter;

  /* Steal the queue first: a callback may ask for a token again, which must
   * start a new round rather than join this finished one. */
  waiters = self->waiters;
  g_queue_init (&self->waiters);
  self->refreshing = FALSE;

  while ((waiter = g_queue_pop_head (&waiters)) != NULL)
    {
      if (token != NULL)
        g_task_return_pointer (waiter->task, g_strdup (token), (GDestroyNotify) secret_free);
      else
        g_task_return_error (waiter->task, g_error_copy (error));
      waiter_free (waiter);
    }
}

static gboolean
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  ApTokenProvider *self = waiter->self;

  /* The shared refresh goes on for the others (and for the cache). */
  g_queue_remove (&self->waiters, waiter);
  g_task_return_error_if_cancelled (waiter->task);
  waiter_free (waiter);

  return G_SOURCE_REMOVE;
}

static gboolean
is_token_char (char c)
{
  /* RFC 6750 b64token, plus a little: printable ASCII without space, so the
   * token can never break the Authorization header. */
  return c > 0x20 && c < 0x7f;
}

static gboolean
invalid_reply (GError    **error,
               const char *detail)
{
  g_set_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
               _("The sign-in server’s reply could not be used (%s). Check the base URL in "
                 "Credentials."), detail);
  return FALSE;
}

static gboolean
parse_lifetime (JsonNode *node,
                gint64   *lifetime)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *lifetime = DEFAULT_LIFETIME_SECONDS;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *lifetime = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* Some OAuth servers send "3599"; a number in a string is still clear. */
      guint64 value;

      if (!g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXINT64, &value,
                                       NULL))
        return FALSE;
      *lifetime = (gint64) value;
    }
  else
    return FALSE;

  if (*lifetime <= 0)
    return FALSE;

  *lifetime = MIN (*lifetime, MAX_LIFETIME_SECONDS);
  return TRUE;
}

static gboolean
parse_token_reply (GBytes  *body,
                   char   **token,
                   gint64  *lifetime,
                   GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize length;
  JsonNode *root, *node;
  JsonObject *object;
  const char *access_token;

  data = g_bytes_get_data (body, &length);
  if (length == 0)
    return invalid_reply (error, _("it is empty"));

  /* json-glib 1.6 overflows its stack on deep nesting and leaks on some
   * malformed text: nothing from the network reaches it unless it is one
   * strict JSON value. */
  if (!ap_json_check (data, length, TOKEN_MAX_DEPTH, NULL))
    return invalid_reply (error, _("it is not valid JSON"));

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, NULL))
    return invalid_reply (error, _("it is not valid JSON"));

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid_reply (error, _("it is not the expected JSON object"));
  object = json_node_get_object (root);

  node = json_object_get_member (object, "access_token");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid_reply (error, _("access_token is missing or not a string"));

  access_token = json_node_get_string (node);
  if (access_token[0] == '\0')
    return invalid_reply (error, _("access_token is empty"));
  for (const char *p = access_token; *p != '\0'; p++)
    if (!is_token_char (*p))
      return invalid_reply (error, _("access_token contains characters a token cannot have"));

  if (!parse_lifetime (json_object_get_member (object, "expires_in"), lifetime))
    return invalid_reply (error, _("expires_in is not a positive number of seconds"));

  *token = g_strdup (access_token);
  return TRUE;
}

static void
refresh_finish (Refresh *refresh,
                char    *token,    /* (transfer full) (nullable) */
                gint64   lifetime,
                GError  *error)    /* (transfer full) (nullable) */
{
  g_autoptr(Refresh) owned = refresh;
  ApTokenProvider *self = refresh->self;

  if (refresh->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      if (refresh->host != NULL)
        g_set_error (&error, AP_ERROR, AP_ERROR_TIMEOUT,
                     _("%s did not answer the sign-in request in time. Try again later, or "
                       "check the network."), refresh->host);
      else
        g_set_error_literal (&error, AP_ERROR, AP_ERROR_TIMEOUT,
                             _("The server did not answer the sign-in request in time. Try "
                               "again later, or check the network."));
    }

  if (token != NULL)
    {
      gint64 lifetime_usec = lifetime * G_USEC_PER_SEC;
      gint64 margin = MIN (REFRESH_MARGIN_USEC, lifetime_usec / 2);

      g_clear_pointer (&self->token, secret_free);
      self->token = token;
      self->refresh_at = g_get_real_time () + lifetime_usec - margin;
      g_debug ("New API 2.0 token, used for %" G_GINT64_FORMAT " s", (lifetime_usec - margin) /
               G_USEC_PER_SEC);
      complete_waiters (self, token, NULL);
    }
  else
    {
      g_assert (error != NULL);
      complete_waiters (self, NULL, error);
      g_error_free (error);
    }
}

static void
read_body_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  char *token = NULL;
  gint64 lifetime = 0;

  body = ap_http_read_body_finish (result, &error);
  if (body == NULL)
    {
      /* The shared message speaks of pages and page sizes, which mean
       * nothing for a sign-in. */
      if (g_error_matches (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE))
        {
          g_clear_error (&error);
          error = g_error_new_literal (AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                                       _("The sign-in server’s reply is far larger than a "
                                         "token. Check the base URL in Credentials."));
        }
      refresh_finish (refresh, NULL, 0, error);
      return;
    }

  if (!parse_token_reply (body, &token, &lifetime, &error))
    {
      refresh_finish (refresh, NULL, 0, error);
      return;
    }

  refresh_finish (refresh, token, lifetime, NULL);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;
  guint status;

  refresh->stream = ap_http_send_with_credentials_finish (result, &error);
  if (refresh->stream == NULL)
    {
      GError *mapped = NULL;

      if (refresh->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mapped = error;
      else
        ap_http_propagate_transport_error_for_host (error, refresh->host, &mapped);
      refresh_finish (refresh, NULL, 0, mapped);
      return;
    }

  status = soup_message_get_status (refresh->message);
  if (status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_UNAUTHORIZED)
    {
      /* OAuth answers invalid_client / unauthorized_client with 400 or 401:
       * either way, the person must fix the client ID or secret. */
      refresh_finish (refresh, NULL, 0,
                      g_error_new_literal (AP_ERROR, AP_ERROR_AUTHENTICATION_FAILED,
                                           _("The client ID or client secret was not accepted "
                                             "by Mimecast. Check them in Credentials, or create "
                                             "a new secret for the API application.")));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      SoupMessage *message = refresh->message;

      refresh_finish (refresh, NULL, 0, ap_http_error_from_message (message));
      return;
    }

  ap_http_read_body_async (refresh->stream, refresh->message, TOKEN_MAX_BODY_SIZE,
                           refresh->cancellable, read_body_cb, refresh);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  Refresh *refresh = user_data;

  refresh->timed_out = TRUE;
  g_cancellable_cancel (refresh->cancellable);

  g_clear_pointer (&refresh->timeout_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
start_refresh (ApTokenProvider *self)
{
  Refresh *refresh;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  GUri *uri;
  char *form;

  g_assert (!self->refreshing);
  self->refreshing = TRUE;

  if (!ap_base_url_check (ap_credentials_get_base_url (self->credentials), &error))
    {
      complete_waiters (self, NULL, error);
      return;
    }
  if (ap_credentials_get_client_id (self->credentials) == NULL ||
      ap_credentials_get_client_secret (self->credentials) == NULL)
    {
      g_autoptr(GError) missing = g_error_new_literal (AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                                                       _("The API 2.0 credentials are "
                                                         "incomplete; enter the client ID and "
                                                         "client secret"));
      complete_waiters (self, NULL, missing);
      return;
    }

  url = g_strconcat (ap_credentials_get_base_url (self->credentials), "/oauth/token", NULL);
  form = soup_form_encode ("grant_type", "client_credentials",
                           "client_id", ap_credentials_get_client_id (self->credentials),
                           "client_secret", ap_credentials_get_client_secret (self->credentials),
                           NULL);

  refresh = g_new0 (Refresh, 1);
  refresh->self = g_object_ref (self);
  refresh->cancellable = g_cancellable_new ();
  /* Takes the form; the body, which holds the secret, lives only in the
   * message and is released with it. */
  refresh->message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url, form);
  g_assert (refresh->message != NULL);  /* the URL passed ap_base_url_check() */
  soup_message_headers_replace (soup_message_get_request_headers (refresh->message),
                                "Accept", "application/json");
  uri = soup_message_get_uri (refresh->message);
  refresh->host = g_strdup (g_uri_get_host (uri));

  refresh->timeout_source = g_timeout_source_new_seconds (TOKEN_TIMEOUT_SECONDS);
  g_source_set_callback (refresh->timeout_source, refresh_timeout_cb, refresh, NULL);
  g_source_set_static_name (refresh->timeout_source, "[ap] token request timeout");
  g_source_attach (refresh->timeout_source, g_main_context_get_thread_default ());

  ap_http_send_with_credentials_async (self->session, refresh->message,
                                       ap_credentials_get_base_url (self->credentials),
                                       G_PRIORITY_DEFAULT, refresh->cancellable, send_cb,
                                       refresh);
}

static void
ap_token_provider_finalize (GObject *object)
{
  ApTokenProvider *self = (ApTokenProvider *) object;

  /* Waiters and refreshes hold references, so none can be left here. */
  g_assert (g_queue_is_empty (&self->waiters));
  g_assert (!self->refreshing);

  g_clear_pointer (&self->token, secret_free);
  g_clear_object (&self->session);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (ap_token_provider_parent_class)->finalize (object);
}

static void
ap_token_provider_class_init (ApTokenProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ap_token_provider_finalize;
}

static void
ap_token_provider_init (ApTokenProvider *self)
{
  g_queue_init (&self->waiters);
}

/**
 * ap_token_provider_new:
 * @session: shared with ApClient, so the token request uses the same proxy,
 *   TLS database and timeouts
 * @credentials: API 2.0 credentials
 *
 * Returns: (transfer full)
 */
ApTokenProvider *
ap_token_provider_new (SoupSession   *session,
                       ApCredentials *credentials)
{
  ApTokenProvider *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (AP_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (ap_credentials_get_mode (credentials) == AP_AUTH_MODE_API2, NULL);

  self = g_object_new (AP_TYPE_TOKEN_PROVIDER, NULL);
  self->session = g_object_ref (session);
  self->credentials = g_object_ref (credentials);

  return self;
}

/**
 * ap_token_provider_get_token_async:
 *
 * Answers at once from the cache when the token is fresh; otherwise joins
 * the refresh in flight or starts one. Call it from one main context.
 */
void
ap_token_provider_get_token_async (ApTokenProvider     *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (AP_IS_TOKEN_PROVIDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_token_provider_get_token_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->token != NULL && g_get_real_time () < self->refresh_at)
    {
      g_task_return_pointer (task, g_strdup (self->token), (GDestroyNotify) secret_free);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->self = self;
  waiter->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      /* A source rather than a "cancelled" handler: it runs in the task's
       * context, so the waiter is answered there, exactly once. */
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (waiter_cancelled_cb), waiter,
                             NULL);
      g_source_set_static_name (waiter->cancel_source, "[ap] token waiter cancelled");
      g_source_attach (waiter->cancel_source, g_task_get_context (waiter->task));
    }
  g_queue_push_tail (&self->waiters, waiter);

  if (!self->refreshing)
    start_refresh (self);
}

/**
 * ap_token_provider_get_token_finish:
 *
 * Returns: (transfer full): the bearer token, without "Bearer "
 */
char *
ap_token_provider_get_token_finish (ApTokenProvider  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (AP_IS_TOKEN_PROVIDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ap_token_provider_get_token_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ap_token_provider_invalidate (ApTokenProvider *self,
                              const char      *token)
{
  g_return_if_fail (AP_IS_TOKEN_PROVIDER (self));
  g_return_if_fail (token != NULL);

  /* Only the token that failed: several requests may report the same 401,
   * and a newer token must survive the late ones. */
  if (self->token != NULL && g_str_equal (self->token, token))
    {
      g_clear_pointer (&self->token, secret_free);
      self->refresh_at = 0;
    }
}
