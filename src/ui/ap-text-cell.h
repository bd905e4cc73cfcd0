/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One line of text for a list cell, ellipsized at the end. Unlike a
 * GtkLabel, a new text neither lays itself out nor asks for a new size:
 * its height is the font's line height, so a list can rebind hundreds of
 * rows and only the rows on screen shape their text, when drawn. */
#define AP_TYPE_TEXT_CELL (ap_text_cell_get_type ())
G_DECLARE_FINAL_TYPE (ApTextCell, ap_text_cell, AP, TEXT_CELL, GtkWidget)

GtkWidget  *ap_text_cell_new      (float        xalign);
/* (nullable) @text: copied */
void        ap_text_cell_set_text (ApTextCell  *self,
                                   const char  *text);

G_END_DECLS
