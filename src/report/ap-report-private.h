/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>
#include <cairo.h>

#include "ap-analysis.h"
#include "ap-history.h"
#include "ap-report.h"
#include "ap-user.h"

G_BEGIN_DECLS

/* Everything a writer emits goes through one large buffer, so a million rows
 * cost a few hundred write() calls. The first failure sticks in @error and
 * later output is dropped: writers check once per user, not once per cell. */
typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  char          *data;
  gsize          len;
  gsize          size;
  GError        *error;
} ApReportBuffer;

#define AP_REPORT_BUFFER_SIZE (256 * 1024)

void     ap_report_buffer_init        (ApReportBuffer *self,
                                       GOutputStream  *stream);
void     ap_report_buffer_clear       (ApReportBuffer *self);
void     ap_report_buffer_append_slow (ApReportBuffer *self,
                                       const char     *data,
                                       gsize           len);
gboolean ap_report_buffer_flush       (ApReportBuffer *self);
void     ap_report_buffer_append_uint (ApReportBuffer *self,
                                       guint64         value);

static inline void
ap_report_buffer_append (ApReportBuffer *self,
                         const char     *data,
                         gsize           len)
{
  if (G_LIKELY (self->len + len <= self->size))
    {
      memcpy (self->data + self->len, data, len);
      self->len += len;
    }
  else
    ap_report_buffer_append_slow (self, data, len);
}

static inline void
ap_report_buffer_append_c (ApReportBuffer *self,
                           char            c)
{
  if (G_LIKELY (self->len < self->size))
    self->data[self->len++] = c;
  else
    ap_report_buffer_append_slow (self, &c, 1);
}

#define ap_report_buffer_append_literal(self, literal) \
  ap_report_buffer_append ((self), "" literal, sizeof (literal) - 1)

/* An AP_ERROR_WRITE with a message a person can act on, naming the folder
 * of @file when known; G_IO_ERROR_CANCELLED is passed through unchanged.
 * (transfer full) */
GError  *ap_report_map_io_error       (const GError   *error,
                                       GFile          *file);
/* The target GFile of a stream from ap_report_file_open(), else NULL. */
GFile   *ap_report_file_get_target    (GOutputStream  *stream);

/* CSV (ap-csv-writer.c). @bom: start with a UTF-8 byte order mark. */
void     ap_csv_writer_write_header   (ApReportBuffer *buffer,
                                       gboolean        details,
                                       gboolean        bom);
/* @scratch: a GString reused between calls (the user's columns are built
 * once and repeated on every record row). */
void     ap_csv_writer_write_user     (ApReportBuffer *buffer,
                                       ApUser         *user,
                                       gboolean        details,
                                       GString        *scratch);
/* One cell, quoted as RFC 4180 needs and neutralised against formula
 * injection; exposed for tests. */
void     ap_csv_writer_write_cell     (ApReportBuffer *buffer,
                                       const char     *value);

/* The department and training video CSVs (ap-csv-analysis.c): header and
 * every row of @analysis, in its default order. */
void     ap_csv_writer_write_departments (ApReportBuffer *buffer,
                                          ApAnalysis     *analysis,
                                          gboolean        bom);
void     ap_csv_writer_write_videos      (ApReportBuffer *buffer,
                                          ApAnalysis     *analysis,
                                          gboolean        bom);

/* The changes CSV (--changes): one row per ApUserChange, before/after
 * cells empty where a side has no such user. */
void     ap_csv_writer_write_changes_header (ApReportBuffer     *buffer);
void     ap_csv_writer_write_change   (ApReportBuffer     *buffer,
                                       const ApUserChange *change);
/* JSON (ap-json-writer.c), streamed user by user. */
void     ap_json_writer_write_begin   (ApReportBuffer *buffer,
                                       GDateTime      *generated,
                                       ApQuery        *query);
void     ap_json_writer_write_user    (ApReportBuffer *buffer,
                                       ApUser         *user,
                                       gboolean        first);
void     ap_json_writer_write_end     (ApReportBuffer *buffer,
                                       gboolean        empty);
void     ap_json_writer_write_string  (ApReportBuffer *buffer,
                                       const char     *value);

/* PDF (ap-pdf-report.c): the document drawn onto a PDF surface. */
typedef void (*ApPdfProgressFunc) (guint    users_drawn,
                                   gpointer user_data);

/* Output goes through @buffer; a failure there returns FALSE without
 * setting @error (the caller reports the buffer's error). */
gboolean ap_pdf_report_write          (ApReportDocument *document,
                                       ApReportBuffer   *buffer,
                                       ApPdfProgressFunc progress,
                                       gpointer          progress_data,
                                       GCancellable     *cancellable,
                                       GError          **error);
/* Paper size in points for a locale name such as "en_US.UTF-8": US Letter
 * where it is the norm, A4 elsewhere. The fallback when the C library
 * cannot tell (no LC_PAPER support); exposed for tests. */
void     ap_pdf_paper_size_for_locale (const char     *locale,
                                       double         *width,
                                       double         *height);
/* The paper size of the current LC_PAPER locale. */
void     ap_pdf_paper_size            (double         *width,
                                       double         *height);

/* The renderer's PDF target (ap-report-render.c): every page in turn,
 * @page_done after each (the caller shows the page there). Returns FALSE
 * when @page_done asked to stop. @surface: for the outline. */
typedef gboolean (*ApReportPageFunc) (guint    page_nr,
                                      guint    users_drawn,
                                      gpointer user_data);
gboolean ap_report_document_draw_all  (ApReportDocument *self,
                                       cairo_t          *cr,
                                       cairo_surface_t  *pdf_surface,
                                       ApReportPageFunc  page_done,
                                       gpointer          user_data);
guint    ap_report_document_get_n_users (ApReportDocument *self);
/* (nullable) (transfer none) checked while paginating; set for the
 * duration of one write */
void     ap_report_document_set_cancellable (ApReportDocument *self,
                                             GCancellable     *cancellable);
GDateTime *ap_report_document_get_generated (ApReportDocument *self);

/* The writer's hook for progress inside finish() (the PDF's pages). Called
 * on the writing thread. */
void     ap_report_writer_set_progress_func (ApReportWriter   *self,
                                             ApPdfProgressFunc func,
                                             gpointer          user_data);

G_END_DECLS
