/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AP_ERROR (ap_error_quark ())

/**
 * ApErrorCode:
 *
 * One code for every failure a person must be able to tell apart. The
 * message of an #AP_ERROR is always written for the person using the app:
 * plain words, what happened and what to do, never a secret.
 */
typedef enum
{
  AP_ERROR_INVALID_QUERY,        /* a query field breaks a rule; the message names field and rule */
  AP_ERROR_INVALID_CREDENTIALS,  /* a credentials field is missing or malformed (e.g. bad base64) */
  AP_ERROR_INSECURE_URL,         /* http:// to a non-loopback host, or not a URL at all */
  AP_ERROR_NO_CREDENTIALS,       /* nothing stored in the keyring / environment */
  AP_ERROR_API_FAILURE,          /* HTTP 200 with a non-empty "fail" array (Mimecast code + message) */
  AP_ERROR_BAD_REQUEST,          /* HTTP 400 */
  AP_ERROR_UNAUTHORIZED,         /* HTTP 401 (after one re-authentication for API 2.0) */
  AP_ERROR_AUTHENTICATION_FAILED,/* API 2.0 token request refused: wrong client ID or secret */
  AP_ERROR_FORBIDDEN,            /* HTTP 403: missing Awareness Training | Dashboard | Read */
  AP_ERROR_NOT_FOUND,            /* HTTP 404: wrong base URL / endpoint */
  AP_ERROR_KEYS_EXPIRED,         /* HTTP 418: binding expired */
  AP_ERROR_RATE_LIMITED,         /* HTTP 429 still after the bounded retries */
  AP_ERROR_SERVER,               /* HTTP 5xx (or other unexpected status) after the bounded retries */
  AP_ERROR_NETWORK,              /* no network, or a connection dropped after it was made; retried */
  AP_ERROR_TIMEOUT,              /* the server did not answer in time */
  AP_ERROR_TLS,                  /* certificate or TLS failure; never bypassed */
  AP_ERROR_INVALID_RESPONSE,     /* unparseable body, wrong type, negative count, nesting too deep */
  AP_ERROR_RESPONSE_TOO_LARGE,   /* over a bound: a body, users in a page, pages or bytes in a fetch */
  AP_ERROR_KEYRING_UNAVAILABLE,  /* no Secret Service / no session bus */
  AP_ERROR_KEYRING,              /* the keyring refused (locked, dismissed prompt, ...) */
  AP_ERROR_WRITE,                /* an export could not be written; the target is untouched */
  AP_ERROR_REDIRECTED,           /* HTTP 3xx: never followed with credentials; names the target host */
  AP_ERROR_CONNECTION_REFUSED,   /* the host answered but nothing listens on the port: wrong URL */
  AP_ERROR_HOST_NOT_FOUND,       /* the host name does not resolve: wrong URL or no DNS */
  AP_ERROR_PROXY,                /* the proxy refused, failed or wants authentication */
} ApErrorCode;

GQuark       ap_error_quark          (void);

/* TRUE for errors that the person fixes by editing the credentials
 * (401, 418, refused token, invalid credentials, none stored). */
gboolean     ap_error_is_credentials (const GError *error);

/* TRUE for errors the person fixes by correcting the base URL in the
 * credentials (refused connection, unknown host, 404, redirect). */
gboolean     ap_error_is_address     (const GError *error);

/* TRUE for G_IO_ERROR_CANCELLED: never shown as a failure. */
gboolean     ap_error_is_cancelled   (const GError *error);

G_END_DECLS
