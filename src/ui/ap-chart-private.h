/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-chart.h"
#include "ap-chart-render.h"
#include "ap-chart-trend.h"

G_BEGIN_DECLS

/* ApChart is one class in two files: ap-chart.c draws (the base render it
 * keeps, the hover layer) and ap-chart-input.c answers the pointer, the
 * keyboard and tooltips. */
struct _ApChart
{
  GtkWidget    parent_instance;

  ApChartKind  kind;
  ApAnalysis  *analysis;

  guint64      correct;
  guint64      incorrect;
  guint64      not_watched;

  /* Departments in the analysis's order (largest share not watched
   * first); labels point into @analysis */
  GArray      *series;

  /* TREND: ApChartTrendPoint, oldest first */
  GArray      *trend;

  /* Sysprof's way: the chart without any hover, rendered once per size,
   * style and data, and replayed as it is under the hover layer, which
   * alone is drawn again as the pointer moves. */
  GskRenderNode *base;
  int          base_width;
  int          base_height;
  gboolean     base_dark;

  double       pointer_x;
  double       pointer_y;
  gboolean     pointer_inside;
  int          focus_row;
};

/* ap-chart.c */
const PangoFontDescription *ap_chart_widget_font     (ApChart             *self);
/* "Sales: Correct 10 (10 %), …" (transfer full) */
char                       *ap_chart_describe_series (const ApChartSeries *s);

/* ap-chart-input.c */
void        ap_chart_init_input    (ApChart     *self);
/* The row (department or snapshot) keys move through */
int         ap_chart_n_focus_rows  (ApChart     *self);
/* What is under widget coordinates (@x, @y): a part of the ring, a row
 * of the bars (and its part when @part is not NULL), a snapshot; -1 or
 * AP_CHART_PART_NONE for nothing */
ApChartPart ap_chart_hit_part      (ApChart     *self,
                                    double       x,
                                    double       y);
int         ap_chart_hit_row       (ApChart     *self,
                                    double       x,
                                    double       y,
                                    ApChartPart *part);
int         ap_chart_hit_trend     (ApChart     *self,
                                    double       x,
                                    double       y);

/* Test hooks: what the widget would draw and do, without a pointer. */
guint                _ap_chart_get_n_series   (ApChart *self);
const ApChartSeries *_ap_chart_get_series     (ApChart *self,
                                               guint    row);
/* The click handler at widget coordinates (@x, @y), as after a release */
void                 _ap_chart_click          (ApChart *self,
                                               double   x,
                                               double   y);
/* The tooltip text the widget would show at (@x, @y), or NULL. (transfer full) */
char                *_ap_chart_dup_tooltip_at (ApChart *self,
                                               double   x,
                                               double   y);
int                  _ap_chart_get_focus_row  (ApChart *self);

G_END_DECLS
