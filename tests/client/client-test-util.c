/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client"

#include "config.h"

#include <string.h>

#include "client-test-util.h"

/* ---- a fetch and what it reported ---- */

void
fetch_init (Fetch    *f,
            ApClient *client)
{
  memset (f, 0, sizeof *f);
  f->client = g_object_ref (client);
  f->cancellable = g_cancellable_new ();
  f->emails = g_ptr_array_new_with_free_func (g_free);
  f->retry_codes = g_array_new (FALSE, FALSE, sizeof (guint));
  f->retry_delays = g_array_new (FALSE, FALSE, sizeof (guint));
  f->progress_consistent = TRUE;
  f->last_total = -2;
}

void
fetch_clear (Fetch *f)
{
  g_signal_handlers_disconnect_by_data (f->client, f);
  g_clear_object (&f->client);
  g_clear_object (&f->cancellable);
  g_clear_error (&f->error);
  g_clear_pointer (&f->emails, g_ptr_array_unref);
  g_clear_pointer (&f->retry_codes, g_array_unref);
  g_clear_pointer (&f->retry_delays, g_array_unref);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *done, failing after TEST_TIMEOUT_S, times
 * AP_TEST_TIME_SCALE when set (build-aux/dev test-sanitize sets it: everything runs several
 * times slower there, as meson's own timeouts are scaled). */
void
run_until (const guint *counter)
{
  gboolean timed_out = FALSE;
  guint64 scale = 1;
  guint seconds;
  guint id;

  if (g_getenv ("AP_TEST_TIME_SCALE") != NULL)
    g_ascii_string_to_unsigned (g_getenv ("AP_TEST_TIME_SCALE"), 10, 1, 20, &scale, NULL);
  seconds = TEST_TIMEOUT_S * (guint) scale;
  id = g_timeout_add_seconds (seconds, set_flag_cb, &timed_out);

  while (*counter == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %u s", seconds);
  g_source_remove (id);
}

/* Lets anything still queued run, to catch callbacks after completion. */
void
spin_for_ms (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, set_flag_cb, &elapsed);
  while (!elapsed)
    g_main_context_iteration (NULL, TRUE);
}

static void
batch_cb (ApClient  *client,
          GPtrArray *users,
          gpointer   user_data)
{
  Fetch *f = user_data;

  g_assert_true (AP_IS_CLIENT (client));
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));

  if (f->n_completions > 0)
    f->batch_after_completion = TRUE;

  f->n_batches++;
  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (f->emails, g_strdup (ap_user_get_email (g_ptr_array_index (users, i))));

  if (f->cancel_after_batches > 0 && f->n_batches == f->cancel_after_batches)
    g_cancellable_cancel (f->cancellable);
}

static void
batch_destroy_cb (gpointer user_data)
{
  Fetch *f = user_data;

  g_assert_false (f->destroyed);
  f->destroyed = TRUE;
}

static void
progress_cb (ApClient *client,
             guint     pages,
             guint     users,
             gint64    total,
             gpointer  user_data)
{
  Fetch *f = user_data;

  if (f->n_completions > 0)
    f->progress_after_completion = TRUE;

  /* One progress per delivered page, counting what was delivered so far. */
  if (pages != f->last_pages + 1 || users != f->emails->len || pages != f->n_batches)
    f->progress_consistent = FALSE;

  f->n_progress++;
  f->last_pages = pages;
  f->last_users = users;
  f->last_total = total;
}

static void
retrying_cb (ApClient *client,
             guint     code,
             guint     delay_ms,
             gpointer  user_data)
{
  Fetch *f = user_data;

  g_array_append_val (f->retry_codes, code);
  g_array_append_val (f->retry_delays, delay_ms);

  if (f->cancel_on_retry)
    g_cancellable_cancel (f->cancellable);
}

void
fetch_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fetch *f = user_data;

  f->n_completions++;
  f->completed_us = g_get_monotonic_time ();
  g_clear_error (&f->error);
  f->ok = ap_client_fetch_finish (AP_CLIENT (source), result, &f->error);
  g_assert_true (f->ok == (f->error == NULL));
}

void
test_connection_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Fetch *f = user_data;

  f->n_completions++;
  g_clear_error (&f->error);
  f->ok = ap_client_test_connection_finish (AP_CLIENT (source), result, &f->error);
  g_assert_true (f->ok == (f->error == NULL));
}

void
fetch_run (Fetch   *f,
           ApQuery *query)
{
  g_signal_connect (f->client, "progress", G_CALLBACK (progress_cb), f);
  g_signal_connect (f->client, "retrying", G_CALLBACK (retrying_cb), f);

  f->started_us = g_get_monotonic_time ();
  ap_client_fetch_async (f->client, query, batch_cb, f, batch_destroy_cb,
                         f->cancellable, fetch_done_cb, f);
  run_until (&f->n_completions);

  /* Nothing may arrive after completion, and completion happens once. */
  spin_for_ms (50);
  g_assert_cmpuint (f->n_completions, ==, 1);
  g_assert_false (f->batch_after_completion);
  g_assert_false (f->progress_after_completion);
  g_assert_true (f->destroyed);
}

/* ---- the double ---- */

ApMockServer *
mock_new (guint n_users)
{
  ApMockServer *mock = ap_mock_server_new ();
  g_autoptr(GError) error = NULL;

  ap_mock_server_set_dataset (mock, n_users, 8, 3, 42);
  if (!ap_mock_server_start (mock, 0, &error))
    g_error ("Could not start the mock server: %s", error->message);

  return mock;
}

void
mock_free (ApMockServer *mock)
{
  ap_mock_server_stop (mock);
  g_object_unref (mock);
}

ApClient *
client_for_mock (ApMockServer *mock,
                 ApAuthMode    mode)
{
  g_autoptr(ApCredentials) credentials = ap_mock_server_dup_credentials (mock, mode);
  ApClient *client = ap_client_new (credentials);

  ap_client_set_timeout (client, 10);
  /* Short waits keep the suite fast; the rules are the same. */
  ap_client_set_retry_policy (client, 3, 5, 40);

  return client;
}

ApQuery *
query_new (guint page_size)
{
  ApQuery *query = ap_query_new ();

  ap_query_set_page_size (query, page_size);
  return query;
}

guint
count_matching (ApMockServer *mock,
                ApQuery      *query)
{
  g_autofree char *body = ap_query_to_request_body (query, NULL, NULL);

  return ap_mock_server_count_matching (mock, body);
}

/* Runs a fetch that must fail with @domain/@code; returns the message. */
char *
expect_failure (ApMockServer *mock,
                ApAuthMode    mode,
                ApQuery      *query,
                GQuark        domain,
                int           code)
{
  g_autoptr(ApClient) client = client_for_mock (mock, mode);
  Fetch f;
  char *message;

  fetch_init (&f, client);
  fetch_run (&f, query);
  g_assert_error (f.error, domain, code);
  g_assert_false (f.ok);
  g_assert_cmpstr (f.error->message, !=, "");
  message = g_strdup (f.error->message);
  fetch_clear (&f);

  return message;
}

/* ---- a scripted server for what the double does not do ---- */

static const char page_body[] =
  "{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":1,\"totalCount\":%u%s}},"
  "\"data\":[{\"name\":\"Ana\",\"email\":\"ana@example.com\",\"department\":\"Sales\","
  "\"numCorrect\":1,\"numIncorrect\":0,\"numNotWatched\":2}],\"fail\":[]}";

static void
scripted_handler (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Scripted *s = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  g_autofree char *body = NULL;

  if (g_str_equal (path, "/oauth/token"))
    {
      s->n_token_requests++;
      body = g_strdup_printf ("{\"access_token\":\"token-%u\",\"token_type\":\"Bearer\","
                              "\"expires_in\":3600}", s->n_token_requests);
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                        body, strlen (body));
      return;
    }

  s->n_data_requests++;
  g_ptr_array_add (s->bearers,
                   g_strdup (soup_message_headers_get_one (request_headers, "Authorization")));

  /* 401 for the first token only: an expired token, fixed by a new one. */
  if (g_strcmp0 (soup_message_headers_get_one (request_headers, "Authorization"),
                 "Bearer token-1") == 0)
    {
      soup_server_message_set_status (message, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }

  if (s->status != SOUP_STATUS_OK)
    {
      soup_server_message_set_status (message, s->status, NULL);
      return;
    }

  if (s->n_pages > 0)
    {
      g_autoptr(GBytes) request = soup_server_message_get_request_body (message) != NULL
        ? soup_message_body_flatten (soup_server_message_get_request_body (message)) : NULL;
      g_autofree char *text = request != NULL ? g_strndup (g_bytes_get_data (request, NULL),
                                                            g_bytes_get_size (request)) : NULL;
      const char *token = text != NULL ? strstr (text, "\"pageToken\":\"p") : NULL;
      guint page = token != NULL ? (guint) g_ascii_strtoull (token + 14, NULL, 10) : 1;
      g_autofree char *next = NULL;

      if (page < s->n_pages)
        next = g_strdup_printf (",\"next\":\"p%u\"", page + 1);
      body = g_strdup_printf (page_body, s->n_pages, next != NULL ? next : "");
    }
  else
    {
      body = g_strdup_printf (page_body, 5, s->loop_tokens ? ",\"next\":\"again\"" : "");
    }
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

Scripted *
scripted_new (void)
{
  Scripted *s = g_new0 (Scripted, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  s->server = soup_server_new (NULL, NULL);
  s->status = SOUP_STATUS_OK;
  s->bearers = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_handler (s->server, NULL, scripted_handler, s, NULL);
  soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (s->server);
  s->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return s;
}

void
scripted_free (Scripted *s)
{
  soup_server_disconnect (s->server);
  g_object_unref (s->server);
  g_ptr_array_unref (s->bearers);
  g_free (s->base_url);
  g_free (s);
}

ApClient *
client_for_scripted (Scripted  *s,
                     ApAuthMode mode)
{
  g_autoptr(ApCredentials) credentials = NULL;
  ApClient *client;

  if (mode == AP_AUTH_MODE_API2)
    credentials = ap_credentials_new_api2 (s->base_url, "client-id", "client-secret");
  else
    credentials = ap_credentials_new_api1 (s->base_url, "mYtOL3XZCOwG96BOiFTZRm",
                                           "c2VjcmV0LWtleQ==", "app-id", "app-key");

  client = ap_client_new (credentials);
  ap_client_set_timeout (client, 10);
  ap_client_set_retry_policy (client, 2, 5, 40);
  return client;
}
