/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-credentials.h"
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
/* users_written: (out) (optional) */
gboolean ap_headless_export_finish (GAsyncResult        *result,
                                    guint               *users_written,
                                    GError             **error);

G_END_DECLS
