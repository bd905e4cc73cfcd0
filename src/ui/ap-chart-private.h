/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-chart.h"
#include "ap-chart-render.h"

G_BEGIN_DECLS

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
/* Draws the widget as it looks now into an image surface of its size. */
cairo_surface_t     *_ap_chart_render_to_surface (ApChart *self,
                                                  int      width,
                                                  int      height,
                                                  gboolean dark);

G_END_DECLS
