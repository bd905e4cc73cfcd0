/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the ApClient tests share: a fetch and what it reported, the double,
 * and a scripted server for what the double does not do. */

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "ap-client.h"
#include "ap-credentials.h"
#include "ap-error.h"
#include "ap-intern-private.h"
#include "ap-mock-server.h"
#include "ap-query.h"
#include "ap-user.h"

/* Every wait in the client tests ends after this long, failing the test. */
#define TEST_TIMEOUT_S 30

typedef struct
{
  ApClient     *client;
  GCancellable *cancellable;

  guint         n_completions;
  gboolean      ok;
  GError       *error;
  gint64        started_us;
  gint64        completed_us;

  GPtrArray    *emails;           /* every user delivered, in order */
  guint         n_batches;
  gboolean      batch_after_completion;
  gboolean      progress_after_completion;

  guint         n_progress;
  guint         last_pages;
  guint         last_users;
  gint64        last_total;
  gboolean      progress_consistent;

  GArray       *retry_codes;
  GArray       *retry_delays;

  guint         cancel_after_batches;   /* 0: never */
  gboolean      cancel_on_retry;
  gboolean      destroyed;              /* batch data destroy notify ran */
} Fetch;

typedef struct
{
  SoupServer *server;
  char       *base_url;
  guint       n_data_requests;
  guint       n_token_requests;
  guint       status;           /* for every data request; 200 = a page */
  gboolean    loop_tokens;      /* every page says next = "again" */
  guint       n_pages;          /* > 0: serve that many pages, "p2", "p3", ... */
  GPtrArray  *bearers;          /* Authorization of each data request */
} Scripted;

void fetch_init (Fetch    *f,
                 ApClient *client);

void fetch_clear (Fetch *f);

/* Iterates the default context until *done, failing after TEST_TIMEOUT_S. */
void run_until (const guint *counter);

/* Lets anything still queued run, to catch callbacks after completion. */
void spin_for_ms (guint ms);

void fetch_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data);

void test_connection_done_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data);

void fetch_run (Fetch   *f,
                ApQuery *query);

ApMockServer *mock_new (guint n_users);

void mock_free (ApMockServer *mock);

ApClient *client_for_mock (ApMockServer *mock,
                           ApAuthMode    mode);

ApQuery *query_new (guint page_size);

guint count_matching (ApMockServer *mock,
                      ApQuery      *query);

/* Runs a fetch that must fail with @domain/@code; returns the message. */
char *expect_failure (ApMockServer *mock,
                      ApAuthMode    mode,
                      ApQuery      *query,
                      GQuark        domain,
                      int           code);

Scripted *scripted_new (void);

void scripted_free (Scripted *s);

ApClient *client_for_scripted (Scripted  *s,
                               ApAuthMode mode);

/* Stopping joins the double's thread before the last unref. */
typedef ApMockServer Mock;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Mock, mock_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scripted, scripted_free)
