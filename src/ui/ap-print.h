/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ap-query.h"
#include "ap-report.h"

G_BEGIN_DECLS

/* Printing the PDF report (Ctrl+P): a GtkPrintOperation whose pages are
 * drawn by the report's own renderer (ApReportDocument), so the printout
 * and the PDF are the same drawing on two surfaces. The paper, orientation
 * and margins come from the print dialog's page setup.
 *
 * @users: a GListModel of ApUser (snapshotted now); @scope: (nullable). */
GtkPrintOperation *ap_print_operation_new (GListModel          *users,
                                           ApQuery             *query,
                                           const ApReportScope *scope);

/* Shows the print dialog for @users and prints; a failure is shown in a
 * message dialog on @parent. */
void               ap_print_report        (GtkWindow           *parent,
                                           GListModel          *users,
                                           ApQuery             *query,
                                           const ApReportScope *scope);

G_END_DECLS
