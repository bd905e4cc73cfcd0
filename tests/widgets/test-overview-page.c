/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-overview-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ap-chart-private.h"
#include "ap-overview-page.h"
#include "ap-resources.h"
#include "ap-analysis.h"

#include "../ap-test-overview.h"
#include "../ap-test-util.h"

#define WAIT_MS 10000

static gboolean
is_allocated (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) >= 2 * AP_CHART_BAR_ROW_HEIGHT;
}

static void
add_users (GPtrArray  *users,
           const char *department,
           guint       n_users,
           guint       correct,
           guint       incorrect,
           guint       not_watched)
{
  for (guint i = 0; i < n_users; i++)
    g_ptr_array_add (users, ap_user_new ("Łukasz", "l@example.com", department,
                                         correct, incorrect, not_watched));
}

/* The page shows the running total of @users, as while a fetch adds pages */
static void
show_running_total (ApOverviewPage *page,
                    GPtrArray      *users)
{
  g_autoptr(ApAnalysisTally) tally = ap_analysis_tally_new ();
  g_autoptr(ApAnalysis) analysis = NULL;

  for (guint i = 0; i < users->len; i++)
    ap_analysis_tally_add (tally, g_ptr_array_index (users, i));
  analysis = ap_analysis_tally_snapshot (tally);
  ap_overview_page_set_analysis (page, analysis, NULL);
}

static void
show_analysis (ApOverviewPage *page,
               GPtrArray      *users)
{
  g_autoptr(GPtrArray) snapshot = g_ptr_array_copy (users,
                                                    (GCopyFunc) (void (*) (void)) g_object_ref,
                                                    NULL);
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (snapshot);

  ap_overview_page_set_analysis (page, analysis, "Updated");
}

static void
assert_description (GtkWidget  *widget,
                    const char *expected)
{
  g_autofree char *actual =
    gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);

  if (actual != NULL)
    g_error ("accessible description is \"%s\", expected \"%s\"", actual, expected);
}

static void
test_states_and_totals (void)
{
  GtkWidget *page = g_object_ref_sink (ap_overview_page_new ());
  ApOverviewPage *overview = AP_OVERVIEW_PAGE (page);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);

  /* Nothing fetched yet: the empty state */
  g_assert_cmpstr (ap_test_overview_visible_state (overview), ==, "empty");
  show_running_total (overview, users);
  g_assert_cmpstr (ap_test_overview_visible_state (overview), ==, "empty");

  /* 3 users: 120 correct, 30 incorrect, 50 not watched, while they arrive */
  add_users (users, "Sales", 2, 50, 10, 20);
  add_users (users, "Support", 1, 20, 10, 10);
  show_running_total (overview, users);
  g_assert_cmpstr (ap_test_overview_visible_state (overview), ==, "data");
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_NONE), ==, "3");
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_CORRECT), ==, "120");
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_INCORRECT), ==, "30");
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_NOT_WATCHED), ==,
                   "50");

  /* The ring, the bars and the table follow the same analysis */
  assert_description (GTK_WIDGET (ap_test_overview_breakdown_chart (overview)),
                      "Correct 120 (60 %), incorrect 30 (15 %), not watched 50 (25 %)");
  g_assert_cmpuint (_ap_chart_get_n_series (ap_test_overview_departments_chart (overview)),
                    ==, 2);
  /* The table waits for the finished analysis */
  g_assert_cmpuint (g_list_model_get_n_items (ap_test_overview_department_rows (overview)),
                    ==, 0);

  /* Another batch updates the numbers; then the finished analysis, the same */
  add_users (users, "Finance", 1, 0, 0, 100);
  show_running_total (overview, users);
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_NONE), ==, "4");
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_NOT_WATCHED), ==,
                   "150");
  g_assert_cmpuint (_ap_chart_get_n_series (ap_test_overview_departments_chart (overview)),
                    ==, 3);
  g_assert_cmpstr (_ap_chart_get_series (ap_test_overview_departments_chart (overview),
                                         0)->label, ==, "Finance");
  g_assert_cmpstr (ap_test_overview_freshness (overview), ==, "");
  show_analysis (overview, users);
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_NONE), ==, "4");
  g_assert_cmpstr (ap_test_overview_total_text (overview, AP_CHART_PART_NOT_WATCHED), ==,
                   "150");
  g_assert_cmpstr (ap_test_overview_freshness (overview), ==, "Updated");
  g_assert_cmpuint (g_list_model_get_n_items (ap_test_overview_department_rows (overview)),
                    ==, 3);

  /* A new fetch clears: back to the empty state */
  g_ptr_array_set_size (users, 0);
  show_running_total (overview, users);
  g_assert_cmpstr (ap_test_overview_visible_state (overview), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (ap_test_overview_department_rows (overview)),
                    ==, 0);
  assert_description (GTK_WIDGET (ap_test_overview_breakdown_chart (overview)), "No data");

  /* And without an analysis */
  ap_overview_page_set_analysis (overview, NULL, NULL);
  g_assert_cmpstr (ap_test_overview_visible_state (overview), ==, "empty");

  g_object_unref (page);
}

static void
on_department_activated (ApOverviewPage *page,
                         const char     *name,
                         char          **out)
{
  g_free (*out);
  *out = g_strdup (name);
}

static void
test_department_activated (void)
{
  GtkWidget *page = ap_overview_page_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  g_autofree char *activated = NULL;
  ApChart *departments;

  add_users (users, "Sales, \"EMEA\"", 2, 1, 1, 8);
  add_users (users, "Engineering", 2, 8, 1, 1);
  show_analysis (AP_OVERVIEW_PAGE (page), users);
  g_signal_connect (page, "department-activated", G_CALLBACK (on_department_activated),
                    &activated);

  gtk_window_set_default_size (window, 900, 700);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  departments = ap_test_overview_departments_chart (AP_OVERVIEW_PAGE (page));
  g_assert_true (spin_until (is_allocated, departments, WAIT_MS));

  /* Row 0 is the department with the most not watched */
  _ap_chart_click (departments, gtk_widget_get_width (GTK_WIDGET (departments)) - 10,
                   AP_CHART_BAR_ROW_HEIGHT / 2);
  g_assert_cmpstr (activated, ==, "Sales, \"EMEA\"");
  _ap_chart_click (departments, 10, AP_CHART_BAR_ROW_HEIGHT * 1.5);
  g_assert_cmpstr (activated, ==, "Engineering");

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Referencing the resource links its object file out of the static
   * library; its constructor registers the templates */
  g_assert_nonnull (ap_get_resource ());

  g_test_add_func ("/ap/overview-page/states-and-totals", test_states_and_totals);
  g_test_add_func ("/ap/overview-page/department-activated", test_department_activated);

  return g_test_run ();
}
