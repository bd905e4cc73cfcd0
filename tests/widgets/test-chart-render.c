/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chart-render"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <cairo-pdf.h>

#include "ap-chart-render.h"

#define SIZE 200

static PangoFontDescription *
test_font (void)
{
  return pango_font_description_from_string ("Sans 10");
}

static gboolean
pixel_matches (const guint8 *p,
               const ApRgba *rgba)
{
  /* CAIRO_FORMAT_RGB24 on little endian: B, G, R, unused */
  return fabs (p[2] - rgba->red * 255) <= 2 &&
         fabs (p[1] - rgba->green * 255) <= 2 &&
         fabs (p[0] - rgba->blue * 255) <= 2;
}

typedef struct
{
  guint correct;
  guint incorrect;
  guint not_watched;
  guint not_background;
} PixelCounts;

static PixelCounts
count_pixels (cairo_surface_t      *surface,
              const ApChartPalette *palette)
{
  PixelCounts counts = { 0, };
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = data + y * stride + x * 4;

        if (p[0] != 0xff || p[1] != 0xff || p[2] != 0xff)
          counts.not_background++;
        if (pixel_matches (p, &palette->correct))
          counts.correct++;
        else if (pixel_matches (p, &palette->incorrect))
          counts.incorrect++;
        else if (pixel_matches (p, &palette->not_watched))
          counts.not_watched++;
      }

  return counts;
}

static cairo_surface_t *
white_surface (int      width,
               int      height,
               cairo_t **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);

  *cr = cairo_create (surface);
  cairo_set_source_rgb (*cr, 1, 1, 1);
  cairo_paint (*cr);
  return surface;
}

static void
test_breakdown_shares (void)
{
  g_autoptr(PangoFontDescription) font = test_font ();
  ApChartPalette palette;
  cairo_surface_t *surface;
  cairo_t *cr;
  PixelCounts counts;
  double coloured;

  ap_chart_palette_init (&palette, FALSE);
  surface = white_surface (SIZE, SIZE, &cr);
  ap_chart_render_breakdown (cr, &palette, font, 0, 0, SIZE, SIZE, 120, 30, 50,
                             AP_CHART_PART_NONE);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  counts = count_pixels (surface, &palette);

  /* The ring's areas are in proportion to the counts (60/15/25) */
  coloured = counts.correct + counts.incorrect + counts.not_watched;
  g_assert_cmpfloat (coloured, >, SIZE * SIZE / 10);
  g_assert_cmpfloat_with_epsilon (counts.correct / coloured, 0.60, 0.03);
  g_assert_cmpfloat_with_epsilon (counts.incorrect / coloured, 0.15, 0.03);
  g_assert_cmpfloat_with_epsilon (counts.not_watched / coloured, 0.25, 0.03);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_breakdown_empty (void)
{
  g_autoptr(PangoFontDescription) font = test_font ();
  ApChartPalette palette;
  cairo_surface_t *surface;
  cairo_t *cr;
  PixelCounts counts;

  ap_chart_palette_init (&palette, FALSE);
  surface = white_surface (SIZE, SIZE, &cr);
  ap_chart_render_breakdown (cr, &palette, font, 0, 0, SIZE, SIZE, 0, 0, 0, AP_CHART_PART_NONE);
  counts = count_pixels (surface, &palette);

  /* The empty track and "No data" are drawn, no data colour */
  g_assert_cmpuint (counts.not_background, >, 1000);
  g_assert_cmpuint (counts.correct + counts.incorrect + counts.not_watched, ==, 0);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A point on the ring at @fraction of the way round, clockwise from the top */
static void
ring_point (double  fraction,
            double *x,
            double *y)
{
  double angle = -G_PI / 2 + fraction * 2 * G_PI;
  double radius = SIZE / 2.0 - 20;

  *x = SIZE / 2.0 + radius * cos (angle);
  *y = SIZE / 2.0 + radius * sin (angle);
}

static void
test_breakdown_hit_test (void)
{
  struct { double fraction; ApChartPart part; } cases[] = {
    { 0.01, AP_CHART_PART_CORRECT },
    { 0.30, AP_CHART_PART_CORRECT },
    { 0.59, AP_CHART_PART_CORRECT },
    { 0.61, AP_CHART_PART_INCORRECT },
    { 0.74, AP_CHART_PART_INCORRECT },
    { 0.76, AP_CHART_PART_NOT_WATCHED },
    { 0.99, AP_CHART_PART_NOT_WATCHED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double x, y;

      ring_point (cases[i].fraction, &x, &y);
      g_assert_cmpint (ap_chart_breakdown_hit_test (SIZE, SIZE, 120, 30, 50, x, y), ==,
                       cases[i].part);
    }

  /* The hole, the corners and an empty chart hit nothing */
  g_assert_cmpint (ap_chart_breakdown_hit_test (SIZE, SIZE, 120, 30, 50, SIZE / 2, SIZE / 2), ==,
                   AP_CHART_PART_NONE);
  g_assert_cmpint (ap_chart_breakdown_hit_test (SIZE, SIZE, 120, 30, 50, 1, 1), ==,
                   AP_CHART_PART_NONE);
  {
    double x, y;

    ring_point (0.3, &x, &y);
    g_assert_cmpint (ap_chart_breakdown_hit_test (SIZE, SIZE, 0, 0, 0, x, y), ==,
                     AP_CHART_PART_NONE);
    /* A part with no count is never hit: all of the ring is "incorrect" */
    g_assert_cmpint (ap_chart_breakdown_hit_test (SIZE, SIZE, 0, 5, 0, x, y), ==,
                     AP_CHART_PART_INCORRECT);
  }
}

static const ApChartSeries series[] = {
  { "Sales", 10, 20, 70 },
  { "Engineering, \"Core\"", 80, 10, 10 },
  { "", 0, 0, 0 },
  { "Zoë's team", 1, 0, 999 },
};

static void
test_stacked_bars_hit_test (void)
{
  double width = 600;
  double height = ap_chart_stacked_bars_get_height (G_N_ELEMENTS (series));
  double bar_x = MIN (220.0, floor (width * 0.32)) + 12;  /* the label column */
  double bar_width = width - bar_x;
  ApChartPart part;
  int row;

  g_assert_cmpfloat (height, ==, 4 * AP_CHART_BAR_ROW_HEIGHT);
  g_assert_cmpfloat (ap_chart_stacked_bars_get_height (0), ==, AP_CHART_BAR_ROW_HEIGHT);

  /* Row 0: 10 % correct, 20 % incorrect, 70 % not watched */
  row = ap_chart_stacked_bars_hit_test (width, height, series, 4, bar_x + bar_width * 0.05,
                                        AP_CHART_BAR_ROW_HEIGHT / 2, &part);
  g_assert_cmpint (row, ==, 0);
  g_assert_cmpint (part, ==, AP_CHART_PART_CORRECT);
  row = ap_chart_stacked_bars_hit_test (width, height, series, 4, bar_x + bar_width * 0.2,
                                        AP_CHART_BAR_ROW_HEIGHT / 2, &part);
  g_assert_cmpint (part, ==, AP_CHART_PART_INCORRECT);
  row = ap_chart_stacked_bars_hit_test (width, height, series, 4, bar_x + bar_width * 0.9,
                                        AP_CHART_BAR_ROW_HEIGHT / 2, &part);
  g_assert_cmpint (part, ==, AP_CHART_PART_NOT_WATCHED);

  /* Row 1, on the label: the row but no part */
  row = ap_chart_stacked_bars_hit_test (width, height, series, 4, 20,
                                        AP_CHART_BAR_ROW_HEIGHT * 1.5, &part);
  g_assert_cmpint (row, ==, 1);
  g_assert_cmpint (part, ==, AP_CHART_PART_NONE);

  /* Row 3: one correct answer of a thousand still has a part to hover */
  row = ap_chart_stacked_bars_hit_test (width, height, series, 4, bar_x + 1,
                                        AP_CHART_BAR_ROW_HEIGHT * 3.5, &part);
  g_assert_cmpint (row, ==, 3);
  g_assert_cmpint (part, ==, AP_CHART_PART_CORRECT);

  /* Outside */
  g_assert_cmpint (ap_chart_stacked_bars_hit_test (width, height, series, 4, 100, height + 1,
                                                   &part), ==, -1);
  g_assert_cmpint (part, ==, AP_CHART_PART_NONE);
  g_assert_cmpint (ap_chart_stacked_bars_hit_test (width, height, series, 4, -1, 5, NULL), ==, -1);
  g_assert_cmpint (ap_chart_stacked_bars_hit_test (width, height, NULL, 0, 10, 5, NULL), ==, -1);
}

static void
test_stacked_bars_render (void)
{
  g_autoptr(PangoFontDescription) font = test_font ();
  double height = ap_chart_stacked_bars_get_height (G_N_ELEMENTS (series));
  ApChartPalette palette;
  cairo_surface_t *surface;
  cairo_t *cr;
  PixelCounts counts;

  ap_chart_palette_init (&palette, FALSE);
  surface = white_surface (600, height, &cr);
  ap_chart_render_stacked_bars (cr, &palette, font, 0, 0, 600, height, series, 4, 1,
                                AP_CHART_PART_INCORRECT);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  counts = count_pixels (surface, &palette);

  g_assert_cmpuint (counts.correct, >, 1000);
  g_assert_cmpuint (counts.incorrect, >, 500);
  g_assert_cmpuint (counts.not_watched, >, 1000);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A part too narrow for its share still shows it: set smaller, or on a
 * badge of its colour over the neighbours. Measured by the incorrect
 * colour's pixels, which a badge adds beyond the segment itself. */
static void
test_stacked_bars_narrow_labels (void)
{
  static const ApChartSeries narrow[] = {
    { "Wide", 50, 40, 10 },
    { "Narrow", 50, 3, 47 },
    { "Two narrow", 94, 3, 3 },
  };
  g_autoptr(PangoFontDescription) font = test_font ();
  double height = ap_chart_stacked_bars_get_height (1);
  ApChartPalette palette;
  guint segment_only, labelled[G_N_ELEMENTS (narrow)];

  ap_chart_palette_init (&palette, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (narrow); i++)
    {
      cairo_surface_t *surface;
      cairo_t *cr;

      surface = white_surface (500, height, &cr);
      ap_chart_render_stacked_bars (cr, &palette, font, 0, 0, 500, height, &narrow[i], 1, -1,
                                    AP_CHART_PART_NONE);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      labelled[i] = count_pixels (surface, &palette).incorrect;
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }

  /* 3 % of a bar of about 330 px, 18 px tall: about 180 px of red */
  segment_only = 0.03 * 330 * 18;
  g_test_message ("incorrect pixels: wide %u, narrow %u, two narrow %u (segment %u)",
                  labelled[0], labelled[1], labelled[2], segment_only);
  g_assert_cmpuint (labelled[1], >, 2 * segment_only);
  /* Two narrow parts side by side: no badge covers the other part. */
  g_assert_cmpuint (labelled[2], >=, segment_only / 2);
  g_assert_cmpuint (labelled[2], <, 2 * segment_only);
}

static void
test_percentages (void)
{
  guint p[3];
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *description = NULL;
  g_autofree char *empty = NULL;

  ap_chart_compute_percentages (120, 30, 50, p);
  g_assert_cmpuint (p[0], ==, 60);
  g_assert_cmpuint (p[1], ==, 15);
  g_assert_cmpuint (p[2], ==, 25);

  /* Thirds still add up to 100 */
  ap_chart_compute_percentages (1, 1, 1, p);
  g_assert_cmpuint (p[0] + p[1] + p[2], ==, 100);

  ap_chart_compute_percentages (0, 0, 0, p);
  g_assert_cmpuint (p[0] + p[1] + p[2], ==, 0);

  ap_chart_compute_percentages (1, 0, 999, p);
  small = ap_chart_format_percent (1, 1000, p[0]);
  large = ap_chart_format_percent (999, 1000, p[2]);
  whole = ap_chart_format_percent (7, 7, 100);
  g_assert_cmpstr (small, ==, "<1 %");
  g_assert_cmpstr (large, ==, ">99 %");
  g_assert_cmpstr (whole, ==, "100 %");

  description = ap_chart_describe_counts (120, 30, 50);
  g_assert_cmpstr (description, ==,
                   "Correct 120 (60 %), incorrect 30 (15 %), not watched 50 (25 %)");
  empty = ap_chart_describe_counts (0, 0, 0);
  g_assert_cmpstr (empty, ==, "No data");

  g_assert_cmpstr (ap_chart_part_get_label (AP_CHART_PART_NOT_WATCHED), ==, "Not watched");
}

static double
luminance (const ApRgba *c)
{
  double channels[3] = { c->red, c->green, c->blue };

  for (guint i = 0; i < 3; i++)
    channels[i] = channels[i] <= 0.03928 ? channels[i] / 12.92
                                         : pow ((channels[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
}

static double
contrast (const ApRgba *a,
          guint32       background)
{
  ApRgba bg = { ((background >> 16) & 0xff) / 255.0, ((background >> 8) & 0xff) / 255.0,
                (background & 0xff) / 255.0, 1 };
  double la = luminance (a), lb = luminance (&bg);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static void
test_palette_contrast (void)
{
  /* Window and card backgrounds of Adwaita's light and dark styles */
  struct { gboolean dark; guint32 backgrounds[2]; } styles[] = {
    { FALSE, { 0xffffff, 0xfafafa } },
    { TRUE, { 0x242424, 0x363636 } },
  };

  for (guint s = 0; s < G_N_ELEMENTS (styles); s++)
    {
      ApChartPalette palette;

      ap_chart_palette_init (&palette, styles[s].dark);
      for (guint b = 0; b < 2; b++)
        {
          g_assert_cmpfloat (contrast (&palette.correct, styles[s].backgrounds[b]), >=, 3.0);
          g_assert_cmpfloat (contrast (&palette.incorrect, styles[s].backgrounds[b]), >=, 3.0);
          g_assert_cmpfloat (contrast (&palette.not_watched, styles[s].backgrounds[b]), >=, 3.0);
        }

      /* The three parts are three different colours */
      g_assert_false (palette.correct.red == palette.not_watched.red &&
                      palette.correct.green == palette.not_watched.green);
      g_assert_false (palette.incorrect.red == palette.not_watched.red &&
                      palette.incorrect.green == palette.not_watched.green);
    }
}

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The PDF is binary: g_strstr_len() would stop at the first NUL */
static gboolean
bytes_contain (GByteArray *array,
               const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= array->len; i++)
    if (memcmp (array->data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_pdf_surface (void)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 9");
  g_autoptr(GByteArray) pdf = g_byte_array_new ();
  double height = ap_chart_stacked_bars_get_height (G_N_ELEMENTS (series));
  ApChartPalette palette;
  cairo_surface_t *surface;
  cairo_t *cr;

  /* A4 in points, as the report uses */
  surface = cairo_pdf_surface_create_for_stream (append_to_array, pdf, 595, 842);
  cr = cairo_create (surface);
  ap_chart_palette_init (&palette, FALSE);

  ap_chart_render_breakdown (cr, &palette, font, 40, 40, 160, 160, 120, 30, 50,
                             AP_CHART_PART_NONE);
  ap_chart_render_legend (cr, &palette, font, 40, 210, 500);
  ap_chart_render_stacked_bars (cr, &palette, font, 40, 240, 500, height, series, 4, -1,
                                AP_CHART_PART_NONE);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  g_assert_cmpuint (pdf->len, >, 1000);
  g_assert_true (memcmp (pdf->data, "%PDF-", 5) == 0);
  /* Text was laid out with real fonts, embedded in the file */
  g_assert_true (bytes_contain (pdf, "/FontFile"));
}

static void
test_legend (void)
{
  g_autoptr(PangoFontDescription) font = test_font ();
  double width = ap_chart_legend_get_width (font);
  double height = ap_chart_legend_get_height (font);
  ApChartPalette palette;
  cairo_surface_t *surface;
  cairo_t *cr;
  PixelCounts counts;

  g_assert_cmpfloat (width, >, 100);
  g_assert_cmpfloat (height, >=, 12);

  ap_chart_palette_init (&palette, FALSE);
  surface = white_surface (ceil (width) + 2, ceil (height) + 2, &cr);
  ap_chart_render_legend (cr, &palette, font, 1, 1, width);
  counts = count_pixels (surface, &palette);
  /* Three swatches of 12 x 12 (less the rounded corners) */
  g_assert_cmpuint (counts.correct, >=, 100);
  g_assert_cmpuint (counts.incorrect, >=, 100);
  g_assert_cmpuint (counts.not_watched, >=, 100);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Counts without allocating: plain digits below the locale's first digit
 * group, printf's grouping above it; the same text as printf's "%'" in C
 * and in a locale that groups digits (de_DE: 1.234). */
static void
test_format_count (void)
{
  const char *locales[] = { "C.UTF-8", "de_DE.UTF-8" };
  const guint64 large[] = { 99999, 100000, 1234567, G_MAXUINT32, G_MAXUINT64 };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));

  for (guint l = 0; l < G_N_ELEMENTS (locales); l++)
    {
      if (setlocale (LC_NUMERIC, locales[l]) == NULL)
        {
          g_test_message ("locale %s not installed: not compared in it", locales[l]);
          continue;
        }

      for (guint64 value = 0; value < 20000 + G_N_ELEMENTS (large); value++)
        {
          guint64 count = value < 20000 ? value : large[value - 20000];
          char buf[AP_CHART_COUNT_LEN];
          g_autofree char *expected = g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
          g_autofree char *allocated = ap_chart_format_count (count);

          g_assert_cmpstr (ap_chart_format_count_into (count, buf), ==, expected);
          g_assert_cmpstr (allocated, ==, expected);
        }
      if (g_str_equal (locales[l], "de_DE.UTF-8"))
        {
          g_autofree char *grouped = ap_chart_format_count (1234);

          g_assert_cmpstr (grouped, ==, "1.234");
        }
    }

  setlocale (LC_NUMERIC, saved);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/chart-render/format-count", test_format_count);
  g_test_add_func ("/ap/chart-render/breakdown-shares", test_breakdown_shares);
  g_test_add_func ("/ap/chart-render/breakdown-empty", test_breakdown_empty);
  g_test_add_func ("/ap/chart-render/breakdown-hit-test", test_breakdown_hit_test);
  g_test_add_func ("/ap/chart-render/stacked-bars-hit-test", test_stacked_bars_hit_test);
  g_test_add_func ("/ap/chart-render/stacked-bars-render", test_stacked_bars_render);
  g_test_add_func ("/ap/chart-render/stacked-bars-narrow-labels",
                   test_stacked_bars_narrow_labels);
  g_test_add_func ("/ap/chart-render/percentages", test_percentages);
  g_test_add_func ("/ap/chart-render/palette-contrast", test_palette_contrast);
  g_test_add_func ("/ap/chart-render/pdf-surface", test_pdf_surface);
  g_test_add_func ("/ap/chart-render/legend", test_legend);

  return g_test_run ();
}
