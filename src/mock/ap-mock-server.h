/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-credentials.h"
#include "ap-mock-data.h"   /* AP_MOCK_ATTRIBUTE_* IDs for searchBy customAttribute */

G_BEGIN_DECLS

/* A Mimecast double on SoupServer, serving get-performance-details and
 * /oauth/token on a loopback port. It runs on its own thread with its own
 * main context, so neither a test's nor the app's main loop waits for it,
 * and data generation never stalls a UI. Thread-safe setters.
 *
 * Both auth schemes are verified exactly: API 1.0 signatures (and a reused
 * x-mc-req-id or an x-mc-date more than 15 minutes off are refused with
 * 401), API 2.0 bearer tokens issued by /oauth/token (lifetime settable).
 * Bodies are validated (400 for non-JSON; "fail" entries for bad fields,
 * as Mimecast does). Data are seeded and reproducible: the same seed gives
 * the same users. */

typedef enum
{
  AP_MOCK_FAULT_NONE,
  AP_MOCK_FAULT_LATENCY,          /* param: ms added before every reply */
  AP_MOCK_FAULT_RATE_LIMIT,       /* param: next N requests get 429, X-RateLimit-Reset: reset_ms */
  AP_MOCK_FAULT_SERVER_ERROR,     /* param: every k-th data request gets 500 */
  AP_MOCK_FAULT_FORBIDDEN,        /* every data request gets 403 */
  AP_MOCK_FAULT_KEYS_EXPIRED,     /* every data request gets 418 */
  AP_MOCK_FAULT_UNAUTHORIZED,     /* every data request gets 401 */
  AP_MOCK_FAULT_FAIL_ARRAY,       /* HTTP 200 with a non-empty "fail" array */
  AP_MOCK_FAULT_TRUNCATED_BODY,   /* param: page number (1-based) whose body is cut short */
  AP_MOCK_FAULT_MALFORMED_JSON,   /* param: page number with a syntax error */
  AP_MOCK_FAULT_WRONG_TYPES,      /* param: page number where numCorrect is a string */
  AP_MOCK_FAULT_NEGATIVE_COUNT,   /* param: page number where a count is -1 */
  AP_MOCK_FAULT_DEEP_NESTING,     /* param: nesting depth of the reply (e.g. 100000) */
  AP_MOCK_FAULT_HUGE_BODY,        /* param: MiB of padding in the reply */
  AP_MOCK_FAULT_DROP_CONNECTION,  /* param: the next N data requests are closed without a reply */
  AP_MOCK_FAULT_HANG,             /* param: seconds before replying (for timeouts) */
  /* A hostile server (issue 15): */
  AP_MOCK_FAULT_REDIRECT,         /* param: status (301, 302, 303, 307, 308) of every data reply,
                                   * Location: the redirect target + the same path */
  AP_MOCK_FAULT_REDIRECT_TOKEN,   /* param: the same for every /oauth/token reply */
  AP_MOCK_FAULT_ENDLESS_PAGES,    /* every page has a fresh "next" token, for ever; param: the
                                   * totalCount each page claims (0: none) */
  AP_MOCK_FAULT_DISTINCT_STRINGS, /* param: KiB of a department name that is new for each user */
  AP_MOCK_FAULT_EMPTY_USERS,      /* param: every page is this many "{}" users */
} ApMockFault;

/* The double's fake keys (not secrets: they open nothing but this double). */
#define AP_MOCK_ACCESS_KEY    "mYtOL3XZCOwG96BOiFTZRmHvdNEsUAmjh3EBj2TBzqXb3MU-ap-mock"
#define AP_MOCK_SECRET_KEY    "YXAtbW9jay1zZWNyZXQta2V5Om5vdC1hLXJlYWwtbWltZWNhc3Qta2V5IQ=="
#define AP_MOCK_APP_ID        "3f2b8d6e-6c1a-4f8e-9b7d-0a1c2e3f4a5b"
#define AP_MOCK_APP_KEY       "c9e1a7d4-2b3f-4e5a-8c6d-7f8e9a0b1c2d"
#define AP_MOCK_CLIENT_ID     "ap-mock-client-id"
#define AP_MOCK_CLIENT_SECRET "ap-mock-client-secret-not-a-real-secret"

/* Defaults of the data set and of the rate-limit headers. */
#define AP_MOCK_DEFAULT_PAGE_SIZE       25      /* when the request gives none, as Mimecast */
#define AP_MOCK_DEFAULT_TOKEN_LIFETIME  1800    /* seconds */
#define AP_MOCK_DEFAULT_RATE_LIMIT      10000   /* requests per window */
#define AP_MOCK_DEFAULT_RATE_WINDOW_MS  3600000

#define AP_MOCK_DATA_PATH  "/api/awareness-training/company/get-performance-details"
#define AP_MOCK_TOKEN_PATH "/oauth/token"

/* "latency", "rate-limit", "server-error", "forbidden", "keys-expired",
 * "unauthorized", "fail-array", "truncated-body", "malformed-json",
 * "wrong-types", "negative-count", "deep-nesting", "huge-body",
 * "drop-connection", "hang", "redirect", "redirect-token", "endless-pages",
 * "distinct-strings", "empty-users" */
const char    *ap_mock_fault_to_string            (ApMockFault   fault);
gboolean       ap_mock_fault_from_string          (const char   *name,
                                                   ApMockFault  *fault);

#define AP_TYPE_MOCK_SERVER (ap_mock_server_get_type ())
G_DECLARE_FINAL_TYPE (ApMockServer, ap_mock_server, AP, MOCK_SERVER, GObject)

ApMockServer  *ap_mock_server_new                 (void);

/* Data set (set before start, or between fetches):
 * n_users (default 250), n_departments (default 8), records_per_user
 * (default 6; each user has 0..2*records_per_user, some unviewed with empty
 * timeViewed), seed (default 1). Names include non-ASCII (Zoë, Łukasz,
 * José, 王芳), some departments and names carry commas and quotes. Every
 * user has a value for each AP_MOCK_ATTRIBUTE_* ID (see ap-mock-data.h,
 * which also says how records map to the three counts). Requests without
 * meta.pagination.pageSize get AP_MOCK_DEFAULT_PAGE_SIZE users per page. */
void           ap_mock_server_set_dataset         (ApMockServer *self,
                                                   guint         n_users,
                                                   guint         n_departments,
                                                   guint         records_per_user,
                                                   guint32       seed);
/* The organisation `--demo` and "Explore Demo Data" show: big enough for
 * several pages and departments, small enough to load in a moment. */
void           ap_mock_server_set_demo_dataset    (ApMockServer *self);
/* Moves the data on, as time passes between two fetches: at epoch N (0 is
 * the data set as set), users have joined, left and watched more videos
 * (ap_mock_dataset_at_epoch()). */
void           ap_mock_server_set_epoch           (ApMockServer *self,
                                                   guint         epoch);
void           ap_mock_server_set_token_lifetime  (ApMockServer *self,
                                                   guint         seconds);
/* Add a fault; several can be active. reset_ms used by RATE_LIMIT only.
 * Adding one already active replaces its parameters. RATE_LIMIT and
 * DROP_CONNECTION count down per data request; SERVER_ERROR counts data
 * requests from the moment it is added; page faults hit that page of any
 * query (pages are numbered by position, so a retry gets it again). A data
 * request meets them in this order: dropped, auth refused (401), 429,
 * 403, 418, 401, 500, body checks (400 / "fail"), FAIL_ARRAY, DEEP_NESTING,
 * the page with its page faults. LATENCY delays every reply, HANG every
 * data reply. */
void           ap_mock_server_add_fault           (ApMockServer *self,
                                                   ApMockFault   fault,
                                                   guint         param,
                                                   guint         reset_ms);
void           ap_mock_server_clear_faults        (ApMockServer *self);
/* Where REDIRECT and REDIRECT_TOKEN point: a base URL such as another
 * double's ("http://localhost:PORT"); the request path is appended.
 * Default: "https://redirect.invalid". ENDLESS_PAGES, DISTINCT_STRINGS and
 * EMPTY_USERS replace the data set with synthetic pages (pageSize users
 * each, or EMPTY_USERS "{}"s); without ENDLESS_PAGES there is one page. */
void           ap_mock_server_set_redirect_target (ApMockServer *self,
                                                   const char   *base_url);
/* X-RateLimit-* headers: @limit data requests per window of @window_ms,
 * counted from the first request. When @enforce, a request over the limit
 * gets 429 as Mimecast would; otherwise the headers only count (the
 * default, so benchmarks are never throttled). */
void           ap_mock_server_set_rate_limit      (ApMockServer *self,
                                                   guint         limit,
                                                   guint         window_ms,
                                                   gboolean      enforce);

/* Listens on 127.0.0.1 (port 0 = any free port). */
gboolean       ap_mock_server_start               (ApMockServer *self,
                                                   guint         port,
                                                   GError      **error);
void           ap_mock_server_stop                (ApMockServer *self);
/* "http://127.0.0.1:PORT" */
const char    *ap_mock_server_get_base_url        (ApMockServer *self);
guint          ap_mock_server_get_port            (ApMockServer *self);

/* Credentials this server accepts, for its own base URL. (transfer full) */
ApCredentials *ap_mock_server_dup_credentials     (ApMockServer *self,
                                                   ApAuthMode    mode);

/* Counters for tests. Data requests: every POST to the data path,
 * whatever became of it (refused, faulted or served). Rejected auth: bad
 * API 1.0 signatures, dates, request IDs or keys, unknown or expired
 * tokens, and refused /oauth/token credentials; injected faults never
 * count here. */
guint          ap_mock_server_get_n_requests      (ApMockServer *self);  /* data requests */
guint          ap_mock_server_get_n_token_requests (ApMockServer *self);
guint          ap_mock_server_get_n_rejected_auth (ApMockServer *self);
/* (transfer full) the last data request's body, or NULL */
char          *ap_mock_server_dup_last_request_body (ApMockServer *self);
/* (transfer full) a header of the last data request, or NULL */
char          *ap_mock_server_dup_last_request_header (ApMockServer *self,
                                                     const char   *name);
/* Users the data set holds and a given query would return (for asserting
 * counts): applies searchBy/filterBy the way the server does. */
guint          ap_mock_server_count_matching      (ApMockServer *self,
                                                   const char   *request_body);

G_END_DECLS
