/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-pdf-report"

/* nl_langinfo (_NL_PAPER_WIDTH) is a GNU extension. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include <glib/gi18n.h>
#include <cairo-pdf.h>
#include <locale.h>
#include <pango/pangocairo.h>
#ifdef __GLIBC__
#include <langinfo.h>
#endif

#include "ap-chart-render.h"
#include "ap-error.h"
#include "ap-report-private.h"
#include "ap-summary.h"

/* The report a manager hands to a director: a first page with what was
 * asked, when and from which tenant, the totals and their chart; the
 * departments as a chart and a table; the users needing attention; then
 * every user in a table over as many pages as it takes.
 *
 * Layout runs twice over the same code: a measuring pass without a cairo_t
 * that counts the pages ("Page N of M" needs M up front), then the drawing
 * pass. Table rows have a fixed height, so the measuring pass never lays
 * out a user's text. Pages are emitted with cairo_show_page() as they are
 * done and nothing is kept per page, so memory stays flat however many
 * pages the users take. */

#define FONT_FAMILY "Cantarell, Noto Sans, Nimbus Sans, DejaVu Sans, sans-serif"

#define POINTS_PER_MM (72.0 / 25.4)
#define A4_WIDTH      (210.0 * POINTS_PER_MM)
#define A4_HEIGHT     (297.0 * POINTS_PER_MM)
#define LETTER_WIDTH  612.0
#define LETTER_HEIGHT 792.0

#define MARGIN_SIDE   46.0
#define MARGIN_TOP    44.0
#define MARGIN_BOTTOM 58.0
#define ROW_HEIGHT    15.0
#define HEADER_HEIGHT 18.0
#define CELL_PADDING  4.0

#define MAX_CHART_DEPARTMENTS 18
#define MAX_ATTENTION_USERS   25
/* Repeated cell texts (departments, counts) are laid out once per table. */
#define MAX_CACHED_CELLS      2048

struct _ApPdfReport
{
  ApQuery   *query;
  char      *base_url;
  GDateTime *generated;
  GPtrArray *users;
  ApSummary *summary;
};

typedef struct
{
  char    *name;
  guint64  n_users;
  guint64  correct;
  guint64  incorrect;
  guint64  not_watched;
  double   share_not_watched;
} Department;

/* Text columns share the width left by the numeric ones, which are as
 * wide as their title or @sample, whichever is wider. */
typedef struct
{
  const char        *title;
  double             weight;
  gboolean           numeric;
  PangoEllipsizeMode ellipsize;
  const char        *sample;
} Column;

#define MAX_COLUMNS 8

typedef struct
{
  const Column *columns;
  guint         n_columns;
  double        x[MAX_COLUMNS];
  double        width[MAX_COLUMNS];
  GHashTable   *cache[MAX_COLUMNS];
  guint         n_cached;
  guint         row;
  const char   *running_head;
} Table;

typedef struct
{
  ApPdfReport          *report;
  ApReportBuffer       *buffer;
  GCancellable         *cancellable;
  cairo_surface_t      *surface;
  cairo_t              *cr;          /* NULL while measuring */
  PangoContext         *context;
  PangoLayout          *layout;
  ApChartPalette        palette;

  PangoFontDescription *title_font;
  PangoFontDescription *heading_font;
  PangoFontDescription *body_font;
  PangoFontDescription *bold_font;
  PangoFontDescription *small_font;
  PangoFontDescription *cell_font;
  PangoFontDescription *cell_bold_font;
  PangoFontDescription *figure_font;
  PangoFontDescription *chart_font;

  double                page_width;
  double                page_height;
  double                left;
  double                width;
  double                top;
  double                bottom;
  double                y;
  guint                 page;
  guint                 n_pages;
  const char           *running_head;

  Department           *departments;
  guint                 n_departments;
  GPtrArray            *attention;
  char                 *footer;

  ApPdfProgressFunc     progress;
  gpointer              progress_data;
  guint                 users_drawn;
  gboolean              cancelled;
} Pdf;

static const ApRgba zebra_color = { 0.955, 0.957, 0.965, 1.0 };
static const ApRgba header_color = { 0.905, 0.910, 0.925, 1.0 };
static const ApRgba tile_color = { 0.960, 0.962, 0.970, 1.0 };
static const ApRgba accent_color = { 0.208, 0.518, 0.894, 1.0 };  /* Adwaita blue 3 */

/* Paper */

void
ap_pdf_paper_size_for_locale (const char *locale,
                              double     *width,
                              double     *height)
{
  /* Where US Letter is the norm; everywhere else uses A4. */
  static const char * const letter_territories[] = {
    "US", "CA", "MX", "CL", "CO", "CR", "DO", "GT", "NI", "PA", "PH", "PR", "SV", "VE", "BZ",
  };
  const char *territory = NULL;
  gboolean letter = FALSE;

  if (locale != NULL)
    territory = strchr (locale, '_');

  if (territory != NULL)
    {
      gsize len = strcspn (territory + 1, ".@");

      for (guint i = 0; i < G_N_ELEMENTS (letter_territories); i++)
        if (len == 2 && strncmp (territory + 1, letter_territories[i], 2) == 0)
          letter = TRUE;
    }

  *width = letter ? LETTER_WIDTH : A4_WIDTH;
  *height = letter ? LETTER_HEIGHT : A4_HEIGHT;
}

static void
size_from_millimetres (guint   width_mm,
                       guint   height_mm,
                       double *width,
                       double *height)
{
  /* The C library rounds to whole millimetres: snap to the exact sizes. */
  if (width_mm == 216 && height_mm == 279)
    {
      *width = LETTER_WIDTH;
      *height = LETTER_HEIGHT;
    }
  else if (width_mm == 210 && height_mm == 297)
    {
      *width = A4_WIDTH;
      *height = A4_HEIGHT;
    }
  else
    {
      *width = width_mm * POINTS_PER_MM;
      *height = height_mm * POINTS_PER_MM;
    }
}

void
ap_pdf_paper_size (double *width,
                   double *height)
{
  const char *paper_locale = setlocale (LC_PAPER, NULL);

  /* With setlocale() called for LC_PAPER, the C library knows the paper.
   * Without it (a process that never called setlocale) we only see "C",
   * so read the environment the way setlocale() would. */
#ifdef __GLIBC__
  if (paper_locale != NULL && strcmp (paper_locale, "C") != 0 &&
      strcmp (paper_locale, "POSIX") != 0)
    {
      union { unsigned int word; char *string; } width_mm, height_mm;

      width_mm.string = nl_langinfo (_NL_PAPER_WIDTH);
      height_mm.string = nl_langinfo (_NL_PAPER_HEIGHT);
      if (width_mm.word >= 50 && width_mm.word <= 2000 &&
          height_mm.word >= 50 && height_mm.word <= 2000)
        {
          size_from_millimetres (width_mm.word, height_mm.word, width, height);
          return;
        }
    }
#endif

  paper_locale = g_getenv ("LC_ALL");
  if (paper_locale == NULL || paper_locale[0] == '\0')
    paper_locale = g_getenv ("LC_PAPER");
  if (paper_locale == NULL || paper_locale[0] == '\0')
    paper_locale = g_getenv ("LANG");

  ap_pdf_paper_size_for_locale (paper_locale, width, height);
}

/* The report's data */

ApPdfReport *
ap_pdf_report_new (ApQuery    *query,
                   const char *base_url,
                   GDateTime  *generated)
{
  ApPdfReport *self = g_new0 (ApPdfReport, 1);

  self->query = g_object_ref (query);
  self->base_url = g_strdup (base_url);
  self->generated = g_date_time_ref (generated);
  self->users = g_ptr_array_new_with_free_func (g_object_unref);
  self->summary = ap_summary_new ();

  return self;
}

void
ap_pdf_report_free (ApPdfReport *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->query);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->generated, g_date_time_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_object (&self->summary);
  g_free (self);
}

void
ap_pdf_report_add_users (ApPdfReport *self,
                         GPtrArray   *users)
{
  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (self->users, g_object_ref (g_ptr_array_index (users, i)));

  ap_summary_add_batch (self->summary, users);
}

/* Text */

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

static void
set_color (cairo_t      *cr,
           const ApRgba *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

/* Lays out @text in the shared layout; @width <= 0 for no limit. Returns
 * the height in points. */
static double
prepare_text (Pdf                        *pdf,
              const char                 *text,
              const PangoFontDescription *font,
              double                      width,
              PangoAlignment              alignment,
              gboolean                    wrap)
{
  int height;

  pango_layout_set_font_description (pdf->layout, font);
  pango_layout_set_alignment (pdf->layout, alignment);
  pango_layout_set_width (pdf->layout, width > 0 ? (int) (width * PANGO_SCALE) : -1);
  pango_layout_set_wrap (pdf->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (pdf->layout, wrap ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
  pango_layout_set_text (pdf->layout, text, -1);
  pango_layout_get_size (pdf->layout, NULL, &height);

  return (double) height / PANGO_SCALE;
}

static double
text_width (Pdf                        *pdf,
            const char                 *text,
            const PangoFontDescription *font)
{
  int width;

  prepare_text (pdf, text, font, -1, PANGO_ALIGN_LEFT, FALSE);
  pango_layout_get_size (pdf->layout, &width, NULL);

  return (double) width / PANGO_SCALE;
}

static double
draw_text (Pdf                        *pdf,
           const char                 *text,
           const PangoFontDescription *font,
           const ApRgba               *color,
           double                      x,
           double                      y,
           double                      width,
           PangoAlignment              alignment,
           gboolean                    wrap)
{
  double height = prepare_text (pdf, text, font, width, alignment, wrap);

  if (pdf->cr != NULL)
    {
      set_color (pdf->cr, color);
      cairo_move_to (pdf->cr, x, y);
      pango_cairo_show_layout (pdf->cr, pdf->layout);
    }

  return height;
}

static char *
format_count (guint64 value)
{
  /* Grouped as the locale groups digits ("12,345", "12.345"). */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, value);
}

static char *
format_share (guint64 part,
              guint64 total)
{
  if (total == 0)
    return g_strdup ("–");

  /* Translators: a percentage in the PDF report, e.g. "62.5 %" */
  return g_strdup_printf (_("%.1f %%"), 100.0 * (double) part / (double) total);
}

/* Pages */

static void
draw_footer (Pdf *pdf)
{
  g_autofree char *page = NULL;
  double y = pdf->page_height - MARGIN_BOTTOM + 22;
  double page_width;

  if (pdf->cr == NULL)
    return;

  set_color (pdf->cr, &pdf->palette.grid);
  cairo_set_line_width (pdf->cr, 0.5);
  cairo_move_to (pdf->cr, pdf->left, y - 6);
  cairo_line_to (pdf->cr, pdf->left + pdf->width, y - 6);
  cairo_stroke (pdf->cr);

  /* Translators: the page number in the PDF report's footer */
  page = g_strdup_printf (_("Page %u of %u"), pdf->page, pdf->n_pages);
  page_width = text_width (pdf, page, pdf->small_font);
  draw_text (pdf, page, pdf->small_font, &pdf->palette.dim_foreground,
             pdf->left + pdf->width - page_width, y, -1, PANGO_ALIGN_LEFT, FALSE);
  draw_text (pdf, pdf->footer, pdf->small_font, &pdf->palette.dim_foreground,
             pdf->left, y, pdf->width - page_width - 24, PANGO_ALIGN_LEFT, FALSE);
}

static void
new_page (Pdf *pdf)
{
  draw_footer (pdf);
  if (pdf->cr != NULL)
    {
      cairo_show_page (pdf->cr);
      if (g_cancellable_is_cancelled (pdf->cancellable) || pdf->buffer->error != NULL)
        pdf->cancelled = TRUE;
    }

  pdf->page++;
  pdf->y = pdf->top;

  if (pdf->running_head != NULL)
    {
      pdf->y += draw_text (pdf, pdf->running_head, pdf->small_font,
                           &pdf->palette.dim_foreground, pdf->left, pdf->y, pdf->width,
                           PANGO_ALIGN_LEFT, FALSE);
      pdf->y += 6;
    }
}

static void
ensure_space (Pdf    *pdf,
              double  height)
{
  if (pdf->y + height > pdf->bottom && pdf->y > pdf->top + 30)
    new_page (pdf);
}

static void
add_outline (Pdf        *pdf,
             const char *title)
{
  g_autofree char *link = NULL;

  if (pdf->cr == NULL)
    return;

  link = g_strdup_printf ("page=%u pos=[%g %g]", pdf->page, pdf->left, pdf->y);
  cairo_pdf_surface_add_outline (pdf->surface, CAIRO_PDF_OUTLINE_ROOT, title, link, 0);
}

static void
draw_heading (Pdf        *pdf,
              const char *title,
              const char *caption)
{
  add_outline (pdf, title);
  pdf->y += draw_text (pdf, title, pdf->heading_font, &pdf->palette.foreground,
                       pdf->left, pdf->y, pdf->width, PANGO_ALIGN_LEFT, TRUE);
  if (caption != NULL)
    {
      pdf->y += 2;
      pdf->y += draw_text (pdf, caption, pdf->body_font, &pdf->palette.dim_foreground,
                           pdf->left, pdf->y, pdf->width, PANGO_ALIGN_LEFT, TRUE);
    }
  pdf->y += 10;
}

/* Tables */

static void
table_draw_header (Pdf   *pdf,
                   Table *table)
{
  if (pdf->cr != NULL)
    {
      set_color (pdf->cr, &header_color);
      cairo_rectangle (pdf->cr, pdf->left, pdf->y, pdf->width, HEADER_HEIGHT);
      cairo_fill (pdf->cr);

      for (guint i = 0; i < table->n_columns; i++)
        {
          const Column *column = &table->columns[i];
          double height = prepare_text (pdf, column->title, pdf->cell_bold_font,
                                        table->width[i] - 2 * CELL_PADDING,
                                        column->numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT,
                                        FALSE);

          set_color (pdf->cr, &pdf->palette.foreground);
          cairo_move_to (pdf->cr, table->x[i] + CELL_PADDING,
                         pdf->y + (HEADER_HEIGHT - height) / 2);
          pango_cairo_show_layout (pdf->cr, pdf->layout);
        }
    }

  pdf->y += HEADER_HEIGHT;
}

static double text_width (Pdf                        *pdf,
                          const char                 *text,
                          const PangoFontDescription *font);

static void
table_begin (Pdf          *pdf,
             Table        *table,
             const Column *columns,
             guint         n_columns,
             const char   *running_head)
{
  double total_weight = 0;
  double text_space = pdf->width;
  double x = pdf->left;

  g_assert (n_columns <= MAX_COLUMNS);

  memset (table, 0, sizeof *table);
  table->columns = columns;
  table->n_columns = n_columns;
  table->running_head = running_head;

  for (guint i = 0; i < n_columns; i++)
    {
      if (columns[i].numeric)
        {
          table->width[i] = MAX (text_width (pdf, columns[i].title, pdf->cell_bold_font),
                                 text_width (pdf, columns[i].sample != NULL
                                                  ? columns[i].sample : "000000",
                                             pdf->cell_font));
          table->width[i] += 2 * CELL_PADDING + 2;
          text_space -= table->width[i];
        }
      else
        total_weight += columns[i].weight;
    }
  for (guint i = 0; i < n_columns; i++)
    {
      table->x[i] = x;
      if (!columns[i].numeric)
        table->width[i] = text_space * columns[i].weight / total_weight;
      x += table->width[i];
      table->cache[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
    }

  /* A header alone at the foot of a page helps nobody; a table that
   * starts on a new page says what it continues. */
  pdf->running_head = running_head;
  ensure_space (pdf, HEADER_HEIGHT + 3 * ROW_HEIGHT);
  table_draw_header (pdf, table);
}

static void
table_end (Pdf   *pdf,
           Table *table)
{
  for (guint i = 0; i < table->n_columns; i++)
    g_clear_pointer (&table->cache[i], g_hash_table_unref);
  pdf->running_head = NULL;
  pdf->y += 14;
}

static void
table_draw_cell (Pdf        *pdf,
                 Table      *table,
                 guint       column_index,
                 const char *text,
                 gboolean    cache)
{
  const Column *column = &table->columns[column_index];
  PangoLayout *layout = NULL;
  int height;

  if (text == NULL || text[0] == '\0')
    return;

  if (cache)
    layout = g_hash_table_lookup (table->cache[column_index], text);

  if (layout == NULL)
    {
      layout = pdf->layout;
      pango_layout_set_font_description (layout, pdf->cell_font);
      pango_layout_set_alignment (layout, column->numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      pango_layout_set_width (layout, (int) ((table->width[column_index] - 2 * CELL_PADDING) *
                                             PANGO_SCALE));
      pango_layout_set_ellipsize (layout, column->ellipsize);
      pango_layout_set_text (layout, text, -1);

      if (cache && table->n_cached < MAX_CACHED_CELLS)
        {
          layout = pango_layout_copy (layout);
          g_hash_table_insert (table->cache[column_index], g_strdup (text), layout);
          table->n_cached++;
        }
    }

  pango_layout_get_size (layout, NULL, &height);
  cairo_move_to (pdf->cr, table->x[column_index] + CELL_PADDING,
                 pdf->y + (ROW_HEIGHT - (double) height / PANGO_SCALE) / 2);
  pango_cairo_show_layout (pdf->cr, layout);
}

/* Starts a row: a new page with the header repeated when the row does not
 * fit. Returns FALSE when nothing is to be drawn (measuring pass). */
static gboolean
table_row_begin (Pdf   *pdf,
                 Table *table)
{
  if (pdf->y + ROW_HEIGHT > pdf->bottom)
    {
      pdf->running_head = table->running_head;
      new_page (pdf);
      table_draw_header (pdf, table);
      if (pdf->progress != NULL && pdf->cr != NULL)
        pdf->progress (pdf->users_drawn, pdf->progress_data);
    }

  if (pdf->cr == NULL)
    return FALSE;

  if (table->row % 2 == 1)
    {
      set_color (pdf->cr, &zebra_color);
      cairo_rectangle (pdf->cr, pdf->left, pdf->y, pdf->width, ROW_HEIGHT);
      cairo_fill (pdf->cr);
    }
  set_color (pdf->cr, &pdf->palette.foreground);

  return TRUE;
}

static void
table_row_end (Pdf   *pdf,
               Table *table)
{
  table->row++;
  pdf->y += ROW_HEIGHT;
}

static const char *
format_uint (char    buf[24],
             guint64 value)
{
  char *p = buf + 23;

  *p = '\0';
  do
    {
      *--p = '0' + (value % 10);
      value /= 10;
    }
  while (value != 0);

  return p;
}

static const char *
department_label (const char *name)
{
  return name[0] != '\0' ? name : _("No department");
}

static const Column user_columns[] = {
  { N_("Name"), 28, FALSE, PANGO_ELLIPSIZE_END },
  { N_("Email"), 40, FALSE, PANGO_ELLIPSIZE_END },
  { N_("Department"), 26, FALSE, PANGO_ELLIPSIZE_END },
  { N_("Correct"), 0, TRUE, PANGO_ELLIPSIZE_END },
  { N_("Incorrect"), 0, TRUE, PANGO_ELLIPSIZE_END },
  { N_("Not watched"), 0, TRUE, PANGO_ELLIPSIZE_END },
};

static const Column ranked_user_columns[] = {
  { "#", 0, TRUE, PANGO_ELLIPSIZE_END, "00" },
  { N_("Name"), 28, FALSE, PANGO_ELLIPSIZE_END },
  { N_("Email"), 40, FALSE, PANGO_ELLIPSIZE_END },
  { N_("Department"), 26, FALSE, PANGO_ELLIPSIZE_END },
  { N_("Correct"), 0, TRUE, PANGO_ELLIPSIZE_END },
  { N_("Incorrect"), 0, TRUE, PANGO_ELLIPSIZE_END },
  { N_("Not watched"), 0, TRUE, PANGO_ELLIPSIZE_END },
};

static const Column department_columns[] = {
  { N_("Department"), 1, FALSE, PANGO_ELLIPSIZE_END },
  { N_("Users"), 0, TRUE, PANGO_ELLIPSIZE_END, "0000000" },
  { N_("Correct"), 0, TRUE, PANGO_ELLIPSIZE_END, "0000000" },
  { N_("Incorrect"), 0, TRUE, PANGO_ELLIPSIZE_END, "0000000" },
  { N_("Not watched"), 0, TRUE, PANGO_ELLIPSIZE_END, "0000000" },
  { N_("Share not watched"), 0, TRUE, PANGO_ELLIPSIZE_END, "100.0 %" },
};

/* Column titles are translated once per report, not per header. */
static Column *
translate_columns (const Column *columns,
                   guint         n_columns)
{
  Column *copy = g_memdup2 (columns, sizeof *columns * n_columns);

  for (guint i = 0; i < n_columns; i++)
    copy[i].title = columns[i].title[0] != '#' ? _(columns[i].title) : columns[i].title;

  return copy;
}

static void
draw_user_row (Pdf    *pdf,
               Table  *table,
               ApUser *user,
               guint   rank)
{
  char numbers[3][24];
  char rank_text[24];
  guint c = 0;

  if (!table_row_begin (pdf, table))
    {
      table_row_end (pdf, table);
      return;
    }

  if (rank > 0)
    table_draw_cell (pdf, table, c++, format_uint (rank_text, rank), FALSE);
  table_draw_cell (pdf, table, c++, ap_user_get_name (user), FALSE);
  table_draw_cell (pdf, table, c++, ap_user_get_email (user), FALSE);
  table_draw_cell (pdf, table, c++, department_label (ap_user_get_department (user)), TRUE);
  table_draw_cell (pdf, table, c++, format_uint (numbers[0], ap_user_get_num_correct (user)),
                   TRUE);
  table_draw_cell (pdf, table, c++, format_uint (numbers[1], ap_user_get_num_incorrect (user)),
                   TRUE);
  table_draw_cell (pdf, table, c++,
                   format_uint (numbers[2], ap_user_get_num_not_watched (user)), TRUE);

  table_row_end (pdf, table);
}

/* Sections */

static void
draw_tile (Pdf          *pdf,
           double        x,
           double        y,
           double        width,
           double        height,
           const ApRgba *color,
           const char   *label,
           const char   *value,
           const char   *detail)
{
  double inner = width - 20;
  double ty = y + 10;

  if (pdf->cr != NULL)
    {
      set_color (pdf->cr, &tile_color);
      cairo_rectangle (pdf->cr, x, y, width, height);
      cairo_fill (pdf->cr);
      set_color (pdf->cr, color);
      cairo_rectangle (pdf->cr, x, y, 4, height);
      cairo_fill (pdf->cr);
    }

  ty += draw_text (pdf, label, pdf->body_font, &pdf->palette.dim_foreground, x + 12, ty, inner,
                   PANGO_ALIGN_LEFT, FALSE);
  ty += 2;
  ty += draw_text (pdf, value, pdf->figure_font, &pdf->palette.foreground, x + 12, ty, inner,
                   PANGO_ALIGN_LEFT, FALSE);
  ty += 2;
  draw_text (pdf, detail, pdf->body_font, &pdf->palette.dim_foreground, x + 12, ty, inner,
             PANGO_ALIGN_LEFT, FALSE);
}

static double
tile_height (Pdf *pdf)
{
  return 20 + prepare_text (pdf, "Ag", pdf->body_font, -1, PANGO_ALIGN_LEFT, FALSE) * 2 +
         prepare_text (pdf, "Ag", pdf->figure_font, -1, PANGO_ALIGN_LEFT, FALSE) + 4;
}

static void
draw_key_values (Pdf                *pdf,
                 const char * const *pairs,
                 guint               n_pairs)
{
  double label_width = 0;

  for (guint i = 0; i < n_pairs; i++)
    label_width = MAX (label_width, text_width (pdf, pairs[2 * i], pdf->bold_font));
  label_width += 14;

  for (guint i = 0; i < n_pairs; i++)
    {
      double height;

      draw_text (pdf, pairs[2 * i], pdf->bold_font, &pdf->palette.dim_foreground, pdf->left,
                 pdf->y, label_width, PANGO_ALIGN_LEFT, FALSE);
      height = draw_text (pdf, pairs[2 * i + 1], pdf->body_font, &pdf->palette.foreground,
                          pdf->left + label_width, pdf->y, pdf->width - label_width,
                          PANGO_ALIGN_LEFT, TRUE);
      pdf->y += height + 4;
    }
}

static void
draw_first_page (Pdf *pdf)
{
  ApPdfReport *report = pdf->report;
  guint64 correct = ap_summary_get_num_correct (report->summary);
  guint64 incorrect = ap_summary_get_num_incorrect (report->summary);
  guint64 not_watched = ap_summary_get_num_not_watched (report->summary);
  guint64 videos = correct + incorrect + not_watched;
  g_autoptr(GDateTime) local = g_date_time_to_local (report->generated);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (report->generated);
  g_autofree char *query = ap_query_describe (report->query);
  g_autofree char *local_text = NULL;
  g_autofree char *utc_text = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *n_users = format_count (report->users->len);
  g_autofree char *n_departments = NULL;
  g_auto(GStrv) values = g_new0 (char *, 4 + 1);  /* filled in order, so g_strfreev frees all */
  g_auto(GStrv) shares = g_new0 (char *, 3 + 1);
  g_autofree char *sentence = NULL;
  g_autofree char *n_videos = format_count (videos);
  const char *pairs[8];
  const ApRgba *colors[4];
  const char *labels[4];
  double tile_w, tile_h, chart_size, text_x;
  guint n_pairs = 0;

  /* Translators: local date and time in the PDF report, see g_date_time_format() */
  local_text = g_date_time_format (local, _("%-d %B %Y, %H:%M %Z"));
  utc_text = g_date_time_format (utc, "%Y-%m-%d %H:%M UTC");
  if (g_date_time_get_utc_offset (local) == 0)
    generated = g_strdup (utc_text);
  else
    /* Translators: "<local time> (<UTC time>)" */
    generated = g_strdup_printf (_("%s (%s)"), local_text, utc_text);

  if (pdf->cr != NULL)
    {
      set_color (pdf->cr, &accent_color);
      cairo_rectangle (pdf->cr, pdf->left, pdf->y, pdf->width, 4);
      cairo_fill (pdf->cr);
    }
  pdf->y += 14;

  add_outline (pdf, _("Summary"));
  pdf->y += draw_text (pdf, _("Mimecast Awareness Training"), pdf->bold_font, &accent_color,
                       pdf->left, pdf->y, pdf->width, PANGO_ALIGN_LEFT, FALSE);
  pdf->y += 2;
  pdf->y += draw_text (pdf, _("Awareness training performance"), pdf->title_font,
                       &pdf->palette.foreground, pdf->left, pdf->y, pdf->width,
                       PANGO_ALIGN_LEFT, TRUE);
  pdf->y += 14;

  pairs[n_pairs * 2] = _("Query");
  pairs[n_pairs++ * 2 + 1] = query;
  pairs[n_pairs * 2] = _("Generated");
  pairs[n_pairs++ * 2 + 1] = generated;
  if (report->base_url != NULL && report->base_url[0] != '\0')
    {
      pairs[n_pairs * 2] = _("Tenant");
      pairs[n_pairs++ * 2 + 1] = report->base_url;
    }
  pairs[n_pairs * 2] = _("Users");
  pairs[n_pairs++ * 2 + 1] = n_users;
  draw_key_values (pdf, pairs, n_pairs);

  pdf->y += 10;
  if (pdf->cr != NULL)
    {
      set_color (pdf->cr, &pdf->palette.grid);
      cairo_set_line_width (pdf->cr, 0.75);
      cairo_move_to (pdf->cr, pdf->left, pdf->y);
      cairo_line_to (pdf->cr, pdf->left + pdf->width, pdf->y);
      cairo_stroke (pdf->cr);
    }
  pdf->y += 18;

  pdf->y += draw_text (pdf, _("Totals"), pdf->heading_font, &pdf->palette.foreground, pdf->left,
                       pdf->y, pdf->width, PANGO_ALIGN_LEFT, FALSE);
  pdf->y += 10;

  values[0] = g_strdup (n_users);
  values[1] = format_count (correct);
  values[2] = format_count (incorrect);
  values[3] = format_count (not_watched);
  shares[0] = format_share (correct, videos);
  shares[1] = format_share (incorrect, videos);
  shares[2] = format_share (not_watched, videos);
  n_departments = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u department",
                                                "%u departments", pdf->n_departments),
                                   pdf->n_departments);
  labels[0] = _("Users");
  labels[1] = ap_chart_part_get_label (AP_CHART_PART_CORRECT);
  labels[2] = ap_chart_part_get_label (AP_CHART_PART_INCORRECT);
  labels[3] = ap_chart_part_get_label (AP_CHART_PART_NOT_WATCHED);
  colors[0] = &accent_color;
  colors[1] = &pdf->palette.correct;
  colors[2] = &pdf->palette.incorrect;
  colors[3] = &pdf->palette.not_watched;

  tile_w = (pdf->width - 3 * 10) / 4;
  tile_h = tile_height (pdf);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *detail = NULL;

      if (i == 0)
        detail = g_strdup (n_departments);
      else
        /* Translators: under a total in the PDF report, e.g. "62.5 % of videos" */
        detail = g_strdup_printf (_("%s of videos"), shares[i - 1]);

      draw_tile (pdf, pdf->left + i * (tile_w + 10), pdf->y, tile_w, tile_h, colors[i],
                 labels[i], values[i], detail);
    }
  pdf->y += tile_h + 20;

  /* The ring on the left, the same numbers in one sentence beside it. */
  chart_size = 150;
  if (pdf->cr != NULL)
    {
      cairo_save (pdf->cr);
      cairo_new_path (pdf->cr);
      ap_chart_render_breakdown (pdf->cr, &pdf->palette, pdf->chart_font, pdf->left, pdf->y,
                                 chart_size, chart_size, correct, incorrect, not_watched,
                                 AP_CHART_PART_NONE);
      cairo_restore (pdf->cr);
      cairo_new_path (pdf->cr);
    }

  text_x = pdf->left + chart_size + 28;
  if (videos > 0)
    sentence = g_strdup_printf (_("Of %s training videos sent to %s users, %s were answered "
                                  "correctly, %s incorrectly, and %s have not been watched."),
                                n_videos, n_users, shares[0], shares[1], shares[2]);
  else
    sentence = g_strdup (_("No training videos were sent to these users."));
  {
    double ty = pdf->y + 20;

    ty += draw_text (pdf, sentence, pdf->body_font, &pdf->palette.foreground, text_x, ty,
                     pdf->left + pdf->width - text_x, PANGO_ALIGN_LEFT, TRUE);
    ty += 14;
    if (pdf->cr != NULL)
      {
        cairo_save (pdf->cr);
        cairo_new_path (pdf->cr);
        ap_chart_render_legend (pdf->cr, &pdf->palette, pdf->chart_font, text_x, ty,
                                pdf->left + pdf->width - text_x);
        cairo_restore (pdf->cr);
        cairo_new_path (pdf->cr);
      }
  }
  pdf->y += chart_size + 20;
}

static int
compare_departments (gconstpointer a,
                     gconstpointer b)
{
  const Department *da = a;
  const Department *db = b;

  if (da->share_not_watched != db->share_not_watched)
    return da->share_not_watched > db->share_not_watched ? -1 : 1;
  if (da->not_watched != db->not_watched)
    return da->not_watched > db->not_watched ? -1 : 1;

  return g_utf8_collate (da->name, db->name);
}

static void
collect_departments (Pdf *pdf)
{
  GListModel *model = ap_summary_get_departments (pdf->report->summary);
  guint n = g_list_model_get_n_items (model);

  pdf->departments = g_new0 (Department, MAX (n, 1));
  pdf->n_departments = n;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ApDepartmentSummary) summary = g_list_model_get_item (model, i);
      Department *department = &pdf->departments[i];

      department->name = g_strdup (ap_department_summary_get_name (summary));
      department->n_users = ap_department_summary_get_n_users (summary);
      department->correct = ap_department_summary_get_num_correct (summary);
      department->incorrect = ap_department_summary_get_num_incorrect (summary);
      department->not_watched = ap_department_summary_get_num_not_watched (summary);
      department->share_not_watched = ap_department_summary_get_not_watched_share (summary);
    }

  qsort (pdf->departments, n, sizeof (Department), compare_departments);
}

static void
draw_departments (Pdf *pdf)
{
  g_autofree Column *columns = translate_columns (department_columns,
                                                  G_N_ELEMENTS (department_columns));
  g_autofree ApChartSeries *series = NULL;
  g_autofree char *caption = NULL;
  guint n_chart = MIN (pdf->n_departments, MAX_CHART_DEPARTMENTS);
  double chart_height;
  double legend_height;
  Table table;

  /* The chart takes as many departments as fit below the totals, so the
   * first page answers "where is it worst" at a glance; too few and it
   * moves to a page of its own. The heading always stays with it. */
  legend_height = ap_chart_legend_get_height (pdf->chart_font);
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      double available = pdf->bottom - pdf->y - 60 - legend_height - 12;
      guint fit = n_chart;

      while (fit > 0 && ap_chart_stacked_bars_get_height (fit) > available)
        fit--;
      if (fit >= MIN (n_chart, 5) || pdf->y <= pdf->top + 30)
        {
          n_chart = MAX (fit, MIN (n_chart, 1));
          break;
        }
      new_page (pdf);
    }
  chart_height = ap_chart_stacked_bars_get_height (n_chart);

  if (n_chart < pdf->n_departments)
    caption = g_strdup_printf (_("The %u departments with the largest share of videos not "
                                 "watched; all %u are in the table."),
                               n_chart, pdf->n_departments);
  else
    caption = g_strdup (_("Sorted by the share of videos not watched, largest first."));

  draw_heading (pdf, _("By department"), caption);

  if (pdf->n_departments == 0)
    {
      pdf->y += draw_text (pdf, _("There are no users in this report."), pdf->body_font,
                           &pdf->palette.dim_foreground, pdf->left, pdf->y, pdf->width,
                           PANGO_ALIGN_LEFT, TRUE);
      pdf->y += 20;
      return;
    }

  if (pdf->cr != NULL)
    {
      series = g_new0 (ApChartSeries, n_chart);
      for (guint i = 0; i < n_chart; i++)
        {
          series[i].label = pdf->departments[i].name;
          series[i].correct = pdf->departments[i].correct;
          series[i].incorrect = pdf->departments[i].incorrect;
          series[i].not_watched = pdf->departments[i].not_watched;
        }
      cairo_save (pdf->cr);
      cairo_new_path (pdf->cr);
      ap_chart_render_legend (pdf->cr, &pdf->palette, pdf->chart_font, pdf->left, pdf->y,
                              pdf->width);
      cairo_new_path (pdf->cr);
      ap_chart_render_stacked_bars (pdf->cr, &pdf->palette, pdf->chart_font, pdf->left,
                                    pdf->y + legend_height + 6, pdf->width, chart_height,
                                    series, n_chart, -1, AP_CHART_PART_NONE);
      cairo_restore (pdf->cr);
      cairo_new_path (pdf->cr);
    }
  pdf->y += legend_height + 6 + chart_height + 18;

  table_begin (pdf, &table, columns, G_N_ELEMENTS (department_columns),
               _("By department (continued)"));
  for (guint i = 0; i < pdf->n_departments && !pdf->cancelled; i++)
    {
      const Department *department = &pdf->departments[i];
      char numbers[4][24];
      g_autofree char *share = NULL;

      if (!table_row_begin (pdf, &table))
        {
          table_row_end (pdf, &table);
          continue;
        }

      share = format_share (department->not_watched,
                            department->correct + department->incorrect +
                            department->not_watched);
      table_draw_cell (pdf, &table, 0, department_label (department->name), FALSE);
      table_draw_cell (pdf, &table, 1, format_uint (numbers[0], department->n_users), FALSE);
      table_draw_cell (pdf, &table, 2, format_uint (numbers[1], department->correct), FALSE);
      table_draw_cell (pdf, &table, 3, format_uint (numbers[2], department->incorrect), FALSE);
      table_draw_cell (pdf, &table, 4, format_uint (numbers[3], department->not_watched), FALSE);
      table_draw_cell (pdf, &table, 5, share, FALSE);
      table_row_end (pdf, &table);
    }
  table_end (pdf, &table);
}

/* Most not watched first, then most incorrect. */
static int
compare_attention (ApUser *a,
                   ApUser *b)
{
  guint a_not_watched = ap_user_get_num_not_watched (a);
  guint b_not_watched = ap_user_get_num_not_watched (b);
  guint a_incorrect, b_incorrect;

  if (a_not_watched != b_not_watched)
    return a_not_watched > b_not_watched ? -1 : 1;

  a_incorrect = ap_user_get_num_incorrect (a);
  b_incorrect = ap_user_get_num_incorrect (b);
  if (a_incorrect != b_incorrect)
    return a_incorrect > b_incorrect ? -1 : 1;

  return 0;
}

static void
collect_attention (Pdf *pdf)
{
  GPtrArray *users = pdf->report->users;

  pdf->attention = g_ptr_array_sized_new (MAX_ATTENTION_USERS + 1);

  /* A bounded insertion keeps the first 25 in one pass; ties keep the
   * report's order, which is the order the person sorted by. */
  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      guint position = pdf->attention->len;

      if (ap_user_get_num_not_watched (user) == 0 && ap_user_get_num_incorrect (user) == 0)
        continue;

      if (position == MAX_ATTENTION_USERS &&
          compare_attention (user, g_ptr_array_index (pdf->attention, position - 1)) >= 0)
        continue;

      while (position > 0 &&
             compare_attention (user, g_ptr_array_index (pdf->attention, position - 1)) < 0)
        position--;
      g_ptr_array_insert (pdf->attention, position, user);
      if (pdf->attention->len > MAX_ATTENTION_USERS)
        g_ptr_array_set_size (pdf->attention, MAX_ATTENTION_USERS);
    }
}

static void
draw_attention (Pdf *pdf)
{
  g_autofree Column *columns = translate_columns (ranked_user_columns,
                                                  G_N_ELEMENTS (ranked_user_columns));
  g_autofree char *caption = NULL;
  Table table;

  caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "The user with the most videos not watched, then "
                                          "the most answered incorrectly.",
                                          "The %u users with the most videos not watched, "
                                          "then the most answered incorrectly.",
                                          pdf->attention->len),
                             pdf->attention->len);

  /* At most 25 rows: the table is kept on one page with its heading. */
  ensure_space (pdf, 80 + HEADER_HEIGHT + MAX (pdf->attention->len, 1) * ROW_HEIGHT);
  if (pdf->attention->len == 0)
    {
      draw_heading (pdf, _("Users needing attention"), NULL);
      pdf->y += draw_text (pdf, _("Every user has watched every video and answered correctly."),
                           pdf->body_font, &pdf->palette.dim_foreground, pdf->left, pdf->y,
                           pdf->width, PANGO_ALIGN_LEFT, TRUE);
      pdf->y += 20;
      return;
    }

  draw_heading (pdf, _("Users needing attention"), caption);
  table_begin (pdf, &table, columns, G_N_ELEMENTS (ranked_user_columns),
               _("Users needing attention (continued)"));
  for (guint i = 0; i < pdf->attention->len; i++)
    draw_user_row (pdf, &table, g_ptr_array_index (pdf->attention, i), i + 1);
  table_end (pdf, &table);
}

static void
draw_all_users (Pdf *pdf)
{
  g_autofree Column *columns = translate_columns (user_columns, G_N_ELEMENTS (user_columns));
  g_autofree char *title = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *n_users = format_count (pdf->report->users->len);
  GPtrArray *users = pdf->report->users;
  Table table;

  /* The full list starts on a page of its own: it is the part people
   * print separately or skip. */
  new_page (pdf);
  title = g_strdup (_("All users"));
  caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s user, in the order of the export.",
                                          "%s users, in the order of the export.",
                                          users->len),
                             n_users);
  draw_heading (pdf, title, caption);

  if (users->len == 0)
    {
      pdf->y += draw_text (pdf, _("There are no users in this report."), pdf->body_font,
                           &pdf->palette.dim_foreground, pdf->left, pdf->y, pdf->width,
                           PANGO_ALIGN_LEFT, TRUE);
      return;
    }

  table_begin (pdf, &table, columns, G_N_ELEMENTS (user_columns), _("All users (continued)"));
  for (guint i = 0; i < users->len && !pdf->cancelled; i++)
    {
      draw_user_row (pdf, &table, g_ptr_array_index (users, i), 0);
      pdf->users_drawn = i + 1;
    }
  table_end (pdf, &table);
}

static void
layout_report (Pdf *pdf)
{
  pdf->page = 1;
  pdf->y = pdf->top;
  pdf->running_head = NULL;
  pdf->users_drawn = 0;

  draw_first_page (pdf);
  draw_departments (pdf);
  draw_attention (pdf);
  draw_all_users (pdf);
  draw_footer (pdf);
}

static cairo_status_t
write_to_buffer (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  ApReportBuffer *buffer = closure;

  if (buffer->error == NULL)
    ap_report_buffer_append (buffer, (const char *) data, length);

  return buffer->error == NULL ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void
pdf_clear (Pdf *pdf)
{
  g_clear_pointer (&pdf->cr, cairo_destroy);
  g_clear_pointer (&pdf->surface, cairo_surface_destroy);
  g_clear_object (&pdf->layout);
  g_clear_object (&pdf->context);
  g_clear_pointer (&pdf->title_font, pango_font_description_free);
  g_clear_pointer (&pdf->heading_font, pango_font_description_free);
  g_clear_pointer (&pdf->body_font, pango_font_description_free);
  g_clear_pointer (&pdf->bold_font, pango_font_description_free);
  g_clear_pointer (&pdf->small_font, pango_font_description_free);
  g_clear_pointer (&pdf->cell_font, pango_font_description_free);
  g_clear_pointer (&pdf->cell_bold_font, pango_font_description_free);
  g_clear_pointer (&pdf->figure_font, pango_font_description_free);
  g_clear_pointer (&pdf->chart_font, pango_font_description_free);
  for (guint i = 0; i < pdf->n_departments; i++)
    g_free (pdf->departments[i].name);
  g_clear_pointer (&pdf->departments, g_free);
  g_clear_pointer (&pdf->attention, g_ptr_array_unref);
  g_clear_pointer (&pdf->footer, g_free);
}

static void
set_metadata (Pdf *pdf)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (pdf->report->generated);
  g_autofree char *date = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");

  cairo_pdf_surface_set_metadata (pdf->surface, CAIRO_PDF_METADATA_TITLE,
                                  _("Awareness training performance"));
  cairo_pdf_surface_set_metadata (pdf->surface, CAIRO_PDF_METADATA_CREATOR,
                                  "Awareness Performance " PACKAGE_VERSION);
  cairo_pdf_surface_set_metadata (pdf->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

gboolean
ap_pdf_report_write (ApPdfReport        *self,
                     ApReportBuffer     *buffer,
                     ApPdfProgressFunc   progress,
                     gpointer            progress_data,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (self->generated);
  g_autofree char *utc_text = g_date_time_format (utc, "%Y-%m-%d %H:%M UTC");
  PangoFontMap *font_map;
  cairo_status_t status;
  Pdf pdf = { 0 };
  gboolean ok = TRUE;

  pdf.report = self;
  pdf.buffer = buffer;
  pdf.cancellable = cancellable;
  pdf.progress = progress;
  pdf.progress_data = progress_data;
  ap_chart_palette_init (&pdf.palette, FALSE);

  ap_pdf_paper_size (&pdf.page_width, &pdf.page_height);
  pdf.left = MARGIN_SIDE;
  pdf.width = pdf.page_width - 2 * MARGIN_SIDE;
  pdf.top = MARGIN_TOP;
  pdf.bottom = pdf.page_height - MARGIN_BOTTOM;

  pdf.title_font = make_font (24, PANGO_WEIGHT_BOLD);
  pdf.heading_font = make_font (14, PANGO_WEIGHT_BOLD);
  pdf.body_font = make_font (9.5, PANGO_WEIGHT_NORMAL);
  pdf.bold_font = make_font (9.5, PANGO_WEIGHT_BOLD);
  pdf.small_font = make_font (7.5, PANGO_WEIGHT_NORMAL);
  pdf.cell_font = make_font (8, PANGO_WEIGHT_NORMAL);
  pdf.cell_bold_font = make_font (8, PANGO_WEIGHT_BOLD);
  pdf.figure_font = make_font (18, PANGO_WEIGHT_BOLD);
  pdf.chart_font = make_font (8.5, PANGO_WEIGHT_NORMAL);

  /* Translators: the footer of every page of the PDF report */
  pdf.footer = g_strdup_printf (_("Awareness training performance · generated %s"), utc_text);

  pdf.surface = cairo_pdf_surface_create_for_stream (write_to_buffer, buffer, pdf.page_width,
                                                     pdf.page_height);
  cairo_pdf_surface_restrict_to_version (pdf.surface, CAIRO_PDF_VERSION_1_5);
  set_metadata (&pdf);
  pdf.cr = cairo_create (pdf.surface);

  /* One context for both passes, matched to the PDF (72 units per inch,
   * no hinting), so what is measured is what is drawn. Its own font map:
   * the default one belongs to the thread that created it. */
  font_map = pango_cairo_font_map_new ();
  pdf.context = pango_font_map_create_context (font_map);
  g_object_unref (font_map);
  pango_cairo_update_context (pdf.cr, pdf.context);
  pdf.layout = pango_layout_new (pdf.context);

  collect_departments (&pdf);
  collect_attention (&pdf);

  {
    cairo_t *cr = g_steal_pointer (&pdf.cr);

    layout_report (&pdf);
    pdf.n_pages = pdf.page;
    pdf.cr = cr;
  }
  layout_report (&pdf);

  cairo_surface_finish (pdf.surface);
  status = cairo_surface_status (pdf.surface);

  if (buffer->error != NULL)
    ok = FALSE;
  else if (pdf.cancelled || g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      if (pdf.cancelled)
        g_cancellable_set_error_if_cancelled (cancellable, error);
      ok = FALSE;
    }
  else if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_WRITE, _("The PDF report could not be made: %s"),
                   cairo_status_to_string (status));
      ok = FALSE;
    }

  if (ok && progress != NULL)
    progress (self->users->len, progress_data);

  pdf_clear (&pdf);
  return ok;
}
