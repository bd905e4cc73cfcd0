/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-window"

/* Where the window's rows come from: the fetch with its progress, retries
 * and staging, and the credentials it uses (the keyring, the dialog, the
 * demo's server). */

#include "config.h"

#include <glib/gi18n.h>

#include "ap-chart-render.h"
#include "ap-credentials-dialog.h"
#include "ap-error.h"
#include "ap-keyring.h"
#include "ap-window-private.h"

#define PULSE_INTERVAL_MS 120

/* One fetch, shared by the batch callback and the completion. A fetch
 * that replaces rows already on screen is staged: its users wait in
 * @pending and take the place of the old ones only once the whole fetch
 * has succeeded, so a failure, a cancel or refused new credentials leave
 * the data as it was. A first load streams into the list page by page. */
typedef struct
{
  ApWindow  *self;
  ApQuery   *query;
  GPtrArray *pending;   /* (nullable) ApUser, when staged */
  guint      serial;
  gboolean   got_batch;
} FetchData;

static void
fetch_data_clear (FetchData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->query);
  g_clear_pointer (&data->pending, g_ptr_array_unref);
}

static void
fetch_data_release (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) fetch_data_clear);
}

void
_ap_window_stop_pulse (ApWindow *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static gboolean
ap_window_pulse (gpointer user_data)
{
  ApWindow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
ap_window_clear_data (ApWindow *self)
{
  ap_user_store_clear (self->store);
  g_clear_object (&self->shown_query);
  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  ap_users_view_set_fetched (self->users_view, FALSE);
  _ap_window_update_content (self);
}

static void
on_client_progress (ApClient *client,
                    guint     pages,
                    guint     users,
                    gint64    total_count,
                    ApWindow *self)
{
  g_autofree char *n_users = NULL;
  g_autofree char *text = NULL;

  if (!self->fetching)
    return;

  n_users = ap_chart_format_count (users);

  if (total_count > 0)
    {
      g_autofree char *n_total = ap_chart_format_count ((guint64) total_count);

      _ap_window_stop_pulse (self);
      gtk_progress_bar_set_fraction (self->progress_bar,
                                     CLAMP ((double) users / (double) total_count, 0.0, 1.0));
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Page %u · %s of %s user",
                                           "Page %u · %s of %s users", (gulong) total_count),
                              pages, n_users, n_total);
    }
  else
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Page %u · %s user",
                                           "Page %u · %s users", users),
                              pages, n_users);
    }

  gtk_label_set_label (self->progress_label, text);
}

static void
on_client_retrying (ApClient *client,
                    guint     error_code,
                    guint     delay_ms,
                    ApWindow *self)
{
  g_autofree char *text = NULL;
  guint seconds = (delay_ms + 999) / 1000;

  if (!self->fetching)
    return;

  switch (error_code)
    {
    case AP_ERROR_RATE_LIMITED:
      text = g_strdup_printf (_("Rate limited, retrying in %u s"), seconds);
      break;
    case AP_ERROR_TIMEOUT:
      text = g_strdup_printf (_("No answer in time, retrying in %u s"), seconds);
      break;
    case AP_ERROR_NETWORK:
      /* Refused ports and unknown names are never retried: a connection
       * was made and lost, or the network is down. */
      text = g_strdup_printf (_("Connection failed, retrying in %u s"), seconds);
      break;
    case AP_ERROR_SERVER:
    default:
      text = g_strdup_printf (_("Mimecast had a server error, retrying in %u s"), seconds);
      break;
    }

  gtk_label_set_label (self->progress_label, text);
}

static void
ap_window_set_credentials (ApWindow      *self,
                           ApCredentials *credentials)
{
  if (self->credentials == credentials)
    return;

  _ap_window_cancel_fetch (self);

  g_set_object (&self->credentials, credentials);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);

  if (credentials != NULL)
    {
      self->client = ap_client_new (credentials);
      g_signal_connect_object (self->client, "progress",
                               G_CALLBACK (on_client_progress), self, 0);
      g_signal_connect_object (self->client, "retrying",
                               G_CALLBACK (on_client_retrying), self, 0);
    }

  _ap_window_update_actions (self);
}

static void
ap_window_leave_demo (ApWindow *self)
{
  if (self->mock == NULL)
    return;

  ap_window_set_credentials (self, NULL);
  ap_mock_server_stop (self->mock);
  g_clear_object (&self->mock);
  /* Demo rows must never pass for the organisation's. */
  ap_window_clear_data (self);
  gtk_revealer_set_reveal_child (self->demo_revealer, FALSE);
}

static void
on_fetch_batch (ApClient  *client,
                GPtrArray *users,
                gpointer   user_data)
{
  FetchData *data = user_data;
  ApWindow *self = data->self;

  if (_ap_window_is_disposed (self) || data->serial != self->fetch_serial)
    return;

  data->got_batch = TRUE;
  if (self->history_saver != NULL)
    ap_history_saver_add_users (self->history_saver, users);

  if (data->pending != NULL)
    {
      g_ptr_array_extend (data->pending, users, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
      return;
    }

  /* The first rows go in before the first load's status page goes, so
   * that the users view, on screen under it, never shows "no users" in
   * between (which would take its table off screen and back). */
  ap_user_store_append_batch (self->store, users);

  if (self->shown_query == NULL)
    {
      g_set_object (&self->shown_query, data->query);
      ap_users_view_set_fetched (self->users_view, TRUE);
      _ap_window_update_content (self);
    }
}

/* The staged fetch succeeded: its users take the old ones' place at once. */
static void
ap_window_replace_data (ApWindow  *self,
                        FetchData *data)
{
  ap_user_store_clear (self->store);
  g_set_object (&self->shown_query, data->query);
  ap_users_view_set_fetched (self->users_view, TRUE);

  if (data->pending != NULL)
    ap_user_store_take_batch (self->store, g_steal_pointer (&data->pending));
}

static void
on_fetch_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  FetchData *data = user_data;
  ApWindow *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ap_client_fetch_finish (AP_CLIENT (object), result, &error);

  if (_ap_window_is_disposed (self) || data->serial != self->fetch_serial)
    {
      fetch_data_release (data);
      return;
    }

  self->fetching = FALSE;
  self->n_fetches_done++;
  ap_users_view_set_streaming (self->users_view, FALSE);
  g_clear_object (&self->fetch_cancellable);
  _ap_window_stop_pulse (self);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  /* The report says when its data was fetched, not only when it was made. */
  if (ok || data->got_batch)
    {
      g_clear_pointer (&self->fetched_at, g_date_time_unref);
      self->fetched_at = g_date_time_new_now_utc ();
    }
  _ap_window_history_end (self, ok);

  if (ok)
    {
      if (data->pending != NULL || !data->got_batch)
        ap_window_replace_data (self, data);
      _ap_window_hide_error (self);
    }
  else if (ap_error_is_cancelled (error))
    {
      _ap_window_toast (self, _("Refresh cancelled"));
      _ap_window_update_content (self);
    }
  else
    {
      _ap_window_show_error (self, error);
    }

  _ap_window_update_actions (self);
  fetch_data_release (data);
}

void
_ap_window_fetch (ApWindow *self,
                  ApQuery  *query)
{
  FetchData *data;

  g_assert (AP_IS_WINDOW (self));
  g_assert (AP_IS_QUERY (query));

  if (self->client == NULL)
    {
      _ap_window_show_credentials (self);
      return;
    }

  if (self->fetch_cancellable != NULL)
    g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);

  self->fetch_serial++;
  self->fetch_cancellable = g_cancellable_new ();
  self->fetching = TRUE;

  /* A snapshot still opening gives way to the fresh data. */
  if (self->history_cancellable != NULL)
    g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  _ap_window_history_begin (self, query);

  data = g_rc_box_new0 (FetchData);
  data->self = g_object_ref (self);
  data->query = ap_query_copy (query);
  data->serial = self->fetch_serial;
  if (_ap_window_has_data (self))
    data->pending = g_ptr_array_new_with_free_func (g_object_unref);
  /* Into an empty view the pages stream: rows shown stay put, later ones
   * join the end, and the list is sorted once the fetch ends. */
  ap_users_view_set_streaming (self->users_view, data->pending == NULL);

  /* The rows, if any, stay; the error they were shown with goes, since
   * the person is acting on it. */
  _ap_window_hide_error (self);
  gtk_label_set_label (self->progress_label, _("Connecting to Mimecast…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  /* Into an empty view a status page stands under the strip, and a slide
   * still running when the first rows come would move them every frame. */
  if (data->pending == NULL)
    _ap_window_reveal_at_once (self->progress_revealer);
  else
    gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  _ap_window_stop_pulse (self);
  self->pulse_id = g_timeout_add (PULSE_INTERVAL_MS, ap_window_pulse, self);

  _ap_window_update_actions (self);

  ap_client_fetch_async (self->client, data->query,
                         on_fetch_batch, g_rc_box_acquire (data), fetch_data_release,
                         self->fetch_cancellable, on_fetch_done, data);
}

void
_ap_window_cancel_fetch (ApWindow *self)
{
  g_assert (AP_IS_WINDOW (self));

  if (self->fetch_cancellable != NULL)
    g_cancellable_cancel (self->fetch_cancellable);
}

void
_ap_window_fetch_from_query_bar (ApWindow *self)
{
  g_autoptr(ApQuery) query = ap_query_bar_build_query (self->query_bar);

  if (ap_query_bar_get_valid (self->query_bar))
    _ap_window_fetch (self, query);
}

static void
on_credentials_saved (ApWindow      *self,
                      ApCredentials *credentials)
{
  ap_window_leave_demo (self);
  ap_window_set_credentials (self, credentials);
  _ap_window_hide_error (self);
  _ap_window_show_page (self, "content");
  _ap_window_fetch_from_query_bar (self);
}

static void
on_credentials_removed (ApWindow *self)
{
  if (self->mock != NULL)
    return;

  ap_window_set_credentials (self, NULL);
  ap_window_clear_data (self);
  _ap_window_hide_error (self);
  _ap_window_show_page (self, "welcome");
}

void
_ap_window_show_credentials (ApWindow *self)
{
  ApCredentialsDialog *dialog;

  g_assert (AP_IS_WINDOW (self));

  if (self->credentials_dialog != NULL)
    {
      gtk_window_present (self->credentials_dialog);
      return;
    }

  dialog = ap_credentials_dialog_new (GTK_WINDOW (self), self->settings);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_credentials_saved), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "removed", G_CALLBACK (on_credentials_removed), self,
                           G_CONNECT_SWAPPED);

  self->credentials_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->credentials_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_keyring_lookup (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ApWindow) self = user_data;
  g_autoptr(ApCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = ap_keyring_lookup_finish (result, &error);

  if (ap_error_is_cancelled (error) || _ap_window_is_disposed (self) || self->mock != NULL)
    return;

  g_clear_object (&self->keyring_cancellable);

  /* Someone opening the app with an account set up wants the numbers. */
  if (credentials != NULL)
    {
      ap_window_set_credentials (self, credentials);
      _ap_window_show_page (self, "content");
      _ap_window_open_latest (self);
      return;
    }

  /* Nothing stored is the first run; any other failure is worth saying,
   * but the app stays usable (demo, or enter credentials again). */
  if (!g_error_matches (error, AP_ERROR, AP_ERROR_NO_CREDENTIALS))
    _ap_window_show_error (self, error);

  _ap_window_show_page (self, "welcome");
}

void
ap_window_lookup_credentials (ApWindow *self)
{
  g_return_if_fail (AP_IS_WINDOW (self));

  if (self->keyring_cancellable != NULL)
    g_cancellable_cancel (self->keyring_cancellable);
  g_clear_object (&self->keyring_cancellable);

  self->keyring_cancellable = g_cancellable_new ();
  ap_keyring_lookup_async (self->keyring_cancellable, on_keyring_lookup, g_object_ref (self));
}

void
ap_window_start_demo (ApWindow *self)
{
  g_autoptr(ApMockServer) mock = NULL;

  g_return_if_fail (AP_IS_WINDOW (self));

  if (self->mock != NULL)
    {
      _ap_window_show_page (self, "content");
      return;
    }

  mock = ap_mock_server_new ();
  ap_mock_server_set_demo_dataset (mock);
  ap_window_start_demo_with_server (self, mock);
}

void
ap_window_start_demo_with_server (ApWindow     *self,
                                  ApMockServer *mock)
{
  g_autoptr(ApCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AP_IS_WINDOW (self));
  g_return_if_fail (AP_IS_MOCK_SERVER (mock));

  if (self->keyring_cancellable != NULL)
    g_cancellable_cancel (self->keyring_cancellable);
  g_clear_object (&self->keyring_cancellable);

  if (self->mock != mock)
    {
      ap_window_leave_demo (self);

      /* A mock a test already started keeps its port. */
      if (ap_mock_server_get_port (mock) == 0 && !ap_mock_server_start (mock, 0, &error))
        {
          _ap_window_show_error (self, error);
          return;
        }

      self->mock = g_object_ref (mock);
    }

  /* API 1.0 so the demo goes through request signing too. */
  credentials = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API1);

  /* Whatever the organisation's data was, it is not shown as demo data. */
  ap_window_clear_data (self);
  ap_window_set_credentials (self, credentials);
  _ap_window_hide_error (self);
  /* The banner comes with a new page of data, not over rows that stay. */
  _ap_window_reveal_at_once (self->demo_revealer);
  _ap_window_show_page (self, "content");
  _ap_window_fetch_from_query_bar (self);
}
