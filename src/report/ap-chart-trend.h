/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-chart-render.h"

G_BEGIN_DECLS

/* The shares of correct, incorrect and not watched over the snapshots of
 * one query: three lines on a 0-100 % scale, time along the bottom. The
 * base (grid, labels, lines) and the hover layer (a guide and the three
 * values of one snapshot) are drawn apart, so a widget redraws only the
 * hover layer as the pointer moves. */

typedef struct
{
  gint64  time;          /* Unix seconds, UTC */
  guint64 correct;
  guint64 incorrect;
  guint64 not_watched;
} ApChartTrendPoint;

void   ap_chart_render_trend            (cairo_t                    *cr,
                                         const ApChartPalette       *palette,
                                         const PangoFontDescription *font,
                                         double                      x,
                                         double                      y,
                                         double                      width,
                                         double                      height,
                                         const ApChartTrendPoint    *points,
                                         guint                       n_points);
/* The guide at snapshot @index and a dot on each line; nothing for -1. */
void   ap_chart_render_trend_highlight  (cairo_t                    *cr,
                                         const ApChartPalette       *palette,
                                         const PangoFontDescription *font,
                                         double                      x,
                                         double                      y,
                                         double                      width,
                                         double                      height,
                                         const ApChartTrendPoint    *points,
                                         guint                       n_points,
                                         int                         index);
/* The snapshot nearest to @px along the time axis, or -1 outside the plot
 * or with no points. */
int    ap_chart_trend_hit_test          (const PangoFontDescription *font,
                                         double                      width,
                                         double                      height,
                                         const ApChartTrendPoint    *points,
                                         guint                       n_points,
                                         double                      px,
                                         double                      py);
/* "2 Dec 2026, 14:02: correct 60 %, incorrect 10 %, not watched 30 %"
 * (transfer full) */
char  *ap_chart_describe_trend_point    (const ApChartTrendPoint    *point);

G_END_DECLS
