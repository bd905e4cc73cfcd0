/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <string.h>

#include "ap-mock-server-private.h"
#include "ap-parser.h"

/* The server runs on a thread of its own with its own main context, so a
 * test or the demo that blocks its main loop still gets answers. The
 * endpoints live in ap-mock-auth.c (token) and ap-mock-pages.c (data). */

G_DEFINE_FINAL_TYPE (ApMockServer, ap_mock_server, G_TYPE_OBJECT)

static void
default_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query_params,
                 gpointer           user_data)
{
  ApMockServer *self = user_data;
  ApMockReply *reply = ap_mock_reply_new (self, msg);
  guint delay_ms;

  g_mutex_lock (&self->lock);
  ap_mock_server_rate_limit_locked (self, reply, FALSE);
  delay_ms = ap_mock_server_fault_param_locked (self, AP_MOCK_FAULT_LATENCY);
  g_mutex_unlock (&self->lock);
  ap_mock_reply_set_error (reply, SOUP_STATUS_NOT_FOUND, "err_resource_not_found",
                   "There is no such endpoint.");
  ap_mock_reply_finish (reply, delay_ms);
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
  soup_server_add_early_handler (self->server, AP_MOCK_DATA_PATH,
                                 ap_mock_server_data_early_handler, self, NULL);
  soup_server_add_handler (self->server, AP_MOCK_DATA_PATH, ap_mock_server_data_handler,
                           self, NULL);
  soup_server_add_handler (self->server, AP_MOCK_TOKEN_PATH, ap_mock_server_token_handler,
                           self, NULL);
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
    ap_mock_reply_free (g_ptr_array_steal_index_fast (self->pending, self->pending->len - 1));
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
  self->faults = g_array_new (FALSE, FALSE, sizeof (ApMockFaultEntry));
  self->redirect_target = g_strdup ("https://redirect.invalid");
  self->rate_limit = AP_MOCK_DEFAULT_RATE_LIMIT;
  self->rate_window_ms = AP_MOCK_DEFAULT_RATE_WINDOW_MS;
  self->seen_request_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->totals = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->base_url = g_strdup ("http://127.0.0.1:0");
}

/* ---- public API ---- */

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
ap_mock_server_set_demo_dataset (ApMockServer *self)
{
  g_return_if_fail (AP_IS_MOCK_SERVER (self));

  ap_mock_server_set_dataset (self, 250, 8, 6, 1);
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

  if (!ap_json_check (request_body, strlen (request_body), AP_MOCK_MAX_REQUEST_DEPTH, NULL) ||
      !json_parser_load_from_data (parser, request_body, -1, NULL) ||
      json_parser_get_root (parser) == NULL)
    return 0;

  g_mutex_lock (&self->lock);
  dataset = ap_mock_dataset_ref (self->dataset);
  g_mutex_unlock (&self->lock);

  problems = ap_mock_problems_new ();
  ap_mock_query_parse (json_parser_get_root (parser), &query, &key, problems);
  if (problems->len == 0)
    count = ap_mock_dataset_count_matching (dataset, &query);
  ap_mock_query_clear (&query);
  return count;
}
