/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-analysis.h"
#include "ap-history.h"

G_BEGIN_DECLS

/* The Overview view: organisation totals (numbers, percentages, ring
 * chart), per-department stacked bars with a legend, and an empty state
 * before anything was fetched. Signal "department-activated" (const char
 * *name) when a department is clicked: the window filters Users to it. */
#define AP_TYPE_OVERVIEW_PAGE (ap_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (ApOverviewPage, ap_overview_page, AP, OVERVIEW_PAGE, GtkWidget)

GtkWidget *ap_overview_page_new         (void);
/* Everything the page shows about the users comes from @analysis: the
 * totals, the ring, the department bars, the department table, the top and
 * bottom three by % correct; @freshness is the line above them ("Updated
 * 10:32 · 3,000 users · …"). While a fetch adds pages the window hands a
 * running total (ap_analysis_is_partial()): the totals, ring and bars show
 * it, the table and the rankings stay empty until the finished analysis.
 * NULL clears them all. */
void       ap_overview_page_set_analysis (ApOverviewPage *self,
                                          ApAnalysis     *analysis,
                                          const char     *freshness);

/* The snapshot shown, for the trend over the saved fetches of its query;
 * NULL history (history off, nothing saved yet) hides the trend. */
void       ap_overview_page_set_history  (ApOverviewPage *self,
                                          ApHistory      *history,
                                          gint64          snapshot_id);

/* What changed since the previous snapshot: counts of those who joined,
 * left, changed and watched since, each a button that emits
 * "change-group-activated" (guint ApChangeGroup). NULL hides them.
 * @since: when the previous snapshot was fetched. */
void       ap_overview_page_set_changes  (ApOverviewPage *self,
                                          GPtrArray      *changes,
                                          gint64          since);

G_END_DECLS
