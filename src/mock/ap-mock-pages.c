/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <string.h>

#include "ap-mock-server-private.h"
#include "ap-parser.h"

/* The data endpoint: a POST of a query answered by one page of the data
 * set's users, unless a fault or the request itself says otherwise. */

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
build_page (ApMockReply            *reply,
            ApMockDataset          *dataset,
            const ApMockQuery      *query,
            guint                   scan_index,
            guint                   matched,
            guint                   total,
            guint64                 hash,
            const ApMockPageFaults *faults)
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
      g_autofree char *next = ap_mock_page_token_encode (scan_index, matched + written, hash);

      g_string_append_printf (head, ",\"next\":\"%s\"", next);
    }
  g_string_append (head, "}},");

  ap_mock_reply_take_string (reply, head);
  ap_mock_reply_take_string (reply, data);

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
    reply->kind = AP_MOCK_REPLY_TRUNCATE;
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

/* Counts the request and keeps its body and headers for the tests. */
static void
count_data_request (ApMockServer      *self,
                    SoupServerMessage *msg,
                    ApMockReply       *reply,
                    ApMockFaultState  *state)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_mutex_lock (&self->lock);
  state->number = ++self->n_requests;
  g_clear_pointer (&self->last_body, g_free);
  if (body->length <= AP_MOCK_MAX_REQUEST_BODY && body->data != NULL)
    self->last_body = g_strndup (body->data, body->length);
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  self->last_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg),
                                copy_header_cb, self->last_headers);
  ap_mock_server_rate_limit_locked (self, reply, TRUE);
  state->delay_ms = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_LATENCY) +
                    ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_HANG) * 1000;
  g_mutex_unlock (&self->lock);
}

void
ap_mock_server_data_early_handler (SoupServer        *server,
                                   SoupServerMessage *msg,
                                   const char        *path,
                                   GHashTable        *query_params,
                                   gpointer           user_data)
{
  ApMockServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  ApMockFaultState state = { 0, };
  ApMockReply *reply;

  /* Refuse a body over the limit before reading it, as a gateway would. */
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      soup_message_headers_get_content_length (headers) <= AP_MOCK_MAX_REQUEST_BODY)
    return;

  reply = ap_mock_reply_new (self, msg);
  count_data_request (self, msg, reply, &state);
  ap_mock_reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_too_large",
                           "The request body is larger than 1 MiB.");
  ap_mock_reply_send (reply);
  ap_mock_reply_free (reply);
}

/* Under the lock: counted faults are spent, an API 1.0 request ID too. */
static ApMockDataset *
admit_locked (ApMockServer       *self,
              SoupMessageHeaders *headers,
              const char         *path,
              ApMockReply        *reply,
              ApMockFaultState   *state)
{
  state->dropped = ap_mock_server_take_fault_locked (self, AP_MOCK_FAULT_DROP_CONNECTION, NULL);
  if (!state->dropped &&
      !ap_mock_server_check_auth_locked (self, headers, path, &state->auth_code,
                                         &state->auth_message))
    self->n_rejected_auth++;
  ap_mock_fault_state_take_locked (self, reply, state);
  return ap_mock_dataset_ref (self->dataset);
}

/* The body as JSON, or NULL with @reply set to the 400 it gets. */
static JsonParser *
read_request (SoupServerMessage *msg,
              ApMockReply       *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = NULL;

  if (g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "application/json") != 0)
    {
      ap_mock_reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_invalid_content_type",
                               "The request body must be application/json.");
      return NULL;
    }
  if (body->length > AP_MOCK_MAX_REQUEST_BODY)
    {
      ap_mock_reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_too_large",
                               "The request body is larger than 1 MiB.");
      return NULL;
    }

  parser = json_parser_new_immutable ();
  /* json-glib recurses once per nesting level: check depth before it sees
   * a byte, or a hostile body could overflow the server thread's stack. */
  if (body->length == 0 ||
      !ap_json_check (body->data, body->length, AP_MOCK_MAX_REQUEST_DEPTH, NULL) ||
      !json_parser_load_from_data (parser, body->data, body->length, NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      ap_mock_reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "err_request_invalid_json",
                               "The request body is not valid JSON.");
      return NULL;
    }
  return g_steal_pointer (&parser);
}

/* A well-formed request past every refusal: its page, or the "fail"
 * entries of what is wrong with it. */
static void
answer_query (ApMockServer           *self,
              ApMockReply            *reply,
              ApMockDataset          *dataset,
              JsonNode               *root,
              const ApMockFaultState *state)
{
  g_autoptr(GArray) problems = ap_mock_problems_new ();
  g_autoptr(JsonNode) key = NULL;
  guint scan_index = 0, matched = 0;
  ApMockQuery query;
  guint64 hash;

  ap_mock_query_parse (root, &query, &key, problems);
  hash = ap_mock_query_hash (dataset, &query);
  if (problems->len == 0 && query.page_token != NULL && !ap_mock_hostile_active (&state->hostile) &&
      !ap_mock_page_token_decode (query.page_token, hash, ap_mock_dataset_get_n_users (dataset),
                                  &scan_index, &matched))
    ap_mock_problems_add (problems, "err_validation_invalid_page_token",
                          "meta.pagination.pageToken is not a token this query returned");

  if (problems->len > 0)
    ap_mock_reply_set_fail (reply, key, problems);
  else if (state->fail_array)
    {
      ap_mock_problems_add (problems, "err_awareness_training_not_enabled",
                            "Awareness Training is not enabled for this account.");
      ap_mock_reply_set_fail (reply, key, problems);
    }
  else if (state->deep_nesting > 0)
    ap_mock_reply_deep_nesting (reply, state->deep_nesting);
  else if (ap_mock_hostile_active (&state->hostile))
    ap_mock_reply_hostile_page (reply, &query, &state->hostile);
  else
    build_page (reply, dataset, &query, scan_index, matched,
                total_matching (self, dataset, &query, hash), hash, &state->page);
  ap_mock_query_clear (&query);
}

static void
refuse_method (ApMockServer      *self,
               SoupServerMessage *msg,
               ApMockReply       *reply)
{
  guint delay_ms;

  g_mutex_lock (&self->lock);
  ap_mock_server_rate_limit_locked (self, reply, FALSE);
  delay_ms = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_LATENCY);
  g_mutex_unlock (&self->lock);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
  ap_mock_reply_set_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "err_method_not_allowed",
                           "Only POST is allowed here.");
  ap_mock_reply_finish (reply, delay_ms);
}

void
ap_mock_server_data_handler (SoupServer        *server,
                             SoupServerMessage *msg,
                             const char        *path,
                             GHashTable        *query_params,
                             gpointer           user_data)
{
  ApMockServer *self = user_data;
  ApMockReply *reply = ap_mock_reply_new (self, msg);
  g_autoptr(ApMockDataset) dataset = NULL;
  g_autoptr(JsonParser) parser = NULL;
  ApMockFaultState state = { 0, };

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      refuse_method (self, msg, reply);
      return;
    }

  count_data_request (self, msg, reply, &state);
  g_mutex_lock (&self->lock);
  dataset = admit_locked (self, soup_server_message_get_request_headers (msg), path, reply,
                          &state);
  g_mutex_unlock (&self->lock);

  if (!ap_mock_fault_state_refuse (&state, reply, path) &&
      (parser = read_request (msg, reply)) != NULL)
    answer_query (self, reply, dataset, json_parser_get_root (parser), &state);

  ap_mock_fault_state_clear (&state);
  ap_mock_reply_finish (reply, state.delay_ms);
}
