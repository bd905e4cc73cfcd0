/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A list and its detail: side by side when the window is wide enough, one
 * page at a time (the detail slides over the list) when it is not. The
 * window decides which, from its own width, so that a long label can never
 * fold the panes. AdwNavigationSplitView where libadwaita has it (1.4;
 * AdwLeaflet is deprecated since then), AdwLeaflet before: this file is the
 * one place that knows which. */

#define AP_TYPE_PANES (ap_panes_get_type ())
G_DECLARE_FINAL_TYPE (ApPanes, ap_panes, AP, PANES, GtkWidget)

void       ap_panes_set_list               (ApPanes   *self,
                                            GtkWidget *list);
void       ap_panes_set_detail             (ApPanes   *self,
                                            GtkWidget *detail);
/* Side by side (TRUE) or one page at a time (FALSE). */
void       ap_panes_set_side_by_side       (ApPanes   *self,
                                            gboolean   side_by_side);
gboolean   ap_panes_get_folded             (ApPanes   *self);
/* Which page shows when folded; remembered while side by side. */
gboolean   ap_panes_get_showing_detail     (ApPanes   *self);
void       ap_panes_set_showing_detail     (ApPanes   *self,
                                            gboolean   showing_detail);
/* Side by side, the list's width; the detail takes the rest. */
void       ap_panes_set_list_width         (ApPanes   *self,
                                            int        width);
/* TRUE while a page slides in or out. */
gboolean   ap_panes_get_transition_running (ApPanes   *self);

G_END_DECLS
