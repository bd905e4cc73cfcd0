/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-report-render"

#include "config.h"

#include "ap-report-table-private.h"

/* The report's text: shaped once, kept as glyphs, drawn a page at a time.
 *
 * A 100,000-user report draws half a million texts. A PangoLayout per text
 * and pango_cairo_show_layout() per cell spent most of the time in three
 * places, each handled here:
 *
 * - Itemizing and line breaking a layout costs several times the shaping
 *   itself. A text of Latin letters (up to Latin Extended-A) whose every
 *   character the font has is one item in that font: it is shaped
 *   directly, with the analysis pango gives such text, and is one line when
 *   its width fits (as pango's line breaker decides). Anything else (other
 *   scripts, fallback fonts, wrapping) goes through a PangoLayout.
 * - Texts that repeat (departments, numbers, titles, dates, column titles,
 *   the footer) are shaped once and kept, by font, width and alignment.
 * - cairo's PDF surface pays per drawing operation (each is recorded,
 *   analysed and replayed at the end of the page). The page's glyphs are
 *   collected by font and colour and drawn at the end of the page with one
 *   cairo_show_text_glyphs() each, with the text and clusters pango gives,
 *   so the PDF's text extracts exactly as before. Text is drawn over the
 *   page's shapes; the report never draws a shape over text. */

/* The characters of the direct path: ASCII and Latin-1 letters and
 * punctuation and Latin Extended-A, without controls and without the soft
 * hyphen (pango treats it as a break opportunity) or the two emoji-capable
 * signs. */
#define FAST_LIMIT 0x180

#define MAX_CACHED 8192

typedef struct
{
  cairo_scaled_font_t *font;
  gboolean             backward;
  guint                first_glyph;
  guint                n_glyphs;
  guint                first_cluster;
  guint                n_clusters;
  guint                text_start;
  guint                text_len;
} ShapedRun;

struct _ApShaped
{
  double       width;
  double       height;
  guint        n_lines;
  guint        n_unknown;
  GArray      *runs;       /* ShapedRun */
  GArray      *glyphs;     /* cairo_glyph_t, from the top left of the text's box */
  GArray      *clusters;   /* cairo_text_cluster_t */
  GString     *text;
  PangoLayout *layout;     /* drawn by pango: it has glyphs no font has */
};

typedef struct
{
  const PangoFontDescription *description;
  PangoAnalysis               analysis;   /* as pango's itemizer gives Latin text */
  double                      line_height;
  double                      max_advance;  /* of the covered characters */
  int                         baseline;
  guint8                      covered[FAST_LIMIT / 8];
} FastFont;

typedef struct
{
  const PangoFontDescription *font;
  int                         width;
  PangoAlignment              alignment;
  const char                 *text;
} CacheKey;

/* A page's text of one font and colour, drawn with one call. */
typedef struct
{
  cairo_scaled_font_t *font;
  ApRgba               color;
  gboolean             backward;
  GArray              *glyphs;
  GArray              *clusters;
  GString             *text;
} Batch;

typedef struct
{
  PangoLayout *layout;
  ApRgba       color;
  double       x;
  double       y;
} DeferredLayout;

struct _ApRenderText
{
  PangoContext     *context;
  PangoLayout      *layout;
  GArray           *fonts;         /* FastFont */
  PangoGlyphString *glyphs;
  GHashTable       *cache;         /* CacheKey -> ApShaped */
  ApShaped         *scratch;
  GPtrArray        *batches;       /* Batch, in the order first used on the page */
  guint             n_used;        /* batches in use on this page */
  GArray           *deferred;      /* DeferredLayout */
  GArray           *rects[2];      /* cairo_rectangle_t, by ApRectKind */
  ApRgba            rect_colors[2];
};

/* Shaped text */

ApShaped *
ap_shaped_new (void)
{
  ApShaped *self = g_new0 (ApShaped, 1);

  self->runs = g_array_new (FALSE, FALSE, sizeof (ShapedRun));
  self->glyphs = g_array_new (FALSE, FALSE, sizeof (cairo_glyph_t));
  self->clusters = g_array_new (FALSE, FALSE, sizeof (cairo_text_cluster_t));
  self->text = g_string_new (NULL);

  return self;
}

static void
shaped_reset (ApShaped *self)
{
  for (guint i = 0; i < self->runs->len; i++)
    cairo_scaled_font_destroy (g_array_index (self->runs, ShapedRun, i).font);
  g_array_set_size (self->runs, 0);
  g_array_set_size (self->glyphs, 0);
  g_array_set_size (self->clusters, 0);
  g_string_truncate (self->text, 0);
  g_clear_object (&self->layout);
  self->width = self->height = 0;
  self->n_lines = self->n_unknown = 0;
}

void
ap_shaped_free (ApShaped *self)
{
  if (self == NULL)
    return;

  shaped_reset (self);
  g_array_unref (self->runs);
  g_array_unref (self->glyphs);
  g_array_unref (self->clusters);
  g_string_free (self->text, TRUE);
  g_free (self);
}

double
ap_shaped_get_width (const ApShaped *self)
{
  return self->width;
}

double
ap_shaped_get_height (const ApShaped *self)
{
  return self->height;
}

guint
ap_shaped_get_n_lines (const ApShaped *self)
{
  return self->n_lines;
}

/* One glyph item as pango's cairo renderer would draw it: the glyphs that
 * are drawn, and clusters that map them to @text (empty glyphs are not
 * drawn and not counted). FALSE when it has a glyph no font has. */
static gboolean
append_run (ApShaped       *self,
            const char     *text,
            PangoGlyphItem *run,
            int             x,
            int             baseline)
{
  PangoGlyphString *glyphs = run->glyphs;
  gboolean backward = (run->item->analysis.level & 1) != 0;
  cairo_scaled_font_t *font;
  PangoGlyphItemIter iter;
  ShapedRun out;
  int x_position = 0;

  for (int i = 0; i < glyphs->num_glyphs; i++)
    if (glyphs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG)
      return FALSE;

  font = pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (run->item->analysis.font));
  if (font == NULL)
    return FALSE;

  out.font = cairo_scaled_font_reference (font);
  out.backward = backward;
  out.first_glyph = self->glyphs->len;
  out.first_cluster = self->clusters->len;
  out.text_start = self->text->len;
  out.text_len = run->item->length;

  for (int i = 0; i < glyphs->num_glyphs; i++)
    {
      const PangoGlyphInfo *info = &glyphs->glyphs[i];

      if (info->glyph != PANGO_GLYPH_EMPTY)
        {
          cairo_glyph_t glyph;

          glyph.index = info->glyph;
          glyph.x = (double) (x + x_position + info->geometry.x_offset) / PANGO_SCALE;
          glyph.y = (double) (baseline + info->geometry.y_offset) / PANGO_SCALE;
          g_array_append_val (self->glyphs, glyph);
        }
      x_position += info->geometry.width;
    }

  for (gboolean have = pango_glyph_item_iter_init_start (&iter, run, text);
       have;
       have = pango_glyph_item_iter_next_cluster (&iter))
    {
      cairo_text_cluster_t cluster;
      int first = MIN (iter.start_glyph, iter.end_glyph + 1);
      int last = MAX (iter.start_glyph + 1, iter.end_glyph);

      cluster.num_bytes = iter.end_index - iter.start_index;
      cluster.num_glyphs = backward ? iter.start_glyph - iter.end_glyph
                                    : iter.end_glyph - iter.start_glyph;
      for (int i = first; i < last; i++)
        if (glyphs->glyphs[i].glyph == PANGO_GLYPH_EMPTY)
          cluster.num_glyphs--;
      g_array_append_val (self->clusters, cluster);
    }

  g_string_append_len (self->text, text + run->item->offset, run->item->length);
  out.n_glyphs = self->glyphs->len - out.first_glyph;
  out.n_clusters = self->clusters->len - out.first_cluster;
  g_array_append_val (self->runs, out);

  return TRUE;
}

/* Fonts of the direct path */

static FastFont *
fast_font (ApRenderText               *t,
           const PangoFontDescription *description)
{
  PangoFontset *fontset = NULL;
  PangoLayoutLine *line;
  PangoGlyphItem *run;
  FastFont fast = { 0 };
  int height;

  for (guint i = 0; i < t->fonts->len; i++)
    if (g_array_index (t->fonts, FastFont, i).description == description)
      return &g_array_index (t->fonts, FastFont, i);

  /* What pango makes of a Latin word in this font: the font it picks, the
   * script, language and flags of the item, the line's height. */
  fast.description = description;
  pango_layout_set_font_description (t->layout, description);
  pango_layout_set_width (t->layout, -1);
  pango_layout_set_text (t->layout, "Ag", -1);
  line = pango_layout_get_line_readonly (t->layout, 0);
  run = line->runs != NULL ? line->runs->data : NULL;
  pango_layout_get_size (t->layout, NULL, &height);
  fast.line_height = (double) height / PANGO_SCALE;
  fast.baseline = pango_layout_get_baseline (t->layout);

  if (run != NULL && pango_layout_get_line_count (t->layout) == 1 && line->runs->next == NULL &&
      run->item->analysis.script == PANGO_SCRIPT_LATIN && run->item->analysis.level == 0 &&
      run->item->analysis.extra_attrs == NULL)
    {
      fast.analysis = run->item->analysis;
      g_object_ref (fast.analysis.font);
      fontset = pango_font_map_load_fontset (pango_context_get_font_map (t->context), t->context,
                                             description, fast.analysis.language);
    }

  /* A character is on the direct path when pango would pick this very
   * font for it. */
  for (gunichar c = 0x20; fontset != NULL && c < FAST_LIMIT; c++)
    {
      PangoFont *font;

      if ((c >= 0x7f && c < 0xa0) || c == 0xa9 || c == 0xad || c == 0xae)
        continue;
      font = pango_fontset_get_font (fontset, c);
      if (font == fast.analysis.font)
        {
          char one[8] = { 0 };
          int advance;

          fast.covered[c / 8] |= 1 << (c % 8);
          g_unichar_to_utf8 (c, one);
          pango_shape_with_flags (one, strlen (one), one, strlen (one), &fast.analysis,
                                  t->glyphs, PANGO_SHAPE_NONE);
          advance = pango_glyph_string_get_width (t->glyphs);
          fast.max_advance = MAX (fast.max_advance, (double) advance / PANGO_SCALE);
        }
      g_clear_object (&font);
    }
  fast.max_advance *= 1.02;   /* kerning */
  g_clear_object (&fontset);

  g_array_append_val (t->fonts, fast);
  return &g_array_index (t->fonts, FastFont, t->fonts->len - 1);
}

static void
fast_font_clear (FastFont *fast)
{
  g_clear_object (&fast->analysis.font);
}

/* TRUE when every character of @text is on @fast's direct path and it
 * has a letter (digits and signs alone are not Latin to pango's
 * itemizer); its length in characters in @n_chars. */
static gboolean
is_direct (FastFont   *fast,
           const char *text,
           int        *n_chars)
{
  gboolean letter = FALSE;
  int n = 0;

  if (fast->analysis.font == NULL)
    return FALSE;

  for (const char *p = text; *p != '\0'; n++)
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        c = (guchar) *p++;
      else
        {
          c = g_utf8_get_char (p);
          p = g_utf8_next_char (p);
        }
      if (c >= FAST_LIMIT || !(fast->covered[c / 8] & (1 << (c % 8))))
        return FALSE;
      letter |= g_ascii_isalpha (c) || c >= 0xc0;
    }

  *n_chars = n;
  return letter;
}

/* @text shaped directly when that gives what a PangoLayout would: one run
 * in @fast's font on one line. */
static gboolean
shape_direct (ApRenderText   *t,
              FastFont       *fast,
              const char     *text,
              int             width,
              PangoAlignment  alignment,
              ApShaped       *out)
{
  PangoItem item = { 0 };
  PangoGlyphItem run;
  int n_chars;
  int text_width;
  int x = 0;
  gsize len;

  if (!is_direct (fast, text, &n_chars))
    return FALSE;

  len = strlen (text);
  pango_shape_with_flags (text, len, text, len, &fast->analysis, t->glyphs, PANGO_SHAPE_NONE);
  text_width = pango_glyph_string_get_width (t->glyphs);
  if (width >= 0 && text_width > width)
    return FALSE;

  if (width >= 0 && alignment == PANGO_ALIGN_RIGHT)
    x = width - text_width;
  else if (width >= 0 && alignment == PANGO_ALIGN_CENTER)
    x = (width - text_width) / 2;

  item.offset = 0;
  item.length = len;
  item.num_chars = n_chars;
  item.analysis = fast->analysis;
  run.item = &item;
  run.glyphs = t->glyphs;
  if (!append_run (out, text, &run, x, fast->baseline))
    {
      shaped_reset (out);
      return FALSE;
    }

  out->width = (double) text_width / PANGO_SCALE;
  out->height = fast->line_height;
  out->n_lines = 1;
  return TRUE;
}

static void
shape_layout (ApRenderText               *t,
              const PangoFontDescription *font,
              const char                 *text,
              int                         width,
              PangoAlignment              alignment,
              ApShaped                   *out)
{
  PangoLayoutIter *iter;
  int layout_width, height;
  gboolean drawable = TRUE;

  pango_layout_set_font_description (t->layout, font);
  pango_layout_set_alignment (t->layout, alignment);
  pango_layout_set_width (t->layout, width);
  pango_layout_set_text (t->layout, text, -1);
  pango_layout_get_size (t->layout, &layout_width, &height);
  out->width = (double) layout_width / PANGO_SCALE;
  out->height = (double) height / PANGO_SCALE;
  out->n_lines = pango_layout_get_line_count (t->layout);
  out->n_unknown = pango_layout_get_unknown_glyphs_count (t->layout);

  iter = pango_layout_get_iter (t->layout);
  do
    {
      PangoGlyphItem *run = pango_layout_iter_get_run_readonly (iter);
      PangoRectangle logical;

      if (run == NULL)
        continue;
      pango_layout_iter_get_run_extents (iter, NULL, &logical);
      drawable = append_run (out, text, run, logical.x, pango_layout_iter_get_baseline (iter));
    }
  while (drawable && pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);

  /* Boxes for glyphs no font has are pango's to draw. */
  if (!drawable)
    {
      double w = out->width, h = out->height;
      guint lines = out->n_lines, unknown = out->n_unknown;

      shaped_reset (out);
      out->width = w;
      out->height = h;
      out->n_lines = lines;
      out->n_unknown = unknown;
      out->layout = pango_layout_copy (t->layout);
    }
}

/* Measuring only: a text on the direct path that fits even if every
 * character were the widest one is one line of the font's height, known
 * without shaping it. Most names are then shaped once, to be drawn. */
gboolean
ap_render_fits_one_line (ApRender                   *r,
                         const PangoFontDescription *font,
                         const char                 *text,
                         double                      width,
                         double                     *height)
{
  FastFont *fast;
  int n_chars;

  if (!r->measuring)
    return FALSE;

  fast = fast_font (r->text, font);
  if (!is_direct (fast, text, &n_chars) || n_chars * fast->max_advance > width)
    return FALSE;

  *height = fast->line_height;
  return TRUE;
}

/* Cache */

static guint
cache_key_hash (gconstpointer key)
{
  const CacheKey *k = key;

  return g_str_hash (k->text) ^ (GPOINTER_TO_UINT (k->font) * 31) ^ ((guint) k->width * 7) ^
         (guint) k->alignment;
}

static gboolean
cache_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CacheKey *ka = a;
  const CacheKey *kb = b;

  return ka->font == kb->font && ka->width == kb->width && ka->alignment == kb->alignment &&
         strcmp (ka->text, kb->text) == 0;
}

static CacheKey *
cache_key_dup (const CacheKey *key)
{
  gsize len = strlen (key->text) + 1;
  CacheKey *copy = g_malloc (sizeof (CacheKey) + len);

  *copy = *key;
  copy->text = memcpy ((char *) (copy + 1), key->text, len);

  return copy;
}

void
ap_render_text_forget (ApRender *r)
{
  g_hash_table_remove_all (r->text->cache);
}

/* Shaping */

const ApShaped *
ap_render_shape (ApRender                   *r,
                 const char                 *text,
                 const PangoFontDescription *font,
                 double                      width,
                 PangoAlignment              alignment,
                 gboolean                    cache,
                 ApShaped                   *scratch)
{
  ApRenderText *t = r->text;
  CacheKey key;
  ApShaped *shaped;

  key.font = font;
  key.width = width > 0 ? (int) (width * PANGO_SCALE) : -1;
  key.alignment = key.width >= 0 ? alignment : PANGO_ALIGN_LEFT;
  key.text = text;

  if (cache)
    {
      shaped = g_hash_table_lookup (t->cache, &key);
      if (shaped != NULL)
        return shaped;
      if (g_hash_table_size (t->cache) >= MAX_CACHED)
        cache = FALSE;
    }

  shaped = cache ? ap_shaped_new () : scratch != NULL ? scratch : t->scratch;
  shaped_reset (shaped);
  if (!shape_direct (t, fast_font (t, font), text, key.width, key.alignment, shaped))
    shape_layout (t, font, text, key.width, key.alignment, shaped);

  if (r->measuring && shaped->n_unknown > 0 && r->n_missing++ == 0)
    r->missing_example = g_strdup (text);

  if (cache)
    g_hash_table_insert (t->cache, cache_key_dup (&key), shaped);

  return shaped;
}

/* Drawing: a page at a time */

static Batch *
batch_for (ApRenderText *t,
           ShapedRun    *run,
           const ApRgba *color)
{
  Batch *batch;

  /* A right-to-left run is drawn on its own: cairo reads a backward
   * call's clusters from its last glyph, so runs cannot be joined. */
  for (guint i = 0; i < t->n_used && !run->backward; i++)
    {
      batch = g_ptr_array_index (t->batches, i);
      if (batch->font == run->font && !batch->backward &&
          memcmp (&batch->color, color, sizeof *color) == 0)
        return batch;
    }

  if (t->n_used == t->batches->len)
    {
      batch = g_new0 (Batch, 1);
      batch->glyphs = g_array_new (FALSE, FALSE, sizeof (cairo_glyph_t));
      batch->clusters = g_array_new (FALSE, FALSE, sizeof (cairo_text_cluster_t));
      batch->text = g_string_new (NULL);
      g_ptr_array_add (t->batches, batch);
    }
  batch = g_ptr_array_index (t->batches, t->n_used++);
  batch->font = cairo_scaled_font_reference (run->font);
  batch->color = *color;
  batch->backward = run->backward;

  return batch;
}

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_clear_pointer (&batch->font, cairo_scaled_font_destroy);
  g_array_unref (batch->glyphs);
  g_array_unref (batch->clusters);
  g_string_free (batch->text, TRUE);
  g_free (batch);
}

void
ap_render_draw_shaped (ApRender       *r,
                       const ApShaped *shaped,
                       const ApRgba   *color,
                       double          x,
                       double          y)
{
  ApRenderText *t = r->text;

  if (r->cr == NULL)
    return;

  if (shaped->layout != NULL)
    {
      DeferredLayout deferred = { g_object_ref (shaped->layout), *color, x, y };

      g_array_append_val (t->deferred, deferred);
      return;
    }

  for (guint i = 0; i < shaped->runs->len; i++)
    {
      ShapedRun *run = &g_array_index (shaped->runs, ShapedRun, i);
      Batch *batch = batch_for (t, run, color);
      const cairo_glyph_t *glyphs;
      guint start = batch->glyphs->len;

      glyphs = &g_array_index (shaped->glyphs, cairo_glyph_t, run->first_glyph);
      g_array_append_vals (batch->glyphs, glyphs, run->n_glyphs);
      for (guint j = start; j < batch->glyphs->len; j++)
        {
          g_array_index (batch->glyphs, cairo_glyph_t, j).x += x;
          g_array_index (batch->glyphs, cairo_glyph_t, j).y += y;
        }
      g_array_append_vals (batch->clusters,
                           &g_array_index (shaped->clusters, cairo_text_cluster_t,
                                           run->first_cluster),
                           run->n_clusters);
      g_string_append_len (batch->text, shaped->text->str + run->text_start, run->text_len);
    }
}

double
ap_render_text_full (ApRender                   *r,
                     const char                 *text,
                     const PangoFontDescription *font,
                     const ApRgba               *color,
                     double                      x,
                     double                      y,
                     double                      width,
                     PangoAlignment              alignment,
                     gboolean                    cache)
{
  const ApShaped *shaped = ap_render_shape (r, text, font, width, alignment, cache, NULL);

  ap_render_draw_shaped (r, shaped, color, x, y);

  return shaped->height;
}

double
ap_render_text (ApRender                   *r,
                const char                 *text,
                const PangoFontDescription *font,
                const ApRgba               *color,
                double                      x,
                double                      y,
                double                      width,
                PangoAlignment              alignment)
{
  return ap_render_text_full (r, text, font, color, x, y, width, alignment, FALSE);
}

double
ap_render_text_width (ApRender                   *r,
                      const char                 *text,
                      const PangoFontDescription *font)
{
  return ap_render_shape (r, text, font, -1, PANGO_ALIGN_LEFT, FALSE, NULL)->width;
}

void
ap_render_fill_rect (ApRender     *r,
                     ApRectKind    kind,
                     const ApRgba *color,
                     double        x,
                     double        y,
                     double        width,
                     double        height)
{
  cairo_rectangle_t rect = { x, y, width, height };

  if (r->cr == NULL)
    return;

  g_assert (kind < G_N_ELEMENTS (r->text->rects));
  r->text->rect_colors[kind] = *color;
  g_array_append_val (r->text->rects[kind], rect);
}

/* Shapes first (row backgrounds), then text over them. */
void
ap_render_flush (ApRender *r)
{
  ApRenderText *t = r->text;

  if (r->cr == NULL)
    return;

  for (guint k = 0; k < G_N_ELEMENTS (t->rects); k++)
    {
      if (t->rects[k]->len == 0)
        continue;
      ap_chart_set_source (r->cr, &t->rect_colors[k]);
      for (guint i = 0; i < t->rects[k]->len; i++)
        {
          const cairo_rectangle_t *rect = &g_array_index (t->rects[k], cairo_rectangle_t, i);

          cairo_rectangle (r->cr, rect->x, rect->y, rect->width, rect->height);
        }
      cairo_fill (r->cr);
      g_array_set_size (t->rects[k], 0);
    }

  for (guint i = 0; i < t->n_used; i++)
    {
      Batch *batch = g_ptr_array_index (t->batches, i);

      ap_chart_set_source (r->cr, &batch->color);
      cairo_set_scaled_font (r->cr, batch->font);
      cairo_show_text_glyphs (r->cr, batch->text->str, batch->text->len,
                              (cairo_glyph_t *) batch->glyphs->data, batch->glyphs->len,
                              (cairo_text_cluster_t *) batch->clusters->data,
                              batch->clusters->len,
                              batch->backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
      g_clear_pointer (&batch->font, cairo_scaled_font_destroy);
      g_array_set_size (batch->glyphs, 0);
      g_array_set_size (batch->clusters, 0);
      g_string_truncate (batch->text, 0);
    }
  t->n_used = 0;

  for (guint i = 0; i < t->deferred->len; i++)
    {
      DeferredLayout *deferred = &g_array_index (t->deferred, DeferredLayout, i);

      ap_chart_set_source (r->cr, &deferred->color);
      cairo_move_to (r->cr, deferred->x, deferred->y);
      pango_cairo_show_layout (r->cr, deferred->layout);
      g_object_unref (deferred->layout);
    }
  g_array_set_size (t->deferred, 0);
}

/* Life cycle */

void
ap_render_text_init (ApRender *r)
{
  ApRenderText *t = g_new0 (ApRenderText, 1);

  t->context = g_object_ref (r->context);
  t->layout = pango_layout_new (t->context);
  pango_layout_set_wrap (t->layout, PANGO_WRAP_WORD_CHAR);
  t->fonts = g_array_new (FALSE, FALSE, sizeof (FastFont));
  g_array_set_clear_func (t->fonts, (GDestroyNotify) fast_font_clear);
  t->glyphs = pango_glyph_string_new ();
  t->cache = g_hash_table_new_full (cache_key_hash, cache_key_equal, g_free,
                                    (GDestroyNotify) ap_shaped_free);
  t->scratch = ap_shaped_new ();
  t->batches = g_ptr_array_new_with_free_func (batch_free);
  t->deferred = g_array_new (FALSE, FALSE, sizeof (DeferredLayout));
  for (guint k = 0; k < G_N_ELEMENTS (t->rects); k++)
    t->rects[k] = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_t));

  r->text = t;
}

void
ap_render_text_clear (ApRender *r)
{
  ApRenderText *t = r->text;

  if (t == NULL)
    return;

  for (guint i = 0; i < t->deferred->len; i++)
    g_object_unref (g_array_index (t->deferred, DeferredLayout, i).layout);
  g_array_unref (t->deferred);
  for (guint i = 0; i < t->n_used; i++)
    g_clear_pointer (&((Batch *) g_ptr_array_index (t->batches, i))->font,
                     cairo_scaled_font_destroy);
  g_ptr_array_unref (t->batches);
  for (guint k = 0; k < G_N_ELEMENTS (t->rects); k++)
    g_array_unref (t->rects[k]);
  g_hash_table_unref (t->cache);
  ap_shaped_free (t->scratch);
  pango_glyph_string_free (t->glyphs);
  g_array_unref (t->fonts);
  g_object_unref (t->layout);
  g_object_unref (t->context);
  g_free (t);
  r->text = NULL;
}
