/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-client"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-client-private.h"
#include "ap-error.h"

#define DEFAULT_TIMEOUT            60
#define DEFAULT_MAX_RETRIES        4
#define DEFAULT_RETRY_DELAY_MS     1000
#define DEFAULT_MAX_RETRY_DELAY_MS 30000

G_DEFINE_FINAL_TYPE (ApClient, ap_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CREDENTIALS,
  PROP_TIMEOUT,
  PROP_MAX_RETRIES,
  PROP_RETRY_DELAY_MS,
  PROP_MAX_RETRY_DELAY_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  SIGNAL_RETRYING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- one fetch's life ---- */

ApFetchOp *
ap_fetch_op_ref (ApFetchOp *op)
{
  g_atomic_ref_count_inc (&op->ref_count);
  return op;
}

void
ap_page_slot_free (ApPageSlot *slot)
{
  g_clear_pointer (&slot->page, ap_page_free);
  g_free (slot);
}

void
ap_fetch_op_unref (ApFetchOp *op)
{
  if (!g_atomic_ref_count_dec (&op->ref_count))
    return;

  g_assert (op->task == NULL);
  g_assert (op->retry_source == NULL);
  g_assert (op->cancel_source == NULL);

  if (op->batch_data_destroy != NULL && op->batch_data != NULL)
    op->batch_data_destroy (op->batch_data);

  g_queue_clear_full (&op->slots, (GDestroyNotify) ap_page_slot_free);
  g_clear_pointer (&op->seen_tokens, g_hash_table_unref);
  g_clear_pointer (&op->pending_token, g_free);
  g_clear_pointer (&op->req_token, g_free);
  g_clear_pointer (&op->req_bearer, g_free);
  g_clear_object (&op->req_message);
  g_clear_object (&op->req_stream);
  g_clear_pointer (&op->base_url, g_free);
  g_clear_pointer (&op->host, g_free);
  g_clear_object (&op->query);
  g_clear_object (&op->io_cancellable);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->context, g_main_context_unref);
  g_clear_object (&op->client);
  g_free (op);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* The one way out: returns the task exactly once, aborts whatever is still
 * in flight and forgets the pages nobody will receive. @error is consumed;
 * NULL means success. */
void
ap_fetch_op_complete (ApFetchOp *op,
                      GError    *error)
{
  g_autoptr(GTask) task = NULL;

  if (op->completed)
    {
      g_clear_error (&error);
      return;
    }

  op->completed = TRUE;
  task = g_steal_pointer (&op->task);

  g_cancellable_cancel (op->io_cancellable);
  clear_source (&op->retry_source);
  clear_source (&op->cancel_source);
  g_queue_clear_full (&op->slots, (GDestroyNotify) ap_page_slot_free);

  /* The caller may free what the batch function uses as soon as the
   * callback runs; it is never called again from here on. */
  op->batch_func = NULL;
  if (op->batch_data_destroy != NULL && op->batch_data != NULL)
    op->batch_data_destroy (g_steal_pointer (&op->batch_data));

  if (error != NULL)
    {
      if (!ap_error_is_cancelled (error))
        g_debug ("Fetch failed: %s", error->message);
      g_task_return_error (task, error);
    }
  else
    {
      g_task_return_boolean (task, TRUE);
    }
}

static void
op_complete_cancelled (ApFetchOp *op)
{
  ap_fetch_op_complete (op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        _("The operation was cancelled")));
}

/* TRUE when nothing more may happen: already completed, or the caller
 * cancelled (then completes now, as cancelled, whatever else went on). */
gboolean
ap_fetch_op_is_done (ApFetchOp *op)
{
  if (op->completed)
    return TRUE;

  if (op->cancellable != NULL && g_cancellable_is_cancelled (op->cancellable))
    {
      op_complete_cancelled (op);
      return TRUE;
    }

  return FALSE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  ApFetchOp *op = user_data;

  /* The source is destroyed in ap_fetch_op_complete(); drop our pointer first so it
   * is not destroyed while dispatching. */
  g_clear_pointer (&op->cancel_source, g_source_unref);
  op_complete_cancelled (op);

  return G_SOURCE_REMOVE;
}

GError *
ap_fetch_op_page_error (guint   page_no,
                        GError *error)
{
  GError *prefixed;

  if (error->domain != AP_ERROR)
    return error;

  prefixed = g_error_new (error->domain, error->code,
                          /* Translators: "Page 3: data[12].numCorrect: expected a whole number" */
                          _("Page %u: %s"), page_no, error->message);
  g_error_free (error);
  return prefixed;
}

/* ---- setup ---- */

static ApFetchOp *
fetch_op_new (ApClient     *self,
              GTask        *task,
              ApQuery      *query,
              GCancellable *cancellable)
{
  ApFetchOp *op = g_new0 (ApFetchOp, 1);
  g_autoptr(GUri) uri = NULL;

  g_atomic_ref_count_init (&op->ref_count);
  op->client = g_object_ref (self);
  op->task = g_object_ref (task);
  op->context = g_main_context_ref_thread_default ();
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  op->io_cancellable = g_cancellable_new ();
  op->query = ap_query_copy (query);
  op->seen_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  op->total_count = -1;
  op->base_url = g_strdup (ap_credentials_get_base_url (self->credentials));

  uri = g_uri_parse (op->base_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    op->host = g_strdup (g_uri_get_host (uri));

  return op;
}

/* Validates, then starts page 1, or completes the task with the reason. */
static void
op_start (ApFetchOp *op)
{
  GError *error = NULL;

  if (!ap_query_validate (op->query, &error) ||
      !ap_credentials_validate (op->client->credentials, &error))
    {
      ap_fetch_op_complete (op, error);
      return;
    }

  if (op->cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (op->cancellable))
        {
          op_complete_cancelled (op);
          return;
        }

      op->cancel_source = g_cancellable_source_new (op->cancellable);
      g_source_set_static_name (op->cancel_source, "[ap-client] cancel");
      g_source_set_callback (op->cancel_source, G_SOURCE_FUNC (on_cancelled),
                             ap_fetch_op_ref (op), (GDestroyNotify) ap_fetch_op_unref);
      g_source_attach (op->cancel_source, op->context);
    }

  op->next_page_no = 1;
  op->req_page_no = 1;
  g_clear_pointer (&op->req_token, g_free);
  ap_fetch_op_start_request (op);
}

/* ---- GObject ---- */

static void
ap_client_constructed (GObject *object)
{
  ApClient *self = AP_CLIENT (object);
  g_autofree char *user_agent = g_strdup_printf ("awareness-performance/%s", PACKAGE_VERSION);

  G_OBJECT_CLASS (ap_client_parent_class)->constructed (object);

  g_assert (self->credentials != NULL);

  /* No accept-certificate handler anywhere: a certificate the system does
   * not trust fails the request, and that is shown, never bypassed. */
  self->session = soup_session_new_with_options ("timeout", self->timeout,
                                                 "idle-timeout", self->timeout,
                                                 "user-agent", user_agent,
                                                 NULL);

  if (ap_credentials_get_mode (self->credentials) == AP_AUTH_MODE_API2)
    self->token_provider = ap_token_provider_new (self->session, self->credentials);
}

static void
ap_client_dispose (GObject *object)
{
  ApClient *self = AP_CLIENT (object);

  g_clear_object (&self->token_provider);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ap_client_parent_class)->dispose (object);
}

static void
ap_client_finalize (GObject *object)
{
  ApClient *self = AP_CLIENT (object);

  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (ap_client_parent_class)->finalize (object);
}

static void
set_uint_property (ApClient *self,
                   guint    *field,
                   guint     value,
                   guint     prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
ap_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  ApClient *self = AP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;
    case PROP_RETRY_DELAY_MS:
      g_value_set_uint (value, self->retry_delay_ms);
      break;
    case PROP_MAX_RETRY_DELAY_MS:
      g_value_set_uint (value, self->max_retry_delay_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  ApClient *self = AP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;
    case PROP_TIMEOUT:
      ap_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RETRIES:
      set_uint_property (self, &self->max_retries, g_value_get_uint (value), prop_id);
      break;
    case PROP_RETRY_DELAY_MS:
      set_uint_property (self, &self->retry_delay_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_RETRY_DELAY_MS:
      set_uint_property (self, &self->max_retry_delay_ms, g_value_get_uint (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_client_class_init (ApClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ap_client_constructed;
  object_class->dispose = ap_client_dispose;
  object_class->finalize = ap_client_finalize;
  object_class->get_property = ap_client_get_property;
  object_class->set_property = ap_client_set_property;

  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL,
                         AP_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL,
                       0, 100, DEFAULT_MAX_RETRIES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_DELAY_MS] =
    g_param_spec_uint ("retry-delay-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RETRY_DELAY_MS] =
    g_param_spec_uint ("max-retry-delay-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_MAX_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_INT64);
  signals[SIGNAL_RETRYING] =
    g_signal_new ("retrying",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
ap_client_init (ApClient *self)
{
  self->timeout = DEFAULT_TIMEOUT;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
  self->max_retry_delay_ms = DEFAULT_MAX_RETRY_DELAY_MS;
}

/* ---- public API ---- */

ApClient *
ap_client_new (ApCredentials *credentials)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (credentials), NULL);

  return g_object_new (AP_TYPE_CLIENT, "credentials", credentials, NULL);
}

ApCredentials *
ap_client_get_credentials (ApClient *self)
{
  g_return_val_if_fail (AP_IS_CLIENT (self), NULL);

  return self->credentials;
}

void
ap_client_set_timeout (ApClient *self,
                       guint     seconds)
{
  g_return_if_fail (AP_IS_CLIENT (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  if (self->session != NULL)
    {
      soup_session_set_timeout (self->session, seconds);
      soup_session_set_idle_timeout (self->session, seconds);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
ap_client_set_retry_policy (ApClient *self,
                            guint     max_retries,
                            guint     retry_delay_ms,
                            guint     max_retry_delay_ms)
{
  g_return_if_fail (AP_IS_CLIENT (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_uint_property (self, &self->max_retries, MIN (max_retries, 100), PROP_MAX_RETRIES);
  set_uint_property (self, &self->retry_delay_ms, retry_delay_ms, PROP_RETRY_DELAY_MS);
  set_uint_property (self, &self->max_retry_delay_ms, max_retry_delay_ms,
                     PROP_MAX_RETRY_DELAY_MS);
  g_object_thaw_notify (G_OBJECT (self));
}

void
ap_client_fetch_async (ApClient            *self,
                       ApQuery             *query,
                       ApClientBatchFunc    batch_func,
                       gpointer             batch_data,
                       GDestroyNotify       batch_data_destroy,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ApFetchOp) op = NULL;

  g_return_if_fail (AP_IS_CLIENT (self));
  g_return_if_fail (AP_IS_QUERY (query));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_client_fetch_async);

  op = fetch_op_new (self, task, query, cancellable);
  op->batch_func = batch_func;
  op->batch_data = batch_data;
  op->batch_data_destroy = batch_data_destroy;

  op_start (op);
}

gboolean
ap_client_fetch_finish (ApClient     *self,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (AP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_client_fetch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ap_client_test_connection_async (ApClient            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ApFetchOp) op = NULL;
  g_autoptr(ApQuery) query = NULL;

  g_return_if_fail (AP_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_client_test_connection_async);

  query = ap_query_new ();
  ap_query_set_page_size (query, 1);
  ap_query_set_include_user_details (query, FALSE);

  op = fetch_op_new (self, task, query, cancellable);
  op->single_page = TRUE;

  op_start (op);
}

gboolean
ap_client_test_connection_finish (ApClient     *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (AP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ap_client_test_connection_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ap_client_emit_progress (ApClient *self,
                         guint     pages,
                         guint     users,
                         gint64    total_count)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, pages, users, total_count);
}

void
ap_client_emit_retrying (ApClient *self,
                         guint     error_code,
                         guint     delay_ms)
{
  g_signal_emit (self, signals[SIGNAL_RETRYING], 0, error_code, delay_ms);
}
