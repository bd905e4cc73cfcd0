/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-tls"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "client-test-util.h"

/* A TLS endpoint on loopback, built on GSocketService rather than SoupServer:
 * libsoup up to 3.6.5 keeps no reference on a server connection across its
 * TLS handshake (fixed upstream in 3.6.6, "server-connection: check for
 * cancellation in handshake callback"), so a SoupServer freed while a refused
 * handshake is still unwinding calls back into a freed connection. Here each
 * handshake holds its connection, and teardown waits for every one to end. */
typedef struct
{
  char            *dir;
  GTlsCertificate *certificate;
  GSocketService  *service;
  GPtrArray       *connections;
  char            *base_url;
  guint            n_accepted;
  guint            n_finished;
  guint            n_handshaken;
} TlsServer;

static gboolean
handshake_timed_out_cb (gpointer user_data)
{
  g_error ("The server side of a TLS handshake did not end within %d s", TEST_TIMEOUT_S);
  return G_SOURCE_REMOVE;
}

static void
handshake_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TlsServer *s = user_data;
  g_autoptr(GError) error = NULL;

  /* Success would mean the client accepted a certificate nobody signed. */
  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    s->n_handshaken++;
  else
    g_test_message ("server side of the handshake: %s", error->message);
  g_io_stream_close (G_IO_STREAM (source), NULL, NULL);
  s->n_finished++;
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  TlsServer *s = user_data;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  tls = g_tls_server_connection_new (G_IO_STREAM (connection), s->certificate, &error);
  g_assert_no_error (error);
  g_ptr_array_add (s->connections, tls);
  s->n_accepted++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done_cb, s);
  return TRUE;
}

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
tls_server_free (TlsServer *s)
{
  if (s->service != NULL)
    {
      guint id = g_timeout_add_seconds (TEST_TIMEOUT_S, handshake_timed_out_cb, NULL);

      /* The client has given up; let the server side of each refused
       * handshake finish before anything it uses goes away. */
      while (s->n_finished < s->n_accepted)
        g_main_context_iteration (NULL, TRUE);
      g_source_remove (id);

      g_socket_service_stop (s->service);
      g_socket_listener_close (G_SOCKET_LISTENER (s->service));
      g_object_unref (s->service);
    }
  g_clear_pointer (&s->connections, g_ptr_array_unref);
  g_clear_object (&s->certificate);
  if (s->dir != NULL)
    rm_rf (s->dir);
  g_free (s->dir);
  g_free (s->base_url);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlsServer, tls_server_free)

/* A server with a certificate made a moment ago and signed by nobody: no
 * client may trust it. NULL (test skipped) without openssl. */
static TlsServer *
tls_server_new (void)
{
  g_autoptr(TlsServer) s = g_new0 (TlsServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autofree char *openssl_path = g_find_program_in_path ("openssl");
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  if (openssl_path == NULL)
    {
      g_test_skip ("openssl is not installed");
      return NULL;
    }

  s->dir = g_dir_make_tmp ("ap-client-tls-XXXXXX", &error);
  g_assert_no_error (error);
  cert = g_build_filename (s->dir, "cert.pem", NULL);
  key = g_build_filename (s->dir, "key.pem", NULL);

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error,
                              openssl_path, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-days", "1", "-keyout", key, "-out", cert, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (openssl, NULL, &error);
  g_assert_no_error (error);

  s->certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  s->connections = g_ptr_array_new_with_free_func (g_object_unref);
  s->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (s->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (s->service, "incoming", G_CALLBACK (incoming_cb), s);
  g_socket_service_start (s->service);

  s->base_url = g_strdup_printf ("https://127.0.0.1:%u",
                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));

  return g_steal_pointer (&s);
}

typedef struct
{
  guint     n_completions;
  GError   *error;
  guint     n_batches;
  guint     n_retrying;
} Result;

static void
batch_cb (ApClient  *client,
          GPtrArray *users,
          gpointer   user_data)
{
  Result *r = user_data;

  r->n_batches++;
}

static void
retrying_cb (ApClient *client,
             guint     code,
             guint     delay_ms,
             gpointer  user_data)
{
  Result *r = user_data;

  r->n_retrying++;
}

static void
tls_fetch_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Result *r = user_data;

  r->n_completions++;
  g_assert_false (ap_client_fetch_finish (AP_CLIENT (source), result, &r->error));
}

static void
tls_connection_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Result *r = user_data;

  r->n_completions++;
  g_assert_false (ap_client_test_connection_finish (AP_CLIENT (source), result, &r->error));
}

static ApClient *
client_for (TlsServer *s)
{
  g_autoptr(ApCredentials) credentials = NULL;
  ApClient *client;

  credentials = ap_credentials_new_api1 (s->base_url, "mYtOL3XZCOwG96BOiFTZRm",
                                         "c2VjcmV0LWtleQ==", "app-id", "app-key");
  client = ap_client_new (credentials);
  ap_client_set_timeout (client, 10);
  ap_client_set_retry_policy (client, 3, 5, 40);
  return client;
}

static void
test_self_signed_refused (void)
{
  g_autoptr(TlsServer) s = tls_server_new ();
  g_autoptr(ApClient) client = NULL;
  g_autoptr(ApQuery) query = ap_query_new ();
  Result r = { 0 };

  if (s == NULL)
    return;

  client = client_for (s);
  g_signal_connect (client, "retrying", G_CALLBACK (retrying_cb), &r);
  ap_client_fetch_async (client, query, batch_cb, &r, NULL, NULL, tls_fetch_done_cb, &r);
  run_until (&r.n_completions);

  g_test_message ("%s", r.error->message);
  g_assert_error (r.error, AP_ERROR, AP_ERROR_TLS);
  g_assert_nonnull (strstr (r.error->message, "never bypasses"));
  /* Not retried, not bypassed: one connection, and its handshake never
   * succeeded, so no request could have been sent. */
  g_assert_cmpuint (r.n_retrying, ==, 0);
  g_assert_cmpuint (r.n_batches, ==, 0);
  g_assert_cmpuint (s->n_accepted, ==, 1);
  g_assert_cmpuint (s->n_handshaken, ==, 0);
  g_clear_error (&r.error);
}

static void
test_connection_self_signed_refused (void)
{
  g_autoptr(TlsServer) s = tls_server_new ();
  g_autoptr(ApClient) client = NULL;
  Result r = { 0 };

  if (s == NULL)
    return;

  client = client_for (s);
  ap_client_test_connection_async (client, NULL, tls_connection_done_cb, &r);
  run_until (&r.n_completions);

  g_assert_error (r.error, AP_ERROR, AP_ERROR_TLS);
  g_assert_cmpuint (s->n_accepted, ==, 1);
  g_assert_cmpuint (s->n_handshaken, ==, 0);
  g_clear_error (&r.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/client/tls/self-signed-refused", test_self_signed_refused);
  g_test_add_func ("/ap/client/tls/test-connection-self-signed-refused",
                   test_connection_self_signed_refused);

  return g_test_run ();
}
