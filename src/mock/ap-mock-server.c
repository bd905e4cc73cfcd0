/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "ap-mock-data.h"
#include "ap-mock-server.h"
#include "ap-parser.h"

#define MAX_REQUEST_BODY   (1024 * 1024)
#define MAX_REQUEST_DEPTH  32
#define MAX_DATE_SKEW_US   (15 * 60 * G_USEC_PER_SEC)

typedef struct
{
  ApMockFault fault;
  guint       param;
  guint       reset_ms;
  guint       base_request;   /* n_requests when added: SERVER_ERROR counts from here */
} Fault;

struct _ApMockServer
{
  GObject             parent_instance;

  /* Everything below up to the thread members is shared with the server
   * thread and guarded by @lock. */
  GMutex              lock;
  ApMockDataset      *dataset;
  guint               token_lifetime;
  GArray             *faults;
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
  GPtrArray          *pending;       /* Reply waiting for its delay */
};

G_DEFINE_FINAL_TYPE (ApMockServer, ap_mock_server, G_TYPE_OBJECT)

typedef enum
{
  REPLY_NORMAL,
  REPLY_DROP,
  REPLY_TRUNCATE,
} ReplyKind;

typedef struct
{
  ApMockServer      *self;
  SoupServerMessage *msg;
  ReplyKind          kind;
  guint              status;
  GPtrArray         *chunks;        /* GBytes */
  guint              rate_limit;
  guint              rate_remaining;
  guint              rate_reset_ms;
  GSource           *delay;
} Reply;

static const struct
{
  ApMockFault fault;
  const char *name;
} fault_names[] = {
  { AP_MOCK_FAULT_LATENCY, "latency" },
  { AP_MOCK_FAULT_RATE_LIMIT, "rate-limit" },
  { AP_MOCK_FAULT_SERVER_ERROR, "server-error" },
  { AP_MOCK_FAULT_FORBIDDEN, "forbidden" },
  { AP_MOCK_FAULT_KEYS_EXPIRED, "keys-expired" },
  { AP_MOCK_FAULT_UNAUTHORIZED, "unauthorized" },
  { AP_MOCK_FAULT_FAIL_ARRAY, "fail-array" },
  { AP_MOCK_FAULT_TRUNCATED_BODY, "truncated-body" },
  { AP_MOCK_FAULT_MALFORMED_JSON, "malformed-json" },
  { AP_MOCK_FAULT_WRONG_TYPES, "wrong-types" },
  { AP_MOCK_FAULT_NEGATIVE_COUNT, "negative-count" },
  { AP_MOCK_FAULT_DEEP_NESTING, "deep-nesting" },
  { AP_MOCK_FAULT_HUGE_BODY, "huge-body" },
  { AP_MOCK_FAULT_DROP_CONNECTION, "drop-connection" },
  { AP_MOCK_FAULT_HANG, "hang" },
  { AP_MOCK_FAULT_REDIRECT, "redirect" },
  { AP_MOCK_FAULT_REDIRECT_TOKEN, "redirect-token" },
  { AP_MOCK_FAULT_ENDLESS_PAGES, "endless-pages" },
  { AP_MOCK_FAULT_DISTINCT_STRINGS, "distinct-strings" },
  { AP_MOCK_FAULT_EMPTY_USERS, "empty-users" },
};

/* ---- replies ---- */

static Reply *
reply_new (ApMockServer      *self,
           SoupServerMessage *msg)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->self = self;
  reply->msg = g_object_ref (msg);
  reply->kind = REPLY_NORMAL;
  reply->status = SOUP_STATUS_OK;
  reply->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return reply;
}

static void
reply_free (Reply *reply)
{
  if (reply->delay != NULL)
    {
      g_source_destroy (reply->delay);
      g_source_unref (reply->delay);
    }
  g_ptr_array_unref (reply->chunks);
  g_object_unref (reply->msg);
  g_free (reply);
}

static void
reply_take_string (Reply   *reply,
                   GString *text)
{
  gsize length = text->len;

  g_ptr_array_add (reply->chunks, g_bytes_new_take (g_string_free (text, FALSE), length));
}

/* A Mimecast-shaped error body: {"meta":{"status":N},"data":[],"fail":[...]}. */
static void
reply_set_error (Reply      *reply,
                 guint       status,
                 const char *code,
                 const char *message)
{
  GString *body = g_string_new (NULL);

  g_ptr_array_set_size (reply->chunks, 0);
  reply->status = status;
  g_string_append_printf (body, "{\"meta\":{\"status\":%u},\"data\":[],\"fail\":[{\"errors\":"
                          "[{\"code\":\"", status);
  ap_mock_json_escape_append (body, code);
  g_string_append (body, "\",\"message\":\"");
  ap_mock_json_escape_append (body, message);
  g_string_append (body, "\",\"retryable\":false}]}]}");
  reply_take_string (reply, body);
}

static void
reply_set_oauth_error (Reply      *reply,
                       guint       status,
                       const char *error,
                       const char *description)
{
  GString *body = g_string_new ("{\"error\":\"");

  g_ptr_array_set_size (reply->chunks, 0);
  reply->status = status;
  ap_mock_json_escape_append (body, error);
  g_string_append (body, "\",\"error_description\":\"");
  ap_mock_json_escape_append (body, description);
  g_string_append (body, "\"}");
  reply_take_string (reply, body);
}

static gsize
reply_body_length (Reply *reply)
{
  gsize length = 0;

  for (guint i = 0; i < reply->chunks->len; i++)
    length += g_bytes_get_size (g_ptr_array_index (reply->chunks, i));
  return length;
}

static void
reply_send_truncated (Reply *reply)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (reply->msg);
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  GOutputStream *output;

  for (guint i = 0; i < reply->chunks->len; i++)
    {
      gsize size;
      const char *data = g_bytes_get_data (g_ptr_array_index (reply->chunks, i), &size);

      g_string_append_len (body, data, size);
    }

  /* Promise the whole body, send half of it and hang up: the client sees a
   * connection closed mid-body, exactly what a cut-off reply looks like. */
  g_string_append_printf (head,
                          "HTTP/1.1 200 OK\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "X-RateLimit-Limit: %u\r\n"
                          "X-RateLimit-Remaining: %u\r\n"
                          "X-RateLimit-Reset: %u\r\n"
                          "\r\n",
                          body->len, reply->rate_limit, reply->rate_remaining,
                          reply->rate_reset_ms);
  output = g_io_stream_get_output_stream (stream);
  /* Loopback and a reading client: this does not block for long, and a
   * synchronous write cannot outlive the server thread. */
  if (g_output_stream_write_all (output, head->str, head->len, NULL, NULL, NULL))
    g_output_stream_write_all (output, body->str, body->len / 2, NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
reply_send (Reply *reply)
{
  SoupMessageHeaders *headers;
  SoupMessageBody *body;

  switch (reply->kind)
    {
    case REPLY_DROP:
      {
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (reply->msg);

        g_io_stream_close (stream, NULL, NULL);
        return;
      }

    case REPLY_TRUNCATE:
      reply_send_truncated (reply);
      return;

    case REPLY_NORMAL:
    default:
      break;
    }

  headers = soup_server_message_get_response_headers (reply->msg);
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  {
    char value[16];

    g_snprintf (value, sizeof value, "%u", reply->rate_limit);
    soup_message_headers_replace (headers, "X-RateLimit-Limit", value);
    g_snprintf (value, sizeof value, "%u", reply->rate_remaining);
    soup_message_headers_replace (headers, "X-RateLimit-Remaining", value);
    g_snprintf (value, sizeof value, "%u", reply->rate_reset_ms);
    soup_message_headers_replace (headers, "X-RateLimit-Reset", value);
  }
  soup_message_headers_set_content_length (headers, reply_body_length (reply));

  body = soup_server_message_get_response_body (reply->msg);
  for (guint i = 0; i < reply->chunks->len; i++)
    soup_message_body_append_bytes (body, g_ptr_array_index (reply->chunks, i));
  soup_message_body_complete (body);
  soup_server_message_set_status (reply->msg, reply->status, NULL);
}

static gboolean
reply_delay_done_cb (gpointer data)
{
  Reply *reply = data;
  ApMockServer *self = reply->self;

  g_clear_pointer (&reply->delay, g_source_unref);
  reply_send (reply);
  if (reply->kind == REPLY_NORMAL)
    soup_server_message_unpause (reply->msg);
  g_ptr_array_remove_fast (self->pending, reply);
  reply_free (reply);
  return G_SOURCE_REMOVE;
}

/* Latency without blocking the server thread: other connections are
 * served meanwhile, as a real slow server would. */
static void
reply_finish (Reply *reply,
              guint  delay_ms)
{
  ApMockServer *self = reply->self;

  if (delay_ms == 0)
    {
      reply_send (reply);
      reply_free (reply);
      return;
    }

  soup_server_message_pause (reply->msg);
  reply->delay = g_timeout_source_new (delay_ms);
  g_source_set_callback (reply->delay, reply_delay_done_cb, reply, NULL);
  g_source_set_name (reply->delay, "[ap-mock] reply delay");
  g_source_attach (reply->delay, self->context);
  g_ptr_array_add (self->pending, reply);
}

/* ---- settings snapshot ---- */

static Fault *
find_fault (ApMockServer *self,
            ApMockFault   fault)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *f = &g_array_index (self->faults, Fault, i);

      if (f->fault == fault)
        return f;
    }
  return NULL;
}

/* Under the lock. */
static guint
fault_param (ApMockServer *self,
             ApMockFault   fault)
{
  Fault *f = find_fault (self, fault);

  return f != NULL ? f->param : 0;
}

static gboolean
has_fault (ApMockServer *self,
           ApMockFault   fault)
{
  return find_fault (self, fault) != NULL;
}

/* Under the lock: counts one use of a "the next N requests" fault. */
static gboolean
take_counted_fault (ApMockServer *self,
                    ApMockFault   fault,
                    guint        *reset_ms)
{
  Fault *f = find_fault (self, fault);

  if (f == NULL || f->param == 0)
    return FALSE;
  f->param--;
  if (reset_ms != NULL)
    *reset_ms = f->reset_ms;
  return TRUE;
}

/* Under the lock. @consume: a data request spends one from the window. */
static void
rate_limit_snapshot (ApMockServer *self,
                     Reply        *reply,
                     gboolean      consume)
{
  gint64 now = g_get_monotonic_time () / 1000;
  gint64 window_end;

  if (self->window_start == 0 || now - self->window_start >= self->rate_window_ms)
    {
      self->window_start = now;
      self->window_used = 0;
    }
  if (consume)
    self->window_used++;
  window_end = self->window_start + self->rate_window_ms;
  reply->rate_limit = self->rate_limit;
  reply->rate_remaining = self->window_used >= self->rate_limit ? 0
                          : self->rate_limit - self->window_used;
  reply->rate_reset_ms = (guint) CLAMP (window_end - now, 0, G_MAXUINT);
}

/* ---- authentication ---- */

static gboolean
parse_mc_date (const char *text,
               gint64     *unix_time)
{
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  char day_name[4], month_name[4], zone[4];
  int day, year, hour, minute, second, consumed = -1;
  int month = -1, weekday = -1;
  g_autoptr(GDateTime) date = NULL;

  /* "Tue, 24 Nov 2015 12:50:11 UTC": English names whatever the locale;
   * "GMT" (what RFC 1123 formatters print) is the same clock. */
  if (sscanf (text, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", day_name, &day,
              month_name, &year, &hour, &minute, &second, zone, &consumed) != 8 ||
      consumed < 0 || text[consumed] != '\0')
    return FALSE;
  if (!g_str_equal (zone, "UTC") && !g_str_equal (zone, "GMT"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_str_equal (month_name, months[i]))
      month = (int) i + 1;
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    if (g_str_equal (day_name, days[i]))
      weekday = (int) i + 1;
  if (month < 0 || weekday < 0)
    return FALSE;

  date = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (date == NULL || g_date_time_get_day_of_week (date) != weekday ||
      g_date_time_get_day_of_month (date) != day)
    return FALSE;

  *unix_time = g_date_time_to_unix (date);
  return TRUE;
}

static char *
api1_signature (const char *date,
                const char *request_id,
                const char *path,
                const char *app_key)
{
  gsize key_length = 0;
  g_autofree guchar *key = g_base64_decode (AP_MOCK_SECRET_KEY, &key_length);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, key, key_length);
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) date, -1);
  g_hmac_update (hmac, (const guchar *) ":", 1);
  g_hmac_update (hmac, (const guchar *) request_id, -1);
  g_hmac_update (hmac, (const guchar *) ":", 1);
  g_hmac_update (hmac, (const guchar *) path, -1);
  g_hmac_update (hmac, (const guchar *) ":", 1);
  g_hmac_update (hmac, (const guchar *) app_key, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);
  return g_base64_encode (digest, digest_length);
}

/* Compares without stopping at the first difference, as a real server
 * must, so timing says nothing about the expected value. */
static gboolean
equal_constant_time (const char *a,
                     const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guchar diff = la != lb;

  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guchar) (a[i] ^ b[i]);
  return diff == 0;
}

/* Under the lock. FALSE with a Mimecast-like code and message. */
static gboolean
check_auth (ApMockServer       *self,
            SoupMessageHeaders *headers,
            const char         *path,
            const char        **code,
            const char        **message)
{
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    {
      const char *token = authorization + strlen ("Bearer ");
      gint64 *expiry = g_hash_table_lookup (self->tokens, token);

      if (expiry == NULL)
        {
          *code = "err_xdk_authentication_token_invalid";
          *message = "The access token is not valid.";
          return FALSE;
        }
      if (g_get_monotonic_time () >= *expiry)
        {
          *code = "err_xdk_authentication_token_expired";
          *message = "The access token has expired.";
          return FALSE;
        }
      return TRUE;
    }

  if (authorization != NULL && g_str_has_prefix (authorization, "MC "))
    {
      const char *credential = authorization + strlen ("MC ");
      const char *colon = strrchr (credential, ':');
      const char *date = soup_message_headers_get_one (headers, "x-mc-date");
      const char *request_id = soup_message_headers_get_one (headers, "x-mc-req-id");
      const char *app_id = soup_message_headers_get_one (headers, "x-mc-app-id");
      g_autofree char *access_key = NULL;
      g_autofree char *expected = NULL;
      gint64 signed_at;

      if (colon == NULL || date == NULL || request_id == NULL || *request_id == '\0' ||
          app_id == NULL)
        {
          *code = "err_xdk_authentication_header_missing";
          *message = "Authorization, x-mc-date, x-mc-req-id and x-mc-app-id are all required.";
          return FALSE;
        }
      access_key = g_strndup (credential, colon - credential);
      if (!g_str_equal (access_key, AP_MOCK_ACCESS_KEY) || !g_str_equal (app_id, AP_MOCK_APP_ID))
        {
          *code = "err_xdk_authentication_binding_unknown";
          *message = "The access key or application ID is not known.";
          return FALSE;
        }
      if (!parse_mc_date (date, &signed_at))
        {
          *code = "err_xdk_authentication_date_invalid";
          *message = "x-mc-date is not in the form \"Tue, 24 Nov 2015 12:50:11 UTC\".";
          return FALSE;
        }
      if (ABS (signed_at * G_USEC_PER_SEC - g_get_real_time ()) > MAX_DATE_SKEW_US)
        {
          *code = "err_xdk_authentication_date_out_of_range";
          *message = "x-mc-date is more than 15 minutes away from the server's clock.";
          return FALSE;
        }
      expected = api1_signature (date, request_id, path, AP_MOCK_APP_KEY);
      if (!equal_constant_time (colon + 1, expected))
        {
          *code = "err_xdk_authentication_signature_invalid";
          *message = "The request signature does not match.";
          return FALSE;
        }
      /* Only a correctly signed request spends its ID: a forged one must
       * not be able to burn the IDs of real requests. */
      if (g_hash_table_contains (self->seen_request_ids, request_id))
        {
          *code = "err_xdk_authentication_request_id_reused";
          *message = "x-mc-req-id was used before.";
          return FALSE;
        }
      g_hash_table_add (self->seen_request_ids, g_strdup (request_id));
      return TRUE;
    }

  *code = "err_xdk_authentication_missing";
  *message = "The request carries no Authorization header the server accepts.";
  return FALSE;
}

/* ---- request bodies ---- */

typedef struct
{
  const char *code;
  char       *message;
} Problem;

static void
problem_clear (gpointer data)
{
  Problem *problem = data;

  g_free (problem->message);
}

static void
add_problem (GArray     *problems,
             const char *code,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (GArray     *problems,
             const char *code,
             const char *format,
             ...)
{
  Problem problem = { code, NULL };
  va_list args;

  va_start (args, format);
  problem.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (problems, problem);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
parse_filter_object (JsonObject *item,
                     const char *member,
                     JsonObject **out,
                     GArray     *problems)
{
  JsonNode *node = json_object_get_member (item, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      add_problem (problems, "err_validation_invalid_type", "%s must be an object", member);
      return;
    }
  *out = json_node_get_object (node);
}

/* The data item and meta.pagination of a request, checked as Mimecast
 * checks them. Problems become "fail" entries of an HTTP 200 reply. */
static void
parse_query (JsonNode    *root,
             ApMockQuery *query,
             JsonNode   **key,
             GArray      *problems)
{
  JsonObject *object, *item, *search = NULL, *filter = NULL, *meta;
  JsonNode *node, *data;
  JsonArray *items;

  memset (query, 0, sizeof *query);
  query->video_count = AP_MOCK_VIDEO_COUNT_ALL;
  query->page_size = AP_MOCK_DEFAULT_PAGE_SIZE;
  *key = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      add_problem (problems, "err_validation_invalid_request", "The request must be an object");
      return;
    }
  object = json_node_get_object (root);

  /* meta.pagination first: it is not part of the key. */
  node = json_object_get_member (object, "meta");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      meta = json_node_get_object (node);
      node = json_object_get_member (meta, "pagination");
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *pagination = json_node_get_object (node);
          JsonNode *size = json_object_get_member (pagination, "pageSize");
          JsonNode *token = json_object_get_member (pagination, "pageToken");

          if (size != NULL)
            {
              gint64 value;

              if (!JSON_NODE_HOLDS_VALUE (size) || json_node_get_value_type (size) != G_TYPE_INT64)
                add_problem (problems, "err_validation_invalid_page_size",
                             "meta.pagination.pageSize must be a whole number");
              else if ((value = json_node_get_int (size)) < 1 || value > 500)
                add_problem (problems, "err_validation_invalid_page_size",
                             "meta.pagination.pageSize must be from 1 to 500");
              else
                query->page_size = (guint) value;
            }
          if (token != NULL)
            {
              if (!JSON_NODE_HOLDS_VALUE (token) ||
                  json_node_get_value_type (token) != G_TYPE_STRING)
                add_problem (problems, "err_validation_invalid_page_token",
                             "meta.pagination.pageToken must be a string");
              else if (*json_node_get_string (token) != '\0')
                query->page_token = g_strdup (json_node_get_string (token));
            }
        }
      else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        add_problem (problems, "err_validation_invalid_type", "meta.pagination must be an object");
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    add_problem (problems, "err_validation_invalid_type", "meta must be an object");

  data = json_object_get_member (object, "data");
  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data) ||
      json_array_get_length (items = json_node_get_array (data)) == 0)
    {
      add_problem (problems, "err_validation_missing_data", "data must be an array of one item");
      return;
    }
  node = json_array_get_element (items, 0);
  *key = json_node_ref (node);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      add_problem (problems, "err_validation_invalid_type", "data[0] must be an object");
      return;
    }
  item = json_node_get_object (node);

  parse_filter_object (item, "searchBy", &search, problems);
  parse_filter_object (item, "filterBy", &filter, problems);

  if (search != NULL)
    {
      const char *field = member_string (search, "fieldName");
      const char *value = member_string (search, "value");

      if (g_strcmp0 (field, "name") == 0)
        query->search = AP_MOCK_SEARCH_NAME;
      else if (g_strcmp0 (field, "email") == 0)
        query->search = AP_MOCK_SEARCH_EMAIL;
      else if (g_strcmp0 (field, "department") == 0)
        query->search = AP_MOCK_SEARCH_DEPARTMENT;
      else if (g_strcmp0 (field, "customAttribute") == 0)
        query->search = AP_MOCK_SEARCH_CUSTOM_ATTRIBUTE;
      else
        add_problem (problems, "err_validation_invalid_search_field",
                     "searchBy.fieldName must be name, email, department or customAttribute");

      if (value == NULL || *value == '\0')
        add_problem (problems, "err_validation_blank_value",
                     "searchBy.value must be a non-empty string");
      else if (!g_utf8_validate (value, -1, NULL))
        add_problem (problems, "err_validation_invalid_value", "searchBy.value is not UTF-8");
      else
        {
          query->search_value = g_strdup (value);
          query->search_folded = g_utf8_casefold (value, -1);
        }
    }

  if (filter != NULL)
    {
      static const char * const counts[] = {
        "video_count_0", "video_count_1", "video_count_2", "video_count_3",
        "video_count_4_or_more",
      };
      const char *field = member_string (filter, "fieldName");
      const char *value = member_string (filter, "value");
      gboolean known = FALSE;

      if (g_strcmp0 (field, "type") != 0)
        add_problem (problems, "err_validation_invalid_filter_field",
                     "filterBy.fieldName must be \"type\"");
      if (g_strcmp0 (value, "video_count_all") == 0)
        known = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
        if (g_strcmp0 (value, counts[i]) == 0)
          {
            query->video_count = (int) i;
            known = TRUE;
          }
      if (!known)
        add_problem (problems, "err_validation_invalid_filter_value",
                     "filterBy.value must be video_count_0, video_count_1, video_count_2, "
                     "video_count_3, video_count_4_or_more or video_count_all");
    }

  node = json_object_get_member (item, "attributeIds");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        add_problem (problems, "err_validation_invalid_type", "attributeIds must be an array");
      else
        {
          JsonArray *ids = json_node_get_array (node);
          guint n = json_array_get_length (ids);

          if (n > AP_MOCK_N_ATTRIBUTES)
            add_problem (problems, "err_validation_too_many_attribute_ids",
                         "attributeIds can hold at most 3 IDs");
          for (guint i = 0; i < n && i < AP_MOCK_N_ATTRIBUTES; i++)
            {
              JsonNode *id = json_array_get_element (ids, i);

              if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING ||
                  *json_node_get_string (id) == '\0')
                {
                  add_problem (problems, "err_validation_invalid_attribute_id",
                               "attributeIds must hold non-empty strings");
                  break;
                }
              query->attribute_ids[query->n_attribute_ids++] = g_strdup (json_node_get_string (id));
            }
        }
    }
  if (query->search == AP_MOCK_SEARCH_CUSTOM_ATTRIBUTE && query->n_attribute_ids == 0)
    add_problem (problems, "err_validation_missing_attribute_ids",
                 "attributeIds is required when searchBy.fieldName is customAttribute");

  node = json_object_get_member (item, "includeUserDetails");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        add_problem (problems, "err_validation_invalid_type",
                     "includeUserDetails must be true or false");
      else
        query->include_user_details = json_node_get_boolean (node);
    }
}

/* The page token: where the scan resumes, how many users matched before it,
 * and the query's hash. Opaque to clients; base64 so it looks it. */
static char *
encode_page_token (guint   scan_index,
                   guint   matched,
                   guint64 hash)
{
  g_autofree char *text = g_strdup_printf ("%u:%u:%016" G_GINT64_MODIFIER "x",
                                           scan_index, matched, hash);

  return g_base64_encode ((const guchar *) text, strlen (text));
}

static gboolean
decode_page_token (const char *token,
                   guint64     hash,
                   guint       n_users,
                   guint      *scan_index,
                   guint      *matched)
{
  gsize length = 0;
  g_autofree guchar *raw = g_base64_decode (token, &length);
  g_autofree char *text = g_strndup ((const char *) raw, length);
  g_autofree char *again = NULL;
  guint64 token_hash;
  guint a, b;
  int consumed = -1;

  if (raw == NULL || length == 0 ||
      sscanf (text, "%u:%u:%16" G_GINT64_MODIFIER "x%n", &a, &b, &token_hash, &consumed) != 3 ||
      consumed < 0 || text[consumed] != '\0')
    return FALSE;
  /* g_base64_decode() accepts nearly anything: only our own exact
   * encoding of these numbers is a token. */
  again = encode_page_token (a, b, token_hash);
  if (!g_str_equal (again, token) || token_hash != hash || a > n_users || b > a)
    return FALSE;
  *scan_index = a;
  *matched = b;
  return TRUE;
}

static guint
total_matching (ApMockServer      *self,
                ApMockDataset     *dataset,
                const ApMockQuery *query,
                guint64            hash)
{
  gpointer cached;
  guint total;

  if (query->search == AP_MOCK_SEARCH_NONE && query->video_count == AP_MOCK_VIDEO_COUNT_ALL &&
      ap_mock_dataset_get_epoch (dataset) == 0)
    return ap_mock_dataset_get_n_users (dataset);

  g_mutex_lock (&self->lock);
  cached = g_hash_table_lookup (self->totals, &hash);
  total = cached != NULL ? *(guint *) cached : 0;
  g_mutex_unlock (&self->lock);
  if (cached != NULL)
    return total;

  total = ap_mock_dataset_count_matching (dataset, query);
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->totals, g_memdup2 (&hash, sizeof hash),
                       g_memdup2 (&total, sizeof total));
  g_mutex_unlock (&self->lock);
  return total;
}

static void
append_fail_reply (Reply    *reply,
                   JsonNode *key,
                   GArray   *problems)
{
  GString *body = g_string_new ("{\"meta\":{\"status\":200},\"data\":[],\"fail\":[{\"key\":");

  if (key != NULL)
    {
      g_autofree char *text = json_to_string (key, FALSE);

      g_string_append (body, text);
    }
  else
    g_string_append (body, "{}");
  g_string_append (body, ",\"errors\":[");
  for (guint i = 0; i < problems->len; i++)
    {
      Problem *problem = &g_array_index (problems, Problem, i);

      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, "{\"code\":\"");
      ap_mock_json_escape_append (body, problem->code);
      g_string_append (body, "\",\"message\":\"");
      ap_mock_json_escape_append (body, problem->message);
      g_string_append (body, "\",\"retryable\":false}");
    }
  g_string_append (body, "]}]}");
  reply->status = SOUP_STATUS_OK;
  reply_take_string (reply, body);
}

typedef struct
{
  guint truncated_page;
  guint malformed_page;
  guint wrong_types_page;
  guint negative_page;
  guint huge_mib;
} PageFaults;

static void
build_page (Reply             *reply,
            ApMockDataset     *dataset,
            const ApMockQuery *query,
            guint              scan_index,
            guint              matched,
            guint              total,
            guint64            hash,
            const PageFaults  *faults)
{
  guint n_users = ap_mock_dataset_get_n_users (dataset);
  guint page = matched / query->page_size + 1;
  guint written = 0;
  ApMockCorruption corruption = AP_MOCK_CORRUPT_NONE;
  GString *head, *data;
  ApMockUser user;

  if (page == faults->wrong_types_page)
    corruption = AP_MOCK_CORRUPT_WRONG_TYPES;
  else if (page == faults->negative_page)
    corruption = AP_MOCK_CORRUPT_NEGATIVE_COUNT;
  else if (page == faults->malformed_page)
    corruption = AP_MOCK_CORRUPT_MALFORMED;

  data = g_string_sized_new (query->page_size * (query->include_user_details ? 2400 : 200));
  g_string_append (data, "\"data\":[");
  if (corruption == AP_MOCK_CORRUPT_MALFORMED)
    g_string_append_c (data, ',');

  ap_mock_user_init (&user, dataset);
  while (written < query->page_size && scan_index < n_users)
    {
      ap_mock_user_generate (&user, dataset, scan_index++);
      if (!ap_mock_user_matches (&user, query))
        continue;
      if (written > 0)
        g_string_append_c (data, ',');
      ap_mock_user_write_json (&user, query->include_user_details,
                               (corruption == AP_MOCK_CORRUPT_WRONG_TYPES || written == 0)
                               ? corruption : AP_MOCK_CORRUPT_NONE,
                               data);
      written++;
    }
  ap_mock_user_clear (&user);
  g_string_append (data, "],\"fail\":[]");

  head = g_string_new ("{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":");
  g_string_append_printf (head, "%u,\"totalCount\":%u", query->page_size, total);
  if (matched + written < total)
    {
      g_autofree char *next = encode_page_token (scan_index, matched + written, hash);

      g_string_append_printf (head, ",\"next\":\"%s\"", next);
    }
  g_string_append (head, "}},");

  reply_take_string (reply, head);
  reply_take_string (reply, data);

  if (faults->huge_mib > 0)
    {
      /* Whitespace is valid JSON: only the size is wrong. One shared MiB,
       * sent again and again, so the double itself stays small. */
      g_autoptr(GBytes) padding = NULL;
      char *spaces = g_malloc (1024 * 1024);

      memset (spaces, ' ', 1024 * 1024);
      padding = g_bytes_new_take (spaces, 1024 * 1024);
      for (guint i = 0; i < faults->huge_mib; i++)
        g_ptr_array_add (reply->chunks, g_bytes_ref (padding));
    }
  g_ptr_array_add (reply->chunks, g_bytes_new_static ("}", 1));

  if (page == faults->truncated_page)
    reply->kind = REPLY_TRUNCATE;
}

/* ---- a hostile server: synthetic pages ---- */

typedef struct
{
  gboolean endless;
  guint    claimed_total;   /* 0: no totalCount */
  guint    distinct_kib;
  guint    empty_users;
} Hostile;

static gboolean
hostile_active (const Hostile *h)
{
  return h->endless || h->distinct_kib > 0 || h->empty_users > 0;
}

/* Tokens "h.PAGE.RANDOM": a fresh one every time, as a server that never
 * repeats itself would send. */
static guint
hostile_page_from_token (const char *token)
{
  guint64 page = 1;

  if (token != NULL && g_str_has_prefix (token, "h."))
    page = g_ascii_strtoull (token + 2, NULL, 10);
  return (guint) CLAMP (page, 1, G_MAXUINT32);
}

static void
build_hostile_page (Reply             *reply,
                    const ApMockQuery *query,
                    const Hostile     *h)
{
  guint page = hostile_page_from_token (query->page_token);
  GString *head = g_string_new ("{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":");
  guint n_users = h->empty_users > 0 ? h->empty_users : query->page_size;

  g_string_append_printf (head, "%u", query->page_size);
  if (h->claimed_total > 0)
    g_string_append_printf (head, ",\"totalCount\":%u", h->claimed_total);
  else if (!h->endless)
    g_string_append_printf (head, ",\"totalCount\":%u", n_users);
  if (h->endless)
    g_string_append_printf (head, ",\"next\":\"h.%u.%08x%08x\"", page + 1,
                            g_random_int (), g_random_int ());
  g_string_append (head, "}},\"fail\":[],\"data\":[");
  reply_take_string (reply, head);

  if (h->empty_users > 0)
    {
      /* One shared MiB of ",{}" sent again and again keeps the double small. */
      const guint per_chunk = 349525;   /* 3 bytes each, just under 1 MiB */
      g_autoptr(GBytes) chunk = NULL;
      char *text = g_malloc (3 * per_chunk);
      guint left = n_users - 1;

      for (guint i = 0; i < per_chunk; i++)
        memcpy (text + 3 * i, ",{}", 3);
      chunk = g_bytes_new_take (text, 3 * per_chunk);
      g_ptr_array_add (reply->chunks, g_bytes_new_static ("{}", 2));
      while (left >= per_chunk)
        {
          g_ptr_array_add (reply->chunks, g_bytes_ref (chunk));
          left -= per_chunk;
        }
      if (left > 0)
        g_ptr_array_add (reply->chunks, g_bytes_new_from_bytes (chunk, 0, 3 * (gsize) left));
    }
  else
    {
      GString *data = g_string_sized_new (n_users * ((gsize) h->distinct_kib * 1024 + 160));

      for (guint i = 0; i < n_users; i++)
        {
          guint64 number = (guint64) (page - 1) * query->page_size + i;

          g_string_append_printf (data, "%s{\"name\":\"Hostile User %" G_GUINT64_FORMAT "\","
                                  "\"email\":\"user%" G_GUINT64_FORMAT "@hostile.example\","
                                  "\"numCorrect\":1,\"numIncorrect\":0,\"numNotWatched\":0,"
                                  "\"department\":\"",
                                  i > 0 ? "," : "", number, number);
          if (h->distinct_kib > 0)
            {
              gsize start = data->len;

              g_string_append_printf (data, "Department %" G_GUINT64_FORMAT " ", number);
              while (data->len - start < (gsize) h->distinct_kib * 1024)
                g_string_append_c (data, 'x');
            }
          else
            g_string_append (data, "Endless");
          g_string_append (data, "\"}");
        }
      reply_take_string (reply, data);
    }

  g_ptr_array_add (reply->chunks, g_bytes_new_static ("]}", 2));
}

static void
reply_set_redirect (Reply      *reply,
                    guint       status,
                    const char *target,
                    const char *path)
{
  g_autofree char *location = g_strconcat (target, path, NULL);

  reply_set_error (reply, status, "err_redirect", "Moved.");
  soup_message_headers_replace (soup_server_message_get_response_headers (reply->msg),
                                "Location", location);
}

static void
build_deep_nesting (Reply *reply,
                    guint  depth)
{
  GString *body = g_string_sized_new (2 * depth + 64);

  g_string_append (body, "{\"meta\":{\"status\":200},\"data\":[");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (body, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (body, ']');
  g_string_append (body, "],\"fail\":[]}");
  reply_take_string (reply, body);
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

/* ---- handlers (server thread) ---- */

static void
count_data_request (ApMockServer      *self,
                    SoupServerMessage *msg,
                    Reply             *reply,
                    guint             *number,
                    guint             *delay_ms)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_mutex_lock (&self->lock);
  *number = ++self->n_requests;
  g_clear_pointer (&self->last_body, g_free);
  if (body->length <= MAX_REQUEST_BODY && body->data != NULL)
    self->last_body = g_strndup (body->data, body->length);
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  self->last_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg),
                                copy_header_cb, self->last_headers);
  rate_limit_snapshot (self, reply, TRUE);
  *delay_ms = fault_param (self, AP_MOCK_FAULT_LATENCY) +
              fault_param (self, AP_MOCK_FAULT_HANG) * 1000;
  g_mutex_unlock (&self->lock);
}

static void
data_early_handler (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  ApMockServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Reply *reply;
  guint number, delay_ms;

  /* Refuse a body over the limit before reading it, as a gateway would. */
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      soup_message_headers_get_content_length (headers) <= MAX_REQUEST_BODY)
    return;

  reply = reply_new (self, msg);
  count_data_request (self, msg, reply, &number, &delay_ms);
  reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_too_large",
                   "The request body is larger than 1 MiB.");
  reply_send (reply);
  reply_free (reply);
}

static void
data_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query_params,
              gpointer           user_data)
{
  ApMockServer *self = user_data;
  Reply *reply = reply_new (self, msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(ApMockDataset) dataset = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GArray) problems = NULL;
  g_autoptr(JsonNode) key = NULL;
  g_autoptr(GError) error = NULL;
  const char *code = NULL, *message = NULL;
  const char *content_type;
  ApMockQuery query;
  PageFaults page_faults = { 0, };
  guint number, delay_ms, reset_ms = 0, server_error_every = 0, server_error_base = 0;
  guint deep_nesting = 0, scan_index = 0, matched = 0, total;
  gboolean authorized, rate_limited, dropped, forbidden, expired, unauthorized, fail_array;
  guint redirect_status;
  g_autofree char *redirect_target = NULL;
  Hostile hostile = { 0, };
  guint64 hash;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      g_mutex_lock (&self->lock);
      rate_limit_snapshot (self, reply, FALSE);
      delay_ms = fault_param (self, AP_MOCK_FAULT_LATENCY);
      g_mutex_unlock (&self->lock);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "POST");
      reply_set_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "err_method_not_allowed",
                       "Only POST is allowed here.");
      reply_finish (reply, delay_ms);
      return;
    }

  count_data_request (self, msg, reply, &number, &delay_ms);

  g_mutex_lock (&self->lock);
  dropped = take_counted_fault (self, AP_MOCK_FAULT_DROP_CONNECTION, NULL);
  authorized = dropped || check_auth (self, headers, path, &code, &message);
  if (!authorized)
    self->n_rejected_auth++;
  rate_limited = authorized && !dropped &&
                 take_counted_fault (self, AP_MOCK_FAULT_RATE_LIMIT, &reset_ms);
  if (!rate_limited && authorized && self->rate_enforced && reply->rate_remaining == 0 &&
      self->window_used > self->rate_limit)
    {
      rate_limited = TRUE;
      reset_ms = reply->rate_reset_ms;
    }
  forbidden = has_fault (self, AP_MOCK_FAULT_FORBIDDEN);
  expired = has_fault (self, AP_MOCK_FAULT_KEYS_EXPIRED);
  unauthorized = has_fault (self, AP_MOCK_FAULT_UNAUTHORIZED);
  fail_array = has_fault (self, AP_MOCK_FAULT_FAIL_ARRAY);
  if (find_fault (self, AP_MOCK_FAULT_SERVER_ERROR) != NULL)
    {
      server_error_every = find_fault (self, AP_MOCK_FAULT_SERVER_ERROR)->param;
      server_error_base = find_fault (self, AP_MOCK_FAULT_SERVER_ERROR)->base_request;
    }
  deep_nesting = fault_param (self, AP_MOCK_FAULT_DEEP_NESTING);
  page_faults.truncated_page = fault_param (self, AP_MOCK_FAULT_TRUNCATED_BODY);
  page_faults.malformed_page = fault_param (self, AP_MOCK_FAULT_MALFORMED_JSON);
  page_faults.wrong_types_page = fault_param (self, AP_MOCK_FAULT_WRONG_TYPES);
  page_faults.negative_page = fault_param (self, AP_MOCK_FAULT_NEGATIVE_COUNT);
  page_faults.huge_mib = fault_param (self, AP_MOCK_FAULT_HUGE_BODY);
  redirect_status = fault_param (self, AP_MOCK_FAULT_REDIRECT);
  redirect_target = g_strdup (self->redirect_target);
  hostile.endless = has_fault (self, AP_MOCK_FAULT_ENDLESS_PAGES);
  hostile.claimed_total = fault_param (self, AP_MOCK_FAULT_ENDLESS_PAGES);
  hostile.distinct_kib = fault_param (self, AP_MOCK_FAULT_DISTINCT_STRINGS);
  hostile.empty_users = fault_param (self, AP_MOCK_FAULT_EMPTY_USERS);
  dataset = ap_mock_dataset_ref (self->dataset);
  g_mutex_unlock (&self->lock);

  /* A hostile server redirects before it looks at the credentials. */
  if (redirect_status > 0 && !dropped)
    {
      reply_set_redirect (reply, redirect_status, redirect_target, path);
      reply_finish (reply, delay_ms);
      return;
    }

  if (dropped)
    {
      reply->kind = REPLY_DROP;
      reply_finish (reply, delay_ms);
      return;
    }
  if (!authorized)
    {
      reply_set_error (reply, SOUP_STATUS_UNAUTHORIZED, code, message);
      reply_finish (reply, delay_ms);
      return;
    }
  if (rate_limited)
    {
      reply->rate_remaining = 0;
      reply->rate_reset_ms = reset_ms;
      reply_set_error (reply, 429, "err_xdk_rate_limit_exceeded",
                       "Too many requests: the rate limit is exceeded.");
      reply_finish (reply, delay_ms);
      return;
    }
  if (forbidden)
    {
      reply_set_error (reply, SOUP_STATUS_FORBIDDEN, "err_xdk_access_denied",
                       "The administrator lacks the Awareness Training | Dashboard | Read "
                       "permission.");
      reply_finish (reply, delay_ms);
      return;
    }
  if (expired)
    {
      reply_set_error (reply, 418, "err_xdk_binding_expired",
                       "The access key binding has expired.");
      reply_finish (reply, delay_ms);
      return;
    }
  if (unauthorized)
    {
      reply_set_error (reply, SOUP_STATUS_UNAUTHORIZED, "err_xdk_authentication_failed",
                       "Authentication failed.");
      reply_finish (reply, delay_ms);
      return;
    }
  if (server_error_every > 0 && (number - server_error_base) % server_error_every == 0)
    {
      reply_set_error (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR, "err_internal_server_error",
                       "An internal error occurred.");
      reply_finish (reply, delay_ms);
      return;
    }

  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (g_strcmp0 (content_type, "application/json") != 0)
    {
      reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_invalid_content_type",
                       "The request body must be application/json.");
      reply_finish (reply, delay_ms);
      return;
    }
  if (request_body->length > MAX_REQUEST_BODY)
    {
      reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_too_large",
                       "The request body is larger than 1 MiB.");
      reply_finish (reply, delay_ms);
      return;
    }

  parser = json_parser_new_immutable ();
  /* json-glib recurses once per nesting level: check depth before it sees
   * a byte, or a hostile body could overflow the server thread's stack. */
  if (request_body->length == 0 ||
      !ap_json_check_nesting (request_body->data, request_body->length, MAX_REQUEST_DEPTH, NULL) ||
      !json_parser_load_from_data (parser, request_body->data, request_body->length, &error) ||
      json_parser_get_root (parser) == NULL)
    {
      reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_invalid_json",
                       "The request body is not valid JSON.");
      reply_finish (reply, delay_ms);
      return;
    }

  problems = g_array_new (FALSE, FALSE, sizeof (Problem));
  g_array_set_clear_func (problems, problem_clear);
  parse_query (json_parser_get_root (parser), &query, &key, problems);

  hash = ap_mock_query_hash (dataset, &query);
  if (problems->len == 0 && query.page_token != NULL && !hostile_active (&hostile) &&
      !decode_page_token (query.page_token, hash, ap_mock_dataset_get_n_users (dataset),
                          &scan_index, &matched))
    add_problem (problems, "err_validation_invalid_page_token",
                 "meta.pagination.pageToken is not a token this query returned");

  if (problems->len > 0)
    {
      append_fail_reply (reply, key, problems);
      ap_mock_query_clear (&query);
      reply_finish (reply, delay_ms);
      return;
    }

  if (fail_array)
    {
      add_problem (problems, "err_awareness_training_not_enabled",
                   "Awareness Training is not enabled for this account.");
      append_fail_reply (reply, key, problems);
    }
  else if (deep_nesting > 0)
    build_deep_nesting (reply, deep_nesting);
  else if (hostile_active (&hostile))
    build_hostile_page (reply, &query, &hostile);
  else
    {
      total = total_matching (self, dataset, &query, hash);
      build_page (reply, dataset, &query, scan_index, matched, total, hash, &page_faults);
    }

  ap_mock_query_clear (&query);
  reply_finish (reply, delay_ms);
}

static void
token_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query_params,
               gpointer           user_data)
{
  ApMockServer *self = user_data;
  Reply *reply = reply_new (self, msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *text = NULL;
  const char *grant, *client_id, *client_secret;
  guint delay_ms, lifetime, redirect_status;
  g_autofree char *redirect_target = NULL;

  g_mutex_lock (&self->lock);
  if (soup_server_message_get_method (msg) == SOUP_METHOD_POST)
    self->n_token_requests++;
  rate_limit_snapshot (self, reply, FALSE);
  delay_ms = fault_param (self, AP_MOCK_FAULT_LATENCY);
  lifetime = self->token_lifetime;
  redirect_status = fault_param (self, AP_MOCK_FAULT_REDIRECT_TOKEN);
  redirect_target = g_strdup (self->redirect_target);
  g_mutex_unlock (&self->lock);

  if (redirect_status > 0)
    {
      reply_set_redirect (reply, redirect_status, redirect_target, path);
      reply_finish (reply, delay_ms);
      return;
    }

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "POST");
      reply_set_oauth_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request",
                             "Only POST is allowed here.");
      reply_finish (reply, delay_ms);
      return;
    }

  if (g_strcmp0 (soup_message_headers_get_content_type (headers, NULL),
                 "application/x-www-form-urlencoded") != 0 ||
      body->length > MAX_REQUEST_BODY)
    {
      reply_set_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                             "The body must be application/x-www-form-urlencoded.");
      reply_finish (reply, delay_ms);
      return;
    }

  text = g_strndup (body->data != NULL ? body->data : "", body->length);
  form = soup_form_decode (text);
  grant = g_hash_table_lookup (form, "grant_type");
  client_id = g_hash_table_lookup (form, "client_id");
  client_secret = g_hash_table_lookup (form, "client_secret");

  if (g_strcmp0 (grant, "client_credentials") != 0)
    {
      reply_set_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                             "grant_type must be client_credentials.");
    }
  else if (client_id == NULL || client_secret == NULL ||
           !g_str_equal (client_id, AP_MOCK_CLIENT_ID) ||
           !equal_constant_time (client_secret, AP_MOCK_CLIENT_SECRET))
    {
      g_mutex_lock (&self->lock);
      self->n_rejected_auth++;
      g_mutex_unlock (&self->lock);
      reply_set_oauth_error (reply, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                             "The client ID or client secret is wrong.");
    }
  else
    {
      g_autofree char *token = NULL;
      GString *json;
      guint8 random[24];
      gint64 expiry;

      for (guint i = 0; i < sizeof random; i++)
        random[i] = (guint8) g_random_int_range (0, 256);
      token = g_base64_encode (random, sizeof random);
      expiry = g_get_monotonic_time () + (gint64) lifetime * G_USEC_PER_SEC;

      g_mutex_lock (&self->lock);
      g_hash_table_insert (self->tokens, g_strdup (token), g_memdup2 (&expiry, sizeof expiry));
      g_mutex_unlock (&self->lock);

      json = g_string_new ("{\"access_token\":\"");
      g_string_append (json, token);
      g_string_append_printf (json, "\",\"token_type\":\"Bearer\",\"expires_in\":%u}", lifetime);
      reply_take_string (reply, json);
    }
  reply_finish (reply, delay_ms);
}

static void
default_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query_params,
                 gpointer           user_data)
{
  ApMockServer *self = user_data;
  Reply *reply = reply_new (self, msg);
  guint delay_ms;

  g_mutex_lock (&self->lock);
  rate_limit_snapshot (self, reply, FALSE);
  delay_ms = fault_param (self, AP_MOCK_FAULT_LATENCY);
  g_mutex_unlock (&self->lock);
  reply_set_error (reply, SOUP_STATUS_NOT_FOUND, "err_resource_not_found",
                   "There is no such endpoint.");
  reply_finish (reply, delay_ms);
}

/* ---- the server thread ---- */

static gboolean
quit_loop_cb (gpointer data)
{
  ApMockServer *self = data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer data)
{
  ApMockServer *self = data;
  g_autoptr(GError) error = NULL;
  gboolean listening;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "ap-mock-server ", NULL);
  self->pending = g_ptr_array_new ();
  soup_server_add_early_handler (self->server, AP_MOCK_DATA_PATH, data_early_handler, self, NULL);
  soup_server_add_handler (self->server, AP_MOCK_DATA_PATH, data_handler, self, NULL);
  soup_server_add_handler (self->server, AP_MOCK_TOKEN_PATH, token_handler, self, NULL);
  soup_server_add_handler (self->server, NULL, default_handler, self, NULL);

  listening = soup_server_listen_local (self->server, self->requested_port,
                                        SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  if (listening)
    {
      uris = soup_server_get_uris (self->server);
      self->port = uris != NULL ? (guint) g_uri_get_port (uris->data) : 0;
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    }

  g_mutex_lock (&self->lock);
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  self->start_error = g_steal_pointer (&error);
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  /* Not self->start_error: start() takes it as soon as it is told. */
  if (listening)
    g_main_loop_run (self->loop);

  /* Delayed replies hold their messages: let them go before the server. */
  while (self->pending->len > 0)
    reply_free (g_ptr_array_steal_index_fast (self->pending, self->pending->len - 1));
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* ---- GObject ---- */

static void
ap_mock_server_dispose (GObject *object)
{
  ApMockServer *self = AP_MOCK_SERVER (object);

  ap_mock_server_stop (self);

  G_OBJECT_CLASS (ap_mock_server_parent_class)->dispose (object);
}

static void
ap_mock_server_finalize (GObject *object)
{
  ApMockServer *self = AP_MOCK_SERVER (object);

  g_clear_pointer (&self->dataset, ap_mock_dataset_unref);
  g_clear_pointer (&self->faults, g_array_unref);
  g_clear_pointer (&self->redirect_target, g_free);
  g_clear_pointer (&self->last_body, g_free);
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  g_clear_pointer (&self->seen_request_ids, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->totals, g_hash_table_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (ap_mock_server_parent_class)->finalize (object);
}

static void
ap_mock_server_class_init (ApMockServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ap_mock_server_dispose;
  object_class->finalize = ap_mock_server_finalize;
}

static void
ap_mock_server_init (ApMockServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->dataset = ap_mock_dataset_new (250, 8, 6, 1);
  self->token_lifetime = AP_MOCK_DEFAULT_TOKEN_LIFETIME;
  self->faults = g_array_new (FALSE, FALSE, sizeof (Fault));
  self->redirect_target = g_strdup ("https://redirect.invalid");
  self->rate_limit = AP_MOCK_DEFAULT_RATE_LIMIT;
  self->rate_window_ms = AP_MOCK_DEFAULT_RATE_WINDOW_MS;
  self->seen_request_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->totals = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->base_url = g_strdup ("http://127.0.0.1:0");
}

/* ---- public API ---- */

const char *
ap_mock_fault_to_string (ApMockFault fault)
{
  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (fault_names[i].fault == fault)
      return fault_names[i].name;
  return NULL;
}

gboolean
ap_mock_fault_from_string (const char  *name,
                           ApMockFault *fault)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (fault != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (g_str_equal (fault_names[i].name, name))
      {
        *fault = fault_names[i].fault;
        return TRUE;
      }
  return FALSE;
}

ApMockServer *
ap_mock_server_new (void)
{
  return g_object_new (AP_TYPE_MOCK_SERVER, NULL);
}

void
ap_mock_server_set_dataset (ApMockServer *self,
                            guint         n_users,
                            guint         n_departments,
                            guint         records_per_user,
                            guint32       seed)
{
  g_return_if_fail (AP_IS_MOCK_SERVER (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->dataset, ap_mock_dataset_unref);
  self->dataset = ap_mock_dataset_new (n_users, n_departments, records_per_user, seed);
  g_hash_table_remove_all (self->totals);
  g_mutex_unlock (&self->lock);
}

void
ap_mock_server_set_epoch (ApMockServer *self,
                          guint         epoch)
{
  ApMockDataset *old;

  g_return_if_fail (AP_IS_MOCK_SERVER (self));

  g_mutex_lock (&self->lock);
  old = self->dataset;
  self->dataset = ap_mock_dataset_at_epoch (old, epoch);
  ap_mock_dataset_unref (old);
  g_hash_table_remove_all (self->totals);
  g_mutex_unlock (&self->lock);
}

void
ap_mock_server_set_token_lifetime (ApMockServer *self,
                                   guint         seconds)
{
  g_return_if_fail (AP_IS_MOCK_SERVER (self));

  g_mutex_lock (&self->lock);
  self->token_lifetime = seconds;
  g_mutex_unlock (&self->lock);
}

void
ap_mock_server_set_redirect_target (ApMockServer *self,
                                    const char   *base_url)
{
  g_return_if_fail (AP_IS_MOCK_SERVER (self));
  g_return_if_fail (base_url != NULL);

  g_mutex_lock (&self->lock);
  g_free (self->redirect_target);
  self->redirect_target = g_strdup (base_url);
  g_mutex_unlock (&self->lock);
}

void
ap_mock_server_add_fault (ApMockServer *self,
                          ApMockFault   fault,
                          guint         param,
                          guint         reset_ms)
{
  Fault *existing;

  g_return_if_fail (AP_IS_MOCK_SERVER (self));
  g_return_if_fail (fault > AP_MOCK_FAULT_NONE && fault <= AP_MOCK_FAULT_EMPTY_USERS);

  g_mutex_lock (&self->lock);
  existing = find_fault (self, fault);
  if (existing == NULL)
    {
      Fault f = { fault, 0, 0, 0 };

      g_array_append_val (self->faults, f);
      existing = &g_array_index (self->faults, Fault, self->faults->len - 1);
    }
  existing->param = param;
  existing->reset_ms = reset_ms;
  existing->base_request = self->n_requests;
  g_mutex_unlock (&self->lock);
}

void
ap_mock_server_clear_faults (ApMockServer *self)
{
  g_return_if_fail (AP_IS_MOCK_SERVER (self));

  g_mutex_lock (&self->lock);
  g_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

void
ap_mock_server_set_rate_limit (ApMockServer *self,
                               guint         limit,
                               guint         window_ms,
                               gboolean      enforce)
{
  g_return_if_fail (AP_IS_MOCK_SERVER (self));
  g_return_if_fail (window_ms > 0);

  g_mutex_lock (&self->lock);
  self->rate_limit = limit;
  self->rate_window_ms = window_ms;
  self->rate_enforced = enforce;
  self->window_start = 0;
  self->window_used = 0;
  g_mutex_unlock (&self->lock);
}

gboolean
ap_mock_server_start (ApMockServer *self,
                      guint         port,
                      GError      **error)
{
  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->requested_port = port;
  self->ready = FALSE;
  g_clear_error (&self->start_error);

  self->thread = g_thread_new ("ap-mock-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->start_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&self->start_error),
                                  "Could not listen on 127.0.0.1:%u: ", port);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }

  g_debug ("Mock Mimecast listening on %s", self->base_url);
  return TRUE;
}

void
ap_mock_server_stop (ApMockServer *self)
{
  GSource *source;

  g_return_if_fail (AP_IS_MOCK_SERVER (self));

  if (self->thread == NULL)
    return;

  /* A source, not g_main_loop_quit() from here: a quit that came before
   * the loop started running would be lost. */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop_cb, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);

  g_thread_join (g_steal_pointer (&self->thread));
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

const char *
ap_mock_server_get_base_url (ApMockServer *self)
{
  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), NULL);

  return self->base_url;
}

guint
ap_mock_server_get_port (ApMockServer *self)
{
  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), 0);

  return self->port;
}

ApCredentials *
ap_mock_server_dup_credentials (ApMockServer *self,
                                ApAuthMode    mode)
{
  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), NULL);

  if (mode == AP_AUTH_MODE_API1)
    return ap_credentials_new_api1 (self->base_url, AP_MOCK_ACCESS_KEY, AP_MOCK_SECRET_KEY,
                                    AP_MOCK_APP_ID, AP_MOCK_APP_KEY);
  return ap_credentials_new_api2 (self->base_url, AP_MOCK_CLIENT_ID, AP_MOCK_CLIENT_SECRET);
}

static guint
read_counter (ApMockServer *self,
              const guint  *counter)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = *counter;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
ap_mock_server_get_n_requests (ApMockServer *self)
{
  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), 0);

  return read_counter (self, &self->n_requests);
}

guint
ap_mock_server_get_n_token_requests (ApMockServer *self)
{
  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), 0);

  return read_counter (self, &self->n_token_requests);
}

guint
ap_mock_server_get_n_rejected_auth (ApMockServer *self)
{
  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), 0);

  return read_counter (self, &self->n_rejected_auth);
}

char *
ap_mock_server_dup_last_request_body (ApMockServer *self)
{
  char *body;

  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), NULL);

  g_mutex_lock (&self->lock);
  body = g_strdup (self->last_body);
  g_mutex_unlock (&self->lock);
  return body;
}

char *
ap_mock_server_dup_last_request_header (ApMockServer *self,
                                        const char   *name)
{
  char *value = NULL;

  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (self->last_headers != NULL)
    value = g_strdup (soup_message_headers_get_one (self->last_headers, name));
  g_mutex_unlock (&self->lock);
  return value;
}

guint
ap_mock_server_count_matching (ApMockServer *self,
                               const char   *request_body)
{
  g_autoptr(ApMockDataset) dataset = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GArray) problems = NULL;
  g_autoptr(JsonNode) key = NULL;
  ApMockQuery query;
  guint count = 0;

  g_return_val_if_fail (AP_IS_MOCK_SERVER (self), 0);
  g_return_val_if_fail (request_body != NULL, 0);

  if (!ap_json_check_nesting (request_body, strlen (request_body), MAX_REQUEST_DEPTH, NULL) ||
      !json_parser_load_from_data (parser, request_body, -1, NULL) ||
      json_parser_get_root (parser) == NULL)
    return 0;

  g_mutex_lock (&self->lock);
  dataset = ap_mock_dataset_ref (self->dataset);
  g_mutex_unlock (&self->lock);

  problems = g_array_new (FALSE, FALSE, sizeof (Problem));
  g_array_set_clear_func (problems, problem_clear);
  parse_query (json_parser_get_root (parser), &query, &key, problems);
  if (problems->len == 0)
    count = ap_mock_dataset_count_matching (dataset, &query);
  ap_mock_query_clear (&query);
  return count;
}
