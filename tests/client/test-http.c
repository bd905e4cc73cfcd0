/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-http"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ap-error.h"
#include "ap-http-private.h"
#include "ap-parser.h"

static void
test_status_mapping (void)
{
  static const struct {
    guint status;
    int   code;
    const char *must_contain;
  } cases[] = {
    { 400, AP_ERROR_BAD_REQUEST, "400" },
    { 401, AP_ERROR_UNAUTHORIZED, "401" },
    { 403, AP_ERROR_FORBIDDEN, "Awareness Training | Dashboard | Read" },
    { 404, AP_ERROR_NOT_FOUND, "base URL" },
    { 418, AP_ERROR_KEYS_EXPIRED, "The API keys have expired (binding expired)" },
    { 429, AP_ERROR_RATE_LIMITED, "429" },
    { 500, AP_ERROR_SERVER, "500" },
    { 502, AP_ERROR_SERVER, "502" },
    { 503, AP_ERROR_SERVER, "503" },
    { 409, AP_ERROR_SERVER, "409" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = ap_http_error_from_status (cases[i].status, NULL, NULL);

      g_assert_error (error, AP_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].must_contain));
      g_assert_true (ap_http_status_is_retryable (cases[i].status) ==
                     (cases[i].status == 429 || cases[i].status >= 500));
    }

  g_assert_false (ap_http_status_is_retryable (200));
  g_assert_false (ap_http_status_is_retryable (418));
}

static void
test_rate_limit_reset (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (ap_http_get_rate_limit_reset_ms (NULL), ==, 0);
  g_assert_cmpuint (ap_http_get_rate_limit_reset_ms (headers), ==, 0);

  soup_message_headers_replace (headers, "X-RateLimit-Reset", "2500");
  g_assert_cmpuint (ap_http_get_rate_limit_reset_ms (headers), ==, 2500);
  error = ap_http_error_from_status (429, NULL, headers);
  g_assert_error (error, AP_ERROR, AP_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "3 s"));

  soup_message_headers_replace (headers, "X-RateLimit-Reset", "soon");
  g_assert_cmpuint (ap_http_get_rate_limit_reset_ms (headers), ==, 0);
  soup_message_headers_replace (headers, "X-RateLimit-Reset", "-5");
  g_assert_cmpuint (ap_http_get_rate_limit_reset_ms (headers), ==, 0);
  /* A server asking for days is held to an hour. */
  soup_message_headers_replace (headers, "X-RateLimit-Reset", "999999999999");
  g_assert_cmpuint (ap_http_get_rate_limit_reset_ms (headers), ==, 60 * 60 * 1000);
}

static GError *
map (GQuark      domain,
     int         code,
     const char *host)
{
  GError *dest = NULL;
  GError *source = g_error_new_literal (domain, code, "low-level detail");

  g_assert_false (ap_http_propagate_transport_error_for_host (source, host, &dest));
  g_assert_nonnull (dest);
  return dest;
}

static void
test_transport_mapping (void)
{
  static const struct {
    int  domain;   /* 0 io, 1 tls, 2 resolver */
    int  code;
    int  expected;
  } cases[] = {
    { 0, G_IO_ERROR_TIMED_OUT, AP_ERROR_TIMEOUT },
    { 1, G_TLS_ERROR_BAD_CERTIFICATE, AP_ERROR_TLS },
    { 1, G_TLS_ERROR_HANDSHAKE, AP_ERROR_TLS },
    { 0, G_IO_ERROR_CONNECTION_REFUSED, AP_ERROR_CONNECTION_REFUSED },
    { 0, G_IO_ERROR_CONNECTION_CLOSED, AP_ERROR_NETWORK },
    { 0, G_IO_ERROR_BROKEN_PIPE, AP_ERROR_NETWORK },
    { 0, G_IO_ERROR_HOST_NOT_FOUND, AP_ERROR_HOST_NOT_FOUND },
    { 0, G_IO_ERROR_NETWORK_UNREACHABLE, AP_ERROR_NETWORK },
    { 0, G_IO_ERROR_PARTIAL_INPUT, AP_ERROR_NETWORK },
    { 2, G_RESOLVER_ERROR_NOT_FOUND, AP_ERROR_HOST_NOT_FOUND },
    { 2, G_RESOLVER_ERROR_TEMPORARY_FAILURE, AP_ERROR_HOST_NOT_FOUND },
    { 0, G_IO_ERROR_PROXY_FAILED, AP_ERROR_PROXY },
    { 0, G_IO_ERROR_PROXY_NEED_AUTH, AP_ERROR_PROXY },
    { 0, G_IO_ERROR_PROXY_AUTH_FAILED, AP_ERROR_PROXY },
  };
  /* Only what a later try can get past is retried: a refused port, an
   * unknown name, a proxy or a certificate give the same answer again. */
  static const int retried[] = { AP_ERROR_TIMEOUT, AP_ERROR_NETWORK };
  g_autoptr(GError) cancelled = NULL;
  g_autoptr(GError) kept = NULL;
  g_autoptr(GError) unreachable = NULL;
  g_autoptr(GError) named = NULL;
  GError *dest = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GQuark domain = cases[i].domain == 0 ? G_IO_ERROR
                      : cases[i].domain == 1 ? G_TLS_ERROR : G_RESOLVER_ERROR;
      g_autoptr(GError) error = map (domain, cases[i].code, NULL);
      gboolean retryable = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (retried); j++)
        retryable |= cases[i].expected == retried[j];

      g_assert_error (error, AP_ERROR, cases[i].expected);
      g_assert_true (ap_http_error_is_retryable (error) == retryable);
      /* Plain words only: the low-level text never reaches the person. */
      g_assert_null (strstr (error->message, "low-level detail"));
    }

  /* Cancellation is never turned into a failure. */
  cancelled = map (G_IO_ERROR, G_IO_ERROR_CANCELLED, "example.com");
  g_assert_error (cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (cancelled->message, ==, "low-level detail");
  g_assert_false (ap_http_error_is_retryable (cancelled));

  kept = map (AP_ERROR, AP_ERROR_AUTHENTICATION_FAILED, NULL);
  g_assert_error (kept, AP_ERROR, AP_ERROR_AUTHENTICATION_FAILED);
  g_assert_false (ap_http_error_is_retryable (kept));

  unreachable = map (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, NULL);
  g_assert_cmpstr (unreachable->message, ==,
                   "The server cannot be reached from this network. Check the internet "
                   "connection.");

  named = map (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "eu-api.mimecast.com");
  g_assert_cmpstr (named->message, ==,
                   "eu-api.mimecast.com refused the connection: nothing answers at that "
                   "address and port. Check the base URL in Credentials.");

  g_assert_false (ap_http_propagate_transport_error (g_error_new_literal (G_IO_ERROR,
                                                                          G_IO_ERROR_TIMED_OUT,
                                                                          "x"),
                                                     &dest));
  g_assert_error (dest, AP_ERROR, AP_ERROR_TIMEOUT);
  g_clear_error (&dest);
}

typedef struct
{
  GBytes *bytes;
  GError *error;
  guint   n_completions;
} ReadResult;

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ReadResult *r = user_data;

  g_assert_null (source);
  r->n_completions++;
  r->bytes = ap_http_read_body_finish (result, &r->error);
  g_assert_true ((r->bytes == NULL) != (r->error == NULL));
}

static gboolean
timed_out_cb (gpointer user_data)
{
  g_error ("Timed out");
  return G_SOURCE_REMOVE;
}

static void
read_body (GInputStream *stream,
           SoupMessage  *message,
           gsize         max_size,
           GCancellable *cancellable,
           ReadResult   *r)
{
  guint id = g_timeout_add_seconds (10, timed_out_cb, NULL);

  memset (r, 0, sizeof *r);
  ap_http_read_body_async (stream, message, max_size, cancellable, read_cb, r);
  while (r->n_completions == 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static GInputStream *
stream_of_size (gsize size)
{
  char *data = g_malloc (size);

  memset (data, 'x', size);
  return g_memory_input_stream_new_from_data (data, size, g_free);
}

static void
test_read_body (void)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(SoupMessage) message = soup_message_new ("POST", "http://127.0.0.1/");
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  ReadResult r;

  /* Several chunks, no declared length. */
  stream = stream_of_size (300 * 1024);
  read_body (stream, NULL, 0, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (g_bytes_get_size (r.bytes), ==, 300 * 1024);
  g_clear_pointer (&r.bytes, g_bytes_unref);
  g_clear_object (&stream);

  /* Declared and delivered. */
  soup_message_headers_set_content_length (headers, 1000);
  stream = stream_of_size (1000);
  read_body (stream, message, 0, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (g_bytes_get_size (r.bytes), ==, 1000);
  g_clear_pointer (&r.bytes, g_bytes_unref);
  g_clear_object (&stream);

  /* Declared, then fewer bytes. */
  soup_message_headers_set_content_length (headers, 5000);
  stream = stream_of_size (1000);
  read_body (stream, message, 0, NULL, &r);
  g_assert_error (r.error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (r.error->message, "cut short"));
  g_clear_error (&r.error);
  g_clear_object (&stream);

  /* Declared over the cap: refused before reading anything. */
  soup_message_headers_set_content_length (headers, (goffset) AP_PARSER_MAX_BODY_SIZE + 1);
  stream = stream_of_size (10);
  read_body (stream, message, 0, NULL, &r);
  g_assert_error (r.error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_clear_error (&r.error);
  g_clear_object (&stream);

  /* Undeclared and over a small cap: stops at the cap. */
  stream = stream_of_size (200 * 1024);
  read_body (stream, NULL, 100 * 1024, NULL, &r);
  g_assert_error (r.error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_clear_error (&r.error);
  g_clear_object (&stream);
}

static void
test_read_body_cancelled (void)
{
  g_autoptr(GInputStream) stream = stream_of_size (1000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ReadResult r;

  g_cancellable_cancel (cancellable);
  read_body (stream, NULL, 0, cancellable, &r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (r.n_completions, ==, 1);
  g_clear_error (&r.error);
}

/* The one gate for credentials: same scheme, host and port as the base
 * URL, or nothing is sent; and never a redirect. */
static void
test_credentials_target (void)
{
  static const struct {
    const char *base_url;
    const char *uri;
    gboolean    allowed;
  } cases[] = {
    { "https://eu-api.services.mimecast.com", "https://eu-api.services.mimecast.com/api/x", TRUE },
    { "https://eu-api.services.mimecast.com", "https://EU-API.services.mimecast.com:443/x", TRUE },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080/oauth/token", TRUE },
    { "https://eu-api.services.mimecast.com", "http://eu-api.services.mimecast.com/x", FALSE },
    { "https://eu-api.services.mimecast.com", "https://eu-api.services.mimecast.com:8443/x", FALSE },
    { "https://eu-api.services.mimecast.com", "https://evil.example/x", FALSE },
    { "https://eu-api.services.mimecast.com", "https://eu-api.services.mimecast.com.evil.example/x", FALSE },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8081/x", FALSE },
    { "http://127.0.0.1:8080", "http://localhost:8080/x", FALSE },
    { "not a url", "https://evil.example/x", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, cases[i].uri);
      g_autoptr(GError) error = NULL;
      gboolean allowed;

      g_test_message ("%s -> %s", cases[i].base_url, cases[i].uri);
      allowed = ap_http_check_credentials_target (message, cases[i].base_url, &error);
      g_assert_cmpint (allowed, ==, cases[i].allowed);
      g_assert_true (soup_message_query_flags (message, SOUP_MESSAGE_NO_REDIRECT));
      if (allowed)
        {
          g_assert_no_error (error);
        }
      else
        {
          g_assert_error (error, AP_ERROR, AP_ERROR_INSECURE_URL);
          g_assert_nonnull (strstr (error->message, "not the configured server"));
        }
      g_assert_false (ap_http_error_is_retryable (error));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/http/status-mapping", test_status_mapping);
  g_test_add_func ("/ap/http/rate-limit-reset", test_rate_limit_reset);
  g_test_add_func ("/ap/http/transport-mapping", test_transport_mapping);
  g_test_add_func ("/ap/http/read-body", test_read_body);
  g_test_add_func ("/ap/http/read-body-cancelled", test_read_body_cancelled);
  g_test_add_func ("/ap/http/credentials-target", test_credentials_target);

  return g_test_run ();
}
