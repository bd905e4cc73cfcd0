/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ap-mock-data.h"
#include "ap-mock-server.h"

/* The double is driven by a plain SoupSession and a signature computed
 * here with GHmac, never by the app's own client or signer: the double is
 * the independent check of those, so it must not be tested through them. */

typedef struct
{
  guint   status;
  GBytes *body;
  GError *error;
  SoupMessageHeaders *headers;
  JsonNode *root;
} Response;

typedef struct
{
  const char *date;          /* NULL: now */
  const char *request_id;    /* NULL: fresh */
  const char *app_id;        /* NULL: the double's */
  const char *app_key;       /* NULL: the double's */
  const char *secret;        /* NULL: the double's */
  const char *content_type;  /* NULL: application/json */
} Signing;

/* Every page of a query, API 1.0 signed; each user's object is handed to @each. */
typedef void (*UserFunc) (JsonObject *user, gpointer data);

void response_clear (Response *response);

ApMockServer *mock_start (guint   n_users,
                          guint   n_departments,
                          guint   records,
                          guint32 seed);

SoupSession *session_new (void);

char *mc_date (gint64 offset_seconds);

char *hmac_signature (const char *secret_base64,
                      const char *data);

void send_message (SoupSession *session,
                   SoupMessage *msg,
                   Response    *response);

void post_api1 (ApMockServer  *mock,
                SoupSession   *session,
                const char    *body,
                const Signing *signing,
                Response      *response);

void post_token_form (ApMockServer *mock,
                      SoupSession  *session,
                      const char   *form,
                      Response     *response);

char *get_token (ApMockServer *mock,
                 SoupSession  *session);

void post_bearer (ApMockServer *mock,
                  SoupSession  *session,
                  const char   *token,
                  const char   *body,
                  Response     *response);

char *query_body (const char *item,
                  guint       page_size,
                  const char *page_token);

JsonArray *response_data (Response *response);

JsonArray *response_fail (Response *response);

JsonObject *response_pagination (Response *response);

const char *response_next (Response *response);

guint walk_query (ApMockServer *mock,
                  SoupSession  *session,
                  const char   *item,
                  guint         page_size,
                  UserFunc      each,
                  gpointer      data);

const char *header (Response   *response,
                    const char *name);

void assert_rate_limit_headers (Response *response);

void expect_api1_ok (ApMockServer  *mock,
                     SoupSession   *session,
                     const Signing *signing);

GBytes *fetch_raw (ApMockServer *mock,
                   SoupSession  *session,
                   const char   *item,
                   guint         page_size,
                   char        **next);
