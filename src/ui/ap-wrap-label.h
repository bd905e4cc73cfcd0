/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A wrapping label for a GtkColumnView cell: the whole text, on as many
 * lines as the column's width needs. From GTK 4.12 a column view row asks
 * its cells for their height without a width, and a plain wrapping
 * GtkLabel then answers with one line (and the cell lays it out one line
 * wide, cut off at the column's edge). This one answers with the height of
 * its text at the width it was last given, and asks again when that width
 * changes. With a width (GTK 4.8 asks with one) it is a plain wrapping
 * label. */
#define AP_TYPE_WRAP_LABEL (ap_wrap_label_get_type ())
G_DECLARE_FINAL_TYPE (ApWrapLabel, ap_wrap_label, AP, WRAP_LABEL, GtkWidget)

GtkWidget  *ap_wrap_label_new       (void);
/* (nullable) @text */
void        ap_wrap_label_set_label (ApWrapLabel *self,
                                     const char  *text);
const char *ap_wrap_label_get_label (ApWrapLabel *self);

G_END_DECLS
