/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "ap-chart-render.h"
#include "ap-report-private.h"

G_BEGIN_DECLS

/* The report's page and table layout (ap-report-table.c), shared by the
 * sections in ap-report-render.c. Text is never cut: it wraps within its
 * width (PANGO_WRAP_WORD_CHAR, so an email without spaces breaks between
 * characters) and table rows grow to fit. */

#define AP_TABLE_MAX_COLUMNS 8

typedef struct
{
  double max_advance;
  double line_height;
} ApFontFit;

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
  PangoLayout          *layout;
  PangoLayout          *cells[AP_TABLE_MAX_COLUMNS];
  PangoLayout          *seconds[AP_TABLE_MAX_COLUMNS];
  PangoLayout          *span;
  PangoLayout          *span_second;
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
  const char           *running_head;
  char                 *footer;

  /* Row heights in layout order: appended while measuring, replayed
   * after, so a page is drawn without laying out other pages' text. */
  gboolean              measuring;
  GArray               *heights;
  guint                 height_index;

  ApFontFit             cell_fit;
  ApFontFit             small_fit;

  guint                 n_missing;
  char                 *missing_example;
  guint                 users_drawn;
} ApRender;

void    ap_render_init          (ApRender           *r,
                                 ApReportDocument   *document,
                                 char               *footer);
void    ap_render_clear         (ApRender           *r);
void    ap_render_set_page      (ApRender           *r,
                                 const ApReportPage *page);
void    ap_render_begin         (ApRender           *r);
void    ap_render_end           (ApRender           *r);
void    ap_render_new_page      (ApRender           *r);
void    ap_render_ensure_space  (ApRender           *r,
                                 double              height);
void    ap_render_set_color     (cairo_t            *cr,
                                 const ApRgba       *color);
/* Lays out @text wrapped to @width (<= 0: one line, no limit), draws it
 * when on a drawn page and returns its height. */
double  ap_render_text          (ApRender                   *r,
                                 const char                 *text,
                                 const PangoFontDescription *font,
                                 const ApRgba               *color,
                                 double                      x,
                                 double                      y,
                                 double                      width,
                                 PangoAlignment              alignment);
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
  GHashTable *cache[AP_TABLE_MAX_COLUMNS];
  guint       n_cached;
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
} ApTable;

void    ap_table_begin          (ApRender       *r,
                                 ApTable        *table,
                                 const ApColumn *columns,
                                 guint           n_columns,
                                 const char     *running_head);
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
void    ap_table_commit_row     (ApRender       *r,
                                 ApTable        *table);

G_END_DECLS
