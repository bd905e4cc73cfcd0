/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-chart-render.h"

G_BEGIN_DECLS

/* Shared by the chart files of the report layer, so every chart sets its
 * text the same way. */
PangoLayout          *ap_chart_create_layout          (cairo_t                    *cr,
                                                       const PangoFontDescription *font,
                                                       const char                 *text);
/* @font at @scale times its size as pango resolves it for @cr (transfer full) */
PangoFontDescription *ap_chart_scaled_font            (cairo_t                    *cr,
                                                       const PangoFontDescription *font,
                                                       double                      scale);
const ApRgba         *ap_chart_palette_get_part_color (const ApChartPalette       *palette,
                                                       ApChartPart                 part);

/* A cairo_t on a 1 px surface, for pango to measure where nothing is drawn */
cairo_t              *ap_chart_create_measure_context (void);

G_END_DECLS
