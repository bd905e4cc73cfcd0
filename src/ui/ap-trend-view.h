/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ap-history.h"

G_BEGIN_DECLS

/* The Overview's trend card: % correct, % incorrect and % not watched over
 * the saved snapshots of the shown query, for the organisation or one
 * department picked from a drop-down, loaded off the main thread. Says in
 * plain words when there is nothing to compare yet. */
#define AP_TYPE_TREND_VIEW (ap_trend_view_get_type ())
G_DECLARE_FINAL_TYPE (ApTrendView, ap_trend_view, AP, TREND_VIEW, GtkWidget)

GtkWidget  *ap_trend_view_new            (void);
/* The snapshot shown (0 and NULL history: none, the card hides). */
void        ap_trend_view_set_snapshot   (ApTrendView *self,
                                          ApHistory   *history,
                                          gint64       snapshot_id);
/* (nullable) NULL for the organisation */
void        ap_trend_view_set_department (ApTrendView *self,
                                          const char  *department);
/* Whether a load is under way */
gboolean    ap_trend_view_is_loading     (ApTrendView *self);

G_END_DECLS
