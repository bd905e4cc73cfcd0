/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-http"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "ap-error.h"
#include "ap-http-private.h"
#include "ap-parser.h"

/* Big enough to keep the number of reads per page small, small enough to
 * keep a dozen of them cheap. */
#define READ_CHUNK_SIZE (64 * 1024)

/* X-RateLimit-Reset is trusted only up to this; a broken server must not
 * park the app for a day. */
#define MAX_RATE_LIMIT_RESET_MS (60 * 60 * 1000)

GError *
ap_http_error_from_status (guint               status,
                           const char         *reason,
                           SoupMessageHeaders *headers)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
      return g_error_new (AP_ERROR, AP_ERROR_BAD_REQUEST,
                          _("The server refused the request as malformed (HTTP 400). "
                            "Check the search settings; if they look right, the app may "
                            "need an update."));
    case SOUP_STATUS_UNAUTHORIZED:
      return g_error_new (AP_ERROR, AP_ERROR_UNAUTHORIZED,
                          _("The server did not accept the credentials (HTTP 401). "
                            "Check the keys or client ID and secret in Credentials."));
    case SOUP_STATUS_FORBIDDEN:
      return g_error_new (AP_ERROR, AP_ERROR_FORBIDDEN,
                          _("These credentials lack the “Awareness Training | Dashboard | "
                            "Read” permission (HTTP 403). Ask a Mimecast administrator to "
                            "add it to the role of the API application."));
    case SOUP_STATUS_NOT_FOUND:
      return g_error_new (AP_ERROR, AP_ERROR_NOT_FOUND,
                          _("The server does not offer the Awareness Training report at this "
                            "address (HTTP 404). Check the base URL or region in Credentials."));
    case 418:
      return g_error_new (AP_ERROR, AP_ERROR_KEYS_EXPIRED,
                          _("The API keys have expired (binding expired): create new keys in "
                            "the Mimecast Administration Console."));
    case 429: /* Too Many Requests; libsoup 3.2 has no name for it */
      {
        guint reset_ms = ap_http_get_rate_limit_reset_ms (headers);

        if (reset_ms > 0)
          return g_error_new (AP_ERROR, AP_ERROR_RATE_LIMITED,
                              _("Mimecast’s request limit was reached (HTTP 429); it allows "
                                "more requests in %u s. Try again later."),
                              (reset_ms + 999) / 1000);
        return g_error_new (AP_ERROR, AP_ERROR_RATE_LIMITED,
                            _("Mimecast’s request limit was reached (HTTP 429). "
                              "Try again later."));
      }
    case SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED:
      return g_error_new (AP_ERROR, AP_ERROR_PROXY,
                          _("The proxy server wants a user name and password (HTTP 407). Set "
                            "them in the system’s proxy settings, or ask IT."));
    default:
      break;
    }

  if (status >= 500 && status <= 599)
    return g_error_new (AP_ERROR, AP_ERROR_SERVER,
                        _("The Mimecast server had a problem (HTTP %u%s%s). "
                          "Try again later."),
                        status,
                        reason != NULL && *reason != '\0' ? " " : "",
                        reason != NULL ? reason : "");

  return g_error_new (AP_ERROR, AP_ERROR_SERVER,
                      _("The server gave an unexpected answer (HTTP %u%s%s)."),
                      status,
                      reason != NULL && *reason != '\0' ? " " : "",
                      reason != NULL ? reason : "");
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return 443;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0)
    return 80;
  return -1;
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_uri_get_scheme (a) != NULL && g_uri_get_scheme (b) != NULL &&
         g_uri_get_host (a) != NULL && g_uri_get_host (b) != NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         effective_port (a) == effective_port (b);
}

GError *
ap_http_error_from_message (SoupMessage *message)
{
  guint status;
  const char *location;
  g_autoptr(GUri) target = NULL;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);

  status = soup_message_get_status (message);
  if (status < 300 || status > 399)
    return ap_http_error_from_status (status, soup_message_get_reason_phrase (message),
                                      soup_message_get_response_headers (message));

  location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                           "Location");
  if (location != NULL)
    target = g_uri_parse_relative (soup_message_get_uri (message), location,
                                   G_URI_FLAGS_NONE, NULL);

  if (target != NULL && g_uri_get_host (target) != NULL && *g_uri_get_host (target) != '\0')
    {
      /* The port too: on one host, another port is another server. */
      g_autofree char *where = g_uri_get_port (target) > 0
                               ? g_strdup_printf ("%s:%d", g_uri_get_host (target),
                                                  g_uri_get_port (target))
                               : g_strdup (g_uri_get_host (target));

      return g_error_new (AP_ERROR, AP_ERROR_REDIRECTED,
                          _("The server answered with a redirect to %s (HTTP %u). The app does "
                            "not follow redirects with your credentials; check the base URL."),
                          where, status);
    }

  return g_error_new (AP_ERROR, AP_ERROR_REDIRECTED,
                      _("The server answered with a redirect (HTTP %u) without a valid "
                        "address. The app does not follow redirects with your credentials; "
                        "check the base URL."),
                      status);
}

gboolean
ap_http_check_credentials_target (SoupMessage  *message,
                                  const char   *base_url,
                                  GError      **error)
{
  g_autoptr(GUri) configured = NULL;
  GUri *uri;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (base_url != NULL, FALSE);

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  configured = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  uri = soup_message_get_uri (message);
  if (configured != NULL && uri != NULL && same_origin (configured, uri))
    return TRUE;

  g_set_error (error, AP_ERROR, AP_ERROR_INSECURE_URL,
               _("The app refused to send the credentials to %s://%s, which is not the "
                 "configured server. Check the base URL."),
               uri != NULL && g_uri_get_scheme (uri) != NULL ? g_uri_get_scheme (uri) : "?",
               uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "?");
  return FALSE;
}

static void
send_with_credentials_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GInputStream *stream;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stream, g_object_unref);
}

void
ap_http_send_with_credentials_async (SoupSession         *session,
                                     SoupMessage         *message,
                                     const char          *base_url,
                                     int                  io_priority,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_http_send_with_credentials_async);

  if (!ap_http_check_credentials_target (message, base_url, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  soup_session_send_async (session, message, io_priority, cancellable,
                           send_with_credentials_cb, g_steal_pointer (&task));
}

GInputStream *
ap_http_send_with_credentials_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
ap_http_status_is_retryable (guint status)
{
  return status == 429 || (status >= 500 && status <= 599);
}

guint
ap_http_get_rate_limit_reset_ms (SoupMessageHeaders *headers)
{
  const char *value;
  guint64 ms;

  if (headers == NULL)
    return 0;

  value = soup_message_headers_get_one (headers, "X-RateLimit-Reset");
  if (value == NULL)
    return 0;

  while (g_ascii_isspace (*value))
    value++;

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &ms, NULL))
    return 0;

  return (guint) MIN (ms, MAX_RATE_LIMIT_RESET_MS);
}

static gboolean
is_tls_error (const GError *error)
{
  if (error->domain == G_TLS_ERROR)
    return TRUE;

  /* libsoup reports a refused certificate as G_TLS_ERROR_BAD_CERTIFICATE, but
   * a handshake cut by a non-TLS peer can surface as a plain I/O error whose
   * only hint is the text. */
  if (error->domain == G_IO_ERROR && error->message != NULL &&
      (strstr (error->message, "TLS") != NULL || strstr (error->message, "certificate") != NULL))
    return TRUE;

  return FALSE;
}

static gboolean
is_proxy_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_AUTH_FAILED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NEED_AUTH) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NOT_ALLOWED);
}

/* Each failure a person must tell apart gets its own code and its own
 * sentence, naming what happened and what fixes it. The low-level text
 * goes to the debug log only: it repeats the same fact in jargon. */
gboolean
ap_http_propagate_transport_error_for_host (GError     *error,
                                            const char *host,
                                            GError    **dest)
{
  const char *subject, *object;

  g_return_val_if_fail (error != NULL, FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == AP_ERROR)
    {
      g_propagate_error (dest, error);
      return FALSE;
    }

  g_debug ("Transport failure: %s", error->message);

  /* Translators: stand for a host name at the start and inside a sentence */
  subject = host != NULL ? host : _("The server");
  object = host != NULL ? host : _("the server");

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error (dest, AP_ERROR, AP_ERROR_TIMEOUT,
                   _("%s did not answer in time. Try again later, or check the network."),
                   subject);
    }
  else if (is_proxy_error (error))
    {
      g_set_error (dest, AP_ERROR, AP_ERROR_PROXY,
                   g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED) ||
                   g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NOT_ALLOWED)
                   ? _("The proxy server would not connect to %s. Check the system’s proxy "
                       "settings, or ask IT to allow this address.")
                   : _("The proxy server wants a user name and password before it connects "
                       "to %s. Set them in the system’s proxy settings, or ask IT."),
                   object);
    }
  else if (is_tls_error (error))
    {
      g_set_error (dest, AP_ERROR, AP_ERROR_TLS,
                   g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE)
                   ? _("The certificate of %s could not be verified, so no data was sent. The "
                       "app never bypasses this: check the base URL, or ask IT whether a "
                       "proxy intercepts secure connections.")
                   : _("A secure connection to %s could not be set up. The app never bypasses "
                       "this: check that the base URL is a Mimecast address, or ask IT "
                       "whether a proxy intercepts secure connections."),
                   object);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      g_set_error (dest, AP_ERROR, AP_ERROR_CONNECTION_REFUSED,
                   _("%s refused the connection: nothing answers at that address and port. "
                     "Check the base URL in Credentials."),
                   subject);
    }
  else if (error->domain == G_RESOLVER_ERROR ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    {
      if (host != NULL)
        g_set_error (dest, AP_ERROR, AP_ERROR_HOST_NOT_FOUND,
                     _("No server named %s was found. Check the base URL in Credentials, and "
                       "that this computer is online."),
                     host);
      else
        g_set_error_literal (dest, AP_ERROR, AP_ERROR_HOST_NOT_FOUND,
                             _("The server’s name was not found. Check the base URL in "
                               "Credentials, and that this computer is online."));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    {
      g_set_error (dest, AP_ERROR, AP_ERROR_NETWORK,
                   _("%s cannot be reached from this network. Check the internet "
                     "connection."),
                   subject);
    }
  else
    {
      /* Reset, closed, broken pipe and the rest: a connection was made and
       * then lost, which a later try often gets past. */
      g_set_error (dest, AP_ERROR, AP_ERROR_NETWORK,
                   _("The connection to %s was lost. Check the internet connection, then "
                     "try again."),
                   object);
    }

  g_error_free (error);
  return FALSE;
}

gboolean
ap_http_propagate_transport_error (GError  *error,
                                   GError **dest)
{
  return ap_http_propagate_transport_error_for_host (error, NULL, dest);
}

gboolean
ap_http_error_is_retryable (const GError *error)
{
  if (error == NULL || error->domain != AP_ERROR)
    return FALSE;

  switch ((ApErrorCode) error->code)
    {
    case AP_ERROR_NETWORK:
    case AP_ERROR_TIMEOUT:
    case AP_ERROR_SERVER:
    case AP_ERROR_RATE_LIMITED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- capped body reader ---- */

typedef struct
{
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         max_size;
  goffset       content_length;   /* -1 when not declared */
} ReadBodyData;

static void
read_body_data_free (ReadBodyData *data)
{
  g_clear_object (&data->stream);
  g_clear_pointer (&data->buffer, g_byte_array_unref);
  g_free (data);
}

static GError *
too_large_error (gsize max_size)
{
  return g_error_new (AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                      _("The server’s reply is larger than %" PRIu64 " MB, the most the "
                        "app accepts for one page. Try a smaller page size."),
                      (uint64_t) (max_size / (1024 * 1024)));
}

static GError *
cut_short_error (void)
{
  return g_error_new (AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                      _("The server’s reply was cut short. Try again; if it keeps happening, "
                        "the connection or the server is failing."));
}

static void read_next_chunk (GTask *task);

static void
read_chunk_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadBodyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      if (data->content_length >= 0 &&
          (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)))
        {
          g_task_return_error (task, cut_short_error ());
          return;
        }

      {
        GError *mapped = NULL;

        ap_http_propagate_transport_error (g_steal_pointer (&error), &mapped);
        g_task_return_error (task, mapped);
      }
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      if (data->content_length >= 0 && (goffset) data->buffer->len < data->content_length)
        {
          g_task_return_error (task, cut_short_error ());
          return;
        }

      g_task_return_pointer (task,
                             g_byte_array_free_to_bytes (g_steal_pointer (&data->buffer)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (data->buffer->len + g_bytes_get_size (chunk) > data->max_size)
    {
      g_task_return_error (task, too_large_error (data->max_size));
      return;
    }

  g_byte_array_append (data->buffer,
                       g_bytes_get_data (chunk, NULL),
                       (guint) g_bytes_get_size (chunk));
  read_next_chunk (g_steal_pointer (&task));
}

static void
read_next_chunk (GTask *task)
{
  ReadBodyData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream,
                                   READ_CHUNK_SIZE,
                                   g_task_get_priority (task),
                                   g_task_get_cancellable (task),
                                   read_chunk_cb,
                                   task);
}

void
ap_http_read_body_async (GInputStream       *stream,
                         SoupMessage        *message,
                         gsize               max_size,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadBodyData *data;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (message == NULL || SOUP_IS_MESSAGE (message));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_http_read_body_async);

  data = g_new0 (ReadBodyData, 1);
  data->stream = g_object_ref (stream);
  data->max_size = max_size > 0 ? MIN (max_size, (gsize) G_MAXUINT) : AP_PARSER_MAX_BODY_SIZE;
  data->content_length = -1;
  g_task_set_task_data (task, data, (GDestroyNotify) read_body_data_free);

  if (message != NULL)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (message);

      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
        data->content_length = soup_message_headers_get_content_length (headers);
    }

  if (data->content_length > (goffset) data->max_size)
    {
      g_task_return_error (task, too_large_error (data->max_size));
      return;
    }

  /* A declared length lets us allocate once instead of doubling. */
  data->buffer = g_byte_array_sized_new (data->content_length > 0
                                         ? (guint) data->content_length
                                         : READ_CHUNK_SIZE);

  read_next_chunk (g_steal_pointer (&task));
}

GBytes *
ap_http_read_body_finish (GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
