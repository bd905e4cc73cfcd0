/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-chart-render"

#include "config.h"

#include <glib/gi18n.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "ap-chart-render-private.h"

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

const char *
ap_chart_format_count_into (guint64 count,
                            char    buf[AP_CHART_COUNT_LEN])
{
  const char *grouping = localeconv ()->grouping;
  guint first = grouping != NULL ? (guchar) grouping[0] : 0;
  /* Below the locale's first group of digits (none at all when grouping
   * is empty or CHAR_MAX) a count is plain digits: no printf. */
  guint64 below = first == 0 || first == CHAR_MAX || first >= 3 ? 1000 : first == 2 ? 100 : 10;
  char *p = buf + AP_CHART_COUNT_LEN - 1;

  if (count >= below)
    {
      /* 20 digits and 19 separators of at most 4 bytes each fit */
      g_snprintf (buf, AP_CHART_COUNT_LEN, "%'" G_GUINT64_FORMAT, count);
      return buf;
    }

  *p = '\0';
  do
    *--p = (char) ('0' + count % 10);
  while ((count /= 10) > 0);
  return p;
}

char *
ap_chart_format_count (guint64 count)
{
  char buf[AP_CHART_COUNT_LEN];

  return g_strdup (ap_chart_format_count_into (count, buf));
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

/* ---- drawing helpers of the chart files (ap-chart-render-private.h) ------ */

void
ap_chart_set_source (cairo_t      *cr,
                     const ApRgba *rgba)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha);
}

const ApRgba *
ap_chart_palette_get_part_color (const ApChartPalette *palette,
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

PangoLayout *
ap_chart_create_layout (cairo_t                    *cr,
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
double
ap_chart_font_pixel_size (cairo_t                    *cr,
                          const PangoFontDescription *font)
{
  g_autoptr(PangoLayout) layout = ap_chart_create_layout (cr, font, "0");
  int h;

  pango_layout_get_pixel_size (layout, NULL, &h);
  return h;
}

PangoFontDescription *
ap_chart_font_at_size (const PangoFontDescription *font,
                       double                      pixel_size,
                       PangoWeight                 weight)
{
  PangoFontDescription *desc = font ? pango_font_description_copy (font)
                                    : pango_font_description_from_string (default_font);

  pango_font_description_set_absolute_size (desc, pixel_size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  return desc;
}

/* Splits @extent in proportion to @counts, but a part that is not zero
 * gets at least @minimum (taken from the largest part), so one incorrect
 * answer among thousands still shows and can be hovered. */
void
ap_chart_share_out (const guint64 counts[3],
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

void
ap_chart_rounded_rect (cairo_t *cr,
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
      const char *label = ap_chart_part_get_label ((ApChartPart) i);
      g_autoptr(PangoLayout) layout = ap_chart_create_layout (cr, font, label);
      int tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      height = MAX (height, th);

      if (draw)
        {
          ap_chart_rounded_rect (cr, cursor, y + (th - LEGEND_SWATCH) / 2.0, LEGEND_SWATCH,
                                 LEGEND_SWATCH, 2, 2);
          ap_chart_set_source (cr, ap_chart_palette_get_part_color (palette, i));
          cairo_fill (cr);

          ap_chart_set_source (cr, &palette->foreground);
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
cairo_t *
ap_chart_create_measure_context (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  return cr;
}

double
ap_chart_legend_get_height (const PangoFontDescription *font)
{
  cairo_t *cr = ap_chart_create_measure_context ();
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
  cairo_t *cr = ap_chart_create_measure_context ();
  ApChartPalette palette;
  double width;

  ap_chart_palette_init (&palette, FALSE);
  width = legend_layout (cr, &palette, font, 0, 0, FALSE, NULL);
  cairo_destroy (cr);
  return width;
}

PangoFontDescription *
ap_chart_scaled_font (cairo_t                    *cr,
                      const PangoFontDescription *font,
                      double                      scale)
{
  return ap_chart_font_at_size (font, ap_chart_font_pixel_size (cr, font) * scale,
                                PANGO_WEIGHT_NORMAL);
}
