/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-analysis.h"
#include "ap-report-table-private.h"

G_BEGIN_DECLS

/* The report document (ap-report-document.c), as its sections see it. */

struct _ApReportDocument
{
  ApQuery       *query;
  ApReportScope *scope;
  GDateTime     *generated;
  GPtrArray     *users;       /* as added */

  /* Prepared once, on the first pagination: the departments, videos and
   * users needing attention come from the one computation the window and
   * the headless reports use too. */
  gboolean       prepared;
  ApAnalysis    *analysis;
  GPtrArray     *sorted;      /* by department, then name */
  guint          n_attention;
  gboolean       has_details;

  ApRender       render;
  ApReportPage   page;
  gboolean       paginated;
  guint          n_pages;
};

/* The sections (ap-report-render.c): the whole report in order, onto
 * @r's target (every page, one page, or none while measuring). */
void ap_report_layout (ApRender *r);

G_END_DECLS
