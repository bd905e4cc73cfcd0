/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-report-render"

#include "config.h"

#include <glib/gi18n.h>
#include <cairo-pdf.h>

#include "ap-report-table-private.h"

/* Fontconfig picks a fallback for any character these lack, so a name in
 * any script the system has a font for is drawn; what no font has is
 * counted (pango_layout_get_unknown_glyphs_count) and named in the report. */
#define FONT_FAMILY "Cantarell, Noto Sans, Nimbus Sans, DejaVu Sans, sans-serif"

#define ALL_PAGES     G_MAXUINT
#define CELL_PADDING  4.0
#define ROW_PADDING   3.0
/* Repeated cell texts (departments, counts, titles, dates) are laid out
 * once per table. */
#define MAX_CACHED_CELLS 4096

static const ApRgba zebra_color = { 0.955, 0.957, 0.965, 1.0 };
static const ApRgba header_color = { 0.905, 0.910, 0.925, 1.0 };
static const ApRgba span_color = { 0.925, 0.935, 0.955, 1.0 };

static PangoFontDescription *
make_font (double      size,
           PangoWeight weight)
{
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family (font, FONT_FAMILY);
  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, weight);

  return font;
}

void
ap_render_set_color (cairo_t      *cr,
                     const ApRgba *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

void
ap_render_init (ApRender         *r,
                ApReportDocument *document,
                char             *footer)
{
  PangoFontMap *font_map;
  cairo_font_options_t *options;

  memset (r, 0, sizeof *r);
  r->document = document;
  r->footer = footer;
  r->target = ALL_PAGES;
  r->heights = g_array_new (FALSE, FALSE, sizeof (float));
  ap_chart_palette_init (&r->palette, FALSE);

  r->title_font = make_font (24, PANGO_WEIGHT_BOLD);
  r->heading_font = make_font (14, PANGO_WEIGHT_BOLD);
  r->body_font = make_font (9.5, PANGO_WEIGHT_NORMAL);
  r->bold_font = make_font (9.5, PANGO_WEIGHT_BOLD);
  r->small_font = make_font (7.5, PANGO_WEIGHT_NORMAL);
  r->tiny_font = make_font (6.3, PANGO_WEIGHT_NORMAL);
  r->cell_font = make_font (8, PANGO_WEIGHT_NORMAL);
  r->cell_bold_font = make_font (8, PANGO_WEIGHT_BOLD);
  r->figure_font = make_font (18, PANGO_WEIGHT_BOLD);
  r->chart_font = make_font (8.5, PANGO_WEIGHT_NORMAL);

  /* Its own font map (the default one belongs to the thread that made it),
   * and metrics that do not depend on the device: what is measured for the
   * PDF is what a printer at any resolution draws. */
  font_map = pango_cairo_font_map_new ();
  r->context = pango_font_map_create_context (font_map);
  g_object_unref (font_map);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (r->context, options);
  cairo_font_options_destroy (options);
  pango_cairo_context_set_resolution (r->context, 72);

  r->layout = pango_layout_new (r->context);
  r->span = pango_layout_new (r->context);
  r->span_second = pango_layout_new (r->context);
  for (guint i = 0; i < AP_TABLE_MAX_COLUMNS; i++)
    {
      r->cells[i] = pango_layout_new (r->context);
      r->seconds[i] = pango_layout_new (r->context);
    }
}

void
ap_render_clear (ApRender *r)
{
  g_clear_object (&r->layout);
  g_clear_object (&r->span);
  g_clear_object (&r->span_second);
  for (guint i = 0; i < AP_TABLE_MAX_COLUMNS; i++)
    {
      g_clear_object (&r->cells[i]);
      g_clear_object (&r->seconds[i]);
    }
  g_clear_object (&r->context);
  g_clear_pointer (&r->title_font, pango_font_description_free);
  g_clear_pointer (&r->heading_font, pango_font_description_free);
  g_clear_pointer (&r->body_font, pango_font_description_free);
  g_clear_pointer (&r->bold_font, pango_font_description_free);
  g_clear_pointer (&r->small_font, pango_font_description_free);
  g_clear_pointer (&r->tiny_font, pango_font_description_free);
  g_clear_pointer (&r->cell_font, pango_font_description_free);
  g_clear_pointer (&r->cell_bold_font, pango_font_description_free);
  g_clear_pointer (&r->figure_font, pango_font_description_free);
  g_clear_pointer (&r->chart_font, pango_font_description_free);
  g_clear_pointer (&r->heights, g_array_unref);
  g_clear_pointer (&r->footer, g_free);
  g_clear_pointer (&r->missing_example, g_free);
}

void
ap_render_set_page (ApRender           *r,
                    const ApReportPage *page)
{
  r->page_width = page->width;
  r->page_height = page->height;
  r->left = page->left;
  r->width = page->width - page->left - page->right;
  r->top = page->top;
  r->bottom = page->height - page->bottom;
  g_array_set_size (r->heights, 0);
}

static void
note_missing_glyphs (ApRender    *r,
                     PangoLayout *layout)
{
  if (!r->measuring || pango_layout_get_unknown_glyphs_count (layout) == 0)
    return;

  if (r->n_missing++ == 0)
    r->missing_example = g_strdup (pango_layout_get_text (layout));
}

/* Text */

static double
prepare_text (ApRender                   *r,
              const char                 *text,
              const PangoFontDescription *font,
              double                      width,
              PangoAlignment              alignment)
{
  int height;

  pango_layout_set_font_description (r->layout, font);
  pango_layout_set_alignment (r->layout, alignment);
  pango_layout_set_width (r->layout, width > 0 ? (int) (width * PANGO_SCALE) : -1);
  pango_layout_set_wrap (r->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (r->layout, text, -1);
  pango_layout_get_size (r->layout, NULL, &height);
  note_missing_glyphs (r, r->layout);

  return (double) height / PANGO_SCALE;
}

double
ap_render_text_width (ApRender                   *r,
                      const char                 *text,
                      const PangoFontDescription *font)
{
  int width;

  prepare_text (r, text, font, -1, PANGO_ALIGN_LEFT);
  pango_layout_get_size (r->layout, &width, NULL);

  return (double) width / PANGO_SCALE;
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
  double height = prepare_text (r, text, font, width, alignment);

  if (r->cr != NULL)
    {
      ap_render_set_color (r->cr, color);
      cairo_move_to (r->cr, x, y);
      pango_cairo_show_layout (r->cr, r->layout);
    }

  return height;
}

/* Pages */

static void
update_target (ApRender *r)
{
  if (r->target != ALL_PAGES && r->page > r->target)
    r->stop = TRUE;

  r->cr = r->target_cr != NULL && (r->target == ALL_PAGES || r->target == r->page)
          ? r->target_cr : NULL;
}

static void
draw_footer (ApRender *r)
{
  g_autofree char *page = NULL;
  double y = r->bottom + 22;
  double page_width;

  if (r->cr == NULL)
    return;

  ap_render_set_color (r->cr, &r->palette.grid);
  cairo_set_line_width (r->cr, 0.5);
  cairo_move_to (r->cr, r->left, y - 6);
  cairo_line_to (r->cr, r->left + r->width, y - 6);
  cairo_stroke (r->cr);

  /* Translators: the page number in the PDF report's footer */
  page = g_strdup_printf (_("Page %u of %u"), r->page, r->n_pages);
  page_width = ap_render_text_width (r, page, r->small_font);
  ap_render_text (r, page, r->small_font, &r->palette.dim_foreground,
                  r->left + r->width - page_width, y, -1, PANGO_ALIGN_LEFT);
  ap_render_text (r, r->footer, r->small_font, &r->palette.dim_foreground, r->left, y,
                  r->width - page_width - 24, PANGO_ALIGN_LEFT);
}

static void
page_done (ApRender *r)
{
  draw_footer (r);
  if (r->cr != NULL && r->target == ALL_PAGES && r->page_done != NULL &&
      !r->page_done (r->page, r->users_drawn, r->page_data))
    r->stop = TRUE;
}

void
ap_render_begin (ApRender *r)
{
  r->page = 1;
  r->y = r->top;
  r->running_head = NULL;
  r->users_drawn = 0;
  r->stop = FALSE;
  r->height_index = 0;
  if (r->measuring)
    {
      g_array_set_size (r->heights, 0);
      r->n_missing = 0;
      g_clear_pointer (&r->missing_example, g_free);
    }
  update_target (r);
}

void
ap_render_end (ApRender *r)
{
  if (!r->stop)
    page_done (r);
  r->cr = NULL;
}

void
ap_render_new_page (ApRender *r)
{
  page_done (r);

  r->page++;
  r->y = r->top;
  update_target (r);

  if (r->running_head != NULL)
    {
      r->y += ap_render_text (r, r->running_head, r->small_font, &r->palette.dim_foreground,
                              r->left, r->y, r->width, PANGO_ALIGN_LEFT);
      r->y += 6;
    }
}

void
ap_render_ensure_space (ApRender *r,
                        double    height)
{
  if (r->y + height > r->bottom && r->y > r->top + 30)
    ap_render_new_page (r);
}

void
ap_render_add_outline (ApRender   *r,
                       const char *title)
{
  g_autofree char *link = NULL;

  if (r->cr == NULL || r->pdf_surface == NULL)
    return;

  link = g_strdup_printf ("page=%u pos=[%g %g]", r->page, r->left, r->y);
  cairo_pdf_surface_add_outline (r->pdf_surface, CAIRO_PDF_OUTLINE_ROOT, title, link, 0);
}

void
ap_render_heading (ApRender   *r,
                   const char *title,
                   const char *caption)
{
  ap_render_add_outline (r, title);
  r->y += ap_render_text (r, title, r->heading_font, &r->palette.foreground, r->left, r->y,
                          r->width, PANGO_ALIGN_LEFT);
  if (caption != NULL)
    {
      r->y += 2;
      r->y += ap_render_text (r, caption, r->body_font, &r->palette.dim_foreground, r->left,
                              r->y, r->width, PANGO_ALIGN_LEFT);
    }
  r->y += 10;
}

/* Tables */

static void
table_draw_header (ApRender *r,
                   ApTable  *table)
{
  if (r->cr != NULL)
    {
      ap_render_set_color (r->cr, &header_color);
      cairo_rectangle (r->cr, r->left, r->y, r->width, table->header_height);
      cairo_fill (r->cr);

      for (guint i = 0; i < table->n_columns; i++)
        ap_render_text (r, table->columns[i].title, r->cell_bold_font, &r->palette.foreground,
                        table->x[i] + CELL_PADDING, r->y + ROW_PADDING,
                        table->width[i] - 2 * CELL_PADDING,
                        table->columns[i].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    }

  r->y += table->header_height;
  table->at_top = TRUE;
}

/* The widest word of a column title: titles wrap between words only. */
static double
widest_word (ApRender   *r,
             const char *title)
{
  g_auto(GStrv) words = g_strsplit (title, " ", -1);
  double widest = 0;

  for (guint i = 0; words[i] != NULL; i++)
    widest = MAX (widest, ap_render_text_width (r, words[i], r->cell_bold_font));

  return widest;
}

static void
configure_cell (ApRender      *r,
                PangoLayout   *layout,
                const PangoFontDescription *font,
                double         width,
                PangoAlignment alignment)
{
  pango_layout_set_font_description (layout, font);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_width (layout, (int) (MAX (width, 1) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
}

void
ap_table_begin (ApRender       *r,
                ApTable        *table,
                const ApColumn *columns,
                guint           n_columns,
                const char     *running_head)
{
  double total_weight = 0;
  double text_space = r->width;
  double x = r->left;

  g_assert (n_columns <= AP_TABLE_MAX_COLUMNS);

  memset (table, 0, sizeof *table);
  table->n_columns = n_columns;
  table->running_head = running_head;

  for (guint i = 0; i < n_columns; i++)
    {
      table->columns[i] = columns[i];
      if (columns[i].title[0] != '#')
        table->columns[i].title = _(columns[i].title);
      if (columns[i].numeric)
        {
          double sample = ap_render_text_width (r, columns[i].sample != NULL
                                                   ? _(columns[i].sample) : "000000",
                                                r->cell_font);

          table->width[i] = MAX (widest_word (r, table->columns[i].title), sample);
          table->width[i] += 2 * CELL_PADDING + 2;
          text_space -= table->width[i];
        }
      else
        total_weight += columns[i].weight;
    }

  for (guint i = 0; i < n_columns; i++)
    {
      double height;

      table->x[i] = x;
      if (!columns[i].numeric)
        table->width[i] = text_space * columns[i].weight / total_weight;
      x += table->width[i];
      table->cache[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

      height = prepare_text (r, table->columns[i].title, r->cell_bold_font,
                             table->width[i] - 2 * CELL_PADDING,
                             columns[i].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      table->header_height = MAX (table->header_height, height + 2 * ROW_PADDING);

      configure_cell (r, r->cells[i], r->cell_font, table->width[i] - 2 * CELL_PADDING,
                      columns[i].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      configure_cell (r, r->seconds[i], r->small_font, table->width[i] - 2 * CELL_PADDING,
                      PANGO_ALIGN_LEFT);
    }
  configure_cell (r, r->span, r->cell_bold_font, r->width - 2 * CELL_PADDING,
                  PANGO_ALIGN_LEFT);
  configure_cell (r, r->span_second, r->small_font, r->width - 2 * CELL_PADDING,
                  PANGO_ALIGN_LEFT);

  /* A header alone at the foot of a page helps nobody; a table that
   * starts on a new page says what it continues. */
  r->running_head = running_head;
  ap_render_ensure_space (r, table->header_height + 40);
  table_draw_header (r, table);
}

static void
clear_row (ApTable *table)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      table->text[i] = NULL;
      table->secondary[i] = NULL;
      g_clear_pointer (&table->owned[i], g_free);
    }
  table->span_text = NULL;
  table->span_secondary = NULL;
}

void
ap_table_end (ApRender *r,
              ApTable  *table)
{
  clear_row (table);
  g_clear_pointer (&table->group_text, g_free);
  g_clear_pointer (&table->group_secondary, g_free);
  for (guint i = 0; i < table->n_columns; i++)
    g_clear_pointer (&table->cache[i], g_hash_table_unref);
  r->running_head = NULL;
  r->y += 14;
}

void
ap_table_set_text (ApTable    *table,
                   guint       column,
                   const char *text,
                   const char *secondary,
                   gboolean    cacheable)
{
  g_assert (column < table->n_columns);

  table->text[column] = text;
  table->secondary[column] = secondary;
  table->cacheable[column] = cacheable && secondary == NULL;
}

void
ap_table_take_text (ApTable *table,
                    guint    column,
                    char    *text)
{
  g_assert (column < table->n_columns);

  g_free (table->owned[column]);
  table->owned[column] = text;
  ap_table_set_text (table, column, text, NULL, TRUE);
}

void
ap_table_set_number (ApTable *table,
                     guint    column,
                     guint64  value)
{
  char *p;

  g_assert (column < table->n_columns);

  p = table->numbers[column] + sizeof table->numbers[column] - 1;
  *p = '\0';
  do
    {
      *--p = '0' + (value % 10);
      value /= 10;
    }
  while (value != 0);

  ap_table_set_text (table, column, p, NULL, TRUE);
}

void
ap_table_set_span (ApTable    *table,
                   const char *text,
                   const char *secondary)
{
  table->span_text = text;
  table->span_secondary = secondary;

  g_free (table->group_text);
  table->group_text = g_strdup (text);
  g_free (table->group_secondary);
  table->group_secondary = g_strdup (secondary);
}

/* The layout for @text in @layout's settings, from the cache when it
 * repeats; its height in points. */
static PangoLayout *
cell_layout (ApRender    *r,
             ApTable     *table,
             guint        column,
             PangoLayout *layout,
             const char  *text,
             gboolean     cacheable,
             double      *height)
{
  PangoLayout *cached = NULL;
  int h;

  if (cacheable)
    cached = g_hash_table_lookup (table->cache[column], text);

  if (cached != NULL)
    layout = cached;
  else
    {
      pango_layout_set_text (layout, text, -1);
      note_missing_glyphs (r, layout);
      if (cacheable && table->n_cached < MAX_CACHED_CELLS)
        {
          layout = pango_layout_copy (layout);
          g_hash_table_insert (table->cache[column], g_strdup (text), layout);
          table->n_cached++;
        }
    }

  pango_layout_get_size (layout, NULL, &h);
  *height = (double) h / PANGO_SCALE;

  return layout;
}

/* Measuring only: a Latin text (ASCII, Latin-1, Latin Extended-A: glyphs
 * every font we ask for has, so its line is as tall as any other) that
 * fits even if every
 * character were the widest one is one line, known without shaping it.
 * This halves the shaping of a large report: most names and addresses
 * are then shaped once, to be drawn. */
static gboolean
fits_one_line (ApRender                   *r,
               ApFontFit                  *fit,
               const PangoFontDescription *font,
               const char                 *text,
               double                      width,
               double                     *height)
{
  gsize len = 0;

  if (!r->measuring)
    return FALSE;

  if (fit->line_height == 0)
    {
      for (gunichar c = ' '; c < 0x180; c++)
        {
          char one[8] = { 0 };

          if (c >= 0x7f && c < 0xa0)
            continue;
          g_unichar_to_utf8 (c, one);
          fit->max_advance = MAX (fit->max_advance, ap_render_text_width (r, one, font));
        }
      fit->max_advance *= 1.02;   /* kerning, rounding */
      fit->line_height = prepare_text (r, "Ag", font, -1, PANGO_ALIGN_LEFT);
    }

  for (const char *p = text; *p != '\0'; len++)
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        c = (guchar) *p++;
      else
        {
          c = g_utf8_get_char (p);
          p = g_utf8_next_char (p);
        }
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c >= 0x180)
        return FALSE;
    }

  if (len * fit->max_advance > width)
    return FALSE;

  *height = fit->line_height;
  return TRUE;
}

typedef struct
{
  PangoLayout *main[AP_TABLE_MAX_COLUMNS];
  PangoLayout *second[AP_TABLE_MAX_COLUMNS];
  double       main_height[AP_TABLE_MAX_COLUMNS];
} RowLayouts;

static double
layout_row (ApRender   *r,
            ApTable    *table,
            RowLayouts *row)
{
  double height = 0;

  memset (row, 0, sizeof *row);

  if (table->span_text != NULL)
    {
      double h1 = 0, h2 = 0;

      row->main[0] = cell_layout (r, table, 0, r->span, table->span_text, FALSE, &h1);
      if (table->span_secondary != NULL)
        row->second[0] = cell_layout (r, table, 0, r->span_second, table->span_secondary,
                                      FALSE, &h2);
      row->main_height[0] = h1;
      return h1 + h2 + 2 * ROW_PADDING + 2;
    }

  for (guint i = 0; i < table->n_columns; i++)
    {
      double h1 = 0, h2 = 0;

      double cell_width = table->width[i] - 2 * CELL_PADDING;

      if (table->text[i] == NULL || table->text[i][0] == '\0')
        continue;

      if (table->cacheable[i] ||
          !fits_one_line (r, &r->cell_fit, r->cell_font, table->text[i], cell_width, &h1))
        row->main[i] = cell_layout (r, table, i, r->cells[i], table->text[i],
                                    table->cacheable[i], &h1);
      if (table->secondary[i] != NULL && table->secondary[i][0] != '\0' &&
          fits_one_line (r, &r->small_fit, r->small_font, table->secondary[i], cell_width, &h2))
        ;
      else if (table->secondary[i] != NULL && table->secondary[i][0] != '\0')
        {
          /* An address has no spaces to wrap at: a smaller size keeps all
           * but the most extreme on one line, where it reads and copies
           * whole; past that it wraps between characters. */
          pango_layout_set_font_description (r->seconds[i], r->small_font);
          row->second[i] = cell_layout (r, table, i, r->seconds[i], table->secondary[i], FALSE,
                                        &h2);
          if (pango_layout_get_line_count (row->second[i]) > 1)
            {
              pango_layout_set_font_description (r->seconds[i], r->tiny_font);
              row->second[i] = cell_layout (r, table, i, r->seconds[i], table->secondary[i],
                                            FALSE, &h2);
            }
        }
      row->main_height[i] = h1;
      height = MAX (height, h1 + h2);
    }

  return height + 2 * ROW_PADDING;
}

static void
draw_row (ApRender   *r,
          ApTable    *table,
          RowLayouts *row,
          double      height)
{
  gboolean span = table->span_text != NULL;

  if (span || table->row % 2 == 1)
    {
      ap_render_set_color (r->cr, span ? &span_color : &zebra_color);
      cairo_rectangle (r->cr, r->left, r->y, r->width, height);
      cairo_fill (r->cr);
    }

  for (guint i = 0; i < table->n_columns; i++)
    {
      double x = span ? r->left + CELL_PADDING : table->x[i] + CELL_PADDING;
      double y = r->y + ROW_PADDING + (span ? 1 : 0);

      if (row->main[i] == NULL)
        continue;

      ap_render_set_color (r->cr, &r->palette.foreground);
      cairo_move_to (r->cr, x, y);
      pango_cairo_show_layout (r->cr, row->main[i]);
      if (row->second[i] != NULL)
        {
          ap_render_set_color (r->cr, &r->palette.dim_foreground);
          cairo_move_to (r->cr, x, y + row->main_height[i]);
          pango_cairo_show_layout (r->cr, row->second[i]);
        }
    }
}

/* A page that starts inside a group (a user's records) names the group
 * again first. Deterministic like any row: measured, then replayed. */
static void
repeat_group (ApRender *r,
              ApTable  *table)
{
  const char *text[AP_TABLE_MAX_COLUMNS];
  const char *secondary[AP_TABLE_MAX_COLUMNS];
  gboolean cacheable[AP_TABLE_MAX_COLUMNS];
  char *owned[AP_TABLE_MAX_COLUMNS];
  /* Translators: a user's name heading their records again on a new page */
  g_autofree char *continued = g_strdup_printf (_("%s (continued)"), table->group_text);

  memcpy (text, table->text, sizeof text);
  memcpy (secondary, table->secondary, sizeof secondary);
  memcpy (cacheable, table->cacheable, sizeof cacheable);
  memcpy (owned, table->owned, sizeof owned);
  memset (table->owned, 0, sizeof table->owned);

  table->span_text = continued;
  table->span_secondary = table->group_secondary;
  ap_table_commit_row (r, table);

  memcpy (table->text, text, sizeof text);
  memcpy (table->secondary, secondary, sizeof secondary);
  memcpy (table->cacheable, cacheable, sizeof cacheable);
  memcpy (table->owned, owned, sizeof owned);
}

void
ap_table_commit_row (ApRender *r,
                     ApTable  *table)
{
  RowLayouts row;
  gboolean laid_out = FALSE;
  double height, needed;

  if (r->stop)
    {
      clear_row (table);
      return;
    }

  if (r->measuring)
    {
      float h;

      /* Measuring a large report takes a while: a cancel is honoured
       * here too, not only once drawing starts. */
      if ((r->heights->len & 1023) == 1023 && g_cancellable_is_cancelled (r->cancellable))
        {
          r->stop = TRUE;
          clear_row (table);
          return;
        }

      height = layout_row (r, table, &row);
      h = (float) height;
      g_array_append_val (r->heights, h);
      height = h;
      laid_out = TRUE;
    }
  else
    {
      g_assert (r->height_index < r->heights->len);
      height = g_array_index (r->heights, float, r->height_index++);
    }

  /* A user's heading row never ends a page alone. */
  needed = table->span_text != NULL ? height + 2 * table->header_height : height;
  if (r->y + needed > r->bottom && !table->at_top)
    {
      r->running_head = table->running_head;
      ap_render_new_page (r);
      table_draw_header (r, table);
      if (table->span_text == NULL && table->group_text != NULL)
        repeat_group (r, table);
    }

  if (r->cr != NULL)
    {
      if (!laid_out)
        layout_row (r, table, &row);
      draw_row (r, table, &row, height);
    }

  table->row = table->span_text != NULL ? 0 : table->row + 1;
  table->at_top = FALSE;
  r->y += height;
  clear_row (table);
}
