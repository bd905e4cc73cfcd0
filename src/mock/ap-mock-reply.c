/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include "ap-mock-server-private.h"

/* A reply is built in chunks (GBytes, so a huge padded body shares one
 * buffer) and sent at once, or after a delay, or cut short, or not at all. */

ApMockReply *
ap_mock_reply_new (ApMockServer      *self,
                   SoupServerMessage *msg)
{
  ApMockReply *reply = g_new0 (ApMockReply, 1);

  reply->self = self;
  reply->msg = g_object_ref (msg);
  reply->kind = AP_MOCK_REPLY_NORMAL;
  reply->status = SOUP_STATUS_OK;
  reply->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return reply;
}

void
ap_mock_reply_free (ApMockReply *reply)
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

void
ap_mock_reply_take_string (ApMockReply *reply,
                           GString     *text)
{
  gsize length = text->len;

  g_ptr_array_add (reply->chunks, g_bytes_new_take (g_string_free (text, FALSE), length));
}

/* A Mimecast-shaped error body: {"meta":{"status":N},"data":[],"fail":[...]}. */
void
ap_mock_reply_set_error (ApMockReply *reply,
                         guint        status,
                         const char  *code,
                         const char  *message)
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
  ap_mock_reply_take_string (reply, body);
}

void
ap_mock_reply_set_oauth_error (ApMockReply *reply,
                               guint        status,
                               const char  *error,
                               const char  *description)
{
  GString *body = g_string_new ("{\"error\":\"");

  g_ptr_array_set_size (reply->chunks, 0);
  reply->status = status;
  ap_mock_json_escape_append (body, error);
  g_string_append (body, "\",\"error_description\":\"");
  ap_mock_json_escape_append (body, description);
  g_string_append (body, "\"}");
  ap_mock_reply_take_string (reply, body);
}

static gsize
body_length (ApMockReply *reply)
{
  gsize length = 0;

  for (guint i = 0; i < reply->chunks->len; i++)
    length += g_bytes_get_size (g_ptr_array_index (reply->chunks, i));
  return length;
}

static void
send_truncated (ApMockReply *reply)
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

void
ap_mock_reply_send (ApMockReply *reply)
{
  SoupMessageHeaders *headers;
  SoupMessageBody *body;

  switch (reply->kind)
    {
    case AP_MOCK_REPLY_DROP:
      {
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (reply->msg);

        g_io_stream_close (stream, NULL, NULL);
        return;
      }

    case AP_MOCK_REPLY_TRUNCATE:
      send_truncated (reply);
      return;

    case AP_MOCK_REPLY_NORMAL:
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
  soup_message_headers_set_content_length (headers, body_length (reply));

  body = soup_server_message_get_response_body (reply->msg);
  for (guint i = 0; i < reply->chunks->len; i++)
    soup_message_body_append_bytes (body, g_ptr_array_index (reply->chunks, i));
  soup_message_body_complete (body);
  soup_server_message_set_status (reply->msg, reply->status, NULL);
}

static gboolean
delay_done_cb (gpointer data)
{
  ApMockReply *reply = data;
  ApMockServer *self = reply->self;

  g_clear_pointer (&reply->delay, g_source_unref);
  ap_mock_reply_send (reply);
  if (reply->kind == AP_MOCK_REPLY_NORMAL)
    soup_server_message_unpause (reply->msg);
  g_ptr_array_remove_fast (self->pending, reply);
  ap_mock_reply_free (reply);
  return G_SOURCE_REMOVE;
}

/* Latency without blocking the server thread: other connections are
 * served meanwhile, as a real slow server would. */
void
ap_mock_reply_finish (ApMockReply *reply,
                      guint        delay_ms)
{
  ApMockServer *self = reply->self;

  if (delay_ms == 0)
    {
      ap_mock_reply_send (reply);
      ap_mock_reply_free (reply);
      return;
    }

  soup_server_message_pause (reply->msg);
  reply->delay = g_timeout_source_new (delay_ms);
  g_source_set_callback (reply->delay, delay_done_cb, reply, NULL);
  g_source_set_name (reply->delay, "[ap-mock] reply delay");
  g_source_attach (reply->delay, self->context);
  g_ptr_array_add (self->pending, reply);
}

void
ap_mock_reply_set_redirect (ApMockReply *reply,
                            guint        status,
                            const char  *target,
                            const char  *path)
{
  g_autofree char *location = g_strconcat (target, path, NULL);

  ap_mock_reply_set_error (reply, status, "err_redirect", "Moved.");
  soup_message_headers_replace (soup_server_message_get_response_headers (reply->msg),
                                "Location", location);
}
