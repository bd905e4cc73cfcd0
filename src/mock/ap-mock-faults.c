/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <string.h>

#include "ap-mock-server-private.h"

/* The fault table (what a test or the demo asked for) and what each fault
 * does to a reply: refusals, made-up pages, bodies no parser should accept. */

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

ApMockFaultEntry *
ap_mock_server_find_fault_locked (ApMockServer *self,
                                  ApMockFault   fault)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      ApMockFaultEntry *f = &g_array_index (self->faults, ApMockFaultEntry, i);

      if (f->fault == fault)
        return f;
    }
  return NULL;
}

guint
ap_mock_server_fault_param_locked (ApMockServer *self,
                                   ApMockFault   fault)
{
  ApMockFaultEntry *f = ap_mock_server_find_fault_locked (self, fault);

  return f != NULL ? f->param : 0;
}

static gboolean
has_fault (ApMockServer *self,
           ApMockFault   fault)
{
  return ap_mock_server_find_fault_locked (self, fault) != NULL;
}

/* Counts one use of a "the next N requests" fault. */
gboolean
ap_mock_server_take_fault_locked (ApMockServer *self,
                                  ApMockFault   fault,
                                  guint        *reset_ms)
{
  ApMockFaultEntry *f = ap_mock_server_find_fault_locked (self, fault);

  if (f == NULL || f->param == 0)
    return FALSE;
  f->param--;
  if (reset_ms != NULL)
    *reset_ms = f->reset_ms;
  return TRUE;
}

/* @consume: a data request spends one from the window. */
void
ap_mock_server_rate_limit_locked (ApMockServer *self,
                                  ApMockReply  *reply,
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

/* A 429 from an injected fault, or from the enforced window running out. */
static gboolean
take_rate_limit_locked (ApMockServer *self,
                        ApMockReply  *reply,
                        guint        *reset_ms)
{
  if (ap_mock_server_take_fault_locked (self, AP_MOCK_FAULT_RATE_LIMIT, reset_ms))
    return TRUE;
  if (self->rate_enforced && reply->rate_remaining == 0 && self->window_used > self->rate_limit)
    {
      *reset_ms = reply->rate_reset_ms;
      return TRUE;
    }
  return FALSE;
}

/* @state comes with number, delay_ms, dropped and the auth verdict set. */
void
ap_mock_fault_state_take_locked (ApMockServer     *self,
                                 ApMockReply      *reply,
                                 ApMockFaultState *state)
{
  ApMockFaultEntry *server_error = ap_mock_server_find_fault_locked (self,
                                                                     AP_MOCK_FAULT_SERVER_ERROR);

  state->rate_limited = !state->dropped && state->auth_code == NULL &&
                        take_rate_limit_locked (self, reply, &state->reset_ms);
  state->forbidden = has_fault (self, AP_MOCK_FAULT_FORBIDDEN);
  state->expired = has_fault (self, AP_MOCK_FAULT_KEYS_EXPIRED);
  state->unauthorized = has_fault (self, AP_MOCK_FAULT_UNAUTHORIZED);
  state->fail_array = has_fault (self, AP_MOCK_FAULT_FAIL_ARRAY);
  if (server_error != NULL)
    {
      state->server_error_every = server_error->param;
      state->server_error_base = server_error->base_request;
    }
  state->deep_nesting = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_DEEP_NESTING);
  state->page.truncated_page = ap_mock_server_fault_param_locked (self,
                                                                  AP_MOCK_FAULT_TRUNCATED_BODY);
  state->page.malformed_page = ap_mock_server_fault_param_locked (self,
                                                                  AP_MOCK_FAULT_MALFORMED_JSON);
  state->page.wrong_types_page = ap_mock_server_fault_param_locked (self,
                                                                    AP_MOCK_FAULT_WRONG_TYPES);
  state->page.negative_page = ap_mock_server_fault_param_locked (self,
                                                                 AP_MOCK_FAULT_NEGATIVE_COUNT);
  state->page.huge_mib = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_HUGE_BODY);
  state->redirect_status = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_REDIRECT);
  state->redirect_target = g_strdup (self->redirect_target);
  state->hostile.endless = has_fault (self, AP_MOCK_FAULT_ENDLESS_PAGES);
  state->hostile.claimed_total = ap_mock_server_fault_param_locked (self,
                                                                    AP_MOCK_FAULT_ENDLESS_PAGES);
  state->hostile.distinct_kib = ap_mock_server_fault_param_locked (self,
                                                                   AP_MOCK_FAULT_DISTINCT_STRINGS);
  state->hostile.empty_users = ap_mock_server_fault_param_locked (self,
                                                                  AP_MOCK_FAULT_EMPTY_USERS);
}

void
ap_mock_fault_state_clear (ApMockFaultState *state)
{
  g_clear_pointer (&state->redirect_target, g_free);
}

/* The reply a request gets before its body is looked at, in the order a
 * real gateway decides: TRUE when @reply is set and the request stops here. */
gboolean
ap_mock_fault_state_refuse (const ApMockFaultState *state,
                            ApMockReply            *reply,
                            const char             *path)
{
  /* A hostile server redirects before it looks at the credentials. */
  if (state->redirect_status > 0 && !state->dropped)
    ap_mock_reply_set_redirect (reply, state->redirect_status, state->redirect_target, path);
  else if (state->dropped)
    reply->kind = AP_MOCK_REPLY_DROP;
  else if (state->auth_code != NULL)
    ap_mock_reply_set_error (reply, SOUP_STATUS_UNAUTHORIZED, state->auth_code,
                             state->auth_message);
  else if (state->rate_limited)
    {
      reply->rate_remaining = 0;
      reply->rate_reset_ms = state->reset_ms;
      ap_mock_reply_set_error (reply, 429, "err_xdk_rate_limit_exceeded",
                               "Too many requests: the rate limit is exceeded.");
    }
  else if (state->forbidden)
    ap_mock_reply_set_error (reply, SOUP_STATUS_FORBIDDEN, "err_xdk_access_denied",
                             "The administrator lacks the Awareness Training | Dashboard | Read "
                             "permission.");
  else if (state->expired)
    ap_mock_reply_set_error (reply, 418, "err_xdk_binding_expired",
                             "The access key binding has expired.");
  else if (state->unauthorized)
    ap_mock_reply_set_error (reply, SOUP_STATUS_UNAUTHORIZED, "err_xdk_authentication_failed",
                             "Authentication failed.");
  else if (state->server_error_every > 0 &&
           (state->number - state->server_error_base) % state->server_error_every == 0)
    ap_mock_reply_set_error (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                             "err_internal_server_error", "An internal error occurred.");
  else
    return FALSE;
  return TRUE;
}

/* ---- a hostile server: synthetic pages ---- */

gboolean
ap_mock_hostile_active (const ApMockHostile *h)
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

/* One shared MiB of ",{}" sent again and again keeps the double small. */
static void
append_empty_users (ApMockReply *reply,
                    guint        n_users)
{
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

/* Users numbered across pages; with @distinct_kib, each in a department of
 * its own whose name is that many KiB long. */
static void
append_hostile_users (ApMockReply *reply,
                      guint        page,
                      guint        page_size,
                      guint        n_users,
                      guint        distinct_kib)
{
  GString *data = g_string_sized_new (n_users * ((gsize) distinct_kib * 1024 + 160));

  for (guint i = 0; i < n_users; i++)
    {
      guint64 number = (guint64) (page - 1) * page_size + i;

      g_string_append_printf (data, "%s{\"name\":\"Hostile User %" G_GUINT64_FORMAT "\","
                              "\"email\":\"user%" G_GUINT64_FORMAT "@hostile.example\","
                              "\"numCorrect\":1,\"numIncorrect\":0,\"numNotWatched\":0,"
                              "\"department\":\"",
                              i > 0 ? "," : "", number, number);
      if (distinct_kib > 0)
        {
          gsize start = data->len;

          g_string_append_printf (data, "Department %" G_GUINT64_FORMAT " ", number);
          while (data->len - start < (gsize) distinct_kib * 1024)
            g_string_append_c (data, 'x');
        }
      else
        g_string_append (data, "Endless");
      g_string_append (data, "\"}");
    }
  ap_mock_reply_take_string (reply, data);
}

void
ap_mock_reply_hostile_page (ApMockReply         *reply,
                            const ApMockQuery   *query,
                            const ApMockHostile *h)
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
  ap_mock_reply_take_string (reply, head);

  if (h->empty_users > 0)
    append_empty_users (reply, n_users);
  else
    append_hostile_users (reply, page, query->page_size, n_users, h->distinct_kib);
  g_ptr_array_add (reply->chunks, g_bytes_new_static ("]}", 2));
}

void
ap_mock_reply_deep_nesting (ApMockReply *reply,
                    guint  depth)
{
  GString *body = g_string_sized_new (2 * depth + 64);

  g_string_append (body, "{\"meta\":{\"status\":200},\"data\":[");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (body, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (body, ']');
  g_string_append (body, "],\"fail\":[]}");
  ap_mock_reply_take_string (reply, body);
}

/* ---- public API: the faults and limits a test or the demo sets ---- */

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
  ApMockFaultEntry *existing;

  g_return_if_fail (AP_IS_MOCK_SERVER (self));
  g_return_if_fail (fault > AP_MOCK_FAULT_NONE && fault <= AP_MOCK_FAULT_EMPTY_USERS);

  g_mutex_lock (&self->lock);
  existing = ap_mock_server_find_fault_locked (self, fault);
  if (existing == NULL)
    {
      ApMockFaultEntry f = { fault, 0, 0, 0 };

      g_array_append_val (self->faults, f);
      existing = &g_array_index (self->faults, ApMockFaultEntry, self->faults->len - 1);
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
