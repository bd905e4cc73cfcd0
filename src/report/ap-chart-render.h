/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

/* Charts drawn on any cairo_t: the GTK chart widget (through
 * gtk_snapshot_append_cairo) and the PDF report use the same code, so the
 * screen and the report always agree. No GTK here. */

typedef struct
{
  double red, green, blue, alpha;
} ApRgba;

typedef struct
{
  ApRgba correct;        /* Adwaita green */
  ApRgba incorrect;      /* Adwaita red/orange */
  ApRgba not_watched;    /* Adwaita neutral/blue-grey, distinct in both styles */
  ApRgba foreground;     /* text */
  ApRgba dim_foreground; /* secondary text, axis labels */
  ApRgba grid;           /* grid lines, empty track */
  ApRgba highlight;      /* outline of the hovered part */
} ApChartPalette;

typedef enum
{
  AP_CHART_PART_NONE = -1,
  AP_CHART_PART_CORRECT,
  AP_CHART_PART_INCORRECT,
  AP_CHART_PART_NOT_WATCHED,
} ApChartPart;

typedef struct
{
  const char *label;      /* department name; "" is drawn as "No department" */
  guint64     correct;
  guint64     incorrect;
  guint64     not_watched;
} ApChartSeries;

/* Takes @text (transfer full) and returns it with every space made a
 * no-break space, so a number and its unit stay on one line. */
char  *ap_chart_join_units                 (char                  *text);

/* @dark: the palette for a dark style (GTK widget) or light (PDF, paper). */
void   ap_chart_palette_init               (ApChartPalette        *palette,
                                            gboolean               dark);

/* A ring of correct / incorrect / not watched with the total and the
 * correct share in its centre; "No data" when all are 0. */
void   ap_chart_render_breakdown           (cairo_t               *cr,
                                            const ApChartPalette  *palette,
                                            const PangoFontDescription *font,
                                            double                 x,
                                            double                 y,
                                            double                 width,
                                            double                 height,
                                            guint64                correct,
                                            guint64                incorrect,
                                            guint64                not_watched,
                                            ApChartPart            highlighted);
ApChartPart ap_chart_breakdown_hit_test    (double                 width,
                                            double                 height,
                                            guint64                correct,
                                            guint64                incorrect,
                                            guint64                not_watched,
                                            double                 px,
                                            double                 py);

/* One horizontal 100 % stacked bar per series, in the given order, label on
 * the left, shares as percentages; @highlighted_row -1 for none. */
#define AP_CHART_BAR_ROW_HEIGHT 28.0
void   ap_chart_render_stacked_bars        (cairo_t               *cr,
                                            const ApChartPalette  *palette,
                                            const PangoFontDescription *font,
                                            double                 x,
                                            double                 y,
                                            double                 width,
                                            double                 height,
                                            const ApChartSeries   *series,
                                            guint                  n_series,
                                            int                    highlighted_row,
                                            ApChartPart            highlighted_part);
/* Row (and part, when @part is non-NULL) under (px, py) relative to the
 * chart's origin, or -1. */
int    ap_chart_stacked_bars_hit_test      (double                 width,
                                            double                 height,
                                            const ApChartSeries   *series,
                                            guint                  n_series,
                                            double                 px,
                                            double                 py,
                                            ApChartPart           *part);
double ap_chart_stacked_bars_get_height    (guint                  n_series);

/* "■ Correct  ■ Incorrect  ■ Not watched" in one row. */
void   ap_chart_render_legend              (cairo_t               *cr,
                                            const ApChartPalette  *palette,
                                            const PangoFontDescription *font,
                                            double                 x,
                                            double                 y,
                                            double                 width);
double ap_chart_legend_get_height          (const PangoFontDescription *font);
double ap_chart_legend_get_width           (const PangoFontDescription *font);

/* Translated part names: "Correct", "Incorrect", "Not watched" */
const char *ap_chart_part_get_label        (ApChartPart            part);

/* Whole percentages of the three parts that add up to 100 (largest
 * remainder); all 0 when the total is 0. The chart, the accessible text,
 * the Overview labels and the PDF all show these, so they agree. */
void   ap_chart_compute_percentages        (guint64                correct,
                                            guint64                incorrect,
                                            guint64                not_watched,
                                            guint                  percent[3]);
/* "60 %"; "<1 %" for a share that is not zero but rounds to 0, ">99 %"
 * likewise. (transfer full) */
char  *ap_chart_format_percent             (guint64                count,
                                            guint64                total,
                                            guint                  percent);
/* The count with the locale's digit grouping. (transfer full) */
char  *ap_chart_format_count               (guint64                count);
/* The same into @buf, without allocating: for the users table, which
 * formats 1,200 counts whenever GTK 4.8 rebinds its rows. Returns a
 * pointer into @buf. */
#define AP_CHART_COUNT_LEN 128
const char *ap_chart_format_count_into     (guint64                count,
                                            char                   buf[AP_CHART_COUNT_LEN]);
/* "Correct 120 (60 %), incorrect 30 (15 %), not watched 50 (25 %)", or
 * "No data". (transfer full) */
char  *ap_chart_describe_counts            (guint64                correct,
                                            guint64                incorrect,
                                            guint64                not_watched);

/* The hovered part alone, drawn over a base render made with no
 * highlight: the widget caches its base and redraws only this on motion. */
void   ap_chart_render_breakdown_highlight (cairo_t               *cr,
                                            const ApChartPalette  *palette,
                                            double                 x,
                                            double                 y,
                                            double                 width,
                                            double                 height,
                                            guint64                correct,
                                            guint64                incorrect,
                                            guint64                not_watched,
                                            ApChartPart            highlighted);
void   ap_chart_render_stacked_bars_highlight (cairo_t            *cr,
                                            const ApChartPalette  *palette,
                                            double                 x,
                                            double                 y,
                                            double                 width,
                                            double                 height,
                                            const ApChartSeries   *series,
                                            guint                  n_series,
                                            int                    highlighted_row,
                                            ApChartPart            highlighted_part);

G_END_DECLS
