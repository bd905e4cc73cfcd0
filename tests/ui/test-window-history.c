/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window and the history: a fetch of a real account (the double, with
 * its credentials in the test session's keyring) is saved; the next window
 * opens that snapshot at once, without fetching, labelled with its age;
 * Refresh fetches anew; with history off nothing is saved. */
#define G_LOG_DOMAIN "test-window-history"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <string.h>

#include "ap-history.h"
#include "ap-keyring.h"
#include "ap-mock-server.h"
#include "ap-window-private.h"

#include "../ap-test-util.h"
#include "../report/report-test-util.h"
#include "ui-test-util.h"

#define N_USERS        90
#define WAIT_MS        20000

static void
store_mock_credentials (ApMockServer *mock)
{
  g_autoptr(ApCredentials) credentials = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API2);

  store_credentials (credentials);
}

static gboolean
settled (ApWindow *window)
{
  return ap_users_view_get_pending (ap_window_get_users_view (window)) == 0;
}

static gboolean
fetched_and_saved (gpointer data)
{
  ApWindow *window = data;

  return ap_window_get_n_fetches_done (window) > 0 && !ap_window_is_fetching (window) &&
         ap_window_get_shown_snapshot_id (window) != 0 && settled (window);
}

static gboolean
fetched (gpointer data)
{
  ApWindow *window = data;

  return ap_window_get_n_fetches_done (window) > 0 && !ap_window_is_fetching (window) &&
         settled (window);
}

static gboolean
snapshot_shown (gpointer data)
{
  ApWindow *window = data;

  return ap_window_get_shown_snapshot_id (window) != 0 && ap_window_get_data_age (window) &&
         settled (window);
}

static gboolean
changes_known (gpointer data)
{
  return ap_window_get_changes (data, NULL, NULL, NULL);
}

static guint
n_rows (ApWindow *window)
{
  return g_list_model_get_n_items (
    G_LIST_MODEL (ap_users_view_get_selection (ap_window_get_users_view (window))));
}

static ApWindow *
new_window (void)
{
  ApWindow *window = g_object_ref_sink (ap_window_new (NULL));

  gtk_window_present (GTK_WINDOW (window));
  ap_window_lookup_credentials (window);
  return window;
}

static void
close_window (ApWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
}

static void
test_saved_then_opened (void)
{
  g_autoptr(ApMockServer) mock = ap_mock_server_new ();
  g_autoptr(GError) error = NULL;
  ApWindow *window;
  gint64 first_id, second_id;
  guint requests;

  ap_mock_server_set_dataset (mock, N_USERS, 5, 3, 11);
  g_assert_true (ap_mock_server_start (mock, 0, &error));
  store_mock_credentials (mock);

  /* Nothing saved yet: the first window fetches, and the fetch is saved. */
  window = new_window ();
  g_assert_true (spin_until (fetched_and_saved, window, WAIT_MS));
  first_id = ap_window_get_shown_snapshot_id (window);
  g_assert_null (ap_window_get_data_age (window));
  g_assert_cmpuint (n_rows (window), ==, N_USERS);
  close_window (window);

  /* The next start shows that snapshot at once, with no request at all. */
  ap_mock_server_set_epoch (mock, 1);
  requests = ap_mock_server_get_n_requests (mock);
  window = new_window ();
  g_assert_true (spin_until (snapshot_shown, window, WAIT_MS));
  g_assert_cmpint (ap_window_get_shown_snapshot_id (window), ==, first_id);
  g_assert_cmpuint (ap_window_get_n_fetches_done (window), ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, requests);
  g_assert_true (g_str_has_prefix (ap_window_get_data_age (window), "Data from today, "));
  g_assert_cmpstr (ap_window_get_content_page (window), ==, "data");
  g_assert_cmpuint (n_rows (window), ==, N_USERS);

  /* Refresh fetches anew (the double moved on) and saves it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.fetch", NULL));
  g_assert_true (spin_until (fetched_and_saved, window, WAIT_MS));
  second_id = ap_window_get_shown_snapshot_id (window);
  g_assert_cmpint (second_id, >, first_id);
  g_assert_null (ap_window_get_data_age (window));
  g_assert_cmpuint (n_rows (window), !=, N_USERS);

  /* What changed since the first fetch, as the double moved on. */
  g_assert_true (spin_until (changes_known, window, WAIT_MS));
  {
    guint joined, left, changed;

    ap_window_get_changes (window, &joined, &left, &changed);
    g_assert_cmpuint (joined, ==, 1);
    g_assert_cmpuint (left, ==, 2);   /* users 7 and 60 */
    g_assert_cmpuint (changed, >, 0);
    g_assert_nonnull (strstr (adw_toast_get_title (ap_window_get_last_toast (window)),
                              "1 joined, 2 left"));
  }

  /* Offline: the double is gone, the snapshot still opens. */
  close_window (window);
  ap_mock_server_stop (mock);
  window = new_window ();
  g_assert_true (spin_until (snapshot_shown, window, WAIT_MS));
  g_assert_cmpint (ap_window_get_shown_snapshot_id (window), ==, second_id);
  close_window (window);

  clear_credentials ();
}

static void
test_history_off (void)
{
  g_autoptr(ApMockServer) mock = ap_mock_server_new ();
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autoptr(GError) error = NULL;
  ApWindow *window;

  g_settings_set_boolean (settings, "history-enabled", FALSE);
  ap_mock_server_set_dataset (mock, N_USERS, 5, 3, 12);
  g_assert_true (ap_mock_server_start (mock, 0, &error));
  store_mock_credentials (mock);

  window = new_window ();
  g_assert_true (spin_until (fetched, window, WAIT_MS));
  g_assert_cmpint (ap_window_get_shown_snapshot_id (window), ==, 0);
  close_window (window);

  /* Nothing of this tenant was kept. */
  {
    g_autoptr(ApHistory) history = ap_history_new (NULL);
    g_autoptr(ApSnapshotInfo) latest = ap_history_find_latest (history,
                                                              ap_mock_server_get_base_url (mock),
                                                              NULL, &error);
    g_assert_no_error (error);
    g_assert_null (latest);
  }

  g_settings_reset (settings, "history-enabled");
  clear_credentials ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("ap-window-history-XXXXXX", NULL);
  int status;

  /* Before anything asks GLib for the user data dir. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ap/window-history/saved-then-opened", test_saved_then_opened);
  g_test_add_func ("/ap/window-history/history-off", test_history_off);

  status = g_test_run ();
  report_test_remove_tree (data_home);
  return status;
}
