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
   * PDF is what a printer at any resolution draws. Glyphs stay where the
   * font puts them: positions rounded to whole points (pango's default, for
   * screens) space letters unevenly on paper. */
  font_map = pango_cairo_font_map_new ();
  r->context = pango_font_map_create_context (font_map);
  g_object_unref (font_map);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (r->context, options);
  cairo_font_options_destroy (options);
  pango_cairo_context_set_resolution (r->context, 72);
  pango_context_set_round_glyph_positions (r->context, FALSE);

  ap_render_text_init (r);
  for (guint i = 0; i < AP_TABLE_MAX_COLUMNS; i++)
    {
      r->cells[i] = ap_shaped_new ();
      r->seconds[i] = ap_shaped_new ();
    }
}

void
ap_render_clear (ApRender *r)
{
  for (guint i = 0; i < AP_TABLE_MAX_COLUMNS; i++)
    {
      g_clear_pointer (&r->cells[i], ap_shaped_free);
      g_clear_pointer (&r->seconds[i], ap_shaped_free);
    }
  ap_render_text_clear (r);
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
  g_clear_pointer (&r->page_starts, g_array_unref);
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

/* Pages */

static void
update_target (ApRender *r)
{
  if (r->target != ALL_PAGES && r->page > r->target)
    r->stop = TRUE;

  r->cr = r->target_cr != NULL && (r->target == ALL_PAGES || r->target == r->page)
          ? r->target_cr : NULL;
}

static char *
format_page_number (guint page,
                    guint n_pages)
{
  /* Translators: the page number in the PDF report's footer */
  return g_strdup_printf (_("Page %u of %u"), page, n_pages);
}

void
ap_render_set_n_pages (ApRender *r,
                       guint     n_pages)
{
  g_autofree char *widest = format_page_number (n_pages, n_pages);

  r->n_pages = n_pages;
  r->page_number_width = ap_render_text_width (r, widest, r->small_font);
}

static void
draw_footer (ApRender *r)
{
  g_autofree char *page = NULL;
  double y = r->bottom + 22;
  double page_width;

  if (r->cr == NULL)
    return;

  ap_chart_set_source (r->cr, &r->palette.grid);
  cairo_set_line_width (r->cr, 0.5);
  cairo_move_to (r->cr, r->left, y - 6);
  cairo_line_to (r->cr, r->left + r->width, y - 6);
  cairo_stroke (r->cr);

  page = format_page_number (r->page, r->n_pages);
  page_width = ap_render_text_width (r, page, r->small_font);
  ap_render_text (r, page, r->small_font, &r->palette.dim_foreground,
                  r->left + r->width - page_width, y, -1, PANGO_ALIGN_LEFT);
  /* The footer's width leaves room for the widest page number, so it is
   * shaped once. */
  ap_render_text_full (r, r->footer, r->small_font, &r->palette.dim_foreground, r->left, y,
                       r->width - r->page_number_width - 24, PANGO_ALIGN_LEFT, TRUE);
}

static void
page_done (ApRender *r)
{
  draw_footer (r);
  ap_render_flush (r);
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
ap_render_resume (ApRender           *r,
                  const ApCheckpoint *checkpoint)
{
  r->page = checkpoint->page;
  r->y = checkpoint->y;
  r->running_head = NULL;
  r->users_drawn = checkpoint->users_drawn;
  r->stop = FALSE;
  r->yielded = FALSE;
  r->height_index = checkpoint->height_index;
  r->resume = checkpoint;
  update_target (r);
}

const ApCheckpoint *
ap_render_resume_point (ApRender  *r,
                        ApSection  section)
{
  const ApCheckpoint *checkpoint = r->resume;

  if (checkpoint == NULL || checkpoint->section != section)
    return NULL;

  r->resume = NULL;
  return checkpoint;
}

static void
checkpoint_take (ApRender     *r,
                 ApTable      *table,
                 guint         height_index,
                 ApCheckpoint *checkpoint)
{
  checkpoint->section = r->section;
  memcpy (checkpoint->cursor, r->cursor, sizeof r->cursor);
  checkpoint->y = r->y;
  checkpoint->page = r->page;
  checkpoint->height_index = height_index;
  checkpoint->users_drawn = r->users_drawn;
  checkpoint->row = table->row;
  checkpoint->at_top = table->at_top;
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
      r->y += ap_render_text_full (r, r->running_head, r->small_font,
                                   &r->palette.dim_foreground, r->left, r->y, r->width,
                                   PANGO_ALIGN_LEFT, TRUE);
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
      ap_chart_set_source (r->cr, &header_color);
      cairo_rectangle (r->cr, r->left, r->y, r->width, table->header_height);
      cairo_fill (r->cr);

      for (guint i = 0; i < table->n_columns; i++)
        ap_render_text_full (r, table->columns[i].title, r->cell_bold_font,
                             &r->palette.foreground, table->x[i] + CELL_PADDING,
                             r->y + ROW_PADDING, table->width[i] - 2 * CELL_PADDING,
                             table->columns[i].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT,
                             TRUE);
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
table_setup (ApRender       *r,
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

      height = ap_shaped_get_height (
        ap_render_shape (r, table->columns[i].title, r->cell_bold_font,
                         table->width[i] - 2 * CELL_PADDING,
                         columns[i].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT, TRUE, NULL));
      table->header_height = MAX (table->header_height, height + 2 * ROW_PADDING);
    }

  r->running_head = running_head;
}

void
ap_table_begin (ApRender       *r,
                ApTable        *table,
                const ApColumn *columns,
                guint           n_columns,
                const char     *running_head)
{
  table_setup (r, table, columns, n_columns, running_head);

  /* A header alone at the foot of a page helps nobody; a table that
   * starts on a new page says what it continues. */
  ap_render_ensure_space (r, table->header_height + 40);
  table_draw_header (r, table);
}

void
ap_table_resume (ApRender           *r,
                 ApTable            *table,
                 const ApColumn     *columns,
                 guint               n_columns,
                 const char         *running_head,
                 const ApCheckpoint *checkpoint)
{
  table_setup (r, table, columns, n_columns, running_head);
  table->row = checkpoint->row;
  table->at_top = checkpoint->at_top;
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
  /* Flushed here, as the next table's texts differ */
  ap_render_text_forget (r);
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
  ap_table_set_group (table, text, secondary);
}

void
ap_table_set_group (ApTable    *table,
                    const char *text,
                    const char *secondary)
{
  g_free (table->group_text);
  table->group_text = g_strdup (text);
  g_free (table->group_secondary);
  table->group_secondary = g_strdup (secondary);
}

typedef struct
{
  const ApShaped *main[AP_TABLE_MAX_COLUMNS];
  const ApShaped *second[AP_TABLE_MAX_COLUMNS];
} RowLayouts;

static double
cell_width (ApRender *r,
            ApTable  *table,
            guint     column)
{
  double width = table->span_text != NULL ? r->width : table->width[column];

  return MAX (width - 2 * CELL_PADDING, 1);
}

static double
layout_row (ApRender   *r,
            ApTable    *table,
            RowLayouts *row)
{
  double height = 0;

  memset (row, 0, sizeof *row);

  if (table->span_text != NULL)
    {
      double h2 = 0;

      row->main[0] = ap_render_shape (r, table->span_text, r->cell_bold_font,
                                      cell_width (r, table, 0), PANGO_ALIGN_LEFT, FALSE,
                                      r->cells[0]);
      if (table->span_secondary != NULL)
        {
          row->second[0] = ap_render_shape (r, table->span_secondary, r->small_font,
                                            cell_width (r, table, 0), PANGO_ALIGN_LEFT, FALSE,
                                            r->seconds[0]);
          h2 = ap_shaped_get_height (row->second[0]);
        }
      return ap_shaped_get_height (row->main[0]) + h2 + 2 * ROW_PADDING + 2;
    }

  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *text = table->text[i];
      const char *secondary = table->secondary[i];
      double width = cell_width (r, table, i);
      double h1 = 0, h2 = 0;

      if (text == NULL || text[0] == '\0')
        continue;

      if (table->cacheable[i] || !ap_render_fits_one_line (r, r->cell_font, text, width, &h1))
        {
          row->main[i] = ap_render_shape (r, text, r->cell_font, width,
                                          table->columns[i].numeric ? PANGO_ALIGN_RIGHT
                                                                    : PANGO_ALIGN_LEFT,
                                          table->cacheable[i], r->cells[i]);
          h1 = ap_shaped_get_height (row->main[i]);
        }

      if (secondary != NULL && secondary[0] != '\0' &&
          !ap_render_fits_one_line (r, r->small_font, secondary, width, &h2))
        {
          /* An address has no spaces to wrap at: a smaller size keeps all
           * but the most extreme on one line, where it reads and copies
           * whole; past that it wraps between characters. */
          row->second[i] = ap_render_shape (r, secondary, r->small_font, width,
                                            PANGO_ALIGN_LEFT, FALSE, r->seconds[i]);
          if (ap_shaped_get_n_lines (row->second[i]) > 1)
            row->second[i] = ap_render_shape (r, secondary, r->tiny_font, width,
                                              PANGO_ALIGN_LEFT, FALSE, r->seconds[i]);
          h2 = ap_shaped_get_height (row->second[i]);
        }
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

  if (span)
    ap_render_fill_rect (r, AP_RECT_SPAN, &span_color, r->left, r->y, r->width, height);
  else if (table->row % 2 == 1)
    ap_render_fill_rect (r, AP_RECT_ZEBRA, &zebra_color, r->left, r->y, r->width, height);

  for (guint i = 0; i < table->n_columns; i++)
    {
      double x = span ? r->left + CELL_PADDING : table->x[i] + CELL_PADDING;
      double y = r->y + ROW_PADDING + (span ? 1 : 0);

      if (row->main[i] == NULL)
        continue;

      ap_render_draw_shaped (r, row->main[i], &r->palette.foreground, x, y);
      if (row->second[i] != NULL)
        ap_render_draw_shaped (r, row->second[i], &r->palette.dim_foreground, x,
                               y + ap_shaped_get_height (row->main[i]));
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
  table->repeating = TRUE;
  ap_table_commit_row (r, table);
  table->repeating = FALSE;

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

  /* In slices: stop before this row once the slice's rows are done. */
  if (r->slicing && !table->repeating && r->rows_left-- == 0)
    {
      checkpoint_take (r, table, r->height_index, &r->yield_point);
      r->stop = r->yielded = TRUE;
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
      /* Counting pages for printing: where the next page starts */
      if (r->page_starts != NULL && !r->measuring && r->target_cr == NULL)
        {
          ApCheckpoint *start;

          if (r->page_starts->len < r->page + 1)
            g_array_set_size (r->page_starts, r->page + 1);
          start = &g_array_index (r->page_starts, ApCheckpoint, r->page);
          checkpoint_take (r, table, r->height_index - 1, start);
        }
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
