/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The header bar's title: the view switcher where it fits, else the
 * window's title and subtitle (the window then shows an AdwViewSwitcherBar
 * at the bottom). AdwViewSwitcherTitle on libadwaita before 1.4, where it
 * is not yet deprecated; from 1.4 the same squeeze over an AdwViewSwitcher
 * and an AdwWindowTitle. This file is the one place that knows which. */

#define AP_TYPE_VIEW_TITLE (ap_view_title_get_type ())
G_DECLARE_FINAL_TYPE (ApViewTitle, ap_view_title, AP, VIEW_TITLE, GtkWidget)

void        ap_view_title_set_stack                 (ApViewTitle  *self,
                                                     AdwViewStack *stack);
void        ap_view_title_set_title                 (ApViewTitle  *self,
                                                     const char   *title);
const char *ap_view_title_get_subtitle              (ApViewTitle  *self);
void        ap_view_title_set_subtitle              (ApViewTitle  *self,
                                                     const char   *subtitle);
void        ap_view_title_set_view_switcher_enabled (ApViewTitle  *self,
                                                     gboolean      enabled);
/* TRUE when the title shows rather than the switcher. */
gboolean    ap_view_title_get_title_visible         (ApViewTitle  *self);

G_END_DECLS
