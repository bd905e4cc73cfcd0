/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-export-dialog.h"

G_BEGIN_DECLS

/* One export after the choice of format and users: the save dialog, the
 * writing on a worker thread with progress and Cancel, then the toast or
 * the reason it failed. Outlives ApExportDialog, which hands it on. */
typedef struct
{
  GtkWindow       *parent;
  GListModel      *view;
  GListModel      *all;
  ApQuery         *query;
  ApReportScope   *report_scope;
  AdwToastOverlay *toasts;

  ApReportFormat   format;
  GListModel      *scope;
  GFile           *file;
  guint            n_users;

  GCancellable    *cancellable;
  GtkWidget        *progress_dialog;
  GtkProgressBar  *progress_bar;
  guint            progress_timeout_id;

  GTask           *task;        /* ap_export_dialog_export_to_file()'s, else NULL */
} ApExportFlow;


ApExportFlow *ap_export_flow_new         (GtkWindow           *parent,
                                          GListModel          *view,
                                          GListModel          *all,
                                          ApQuery             *query,
                                          const ApReportScope *scope,
                                          AdwToastOverlay     *toasts);
void          ap_export_flow_free        (ApExportFlow        *flow);
/* Ends the flow: @error NULL on success or when the person backed out. */
void          ap_export_flow_finish      (ApExportFlow        *flow,
                                          const GError        *error);
/* Asks where to save @flow->format of @flow->scope, then writes it. */
void          ap_export_flow_choose_file (ApExportFlow        *flow);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApExportFlow, ap_export_flow_free)

G_END_DECLS
