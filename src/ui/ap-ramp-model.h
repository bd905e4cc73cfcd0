/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

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

G_END_DECLS
