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

/* A streaming report writer. CSV and JSON rows reach @stream as users are
 * added (memory stays flat); the PDF and the department and video CSVs keep
 * references to the users and write in finish() (the CSVs from one
 * ApAnalysis, the numbers the window shows). Sync: call it from a worker thread
 * (UI) or from the headless exporter. Failures are AP_ERROR_WRITE with a
 * plain message ("The disk is full", "Permission denied: …"). */
#define AP_TYPE_REPORT_WRITER (ap_report_writer_get_type ())
G_DECLARE_FINAL_TYPE (ApReportWriter, ap_report_writer, AP, REPORT_WRITER, GObject)

/* @base_url: the tenant's base URL for the PDF's first page (never a secret);
 * @generated: NULL means now. */
ApReportWriter *ap_report_writer_new        (ApReportFormat   format,
                                             GOutputStream   *stream,
                                             ApQuery         *query,
                                             const char      *base_url,
                                             GDateTime       *generated);
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
 * array is reffed) to @file atomically on a worker thread. */
void            ap_report_export_async      (GFile               *file,
                                             ApReportFormat       format,
                                             GPtrArray           *users,
                                             ApQuery             *query,
                                             const char          *base_url,
                                             ApReportProgressFunc progress,
                                             gpointer             progress_data,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        ap_report_export_finish     (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
