/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "ap-credentials.h"

G_BEGIN_DECLS

/* ---- API 1.0 ---- */

/* "Tue, 24 Nov 2015 12:50:11 UTC": English names whatever the locale, UTC.
 * (transfer full) */
char     *ap_auth_format_date      (GDateTime      *date_time);
/* A fresh random GUID, upper case like the reference page's example. */
char     *ap_auth_new_request_id   (void);

/* base64 (HMAC-SHA1 (base64-decode (secret_key), date ":" req_id ":" path ":" app_key)).
 * AP_ERROR_INVALID_CREDENTIALS when secret_key is not base64. (transfer full) */
char     *ap_auth_compute_signature (const char    *secret_key,
                                     const char    *date,
                                     const char    *request_id,
                                     const char    *path,
                                     const char    *app_key,
                                     GError       **error);

/* Adds Authorization, x-mc-date, x-mc-req-id and x-mc-app-id to @message's
 * request headers, with a fresh date and request ID (call it again for every
 * retry). The path signed is the message URI's path. */
gboolean  ap_auth_sign_message     (ApCredentials  *credentials,
                                    SoupMessage    *message,
                                    GError        **error);

/* ---- API 2.0 ---- */

#define AP_TYPE_TOKEN_PROVIDER (ap_token_provider_get_type ())
G_DECLARE_FINAL_TYPE (ApTokenProvider, ap_token_provider, AP, TOKEN_PROVIDER, GObject)

/* Client-credentials tokens from POST {base_url}/oauth/token, cached until
 * shortly before expires_in (60 s margin, or half the lifetime when that is
 * shorter). Concurrent callers share one refresh. */
ApTokenProvider *ap_token_provider_new        (SoupSession         *session,
                                               ApCredentials       *credentials);
void             ap_token_provider_get_token_async  (ApTokenProvider *self,
                                                     GCancellable    *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer         user_data);
/* (transfer full) AP_ERROR_AUTHENTICATION_FAILED for a refused client ID or
 * secret (400/401 from /oauth/token), other AP_ERROR codes as ApClient maps them. */
char            *ap_token_provider_get_token_finish (ApTokenProvider *self,
                                                     GAsyncResult    *result,
                                                     GError         **error);
/* Forget @token (the server answered 401 with it) so the next call fetches a
 * new one; a no-op when a newer token is already cached. */
void             ap_token_provider_invalidate (ApTokenProvider     *self,
                                               const char          *token);

G_END_DECLS
