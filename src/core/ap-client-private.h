/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-auth.h"
#include "ap-client.h"
#include "ap-parser.h"

G_BEGIN_DECLS

/* ApClient in three files, along the seams of a fetch:
 *   ap-client.c          the GObject, the public API, one fetch's life (start, cancel, complete)
 *   ap-client-pages.c    paging: scan each body for its next token, parse it off the main
 *                        thread, deliver pages in order, bound the backlog and the page count
 *   ap-client-request.c  one page's request: sign or fetch a token, send, read, and retry
 *                        with backoff or the server's rate-limit reset */

struct _ApClient
{
  GObject          parent_instance;

  ApCredentials   *credentials;
  SoupSession     *session;
  ApTokenProvider *token_provider;   /* API 2.0 only */

  guint            timeout;
  guint            max_retries;
  guint            retry_delay_ms;
  guint            max_retry_delay_ms;
};

/* One page between its response and its delivery. */
typedef struct
{
  guint   page_no;
  gsize   body_size;
  ApPage *page;   /* NULL while the worker parses it */
} ApPageSlot;

/* The state of one fetch_async() or test_connection_async() call. Shared
 * with the callbacks of requests, waits and worker tasks, which may outlive
 * the GTask when the fetch is cancelled: they find `completed` set and drop
 * their results. Only ever touched on `context`. */
typedef struct
{
  gatomicrefcount  ref_count;

  ApClient        *client;
  GTask           *task;            /* NULL once completed */
  GMainContext    *context;
  GCancellable    *cancellable;     /* the caller's, nullable */
  GCancellable    *io_cancellable;  /* ours: aborts what is in flight on completion */
  GSource         *cancel_source;
  GSource         *retry_source;
  gboolean         completed;
  gboolean         single_page;     /* test_connection: page 1, no delivery */

  ApQuery         *query;
  ApClientBatchFunc batch_func;
  gpointer         batch_data;
  GDestroyNotify   batch_data_destroy;

  char            *base_url;
  char            *host;

  /* the one request in flight, if any */
  gboolean         request_running;
  guint            req_page_no;
  char            *req_token;       /* pageToken sent, NULL for page 1 */
  guint            req_attempt;     /* 0 for the first try */
  gboolean         req_reauthed;
  char            *req_bearer;      /* API 2.0 token used by this attempt */
  SoupMessage     *req_message;
  GInputStream    *req_stream;      /* the body being read */

  /* pagination */
  GHashTable      *seen_tokens;
  char            *pending_token;   /* known, not yet requested (backlog full) */
  gboolean         have_pending;
  gboolean         last_page_seen;
  guint            next_page_no;

  GQueue           slots;           /* ApPageSlot, in page order */
  gsize            backlog_bytes;   /* the slots' body sizes, summed */
  guint64          bytes_received;
  guint            pages_delivered;
  guint            users_delivered;
  gint64           total_count;
} ApFetchOp;

ApFetchOp *ap_fetch_op_ref           (ApFetchOp  *op);
void       ap_fetch_op_unref         (ApFetchOp  *op);
void       ap_page_slot_free         (ApPageSlot *slot);
void       ap_fetch_op_complete      (ApFetchOp  *op,
                                      GError     *error);
gboolean   ap_fetch_op_is_done       (ApFetchOp  *op);
GError    *ap_fetch_op_page_error    (guint       page_no,
                                      GError     *error);

/* ap-client-pages.c */
void       ap_fetch_op_start_scan    (ApFetchOp  *op,
                                      GBytes     *body);
void       ap_fetch_op_maybe_advance (ApFetchOp  *op);

/* ap-client-request.c */
void       ap_fetch_op_start_request (ApFetchOp  *op);

void       ap_client_emit_progress   (ApClient   *self,
                                      guint       pages,
                                      guint       users,
                                      gint64      total_count);
void       ap_client_emit_retrying   (ApClient   *self,
                                      guint       error_code,
                                      guint       delay_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApFetchOp, ap_fetch_op_unref)

G_END_DECLS
