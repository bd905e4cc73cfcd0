/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ap-chart-trend.h"
#include "ap-analysis.h"

G_BEGIN_DECLS

typedef enum
{
  AP_CHART_KIND_BREAKDOWN,    /* ring of correct / incorrect / not watched */
  AP_CHART_KIND_DEPARTMENTS,  /* per-department stacked bars, sorted by share not watched */
  AP_CHART_KIND_LEGEND,       /* the colour key shared by both, in the chart palette */
  AP_CHART_KIND_TREND,        /* shares over the saved snapshots, one line per part */
} ApChartKind;

/* Draws through src/report's ap-chart-render on gtk_snapshot_append_cairo.
 * Hover shows exact numbers; the numbers are also in the accessible
 * description. Follows the light/dark style. The chart without hover is
 * rendered once per size, style and data and kept; motion redraws only
 * the hover layer over it. */
#define AP_TYPE_CHART (ap_chart_get_type ())
G_DECLARE_FINAL_TYPE (ApChart, ap_chart, AP, CHART, GtkWidget)

GtkWidget  *ap_chart_new            (ApChartKind  kind);
/* BREAKDOWN: the counts to draw */
void        ap_chart_set_counts     (ApChart     *self,
                                     guint64      correct,
                                     guint64      incorrect,
                                     guint64      not_watched);
/* DEPARTMENTS (and BREAKDOWN, from the totals): the analysis to draw, its
 * departments in its order, as the PDF draws them. (nullable) */
void        ap_chart_set_analysis   (ApChart     *self,
                                     ApAnalysis  *analysis);
/* TREND: the snapshots to plot, oldest first (copied) */
void        ap_chart_set_trend      (ApChart                 *self,
                                     const ApChartTrendPoint *points,
                                     guint                    n_points);
/* Signal "department-activated" (const char *name): a department bar was
 * clicked (or activated by keyboard). */

G_END_DECLS
