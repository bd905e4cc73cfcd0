/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-layout"

/* The window at the widths people use it at, from a phone-sized 360 px to a
 * wide desktop: what folds, what wraps, where the back button is. With
 * AP_SCREENSHOT_DIR set, each state is also saved as a PNG (build-aux/
 * screenshots runs this in light and dark, English and German). */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <locale.h>

#include "ap-error.h"
#include "ap-mock-server.h"
#include "ap-users-view-private.h"
#include "ap-window-private.h"

#include "../ap-test-util.h"

#define WAIT_MS   20000
#define HEIGHT    760
#define LONG_NAME "User 002716 Ñoño-Łukasz \"Q\" Wolfeschlegelsteinhausenbergerdorff-Papadopoulos"
#define LONG_TITLE "Phishing Fundamentals: Recognising Credential Harvesting in Everyday Email"

typedef struct
{
  ApMockServer *mock;
  ApWindow     *window;
  int           width;
} Fixture;

static gboolean
fetch_done (gpointer data)
{
  Fixture *f = data;
  ApUsersView *view = ap_window_get_users_view (f->window);

  return ap_window_get_n_fetches_done (f->window) > 0 && !ap_window_is_fetching (f->window) &&
         ap_users_view_get_pending (view) == 0;
}

static gboolean
laid_out (gpointer data)
{
  Fixture *f = data;

  int width = gtk_widget_get_width (GTK_WIDGET (f->window));

  /* The window may be a few pixels narrower than asked: its frame. */
  return width > 0 && ABS (width - f->width) <= 16 && f->window->layout_width == width &&
         f->window->layout_id == 0;
}

static gboolean
transitions_done (gpointer data)
{
  Fixture *f = data;

  return !ap_panes_get_transition_running (f->window->panes) &&
         !gtk_stack_get_transition_running (f->window->main_stack) &&
         !gtk_stack_get_transition_running (f->window->content_stack) &&
         gtk_revealer_get_child_revealed (f->window->error_revealer) ==
         gtk_revealer_get_reveal_child (f->window->error_revealer) &&
         gtk_revealer_get_child_revealed (f->window->demo_revealer) ==
         gtk_revealer_get_reveal_child (f->window->demo_revealer);
}

/* A few frames, so what changed is allocated before it is measured. */
static void
settle (Fixture *f)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  if (!spin_until (transitions_done, f, WAIT_MS) || !spin_until (laid_out, f, 3000))
    g_error ("layout %d idle %u widget %d want %d", f->window->layout_width, f->window->layout_id,
             gtk_widget_get_width (GTK_WIDGET (f->window)), f->width);
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (spin_until (transitions_done, f, WAIT_MS));
  g_assert_true (spin_until (laid_out, f, WAIT_MS));
}

static void
save_screenshot (Fixture    *f,
                 const char *what)
{
  const char *dir = g_getenv ("AP_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (f->window));
  int height = gtk_widget_get_height (GTK_WIDGET (f->window));

  if (dir == NULL)
    return;

  paintable = gtk_widget_paintable_new (GTK_WIDGET (f->window));
  /* The window may not have drawn its first frame yet: give it a few. */
  for (guint tries = 0; node == NULL && tries < 50; tries++)
    {
      gint64 until = g_get_monotonic_time () + 100 * 1000;

      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      while (node == NULL && g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  name = g_strdup_printf ("%s-%d-%s-%s.png", what, f->width,
                          adw_style_manager_get_dark (adw_style_manager_get_default ())
                          ? "dark" : "light",
                          g_getenv ("AP_LAYOUT_LANG") ? g_getenv ("AP_LAYOUT_LANG") : "en");
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* A user whose name and record titles are far longer than any column. */
static ApUser *
add_long_named_user (Fixture *f)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  ApUser *user;

  user = ap_user_new (LONG_NAME, "user.002716.nono-lukasz.wolfeschlegelsteinhausen@example.com",
                      "Research and Development", 1, 1, 3);
  g_ptr_array_add (records, ap_training_record_new (LONG_TITLE, "Phishing", "Completed", TRUE,
                                                    1700000000, 1700003600));
  g_ptr_array_add (records, ap_training_record_new ("Passwords", "Identity", "Overdue", FALSE,
                                                    1700000000, AP_TIME_NONE));
  g_ptr_array_add (records, ap_training_record_new ("Social Engineering", "Phishing",
                                                    "In Review", FALSE, 1700000000,
                                                    AP_TIME_NONE));
  ap_user_take_records (user, g_steal_pointer (&records));
  g_ptr_array_add (batch, g_object_ref (user));
  ap_user_store_append_batch (f->window->store, batch);
  return user;
}

static void
select_user (Fixture *f,
             ApUser  *user)
{
  ApUsersView *view = ap_window_get_users_view (f->window);
  GtkSingleSelection *selection = ap_users_view_get_selection (view);
  GListModel *model = G_LIST_MODEL (selection);

  g_assert_true (spin_until (fetch_done, f, WAIT_MS));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ApUser) item = g_list_model_get_item (model, i);

      if (item == user)
        {
          gtk_single_selection_set_selected (selection, i);
          return;
        }
    }
  g_assert_not_reached ();
}

static void
fixture_start (Fixture *f,
               int      width)
{
  f->width = width;
  f->mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f->mock, 250, 8, 6, 1);

  f->window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, HEIGHT);
  gtk_window_present (GTK_WINDOW (f->window));
  ap_window_start_demo_with_server (f->window, f->mock);
  g_assert_true (spin_until (fetch_done, f, WAIT_MS));
  settle (f);
}

static void
fixture_stop (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->mock);
}

static void
show_users (Fixture *f)
{
  adw_view_stack_set_visible_child_name (f->window->view_stack, "users");
  settle (f);
}

/* Where @widget is, in window coordinates; FALSE when not drawn at all. */
static gboolean
bounds_in_window (Fixture         *f,
                  GtkWidget       *widget,
                  graphene_rect_t *bounds)
{
  return gtk_widget_get_mapped (widget) &&
         gtk_widget_compute_bounds (widget, GTK_WIDGET (f->window), bounds);
}

static void
assert_inside_window (Fixture   *f,
                      GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (bounds_in_window (f, widget, &bounds));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                     gtk_widget_get_width (GTK_WIDGET (f->window)) + 0.5);
}

static GtkWidget *
records_of (Fixture *f)
{
  return GTK_WIDGET (ap_user_detail_get_records_view (f->window->user_detail));
}

/* The label under @widget that shows @text, if any. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The long record title is shown whole: nothing ellipsized, the height its
 * wrapped lines need at the width it was given, and no row or cell around
 * it cutting it short. */
static void
assert_title_whole (Fixture *f)
{
  GtkWidget *records = records_of (f);
  GtkLabel *label = find_label (records, LONG_TITLE);
  GtkWidget *widget = GTK_WIDGET (label);
  PangoLayout *layout;
  int width, height, needed, text_width, text_height;

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_cmpint (gtk_label_get_ellipsize (label), ==, PANGO_ELLIPSIZE_NONE);
  g_assert_cmpint (gtk_label_get_lines (label), ==, -1);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &needed, NULL, NULL, NULL);
  g_assert_cmpint (height, >=, needed);
  layout = gtk_label_get_layout (label);
  g_assert_false (pango_layout_is_ellipsized (layout));
  g_assert_cmpint (pango_layout_get_line_count (layout), >, 1);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  g_assert_cmpint (text_width, <=, width);
  g_assert_cmpint (text_height, <=, height);
  for (GtkWidget *parent = gtk_widget_get_parent (widget); parent != records;
       parent = gtk_widget_get_parent (parent))
    {
      graphene_rect_t bounds;

      /* The list scrolls; everything between it and the label clips. */
      if (GTK_IS_SCROLLABLE (parent))
        break;
      g_assert_true (gtk_widget_compute_bounds (widget, parent, &bounds));
      g_assert_cmpfloat (bounds.origin.y, >=, -0.5);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                         gtk_widget_get_height (parent) + 0.5);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                         gtk_widget_get_width (parent) + 0.5);
    }
  assert_inside_window (f, widget);
}

/* The columns fill the list: the last one ends at the list's right edge, so
 * no strip stays empty while emails are cut off (GTK 4.8 kept a hidden
 * column's width out of the rows but not out of the view). */
static void
assert_columns_fill (Fixture *f)
{
  GtkWidget *view = GTK_WIDGET (ap_users_view_get_column_view (f->window->users_view));
  GtkWidget *title = GTK_WIDGET (find_label (view, _("Not watched")));
  graphene_rect_t bounds;

  while (title != NULL && g_strcmp0 (G_OBJECT_TYPE_NAME (title), "GtkColumnViewTitle") != 0)
    title = gtk_widget_get_parent (title);
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_compute_bounds (title, view, &bounds));
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, >=, gtk_widget_get_width (view) - 2);
}

static void
check_two_panes (int width)
{
  Fixture f = { 0 };
  g_autoptr(ApUser) user = NULL;
  graphene_rect_t list, detail;

  fixture_start (&f, width);
  show_users (&f);
  user = add_long_named_user (&f);
  select_user (&f, user);
  settle (&f);

  /* A long name wraps in the detail; the panes stay side by side. */
  g_assert_false (ap_panes_get_folded (f.window->panes));
  g_assert_true (ap_user_detail_get_user (f.window->user_detail) == user);
  g_assert_true (bounds_in_window (&f, GTK_WIDGET (f.window->users_view), &list));
  g_assert_true (bounds_in_window (&f, GTK_WIDGET (f.window->user_detail), &detail));
  assert_inside_window (&f, GTK_WIDGET (f.window->user_detail));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.window->back_button)));
  g_assert_cmpstr (ap_users_view_get_visible_page (f.window->users_view), ==, "list");
  /* The list takes what the detail does not need. */
  g_assert_cmpfloat (list.size.width, >=, detail.size.width);
  g_assert_false (ap_query_bar_get_compact (f.window->query_bar));
  /* The views switch in the header bar; the bottom bar is not there at all
   * (hidden: its widgets take no part in restyling the window). */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.window->switcher_bar)));

  save_screenshot (&f, "users");
  assert_columns_fill (&f);
  assert_title_whole (&f);
  /* Statuses in the language of the window (German in test-layout-de). */
  g_assert_nonnull (find_label (records_of (&f), _("Completed")));
  adw_view_stack_set_visible_child_name (f.window->view_stack, "overview");
  settle (&f);
  save_screenshot (&f, "overview");

  fixture_stop (&f);
}

static void
test_default_width (void)
{
  check_two_panes (1170);
}

static void
test_wide (void)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
  GdkRectangle geometry;

  /* 1,400 px where the screen allows (build-aux/screenshots' does). */
  gdk_monitor_get_geometry (monitor, &geometry);
  check_two_panes (MIN (1400, geometry.width - 10));
}

static void
test_medium (void)
{
  Fixture f = { 0 };
  g_autoptr(ApUser) user = NULL;

  fixture_start (&f, 800);
  show_users (&f);
  save_screenshot (&f, "users-list");

  /* One pane: the grid still fits, the detail is a page of its own with
   * the way back in the header bar. The list shows first. */
  g_assert_true (ap_panes_get_folded (f.window->panes));
  assert_inside_window (&f, GTK_WIDGET (ap_users_view_get_column_view (f.window->users_view)));
  g_assert_cmpstr (ap_users_view_get_visible_page (f.window->users_view), ==, "list");
  g_assert_false (ap_query_bar_get_compact (f.window->query_bar));
  user = add_long_named_user (&f);
  select_user (&f, user);
  ap_panes_set_showing_detail (f.window->panes, TRUE);
  settle (&f);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.window->back_button)));
  assert_inside_window (&f, GTK_WIDGET (f.window->user_detail));
  save_screenshot (&f, "users");
  assert_title_whole (&f);

  adw_view_stack_set_visible_child_name (f.window->view_stack, "overview");
  settle (&f);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.window->back_button)));
  save_screenshot (&f, "overview");

  fixture_stop (&f);
}

static void
test_narrow (void)
{
  Fixture f = { 0 };
  g_autoptr(ApUser) user = NULL;
  graphene_rect_t bar;

  fixture_start (&f, 360);
  show_users (&f);

  /* One summary line instead of three rows of fields; rows, not a grid. */
  g_assert_true (ap_query_bar_get_compact (f.window->query_bar));
  g_assert_true (bounds_in_window (&f, GTK_WIDGET (f.window->query_bar), &bar));
  g_assert_cmpfloat (bar.size.height, <, 60);
  g_assert_cmpstr (ap_users_view_get_visible_page (f.window->users_view), ==, "rows");
  g_assert_true (ap_panes_get_folded (f.window->panes));
  assert_inside_window (&f, GTK_WIDGET (f.window->users_view));
  /* The views switch at the bottom. */
  g_assert_true (adw_view_switcher_bar_get_reveal (f.window->switcher_bar));
  assert_inside_window (&f, GTK_WIDGET (f.window->switcher_bar));
  /* The department filter shows its whole text (German is the longest). */
  {
    GtkWidget *departments = GTK_WIDGET (f.window->users_view->department_dropdown);
    int natural;

    gtk_widget_measure (departments, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
    g_assert_cmpint (gtk_widget_get_width (departments), >=, natural);
  }
  save_screenshot (&f, "users-list");

  user = add_long_named_user (&f);
  select_user (&f, user);
  ap_panes_set_showing_detail (f.window->panes, TRUE);
  settle (&f);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.window->back_button)));
  assert_inside_window (&f, GTK_WIDGET (f.window->user_detail));
  save_screenshot (&f, "users");
  assert_title_whole (&f);

  g_signal_emit_by_name (f.window->back_button, "clicked");
  settle (&f);
  g_assert_false (ap_panes_get_showing_detail (f.window->panes));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.window->back_button)));

  adw_view_stack_set_visible_child_name (f.window->view_stack, "overview");
  settle (&f);
  save_screenshot (&f, "overview");

  fixture_stop (&f);
}

/* The error states, as a person meets them, for the screenshots and to
 * check they fit a narrow window. */
static void
test_error_states (void)
{
  Fixture f = { 0 };

  fixture_start (&f, 800);
  ap_mock_server_stop (f.mock);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  g_assert_true (spin_until (fetch_done, &f, WAIT_MS));
  settle (&f);
  g_assert_nonnull (ap_window_get_shown_error (f.window));
  assert_inside_window (&f, GTK_WIDGET (f.window->error_retry_button));
  assert_inside_window (&f, GTK_WIDGET (f.window->error_action_button));
  save_screenshot (&f, "error-banner");
  fixture_stop (&f);

  f.mock = ap_mock_server_new ();
  g_assert_true (ap_mock_server_start (f.mock, 0, NULL));
  ap_mock_server_stop (f.mock);
  f.width = 360;
  f.window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (f.window), 360, HEIGHT);
  gtk_window_present (GTK_WINDOW (f.window));
  ap_window_start_demo_with_server (f.window, f.mock);
  g_assert_true (spin_until (fetch_done, &f, WAIT_MS));
  settle (&f);
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "failed");
  assert_inside_window (&f, GTK_WIDGET (f.window->failed_edit_button));
  save_screenshot (&f, "error-page");
  fixture_stop (&f);
}

int
main (int   argc,
      char *argv[])
{
  const char *scheme = g_getenv ("AP_LAYOUT_SCHEME");
  const char *build_root = g_getenv ("AP_BUILD_ROOT");

  /* German (test-layout-de, and the German screenshots): before
   * gtk_test_init(), which reads the locale. */
  if (g_strcmp0 (g_getenv ("AP_LAYOUT_LANG"), "de") == 0)
    {
      g_autofree char *catalogue_dir = NULL;

      if (build_root == NULL)
        g_error ("AP_LAYOUT_LANG=de needs AP_BUILD_ROOT, the build directory with po/");
      catalogue_dir = g_build_filename (build_root, "po", NULL);

      g_setenv ("LANGUAGE", "de", TRUE);
      g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
      setlocale (LC_ALL, "de_DE.UTF-8");
      bindtextdomain (GETTEXT_PACKAGE, catalogue_dir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      /* A German run that shows English would prove nothing. */
      if (g_strcmp0 (_("Completed"), "Abgeschlossen") != 0)
        g_error ("no German catalogue under %s (is de_DE.UTF-8 generated?)", catalogue_dir);
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Saving screenshots (a 1600 px screen) the window sometimes paints a
   * frame while its content waits for an allocation, and GTK warns; the
   * screenshots are taken later, from settled frames. The suite keeps
   * warnings fatal. */
  if (g_getenv ("AP_SCREENSHOT_DIR") != NULL)
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  if (g_strcmp0 (scheme, "dark") == 0)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);

  g_test_add_func ("/ap/layout/default-width", test_default_width);
  g_test_add_func ("/ap/layout/wide", test_wide);
  g_test_add_func ("/ap/layout/medium", test_medium);
  g_test_add_func ("/ap/layout/narrow", test_narrow);
  g_test_add_func ("/ap/layout/error-states", test_error_states);

  return g_test_run ();
}
