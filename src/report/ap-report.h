/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-query.h"
#include "ap-user.h"

G_BEGIN_DECLS

typedef enum
{
  AP_REPORT_FORMAT_CSV,          /* one row per user */
  AP_REPORT_FORMAT_CSV_DETAILS,  /* one row per training record */
  AP_REPORT_FORMAT_JSON,
  AP_REPORT_FORMAT_PDF,
  AP_REPORT_FORMAT_CSV_DEPARTMENTS,  /* one row per department (ApAnalysis) */
  AP_REPORT_FORMAT_CSV_VIDEOS,       /* one row per training title (ApAnalysis; needs details) */
} ApReportFormat;

/* "csv" (+details -> CSV_DETAILS), "json", "pdf", "csv-departments", "csv-videos" */
gboolean    ap_report_format_from_string  (const char     *str,
                                           gboolean        details,
                                           ApReportFormat *format);
const char *ap_report_format_get_extension (ApReportFormat format);   /* "csv", "json", "pdf" */
const char *ap_report_format_get_label     (ApReportFormat format);   /* translated */
const char *ap_report_format_get_mime_type (ApReportFormat format);
/* "csv", "csv-details", "json", "pdf": the values of the "export-format"
 * GSettings key; ap_report_format_from_string() reads them back (and
 * "csv-departments", "csv-videos"). */
const char *ap_report_format_to_string     (ApReportFormat format);

/* What a report covers beyond the server query: where the data came from
 * and how the window narrowed it. The PDF's header states all of it. */
typedef struct
{
  char      *base_url;      /* the tenant's API base URL; NULL when unknown */
  gboolean   demo;          /* built-in demo data: said instead of the URL */
  GDateTime *fetched;       /* when the fetch completed; NULL when unknown */
  guint      n_fetched;     /* users in the fetch; 0 when unknown */
  gboolean   current_view;  /* the window's narrowed view, not everything loaded */
  char      *department;    /* the department filter: NULL none, "" users without one */
  char      *search_text;   /* the local search text: NULL or "" none */
} ApReportScope;

/* (transfer full) all fields empty */
ApReportScope *ap_report_scope_new  (void);
/* (transfer full) a deep copy; NULL gives an empty scope */
ApReportScope *ap_report_scope_copy (const ApReportScope *scope);
void           ap_report_scope_free (ApReportScope       *scope);
/* Setters copy strings and ref the time. */
void           ap_report_scope_set_fetched (ApReportScope *scope,
                                            GDateTime     *fetched,
                                            guint          n_fetched);
void           ap_report_scope_set_narrowing (ApReportScope *scope,
                                              gboolean       current_view,
                                              const char    *department,
                                              const char    *search_text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApReportScope, ap_report_scope_free)

/* The PDF report as a document that draws itself onto any cairo_t: the
 * PDF writer's surface and a GtkPrintOperation's context are two targets
 * of the same drawing code. Users are kept by reference and ordered by
 * department, then name. Use from one thread at a time. */
typedef struct _ApReportDocument ApReportDocument;
/* As cairo.h declares it: users of the writers need no cairo headers. */
typedef struct _cairo cairo_t;

typedef struct
{
  double width;     /* the page, in points */
  double height;
  double top;       /* margins, in points */
  double bottom;
  double left;
  double right;
} ApReportPage;

/* @scope: (nullable) copied; @generated: (nullable) NULL for now */
ApReportDocument *ap_report_document_new        (ApQuery             *query,
                                                 const ApReportScope *scope,
                                                 GDateTime           *generated);
void              ap_report_document_free       (ApReportDocument    *self);
/* @users: (element-type ApUser) reffed */
void              ap_report_document_add_users  (ApReportDocument    *self,
                                                 GPtrArray           *users);
/* (nullable) replaces the scope (copied); before paginate */
void              ap_report_document_set_scope  (ApReportDocument    *self,
                                                 const ApReportScope *scope);
/* Orders the users and computes the departments, videos and users
 * needing attention, which the first pagination does otherwise. It takes
 * a while for many users: a caller on the main loop can call it on a
 * worker thread first (the document is not to be used meanwhile). */
void              ap_report_document_prepare    (ApReportDocument    *self);
/* Lays the report out on pages of @page and returns their number (at
 * least one). Measures every text; later calls with the same page reuse
 * the measurements. */
guint             ap_report_document_paginate   (ApReportDocument    *self,
                                                 const ApReportPage  *page);
/* The same a slice at a time, for a caller on the main loop (printing):
 * call until it returns TRUE, then @n_pages (nullable) is set. Drawing a
 * page afterwards lays out that page's rows only. */
gboolean          ap_report_document_paginate_step (ApReportDocument   *self,
                                                    const ApReportPage *page,
                                                    guint              *n_pages);
/* Draws page @page_nr (from 0) of the last pagination onto @cr, whose
 * origin is the page's top left corner, in points. */
void              ap_report_document_draw_page  (ApReportDocument    *self,
                                                 cairo_t             *cr,
                                                 guint                page_nr);
/* Texts that came out as empty boxes because no installed font has their
 * characters (known after paginate); the report notes them too. */
guint             ap_report_document_get_n_missing_glyphs (ApReportDocument *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApReportDocument, ap_report_document_free)

/* A streaming report writer. CSV and JSON rows reach @stream as users are
 * added (memory stays flat); the PDF and the department and video CSVs keep
 * references to the users and write in finish() (the CSVs from one
 * ApAnalysis, the numbers the window shows). Sync: call it from a worker thread
 * (UI) or from the headless exporter. Failures are AP_ERROR_WRITE with a
 * plain message ("The disk is full", "Permission denied: …"). */
#define AP_TYPE_REPORT_WRITER (ap_report_writer_get_type ())
G_DECLARE_FINAL_TYPE (ApReportWriter, ap_report_writer, AP, REPORT_WRITER, GObject)

/* @base_url: the tenant's base URL for the PDF's first page (never a secret);
 * @generated: NULL means now. ap_report_writer_set_scope() says more. */
ApReportWriter *ap_report_writer_new        (ApReportFormat   format,
                                             GOutputStream   *stream,
                                             ApQuery         *query,
                                             const char      *base_url,
                                             GDateTime       *generated);
/* The PDF's scope (copied; replaces @base_url); any time before finish(),
 * e.g. once the fetch is complete. */
void            ap_report_writer_set_scope  (ApReportWriter      *self,
                                             const ApReportScope *scope);
/* CSV only: start with a UTF-8 byte order mark, so that spreadsheets
 * (Excel above all) read the file as UTF-8 when it is opened by a double
 * click. Off by default (scripts expect the header as the first bytes);
 * ap_report_export_async() turns it on. Call before adding users. */
void            ap_report_writer_set_byte_order_mark (ApReportWriter *self,
                                                      gboolean        bom);
gboolean        ap_report_writer_add_users  (ApReportWriter  *self,
                                             GPtrArray       *users,
                                             GCancellable    *cancellable,
                                             GError         **error);
/* Writes what remains (JSON closing, the PDF) and flushes; does not close
 * @stream. */
gboolean        ap_report_writer_finish     (ApReportWriter  *self,
                                             GCancellable    *cancellable,
                                             GError         **error);

/* Atomic files: a temporary file beside @file that replaces it on commit
 * only; abort removes it and leaves an existing @file as it was. */
GOutputStream  *ap_report_file_open         (GFile           *file,
                                             GCancellable    *cancellable,
                                             GError         **error);
gboolean        ap_report_file_commit       (GOutputStream   *stream,
                                             GCancellable    *cancellable,
                                             GError         **error);
void            ap_report_file_abort        (GOutputStream   *stream);

/* Progress from the writing thread, delivered on the caller's main context. */
typedef void (*ApReportProgressFunc) (guint    users_written,
                                      guint    users_total,
                                      gpointer user_data);

/* Writes @users (GPtrArray of ApUser; a snapshot taken by the caller, the
 * array is reffed) to @file atomically on a worker thread. @scope:
 * (nullable) copied. */
void            ap_report_export_async      (GFile               *file,
                                             ApReportFormat       format,
                                             GPtrArray           *users,
                                             ApQuery             *query,
                                             const ApReportScope *scope,
                                             ApReportProgressFunc progress,
                                             gpointer             progress_data,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        ap_report_export_finish     (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
