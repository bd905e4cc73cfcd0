/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-chart-render.h"

G_BEGIN_DECLS

/* Shared by the chart files of the report layer (ap-chart-render.c, the
 * ring, the bars, the trend), so every chart sets its text and colours the
 * same way. */
void                  ap_chart_set_source             (cairo_t                    *cr,
                                                       const ApRgba               *rgba);
PangoLayout          *ap_chart_create_layout          (cairo_t                    *cr,
                                                       const PangoFontDescription *font,
                                                       const char                 *text);
/* @font at @scale times its size as pango resolves it for @cr (transfer full) */
PangoFontDescription *ap_chart_scaled_font            (cairo_t                    *cr,
                                                       const PangoFontDescription *font,
                                                       double                      scale);
const ApRgba         *ap_chart_palette_get_part_color (const ApChartPalette       *palette,
                                                       ApChartPart                 part);
/* Size in device-independent units of @font, whether it was given in
 * points or absolute units, as pango resolves it for @cr. */
double                ap_chart_font_pixel_size        (cairo_t                    *cr,
                                                       const PangoFontDescription *font);
/* @font (the default when NULL) at @pixel_size and @weight (transfer full) */
PangoFontDescription *ap_chart_font_at_size           (const PangoFontDescription *font,
                                                       double                      pixel_size,
                                                       PangoWeight                 weight);
/* Splits @extent in proportion to @counts; a part that is not zero gets
 * at least @minimum, taken from the largest. */
void                  ap_chart_share_out              (const guint64               counts[3],
                                                       double                      extent,
                                                       double                      minimum,
                                                       double                      out[3]);
/* A rectangle path with its own corner radius on each side */
void                  ap_chart_rounded_rect           (cairo_t                    *cr,
                                                       double                      x,
                                                       double                      y,
                                                       double                      w,
                                                       double                      h,
                                                       double                      r_left,
                                                       double                      r_right);

/* A cairo_t on a 1 px surface, for pango to measure where nothing is drawn */
cairo_t              *ap_chart_create_measure_context (void);

G_END_DECLS
