/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK 4.8 names a button with a text label twice over AT-SPI: its
 * accessible label (the raw text, mnemonic underscore included) and then
 * its label's text ("_Save Save"). These give every control one name, the
 * one on screen, and name the parts GTK leaves unnamed. */

/* Every button under @root whose label is text: named by that text only. */
void ap_a11y_name_buttons       (GtkWidget   *root);

/* The button that opens @drop_down, which GTK 4.8 exposes as "GtkToggleButton". */
void ap_a11y_label_drop_down    (GtkDropDown *drop_down,
                                 const char  *label);

/* The first widget of @type under @root (e.g. an AdwExpanderRow's enable
 * switch, which GTK 4.8 exposes as "GtkSwitch"). */
void ap_a11y_label_first        (GtkWidget   *root,
                                 GType        type,
                                 const char  *label);

/* Every widget with the button role under @root that GTK leaves unnamed,
 * such as the eye of a password row ("GtkImage" over AT-SPI) */
void ap_a11y_label_buttons_in   (GtkWidget   *root,
                                 const char  *label);

G_END_DECLS
