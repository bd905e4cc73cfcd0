/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Shared by ApClient and ApTokenProvider so that both speak about HTTP and
 * transport failures in the same plain words. Not installed, not public. */

/* An AP_ERROR for a non-2xx @status: 400 AP_ERROR_BAD_REQUEST, 401
 * AP_ERROR_UNAUTHORIZED, 403 AP_ERROR_FORBIDDEN (naming the missing
 * permission), 404 AP_ERROR_NOT_FOUND, 418 AP_ERROR_KEYS_EXPIRED, 429
 * AP_ERROR_RATE_LIMITED, 5xx and anything else AP_ERROR_SERVER. @reason and
 * @headers may be NULL. Never NULL. (transfer full) */
GError   *ap_http_error_from_status         (guint               status,
                                             const char         *reason,
                                             SoupMessageHeaders *headers);

/* The same for a finished @message: a 3xx becomes AP_ERROR_REDIRECTED,
 * naming the host its Location points to. (transfer full) */
GError   *ap_http_error_from_message        (SoupMessage        *message);

/* The one gate for every request that carries a signature, a token or a
 * client secret: refuses (AP_ERROR_INSECURE_URL) a @message whose URI is
 * not on @base_url's origin (scheme, host and port), and marks it
 * SOUP_MESSAGE_NO_REDIRECT, so that a 3xx comes back as an answer instead of
 * carrying the credentials elsewhere. */
gboolean  ap_http_check_credentials_target  (SoupMessage        *message,
                                             const char         *base_url,
                                             GError            **error);

/* soup_session_send_async() behind ap_http_check_credentials_target(): a
 * refused message fails without touching the network. Callbacks get
 * @session as their source object. */
void          ap_http_send_with_credentials_async  (SoupSession         *session,
                                                    SoupMessage         *message,
                                                    const char          *base_url,
                                                    int                  io_priority,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* (transfer full) */
GInputStream *ap_http_send_with_credentials_finish (GAsyncResult        *result,
                                                    GError             **error);

/* TRUE when @status is worth another try (429, 5xx). */
gboolean  ap_http_status_is_retryable       (guint               status);

/* The X-RateLimit-Reset header (milliseconds until a request is added back)
 * or 0 when absent or malformed. Clamped to one hour. */
guint     ap_http_get_rate_limit_reset_ms   (SoupMessageHeaders *headers);

/* Maps a transport @error (consumed) from libsoup/GIO into *@dest:
 * G_IO_ERROR_CANCELLED is passed through unchanged; timeouts become
 * AP_ERROR_TIMEOUT; certificate and TLS failures AP_ERROR_TLS; refused,
 * reset or closed connections, unknown hosts (G_RESOLVER_ERROR too) and
 * unreachable networks AP_ERROR_NETWORK; an AP_ERROR is kept; anything else
 * AP_ERROR_NETWORK. Always returns FALSE so it can end a function:
 * `return ap_http_propagate_transport_error (e, error);` */
gboolean  ap_http_propagate_transport_error (GError             *error,
                                             GError            **dest);
/* The same, naming @host (nullable) in the message ("Could not reach …"). */
gboolean  ap_http_propagate_transport_error_for_host (GError       *error,
                                                      const char   *host,
                                                      GError      **dest);

/* TRUE when an already mapped error is worth another try: AP_ERROR_NETWORK,
 * AP_ERROR_TIMEOUT, AP_ERROR_SERVER and AP_ERROR_RATE_LIMITED. Never for
 * TLS, cancellation or anything the person has to fix. */
gboolean  ap_http_error_is_retryable        (const GError       *error);

/* Reads @stream to the end into memory, at most @max_size bytes (0 means
 * AP_PARSER_MAX_BODY_SIZE). @message (nullable) is the one @stream answers:
 * its Content-Length, when declared, is checked up front (over the cap fails
 * at once with AP_ERROR_RESPONSE_TOO_LARGE) and afterwards (fewer bytes than
 * declared is AP_ERROR_INVALID_RESPONSE, "The server's reply was cut short").
 * Read errors are mapped as by ap_http_propagate_transport_error(), except
 * that a connection closed mid-body after a declared length is "cut short".
 * The stream is not closed. */
void      ap_http_read_body_async           (GInputStream       *stream,
                                             SoupMessage        *message,
                                             gsize               max_size,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
/* (transfer full) */
GBytes   *ap_http_read_body_finish          (GAsyncResult       *result,
                                             GError            **error);

G_END_DECLS
