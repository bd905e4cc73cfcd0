/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Hard limits applied to every response before any parsing. */
#define AP_PARSER_MAX_BODY_SIZE   (64 * 1024 * 1024)  /* bytes */
/* The API's largest page, and what the parser accepts before calling a
 * page hostile (twice that: a margin, not an invitation). */
#define AP_PARSER_PAGE_SIZE_LIMIT     500
#define AP_PARSER_MAX_USERS_PER_PAGE  (2 * AP_PARSER_PAGE_SIZE_LIMIT)
#define AP_PARSER_MAX_DEPTH       64                   /* nesting of arrays/objects */

/* What one page of get-performance-details carries. */
typedef struct
{
  GPtrArray *users;            /* ApUser, with free func; never NULL */
  char      *next_page_token;  /* meta.pagination.next, NULL on the last page */
  gint64     total_count;      /* meta.pagination.totalCount, -1 when absent */
} ApPage;

void    ap_page_free                (ApPage       *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApPage, ap_page_free)

/* The page's metadata alone, found by a fast skim that does not build the
 * users (so the next page can be requested while this one is parsed).
 * Checks size, nesting and JSON well-formedness of the whole body (the
 * types inside "data" are left to ap_parser_parse_page()); a non-empty
 * "fail" array is returned as AP_ERROR_API_FAILURE carrying Mimecast's code
 * and message ("Mimecast refused the request: <message> (<code>)"), as is
 * a meta.status outside 200..299. An empty "next" counts as absent.
 * Thread-safe; pure. Both outs may be NULL.
 * next_page_token: (out) (transfer full) (nullable) */
gboolean ap_parser_scan_meta        (GBytes       *body,
                                     char        **next_page_token,
                                     gint64       *total_count,
                                     GError      **error);

/* The whole page. Missing optional members are fine; a wrong type, a
 * negative or non-integer count, a bad date or malformed JSON is
 * AP_ERROR_INVALID_RESPONSE naming the member and its position, e.g.
 * "data[12].userDetails[3].timeViewed: expected a date such as
 * 2011-12-03T10:15:30+0000". Bodies over AP_PARSER_MAX_BODY_SIZE are
 * AP_ERROR_RESPONSE_TOO_LARGE; nesting deeper than AP_PARSER_MAX_DEPTH is
 * AP_ERROR_INVALID_RESPONSE; none of it can crash. Thread-safe; runs on
 * worker threads. (transfer full)
 *
 * Counts must be JSON integers from 0 to G_MAXUINT: 3.0 and 3e0 are
 * refused, as the API never sends them and a fraction would mean the reply
 * is not what the app understands. null counts as missing for every member.
 * An empty or cut-short body says so ("The server's reply was cut short
 * inside data[3] after 1234 bytes; try again"); malformed JSON names the
 * byte offset. A "fail" entry wins over data that does not fit. */
ApPage  *ap_parser_parse_page       (GBytes       *body,
                                     GError      **error);

/* ISO 8601 "2011-12-03T10:15:30+0000", "+00:00", "Z", optional fraction.
 * "" -> AP_TIME_NONE with TRUE. FALSE for anything else. */
gboolean ap_parser_parse_time       (const char   *text,
                                     gsize         length,
                                     gint64       *unix_time);

/* Guard for anything handed to json-glib, which overflows its stack on deep
 * nesting, reads comments and several top-level values, and leaks on some of
 * what it tolerates: TRUE only when @data is exactly one JSON value as RFC
 * 8259 defines it (strict: no comments, no trailing commas, valid UTF-8 and
 * escapes, whitespace around it only) nesting at most @max_depth levels (1 to
 * AP_PARSER_MAX_DEPTH). Otherwise FALSE with AP_ERROR_INVALID_RESPONSE naming
 * the byte, or AP_ERROR_RESPONSE_TOO_LARGE when it is over
 * AP_PARSER_MAX_BODY_SIZE. The same reader as ap_parser_parse_page(). */
gboolean ap_json_check              (const char   *data,
                                     gsize         length,
                                     guint         max_depth,
                                     GError      **error);

G_END_DECLS
