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
#include "ap-overview-page-private.h"
#include "ap-resources.h"
#include "ap-trend-view.h"
#include "ap-window-private.h"

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
  return _ap_overview_page_get_trend_view (window->overview_page);
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
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chart)));
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
    }

  close_window (f.window);
  clear_credentials ();
  g_object_unref (f.mock);
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

  g_test_add_func ("/ap/history-ui/trend", test_trend);

  status = g_test_run ();
  report_test_remove_tree (data_home);
  return status;
}
