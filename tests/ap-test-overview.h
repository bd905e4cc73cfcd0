/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The Overview page as its template builds it, for display tests: its
 * widgets found by the names the template gives them
 * (gtk_widget_get_template_child ()), and what they show. */

#include <gtk/gtk.h>

#include "ap-chart.h"
#include "ap-chart-render.h"
#include "ap-overview-page.h"
#include "ap-trend-view.h"

static inline gpointer
ap_test_overview_child (ApOverviewPage *overview,
                        const char     *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (overview),
                                                  AP_TYPE_OVERVIEW_PAGE, name);

  g_assert_nonnull (child);
  return child;
}

static inline ApChart *
ap_test_overview_breakdown_chart (ApOverviewPage *overview)
{
  return AP_CHART (ap_test_overview_child (overview, "breakdown_chart"));
}

static inline ApChart *
ap_test_overview_departments_chart (ApOverviewPage *overview)
{
  return AP_CHART (ap_test_overview_child (overview, "departments_chart"));
}

static inline ApTrendView *
ap_test_overview_trend_view (ApOverviewPage *overview)
{
  return AP_TREND_VIEW (ap_test_overview_child (overview, "trend_view"));
}

/* "empty" or "data" */
static inline const char *
ap_test_overview_visible_state (ApOverviewPage *overview)
{
  return gtk_stack_get_visible_child_name (ap_test_overview_child (overview, "stack"));
}

/* The large number shown for @part; AP_CHART_PART_NONE for Users */
static inline const char *
ap_test_overview_total_text (ApOverviewPage *overview,
                             ApChartPart     part)
{
  const char *names[] = {
    [AP_CHART_PART_CORRECT] = "correct_label",
    [AP_CHART_PART_INCORRECT] = "incorrect_label",
    [AP_CHART_PART_NOT_WATCHED] = "not_watched_label",
  };
  const char *name = part >= 0 && part < (int) G_N_ELEMENTS (names) && names[part] != NULL
                     ? names[part] : "users_label";

  return gtk_label_get_text (ap_test_overview_child (overview, name));
}

static inline GtkColumnView *
ap_test_overview_departments_view (ApOverviewPage *overview)
{
  return GTK_COLUMN_VIEW (ap_test_overview_child (overview, "departments_view"));
}

/* The department table's rows as shown (sorted), ApAnalysisRow */
static inline GListModel *
ap_test_overview_department_rows (ApOverviewPage *overview)
{
  return G_LIST_MODEL (gtk_column_view_get_model (ap_test_overview_departments_view (overview)));
}

static inline const char *
ap_test_overview_freshness (ApOverviewPage *overview)
{
  return gtk_label_get_text (ap_test_overview_child (overview, "freshness_label"));
}
