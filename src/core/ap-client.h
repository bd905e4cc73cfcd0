/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "ap-credentials.h"
#include "ap-query.h"

G_BEGIN_DECLS

#define AP_PERFORMANCE_PATH "/api/awareness-training/company/get-performance-details"

#define AP_TYPE_CLIENT (ap_client_get_type ())
G_DECLARE_FINAL_TYPE (ApClient, ap_client, AP, CLIENT, GObject)

/* Called on the thread-default main context of the fetch_async() caller, in
 * page order, once per page, with the page's users (GPtrArray of ApUser,
 * transfer none: ref what you keep). */
typedef void (*ApClientBatchFunc) (ApClient  *client,
                                   GPtrArray *users,
                                   gpointer   user_data);

/* One shared SoupSession per client. Properties: "credentials"
 * (construct-only), "timeout" (uint seconds per request, default 60),
 * "max-retries" (uint, default 4: tries after the first for 429, 5xx and
 * dropped connections), "retry-delay-ms" (uint, base of the exponential
 * backoff, default 1000; tests set it low), "max-retry-delay-ms" (uint,
 * default 30000).
 *
 * Signals (emitted on the caller's main context):
 *   "progress" (guint pages, guint users, gint64 total_count or -1)
 *   "retrying" (guint error_code, guint delay_ms): an ApErrorCode
 *     (AP_ERROR_RATE_LIMITED, AP_ERROR_SERVER, AP_ERROR_NETWORK,
 *     AP_ERROR_TIMEOUT) and how long the client waits before the next try;
 *     the UI shows "Rate limited, retrying in N s". */
ApClient   *ap_client_new                 (ApCredentials      *credentials);
ApCredentials *ap_client_get_credentials  (ApClient           *self);
void        ap_client_set_timeout         (ApClient           *self,
                                           guint               seconds);
void        ap_client_set_retry_policy    (ApClient           *self,
                                           guint               max_retries,
                                           guint               retry_delay_ms,
                                           guint               max_retry_delay_ms);

/* Validates @query and the credentials first (no request when invalid),
 * then POSTs page 1 and follows meta.pagination.next to the last page.
 * Each body is checked and parsed on a worker thread; the next page is
 * requested as soon as its token is known, so fetching overlaps parsing.
 * At most a few parsed pages wait for @batch_func, so memory stays flat
 * however large the organisation. Completes once: TRUE after the last page
 * was delivered, FALSE with an AP_ERROR, or G_IO_ERROR_CANCELLED (never
 * another error) when @cancellable fired. The query is copied. */
void        ap_client_fetch_async         (ApClient           *self,
                                           ApQuery            *query,
                                           ApClientBatchFunc   batch_func,
                                           gpointer            batch_data,
                                           GDestroyNotify      batch_data_destroy,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
gboolean    ap_client_fetch_finish        (ApClient           *self,
                                           GAsyncResult       *result,
                                           GError            **error);

/* One small request (pageSize 1, no details) that proves the credentials,
 * URL and permission work. */
void        ap_client_test_connection_async  (ApClient           *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean    ap_client_test_connection_finish (ApClient           *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS
