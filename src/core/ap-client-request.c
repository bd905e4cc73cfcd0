/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-client"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-client-private.h"
#include "ap-error.h"
#include "ap-http-private.h"

/* Bytes one fetch may receive, whatever the server says: Mimecast's reply
 * for 100,000 users with ten records each is 180 MB. */
#define MAX_FETCH_BYTES (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)

static void op_send_attempt (ApFetchOp *op);

/* ---- requests and retries ---- */

static guint
op_backoff_ms (ApFetchOp *op,
               guint      attempt)
{
  ApClient *self = op->client;
  guint64 delay = self->retry_delay_ms;
  guint i;

  for (i = 0; i < attempt && delay < self->max_retry_delay_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->max_retry_delay_ms);

  /* Added jitter spreads clients that failed together, without ever waiting
   * less than the backoff itself. */
  if (delay >= 4)
    delay += g_random_int_range (0, (gint32) MIN (delay / 4, G_MAXINT32));

  return (guint) MIN (delay, G_MAXUINT);
}

static gboolean
on_retry_timeout (gpointer user_data)
{
  ApFetchOp *op = user_data;

  g_clear_pointer (&op->retry_source, g_source_unref);

  if (ap_fetch_op_is_done (op))
    return G_SOURCE_REMOVE;

  op->req_attempt++;
  op_send_attempt (op);

  return G_SOURCE_REMOVE;
}

/* A retryable failure of the current attempt: wait and try again, or give
 * up with @error once the tries are spent. @reset_ms is the server's
 * X-RateLimit-Reset (0 when none). Consumes @error. */
static void
op_retry_or_fail (ApFetchOp *op,
                  GError    *error,
                  guint      reset_ms)
{
  ApClient *self = op->client;
  guint delay;

  if (op->req_attempt >= self->max_retries)
    {
      GError *final = error;

      if (op->req_attempt > 0)
        {
          final = g_error_new (error->domain, error->code,
                               /* Translators: the first %s is a sentence that ends with a full stop */
                               _("%s The app tried %u times."),
                               error->message, op->req_attempt + 1);
          g_error_free (error);
        }
      ap_fetch_op_complete (op, final);
      return;
    }

  delay = op_backoff_ms (op, op->req_attempt);
  delay = MAX (delay, reset_ms);

  g_debug ("Page %u: %s; retrying in %u ms", op->req_page_no, error->message, delay);

  ap_client_emit_retrying (self, (guint) error->code, delay);
  g_error_free (error);

  /* A handler may have cancelled. */
  if (ap_fetch_op_is_done (op))
    return;

  g_assert (op->retry_source == NULL);
  op->retry_source = g_timeout_source_new (delay);
  g_source_set_static_name (op->retry_source, "[ap-client] retry wait");
  g_source_set_callback (op->retry_source, on_retry_timeout,
                         ap_fetch_op_ref (op), (GDestroyNotify) ap_fetch_op_unref);
  g_source_attach (op->retry_source, op->context);
}

/* Consumes @error: a failure of the current attempt. */
static void
op_attempt_failed (ApFetchOp *op,
                   GError    *error,
                   guint      reset_ms)
{
  if (ap_http_error_is_retryable (error))
    op_retry_or_fail (op, error, reset_ms);
  else
    ap_fetch_op_complete (op, error);
}

static void
read_body_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ApFetchOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = ap_http_read_body_finish (result, &error);
  if (op->req_stream != NULL)
    {
      g_input_stream_close_async (op->req_stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_object (&op->req_stream);
    }

  if (ap_fetch_op_is_done (op))
    return;

  g_clear_object (&op->req_message);

  if (body != NULL)
    {
      op->bytes_received += g_bytes_get_size (body);
      if (op->bytes_received > MAX_FETCH_BYTES)
        {
          ap_fetch_op_complete (op, g_error_new (AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                                        _("The server sent more than %u MB for one report, far "
                                          "more than Mimecast sends for the largest "
                                          "organisation, so the app stopped. Try again later; if "
                                          "it keeps happening, check the base URL."),
                                        (guint) (MAX_FETCH_BYTES / (1024 * 1024))));
          return;
        }
    }

  if (body == NULL)
    {
      /* A cut-short or oversized reply is not retried: the same request
       * would most likely fail the same way. A dropped connection is. */
      if (ap_http_error_is_retryable (error))
        op_attempt_failed (op, g_steal_pointer (&error), 0);
      else
        ap_fetch_op_complete (op, ap_fetch_op_page_error (op->req_page_no,
                                                          g_steal_pointer (&error)));
      return;
    }

  ap_fetch_op_start_scan (op, body);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ApFetchOp) op = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *message;
  guint status;

  stream = ap_http_send_with_credentials_finish (result, &error);

  if (ap_fetch_op_is_done (op))
    return;

  if (stream == NULL)
    {
      GError *mapped = NULL;

      g_clear_object (&op->req_message);
      ap_http_propagate_transport_error_for_host (g_steal_pointer (&error), op->host, &mapped);
      op_attempt_failed (op, mapped, 0);
      return;
    }

  message = op->req_message;
  status = soup_message_get_status (message);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_object (&op->req_stream, stream);
      ap_http_read_body_async (stream, message, AP_PARSER_MAX_BODY_SIZE,
                               op->io_cancellable, read_body_cb, ap_fetch_op_ref (op));
      return;
    }

  {
    SoupMessageHeaders *headers = soup_message_get_response_headers (message);
    GError *status_error = ap_http_error_from_message (message);
    /* Every reply carries X-RateLimit-Reset; only a 429 asks us to wait for it. */
    guint reset_ms = status == 429 ? ap_http_get_rate_limit_reset_ms (headers) : 0;

    g_debug ("Page %u: HTTP %u", op->req_page_no, status);
    g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    g_clear_object (&op->req_message);

    /* An expired API 2.0 token is refreshed once per request; a second 401
     * means the credentials themselves are refused. */
    if (status == SOUP_STATUS_UNAUTHORIZED && op->client->token_provider != NULL &&
        !op->req_reauthed)
      {
        g_error_free (status_error);
        op->req_reauthed = TRUE;
        ap_token_provider_invalidate (op->client->token_provider, op->req_bearer);
        op_send_attempt (op);
        return;
      }

    op_attempt_failed (op, status_error, reset_ms);
  }
}

/* libsoup resends a message on its own when a kept-alive connection turns
 * out to be closed; API 1.0 refuses a reused request ID, so such a resend
 * is signed again, but only for the configured server: redirects are off,
 * and should anything else ever change the URI, the resend goes unsigned. */
static void
on_message_restarted (SoupMessage *message,
                      gpointer     user_data)
{
  ApCredentials *credentials = user_data;
  g_autoptr(GError) error = NULL;

  if (!ap_http_check_credentials_target (message, ap_credentials_get_base_url (credentials),
                                         &error))
    {
      SoupMessageHeaders *headers = soup_message_get_request_headers (message);

      g_warning ("Not signing a resent request: %s", error->message);
      soup_message_headers_remove (headers, "Authorization");
      soup_message_headers_remove (headers, "x-mc-date");
      soup_message_headers_remove (headers, "x-mc-req-id");
      soup_message_headers_remove (headers, "x-mc-app-id");
      return;
    }

  if (!ap_auth_sign_message (credentials, message, &error))
    g_warning ("Could not sign a resent request: %s", error->message);
}

static void
op_send_message (ApFetchOp   *op,
                 SoupMessage *message)
{
  g_clear_object (&op->req_message);
  op->req_message = g_object_ref (message);

  if (op->client->token_provider == NULL)
    g_signal_connect_object (message, "restarted", G_CALLBACK (on_message_restarted),
                             op->client->credentials, 0);

  ap_http_send_with_credentials_async (op->client->session, message, op->base_url,
                                       G_PRIORITY_DEFAULT, op->io_cancellable, send_cb,
                                       ap_fetch_op_ref (op));
}

static SoupMessage *
op_new_message (ApFetchOp *op)
{
  g_autofree char *uri = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *message;
  SoupMessageHeaders *headers;
  gsize length = 0;

  uri = g_strconcat (op->base_url, AP_PERFORMANCE_PATH, NULL);
  message = soup_message_new (SOUP_METHOD_POST, uri);
  g_assert (message != NULL);   /* the base URL was validated */

  body = ap_query_to_request_body (op->query, op->req_token, &length);
  bytes = g_bytes_new_take (g_steal_pointer (&body), length);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");

  /* The POST only reads, and libsoup opens a new connection (a new TLS
   * handshake) for every non-idempotent request: hundreds of pages would
   * pay that each time. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);

  return message;
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ApFetchOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *header = NULL;
  g_autoptr(SoupMessage) message = NULL;

  token = ap_token_provider_get_token_finish (AP_TOKEN_PROVIDER (source), result, &error);

  if (ap_fetch_op_is_done (op))
    return;

  if (token == NULL)
    {
      GError *mapped = NULL;

      ap_http_propagate_transport_error_for_host (g_steal_pointer (&error), op->host, &mapped);
      op_attempt_failed (op, mapped, 0);
      return;
    }

  message = op_new_message (op);
  header = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", header);

  g_clear_pointer (&op->req_bearer, g_free);
  op->req_bearer = g_steal_pointer (&token);

  op_send_message (op, message);
}

/* One try of the current page: every try is a new message, so API 1.0 gets
 * a fresh date and request ID, and API 2.0 the current token. */
static void
op_send_attempt (ApFetchOp *op)
{
  ApClient *self = op->client;

  if (self->token_provider != NULL)
    {
      ap_token_provider_get_token_async (self->token_provider, op->io_cancellable,
                                         token_cb, ap_fetch_op_ref (op));
    }
  else
    {
      g_autoptr(SoupMessage) message = op_new_message (op);
      g_autoptr(GError) error = NULL;

      if (!ap_auth_sign_message (self->credentials, message, &error))
        {
          ap_fetch_op_complete (op, g_steal_pointer (&error));
          return;
        }

      op_send_message (op, message);
    }
}

void
ap_fetch_op_start_request (ApFetchOp *op)
{
  op->request_running = TRUE;
  op->req_attempt = 0;
  op->req_reauthed = FALSE;
  op_send_attempt (op);
}
