/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-chart.h"
#include "ap-chart-render.h"
#include "ap-overview-page.h"
#include "ap-trend-view.h"

G_BEGIN_DECLS

/* Test hooks */
ApChart    *_ap_overview_page_get_breakdown_chart   (ApOverviewPage *self);
ApChart    *_ap_overview_page_get_departments_chart (ApOverviewPage *self);
ApTrendView *_ap_overview_page_get_trend_view       (ApOverviewPage *self);
/* "empty" or "data" */
const char *_ap_overview_page_get_visible_state     (ApOverviewPage *self);
/* The large number shown for @part; AP_CHART_PART_NONE for Users */
const char *_ap_overview_page_get_total_text        (ApOverviewPage *self,
                                                     ApChartPart     part);

/* The department table's rows as shown (sorted), ApAnalysisRow */
GListModel *_ap_overview_page_get_department_rows   (ApOverviewPage *self);
const char *_ap_overview_page_get_freshness         (ApOverviewPage *self);
GtkColumnView *_ap_overview_page_get_departments_view (ApOverviewPage *self);

G_END_DECLS
