/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "ap-chart-render.h"
#include "ap-chart-render-private.h"
#include "ap-report-private.h"

G_BEGIN_DECLS

/* The report's page and table layout (ap-report-table.c), shared by the
 * sections in ap-report-render.c. Text is never cut: it wraps within its
 * width (PANGO_WRAP_WORD_CHAR, so an email without spaces breaks between
 * characters) and table rows grow to fit. */

#define AP_TABLE_MAX_COLUMNS 8

/* A text shaped for the report (ap-report-text.c): its glyphs and size. */
typedef struct _ApShaped ApShaped;
typedef struct _ApRenderText ApRenderText;

/* Row backgrounds, drawn under the page's text */
typedef enum
{
  AP_RECT_ZEBRA,
  AP_RECT_SPAN,
} ApRectKind;

/* The report's tables, for resuming the layout inside one */
typedef enum
{
  AP_SECTION_NONE,
  AP_SECTION_DEPARTMENTS,
  AP_SECTION_ATTENTION,
  AP_SECTION_VIDEOS,
  AP_SECTION_ALL_USERS,
  AP_SECTION_RECORDS,
} ApSection;

/* A point to resume the layout from: just before a table row is
 * committed, with what the layout had reached there. Sections publish
 * where they are (ap_render_set_cursor) before each row. */
typedef struct
{
  ApSection section;
  guint     cursor[2];
  double    y;
  guint     page;
  guint     height_index;
  guint     users_drawn;
  guint     row;
  gboolean  at_top;
} ApCheckpoint;

typedef struct
{
  ApReportDocument     *document;

  /* Where drawing goes: @target_cr for every page (target ALL) or for the
   * one page @target (from 1); @cr is the target while on a page that is
   * drawn, else NULL (measuring, or another page). */
  cairo_t              *target_cr;
  cairo_t              *cr;
  cairo_surface_t      *pdf_surface;   /* for the outline, PDF only */
  guint                 target;
  gboolean              stop;
  GCancellable         *cancellable;   /* checked while measuring */
  ApReportPageFunc      page_done;
  gpointer              page_data;

  PangoContext         *context;
  ApRenderText         *text;
  /* A row's texts that are not cached, between laying out and drawing */
  ApShaped             *cells[AP_TABLE_MAX_COLUMNS];
  ApShaped             *seconds[AP_TABLE_MAX_COLUMNS];
  ApChartPalette        palette;

  PangoFontDescription *title_font;
  PangoFontDescription *heading_font;
  PangoFontDescription *body_font;
  PangoFontDescription *bold_font;
  PangoFontDescription *small_font;
  PangoFontDescription *tiny_font;
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
  double                page_number_width;
  const char           *running_head;
  char                 *footer;

  /* Row heights in layout order: appended while measuring, replayed
   * after, so a page is drawn without laying out other pages' text. */
  gboolean              measuring;
  GArray               *heights;
  guint                 height_index;

  guint                 n_missing;
  char                 *missing_example;
  guint                 users_drawn;

  /* Where the section being laid out is */
  ApSection             section;
  guint                 cursor[2];
  /* Resuming: the point to resume from, until its section takes it */
  const ApCheckpoint   *resume;
  /* In slices: rows left before stopping at @yield_point (slicing only) */
  gboolean              slicing;
  guint                 rows_left;
  gboolean              yielded;
  ApCheckpoint          yield_point;
  /* Printing: where each page starts (index: page - 1), kept while the
   * pages are counted when set */
  GArray               *page_starts;
} ApRender;

void    ap_render_init          (ApRender           *r,
                                 ApReportDocument   *document,
                                 char               *footer);
void    ap_render_clear         (ApRender           *r);
void    ap_render_set_page      (ApRender           *r,
                                 const ApReportPage *page);
void    ap_render_begin         (ApRender           *r);
void    ap_render_end           (ApRender           *r);
/* Starts the layout at @checkpoint instead of the beginning; its section
 * takes it with ap_render_resume_point(). */
void    ap_render_resume        (ApRender           *r,
                                 const ApCheckpoint *checkpoint);
/* The point to resume @section's table from, when the layout resumes
 * there (once); else NULL. */
const ApCheckpoint *ap_render_resume_point (ApRender *r,
                                            ApSection section);

static inline void
ap_render_set_cursor (ApRender  *r,
                      ApSection  section,
                      guint      a,
                      guint      b)
{
  r->section = section;
  r->cursor[0] = a;
  r->cursor[1] = b;
}

void    ap_render_new_page      (ApRender           *r);
/* After pagination: the footer's "Page N of M" */
void    ap_render_set_n_pages   (ApRender           *r,
                                 guint               n_pages);
void    ap_render_ensure_space  (ApRender           *r,
                                 double              height);

/* Text (ap-report-text.c) */
void    ap_render_text_init     (ApRender           *r);
void    ap_render_text_clear    (ApRender           *r);
ApShaped *ap_shaped_new         (void);
void    ap_shaped_free          (ApShaped           *self);
double  ap_shaped_get_width     (const ApShaped     *self);
double  ap_shaped_get_height    (const ApShaped     *self);
guint   ap_shaped_get_n_lines   (const ApShaped     *self);
/* @text in @font wrapped to @width (<= 0: one line, no limit). With
 * @cache, from (or into) the cache, which ap_render_text_forget() empties;
 * else shaped into @scratch (or a shared one when NULL), valid until
 * @scratch is used again. (transfer none) */
const ApShaped *ap_render_shape (ApRender                   *r,
                                 const char                 *text,
                                 const PangoFontDescription *font,
                                 double                      width,
                                 PangoAlignment              alignment,
                                 gboolean                    cache,
                                 ApShaped                   *scratch);
void    ap_render_text_forget   (ApRender           *r);
/* Measuring only: TRUE when @text is surely one line in @width, with the
 * line's height in @height, known without shaping @text. */
gboolean ap_render_fits_one_line (ApRender                   *r,
                                  const PangoFontDescription *font,
                                  const char                 *text,
                                  double                      width,
                                  double                     *height);
/* Queues @shaped for the page when on a drawn page, its top left at x, y. */
void    ap_render_draw_shaped   (ApRender           *r,
                                 const ApShaped     *shaped,
                                 const ApRgba       *color,
                                 double              x,
                                 double              y);
/* Queues a row background for the page. */
void    ap_render_fill_rect     (ApRender           *r,
                                 ApRectKind          kind,
                                 const ApRgba       *color,
                                 double              x,
                                 double              y,
                                 double              width,
                                 double              height);
/* Draws what is queued: row backgrounds, then text. At the end of each
 * page, and before anything is drawn directly over queued text. */
void    ap_render_flush         (ApRender           *r);
/* Shapes @text wrapped to @width (<= 0: one line, no limit), queues it
 * when on a drawn page and returns its height. */
double  ap_render_text          (ApRender                   *r,
                                 const char                 *text,
                                 const PangoFontDescription *font,
                                 const ApRgba               *color,
                                 double                      x,
                                 double                      y,
                                 double                      width,
                                 PangoAlignment              alignment);
/* The same for a text that repeats on every page (column titles, the
 * footer): shaped once. */
double  ap_render_text_full     (ApRender                   *r,
                                 const char                 *text,
                                 const PangoFontDescription *font,
                                 const ApRgba               *color,
                                 double                      x,
                                 double                      y,
                                 double                      width,
                                 PangoAlignment              alignment,
                                 gboolean                    cache);
double  ap_render_text_width    (ApRender                   *r,
                                 const char                 *text,
                                 const PangoFontDescription *font);
void    ap_render_heading       (ApRender           *r,
                                 const char         *title,
                                 const char         *caption);
void    ap_render_add_outline   (ApRender           *r,
                                 const char         *title);

/* Text columns share the width left by the numeric ones, which are as
 * wide as @sample or their title's longest word, whichever is wider. */
typedef struct
{
  const char *title;     /* untranslated */
  double      weight;
  gboolean    numeric;
  const char *sample;
} ApColumn;

typedef struct
{
  ApColumn    columns[AP_TABLE_MAX_COLUMNS];   /* titles translated */
  guint       n_columns;
  double      x[AP_TABLE_MAX_COLUMNS];
  double      width[AP_TABLE_MAX_COLUMNS];
  double      header_height;
  guint       row;
  const char *running_head;
  gboolean    at_top;

  /* The row being filled */
  const char *text[AP_TABLE_MAX_COLUMNS];
  const char *secondary[AP_TABLE_MAX_COLUMNS];
  gboolean    cacheable[AP_TABLE_MAX_COLUMNS];
  char       *owned[AP_TABLE_MAX_COLUMNS];
  char        numbers[AP_TABLE_MAX_COLUMNS][24];
  const char *span_text;
  const char *span_secondary;

  /* The last span, repeated at the top of a page inside its group */
  char       *group_text;
  char       *group_secondary;
  gboolean    repeating;
} ApTable;

void    ap_table_begin          (ApRender       *r,
                                 ApTable        *table,
                                 const ApColumn *columns,
                                 guint           n_columns,
                                 const char     *running_head);
/* The table as at @checkpoint, inside it: no heading, no header row. */
void    ap_table_resume         (ApRender           *r,
                                 ApTable            *table,
                                 const ApColumn     *columns,
                                 guint               n_columns,
                                 const char         *running_head,
                                 const ApCheckpoint *checkpoint);
void    ap_table_end            (ApRender       *r,
                                 ApTable        *table);
/* @text and @secondary (drawn smaller, under @text) must live until the
 * row is committed; @cacheable for texts that repeat (departments,
 * titles, dates): laid out once per table. */
void    ap_table_set_text       (ApTable        *table,
                                 guint           column,
                                 const char     *text,
                                 const char     *secondary,
                                 gboolean        cacheable);
void    ap_table_take_text      (ApTable        *table,
                                 guint           column,
                                 char           *text);
void    ap_table_set_number     (ApTable        *table,
                                 guint           column,
                                 guint64         value);
/* A row across all columns, kept with the row after it. */
void    ap_table_set_span       (ApTable        *table,
                                 const char     *text,
                                 const char     *secondary);
/* The group a resumed table is inside: the span named again on a new
 * page. */
void    ap_table_set_group      (ApTable        *table,
                                 const char     *text,
                                 const char     *secondary);
void    ap_table_commit_row     (ApRender       *r,
                                 ApTable        *table);

G_END_DECLS
