/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-analysis.h"
#include "ap-report-table-private.h"

G_BEGIN_DECLS

typedef enum
{
  PHASE_NONE,
  PHASE_MEASURE,   /* every row measured once */
  PHASE_COUNT,     /* laid out again with the heights, counting pages */
  PHASE_DONE,
} ApPaginatePhase;

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
  /* Paginating in slices: the phase, and whether to resume from the
   * render's yield point */
  ApPaginatePhase phase;
  gboolean       resume_from;
};

/* The sections (ap-report-render.c): the whole report in order, onto
 * @r's target (every page, one page, or none while measuring), from the
 * start or from @resume (nullable). */
void ap_report_layout (ApRender           *r,
                       const ApCheckpoint *resume);

G_END_DECLS
