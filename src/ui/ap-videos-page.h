/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-analysis.h"

G_BEGIN_DECLS

/* The Training videos view: one row per training title from the records
 * fetched with details (sent, viewed, not viewed, acknowledged, statuses as
 * the API sends them, % viewed), sortable, beside a chart of viewed and not
 * viewed drawn by ap-chart-render; a row opens the people who have not
 * viewed it. Without records, an empty state offers to fetch with details
 * (action "win.fetch-with-details"). */
#define AP_TYPE_VIDEOS_PAGE (ap_videos_page_get_type ())
G_DECLARE_FINAL_TYPE (ApVideosPage, ap_videos_page, AP, VIDEOS_PAGE, GtkWidget)

GtkWidget  *ap_videos_page_new          (void);
/* (nullable) */
void        ap_videos_page_set_analysis (ApVideosPage *self,
                                         ApAnalysis   *analysis);
/* For tests: "empty" or "data"; the rows shown (sorted, ApAnalysisRow) */
const char *ap_videos_page_get_state    (ApVideosPage *self);
GListModel *ap_videos_page_get_rows     (ApVideosPage *self);
/* Opens the non-viewers of the row at @position of the shown rows; returns
 * the window (transfer none) */
GtkWindow  *ap_videos_page_open_row     (ApVideosPage *self,
                                         guint         position);

G_END_DECLS
