/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-a11y.h"
#include "ap-chart-render.h"
#include "ap-credentials-dialog.h"
#include "ap-error.h"
#include "ap-export-dialog.h"
#include "ap-keyring.h"
#include "ap-print.h"
#include "ap-resources.h"
#include "ap-window-private.h"

#define PULSE_INTERVAL_MS 120

/* Side by side, the detail pane is this wide and the list takes the rest;
 * alone, the detail shows every record column from this width on. */
#define DETAIL_PANE_WIDTH 440
#define DETAIL_FULL_WIDTH 640

G_DEFINE_FINAL_TYPE (ApWindow, ap_window, ADW_TYPE_APPLICATION_WINDOW)

static void ap_window_update_stale       (ApWindow *self);
static void ap_window_update_back_button (ApWindow *self);

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

static gboolean
ap_window_is_disposed (ApWindow *self)
{
  return self->store == NULL;
}

/* History: every complete fetch of a real account is saved (never demo
 * data); at start the latest snapshot of the saved tenant opens at once,
 * labelled with its age, until Refresh fetches anew. */

static void ap_window_update_content (ApWindow *self);
static void ap_window_toast          (ApWindow   *self,
                                      const char *text);

static ApHistory *
ap_window_get_history (ApWindow *self)
{
  if (!g_settings_get_boolean (self->settings, "history-enabled"))
    return NULL;
  if (self->history == NULL)
    self->history = ap_history_new (NULL);
  ap_history_set_retention (self->history,
                            g_settings_get_uint (self->settings, "history-max-snapshots"),
                            g_settings_get_uint (self->settings, "history-max-days"));
  return self->history;
}

/* "Data from today, 14:02", "… yesterday, …", "… 3 days ago, …"; NULL
 * (0) for rows just fetched. */
static void
ap_window_set_data_age (ApWindow *self,
                        gint64    fetched_at)
{
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDate) then_date = NULL;
  g_autoptr(GDate) today = NULL;
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;
  int days;

  if (fetched_at == 0)
    {
      ap_view_title_set_subtitle (self->view_title, NULL);
      return;
    }

  then = g_date_time_new_from_unix_local (fetched_at);
  now = g_date_time_new_now_local ();
  then_date = g_date_new_dmy (g_date_time_get_day_of_month (then),
                              g_date_time_get_month (then), g_date_time_get_year (then));
  today = g_date_new_dmy (g_date_time_get_day_of_month (now),
                          g_date_time_get_month (now), g_date_time_get_year (now));
  days = MAX (g_date_days_between (then_date, today), 0);
  time = g_date_time_format (then, "%H:%M");

  if (days == 0)
    text = g_strdup_printf (_("Data from today, %s"), time);
  else if (days == 1)
    text = g_strdup_printf (_("Data from yesterday, %s"), time);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Data from %d day ago, %s",
                                         "Data from %d days ago, %s", days), days, time);
  ap_view_title_set_subtitle (self->view_title, text);
}

/* The changes shown were of the rows shown: a new fetch or snapshot drops them */
static void
ap_window_clear_changes (ApWindow *self)
{
  ap_users_view_set_changes (self->users_view, NULL, 0);
  ap_overview_page_set_changes (self->overview_page, NULL, 0);
}

static void
ap_window_history_begin (ApWindow *self,
                         ApQuery  *query)
{
  ApHistory *history;

  ap_window_clear_changes (self);

  /* An unfinished save of an earlier fetch is rolled back. */
  g_clear_object (&self->history_saver);
  if (self->mock != NULL || self->credentials == NULL)
    return;
  history = ap_window_get_history (self);
  if (history != NULL)
    self->history_saver = ap_history_saver_new (history,
                                                ap_credentials_get_base_url (self->credentials),
                                                query, 0);
}

static void
on_changes_compared (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ApWindow) self = user_data;
  g_autoptr(ApHistoryComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  comparison = ap_history_compare_finish (AP_HISTORY (object), result, &error);
  if (ap_error_is_cancelled (error) || ap_window_is_disposed (self))
    return;
  g_clear_object (&self->changes_cancellable);
  if (comparison == NULL || comparison->previous == NULL)
    return;

  memset (self->n_changes, 0, sizeof self->n_changes);
  for (guint i = 0; i < comparison->changes->len; i++)
    {
      ApUserChange *change = g_ptr_array_index (comparison->changes, i);
      self->n_changes[change->kind]++;
    }
  self->has_changes = TRUE;
  ap_users_view_set_changes (self->users_view, comparison->changes,
                             comparison->previous->fetched_at);
  ap_overview_page_set_changes (self->overview_page, comparison->changes,
                                comparison->previous->fetched_at);

  {
    g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (comparison->previous->fetched_at);
    when = g_date_time_format (then, "%x %H:%M");
  }
  if (comparison->changes->len == 0)
    text = g_strdup_printf (_("No change since the fetch of %s"), when);
  else
    text = g_strdup_printf (_("Since the fetch of %s: %u joined, %u left, %u changed"), when,
                            self->n_changes[AP_USER_CHANGE_JOINED],
                            self->n_changes[AP_USER_CHANGE_LEFT],
                            self->n_changes[AP_USER_CHANGE_CHANGED]);
  ap_window_toast (self, text);
}

/* What changed since the previous snapshot of the same query. */
static void
ap_window_compare_snapshot (ApWindow *self,
                            gint64    id)
{
  ApHistory *history = ap_window_get_history (self);

  self->has_changes = FALSE;
  if (self->changes_cancellable != NULL)
    g_cancellable_cancel (self->changes_cancellable);
  g_clear_object (&self->changes_cancellable);
  ap_window_clear_changes (self);
  ap_overview_page_set_history (self->overview_page, history, id);
  ap_user_detail_set_history (self->user_detail, history, id);
  if (history == NULL || id == 0)
    return;

  self->changes_cancellable = g_cancellable_new ();
  ap_history_compare_async (history, id, NULL, self->changes_cancellable, on_changes_compared,
                            g_object_ref (self));
}

gboolean
ap_window_get_changes (ApWindow *self,
                       guint    *joined,
                       guint    *left,
                       guint    *changed)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), FALSE);

  if (joined != NULL)
    *joined = self->n_changes[AP_USER_CHANGE_JOINED];
  if (left != NULL)
    *left = self->n_changes[AP_USER_CHANGE_LEFT];
  if (changed != NULL)
    *changed = self->n_changes[AP_USER_CHANGE_CHANGED];
  return self->has_changes;
}

static void
on_history_saved (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ApWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = ap_history_saver_commit_finish (AP_HISTORY_SAVER (object), result, &error);
  if (ap_window_is_disposed (self))
    return;
  if (id == 0)
    {
      g_autofree char *text = g_strdup_printf (_("This fetch was not saved in the history: %s"),
                                               error->message);
      if (!ap_error_is_cancelled (error))
        ap_window_toast (self, text);
      return;
    }
  self->shown_snapshot_id = id;
  ap_window_compare_snapshot (self, id);
}

static void
ap_window_history_end (ApWindow *self,
                       gboolean  complete)
{
  g_autoptr(ApHistorySaver) saver = g_steal_pointer (&self->history_saver);

  if (!complete)
    return;   /* dropping the saver rolls the snapshot back */

  self->shown_snapshot_id = 0;
  self->has_changes = FALSE;
  ap_window_set_data_age (self, 0);
  if (saver != NULL)
    ap_history_saver_commit_async (saver, NULL, on_history_saved, g_object_ref (self));
}

static void
on_snapshot_batch (GPtrArray *users,
                   gpointer   user_data)
{
  ApWindow *self = user_data;

  if (ap_window_is_disposed (self) || self->fetching)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    {
      ap_users_view_set_fetched (self->users_view, TRUE);
      ap_window_update_content (self);
    }
  ap_user_store_append_batch (self->store, users);
}

static void ap_window_fetch_from_query_bar (ApWindow *self);

static void
on_snapshot_loaded (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ApWindow) self = user_data;
  g_autoptr(ApSnapshotInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = ap_history_load_finish (AP_HISTORY (object), result, &error);
  if (ap_error_is_cancelled (error) || ap_window_is_disposed (self))
    return;
  g_clear_object (&self->history_cancellable);
  if (self->fetching)
    return;

  if (info == NULL)
    {
      /* A damaged history is moved aside; say so, and fetch as usual. */
      if (error != NULL)
        ap_window_toast (self, error->message);
      ap_window_fetch_from_query_bar (self);
      return;
    }

  g_set_object (&self->shown_query, info->query);
  self->shown_snapshot_id = info->id;
  /* Reports made from it say when it was fetched. */
  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  self->fetched_at = g_date_time_new_from_unix_utc (info->fetched_at);
  ap_users_view_set_fetched (self->users_view, TRUE);
  ap_window_set_data_age (self, info->fetched_at);
  ap_window_update_content (self);
  _ap_window_update_actions (self);
  ap_window_compare_snapshot (self, info->id);
}

/* At start with saved credentials: the last snapshot at once, else a fetch. */
static void
ap_window_open_latest (ApWindow *self)
{
  ApHistory *history = ap_window_get_history (self);

  if (history == NULL || self->credentials == NULL)
    {
      ap_window_fetch_from_query_bar (self);
      return;
    }

  g_clear_object (&self->history_cancellable);
  self->history_cancellable = g_cancellable_new ();
  ap_history_load_async (history, 0, ap_credentials_get_base_url (self->credentials),
                         on_snapshot_batch, self, self->history_cancellable,
                         on_snapshot_loaded, g_object_ref (self));
}

gint64
ap_window_get_shown_snapshot_id (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), 0);

  return self->shown_snapshot_id;
}

const char *
ap_window_get_data_age (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  const char *age = ap_view_title_get_subtitle (self->view_title);

  return age != NULL && *age != '\0' ? age : NULL;
}

static void
ap_window_toast (ApWindow   *self,
                 const char *title)
{
  g_autoptr(AdwToast) toast = adw_toast_new (title);

  g_set_object (&self->last_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
}

static gboolean
ap_window_has_data (ApWindow *self)
{
  return self->shown_query != NULL ||
         g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0;
}

/* What fixes an error: editing the credentials (keys, secret, base URL),
 * trying again, both or neither. */
static void
ap_window_error_fixes (ApWindow     *self,
                       const GError *error,
                       gboolean     *edit,
                       gboolean     *retry)
{
  *edit = ap_error_is_credentials (error) || ap_error_is_address (error) ||
          g_error_matches (error, AP_ERROR, AP_ERROR_TLS);
  *retry = self->client != NULL && !ap_error_is_credentials (error) &&
           !g_error_matches (error, AP_ERROR, AP_ERROR_INVALID_QUERY);
}

static const char *
ap_window_error_title (const GError *error)
{
  if (ap_error_is_credentials (error))
    return _("Credentials Not Accepted");

  if (error->domain == AP_ERROR)
    switch ((ApErrorCode) error->code)
      {
      case AP_ERROR_TLS:
        return _("Secure Connection Failed");
      case AP_ERROR_FORBIDDEN:
        return _("Permission Missing");
      case AP_ERROR_RATE_LIMITED:
        return _("Too Many Requests");
      case AP_ERROR_CONNECTION_REFUSED:
      case AP_ERROR_HOST_NOT_FOUND:
      case AP_ERROR_NOT_FOUND:
      case AP_ERROR_INSECURE_URL:
      case AP_ERROR_REDIRECTED:
      case AP_ERROR_NETWORK:
      case AP_ERROR_TIMEOUT:
      case AP_ERROR_PROXY:
        return _("Could Not Connect");
      default:
        break;
      }

  return _("Could Not Load Users");
}

static const char *
ap_window_error_icon (const GError *error)
{
  if (ap_error_is_credentials (error) || g_error_matches (error, AP_ERROR, AP_ERROR_FORBIDDEN))
    return "dialog-password-symbolic";
  if (g_error_matches (error, AP_ERROR, AP_ERROR_TLS))
    return "security-low-symbolic";
  if (g_strcmp0 (ap_window_error_title (error), _("Could Not Connect")) == 0)
    return "network-error-symbolic";
  return "dialog-warning-symbolic";
}

/* One place decides what stands in the content area: the rows when there
 * are any, else a spinner while the first load runs, else the error that
 * stopped it as a status page. The banner carries an error only when the
 * rows stay visible under it, so no message is ever shown twice. */
static void
ap_window_update_content (ApWindow *self)
{
  gboolean in_content = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack),
                                   "content") == 0;
  const char *page = "data";

  if (!ap_window_has_data (self))
    {
      if (self->fetching)
        page = "first-load";
      else if (self->last_error != NULL && in_content)
        page = "failed";
    }

  gtk_stack_set_visible_child_name (self->content_stack, page);
  ap_window_update_stale (self);
  gtk_spinner_set_spinning (self->first_load_spinner, g_str_equal (page, "first-load"));
  gtk_revealer_set_reveal_child (self->error_revealer,
                                 self->last_error != NULL && !g_str_equal (page, "failed"));
}

static void
ap_window_hide_error (ApWindow *self)
{
  g_clear_error (&self->last_error);
  ap_window_update_content (self);
}

static void
ap_window_show_error (ApWindow     *self,
                      const GError *error)
{
  gboolean edit, retry;

  g_assert (error != NULL);

  g_clear_error (&self->last_error);
  self->last_error = g_error_copy (error);
  ap_window_error_fixes (self, error, &edit, &retry);

  gtk_label_set_label (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_action_button), edit);
  gtk_widget_set_visible (GTK_WIDGET (self->error_retry_button), retry);

  adw_status_page_set_title (self->failed_page, ap_window_error_title (error));
  adw_status_page_set_description (self->failed_page, error->message);
  adw_status_page_set_icon_name (self->failed_page, ap_window_error_icon (error));
  gtk_widget_set_visible (GTK_WIDGET (self->failed_edit_button), edit);
  gtk_widget_set_visible (GTK_WIDGET (self->failed_retry_button), retry);
  /* The fix that helps most is the one that looks like it. */
  if (edit)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->failed_edit_button), "suggested-action");
      gtk_widget_remove_css_class (GTK_WIDGET (self->failed_retry_button), "suggested-action");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->failed_retry_button), "suggested-action");
    }

  ap_window_update_content (self);
}

/* The bottom switcher stands in for the title's when the window is narrow,
 * and only where there are views to switch. */
static void
ap_window_update_switcher_bar (ApWindow *self)
{
  gboolean content = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack),
                                "content") == 0;
  gboolean narrow = ap_view_title_get_title_visible (self->view_title);

  adw_view_switcher_bar_set_reveal (self->switcher_bar, content && narrow);
}

static void
ap_window_show_page (ApWindow   *self,
                     const char *name)
{
  gboolean content = g_strcmp0 (name, "content") == 0;

  gtk_stack_set_visible_child_name (self->main_stack, name);
  /* A hidden spinner that spins still restyles every frame. */
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (name, "loading"));
  ap_view_title_set_view_switcher_enabled (self->view_title, content);
  ap_window_update_switcher_bar (self);
  ap_window_update_back_button (self);
  ap_window_update_content (self);
}

static gboolean
ap_query_equal (ApQuery *a,
                ApQuery *b)
{
  g_autofree char *body_a = ap_query_to_request_body (a, NULL, NULL);
  g_autofree char *body_b = ap_query_to_request_body (b, NULL, NULL);

  return g_strcmp0 (body_a, body_b) == 0;
}

/* The query bar asks Mimecast; nothing it holds narrows the rows on screen
 * until Refresh. Changing it does not refetch by itself: a fetch of a large
 * organisation with details takes a while and spends the API's rate limit,
 * and rows that change under the person while they type would be worse
 * than a clear "Filters changed — Refresh to apply". */
static void
ap_window_update_stale (ApWindow *self)
{
  g_autoptr(ApQuery) query = NULL;
  gboolean stale = FALSE;

  if (self->shown_query != NULL && !self->fetching)
    {
      query = ap_query_bar_build_query (self->query_bar);
      stale = !ap_query_equal (query, self->shown_query);
    }

  ap_query_bar_set_stale (self->query_bar, stale);
}

static void
ap_window_stop_pulse (ApWindow *self)
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
  ap_window_update_content (self);
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

      ap_window_stop_pulse (self);
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

  if (ap_window_is_disposed (self) || data->serial != self->fetch_serial)
    return;

  data->got_batch = TRUE;
  if (self->history_saver != NULL)
    ap_history_saver_add_users (self->history_saver, users);

  if (data->pending != NULL)
    {
      g_ptr_array_extend (data->pending, users, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
      return;
    }

  if (self->shown_query == NULL)
    {
      g_set_object (&self->shown_query, data->query);
      ap_users_view_set_fetched (self->users_view, TRUE);
      ap_window_update_content (self);
    }

  ap_user_store_append_batch (self->store, users);
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
    ap_user_store_append_batch (self->store, data->pending);
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

  if (ap_window_is_disposed (self) || data->serial != self->fetch_serial)
    {
      fetch_data_release (data);
      return;
    }

  self->fetching = FALSE;
  self->n_fetches_done++;
  g_clear_object (&self->fetch_cancellable);
  ap_window_stop_pulse (self);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  /* The report says when its data was fetched, not only when it was made. */
  if (ok || data->got_batch)
    {
      g_clear_pointer (&self->fetched_at, g_date_time_unref);
      self->fetched_at = g_date_time_new_now_utc ();
    }
  ap_window_history_end (self, ok);

  if (ok)
    {
      if (data->pending != NULL || !data->got_batch)
        ap_window_replace_data (self, data);
      ap_window_hide_error (self);
    }
  else if (ap_error_is_cancelled (error))
    {
      ap_window_toast (self, _("Refresh cancelled"));
      ap_window_update_content (self);
    }
  else
    {
      ap_window_show_error (self, error);
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
  ap_window_history_begin (self, query);

  data = g_rc_box_new0 (FetchData);
  data->self = g_object_ref (self);
  data->query = ap_query_copy (query);
  data->serial = self->fetch_serial;
  if (ap_window_has_data (self))
    data->pending = g_ptr_array_new_with_free_func (g_object_unref);

  /* The rows, if any, stay; the error they were shown with goes, since
   * the person is acting on it. */
  ap_window_hide_error (self);
  gtk_label_set_label (self->progress_label, _("Connecting to Mimecast…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  ap_window_stop_pulse (self);
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

static void
ap_window_fetch_from_query_bar (ApWindow *self)
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
  ap_window_hide_error (self);
  ap_window_show_page (self, "content");
  ap_window_fetch_from_query_bar (self);
}

static void
on_credentials_removed (ApWindow *self)
{
  if (self->mock != NULL)
    return;

  ap_window_set_credentials (self, NULL);
  ap_window_clear_data (self);
  ap_window_hide_error (self);
  ap_window_show_page (self, "welcome");
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

void
_ap_window_focus_search (ApWindow *self)
{
  g_assert (AP_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "users");
  ap_panes_set_showing_detail (self->panes, FALSE);
  ap_users_view_focus_search (self->users_view);
}

/* What the report covers beyond the query: the source, the fetch and the
 * view's narrowing (the export dialog drops it for "everything loaded"). */
ApReportScope *
_ap_window_dup_report_scope (ApWindow *self)
{
  ApReportScope *scope = ap_report_scope_new ();

  scope->demo = self->mock != NULL;
  if (self->credentials != NULL)
    scope->base_url = g_strdup (ap_credentials_get_base_url (self->credentials));
  ap_report_scope_set_fetched (scope, self->fetched_at,
                               g_list_model_get_n_items (G_LIST_MODEL (self->store)));
  ap_report_scope_set_narrowing (scope, TRUE,
                                 ap_users_view_get_department (self->users_view),
                                 ap_users_view_get_search_text (self->users_view));

  return scope;
}

void
_ap_window_export (ApWindow *self)
{
  g_autoptr(ApReportScope) scope = NULL;
  g_autoptr(ApQuery) fallback = NULL;
  ApQuery *query = self->shown_query;

  g_assert (AP_IS_WINDOW (self));

  if (query == NULL)
    query = fallback = ap_query_bar_build_query (self->query_bar);

  scope = _ap_window_dup_report_scope (self);
  ap_export_dialog_present (GTK_WINDOW (self),
                            ap_users_view_get_visible_users (self->users_view),
                            G_LIST_MODEL (self->store),
                            query, scope, self->toast_overlay);
}

/* The same report as the PDF, of the current view, through the print
 * dialog. */
void
_ap_window_print (ApWindow *self)
{
  g_autoptr(ApReportScope) scope = NULL;
  g_autoptr(ApQuery) fallback = NULL;
  ApQuery *query = self->shown_query;

  g_assert (AP_IS_WINDOW (self));

  if (query == NULL)
    query = fallback = ap_query_bar_build_query (self->query_bar);

  scope = _ap_window_dup_report_scope (self);
  ap_print_report (GTK_WINDOW (self), ap_users_view_get_visible_users (self->users_view), query,
                   scope);
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

  if (ap_error_is_cancelled (error) || ap_window_is_disposed (self) || self->mock != NULL)
    return;

  g_clear_object (&self->keyring_cancellable);

  /* Someone opening the app with an account set up wants the numbers. */
  if (credentials != NULL)
    {
      ap_window_set_credentials (self, credentials);
      ap_window_show_page (self, "content");
      ap_window_open_latest (self);
      return;
    }

  /* Nothing stored is the first run; any other failure is worth saying,
   * but the app stays usable (demo, or enter credentials again). */
  if (!g_error_matches (error, AP_ERROR, AP_ERROR_NO_CREDENTIALS))
    ap_window_show_error (self, error);

  ap_window_show_page (self, "welcome");
}

static void
on_query_bar_activate (ApWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.fetch", NULL);
}

static void
on_error_dismiss_clicked (ApWindow *self)
{
  ap_window_hide_error (self);
}

static void
on_change_group_activated (ApWindow *self,
                           guint     group)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "users");
  ap_panes_set_showing_detail (self->panes, FALSE);
  ap_users_view_set_change_group (self->users_view, group);
}

static void
on_department_activated (ApWindow   *self,
                         const char *department)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "users");
  ap_panes_set_showing_detail (self->panes, FALSE);
  ap_users_view_set_department (self->users_view, department);
}

static void
on_user_activated (ApWindow *self,
                   ApUser   *user)
{
  if (ap_panes_get_folded (self->panes))
    ap_panes_set_showing_detail (self->panes, TRUE);
}

/* The back button belongs in the header bar, and only where there is a
 * way back: the detail page of a folded users view. */
static void
ap_window_update_back_button (ApWindow *self)
{
  gboolean back = ap_panes_get_folded (self->panes) &&
                  ap_panes_get_showing_detail (self->panes) &&
                  g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                             "users") == 0 &&
                  g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "content") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back);
}

/* With one pane, a click on a user is the way to their detail, which then
 * has the whole width. */
static void
on_panes_folded (ApWindow *self)
{
  gboolean folded = ap_panes_get_folded (self->panes);

  gtk_column_view_set_single_click_activate (ap_users_view_get_column_view (self->users_view),
                                             folded);
  adw_clamp_set_maximum_size (self->detail_clamp, folded ? G_MAXINT / 2 : DETAIL_PANE_WIDTH);
  adw_clamp_set_tightening_threshold (self->detail_clamp,
                                      folded ? G_MAXINT / 2 : DETAIL_PANE_WIDTH);
  ap_user_detail_set_compact (self->user_detail,
                              !folded || self->layout_width < DETAIL_FULL_WIDTH);
  ap_window_update_back_button (self);
}

/* The layout follows the window's width, not the natural width of what
 * it shows: a long name must never fold the two panes. libadwaita 1.2 has
 * no breakpoints, so the width is read at allocation and applied from an
 * idle (changing the layout inside an allocation would be too late for
 * this frame and warn). */
/* Narrow: the header bar's buttons are icons, centred loosely, so the
 * title and the window's own buttons still fit in 360 px. */
static AdwCenteringPolicy
header_centering (gpointer unused,
                  gboolean compact)
{
  return compact ? ADW_CENTERING_POLICY_LOOSE : ADW_CENTERING_POLICY_STRICT;
}

static void
ap_window_set_fetch_button_compact (ApWindow *self,
                                    gboolean  compact)
{
  if (compact)
    {
      gtk_button_set_icon_name (self->fetch_button, "view-refresh-symbolic");
      /* An icon alone needs a name; with its text it has one already. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->fetch_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh"),
                                      -1);
    }
  else
    {
      GtkWidget *content = adw_button_content_new ();

      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "view-refresh-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Refresh"));
      adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
      gtk_button_set_child (self->fetch_button, content);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->fetch_button),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
}

static gboolean
ap_window_apply_layout (gpointer user_data)
{
  ApWindow *self = user_data;
  gboolean narrow = self->layout_width < AP_WINDOW_NARROW_WIDTH;
  gboolean two_pane = self->layout_width >= AP_WINDOW_TWO_PANE_WIDTH;

  self->layout_id = 0;

  ap_panes_set_side_by_side (self->panes, two_pane);
  ap_panes_set_list_width (self->panes, self->layout_width - DETAIL_PANE_WIDTH - 1);
  ap_user_detail_set_compact (self->user_detail,
                              !ap_panes_get_folded (self->panes) ||
                              self->layout_width < DETAIL_FULL_WIDTH);
  if (narrow != ap_query_bar_get_compact (self->query_bar) ||
      gtk_button_get_child (self->fetch_button) == NULL)
    ap_window_set_fetch_button_compact (self, narrow);
  ap_query_bar_set_compact (self->query_bar, narrow);
  ap_users_view_set_compact (self->users_view, narrow);
  ap_user_detail_set_narrow (self->user_detail, narrow);
  /* Banners put their buttons under the text rather than beside it. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->demo_banner),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->error_banner),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  /* Long translations of the two fixes stack rather than widen the window. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->error_actions),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  /* The fixes matter more than Dismiss where only they fit. */
  gtk_widget_set_visible (GTK_WIDGET (self->error_dismiss_button), !narrow);

  return G_SOURCE_REMOVE;
}

/* Before the first allocation (and whenever the size is set), the default
 * width is the best guess: a window asked to be 360 px wide must not be
 * held wider by the wide layout's minimum. */
static void
on_default_width_changed (ApWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width <= 0 || gtk_widget_get_realized (GTK_WIDGET (self)) || width == self->layout_width)
    return;

  self->layout_width = width;
  g_clear_handle_id (&self->layout_id, g_source_remove);
  ap_window_apply_layout (self);
}

static void
ap_window_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  ApWindow *self = AP_WINDOW (widget);

  GTK_WIDGET_CLASS (ap_window_parent_class)->size_allocate (widget, width, height, baseline);

  if (width != self->layout_width)
    {
      self->layout_width = width;
      if (self->layout_id == 0)
        self->layout_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, ap_window_apply_layout,
                                           self, NULL);
    }
}

static void
on_back_clicked (ApWindow *self)
{
  ap_panes_set_showing_detail (self->panes, FALSE);
}

static gboolean
ap_window_close_request (GtkWindow *window)
{
  ApWindow *self = AP_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);

  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  _ap_window_cancel_fetch (self);

  return GTK_WINDOW_CLASS (ap_window_parent_class)->close_request (window);
}

static void
ap_window_dispose (GObject *object)
{
  ApWindow *self = AP_WINDOW (object);

  /* Stale callbacks see the bumped serial and a disposed window. */
  self->fetch_serial++;
  if (self->fetch_cancellable != NULL)
    g_cancellable_cancel (self->fetch_cancellable);
  if (self->keyring_cancellable != NULL)
    g_cancellable_cancel (self->keyring_cancellable);
  if (self->history_cancellable != NULL)
    g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  if (self->changes_cancellable != NULL)
    g_cancellable_cancel (self->changes_cancellable);
  g_clear_object (&self->changes_cancellable);
  g_clear_object (&self->history_saver);
  g_clear_object (&self->history);
  g_clear_object (&self->fetch_cancellable);
  g_clear_object (&self->keyring_cancellable);
  ap_window_stop_pulse (self);
  g_clear_handle_id (&self->layout_id, g_source_remove);

  if (self->credentials_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->credentials_dialog),
                                    (gpointer *) &self->credentials_dialog);
      gtk_window_destroy (self->credentials_dialog);
      self->credentials_dialog = NULL;
    }

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);

  if (self->mock != NULL)
    ap_mock_server_stop (self->mock);
  g_clear_object (&self->mock);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_WINDOW);

  g_clear_object (&self->credentials);
  g_clear_object (&self->shown_query);
  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  g_clear_object (&self->last_toast);
  g_clear_error (&self->last_error);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ap_window_parent_class)->dispose (object);
}

static void
ap_window_class_init (ApWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ap_window_dispose;
  widget_class->size_allocate = ap_window_size_allocate;
  window_class->close_request = ap_window_close_request;

  /* The resources live in the static library: referencing them makes
   * every program with a window link them in, and their constructor
   * registers them before the templates load. */
  g_assert (ap_get_resource () != NULL);

  g_type_ensure (AP_TYPE_OVERVIEW_PAGE);
  g_type_ensure (AP_TYPE_PANES);
  g_type_ensure (AP_TYPE_QUERY_BAR);
  g_type_ensure (AP_TYPE_USER_DETAIL);
  g_type_ensure (AP_TYPE_USERS_VIEW);
  g_type_ensure (AP_TYPE_VIEW_TITLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/awarenessperf/AwarenessPerformance/"
                                               "ap-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ApWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, detail_clamp);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, fetch_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_action_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_actions);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_banner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_dismiss_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_retry_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, failed_edit_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, failed_retry_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, first_load_spinner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, panes);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, query_bar);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, user_detail);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, users_view);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, view_title);
  gtk_widget_class_bind_template_callback (widget_class, ap_window_update_back_button);
  gtk_widget_class_bind_template_callback (widget_class, header_centering);
  gtk_widget_class_bind_template_callback (widget_class, ap_window_update_switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_change_group_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_department_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_panes_folded);
  gtk_widget_class_bind_template_callback (widget_class, on_error_dismiss_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_query_bar_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_user_activated);

  _ap_window_class_init_actions (widget_class);
}

static void
ap_window_init (ApWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ap_view_title_set_stack (self->view_title, self->view_stack);
  ap_view_title_set_title (self->view_title, _("Awareness Performance"));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  self->store = ap_user_store_new ();

  ap_users_view_set_model (self->users_view, self->store);
  ap_users_view_set_settings (self->users_view, self->settings);
  _ap_window_setup_analysis (self);
  ap_query_bar_set_settings (self->query_bar, self->settings);

  g_signal_connect_object (self->query_bar, "notify::valid",
                           G_CALLBACK (_ap_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->query_bar, "changed",
                           G_CALLBACK (ap_window_update_stale), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "items-changed",
                           G_CALLBACK (_ap_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (ap_window_update_back_button), self, G_CONNECT_SWAPPED);

  ap_window_set_fetch_button_compact (self, FALSE);
  ap_a11y_name_buttons (GTK_WIDGET (self));
  g_signal_connect_object (self, "notify::default-width",
                           G_CALLBACK (on_default_width_changed), self, G_CONNECT_SWAPPED);
  on_default_width_changed (self);
  ap_window_show_page (self, "loading");
  _ap_window_update_actions (self);
}

ApWindow *
ap_window_new (AdwApplication *application)
{
  g_return_val_if_fail (application == NULL || ADW_IS_APPLICATION (application), NULL);

  return g_object_new (AP_TYPE_WINDOW, "application", application, NULL);
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
      ap_window_show_page (self, "content");
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
          ap_window_show_error (self, error);
          return;
        }

      self->mock = g_object_ref (mock);
    }

  /* API 1.0 so the demo goes through request signing too. */
  credentials = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API1);

  /* Whatever the organisation's data was, it is not shown as demo data. */
  ap_window_clear_data (self);
  ap_window_set_credentials (self, credentials);
  ap_window_hide_error (self);
  gtk_revealer_set_reveal_child (self->demo_revealer, TRUE);
  ap_window_show_page (self, "content");
  ap_window_fetch_from_query_bar (self);
}

gboolean
ap_window_is_fetching (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), FALSE);

  return self->fetching;
}

guint
ap_window_get_n_fetches_done (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), 0);

  return self->n_fetches_done;
}

ApUsersView *
ap_window_get_users_view (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  return self->users_view;
}

ApUserDetail *
ap_window_get_user_detail (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  return self->user_detail;
}

const GError *
ap_window_get_shown_error (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->error_revealer) &&
      g_strcmp0 (ap_window_get_content_page (self), "failed") != 0)
    return NULL;
  return self->last_error;
}

const char *
ap_window_get_error_action (ApWindow *self)
{
  gboolean edit, retry;

  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  if (ap_window_get_shown_error (self) == NULL)
    return NULL;

  ap_window_error_fixes (self, self->last_error, &edit, &retry);
  if (edit)
    return gtk_actionable_get_action_name (GTK_ACTIONABLE (self->error_action_button));
  if (retry)
    return gtk_actionable_get_action_name (GTK_ACTIONABLE (self->error_retry_button));
  return NULL;
}

const char *
ap_window_get_content_page (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->content_stack);
}

AdwToast *
ap_window_get_last_toast (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  return self->last_toast;
}
