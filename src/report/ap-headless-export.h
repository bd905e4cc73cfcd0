/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-credentials.h"
#include "ap-history.h"
#include "ap-query.h"
#include "ap-report.h"

G_BEGIN_DECLS

/* Fetch every page of @query with @credentials and stream it into @file
 * in @format, atomically: on any failure or cancellation the temporary file
 * is removed and an existing @file is left as it was. Progress lines go to
 * stderr unless @quiet. Runs on the caller's thread-default main context. */
void     ap_headless_export_async  (ApCredentials       *credentials,
                                    ApQuery             *query,
                                    GFile               *file,
                                    ApReportFormat       format,
                                    gboolean             quiet,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* The same, and the PDF says "Demo data" when @demo; when the fetch completes (and only then) it is saved in
 * @history (nullable) as a snapshot; the file is written first. A failure
 * to save is printed to stderr as a warning: the export still succeeded.
 * Rows are handed to the history's writer thread as they arrive, so memory
 * stays flat. */
void     ap_headless_export_with_history_async (ApCredentials       *credentials,
                                                ApQuery             *query,
                                                GFile               *file,
                                                ApReportFormat       format,
                                                ApHistory           *history,
                                                gboolean             quiet,
                                                gboolean             demo,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* users_written: (out) (optional) */
gboolean ap_headless_export_finish (GAsyncResult        *result,
                                    guint               *users_written,
                                    GError             **error);

/* The export of a stored snapshot: no network, no credentials; the same
 * rows as the export made when it was fetched. Sync (the command line). */
gboolean ap_headless_export_snapshot (ApHistory           *history,
                                      const ApSnapshotInfo *snapshot,
                                      GFile               *file,
                                      ApReportFormat       format,
                                      guint               *users_written,
                                      GError             **error);

/* The --changes CSV of @changes (GPtrArray of ApUserChange, in order),
 * atomically and with the CSV safety rules of every export. Sync. */
gboolean ap_headless_export_changes  (GPtrArray           *changes,
                                      GFile               *file,
                                      GError             **error);

G_END_DECLS
