/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-client"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "ap-client-private.h"
#include "ap-error.h"

/* Pages fetched but not yet handed to the batch function (being parsed or
 * waiting their turn). Bounding them keeps memory flat however many pages
 * there are, while still letting the next request overlap the parse. */
#define MAX_BACKLOG 3
/* ... and by bytes: a normal page of 500 users is about 1.2 MB, a hostile
 * one up to AP_PARSER_MAX_BODY_SIZE; past this much waiting, the next
 * request waits for a delivery instead of piling up more. */
#define MAX_BACKLOG_BYTES (16 * 1024 * 1024)

/* The pages one fetch may take, whatever the server says: twice the pages
 * totalCount needs, plus ten (counts drift while a report is fetched), or
 * MAX_PAGES_WITHOUT_TOTAL (a million users in pages of 500) when the server
 * never says. */
#define PAGES_MARGIN_FACTOR     2
#define PAGES_MARGIN_EXTRA      10
#define MAX_PAGES_WITHOUT_TOTAL 2000

/* ---- delivery ---- */

static void
op_finish_if_done (ApFetchOp *op)
{
  if (op->completed)
    return;

  if (op->last_page_seen && !op->request_running && !op->have_pending &&
      g_queue_is_empty (&op->slots))
    ap_fetch_op_complete (op, NULL);
}

static void
op_deliver_ready (ApFetchOp *op)
{
  g_autoptr(ApFetchOp) hold = ap_fetch_op_ref (op);

  while (!ap_fetch_op_is_done (op))
    {
      ApPageSlot *slot = g_queue_peek_head (&op->slots);
      g_autoptr(ApPage) page = NULL;

      if (slot == NULL || slot->page == NULL)
        break;

      g_queue_pop_head (&op->slots);
      op->backlog_bytes -= slot->body_size;
      page = g_steal_pointer (&slot->page);
      ap_page_slot_free (slot);

      if (page->total_count >= 0)
        op->total_count = page->total_count;

      op->pages_delivered++;
      op->users_delivered += page->users->len;

      if (op->batch_func != NULL)
        op->batch_func (op->client, page->users, op->batch_data);

      if (ap_fetch_op_is_done (op))
        return;

      ap_client_emit_progress (op->client, op->pages_delivered, op->users_delivered,
                               op->total_count);
    }

  if (op->completed)
    return;

  ap_fetch_op_maybe_advance (op);
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
  g_autoptr(ApFetchOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ApPage) page = NULL;
  guint page_no;
  GList *link;

  page = g_task_propagate_pointer (G_TASK (result), &error);

  /* A cancelled or failed fetch drops the worker's result here, on the
   * caller's context, so nothing is freed behind a batch function's back. */
  if (ap_fetch_op_is_done (op))
    return;

  page_no = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "ap-page-no"));

  if (page == NULL)
    {
      ap_fetch_op_complete (op, ap_fetch_op_page_error (page_no, g_steal_pointer (&error)));
      return;
    }

  for (link = op->slots.head; link != NULL; link = link->next)
    {
      ApPageSlot *slot = link->data;

      if (slot->page_no == page_no)
        {
          slot->page = g_steal_pointer (&page);
          break;
        }
    }

  op_deliver_ready (op);
}

static void
op_start_parse (ApFetchOp *op,
                guint      page_no,
                GBytes    *body)
{
  g_autoptr(GTask) task = NULL;
  ApPageSlot *slot;

  slot = g_new0 (ApPageSlot, 1);
  slot->page_no = page_no;
  slot->body_size = g_bytes_get_size (body);
  op->backlog_bytes += slot->body_size;
  g_queue_push_tail (&op->slots, slot);

  /* No cancellable: a parse cannot be interrupted midway, and its result is
   * dropped in parse_page_cb() when the fetch is over by then. */
  task = g_task_new (NULL, NULL, parse_page_cb, ap_fetch_op_ref (op));
  g_task_set_source_tag (task, op_start_parse);
  g_task_set_task_data (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_object_set_data (G_OBJECT (task), "ap-page-no", GUINT_TO_POINTER (page_no));
  g_task_run_in_thread (task, parse_page_thread);
}

/* NULL while page @page_no may point to one more, else why not: a server
 * that hands out a fresh "next" token for ever would fill the disk (the
 * headless export) or the memory (the window). */
static GError *
op_check_page_count (ApFetchOp *op,
                     guint      page_no)
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
  g_autoptr(ApFetchOp) op = user_data;
  GBytes *body = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  ScanResult *scan;
  guint page_no;

  scan = g_task_propagate_pointer (G_TASK (result), &error);
  if (ap_fetch_op_is_done (op))
    {
      g_clear_pointer (&scan, scan_result_free);
      return;
    }

  page_no = op->req_page_no;
  op->request_running = FALSE;

  if (scan == NULL)
    {
      ap_fetch_op_complete (op, ap_fetch_op_page_error (page_no, g_steal_pointer (&error)));
      return;
    }

  if (scan->total_count >= 0)
    op->total_count = scan->total_count;

  if (op->single_page)
    {
      scan_result_free (scan);
      ap_fetch_op_complete (op, NULL);
      return;
    }

  if (scan->next_page_token != NULL && *scan->next_page_token != '\0')
    {
      GError *endless = op_check_page_count (op, page_no);

      if (endless != NULL)
        {
          scan_result_free (scan);
          ap_fetch_op_complete (op, endless);
          return;
        }

      if (g_hash_table_contains (op->seen_tokens, scan->next_page_token))
        {
          scan_result_free (scan);
          ap_fetch_op_complete (op, g_error_new (AP_ERROR, AP_ERROR_INVALID_RESPONSE,
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
  ap_fetch_op_maybe_advance (op);
}

void
ap_fetch_op_start_scan (ApFetchOp *op,
                        GBytes    *body)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, NULL, scan_meta_cb, ap_fetch_op_ref (op));
  g_task_set_source_tag (task, ap_fetch_op_start_scan);
  g_task_set_task_data (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, scan_meta_thread);
}

/* Starts the next request when its token is known and the backlog has room. */
void
ap_fetch_op_maybe_advance (ApFetchOp *op)
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
  ap_fetch_op_start_request (op);
}
