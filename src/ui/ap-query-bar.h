/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ap-query.h"

G_BEGIN_DECLS

/* The server-side query: search text and "search by" (name, email,
 * department, custom attribute with up to three attribute IDs), the video
 * count filter and "Include training details". Invalid input is explained
 * inline. Property "valid" (boolean, read-only). Signal "activate" when
 * Enter is pressed in one of its entries. */
#define AP_TYPE_QUERY_BAR (ap_query_bar_get_type ())
G_DECLARE_FINAL_TYPE (ApQueryBar, ap_query_bar, AP, QUERY_BAR, GtkWidget)

GtkWidget *ap_query_bar_new                 (void);
/* Restores the last query from @settings and saves every change to it. */
void       ap_query_bar_set_settings        (ApQueryBar *self,
                                             GSettings  *settings);
/* (transfer full) the query as entered, valid or not */
ApQuery   *ap_query_bar_build_query         (ApQueryBar *self);
gboolean   ap_query_bar_get_valid           (ApQueryBar *self);
void       ap_query_bar_set_include_details (ApQueryBar *self,
                                             gboolean    include);

void       ap_query_bar_set_compact         (ApQueryBar *self,
                                             gboolean    compact);
gboolean   ap_query_bar_get_compact         (ApQueryBar *self);
/* Says "Filters changed — Refresh to apply" while TRUE */
void       ap_query_bar_set_stale           (ApQueryBar *self,
                                             gboolean    stale);
gboolean   ap_query_bar_get_stale           (ApQueryBar *self);

G_END_DECLS
