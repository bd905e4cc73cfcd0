/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history in the window, with a real SQLite file in a temporary data
 * dir and the double moving its data on between fetches: the Overview's
 * trend (organisation and one department), its empty state, and the
 * numbers screen readers get. With AP_SCREENSHOT_DIR set it also saves
 * the Overview with a trend (build-aux/screenshots-history). */
#define G_LOG_DOMAIN "test-history-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <sqlite3.h>
#include <string.h>

#include "ap-chart-private.h"
#include "ap-history.h"
#include "ap-mock-server.h"
#include "ap-overview-page.h"
#include "ap-resources.h"
#include "ap-trend-view.h"
#include "ap-user-detail.h"
#include "ap-users-view.h"
#include "ap-window-private.h"

#include "../ap-test-overview.h"
#include "../ap-test-util.h"
#include "../report/report-test-util.h"
#include "ui-test-util.h"

#define N_USERS  240
#define WAIT_MS  30000

typedef struct
{
  ApMockServer *mock;
  ApWindow     *window;
  gint64        snapshot_id;   /* the last one saved */
} Fixture;

static gboolean
settled (ApWindow *window)
{
  return ap_users_view_get_pending (ap_window_get_users_view (window)) == 0;
}

static gboolean
saved_after (gpointer data)
{
  Fixture *f = data;
  gint64 id = ap_window_get_shown_snapshot_id (f->window);

  return !ap_window_is_fetching (f->window) && id != 0 && id != f->snapshot_id &&
         settled (f->window);
}

static gboolean
snapshot_shown (gpointer data)
{
  ApWindow *window = data;

  return ap_window_get_shown_snapshot_id (window) != 0 && ap_window_get_data_age (window) &&
         settled (window);
}

static ApTrendView *
trend_view (ApWindow *window)
{
  return ap_test_overview_trend_view (window->overview_page);
}

static gboolean
trend_loaded (gpointer data)
{
  ApTrendView *view = trend_view (data);

  return gtk_widget_get_visible (GTK_WIDGET (view)) && !ap_trend_view_is_loading (view);
}

static int
chart_kind (GtkWidget *chart)
{
  int kind;

  g_object_get (chart, "kind", &kind, NULL);
  return kind;
}

/* The trend chart and the empty-state label are the children of the
 * card's stack: found by type, as a person finds them by looking. */
static GtkWidget *
find_child (GtkWidget *root,
            GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (type != AP_TYPE_CHART || chart_kind (child) == AP_CHART_KIND_TREND) &&
          (type != GTK_TYPE_STACK || gtk_stack_get_child_by_name (GTK_STACK (child), "message")))
        return child;
      if ((found = find_child (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static ApChart *
trend_chart (ApWindow *window)
{
  return AP_CHART (find_child (GTK_WIDGET (trend_view (window)), AP_TYPE_CHART));
}

static GtkStack *
trend_stack (ApWindow *window)
{
  return GTK_STACK (find_child (GTK_WIDGET (trend_view (window)), GTK_TYPE_STACK));
}

static void
fetch_and_wait (Fixture *f,
                guint    epoch)
{
  ap_mock_server_set_epoch (f->mock, epoch);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.fetch", NULL));
  g_assert_true (spin_until (saved_after, f, WAIT_MS));
  f->snapshot_id = ap_window_get_shown_snapshot_id (f->window);
}

static ApWindow *
new_window (void)
{
  ApWindow *window = g_object_ref_sink (ap_window_new (NULL));

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
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

/* What the chart must say: every snapshot of the history with data for
 * @department, as the history itself reports them */
static char *
expected_description (gint64      id,
                      const char *department,
                      guint      *n_points)
{
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = ap_history_trend (history, id, department, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  *n_points = 0;
  for (guint i = 0; i < points->len; i++)
    {
      const ApTrendPoint *p = &g_array_index (points, ApTrendPoint, i);
      ApChartTrendPoint point = { p->fetched_at, p->num_correct, p->num_incorrect,
                                  p->num_not_watched };
      g_autofree char *described = NULL;

      if (p->num_correct + p->num_incorrect + p->num_not_watched == 0)
        continue;
      described = ap_chart_describe_trend_point (&point);
      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append (text, described);
      (*n_points)++;
    }
  return g_string_free (text, FALSE);
}

static gboolean
chart_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
assert_trend_says (ApWindow   *window,
                   const char *department,
                   guint       expected_points)
{
  ApChart *chart = trend_chart (window);
  guint n_points;
  g_autofree char *expected = expected_description (ap_window_get_shown_snapshot_id (window),
                                                    department, &n_points);
  g_autofree char *actual = NULL;

  g_assert_cmpuint (n_points, ==, expected_points);
  actual = gtk_test_accessible_check_property (GTK_ACCESSIBLE (chart),
                                               GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);
  if (actual != NULL)
    g_error ("the trend says \"%s\", expected \"%s\"", actual, expected);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (trend_stack (window)), ==, "chart");
  /* On screen, within frames: under load the Overview may still be between
   * its loading and its data state when the trend has loaded. */
  g_assert_true (spin_until (chart_mapped, chart, WAIT_MS));
}

/* Moves every snapshot back by whole weeks, the newest to a week ago, as
 * if the fetches had been made on different days. */
static void
spread_over_weeks (void)
{
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  sqlite3 *db = NULL;
  char *message = NULL;
  g_autofree char *sql = NULL;

  g_assert_cmpint (sqlite3_open (ap_history_get_path (history), &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE snapshots SET fetched_at = %" G_GINT64_FORMAT
                         " - 604800 * ((SELECT max (id) FROM snapshots) - id + 1)",
                         g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, &message), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* ---- what changed ------------------------------------------------------ */

static gboolean
changes_known (gpointer data)
{
  return ap_window_get_changes (data, NULL, NULL, NULL);
}

static gboolean
list_settled (gpointer data)
{
  return settled (data);
}

static gboolean
n_items_is (gpointer data)
{
  return g_list_model_get_n_items (data) ==
         GPOINTER_TO_UINT (g_object_get_data (data, "expected"));
}

/* The Overview's count of @group, clicked as a person would */
static void
click_change (ApWindow      *window,
              ApChangeGroup  group)
{
  GtkWidget *box = find_child (GTK_WIDGET (window->overview_page), GTK_TYPE_FLOW_BOX);

  g_assert_true (gtk_widget_get_visible (box));
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (GTK_IS_BUTTON (button) &&
          GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "change-group")) == group)
        {
          g_assert_true (gtk_widget_get_sensitive (button));
          g_signal_emit_by_name (button, "clicked");
          return;
        }
    }
  g_assert_not_reached ();
}

/* The emails of @group between the last two snapshots, as the history says */
static GHashTable *
expected_emails (gint64        id,
                 ApChangeGroup group)
{
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ApSnapshotInfo) previous = ap_history_find_previous (history, id, &error);
  g_autoptr(GPtrArray) changes = NULL;
  GHashTable *emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_nonnull (previous);
  changes = ap_history_diff (history, previous->id, id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      ApUserChange *change = g_ptr_array_index (changes, i);

      if (ap_user_change_in_group (change, group))
        g_hash_table_add (emails, g_strdup (change->email));
    }
  return emails;
}

/* The list shows exactly the users of @group, and says it in its status */
static void
assert_narrowed_to (ApWindow      *window,
                    ApChangeGroup  group,
                    const char    *status_part)
{
  ApUsersView *view = ap_window_get_users_view (window);
  GListModel *shown = G_LIST_MODEL (ap_users_view_get_selection (view));
  g_autoptr(GHashTable) expected = expected_emails (ap_window_get_shown_snapshot_id (window),
                                                   group);
  guint n = g_list_model_get_n_items (shown);

  g_assert_true (spin_until (list_settled, window, WAIT_MS));
  n = g_list_model_get_n_items (shown);
  g_assert_cmpuint (ap_users_view_get_change_group (view), ==, group);
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);
  g_assert_cmpuint (n, ==, g_hash_table_size (expected));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown, i);

      g_assert_true (g_hash_table_contains (expected, ap_user_get_email (user)));
    }
  g_assert_nonnull (strstr (ap_users_view_get_status_text (view), status_part));
}

static gboolean
detail_history_loaded (gpointer data)
{
  ApUserDetail *detail = ap_window_get_user_detail (data);

  return ap_user_detail_get_user (detail) != NULL && !ap_user_detail_is_loading_history (detail);
}

/* The detail of @user lists their counts in each saved fetch, newest
 * first, and says them to screen readers */
static void
assert_detail_history (ApWindow   *window,
                       ApUser     *user,
                       const char *newest_part)
{
  ApUserDetail *detail = ap_window_get_user_detail (window);
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = ap_history_user_history (history,
                                                      ap_window_get_shown_snapshot_id (window),
                                                      ap_user_get_email (user), &error);
  GtkWidget *grid = find_child (GTK_WIDGET (detail), GTK_TYPE_GRID);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *actual = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 3);
  g_assert_true (spin_until (detail_history_loaded, window, WAIT_MS));
  g_assert_true (ap_user_detail_get_user (detail) == user);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (grid)));
  for (guint i = points->len; i > 0; i--)
    {
      const ApTrendPoint *p = &g_array_index (points, ApTrendPoint, i - 1);
      g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (p->fetched_at);
      g_autofree char *when = g_date_time_format (then, "%x %H:%M");

      if (expected->len > 0)
        g_string_append (expected, "; ");
      if (p->n_users == 0)
        g_string_append_printf (expected, "%s: not in this fetch", when);
      else
        g_string_append_printf (expected, "%s: %u correct, %u incorrect, %u not watched", when,
                                (guint) p->num_correct, (guint) p->num_incorrect,
                                (guint) p->num_not_watched);
    }
  g_assert_nonnull (strstr (expected->str, newest_part));
  actual = gtk_test_accessible_check_property (GTK_ACCESSIBLE (grid),
                                               GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                               expected->str);
  if (actual != NULL)
    g_error ("the detail's history says \"%s\", expected \"%s\"", actual, expected->str);
}

static void
check_changes (Fixture *f)
{
  ApUsersView *view = ap_window_get_users_view (f->window);
  GListModel *shown = G_LIST_MODEL (ap_users_view_get_selection (view));
  ApUserStore *store = f->window->store;

  g_assert_true (spin_until (changes_known, f->window, WAIT_MS));

  /* "N watched videos" on the Overview opens Users narrowed to them, each
   * row saying how many they watched */
  click_change (f->window, AP_CHANGE_GROUP_WATCHED);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->window->view_stack), ==, "users");
  assert_narrowed_to (f->window, AP_CHANGE_GROUP_WATCHED, "watched videos since the fetch of");
  {
    g_autoptr(ApUser) first = g_list_model_get_item (shown, 0);
    g_autofree char *email = g_strdup (ap_user_get_email (first));
    g_autoptr(GHashTable) watched = expected_emails (f->snapshot_id, AP_CHANGE_GROUP_WATCHED);

    /* The search works inside the group */
    /* (the entry reports a change from a timeout of its own) */
    gtk_editable_set_text (ap_users_view_get_search_entry (view), email);
    g_object_set_data (G_OBJECT (shown), "expected", GUINT_TO_POINTER (1));
    g_assert_true (spin_until (n_items_is, shown, WAIT_MS));
    gtk_editable_set_text (ap_users_view_get_search_entry (view), "");
    g_object_set_data (G_OBJECT (shown), "expected",
                       GUINT_TO_POINTER (g_hash_table_size (watched)));
    g_assert_true (spin_until (n_items_is, shown, WAIT_MS));
  }

  /* A user who watched: their history, with today's counts on top */
  {
    g_autoptr(ApUser) user = g_list_model_get_item (shown, 0);
    g_autofree char *newest = g_strdup_printf ("%u correct, %u incorrect, %u not watched",
                                               ap_user_get_num_correct (user),
                                               ap_user_get_num_incorrect (user),
                                               ap_user_get_num_not_watched (user));

    gtk_single_selection_set_selected (ap_users_view_get_selection (view), 0);
    assert_detail_history (f->window, user, newest);
  }

  /* Joined, and changed */
  ap_users_view_set_change_group (view, AP_CHANGE_GROUP_JOINED);
  assert_narrowed_to (f->window, AP_CHANGE_GROUP_JOINED, "joined since the fetch of");
  ap_users_view_set_change_group (view, AP_CHANGE_GROUP_CHANGED);
  assert_narrowed_to (f->window, AP_CHANGE_GROUP_CHANGED, "changed since the fetch of");

  /* Left: not in the data shown, listed as they were, and marked */
  click_change (f->window, AP_CHANGE_GROUP_LEFT);
  assert_narrowed_to (f->window, AP_CHANGE_GROUP_LEFT, "shown as they were then");
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown, i);

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
        g_assert_cmpstr (ap_user_get_email (ap_user_store_peek (store, j)), !=,
                         ap_user_get_email (user));
    }
  /* ...and their history says they are not in the fetch shown */
  {
    g_autoptr(ApUser) user = g_list_model_get_item (shown, 0);

    gtk_single_selection_set_selected (ap_users_view_get_selection (view), 0);
    assert_detail_history (f->window, user, ": not in this fetch");
  }

  /* Everyone again */
  ap_users_view_set_change_group (view, AP_CHANGE_GROUP_ALL);
  g_assert_true (spin_until (list_settled, f->window, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (store)));
  adw_view_stack_set_visible_child_name (f->window->view_stack, "overview");
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static void
test_trend (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ApCredentials) credentials = NULL;
  const char *department;

  f.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f.mock, N_USERS, 5, 4, 31);
  g_assert_true (ap_mock_server_start (f.mock, 0, &error));
  credentials = ap_mock_server_dup_credentials (f.mock, AP_AUTH_MODE_API2);
  store_credentials (credentials);

  /* First fetch: one snapshot, nothing to compare; said in words */
  f.window = new_window ();
  g_assert_true (spin_until (saved_after, &f, WAIT_MS));
  f.snapshot_id = ap_window_get_shown_snapshot_id (f.window);
  g_assert_true (spin_until (trend_loaded, f.window, WAIT_MS));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (trend_stack (f.window)), ==, "message");
  {
    GtkLabel *label = GTK_LABEL (gtk_stack_get_child_by_name (trend_stack (f.window), "message"));

    g_assert_nonnull (strstr (gtk_label_get_text (label), "fetched twice"));
  }

  /* Two more fetches as the double moves on: three points */
  fetch_and_wait (&f, 1);
  g_assert_true (spin_until (trend_loaded, f.window, WAIT_MS));
  assert_trend_says (f.window, NULL, 2);
  fetch_and_wait (&f, 2);
  g_assert_true (spin_until (trend_loaded, f.window, WAIT_MS));
  assert_trend_says (f.window, NULL, 3);

  /* One department: its own three points */
  {
    g_autoptr(ApHistory) history = ap_history_new (NULL);
    g_auto(GStrv) departments = ap_history_list_departments (history, f.snapshot_id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (departments), >=, 2);
    department = g_intern_string (departments[1]);
  }
  ap_trend_view_set_department (trend_view (f.window), department);
  g_assert_true (ap_trend_view_is_loading (trend_view (f.window)));
  g_assert_true (spin_until (trend_loaded, f.window, WAIT_MS));
  assert_trend_says (f.window, department, 3);
  close_window (f.window);

  /* The fetches were days apart: the next start shows the trend by date */
  spread_over_weeks ();
  f.window = new_window ();
  g_assert_true (spin_until (snapshot_shown, f.window, WAIT_MS));
  g_assert_true (spin_until (trend_loaded, f.window, WAIT_MS));
  assert_trend_says (f.window, NULL, 3);

  check_changes (&f);

  if (g_getenv ("AP_SCREENSHOT_DIR") != NULL)
    {
      const char *dir = g_getenv ("AP_SCREENSHOT_DIR");
      GtkScrolledWindow *scroller = find_scroller (GTK_WIDGET (f.window->overview_page));
      AdwStyleManager *manager = adw_style_manager_get_default ();
      graphene_rect_t bounds;

      /* The "what changed" toast would cover the page: let it time out
       * (dismissing it in the middle of its animation crashes libadwaita
       * 1.2) */
      if (ap_window_get_last_toast (f.window) != NULL)
        {
          AdwToast *toast = ap_window_get_last_toast (f.window);
          gboolean gone = FALSE;
          gulong id = g_signal_connect_swapped (toast, "dismissed", G_CALLBACK (set_true), &gone);

          spin_until (task_done, &gone, 10000);
          g_signal_handler_disconnect (toast, id);
        }
      /* The trend card at the top of the view */
      g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (trend_view (f.window)),
                                                gtk_scrolled_window_get_child (scroller),
                                                &bounds));
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller),
                                bounds.origin.y - 200);
      settle ();
      save_png (GTK_WIDGET (f.window), dir, "history-trend-light.png");
      adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
      settle ();
      save_png (GTK_WIDGET (f.window), dir, "history-trend-dark.png");
      adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);

      /* The users list narrowed to who watched since the last fetch */
      click_change (f.window, AP_CHANGE_GROUP_WATCHED);
      g_assert_true (spin_until (list_settled, f.window, WAIT_MS));
      /* with the first of them in the detail, and their history */
      gtk_single_selection_set_selected (
        ap_users_view_get_selection (ap_window_get_users_view (f.window)), 0);
      g_assert_true (spin_until (detail_history_loaded, f.window, WAIT_MS));
      settle ();
      save_png (GTK_WIDGET (f.window), dir, "history-watched-light.png");
      adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
      settle ();
      save_png (GTK_WIDGET (f.window), dir, "history-watched-dark.png");
      adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
    }

  close_window (f.window);
  clear_credentials ();
  g_object_unref (f.mock);
}

/* Each user's change as the row says it */
static void
test_describe_change (void)
{
  ApUserChange joined = { AP_USER_CHANGE_JOINED, NULL, NULL, NULL, { 0 }, { 0, 0, 2 } };
  ApUserChange left = { AP_USER_CHANGE_LEFT, NULL, NULL, NULL, { 1, 0, 0 }, { 0 } };
  ApUserChange watched = { AP_USER_CHANGE_CHANGED, NULL, NULL, NULL, { 1, 0, 3 }, { 2, 1, 1 } };
  ApUserChange sent = { AP_USER_CHANGE_CHANGED, NULL, NULL, NULL, { 1, 0, 0 }, { 1, 0, 2 } };
  ApUserChange swapped = { AP_USER_CHANGE_CHANGED, NULL, NULL, NULL, { 2, 1, 0 }, { 3, 0, 0 } };
  g_autofree char *text = NULL;

  g_assert_null (ap_users_view_describe_change (NULL));
  text = ap_users_view_describe_change (&joined);
  g_assert_cmpstr (text, ==, "New");
  g_free (text);
  text = ap_users_view_describe_change (&left);
  g_assert_cmpstr (text, ==, "Left");
  g_free (text);
  text = ap_users_view_describe_change (&watched);
  g_assert_cmpstr (text, ==, "+2 watched, +1 incorrect");
  g_free (text);
  text = ap_users_view_describe_change (&sent);
  g_assert_cmpstr (text, ==, "+2 to watch");
  g_free (text);
  text = ap_users_view_describe_change (&swapped);
  g_assert_cmpstr (text, ==, "Counts changed");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("ap-history-ui-XXXXXX", NULL);
  int status;

  /* Before anything asks GLib for the user data dir. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (ap_get_resource ());

  g_test_add_func ("/ap/history-ui/describe-change", test_describe_change);
  g_test_add_func ("/ap/history-ui/trend-and-changes", test_trend);

  status = g_test_run ();
  report_test_remove_tree (data_home);
  return status;
}
