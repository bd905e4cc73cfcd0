/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-client"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "ap-auth.h"
#include "ap-client.h"
#include "ap-error.h"
#include "ap-http-private.h"
#include "ap-parser.h"
#include "ap-user.h"

/* Pages fetched but not yet handed to the batch function (being parsed or
 * waiting their turn). Bounding them keeps memory flat however many pages
 * there are, while still letting the next request overlap the parse. */
#define MAX_BACKLOG 3
/* ... and by bytes: a normal page of 500 users is about 1.2 MB, a hostile
 * one up to AP_PARSER_MAX_BODY_SIZE; past this much waiting, the next
 * request waits for a delivery instead of piling up more. */
#define MAX_BACKLOG_BYTES (16 * 1024 * 1024)

/* Bounds on one fetch, whatever the server says. Pages: twice the pages
 * totalCount needs, plus ten (counts drift while a report is fetched), or
 * MAX_PAGES_WITHOUT_TOTAL (a million users in pages of 500) when the server
 * never says. Bytes: Mimecast's reply for 100,000 users with ten records
 * each is 180 MB. */
#define PAGES_MARGIN_FACTOR     2
#define PAGES_MARGIN_EXTRA      10
#define MAX_PAGES_WITHOUT_TOTAL 2000
#define MAX_FETCH_BYTES         (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)

#define DEFAULT_TIMEOUT            60
#define DEFAULT_MAX_RETRIES        4
#define DEFAULT_RETRY_DELAY_MS     1000
#define DEFAULT_MAX_RETRY_DELAY_MS 30000

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

G_DEFINE_FINAL_TYPE (ApClient, ap_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CREDENTIALS,
  PROP_TIMEOUT,
  PROP_MAX_RETRIES,
  PROP_RETRY_DELAY_MS,
  PROP_MAX_RETRY_DELAY_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  SIGNAL_RETRYING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One page between its response and its delivery. */
typedef struct
{
  guint   page_no;
  gsize   body_size;
  ApPage *page;   /* NULL while the worker parses it */
} PageSlot;

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

  GQueue           slots;           /* PageSlot, in page order */
  gsize            backlog_bytes;   /* the slots' body sizes, summed */
  guint64          bytes_received;
  guint            pages_delivered;
  guint            users_delivered;
  gint64           total_count;
} FetchOp;

static void op_start_request  (FetchOp *op);
static void op_send_attempt   (FetchOp *op);
static void op_maybe_advance  (FetchOp *op);

static FetchOp *
fetch_op_ref (FetchOp *op)
{
  g_atomic_ref_count_inc (&op->ref_count);
  return op;
}

static void
page_slot_free (PageSlot *slot)
{
  g_clear_pointer (&slot->page, ap_page_free);
  g_free (slot);
}

static void
fetch_op_unref (FetchOp *op)
{
  if (!g_atomic_ref_count_dec (&op->ref_count))
    return;

  g_assert (op->task == NULL);
  g_assert (op->retry_source == NULL);
  g_assert (op->cancel_source == NULL);

  if (op->batch_data_destroy != NULL && op->batch_data != NULL)
    op->batch_data_destroy (op->batch_data);

  g_queue_clear_full (&op->slots, (GDestroyNotify) page_slot_free);
  g_clear_pointer (&op->seen_tokens, g_hash_table_unref);
  g_clear_pointer (&op->pending_token, g_free);
  g_clear_pointer (&op->req_token, g_free);
  g_clear_pointer (&op->req_bearer, g_free);
  g_clear_object (&op->req_message);
  g_clear_object (&op->req_stream);
  g_clear_pointer (&op->base_url, g_free);
  g_clear_pointer (&op->host, g_free);
  g_clear_object (&op->query);
  g_clear_object (&op->io_cancellable);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->context, g_main_context_unref);
  g_clear_object (&op->client);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchOp, fetch_op_unref)

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* The one way out: returns the task exactly once, aborts whatever is still
 * in flight and forgets the pages nobody will receive. @error is consumed;
 * NULL means success. */
static void
op_complete (FetchOp *op,
             GError  *error)
{
  g_autoptr(GTask) task = NULL;

  if (op->completed)
    {
      g_clear_error (&error);
      return;
    }

  op->completed = TRUE;
  task = g_steal_pointer (&op->task);

  g_cancellable_cancel (op->io_cancellable);
  clear_source (&op->retry_source);
  clear_source (&op->cancel_source);
  g_queue_clear_full (&op->slots, (GDestroyNotify) page_slot_free);

  /* The caller may free what the batch function uses as soon as the
   * callback runs; it is never called again from here on. */
  op->batch_func = NULL;
  if (op->batch_data_destroy != NULL && op->batch_data != NULL)
    op->batch_data_destroy (g_steal_pointer (&op->batch_data));

  if (error != NULL)
    {
      if (!ap_error_is_cancelled (error))
        g_debug ("Fetch failed: %s", error->message);
      g_task_return_error (task, error);
    }
  else
    {
      g_task_return_boolean (task, TRUE);
    }
}

static void
op_complete_cancelled (FetchOp *op)
{
  op_complete (op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        _("The operation was cancelled")));
}

/* TRUE when nothing more may happen: already completed, or the caller
 * cancelled (then completes now, as cancelled, whatever else went on). */
static gboolean
op_is_done (FetchOp *op)
{
  if (op->completed)
    return TRUE;

  if (op->cancellable != NULL && g_cancellable_is_cancelled (op->cancellable))
    {
      op_complete_cancelled (op);
      return TRUE;
    }

  return FALSE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  FetchOp *op = user_data;

  /* The source is destroyed in op_complete(); drop our pointer first so it
   * is not destroyed while dispatching. */
  g_clear_pointer (&op->cancel_source, g_source_unref);
  op_complete_cancelled (op);

  return G_SOURCE_REMOVE;
}

static GError *
page_error (guint   page_no,
            GError *error)
{
  GError *prefixed;

  if (error->domain != AP_ERROR)
    return error;

  prefixed = g_error_new (error->domain, error->code,
                          /* Translators: "Page 3: data[12].numCorrect: expected a whole number" */
                          _("Page %u: %s"), page_no, error->message);
  g_error_free (error);
  return prefixed;
}

/* ---- delivery ---- */

static void
op_finish_if_done (FetchOp *op)
{
  if (op->completed)
    return;

  if (op->last_page_seen && !op->request_running && !op->have_pending &&
      g_queue_is_empty (&op->slots))
    op_complete (op, NULL);
}

static void
op_deliver_ready (FetchOp *op)
{
  g_autoptr(FetchOp) hold = fetch_op_ref (op);

  while (!op_is_done (op))
    {
      PageSlot *slot = g_queue_peek_head (&op->slots);
      g_autoptr(ApPage) page = NULL;

      if (slot == NULL || slot->page == NULL)
        break;

      g_queue_pop_head (&op->slots);
      op->backlog_bytes -= slot->body_size;
      page = g_steal_pointer (&slot->page);
      page_slot_free (slot);

      if (page->total_count >= 0)
        op->total_count = page->total_count;

      op->pages_delivered++;
      op->users_delivered += page->users->len;

      if (op->batch_func != NULL)
        op->batch_func (op->client, page->users, op->batch_data);

      if (op_is_done (op))
        return;

      g_signal_emit (op->client, signals[SIGNAL_PROGRESS], 0,
                     op->pages_delivered, op->users_delivered, op->total_count);
    }

  if (op->completed)
    return;

  op_maybe_advance (op);
  op_finish_if_done (op);
}

/* ---- worker tasks ---- */

static void
parse_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GBytes *body = task_data;
  GError *error = NULL;
  ApPage *page;

  page = ap_parser_parse_page (body, &error);
  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) ap_page_free);
}

static void
parse_page_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FetchOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ApPage) page = NULL;
  guint page_no;
  GList *link;

  page = g_task_propagate_pointer (G_TASK (result), &error);

  /* A cancelled or failed fetch drops the worker's result here, on the
   * caller's context, so nothing is freed behind a batch function's back. */
  if (op_is_done (op))
    return;

  page_no = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "ap-page-no"));

  if (page == NULL)
    {
      op_complete (op, page_error (page_no, g_steal_pointer (&error)));
      return;
    }

  for (link = op->slots.head; link != NULL; link = link->next)
    {
      PageSlot *slot = link->data;

      if (slot->page_no == page_no)
        {
          slot->page = g_steal_pointer (&page);
          break;
        }
    }

  op_deliver_ready (op);
}

static void
op_start_parse (FetchOp *op,
                guint    page_no,
                GBytes  *body)
{
  g_autoptr(GTask) task = NULL;
  PageSlot *slot;

  slot = g_new0 (PageSlot, 1);
  slot->page_no = page_no;
  slot->body_size = g_bytes_get_size (body);
  op->backlog_bytes += slot->body_size;
  g_queue_push_tail (&op->slots, slot);

  /* No cancellable: a parse cannot be interrupted midway, and its result is
   * dropped in parse_page_cb() when the fetch is over by then. */
  task = g_task_new (NULL, NULL, parse_page_cb, fetch_op_ref (op));
  g_task_set_source_tag (task, op_start_parse);
  g_task_set_task_data (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_object_set_data (G_OBJECT (task), "ap-page-no", GUINT_TO_POINTER (page_no));
  g_task_run_in_thread (task, parse_page_thread);
}

/* NULL while page @page_no may point to one more, else why not: a server
 * that hands out a fresh "next" token for ever would fill the disk (the
 * headless export) or the memory (the window). */
static GError *
op_check_page_count (FetchOp *op,
                     guint    page_no)
{
  guint page_size = MAX (ap_query_get_page_size (op->query), 1);

  if (op->total_count >= 0)
    {
      guint64 needed = ((guint64) op->total_count + page_size - 1) / page_size;
      guint64 allowed = needed * PAGES_MARGIN_FACTOR + PAGES_MARGIN_EXTRA;

      if (page_no < allowed)
        return NULL;

      return g_error_new (AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                          _("The server kept sending pages: page %u pointed to another, though "
                            "the server counts %" PRId64 " users, which fit in %" PRIu64 " "
                            "pages. The app stopped; try again later, and if it keeps "
                            "happening, check the base URL."),
                          page_no, (int64_t) op->total_count, (uint64_t) needed);
    }

  if (page_no < MAX_PAGES_WITHOUT_TOTAL)
    return NULL;

  return g_error_new (AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                      _("The server kept sending pages: page %u pointed to another, and the "
                        "server never said how many users there are. The app stops after %u "
                        "pages; try again later, and if it keeps happening, check the base URL."),
                      page_no, (guint) MAX_PAGES_WITHOUT_TOTAL);
}

typedef struct
{
  char   *next_page_token;
  gint64  total_count;
} ScanResult;

static void
scan_result_free (ScanResult *scan)
{
  g_free (scan->next_page_token);
  g_free (scan);
}

static void
scan_meta_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GBytes *body = task_data;
  GError *error = NULL;
  ScanResult *scan = g_new0 (ScanResult, 1);

  if (!ap_parser_scan_meta (body, &scan->next_page_token, &scan->total_count, &error))
    {
      scan_result_free (scan);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, scan, (GDestroyNotify) scan_result_free);
}

static void
scan_meta_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FetchOp) op = user_data;
  GBytes *body = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  ScanResult *scan;
  guint page_no;

  scan = g_task_propagate_pointer (G_TASK (result), &error);
  if (op_is_done (op))
    {
      g_clear_pointer (&scan, scan_result_free);
      return;
    }

  page_no = op->req_page_no;
  op->request_running = FALSE;

  if (scan == NULL)
    {
      op_complete (op, page_error (page_no, g_steal_pointer (&error)));
      return;
    }

  if (scan->total_count >= 0)
    op->total_count = scan->total_count;

  if (op->single_page)
    {
      scan_result_free (scan);
      op_complete (op, NULL);
      return;
    }

  if (scan->next_page_token != NULL && *scan->next_page_token != '\0')
    {
      GError *endless = op_check_page_count (op, page_no);

      if (endless != NULL)
        {
          scan_result_free (scan);
          op_complete (op, endless);
          return;
        }

      if (g_hash_table_contains (op->seen_tokens, scan->next_page_token))
        {
          scan_result_free (scan);
          op_complete (op, g_error_new (AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                                        _("Page %u: the server pointed back to a page it had "
                                          "already sent, so the list would never end. Try again "
                                          "later."),
                                        page_no));
          return;
        }

      g_hash_table_add (op->seen_tokens, g_strdup (scan->next_page_token));
      g_clear_pointer (&op->pending_token, g_free);
      op->pending_token = g_steal_pointer (&scan->next_page_token);
      op->have_pending = TRUE;
    }
  else
    {
      op->last_page_seen = TRUE;
    }

  scan_result_free (scan);

  op_start_parse (op, page_no, body);
  op_maybe_advance (op);
}

static void
op_start_scan (FetchOp *op,
               GBytes  *body)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, NULL, scan_meta_cb, fetch_op_ref (op));
  g_task_set_source_tag (task, op_start_scan);
  g_task_set_task_data (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, scan_meta_thread);
}

/* Starts the next request when its token is known and the backlog has room. */
static void
op_maybe_advance (FetchOp *op)
{
  if (op->completed || op->request_running || !op->have_pending)
    return;

  if (g_queue_get_length (&op->slots) >= MAX_BACKLOG ||
      op->backlog_bytes >= MAX_BACKLOG_BYTES)
    return;

  g_clear_pointer (&op->req_token, g_free);
  op->req_token = g_steal_pointer (&op->pending_token);
  op->have_pending = FALSE;
  op->req_page_no = ++op->next_page_no;
  op_start_request (op);
}

/* ---- requests and retries ---- */

static guint
op_backoff_ms (FetchOp *op,
               guint    attempt)
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
  FetchOp *op = user_data;

  g_clear_pointer (&op->retry_source, g_source_unref);

  if (op_is_done (op))
    return G_SOURCE_REMOVE;

  op->req_attempt++;
  op_send_attempt (op);

  return G_SOURCE_REMOVE;
}

/* A retryable failure of the current attempt: wait and try again, or give
 * up with @error once the tries are spent. @reset_ms is the server's
 * X-RateLimit-Reset (0 when none). Consumes @error. */
static void
op_retry_or_fail (FetchOp *op,
                  GError  *error,
                  guint    reset_ms)
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
      op_complete (op, final);
      return;
    }

  delay = op_backoff_ms (op, op->req_attempt);
  delay = MAX (delay, reset_ms);

  g_debug ("Page %u: %s; retrying in %u ms", op->req_page_no, error->message, delay);

  g_signal_emit (self, signals[SIGNAL_RETRYING], 0, (guint) error->code, delay);
  g_error_free (error);

  /* A handler may have cancelled. */
  if (op_is_done (op))
    return;

  g_assert (op->retry_source == NULL);
  op->retry_source = g_timeout_source_new (delay);
  g_source_set_static_name (op->retry_source, "[ap-client] retry wait");
  g_source_set_callback (op->retry_source, on_retry_timeout,
                         fetch_op_ref (op), (GDestroyNotify) fetch_op_unref);
  g_source_attach (op->retry_source, op->context);
}

/* Consumes @error: a failure of the current attempt. */
static void
op_attempt_failed (FetchOp *op,
                   GError  *error,
                   guint    reset_ms)
{
  if (ap_http_error_is_retryable (error))
    op_retry_or_fail (op, error, reset_ms);
  else
    op_complete (op, error);
}

static void
read_body_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FetchOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = ap_http_read_body_finish (result, &error);
  if (op->req_stream != NULL)
    {
      g_input_stream_close_async (op->req_stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_object (&op->req_stream);
    }

  if (op_is_done (op))
    return;

  g_clear_object (&op->req_message);

  if (body != NULL)
    {
      op->bytes_received += g_bytes_get_size (body);
      if (op->bytes_received > MAX_FETCH_BYTES)
        {
          op_complete (op, g_error_new (AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
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
        op_complete (op, page_error (op->req_page_no, g_steal_pointer (&error)));
      return;
    }

  op_start_scan (op, body);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FetchOp) op = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *message;
  guint status;

  stream = ap_http_send_with_credentials_finish (result, &error);

  if (op_is_done (op))
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
                               op->io_cancellable, read_body_cb, fetch_op_ref (op));
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
op_send_message (FetchOp     *op,
                 SoupMessage *message)
{
  g_clear_object (&op->req_message);
  op->req_message = g_object_ref (message);

  if (op->client->token_provider == NULL)
    g_signal_connect_object (message, "restarted", G_CALLBACK (on_message_restarted),
                             op->client->credentials, 0);

  ap_http_send_with_credentials_async (op->client->session, message, op->base_url,
                                       G_PRIORITY_DEFAULT, op->io_cancellable, send_cb,
                                       fetch_op_ref (op));
}

static SoupMessage *
op_new_message (FetchOp *op)
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
  g_autoptr(FetchOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *header = NULL;
  g_autoptr(SoupMessage) message = NULL;

  token = ap_token_provider_get_token_finish (AP_TOKEN_PROVIDER (source), result, &error);

  if (op_is_done (op))
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
op_send_attempt (FetchOp *op)
{
  ApClient *self = op->client;

  if (self->token_provider != NULL)
    {
      ap_token_provider_get_token_async (self->token_provider, op->io_cancellable,
                                         token_cb, fetch_op_ref (op));
    }
  else
    {
      g_autoptr(SoupMessage) message = op_new_message (op);
      g_autoptr(GError) error = NULL;

      if (!ap_auth_sign_message (self->credentials, message, &error))
        {
          op_complete (op, g_steal_pointer (&error));
          return;
        }

      op_send_message (op, message);
    }
}

static void
op_start_request (FetchOp *op)
{
  op->request_running = TRUE;
  op->req_attempt = 0;
  op->req_reauthed = FALSE;
  op_send_attempt (op);
}

/* ---- setup ---- */

static FetchOp *
fetch_op_new (ApClient     *self,
              GTask        *task,
              ApQuery      *query,
              GCancellable *cancellable)
{
  FetchOp *op = g_new0 (FetchOp, 1);
  g_autoptr(GUri) uri = NULL;

  g_atomic_ref_count_init (&op->ref_count);
  op->client = g_object_ref (self);
  op->task = g_object_ref (task);
  op->context = g_main_context_ref_thread_default ();
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  op->io_cancellable = g_cancellable_new ();
  op->query = ap_query_copy (query);
  op->seen_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  op->total_count = -1;
  op->base_url = g_strdup (ap_credentials_get_base_url (self->credentials));

  uri = g_uri_parse (op->base_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    op->host = g_strdup (g_uri_get_host (uri));

  return op;
}

/* Validates, then starts page 1, or completes the task with the reason. */
static void
op_start (FetchOp *op)
{
  GError *error = NULL;

  if (!ap_query_validate (op->query, &error) ||
      !ap_credentials_validate (op->client->credentials, &error))
    {
      op_complete (op, error);
      return;
    }

  if (op->cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (op->cancellable))
        {
          op_complete_cancelled (op);
          return;
        }

      op->cancel_source = g_cancellable_source_new (op->cancellable);
      g_source_set_static_name (op->cancel_source, "[ap-client] cancel");
      g_source_set_callback (op->cancel_source, G_SOURCE_FUNC (on_cancelled),
                             fetch_op_ref (op), (GDestroyNotify) fetch_op_unref);
      g_source_attach (op->cancel_source, op->context);
    }

  op->next_page_no = 1;
  op->req_page_no = 1;
  g_clear_pointer (&op->req_token, g_free);
  op_start_request (op);
}

/* ---- GObject ---- */

static void
ap_client_constructed (GObject *object)
{
  ApClient *self = AP_CLIENT (object);
  g_autofree char *user_agent = g_strdup_printf ("awareness-performance/%s", PACKAGE_VERSION);

  G_OBJECT_CLASS (ap_client_parent_class)->constructed (object);

  g_assert (self->credentials != NULL);

  /* No accept-certificate handler anywhere: a certificate the system does
   * not trust fails the request, and that is shown, never bypassed. */
  self->session = soup_session_new_with_options ("timeout", self->timeout,
                                                 "idle-timeout", self->timeout,
                                                 "user-agent", user_agent,
                                                 NULL);

  if (ap_credentials_get_mode (self->credentials) == AP_AUTH_MODE_API2)
    self->token_provider = ap_token_provider_new (self->session, self->credentials);
}

static void
ap_client_dispose (GObject *object)
{
  ApClient *self = AP_CLIENT (object);

  g_clear_object (&self->token_provider);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ap_client_parent_class)->dispose (object);
}

static void
ap_client_finalize (GObject *object)
{
  ApClient *self = AP_CLIENT (object);

  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (ap_client_parent_class)->finalize (object);
}

static void
set_uint_property (ApClient *self,
                   guint    *field,
                   guint     value,
                   guint     prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
ap_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  ApClient *self = AP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;
    case PROP_RETRY_DELAY_MS:
      g_value_set_uint (value, self->retry_delay_ms);
      break;
    case PROP_MAX_RETRY_DELAY_MS:
      g_value_set_uint (value, self->max_retry_delay_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  ApClient *self = AP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;
    case PROP_TIMEOUT:
      ap_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RETRIES:
      set_uint_property (self, &self->max_retries, g_value_get_uint (value), prop_id);
      break;
    case PROP_RETRY_DELAY_MS:
      set_uint_property (self, &self->retry_delay_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_RETRY_DELAY_MS:
      set_uint_property (self, &self->max_retry_delay_ms, g_value_get_uint (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_client_class_init (ApClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ap_client_constructed;
  object_class->dispose = ap_client_dispose;
  object_class->finalize = ap_client_finalize;
  object_class->get_property = ap_client_get_property;
  object_class->set_property = ap_client_set_property;

  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL,
                         AP_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL,
                       0, 100, DEFAULT_MAX_RETRIES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_DELAY_MS] =
    g_param_spec_uint ("retry-delay-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RETRY_DELAY_MS] =
    g_param_spec_uint ("max-retry-delay-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_MAX_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_INT64);
  signals[SIGNAL_RETRYING] =
    g_signal_new ("retrying",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
ap_client_init (ApClient *self)
{
  self->timeout = DEFAULT_TIMEOUT;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
  self->max_retry_delay_ms = DEFAULT_MAX_RETRY_DELAY_MS;
}

/* ---- public API ---- */

ApClient *
ap_client_new (ApCredentials *credentials)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (credentials), NULL);

  return g_object_new (AP_TYPE_CLIENT, "credentials", credentials, NULL);
}

ApCredentials *
ap_client_get_credentials (ApClient *self)
{
  g_return_val_if_fail (AP_IS_CLIENT (self), NULL);

  return self->credentials;
}

void
ap_client_set_timeout (ApClient *self,
                       guint     seconds)
{
  g_return_if_fail (AP_IS_CLIENT (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  if (self->session != NULL)
    {
      soup_session_set_timeout (self->session, seconds);
      soup_session_set_idle_timeout (self->session, seconds);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
ap_client_set_retry_policy (ApClient *self,
                            guint     max_retries,
                            guint     retry_delay_ms,
                            guint     max_retry_delay_ms)
{
  g_return_if_fail (AP_IS_CLIENT (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_uint_property (self, &self->max_retries, MIN (max_retries, 100), PROP_MAX_RETRIES);
  set_uint_property (self, &self->retry_delay_ms, retry_delay_ms, PROP_RETRY_DELAY_MS);
  set_uint_property (self, &self->max_retry_delay_ms, max_retry_delay_ms,
                     PROP_MAX_RETRY_DELAY_MS);
  g_object_thaw_notify (G_OBJECT (self));
}

void
ap_client_fetch_async (ApClient           *self,
                       ApQuery            *query,
                       ApClientBatchFunc   batch_func,
                       gpointer            batch_data,
                       GDestroyNotify      batch_data_destroy,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FetchOp) op = NULL;

  g_return_if_fail (AP_IS_CLIENT (self));
  g_return_if_fail (AP_IS_QUERY (query));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_client_fetch_async);

  op = fetch_op_new (self, task, query, cancellable);
  op->batch_func = batch_func;
  op->batch_data = batch_data;
  op->batch_data_destroy = batch_data_destroy;

  op_start (op);
}

gboolean
ap_client_fetch_finish (ApClient     *self,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (AP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_client_fetch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ap_client_test_connection_async (ApClient           *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FetchOp) op = NULL;
  g_autoptr(ApQuery) query = NULL;

  g_return_if_fail (AP_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_client_test_connection_async);

  query = ap_query_new ();
  ap_query_set_page_size (query, 1);
  ap_query_set_include_user_details (query, FALSE);

  op = fetch_op_new (self, task, query, cancellable);
  op->single_page = TRUE;

  op_start (op);
}

gboolean
ap_client_test_connection_finish (ApClient     *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (AP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ap_client_test_connection_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
