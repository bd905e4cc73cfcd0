/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-report-text"

#include "config.h"

#include <locale.h>

#include "ap-report-table-private.h"

/* The report shapes most texts without a PangoLayout and draws a page's
 * glyphs in batches (ap-report-text.c). Whatever path a text takes, it
 * must draw exactly what pango_cairo_show_layout() draws for a layout of
 * the same text, font, width and alignment: compared here pixel by pixel,
 * at eight times the PDF's resolution (576 dpi). */

#define SCALE 8

static const char *texts[] = {
  "Anna Andersson",
  "Chloé Fernández-Müller",
  "Łukasz Wałęsa",
  "İsmail Şahin",
  "Þórunn Ægisdóttir",
  "Robert \"Bob\" O'Neill",
  "Office staff: fifty-five AVAILABLE WAVES, Tokyo",
  "anna.andersson.12@example.com",
  "j.ø.smith+training@sub-domain.example.co.uk",
  "Department 12",
  "12345",
  "14,2\xc2\xa0%",
  "Mohammed bin Abdulaziz Al-Rashid · Compliance & Legal",
  "محمد الأحمد",
  "김민준",
  "Zoë Ærø Ōtaki 1st",
};

typedef struct
{
  ApRender r;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  ap_render_init (&fixture->r, NULL, g_strdup (""));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ap_render_clear (&fixture->r);
}

static cairo_surface_t *
new_canvas (cairo_t **cr,
            int       height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400 * SCALE,
                                                         height * SCALE);

  *cr = cairo_create (surface);
  cairo_set_source_rgb (*cr, 1, 1, 1);
  cairo_paint (*cr);
  cairo_scale (*cr, SCALE, SCALE);

  return surface;
}

/* Pixels that differ by more than a tenth in a channel. */
static gboolean
pixel_differs (guint32 a,
               guint32 b)
{
  for (guint shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 25)
      return TRUE;

  return FALSE;
}

static guint
count_different_pixels (cairo_surface_t *a,
                        cairo_surface_t *b,
                        gboolean         show)
{
  int stride = cairo_image_surface_get_stride (a);
  int height = cairo_image_surface_get_height (a);
  int width = cairo_image_surface_get_width (a);
  const guint32 *pa, *pb;
  guint n = 0;

  cairo_surface_flush (a);
  cairo_surface_flush (b);
  for (int y = 0; y < height; y++)
    {
      pa = (const guint32 *) (cairo_image_surface_get_data (a) + y * stride);
      pb = (const guint32 *) (cairo_image_surface_get_data (b) + y * stride);
      for (int x = 0; x < width; x++)
        if (pixel_differs (pa[x], pb[x]))
          {
            if (show && n < 5)
              g_test_message ("differs at %d, %d: %06x, %06x", x, y, pa[x] & 0xffffff,
                              pb[x] & 0xffffff);
            n++;
          }
    }

  return n;
}

static guint
count_inked_pixels (cairo_surface_t *surface)
{
  cairo_surface_t *blank;
  cairo_t *cr;
  guint n;

  blank = new_canvas (&cr, cairo_image_surface_get_height (surface) / SCALE);
  cairo_destroy (cr);
  n = count_different_pixels (surface, blank, FALSE);
  cairo_surface_destroy (blank);

  return n;
}

/* Draws @text both ways and compares; returns the shaped text's size. */
static void
compare (ApRender                   *r,
         const char                 *text,
         const PangoFontDescription *font,
         double                      width,
         PangoAlignment              alignment,
         gboolean                    cache)
{
  static const ApRgba black = { 0, 0, 0, 1 };
  cairo_surface_t *ours, *pangos;
  cairo_t *cr;
  const ApShaped *shaped;
  PangoLayout *layout;
  int layout_width, layout_height;
  guint inked, different;

  shaped = ap_render_shape (r, text, font, width, alignment, cache, NULL);

  ours = new_canvas (&cr, 60);
  r->cr = cr;
  ap_render_draw_shaped (r, shaped, &black, 10, 10);
  ap_render_flush (r);
  r->cr = NULL;
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);

  layout = pango_layout_new (r->context);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, width > 0 ? (int) (width * PANGO_SCALE) : -1);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, &layout_width, &layout_height);

  pangos = new_canvas (&cr, 60);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, 10, 10);
  pango_cairo_show_layout (cr, layout);
  cairo_destroy (cr);

  g_test_message ("%s at %g: %g × %g, %u lines", text, width, ap_shaped_get_width (shaped),
                  ap_shaped_get_height (shaped), ap_shaped_get_n_lines (shaped));
  g_assert_cmpfloat_with_epsilon (ap_shaped_get_height (shaped),
                                  (double) layout_height / PANGO_SCALE, 1e-9);
  g_assert_cmpuint (ap_shaped_get_n_lines (shaped), ==, pango_layout_get_line_count (layout));
  inked = count_inked_pixels (pangos);
  different = count_different_pixels (ours, pangos, TRUE);
  g_assert_cmpuint (inked, >, 0);
  /* Where two antialiased glyphs overlap, one call and two blend their
   * edge differently: a handful of pixels. A glyph misplaced by a pixel
   * (1/8 point) or a different glyph differs along all its edges. */
  g_assert_cmpuint (different, <=, inked / 500);

  g_object_unref (layout);
  cairo_surface_destroy (ours);
  cairo_surface_destroy (pangos);
}

static void
test_same_as_pango (Fixture       *fixture,
                    gconstpointer  data)
{
  ApRender *r = &fixture->r;
  const PangoFontDescription *fonts[] = { r->cell_font, r->small_font, r->cell_bold_font,
                                          r->heading_font };

  for (guint f = 0; f < G_N_ELEMENTS (fonts); f++)
    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        /* One line, wide and aligned either way, and wrapped narrow. */
        compare (r, texts[i], fonts[f], -1, PANGO_ALIGN_LEFT, FALSE);
        compare (r, texts[i], fonts[f], 380, PANGO_ALIGN_LEFT, FALSE);
        compare (r, texts[i], fonts[f], 380, PANGO_ALIGN_RIGHT, TRUE);
        compare (r, texts[i], fonts[f], 60, PANGO_ALIGN_LEFT, TRUE);
      }
}

/* Texts of several fonts and colours drawn in one batch land where each
 * would alone (one a line, so none overlaps another). */
static void
test_batch (Fixture       *fixture,
            gconstpointer  data)
{
  static const ApRgba red = { 1, 0, 0, 1 };
  static const ApRgba grey = { 0.5, 0.5, 0.5, 1 };
  ApRender *r = &fixture->r;
  cairo_surface_t *batched, *alone;
  cairo_t *cr;

  batched = new_canvas (&cr, 14 * G_N_ELEMENTS (texts));
  r->cr = cr;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    ap_render_draw_shaped (r, ap_render_shape (r, texts[i], i % 2 ? r->cell_font : r->small_font,
                                               390, PANGO_ALIGN_RIGHT, i % 3 == 0, NULL),
                           i % 2 ? &red : &grey, 5, i * 14);
  ap_render_flush (r);
  r->cr = NULL;
  cairo_destroy (cr);

  alone = new_canvas (&cr, 14 * G_N_ELEMENTS (texts));
  r->cr = cr;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      ap_render_draw_shaped (r, ap_render_shape (r, texts[i],
                                                 i % 2 ? r->cell_font : r->small_font, 390,
                                                 PANGO_ALIGN_RIGHT, FALSE, NULL),
                             i % 2 ? &red : &grey, 5, i * 14);
      ap_render_flush (r);
    }
  r->cr = NULL;
  cairo_destroy (cr);

  g_assert_cmpuint (count_inked_pixels (batched), >, 0);
  g_assert_cmpuint (count_different_pixels (batched, alone, TRUE), ==, 0);
  cairo_surface_destroy (batched);
  cairo_surface_destroy (alone);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ap/report-text/same-as-pango", Fixture, NULL, fixture_set_up,
              test_same_as_pango, fixture_tear_down);
  g_test_add ("/ap/report-text/batch", Fixture, NULL, fixture_set_up, test_batch,
              fixture_tear_down);

  return g_test_run ();
}
