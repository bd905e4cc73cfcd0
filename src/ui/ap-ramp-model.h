/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The first "limit" items of a GListModel, or all of them (G_MAXUINT).
 * Unlike GtkSliceListModel, an unlimited ramp passes every change on as
 * it is: GtkSliceListModel (4.8) turns an insertion into a removal and
 * re-insertion of everything after it, which makes a list view search
 * all those rows. A limited ramp is only meant for a few hundred items. */
#define AP_TYPE_RAMP_MODEL (ap_ramp_model_get_type ())
G_DECLARE_FINAL_TYPE (ApRampModel, ap_ramp_model, AP, RAMP_MODEL, GObject)

/* (transfer none) @model */
ApRampModel *ap_ramp_model_new       (GListModel  *model,
                                      guint        limit);
void         ap_ramp_model_set_limit (ApRampModel *self,
                                      guint        limit);
guint        ap_ramp_model_get_limit (ApRampModel *self);

/* How many rows a GtkListView or GtkColumnView scrolled to its top builds,
 * whatever its height: GtkListBase keeps 200 rows around its anchor and 2
 * more on each side, plus the anchor's own (GTK_LIST_VIEW_MAX_LIST_ITEMS
 * and GTK_LIST_VIEW_EXTRA_ITEMS in gtklistview.c, GTK 4.8 to 4.18). A ramp
 * that reaches this many rows has built them all a few at a time. */
#define AP_RAMP_LIST_ROWS 205

/* Lets @step more items in at each frame of @widget while it is mapped, up
 * to @end, then everything at the next frame; nothing moves while @widget
 * is not on screen. (transfer none) @widget: the list showing the items, not
 * kept alive by the ramp. */
void         ap_ramp_model_drive     (ApRampModel *self,
                                      GtkWidget   *widget,
                                      guint        step,
                                      guint        end);
/* While the limit is below @end, items inserted below the limit grow it
 * instead of pushing items past it (whose widgets a list view would drop,
 * to build them again when the ramp reaches them). 0, the default without
 * ap_ramp_model_drive(), never grows it; drive sets its @end. */
void         ap_ramp_model_set_grow_end (ApRampModel *self,
                                         guint        end);
/* No items, then @step more at each frame from the next one on. */
void         ap_ramp_model_restart   (ApRampModel *self);

G_END_DECLS
