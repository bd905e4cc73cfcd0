/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-chart-render"

/* The breakdown ring: correct, incorrect and not watched around the
 * total, its hit test and its hover layer. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ap-chart-render-private.h"

#define RING_PADDING        6.0   /* room for the highlighted part to grow outwards */
#define RING_THICKNESS      0.30  /* of the outer radius */
#define RING_HIGHLIGHT_GROW 4.0
#define RING_GAP            1.5   /* px of arc left blank between two parts */
#define RING_MIN_SWEEP      0.035 /* radians, about 2 degrees */

typedef struct
{
  double cx, cy;
  double outer, inner;
} RingGeometry;

static gboolean
ring_geometry (double        width,
               double        height,
               RingGeometry *geometry)
{
  geometry->cx = width / 2.0;
  geometry->cy = height / 2.0;
  geometry->outer = MIN (width, height) / 2.0 - RING_PADDING;
  geometry->inner = geometry->outer * (1.0 - RING_THICKNESS);
  return geometry->outer > 4.0;
}

static void
ring_angles (guint64 correct,
             guint64 incorrect,
             guint64 not_watched,
             double  start[3],
             double  end[3])
{
  guint64 counts[3] = { correct, incorrect, not_watched };
  double sweep[3];
  double angle = -G_PI / 2.0;

  ap_chart_share_out (counts, 2.0 * G_PI, RING_MIN_SWEEP, sweep);
  for (guint i = 0; i < 3; i++)
    {
      start[i] = angle;
      end[i] = angle + sweep[i];
      angle += sweep[i];
    }
}

void
ap_chart_render_breakdown (cairo_t                    *cr,
                           const ApChartPalette       *palette,
                           const PangoFontDescription *font,
                           double                      x,
                           double                      y,
                           double                      width,
                           double                      height,
                           guint64                     correct,
                           guint64                     incorrect,
                           guint64                     not_watched,
                           ApChartPart                 highlighted)
{
  RingGeometry g;
  guint64 total = correct + incorrect + not_watched;
  guint64 counts[3] = { correct, incorrect, not_watched };
  double start[3], end[3];
  guint n_nonzero = 0;
  double base_px, big_px, text_width;
  g_autoptr(PangoFontDescription) big_font = NULL;
  g_autoptr(PangoFontDescription) small_font = NULL;
  g_autoptr(PangoLayout) big = NULL;
  g_autoptr(PangoLayout) small = NULL;
  int big_h = 0, small_h = 0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);

  if (!ring_geometry (width, height, &g))
    return;

  cairo_save (cr);
  cairo_translate (cr, x, y);

  /* The empty track shows where the ring is even when there is no data */
  cairo_new_path (cr);
  cairo_arc (cr, g.cx, g.cy, g.outer, 0, 2 * G_PI);
  cairo_arc_negative (cr, g.cx, g.cy, g.inner, 2 * G_PI, 0);
  cairo_close_path (cr);
  ap_chart_set_source (cr, &palette->grid);
  cairo_fill (cr);

  ring_angles (correct, incorrect, not_watched, start, end);
  for (guint i = 0; i < 3; i++)
    if (counts[i] > 0)
      n_nonzero++;

  for (guint i = 0; i < 3; i++)
    {
      double a0 = start[i], a1 = end[i];
      double outer = g.outer;
      double inner = g.inner;

      if (counts[i] == 0)
        continue;

      /* A blank gap separates the parts, so they stay apart for people who
       * do not tell the colours apart */
      if (n_nonzero > 1)
        {
          double gap = RING_GAP / outer;

          if (a1 - a0 > 3 * gap)
            {
              a0 += gap;
              a1 -= gap;
            }
        }

      if ((ApChartPart) i == highlighted)
        outer += MIN (RING_HIGHLIGHT_GROW, RING_PADDING);

      cairo_new_path (cr);
      cairo_arc (cr, g.cx, g.cy, outer, a0, a1);
      cairo_arc_negative (cr, g.cx, g.cy, inner, a1, a0);
      cairo_close_path (cr);
      ap_chart_set_source (cr, ap_chart_palette_get_part_color (palette, i));
      cairo_fill_preserve (cr);
      if ((ApChartPart) i == highlighted)
        {
          ap_chart_set_source (cr, &palette->highlight);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
      cairo_new_path (cr);
    }

  /* Centre text: the total, large, and the correct share under it */
  base_px = ap_chart_font_pixel_size (cr, font);
  big_px = CLAMP (g.inner * 0.42, 8.0, 64.0);
  text_width = g.inner * 1.6;
  big_font = ap_chart_font_at_size (font, big_px, PANGO_WEIGHT_BOLD);
  small_font = ap_chart_font_at_size (font, MIN (base_px * 0.8, MAX (6.0, g.inner * 0.22)),
                                      PANGO_WEIGHT_NORMAL);

  if (total == 0)
    {
      g_autoptr(PangoFontDescription) empty_font =
        ap_chart_font_at_size (font, MIN (base_px, MAX (6.0, g.inner * 0.3)), PANGO_WEIGHT_NORMAL);

      big = ap_chart_create_layout (cr, empty_font, _("No data"));
    }
  else
    {
      g_autofree char *total_text = ap_chart_format_count (total);
      g_autofree char *percent = NULL;
      g_autofree char *line = NULL;
      guint shares[3];

      ap_chart_compute_percentages (correct, incorrect, not_watched, shares);
      percent = ap_chart_format_percent (correct, total, shares[0]);
      /* Translators: under the total in the ring chart, e.g. "60 % correct" */
      line = g_strdup_printf (_("%s correct"), percent);

      big = ap_chart_create_layout (cr, big_font, total_text);
      small = ap_chart_create_layout (cr, small_font, line);
      pango_layout_set_width (small, text_width * PANGO_SCALE);
      pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (small, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (small, NULL, &small_h);
    }

  pango_layout_set_width (big, text_width * PANGO_SCALE);
  pango_layout_set_ellipsize (big, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (big, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (big, NULL, &big_h);

  ap_chart_set_source (cr, total == 0 ? &palette->dim_foreground : &palette->foreground);
  cairo_move_to (cr, g.cx - text_width / 2.0, g.cy - (big_h + small_h) / 2.0);
  pango_cairo_show_layout (cr, big);

  if (small != NULL)
    {
      ap_chart_set_source (cr, &palette->dim_foreground);
      cairo_move_to (cr, g.cx - text_width / 2.0, g.cy - (big_h + small_h) / 2.0 + big_h);
      pango_cairo_show_layout (cr, small);
    }

  cairo_restore (cr);
}

ApChartPart
ap_chart_breakdown_hit_test (double  width,
                             double  height,
                             guint64 correct,
                             guint64 incorrect,
                             guint64 not_watched,
                             double  px,
                             double  py)
{
  RingGeometry g;
  guint64 counts[3] = { correct, incorrect, not_watched };
  double start[3], end[3];
  double dx, dy, distance, angle;

  if (!ring_geometry (width, height, &g))
    return AP_CHART_PART_NONE;

  dx = px - g.cx;
  dy = py - g.cy;
  distance = sqrt (dx * dx + dy * dy);
  /* The hovered part grows; keep hitting it there */
  if (distance < g.inner || distance > g.outer + RING_HIGHLIGHT_GROW)
    return AP_CHART_PART_NONE;

  angle = atan2 (dy, dx);
  if (angle < -G_PI / 2.0)
    angle += 2 * G_PI;

  ring_angles (correct, incorrect, not_watched, start, end);
  for (guint i = 0; i < 3; i++)
    if (counts[i] > 0 && angle >= start[i] && angle <= end[i])
      return (ApChartPart) i;

  return AP_CHART_PART_NONE;
}

/* The hover layer: what the widget draws over its cached base render as
 * the pointer moves, the hovered part alone as the base would have drawn
 * it highlighted. */
void
ap_chart_render_breakdown_highlight (cairo_t              *cr,
                                     const ApChartPalette *palette,
                                     double                x,
                                     double                y,
                                     double                width,
                                     double                height,
                                     guint64               correct,
                                     guint64               incorrect,
                                     guint64               not_watched,
                                     ApChartPart           highlighted)
{
  guint64 counts[3] = { correct, incorrect, not_watched };
  double start[3], end[3];
  double a0, a1, outer;
  guint n_nonzero = 0;
  RingGeometry g;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);

  if (highlighted < AP_CHART_PART_CORRECT || highlighted > AP_CHART_PART_NOT_WATCHED ||
      counts[highlighted] == 0 || !ring_geometry (width, height, &g))
    return;

  ring_angles (correct, incorrect, not_watched, start, end);
  for (guint i = 0; i < 3; i++)
    if (counts[i] > 0)
      n_nonzero++;

  a0 = start[highlighted];
  a1 = end[highlighted];
  outer = g.outer + MIN (RING_HIGHLIGHT_GROW, RING_PADDING);
  if (n_nonzero > 1 && a1 - a0 > 3 * (RING_GAP / g.outer))
    {
      a0 += RING_GAP / g.outer;
      a1 -= RING_GAP / g.outer;
    }

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_new_path (cr);
  cairo_arc (cr, g.cx, g.cy, outer, a0, a1);
  cairo_arc_negative (cr, g.cx, g.cy, g.inner, a1, a0);
  cairo_close_path (cr);
  ap_chart_set_source (cr, ap_chart_palette_get_part_color (palette, highlighted));
  cairo_fill_preserve (cr);
  ap_chart_set_source (cr, &palette->highlight);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}
