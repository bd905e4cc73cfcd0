/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-chart-render"

/* The stacked bars: one 100 % bar per department with its shares, the
 * hit test and the hover layer. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ap-chart-render-private.h"

#define BAR_MIN_SEGMENT     3.0
#define BAR_HEIGHT          18.0
#define BAR_LABEL_GAP       12.0
#define BAR_LABEL_MAX       220.0
#define BAR_LABEL_SHARE     0.32
#define BAR_RADIUS          3.0
#define SEGMENT_TEXT_PAD    4.0
#define BADGE_PAD           3.0

static double
channel_luminance (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

/* Text drawn on a coloured segment: black or white, whichever contrasts
 * more with that colour. */
static void
set_source_on (cairo_t      *cr,
               const ApRgba *background)
{
  double l = 0.2126 * channel_luminance (background->red) +
             0.7152 * channel_luminance (background->green) +
             0.0722 * channel_luminance (background->blue);

  if (l > 0.179)
    cairo_set_source_rgba (cr, 0, 0, 0, 0.87);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
}

typedef struct
{
  double label_width;
  double bar_x;
  double bar_width;
} BarGeometry;

static void
bar_geometry (double       width,
              BarGeometry *g)
{
  g->label_width = MIN (BAR_LABEL_MAX, floor (width * BAR_LABEL_SHARE));
  g->bar_x = g->label_width + BAR_LABEL_GAP;
  g->bar_width = MAX (0.0, width - g->bar_x);
}

/* Segment boundaries of one row in bar coordinates; zero parts are empty */
static void
bar_segments (const ApChartSeries *s,
              double               bar_x,
              double               bar_width,
              double               x0[3],
              double               x1[3])
{
  guint64 counts[3] = { s->correct, s->incorrect, s->not_watched };
  double w[3];
  double x = bar_x;

  ap_chart_share_out (counts, bar_width, BAR_MIN_SEGMENT, w);
  for (guint i = 0; i < 3; i++)
    {
      x0[i] = x;
      x1[i] = x + w[i];
      x += w[i];
    }
}

double
ap_chart_stacked_bars_get_height (guint n_series)
{
  /* One row even when empty, for the "No data" line */
  return MAX (n_series, 1u) * AP_CHART_BAR_ROW_HEIGHT;
}

/* Each part's share on its segment. One that does not fit at the
 * labels' size is set smaller; one that does not fit even so sits on a
 * badge of its colour centred on its segment, over its neighbours, unless
 * that would cover another label or another narrow part (two narrow parts
 * side by side: then neither has a label, as before). */
static void
draw_segment_labels (cairo_t                    *cr,
                     const ApChartPalette       *palette,
                     const PangoFontDescription *font,
                     const guint64               counts[3],
                     const guint                 shares[3],
                     const double                x0[3],
                     const double                x1[3],
                     double                      bar_start,
                     double                      bar_end,
                     double                      bar_y)
{
  g_autoptr(PangoFontDescription) smaller = NULL;
  PangoLayout *layouts[3] = { NULL };
  double left[3], right[3];
  gboolean badge[3] = { FALSE };
  guint64 total = counts[0] + counts[1] + counts[2];

  smaller = pango_font_description_copy (font);
  pango_font_description_set_absolute_size (smaller,
                                            pango_font_description_get_size (font) * 0.8);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = NULL;
      double width = x1[i] - x0[i];
      double center = (x0[i] + x1[i]) / 2.0;
      int tw;

      if (counts[i] == 0)
        continue;

      text = ap_chart_format_percent (counts[i], total, shares[i]);
      layouts[i] = ap_chart_create_layout (cr, font, text);
      pango_layout_get_pixel_size (layouts[i], &tw, NULL);
      if (tw + 2 * SEGMENT_TEXT_PAD > width)
        {
          pango_layout_set_font_description (layouts[i], smaller);
          pango_layout_get_pixel_size (layouts[i], &tw, NULL);
          badge[i] = tw + 2 * SEGMENT_TEXT_PAD > width;
        }
      left[i] = center - tw / 2.0 - (badge[i] ? BADGE_PAD : 0);
      right[i] = center + tw / 2.0 + (badge[i] ? BADGE_PAD : 0);
      if (badge[i] && left[i] < bar_start)
        right[i] += bar_start - left[i], left[i] = bar_start;
      if (badge[i] && right[i] > bar_end)
        left[i] -= right[i] - bar_end, right[i] = bar_end;
    }

  /* A badge covers wide neighbours only: never another label, nor a part
   * too narrow for its own. */
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3 && badge[i] && layouts[i] != NULL; j++)
      if (j != i && counts[j] > 0 &&
          ((left[i] < right[j] && left[j] < right[i] && !badge[j]) ||
           (badge[j] && left[i] < x1[j] && x0[j] < right[i])))
        g_clear_object (&layouts[i]);

  for (guint i = 0; i < 3; i++)
    {
      int tw, th;

      if (layouts[i] == NULL)
        continue;

      pango_layout_get_pixel_size (layouts[i], &tw, &th);
      if (badge[i])
        {
          /* A little taller than the bar, so it reads as the part's label */
          ap_chart_rounded_rect (cr, left[i], bar_y - 2, right[i] - left[i], BAR_HEIGHT + 4,
                                 BAR_RADIUS + 1, BAR_RADIUS + 1);
          ap_chart_set_source (cr, ap_chart_palette_get_part_color (palette, i));
          cairo_fill (cr);
        }
      set_source_on (cr, ap_chart_palette_get_part_color (palette, i));
      cairo_move_to (cr, (left[i] + right[i] - tw) / 2.0, bar_y + (BAR_HEIGHT - th) / 2.0);
      pango_cairo_show_layout (cr, layouts[i]);
      g_clear_object (&layouts[i]);
    }
}

void
ap_chart_render_stacked_bars (cairo_t                    *cr,
                              const ApChartPalette       *palette,
                              const PangoFontDescription *font,
                              double                      x,
                              double                      y,
                              double                      width,
                              double                      height,
                              const ApChartSeries        *series,
                              guint                       n_series,
                              int                         highlighted_row,
                              ApChartPart                 highlighted_part)
{
  BarGeometry g;
  double bar_top = (AP_CHART_BAR_ROW_HEIGHT - BAR_HEIGHT) / 2.0;
  g_autoptr(PangoFontDescription) small_font = NULL;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);
  g_return_if_fail (series != NULL || n_series == 0);

  bar_geometry (width, &g);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);

  if (n_series == 0)
    {
      g_autoptr(PangoLayout) layout = ap_chart_create_layout (cr, font, _("No data"));
      int h;

      pango_layout_get_pixel_size (layout, NULL, &h);
      ap_chart_set_source (cr, &palette->dim_foreground);
      cairo_move_to (cr, 0, (AP_CHART_BAR_ROW_HEIGHT - h) / 2.0);
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
      return;
    }

  small_font = ap_chart_font_at_size (font,
                                      MIN (ap_chart_font_pixel_size (cr, font) * 0.85, BAR_HEIGHT - 4),
                                      PANGO_WEIGHT_NORMAL);

  for (guint row = 0; row < n_series; row++)
    {
      const ApChartSeries *s = &series[row];
      double row_y = row * AP_CHART_BAR_ROW_HEIGHT;
      guint64 counts[3] = { s->correct, s->incorrect, s->not_watched };
      guint64 total = s->correct + s->incorrect + s->not_watched;
      const char *label = (s->label && *s->label) ? s->label : _("No department");
      g_autoptr(PangoLayout) label_layout = NULL;
      double x0[3], x1[3];
      guint shares[3];
      int label_h;

      if (row_y > height)
        break;

      if ((int) row == highlighted_row)
        {
          ap_chart_rounded_rect (cr, 0, row_y + 1, width, AP_CHART_BAR_ROW_HEIGHT - 2, 4, 4);
          ap_chart_set_source (cr, &palette->grid);
          cairo_fill (cr);
        }

      label_layout = ap_chart_create_layout (cr, font, label);
      /* Two lines fit a bar's row: long department names wrap before
       * anything is cut (the PDF's table below has them whole anyway). */
      pango_layout_set_width (label_layout, (g.label_width - 4) * PANGO_SCALE);
      pango_layout_set_wrap (label_layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_height (label_layout, -2);
      pango_layout_set_ellipsize (label_layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (label_layout, TRUE);
      if (pango_layout_is_ellipsized (label_layout))
        {
          /* Still too long: three smaller lines, which a row holds too. */
          g_autoptr(PangoFontDescription) smaller =
            ap_chart_font_at_size (font, ap_chart_font_pixel_size (cr, font) * 0.8,
                                   PANGO_WEIGHT_NORMAL);

          pango_layout_set_font_description (label_layout, smaller);
          pango_layout_set_height (label_layout, -3);
        }
      pango_layout_get_pixel_size (label_layout, NULL, &label_h);
      ap_chart_set_source (cr, (s->label && *s->label) ? &palette->foreground
                                                       : &palette->dim_foreground);
      cairo_move_to (cr, 4, row_y + (AP_CHART_BAR_ROW_HEIGHT - label_h) / 2.0);
      pango_cairo_show_layout (cr, label_layout);

      if (g.bar_width <= 0)
        continue;

      if (total == 0)
        {
          ap_chart_rounded_rect (cr, g.bar_x, row_y + bar_top, g.bar_width, BAR_HEIGHT,
                                 BAR_RADIUS, BAR_RADIUS);
          ap_chart_set_source (cr, &palette->grid);
          cairo_fill (cr);
          continue;
        }

      bar_segments (s, g.bar_x, g.bar_width, x0, x1);
      ap_chart_compute_percentages (s->correct, s->incorrect, s->not_watched, shares);

      for (guint i = 0; i < 3; i++)
        {
          gboolean first = TRUE, last = TRUE;
          double sx0 = x0[i], sx1 = x1[i];
          const ApRgba *color = ap_chart_palette_get_part_color (palette, i);

          if (counts[i] == 0)
            continue;
          for (guint j = 0; j < i; j++)
            first = first && counts[j] == 0;
          for (guint j = i + 1; j < 3; j++)
            last = last && counts[j] == 0;

          /* A 1 px gap between parts keeps them apart without colour */
          if (!last && sx1 - sx0 > 2)
            sx1 -= 1;
          x1[i] = sx1;

          ap_chart_rounded_rect (cr, sx0, row_y + bar_top, MAX (sx1 - sx0, 1.0), BAR_HEIGHT,
                                 first ? BAR_RADIUS : 0, last ? BAR_RADIUS : 0);
          ap_chart_set_source (cr, color);
          cairo_fill_preserve (cr);
          if ((int) row == highlighted_row && (ApChartPart) i == highlighted_part)
            {
              ap_chart_set_source (cr, &palette->highlight);
              cairo_set_line_width (cr, 2.0);
              cairo_stroke (cr);
            }
          cairo_new_path (cr);
        }

      draw_segment_labels (cr, palette, small_font, counts, shares, x0, x1, g.bar_x,
                           g.bar_x + g.bar_width, row_y + bar_top);
    }

  cairo_restore (cr);
}

int
ap_chart_stacked_bars_hit_test (double               width,
                                double               height,
                                const ApChartSeries *series,
                                guint                n_series,
                                double               px,
                                double               py,
                                ApChartPart         *part)
{
  BarGeometry g;
  int row;
  double x0[3], x1[3];

  if (part != NULL)
    *part = AP_CHART_PART_NONE;

  if (series == NULL || n_series == 0 || px < 0 || px > width || py < 0 || py >= height)
    return -1;

  row = (int) floor (py / AP_CHART_BAR_ROW_HEIGHT);
  if (row < 0 || (guint) row >= n_series)
    return -1;

  if (part == NULL)
    return row;

  bar_geometry (width, &g);
  bar_segments (&series[row], g.bar_x, g.bar_width, x0, x1);
  for (guint i = 0; i < 3; i++)
    if (x1[i] > x0[i] && px >= x0[i] && px <= x1[i])
      {
        *part = (ApChartPart) i;
        break;
      }

  return row;
}

/* The hover layer: what the widget draws over its cached base render as
 * the pointer moves, the hovered part alone as the base would have drawn
 * it highlighted. */
void
ap_chart_render_stacked_bars_highlight (cairo_t              *cr,
                                        const ApChartPalette *palette,
                                        double                x,
                                        double                y,
                                        double                width,
                                        double                height,
                                        const ApChartSeries  *series,
                                        guint                 n_series,
                                        int                   highlighted_row,
                                        ApChartPart           highlighted_part)
{
  double bar_top = (AP_CHART_BAR_ROW_HEIGHT - BAR_HEIGHT) / 2.0;
  double row_y = highlighted_row * AP_CHART_BAR_ROW_HEIGHT;
  const ApChartSeries *s;
  double x0[3], x1[3];
  BarGeometry g;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);

  if (highlighted_row < 0 || (guint) highlighted_row >= n_series || row_y > height)
    return;

  s = &series[highlighted_row];
  bar_geometry (width, &g);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  /* A tint over the row: the base under it stays as it was drawn */
  ap_chart_rounded_rect (cr, 0, row_y + 1, width, AP_CHART_BAR_ROW_HEIGHT - 2, 4, 4);
  ap_chart_set_source (cr, &palette->grid);
  cairo_fill (cr);

  if (highlighted_part >= AP_CHART_PART_CORRECT && highlighted_part <= AP_CHART_PART_NOT_WATCHED &&
      g.bar_width > 0 && s->correct + s->incorrect + s->not_watched > 0)
    {
      bar_segments (s, g.bar_x, g.bar_width, x0, x1);
      if (x1[highlighted_part] > x0[highlighted_part])
        {
          cairo_rectangle (cr, x0[highlighted_part], row_y + bar_top,
                           MAX (x1[highlighted_part] - x0[highlighted_part], 1.0), BAR_HEIGHT);
          ap_chart_set_source (cr, &palette->highlight);
          cairo_set_line_width (cr, 2.0);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
}
