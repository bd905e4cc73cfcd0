/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-window"

/* The window and the history of fetches: every complete fetch of a real
 * account is saved (never demo data); at start the latest snapshot of the
 * saved tenant opens at once, labelled with its age, until Refresh fetches
 * anew; and what changed since the previous snapshot is shown. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-error.h"
#include "ap-window-private.h"

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

void
_ap_window_history_begin (ApWindow *self,
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
  if (ap_error_is_cancelled (error) || _ap_window_is_disposed (self))
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
  _ap_window_toast (self, text);
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
  if (_ap_window_is_disposed (self))
    return;
  if (id == 0)
    {
      g_autofree char *text = g_strdup_printf (_("This fetch was not saved in the history: %s"),
                                               error->message);
      if (!ap_error_is_cancelled (error))
        _ap_window_toast (self, text);
      return;
    }
  self->shown_snapshot_id = id;
  ap_window_compare_snapshot (self, id);
}

void
_ap_window_history_end (ApWindow *self,
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

  if (_ap_window_is_disposed (self) || self->fetching)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    {
      ap_users_view_set_fetched (self->users_view, TRUE);
      _ap_window_update_content (self);
    }
  ap_user_store_append_batch (self->store, users);
}

static void
on_snapshot_loaded (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ApWindow) self = user_data;
  g_autoptr(ApSnapshotInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = ap_history_load_finish (AP_HISTORY (object), result, &error);
  if (ap_error_is_cancelled (error) || _ap_window_is_disposed (self))
    return;
  g_clear_object (&self->history_cancellable);
  if (self->fetching)
    return;

  if (info == NULL)
    {
      /* A damaged history is moved aside; say so, and fetch as usual. */
      if (error != NULL)
        _ap_window_toast (self, error->message);
      _ap_window_fetch_from_query_bar (self);
      return;
    }

  g_set_object (&self->shown_query, info->query);
  self->shown_snapshot_id = info->id;
  /* Reports made from it say when it was fetched. */
  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  self->fetched_at = g_date_time_new_from_unix_utc (info->fetched_at);
  ap_users_view_set_fetched (self->users_view, TRUE);
  ap_window_set_data_age (self, info->fetched_at);
  _ap_window_update_content (self);
  _ap_window_update_actions (self);
  ap_window_compare_snapshot (self, info->id);
}

/* At start with saved credentials: the last snapshot at once, else a fetch. */
void
_ap_window_open_latest (ApWindow *self)
{
  ApHistory *history = ap_window_get_history (self);

  if (history == NULL || self->credentials == NULL)
    {
      _ap_window_fetch_from_query_bar (self);
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
