/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-query.h"
#include "ap-report.h"

G_BEGIN_DECLS

typedef enum
{
  AP_EXPORT_SCOPE_VIEW,   /* the users view: filtered and sorted as shown */
  AP_EXPORT_SCOPE_ALL,    /* every loaded user, without the window's narrowing */
} ApExportScope;

/* The export flow (Ctrl+E) starts with this dialog: the choice of format
 * and users, a template class. Then the save dialog (GtkFileChooserNative
 * on GTK 4.8, GtkFileDialog on GTK >= 4.10, branched in one place; both go
 * through the portal inside Flatpak), writing on a worker thread with
 * progress and Cancel, then a toast with "Open" on @toasts. @view is the
 * filtered and sorted users view, @all every loaded user; both GListModels
 * of ApUser. @scope (nullable, copied) says where the data came from and
 * how @view is narrowed; exporting @all drops the narrowing.
 *
 * Properties: "format" (ApReportFormat: CSV, CSV_DETAILS, JSON or PDF; the
 * "export-format" setting, remembered when Export is pressed) and "scope"
 * (ApExportScope, the view by default). Actions: "export.format" and
 * "export.scope" (their state is the property's nick, e.g. 'csv-details',
 * 'all'), "export.export" (enabled until used: closes the dialog and opens
 * the save dialog) and "export.cancel" (also Escape and closing the
 * window). */
#define AP_TYPE_EXPORT_DIALOG (ap_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ApExportDialog, ap_export_dialog, AP, EXPORT_DIALOG, AdwWindow)

ApExportDialog *ap_export_dialog_new     (GtkWindow           *parent,
                                          GListModel          *view,
                                          GListModel          *all,
                                          ApQuery             *query,
                                          const ApReportScope *scope,
                                          AdwToastOverlay     *toasts);
/* ap_export_dialog_new() and present it. */
void            ap_export_dialog_present (GtkWindow           *parent,
                                          GListModel          *view,
                                          GListModel          *all,
                                          ApQuery             *query,
                                          const ApReportScope *scope,
                                          AdwToastOverlay     *toasts);

/* The flow after the save dialog, for a file already chosen: writes every
 * user of @users in @format on a worker thread (progress dialog with Cancel
 * after a short delay), then the "Report saved" toast with "Open", or a
 * message dialog with the plain reason. @callback runs after that, with
 * the export's result. */
void     ap_export_dialog_export_to_file        (GtkWindow           *parent,
                                                 GListModel          *users,
                                                 ApReportFormat       format,
                                                 ApQuery             *query,
                                                 const ApReportScope *scope,
                                                 AdwToastOverlay     *toasts,
                                                 GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean ap_export_dialog_export_to_file_finish (GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
