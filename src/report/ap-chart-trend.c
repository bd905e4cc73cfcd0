/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-chart-trend"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ap-chart-render-private.h"
#include "ap-chart-trend.h"

#define PAD_TOP        8.0
#define PAD_RIGHT      12.0
#define AXIS_GAP       6.0
#define LINE_WIDTH     2.0
#define DOT_RADIUS     3.0
#define HOVER_RADIUS   5.0
#define MAX_DOTS       40    /* beyond this many snapshots the lines speak alone */

typedef struct
{
  double left, top, right, bottom;   /* the plot area */
  gint64 t0, t1;                     /* time span of the points */
} TrendGeometry;

static void
trend_geometry (cairo_t                    *cr,
                const PangoFontDescription *font,
                double                      width,
                double                      height,
                const ApChartTrendPoint    *points,
                guint                       n_points,
                TrendGeometry              *g)
{
  g_autoptr(PangoFontDescription) small = ap_chart_scaled_font (cr, font, 0.85);
  g_autofree char *hundred = g_strdup_printf (_("%u %%"), 100);
  g_autoptr(PangoLayout) widest = ap_chart_create_layout (cr, small, hundred);
  int label_w, label_h;

  pango_layout_get_pixel_size (widest, &label_w, &label_h);

  g->left = label_w + AXIS_GAP;
  g->top = PAD_TOP;
  g->right = MAX (g->left + 1, width - PAD_RIGHT);
  g->bottom = MAX (g->top + 1, height - label_h - AXIS_GAP);
  g->t0 = n_points > 0 ? points[0].time : 0;
  g->t1 = n_points > 0 ? points[n_points - 1].time : 0;
}

/* Snapshots are placed by time; when they share one second (or there is
 * only one), by their order. */
static double
point_x (const TrendGeometry *g,
         guint                index,
         guint                n_points,
         gint64               time)
{
  if (n_points < 2)
    return (g->left + g->right) / 2.0;
  if (g->t1 <= g->t0)
    return g->left + (g->right - g->left) * index / (n_points - 1);
  return g->left + (g->right - g->left) * (double) (time - g->t0) / (double) (g->t1 - g->t0);
}

static double
share_y (const TrendGeometry     *g,
         const ApChartTrendPoint *p,
         ApChartPart              part)
{
  guint64 counts[3] = { p->correct, p->incorrect, p->not_watched };
  guint64 total = p->correct + p->incorrect + p->not_watched;
  double share = total > 0 ? (double) counts[part] / (double) total : 0;

  return g->bottom - (g->bottom - g->top) * share;
}

static char *
format_time (gint64      time,
             const char *format)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time);

  return local != NULL ? g_date_time_format (local, format) : g_strdup ("");
}

/* The first and the last snapshot's date under the plot, and the hour
 * too when they all fall on one day. */
static void
draw_time_labels (cairo_t                    *cr,
                  const ApChartPalette       *palette,
                  const PangoFontDescription *small,
                  const TrendGeometry        *g,
                  const ApChartTrendPoint    *points,
                  guint                       n_points)
{
  gboolean same_day = points[n_points - 1].time - points[0].time < 24 * 3600;
  /* Translators: a date on the trend chart, strftime format: "2 Dec" */
  const char *format = same_day ? "%H:%M" : C_("trend axis", "%e %b");
  g_autofree char *first = format_time (points[0].time, format);
  g_autofree char *last = format_time (points[n_points - 1].time, format);
  g_autoptr(PangoLayout) first_layout = ap_chart_create_layout (cr, small, g_strstrip (first));
  g_autoptr(PangoLayout) last_layout = ap_chart_create_layout (cr, small, g_strstrip (last));
  int fw, lw, h;

  pango_layout_get_pixel_size (first_layout, &fw, &h);
  pango_layout_get_pixel_size (last_layout, &lw, NULL);
  ap_chart_set_source (cr, &palette->dim_foreground);
  cairo_move_to (cr, g->left, g->bottom + AXIS_GAP);
  pango_cairo_show_layout (cr, first_layout);
  if (g->left + fw + 12 < g->right - lw)
    {
      cairo_move_to (cr, g->right - lw, g->bottom + AXIS_GAP);
      pango_cairo_show_layout (cr, last_layout);
    }
}

void
ap_chart_render_trend (cairo_t                    *cr,
                       const ApChartPalette       *palette,
                       const PangoFontDescription *font,
                       double                      x,
                       double                      y,
                       double                      width,
                       double                      height,
                       const ApChartTrendPoint    *points,
                       guint                       n_points)
{
  g_autoptr(PangoFontDescription) small = NULL;
  TrendGeometry g;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);
  g_return_if_fail (points != NULL || n_points == 0);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);

  small = ap_chart_scaled_font (cr, font, 0.85);
  trend_geometry (cr, font, width, height, points, n_points, &g);

  /* Grid: 0, 25, 50, 75 and 100 %, labelled every 50 */
  cairo_set_line_width (cr, 1.0);
  for (guint step = 0; step <= 4; step++)
    {
      double gy = round (g.bottom - (g.bottom - g.top) * step / 4.0) + 0.5;

      ap_chart_set_source (cr, &palette->grid);
      cairo_move_to (cr, g.left, gy);
      cairo_line_to (cr, g.right, gy);
      cairo_stroke (cr);

      if (step % 2 == 0)
        {
          /* Translators: a share on the trend chart's axis; keep the %u */
          g_autofree char *text = g_strdup_printf (_("%u %%"), step * 25);
          g_autoptr(PangoLayout) layout = ap_chart_create_layout (cr, small, text);
          int tw, th;

          pango_layout_get_pixel_size (layout, &tw, &th);
          ap_chart_set_source (cr, &palette->dim_foreground);
          cairo_move_to (cr, g.left - AXIS_GAP - tw, gy - th / 2.0);
          pango_cairo_show_layout (cr, layout);
        }
    }

  if (n_points == 0)
    {
      cairo_restore (cr);
      return;
    }

  draw_time_labels (cr, palette, small, &g, points, n_points);

  /* Not watched first, so correct, the line people look for, is on top */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int part = AP_CHART_PART_NOT_WATCHED; part >= AP_CHART_PART_CORRECT; part--)
    {
      ap_chart_set_source (cr, ap_chart_palette_get_part_color (palette, part));
      cairo_set_line_width (cr, LINE_WIDTH);
      cairo_new_path (cr);
      for (guint i = 0; i < n_points; i++)
        cairo_line_to (cr, point_x (&g, i, n_points, points[i].time),
                       share_y (&g, &points[i], part));
      cairo_stroke (cr);

      if (n_points <= MAX_DOTS)
        for (guint i = 0; i < n_points; i++)
          {
            cairo_new_path (cr);
            cairo_arc (cr, point_x (&g, i, n_points, points[i].time),
                       share_y (&g, &points[i], part), DOT_RADIUS, 0, 2 * G_PI);
            cairo_fill (cr);
          }
    }

  cairo_restore (cr);
}

void
ap_chart_render_trend_highlight (cairo_t                    *cr,
                                 const ApChartPalette       *palette,
                                 const PangoFontDescription *font,
                                 double                      x,
                                 double                      y,
                                 double                      width,
                                 double                      height,
                                 const ApChartTrendPoint    *points,
                                 guint                       n_points,
                                 int                         index)
{
  TrendGeometry g;
  double px;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);

  if (index < 0 || (guint) index >= n_points)
    return;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  trend_geometry (cr, font, width, height, points, n_points, &g);
  px = round (point_x (&g, index, n_points, points[index].time)) + 0.5;

  ap_chart_set_source (cr, &palette->dim_foreground);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, px, g.top);
  cairo_line_to (cr, px, g.bottom);
  cairo_stroke (cr);

  for (int part = AP_CHART_PART_NOT_WATCHED; part >= AP_CHART_PART_CORRECT; part--)
    {
      cairo_new_path (cr);
      cairo_arc (cr, px, share_y (&g, &points[index], part), HOVER_RADIUS, 0, 2 * G_PI);
      ap_chart_set_source (cr, ap_chart_palette_get_part_color (palette, part));
      cairo_fill_preserve (cr);
      ap_chart_set_source (cr, &palette->highlight);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

int
ap_chart_trend_hit_test (const PangoFontDescription *font,
                         double                      width,
                         double                      height,
                         const ApChartTrendPoint    *points,
                         guint                       n_points,
                         double                      px,
                         double                      py)
{
  cairo_t *cr;
  TrendGeometry g;
  double best_distance = G_MAXDOUBLE;
  int best = -1;

  if (n_points == 0 || px < 0 || py < 0 || px > width || py > height)
    return -1;

  cr = ap_chart_create_measure_context ();
  trend_geometry (cr, font, width, height, points, n_points, &g);
  cairo_destroy (cr);

  if (py > g.bottom)
    return -1;

  for (guint i = 0; i < n_points; i++)
    {
      double distance = fabs (point_x (&g, i, n_points, points[i].time) - px);

      /* Equal distances (snapshots of one second): the later one */
      if (distance <= best_distance)
        {
          best_distance = distance;
          best = i;
        }
    }
  return best;
}

char *
ap_chart_describe_trend_point (const ApChartTrendPoint *point)
{
  guint64 total;
  guint percent[3];
  g_autofree char *when = NULL;
  g_autofree char *c = NULL;
  g_autofree char *i = NULL;
  g_autofree char *n = NULL;

  g_return_val_if_fail (point != NULL, NULL);

  total = point->correct + point->incorrect + point->not_watched;
  /* Translators: when a snapshot was fetched, strftime format */
  when = format_time (point->time, C_("trend point", "%e %b %Y, %H:%M"));
  g_strstrip (when);
  if (total == 0)
    /* Translators: a snapshot's date and "No data" */
    return g_strdup_printf (_("%s: %s"), when, _("No data"));

  ap_chart_compute_percentages (point->correct, point->incorrect, point->not_watched, percent);
  c = ap_chart_format_percent (point->correct, total, percent[0]);
  i = ap_chart_format_percent (point->incorrect, total, percent[1]);
  n = ap_chart_format_percent (point->not_watched, total, percent[2]);
  /* Translators: one snapshot on the trend chart, e.g.
   * "2 Dec 2026, 14:02: correct 60 %, incorrect 10 %, not watched 30 %" */
  return g_strdup_printf (_("%s: correct %s, incorrect %s, not watched %s"), when, c, i, n);
}
