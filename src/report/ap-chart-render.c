/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-chart-render"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ap-chart-render-private.h"

#define RING_PADDING        6.0   /* room for the highlighted part to grow outwards */
#define RING_THICKNESS      0.30  /* of the outer radius */
#define RING_HIGHLIGHT_GROW 4.0
#define RING_GAP            1.5   /* px of arc left blank between two parts */
#define RING_MIN_SWEEP      0.035 /* radians, about 2 degrees */
#define BAR_MIN_SEGMENT     3.0
#define BAR_HEIGHT          18.0
#define BAR_LABEL_GAP       12.0
#define BAR_LABEL_MAX       220.0
#define BAR_LABEL_SHARE     0.32
#define BAR_RADIUS          3.0
#define SEGMENT_TEXT_PAD    4.0
#define BADGE_PAD           3.0
#define LEGEND_SWATCH       12.0
#define LEGEND_SWATCH_GAP   6.0
#define LEGEND_ITEM_GAP     18.0

static const char *default_font = "Sans 10";

static void
rgba_from_hex (ApRgba *rgba,
               guint32 hex,
               double  alpha)
{
  rgba->red = ((hex >> 16) & 0xff) / 255.0;
  rgba->green = ((hex >> 8) & 0xff) / 255.0;
  rgba->blue = (hex & 0xff) / 255.0;
  rgba->alpha = alpha;
}

void
ap_chart_palette_init (ApChartPalette *palette,
                       gboolean        dark)
{
  g_return_if_fail (palette != NULL);

  /* Adwaita palette. Each data colour keeps at least 3:1 against the
   * window/card background of its style (WCAG 1.4.11), and "not watched"
   * is a neutral grey so it never reads as good or bad. */
  if (dark)
    {
      /* against the window (#242424) and a card (#363636) */
      rgba_from_hex (&palette->correct, 0x2ec27e, 1.0);      /* green_4, 6.7:1 / 5.3:1 */
      rgba_from_hex (&palette->incorrect, 0xf66151, 1.0);    /* red_1, 5.0:1 / 3.9:1 */
      rgba_from_hex (&palette->not_watched, 0x9a9996, 1.0);  /* light_5, 5.4:1 / 4.2:1 */
      rgba_from_hex (&palette->foreground, 0xffffff, 1.0);
      rgba_from_hex (&palette->dim_foreground, 0xffffff, 0.6);
      rgba_from_hex (&palette->grid, 0xffffff, 0.12);
      rgba_from_hex (&palette->highlight, 0xffffff, 1.0);
    }
  else
    {
      /* against a card (#ffffff) and the window (#fafafa) */
      rgba_from_hex (&palette->correct, 0x26a269, 1.0);      /* green_5, 3.3:1 / 3.1:1 */
      rgba_from_hex (&palette->incorrect, 0xe01b24, 1.0);    /* red_3, 4.8:1 / 4.6:1 */
      rgba_from_hex (&palette->not_watched, 0x77767b, 1.0);  /* dark_1, 4.5:1 / 4.3:1 */
      rgba_from_hex (&palette->foreground, 0x000000, 0.8);
      rgba_from_hex (&palette->dim_foreground, 0x000000, 0.55);
      rgba_from_hex (&palette->grid, 0x000000, 0.08);
      rgba_from_hex (&palette->highlight, 0x000000, 0.8);
    }
}

const char *
ap_chart_part_get_label (ApChartPart part)
{
  switch (part)
    {
    case AP_CHART_PART_CORRECT:
      return _("Correct");
    case AP_CHART_PART_INCORRECT:
      return _("Incorrect");
    case AP_CHART_PART_NOT_WATCHED:
      return _("Not watched");
    case AP_CHART_PART_NONE:
    default:
      return "";
    }
}

/* Largest remainder, so that the three shares shown side by side add up to
 * 100; a part that is not zero never shows as 0. */
void
ap_chart_compute_percentages (guint64 correct,
                              guint64 incorrect,
                              guint64 not_watched,
                              guint   percent[3])
{
  guint64 counts[3] = { correct, incorrect, not_watched };
  double total = (double) correct + (double) incorrect + (double) not_watched;
  double remainder[3];
  guint sum = 0;

  g_return_if_fail (percent != NULL);

  for (guint i = 0; i < 3; i++)
    {
      double exact = total > 0 ? counts[i] * 100.0 / total : 0;

      percent[i] = (guint) floor (exact);
      remainder[i] = exact - percent[i];
      sum += percent[i];
    }

  while (total > 0 && sum < 100)
    {
      guint best = 0;

      for (guint i = 1; i < 3; i++)
        if (remainder[i] > remainder[best])
          best = i;
      percent[best]++;
      remainder[best] = -1;
      sum++;
    }
}

char *
ap_chart_format_percent (guint64 count,
                         guint64 total,
                         guint   percent)
{
  if (count > 0 && percent == 0)
    return g_strdup (_("<1 %"));
  if (count < total && percent >= 100)
    return g_strdup (_(">99 %"));
  /* Translators: a share, e.g. "60 %"; keep the %u */
  return g_strdup_printf (_("%u %%"), percent);
}

char *
ap_chart_join_units (char *text)
{
  GString *joined;

  g_return_val_if_fail (text != NULL, NULL);

  if (strchr (text, ' ') == NULL)
    return text;

  /* U+00A0 NO-BREAK SPACE: "14,2 %" never wraps between number and unit,
   * whichever space the translation put there. */
  joined = g_string_sized_new (strlen (text) + 4);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ' ')
        g_string_append (joined, "\xc2\xa0");
      else
        g_string_append_c (joined, *p);
    }
  g_free (text);

  return g_string_free (joined, FALSE);
}

char *
ap_chart_format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

char *
ap_chart_describe_counts (guint64 correct,
                          guint64 incorrect,
                          guint64 not_watched)
{
  guint percent[3];
  guint64 total = correct + incorrect + not_watched;
  g_autofree char *c = NULL;
  g_autofree char *i = NULL;
  g_autofree char *n = NULL;
  g_autofree char *pc = NULL;
  g_autofree char *pi = NULL;
  g_autofree char *pn = NULL;

  if (total == 0)
    return g_strdup (_("No data"));

  ap_chart_compute_percentages (correct, incorrect, not_watched, percent);
  c = ap_chart_format_count (correct);
  i = ap_chart_format_count (incorrect);
  n = ap_chart_format_count (not_watched);
  pc = ap_chart_format_percent (correct, total, percent[0]);
  pi = ap_chart_format_percent (incorrect, total, percent[1]);
  pn = ap_chart_format_percent (not_watched, total, percent[2]);

  /* Translators: counts and shares, e.g.
   * "Correct 120 (60 %), incorrect 30 (15 %), not watched 50 (25 %)" */
  return g_strdup_printf (_("Correct %s (%s), incorrect %s (%s), not watched %s (%s)"),
                          c, pc, i, pi, n, pn);
}

static void
set_source (cairo_t      *cr,
            const ApRgba *rgba)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha);
}

static const ApRgba *
part_color (const ApChartPalette *palette,
            ApChartPart           part)
{
  switch (part)
    {
    case AP_CHART_PART_CORRECT:
      return &palette->correct;
    case AP_CHART_PART_INCORRECT:
      return &palette->incorrect;
    case AP_CHART_PART_NOT_WATCHED:
    case AP_CHART_PART_NONE:
    default:
      return &palette->not_watched;
    }
}

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

static PangoLayout *
create_layout (cairo_t                    *cr,
               const PangoFontDescription *font,
               const char                 *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) fallback = NULL;

  if (font == NULL)
    font = fallback = pango_font_description_from_string (default_font);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Size in device-independent units of @font, whether it was given in
 * points or absolute units, as pango resolves it for @cr. */
static double
font_pixel_size (cairo_t                    *cr,
                 const PangoFontDescription *font)
{
  g_autoptr(PangoLayout) layout = create_layout (cr, font, "0");
  int h;

  pango_layout_get_pixel_size (layout, NULL, &h);
  return h;
}

static PangoFontDescription *
scaled_font (const PangoFontDescription *font,
             double                      pixel_size,
             PangoWeight                 weight)
{
  PangoFontDescription *desc = font ? pango_font_description_copy (font)
                                    : pango_font_description_from_string (default_font);

  pango_font_description_set_absolute_size (desc, pixel_size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  return desc;
}

/* ---- breakdown ring ---------------------------------------------------- */

/* Splits @extent in proportion to @counts, but a part that is not zero
 * gets at least @minimum (taken from the largest part), so one incorrect
 * answer among thousands still shows and can be hovered. */
static void
share_out (const guint64 counts[3],
           double        extent,
           double        minimum,
           double        out[3])
{
  double total = (double) counts[0] + (double) counts[1] + (double) counts[2];
  guint largest = 0;

  for (guint i = 0; i < 3; i++)
    {
      out[i] = total > 0 ? extent * counts[i] / total : 0;
      if (out[i] > out[largest])
        largest = i;
    }

  for (guint i = 0; i < 3; i++)
    if (i != largest && counts[i] > 0 && out[i] < minimum && out[largest] > 3 * minimum)
      {
        out[largest] -= minimum - out[i];
        out[i] = minimum;
      }
}

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

  share_out (counts, 2.0 * G_PI, RING_MIN_SWEEP, sweep);
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
  set_source (cr, &palette->grid);
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
      set_source (cr, part_color (palette, i));
      cairo_fill_preserve (cr);
      if ((ApChartPart) i == highlighted)
        {
          set_source (cr, &palette->highlight);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
      cairo_new_path (cr);
    }

  /* Centre text: the total, large, and the correct share under it */
  base_px = font_pixel_size (cr, font);
  big_px = CLAMP (g.inner * 0.42, 8.0, 64.0);
  text_width = g.inner * 1.6;
  big_font = scaled_font (font, big_px, PANGO_WEIGHT_BOLD);
  small_font = scaled_font (font, MIN (base_px * 0.8, MAX (6.0, g.inner * 0.22)),
                            PANGO_WEIGHT_NORMAL);

  if (total == 0)
    {
      g_autoptr(PangoFontDescription) empty_font =
        scaled_font (font, MIN (base_px, MAX (6.0, g.inner * 0.3)), PANGO_WEIGHT_NORMAL);

      big = create_layout (cr, empty_font, _("No data"));
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

      big = create_layout (cr, big_font, total_text);
      small = create_layout (cr, small_font, line);
      pango_layout_set_width (small, text_width * PANGO_SCALE);
      pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (small, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (small, NULL, &small_h);
    }

  pango_layout_set_width (big, text_width * PANGO_SCALE);
  pango_layout_set_ellipsize (big, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (big, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (big, NULL, &big_h);

  set_source (cr, total == 0 ? &palette->dim_foreground : &palette->foreground);
  cairo_move_to (cr, g.cx - text_width / 2.0, g.cy - (big_h + small_h) / 2.0);
  pango_cairo_show_layout (cr, big);

  if (small != NULL)
    {
      set_source (cr, &palette->dim_foreground);
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

/* ---- stacked bars ------------------------------------------------------- */

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

  share_out (counts, bar_width, BAR_MIN_SEGMENT, w);
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

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r_left,
              double   r_right)
{
  r_left = MIN (r_left, w / 2.0);
  r_right = MIN (r_right, w / 2.0);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r_right, y + r_right, r_right, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r_right, y + h - r_right, r_right, 0, G_PI / 2);
  cairo_arc (cr, x + r_left, y + h - r_left, r_left, G_PI / 2, G_PI);
  cairo_arc (cr, x + r_left, y + r_left, r_left, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
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
      layouts[i] = create_layout (cr, font, text);
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
          rounded_rect (cr, left[i], bar_y - 2, right[i] - left[i], BAR_HEIGHT + 4,
                        BAR_RADIUS + 1, BAR_RADIUS + 1);
          set_source (cr, part_color (palette, i));
          cairo_fill (cr);
        }
      set_source_on (cr, part_color (palette, i));
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
      g_autoptr(PangoLayout) layout = create_layout (cr, font, _("No data"));
      int h;

      pango_layout_get_pixel_size (layout, NULL, &h);
      set_source (cr, &palette->dim_foreground);
      cairo_move_to (cr, 0, (AP_CHART_BAR_ROW_HEIGHT - h) / 2.0);
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
      return;
    }

  small_font = scaled_font (font, MIN (font_pixel_size (cr, font) * 0.85, BAR_HEIGHT - 4),
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
          rounded_rect (cr, 0, row_y + 1, width, AP_CHART_BAR_ROW_HEIGHT - 2, 4, 4);
          set_source (cr, &palette->grid);
          cairo_fill (cr);
        }

      label_layout = create_layout (cr, font, label);
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
            scaled_font (font, font_pixel_size (cr, font) * 0.8, PANGO_WEIGHT_NORMAL);

          pango_layout_set_font_description (label_layout, smaller);
          pango_layout_set_height (label_layout, -3);
        }
      pango_layout_get_pixel_size (label_layout, NULL, &label_h);
      set_source (cr, (s->label && *s->label) ? &palette->foreground : &palette->dim_foreground);
      cairo_move_to (cr, 4, row_y + (AP_CHART_BAR_ROW_HEIGHT - label_h) / 2.0);
      pango_cairo_show_layout (cr, label_layout);

      if (g.bar_width <= 0)
        continue;

      if (total == 0)
        {
          rounded_rect (cr, g.bar_x, row_y + bar_top, g.bar_width, BAR_HEIGHT,
                        BAR_RADIUS, BAR_RADIUS);
          set_source (cr, &palette->grid);
          cairo_fill (cr);
          continue;
        }

      bar_segments (s, g.bar_x, g.bar_width, x0, x1);
      ap_chart_compute_percentages (s->correct, s->incorrect, s->not_watched, shares);

      for (guint i = 0; i < 3; i++)
        {
          gboolean first = TRUE, last = TRUE;
          double sx0 = x0[i], sx1 = x1[i];
          const ApRgba *color = part_color (palette, i);

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

          rounded_rect (cr, sx0, row_y + bar_top, MAX (sx1 - sx0, 1.0), BAR_HEIGHT,
                        first ? BAR_RADIUS : 0, last ? BAR_RADIUS : 0);
          set_source (cr, color);
          cairo_fill_preserve (cr);
          if ((int) row == highlighted_row && (ApChartPart) i == highlighted_part)
            {
              set_source (cr, &palette->highlight);
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

/* ---- legend ------------------------------------------------------------ */

static double
legend_layout (cairo_t                    *cr,
               const ApChartPalette       *palette,
               const PangoFontDescription *font,
               double                      x,
               double                      y,
               gboolean                    draw,
               double                     *out_height)
{
  double cursor = x;
  double height = LEGEND_SWATCH;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(PangoLayout) layout = create_layout (cr, font,
                                                     ap_chart_part_get_label ((ApChartPart) i));
      int tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      height = MAX (height, th);

      if (draw)
        {
          rounded_rect (cr, cursor, y + (th - LEGEND_SWATCH) / 2.0, LEGEND_SWATCH,
                        LEGEND_SWATCH, 2, 2);
          set_source (cr, part_color (palette, i));
          cairo_fill (cr);

          set_source (cr, &palette->foreground);
          cairo_move_to (cr, cursor + LEGEND_SWATCH + LEGEND_SWATCH_GAP, y);
          pango_cairo_show_layout (cr, layout);
        }

      cursor += LEGEND_SWATCH + LEGEND_SWATCH_GAP + tw;
      if (i < 2)
        cursor += LEGEND_ITEM_GAP;
    }

  if (out_height)
    *out_height = height;
  return cursor - x;
}

void
ap_chart_render_legend (cairo_t                    *cr,
                        const ApChartPalette       *palette,
                        const PangoFontDescription *font,
                        double                      x,
                        double                      y,
                        double                      width)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);

  cairo_save (cr);
  legend_layout (cr, palette, font, x, y, TRUE, NULL);
  cairo_restore (cr);
}

/* Measuring needs a cairo_t for pango; a tiny image surface stands in when
 * the caller has none (a widget's measure()). */
static cairo_t *
create_measure_context (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  return cr;
}

double
ap_chart_legend_get_height (const PangoFontDescription *font)
{
  cairo_t *cr = create_measure_context ();
  ApChartPalette palette;
  double height;

  ap_chart_palette_init (&palette, FALSE);
  legend_layout (cr, &palette, font, 0, 0, FALSE, &height);
  cairo_destroy (cr);
  return height;
}

double
ap_chart_legend_get_width (const PangoFontDescription *font)
{
  cairo_t *cr = create_measure_context ();
  ApChartPalette palette;
  double width;

  ap_chart_palette_init (&palette, FALSE);
  width = legend_layout (cr, &palette, font, 0, 0, FALSE, NULL);
  cairo_destroy (cr);
  return width;
}

/* ---- hover layers -------------------------------------------------------- */

/* What the widget draws over its cached base render as the pointer moves:
 * the hovered part alone, as the base would have drawn it highlighted. */

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
  set_source (cr, part_color (palette, highlighted));
  cairo_fill_preserve (cr);
  set_source (cr, &palette->highlight);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

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
  rounded_rect (cr, 0, row_y + 1, width, AP_CHART_BAR_ROW_HEIGHT - 2, 4, 4);
  set_source (cr, &palette->grid);
  cairo_fill (cr);

  if (highlighted_part >= AP_CHART_PART_CORRECT && highlighted_part <= AP_CHART_PART_NOT_WATCHED &&
      g.bar_width > 0 && s->correct + s->incorrect + s->not_watched > 0)
    {
      bar_segments (s, g.bar_x, g.bar_width, x0, x1);
      if (x1[highlighted_part] > x0[highlighted_part])
        {
          cairo_rectangle (cr, x0[highlighted_part], row_y + bar_top,
                           MAX (x1[highlighted_part] - x0[highlighted_part], 1.0), BAR_HEIGHT);
          set_source (cr, &palette->highlight);
          cairo_set_line_width (cr, 2.0);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
}

/* For the other chart files of this layer (ap-chart-trend.c) */

PangoLayout *
ap_chart_create_layout (cairo_t                    *cr,
                        const PangoFontDescription *font,
                        const char                 *text)
{
  return create_layout (cr, font, text);
}

PangoFontDescription *
ap_chart_scaled_font (cairo_t                    *cr,
                      const PangoFontDescription *font,
                      double                      scale)
{
  return scaled_font (font, font_pixel_size (cr, font) * scale, PANGO_WEIGHT_NORMAL);
}

const ApRgba *
ap_chart_palette_get_part_color (const ApChartPalette *palette,
                                 ApChartPart           part)
{
  return part_color (palette, part);
}

cairo_t *
ap_chart_create_measure_context (void)
{
  return create_measure_context ();
}
