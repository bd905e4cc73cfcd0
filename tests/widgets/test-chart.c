/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "ap-chart-private.h"
#include "ap-chart-render.h"
#include "ap-resources.h"
#include "ap-analysis.h"

#include "../ap-test-util.h"

#define WAIT_MS 10000

static gboolean
is_allocated (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) > 0;
}

static gboolean
height_is (gpointer data)
{
  GtkWidget *widget = data;
  int expected = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (widget), "expected-height"));

  return gtk_widget_get_height (widget) == expected;
}

static void
add_users (GPtrArray  *all,
           const char *department,
           guint       n_users,
           guint       correct,
           guint       incorrect,
           guint       not_watched)
{
  for (guint i = 0; i < n_users; i++)
    {
      g_autofree char *name = g_strdup_printf ("User %u of %s", i, department);

      g_ptr_array_add (all, ap_user_new (name, "user@example.com", department,
                                         correct, incorrect, not_watched));
    }
}

/* The chart shows the analysis of @users as they are now (a snapshot:
 * the test goes on adding to @users) */
static void
show_users (GtkWidget *chart,
            GPtrArray *users)
{
  g_autoptr(GPtrArray) snapshot = g_ptr_array_copy (users, (GCopyFunc) (void (*) (void)) g_object_ref,
                                                    NULL);
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (snapshot);

  ap_chart_set_analysis (AP_CHART (chart), analysis);
}

/* Sales 10/20/70, Engineering 80/10/10, no department 5/0/5:
 * totals 95/30/85 */
static GPtrArray *
make_users (void)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  add_users (users, "Sales", 1, 10, 20, 70);
  add_users (users, "Engineering", 2, 40, 5, 5);
  add_users (users, "", 1, 5, 0, 5);
  return users;
}

static GtkWindow *
show_in_window (GtkWidget *chart,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, chart);
  gtk_window_present (window);
  g_assert_true (spin_until (is_allocated, chart, WAIT_MS));
  return window;
}

/* Render nodes stay alive until the test ends: the GL renderer caches
 * what it drew per node, and a new node at a freed node's address would
 * be given the old drawing */
static GPtrArray *rendered_nodes;

/* The widget as GTK renders it, through the window's own GskRenderer */
static GBytes *
render_widget (GtkWidget *widget,
               int       *width,
               int       *height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guint8 *data;

  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  /* The widget's own snapshot() as GTK calls it for a frame */
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  if (rendered_nodes == NULL)
    rendered_nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) gsk_render_node_unref);
  g_ptr_array_add (rendered_nodes, gsk_render_node_ref (node));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, *width);

  data = g_malloc (*width * *height * 4);
  gdk_texture_download (texture, data, *width * 4);
  return g_bytes_new_take (data, *width * *height * 4);
}

static gboolean
close_to (guint8 value,
          double channel)
{
  return fabs (value - channel * 255) <= 3;
}

/* Pixels of @color in a texture download (B, G, R, A premultiplied) */
static guint
count_color (GBytes       *pixels,
             const ApRgba *color)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (pixels, &size);
  guint n = 0;

  for (gsize i = 0; i + 3 < size; i += 4)
    if (p[i + 3] == 0xff && close_to (p[i + 2], color->red) &&
        close_to (p[i + 1], color->green) && close_to (p[i], color->blue))
      n++;
  return n;
}

/* gtk_test_accessible_assert_property() puts the value into a format
 * string, and these values contain "%" */
static void
assert_accessible_property (GtkWidget             *widget,
                            GtkAccessibleProperty  property,
                            const char            *expected)
{
  g_autofree char *actual = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                property, expected);

  if (actual != NULL)
    g_error ("accessible property %d is \"%s\", expected \"%s\"", property, actual, expected);
}

static void
current_palette (ApChartPalette *palette)
{
  ap_chart_palette_init (palette, adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

static void
test_breakdown_renders_and_follows (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  GtkWidget *chart = ap_chart_new (AP_CHART_KIND_BREAKDOWN);
  GtkWindow *window = show_in_window (chart, 240, 240);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  ApChartPalette palette;
  guint correct_before, incorrect_before, not_watched_before, correct_after;
  int width, height;

  current_palette (&palette);
  show_users (chart, users);

  before = render_widget (chart, &width, &height);
  correct_before = count_color (before, &palette.correct);
  incorrect_before = count_color (before, &palette.incorrect);
  not_watched_before = count_color (before, &palette.not_watched);
  /* 95/30/85: every part is drawn, in proportion */
  g_assert_cmpuint (correct_before, >, 1000);
  g_assert_cmpuint (incorrect_before, >, 200);
  g_assert_cmpuint (not_watched_before, >, 1000);
  g_assert_cmpuint (correct_before, >, incorrect_before);
  g_assert_cmpuint (not_watched_before, >, incorrect_before);

  /* New numbers change the drawing */
  add_users (users, "Support", 3, 100, 0, 0);
  show_users (chart, users);
  after = render_widget (chart, &width, &height);
  correct_after = count_color (after, &palette.correct);
  g_assert_false (g_bytes_equal (before, after));
  g_assert_cmpuint (correct_after, >, correct_before);
  g_assert_cmpuint (count_color (after, &palette.incorrect), <, incorrect_before);

  /* Cleared: no data colour left */
  g_ptr_array_set_size (users, 0);
  show_users (chart, users);
  g_clear_pointer (&after, g_bytes_unref);
  after = render_widget (chart, &width, &height);
  g_assert_cmpuint (count_color (after, &palette.correct), ==, 0);

  gtk_window_destroy (window);
}

static void
test_breakdown_accessible (void)
{
  GtkWidget *chart = g_object_ref_sink (ap_chart_new (AP_CHART_KIND_BREAKDOWN));
  g_autofree char *failure = NULL;

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_ROLE_IMG);
  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "No data");

  ap_chart_set_counts (AP_CHART (chart), 120, 30, 50);
  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Correct 120 (60 %), incorrect 30 (15 %), "
                                       "not watched 50 (25 %)");
  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Training results");
  g_object_unref (chart);
}

static void
test_breakdown_tooltip (void)
{
  GtkWidget *chart = ap_chart_new (AP_CHART_KIND_BREAKDOWN);
  GtkWindow *window = show_in_window (chart, 200, 200);
  int size, cx, cy;
  double radius;
  g_autofree char *correct = NULL;
  g_autofree char *not_watched = NULL;
  g_autofree char *centre = NULL;

  ap_chart_set_counts (AP_CHART (chart), 120, 30, 50);
  size = MIN (gtk_widget_get_width (chart), gtk_widget_get_height (chart));
  cx = gtk_widget_get_width (chart) / 2;
  cy = gtk_widget_get_height (chart) / 2;
  radius = size / 2.0 - 16;

  /* Right of the top: correct starts at 12 o'clock; left of it: not watched */
  correct = _ap_chart_dup_tooltip_at (AP_CHART (chart), cx + radius * 0.3, cy - radius * 0.95);
  not_watched = _ap_chart_dup_tooltip_at (AP_CHART (chart), cx - radius * 0.3,
                                          cy - radius * 0.95);
  centre = _ap_chart_dup_tooltip_at (AP_CHART (chart), cx, cy);
  g_assert_cmpstr (correct, ==, "Correct: 120 of 200 (60 %)");
  g_assert_cmpstr (not_watched, ==, "Not watched: 50 of 200 (25 %)");
  g_assert_null (centre);

  gtk_window_destroy (window);
}

static void
on_department_activated (ApChart    *chart,
                         const char *name,
                         GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (name));
}

static GtkEventController *
find_key_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        return controller;
    }
  g_assert_not_reached ();
}

static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (find_key_controller (widget), "key-pressed", keyval, 0, 0, &handled);
  return handled;
}

static void
test_departments (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(GPtrArray) activated = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *chart = g_object_new (AP_TYPE_CHART, "kind", AP_CHART_KIND_DEPARTMENTS,
                                   "valign", GTK_ALIGN_START, NULL);
  GtkWindow *window;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *tooltip = NULL;
  int width, height;
  int row_centre = AP_CHART_BAR_ROW_HEIGHT / 2;

  g_signal_connect (chart, "department-activated", G_CALLBACK (on_department_activated),
                    activated);
  show_users (chart, users);
  window = show_in_window (chart, 600, 200);

  /* Sorted by share not watched: Sales 70 %, no department 50 %, Engineering 10 % */
  g_assert_cmpuint (_ap_chart_get_n_series (AP_CHART (chart)), ==, 3);
  g_assert_cmpstr (_ap_chart_get_series (AP_CHART (chart), 0)->label, ==, "Sales");
  g_assert_cmpstr (_ap_chart_get_series (AP_CHART (chart), 1)->label, ==, "");
  g_assert_cmpstr (_ap_chart_get_series (AP_CHART (chart), 2)->label, ==, "Engineering");
  g_assert_cmpuint (_ap_chart_get_series (AP_CHART (chart), 2)->correct, ==, 80);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_ROLE_IMG);
  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Sales: Correct 10 (10 %), incorrect 20 (20 %), "
                                       "not watched 70 (70 %); "
                                       "No department: Correct 5 (50 %), incorrect 0 (0 %), "
                                       "not watched 5 (50 %); "
                                       "Engineering: Correct 80 (80 %), incorrect 10 (10 %), "
                                       "not watched 10 (10 %)");

  /* Hover text of the second row, and its click */
  tooltip = _ap_chart_dup_tooltip_at (AP_CHART (chart), 300, AP_CHART_BAR_ROW_HEIGHT + row_centre);
  g_assert_cmpstr (tooltip, ==,
                   "No department: Correct 5 (50 %), incorrect 0 (0 %), not watched 5 (50 %)");

  _ap_chart_click (AP_CHART (chart), 300, 2 * AP_CHART_BAR_ROW_HEIGHT + row_centre);
  g_assert_cmpuint (activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (activated, 0), ==, "Engineering");
  _ap_chart_click (AP_CHART (chart), 300, 5 * AP_CHART_BAR_ROW_HEIGHT);
  g_assert_cmpuint (activated->len, ==, 1);

  /* Keyboard: focusable, Up/Down move, Enter activates */
  g_assert_true (gtk_widget_get_focusable (chart));
  g_assert_true (press_key (chart, GDK_KEY_Up));
  g_assert_cmpint (_ap_chart_get_focus_row (AP_CHART (chart)), ==, 1);
  g_assert_true (press_key (chart, GDK_KEY_Up));
  g_assert_true (press_key (chart, GDK_KEY_Up));
  g_assert_cmpint (_ap_chart_get_focus_row (AP_CHART (chart)), ==, 0);
  g_assert_true (press_key (chart, GDK_KEY_Return));
  g_assert_cmpuint (activated->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (activated, 1), ==, "Sales");
  g_assert_true (press_key (chart, GDK_KEY_End));
  g_assert_true (press_key (chart, GDK_KEY_KP_Enter));
  g_assert_cmpstr (g_ptr_array_index (activated, 2), ==, "Engineering");
  g_assert_false (press_key (chart, GDK_KEY_a));

  /* A new department with nothing watched goes to the top; the chart
   * grows by one row and draws differently */
  before = render_widget (chart, &width, &height);
  g_assert_cmpint (height, ==, 3 * AP_CHART_BAR_ROW_HEIGHT);
  add_users (users, "Finance, \"EMEA\"", 2, 0, 0, 8);
  show_users (chart, users);
  g_assert_cmpuint (_ap_chart_get_n_series (AP_CHART (chart)), ==, 4);
  g_assert_cmpstr (_ap_chart_get_series (AP_CHART (chart), 0)->label, ==, "Finance, \"EMEA\"");
  g_object_set_data (G_OBJECT (chart), "expected-height",
                     GINT_TO_POINTER ((int) (4 * AP_CHART_BAR_ROW_HEIGHT)));
  g_assert_true (spin_until (height_is, chart, WAIT_MS));
  after = render_widget (chart, &width, &height);
  g_assert_false (g_bytes_equal (before, after));

  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Departments, by share not watched");

  gtk_window_destroy (window);
}

static void
test_departments_empty (void)
{
  GtkWidget *chart = g_object_ref_sink (ap_chart_new (AP_CHART_KIND_DEPARTMENTS));
  int minimum, natural;

  gtk_widget_measure (chart, GTK_ORIENTATION_VERTICAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, ==, (int) AP_CHART_BAR_ROW_HEIGHT);
  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "No data");
  /* Nothing to click */
  _ap_chart_click (AP_CHART (chart), 10, 10);
  g_object_unref (chart);
}

static void
test_dark_style (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkWidget *chart = ap_chart_new (AP_CHART_KIND_BREAKDOWN);
  GtkWindow *window = show_in_window (chart, 200, 200);
  g_autoptr(GBytes) pixels = NULL;
  ApChartPalette dark;
  int width, height;

  ap_chart_set_counts (AP_CHART (chart), 10, 10, 10);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (manager));

  ap_chart_palette_init (&dark, TRUE);
  pixels = render_widget (chart, &width, &height);
  g_assert_cmpuint (count_color (pixels, &dark.incorrect), >, 500);

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (window);
}

/* Three weekly snapshots: correct 20 % -> 40 % -> 60 %, not watched
 * 70 % -> 50 % -> 30 %, incorrect 10 % all along */
static const ApChartTrendPoint trend_points[] = {
  { 1764633600, 20, 10, 70 },
  { 1765238400, 40, 10, 50 },
  { 1765843200, 60, 10, 30 },
};

static void
test_trend (void)
{
  GtkWidget *chart = ap_chart_new (AP_CHART_KIND_TREND);
  GtkWindow *window = show_in_window (chart, 480, 220);
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *last_text = NULL;
  ApChartPalette palette;
  int width, height;

  current_palette (&palette);
  empty = render_widget (chart, &width, &height);
  g_assert_cmpuint (count_color (empty, &palette.correct), ==, 0);

  ap_chart_set_trend (AP_CHART (chart), trend_points, G_N_ELEMENTS (trend_points));
  pixels = render_widget (chart, &width, &height);
  /* Three lines, each in its colour */
  g_assert_cmpuint (count_color (pixels, &palette.correct), >, 300);
  g_assert_cmpuint (count_color (pixels, &palette.incorrect), >, 300);
  g_assert_cmpuint (count_color (pixels, &palette.not_watched), >, 300);

  /* Screen readers get every snapshot's numbers */
  for (guint i = 0; i < G_N_ELEMENTS (trend_points); i++)
    {
      g_autofree char *point = ap_chart_describe_trend_point (&trend_points[i]);

      if (i > 0)
        g_string_append (expected, "; ");
      g_string_append (expected, point);
    }
  g_assert_nonnull (strstr (expected->str, "correct 20 %, incorrect 10 %, not watched 70 %"));
  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected->str);
  assert_accessible_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL,
                              "Trend of the results over the saved fetches");

  /* Hover: the values of the nearest snapshot, wherever the pointer is
   * above the time axis */
  first = _ap_chart_dup_tooltip_at (AP_CHART (chart), 0.1 * width, height / 2.0);
  last = _ap_chart_dup_tooltip_at (AP_CHART (chart), width - 2, 10);
  last_text = ap_chart_describe_trend_point (&trend_points[2]);
  g_assert_cmpstr (last, ==, last_text);
  g_assert_nonnull (strstr (first, "correct 20 %"));
  g_assert_cmpstr (last_text, ==, "16 Dec 2025, 00:00: correct 60 %, incorrect 10 %, "
                                  "not watched 30 %");

  /* Keyboard: focusable, Left and Right walk the snapshots */
  g_assert_true (gtk_widget_get_focusable (chart));
  g_assert_true (press_key (chart, GDK_KEY_End));
  g_assert_cmpint (_ap_chart_get_focus_row (AP_CHART (chart)), ==, 2);
  g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_cmpint (_ap_chart_get_focus_row (AP_CHART (chart)), ==, 2);
  g_assert_true (press_key (chart, GDK_KEY_Left));
  g_assert_cmpint (_ap_chart_get_focus_row (AP_CHART (chart)), ==, 1);
  g_assert_true (press_key (chart, GDK_KEY_Home));
  g_assert_cmpint (_ap_chart_get_focus_row (AP_CHART (chart)), ==, 0);
  g_assert_false (press_key (chart, GDK_KEY_Up));

  gtk_window_destroy (window);
}

static GtkEventController *
find_motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        return controller;
    }
  g_assert_not_reached ();
}

/* The chart's frame as GTK asks for it: the base render it replays is the
 * first node (or the only one, without hover). Distinct base nodes are
 * distinct base renders; the nodes are kept so no address is reused. */
static guint
count_base_render (GtkWidget  *widget,
                   GPtrArray  *bases)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderNode *base;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  base = gsk_render_node_get_node_type (node) == GSK_CONTAINER_NODE
         ? gsk_container_node_get_child (node, 0) : node;
  if (!g_ptr_array_find (bases, base, NULL))
    g_ptr_array_add (bases, gsk_render_node_ref (base));
  return bases->len;
}

static gboolean
width_is (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_width (widget) ==
         GPOINTER_TO_INT (g_object_get_data (G_OBJECT (widget), "expected-width"));
}

/* Sysprof's habit: motion redraws the hover layer only; the base is
 * rendered again for a new size, style or data, and only then. */
static void
test_base_render_cache (gconstpointer data)
{
  ApChartKind kind = GPOINTER_TO_INT (data);
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(GPtrArray) bases =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gsk_render_node_unref);
  GtkWidget *chart = ap_chart_new (kind);
  GtkWindow *window = show_in_window (chart, 400, 260);
  GtkEventController *motion = find_motion_controller (chart);
  int width;

  if (kind == AP_CHART_KIND_TREND)
    ap_chart_set_trend (AP_CHART (chart), trend_points, G_N_ELEMENTS (trend_points));
  else
    show_users (chart, users);
  g_assert_cmpuint (count_base_render (chart, bases), ==, 1);
  width = gtk_widget_get_width (chart);

  /* A sweep of the pointer over the whole chart: no new base */
  for (int x = 0; x < width; x += 7)
    {
      g_signal_emit_by_name (motion, "motion", (double) x, gtk_widget_get_height (chart) / 2.0);
      g_assert_cmpuint (count_base_render (chart, bases), ==, 1);
    }
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpuint (count_base_render (chart, bases), ==, 1);

  /* New data: one new base, kept again under motion */
  if (kind == AP_CHART_KIND_TREND)
    ap_chart_set_trend (AP_CHART (chart), trend_points, 2);
  else
    {
      add_users (users, "Support", 3, 100, 0, 0);
      show_users (chart, users);
    }
  g_assert_cmpuint (count_base_render (chart, bases), ==, 2);
  g_signal_emit_by_name (motion, "motion", width / 2.0, 20.0);
  g_assert_cmpuint (count_base_render (chart, bases), ==, 2);

  /* Dark style: one more */
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_cmpuint (count_base_render (chart, bases), ==, 3);
  g_assert_cmpuint (count_base_render (chart, bases), ==, 3);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_cmpuint (count_base_render (chart, bases), ==, 4);

  /* A new size: one more */
  gtk_widget_set_size_request (chart, width + 60, -1);
  g_object_set_data (G_OBJECT (chart), "expected-width", GINT_TO_POINTER (width + 60));
  g_assert_true (spin_until (width_is, chart, WAIT_MS));
  g_assert_cmpuint (count_base_render (chart, bases), ==, 5);
  g_signal_emit_by_name (motion, "motion", 30.0, 30.0);
  g_assert_cmpuint (count_base_render (chart, bases), ==, 5);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Referencing the resource links its object file out of the static
   * library; its constructor registers the templates */
  g_assert_nonnull (ap_get_resource ());

  g_test_add_func ("/ap/chart/breakdown-renders-and-follows", test_breakdown_renders_and_follows);
  g_test_add_func ("/ap/chart/breakdown-accessible", test_breakdown_accessible);
  g_test_add_func ("/ap/chart/breakdown-tooltip", test_breakdown_tooltip);
  g_test_add_func ("/ap/chart/departments", test_departments);
  g_test_add_func ("/ap/chart/departments-empty", test_departments_empty);
  g_test_add_func ("/ap/chart/dark-style", test_dark_style);
  g_test_add_func ("/ap/chart/trend", test_trend);
  g_test_add_data_func ("/ap/chart/base-render-cache/breakdown",
                        GINT_TO_POINTER (AP_CHART_KIND_BREAKDOWN), test_base_render_cache);
  g_test_add_data_func ("/ap/chart/base-render-cache/departments",
                        GINT_TO_POINTER (AP_CHART_KIND_DEPARTMENTS), test_base_render_cache);
  g_test_add_data_func ("/ap/chart/base-render-cache/trend",
                        GINT_TO_POINTER (AP_CHART_KIND_TREND), test_base_render_cache);

  status = g_test_run ();
  g_clear_pointer (&rendered_nodes, g_ptr_array_unref);
  return status;
}
