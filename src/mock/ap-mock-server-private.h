/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ap-mock-data.h"
#include "ap-mock-server.h"

G_BEGIN_DECLS

/* The double in pieces, one concern a file:
 *   ap-mock-server.c  the GObject, its thread and the public API
 *   ap-mock-reply.c   a reply in the making: status, chunks, rate-limit headers, delay
 *   ap-mock-auth.c    both auth schemes: API 1.0 signatures and the OAuth token endpoint
 *   ap-mock-query.c   the request body checked as Mimecast checks it; page tokens
 *   ap-mock-faults.c  the fault table and what each fault does to a reply
 *   ap-mock-pages.c   the data endpoint: one page of users */

#define AP_MOCK_MAX_REQUEST_BODY  (1024 * 1024)
#define AP_MOCK_MAX_REQUEST_DEPTH 32

typedef struct
{
  ApMockFault fault;
  guint       param;
  guint       reset_ms;
  guint       base_request;   /* n_requests when added: SERVER_ERROR counts from here */
} ApMockFaultEntry;

struct _ApMockServer
{
  GObject             parent_instance;

  /* Everything below up to the thread members is shared with the server
   * thread and guarded by @lock. */
  GMutex              lock;
  ApMockDataset      *dataset;
  guint               token_lifetime;
  GArray             *faults;        /* ApMockFaultEntry */
  guint               rate_limit;
  guint               rate_window_ms;
  gboolean            rate_enforced;
  gint64              window_start;
  guint               window_used;
  guint               n_requests;
  guint               n_token_requests;
  guint               n_rejected_auth;
  char               *last_body;
  SoupMessageHeaders *last_headers;
  GHashTable         *seen_request_ids;
  GHashTable         *tokens;        /* token -> expiry (monotonic µs), boxed gint64 */
  GHashTable         *totals;        /* query hash -> matching users, both boxed */
  char               *redirect_target;

  /* Start/stop handshake. */
  GCond               cond;
  gboolean            ready;
  GError             *start_error;
  guint               requested_port;
  guint               port;
  char               *base_url;

  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;

  /* Server thread only. */
  SoupServer         *server;
  GPtrArray          *pending;       /* ApMockReply waiting for its delay */
};

/* ---- ap-mock-reply.c ---- */

typedef enum
{
  AP_MOCK_REPLY_NORMAL,
  AP_MOCK_REPLY_DROP,
  AP_MOCK_REPLY_TRUNCATE,
} ApMockReplyKind;

typedef struct
{
  ApMockServer      *self;
  SoupServerMessage *msg;
  ApMockReplyKind    kind;
  guint              status;
  GPtrArray         *chunks;        /* GBytes */
  guint              rate_limit;
  guint              rate_remaining;
  guint              rate_reset_ms;
  GSource           *delay;
} ApMockReply;

ApMockReply *ap_mock_reply_new             (ApMockServer      *self,
                                            SoupServerMessage *msg);
void         ap_mock_reply_free            (ApMockReply       *reply);
void         ap_mock_reply_take_string     (ApMockReply       *reply,
                                            GString           *text);
void         ap_mock_reply_set_error       (ApMockReply       *reply,
                                            guint              status,
                                            const char        *code,
                                            const char        *message);
void         ap_mock_reply_set_oauth_error (ApMockReply       *reply,
                                            guint              status,
                                            const char        *error,
                                            const char        *description);
void         ap_mock_reply_set_redirect    (ApMockReply       *reply,
                                            guint              status,
                                            const char        *target,
                                            const char        *path);
void         ap_mock_reply_send            (ApMockReply       *reply);
void         ap_mock_reply_finish          (ApMockReply       *reply,
                                            guint              delay_ms);

/* ---- ap-mock-faults.c (the _locked ones under self->lock) ---- */

ApMockFaultEntry *ap_mock_server_find_fault_locked   (ApMockServer *self,
                                                      ApMockFault   fault);
guint             ap_mock_server_fault_param_locked  (ApMockServer *self,
                                                      ApMockFault   fault);
gboolean          ap_mock_server_take_fault_locked   (ApMockServer *self,
                                                      ApMockFault   fault,
                                                      guint        *reset_ms);
void              ap_mock_server_rate_limit_locked   (ApMockServer *self,
                                                      ApMockReply  *reply,
                                                      gboolean      consume);

/* What the faults do to one data page. */
typedef struct
{
  guint truncated_page;
  guint malformed_page;
  guint wrong_types_page;
  guint negative_page;
  guint huge_mib;
} ApMockPageFaults;

/* Pages a hostile server makes up instead of the data set's. */
typedef struct
{
  gboolean endless;
  guint    claimed_total;   /* 0: no totalCount */
  guint    distinct_kib;
  guint    empty_users;
} ApMockHostile;

/* Everything a data request meets before its body is read, taken in one
 * go under the lock so the rest of the handler runs without it. */
typedef struct
{
  guint            number;            /* 1-based count of data requests */
  guint            delay_ms;
  gboolean         dropped;
  const char      *auth_code;         /* NULL: authorized */
  const char      *auth_message;
  gboolean         rate_limited;
  guint            reset_ms;
  gboolean         forbidden;
  gboolean         expired;
  gboolean         unauthorized;
  gboolean         fail_array;
  guint            server_error_every;
  guint            server_error_base;
  guint            deep_nesting;
  guint            redirect_status;
  char            *redirect_target;
  ApMockPageFaults page;
  ApMockHostile    hostile;
} ApMockFaultState;

void     ap_mock_fault_state_take_locked (ApMockServer       *self,
                                          ApMockReply        *reply,
                                          ApMockFaultState   *state);
void     ap_mock_fault_state_clear       (ApMockFaultState   *state);
gboolean ap_mock_fault_state_refuse      (const ApMockFaultState *state,
                                          ApMockReply        *reply,
                                          const char         *path);
gboolean ap_mock_hostile_active          (const ApMockHostile *hostile);
void     ap_mock_reply_hostile_page      (ApMockReply        *reply,
                                          const ApMockQuery  *query,
                                          const ApMockHostile *hostile);
void     ap_mock_reply_deep_nesting      (ApMockReply        *reply,
                                          guint               depth);

/* ---- ap-mock-auth.c ---- */

gboolean ap_mock_server_check_auth_locked (ApMockServer       *self,
                                           SoupMessageHeaders *headers,
                                           const char         *path,
                                           const char        **code,
                                           const char        **message);
void     ap_mock_server_token_handler     (SoupServer         *server,
                                           SoupServerMessage  *msg,
                                           const char         *path,
                                           GHashTable         *query_params,
                                           gpointer            user_data);

/* ---- ap-mock-query.c ---- */

/* A "fail" entry of an HTTP 200 reply: what is wrong with the request. */
typedef struct
{
  const char *code;
  char       *message;
} ApMockProblem;

GArray  *ap_mock_problems_new      (void);
void     ap_mock_problems_add      (GArray            *problems,
                                    const char        *code,
                                    const char        *format,
                                    ...) G_GNUC_PRINTF (3, 4);
void     ap_mock_query_parse       (JsonNode          *root,
                                    ApMockQuery       *query,
                                    JsonNode         **key,
                                    GArray            *problems);
char    *ap_mock_page_token_encode (guint              scan_index,
                                    guint              matched,
                                    guint64            hash);
gboolean ap_mock_page_token_decode (const char        *token,
                                    guint64            hash,
                                    guint              n_users,
                                    guint             *scan_index,
                                    guint             *matched);
void     ap_mock_reply_set_fail    (ApMockReply       *reply,
                                    JsonNode          *key,
                                    GArray            *problems);

/* ---- ap-mock-pages.c ---- */

void     ap_mock_server_data_early_handler (SoupServer        *server,
                                            SoupServerMessage *msg,
                                            const char        *path,
                                            GHashTable        *query_params,
                                            gpointer           user_data);
void     ap_mock_server_data_handler       (SoupServer        *server,
                                            SoupServerMessage *msg,
                                            const char        *path,
                                            GHashTable        *query_params,
                                            gpointer           user_data);

G_END_DECLS
