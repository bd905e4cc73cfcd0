/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-query.h"
#include "ap-report.h"

G_BEGIN_DECLS

/* The export flow (Ctrl+E): format and scope choice, then the save dialog
 * (GtkFileChooserNative on GTK 4.8, GtkFileDialog on GTK >= 4.10, branched
 * in one place; both go through the portal inside Flatpak), writing on a
 * worker thread with progress and Cancel, then a toast with "Open" on
 * @toasts. @view is the filtered and sorted users view, @all every loaded
 * user; both GListModels of ApUser. @scope (nullable, copied) says where the
 * data came from and how @view is narrowed; exporting @all drops the
 * narrowing. */
void ap_export_dialog_present (GtkWindow           *parent,
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

/* Test hook: with @file set, ap_export_dialog_present() skips the save
 * dialog and writes to @file; @finished runs when a flow ends (error NULL
 * on success or when the person backed out). NULL restores the dialog. */
typedef void (*ApExportDialogFinishedFunc) (GFile        *file,
                                            const GError *error,
                                            gpointer      user_data);
void     ap_export_dialog_set_test_target       (GFile                      *file,
                                                 ApExportDialogFinishedFunc  finished,
                                                 gpointer                    user_data);

G_END_DECLS
