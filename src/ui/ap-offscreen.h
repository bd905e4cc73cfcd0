/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* GTK recomputes the style of every visible widget of a window when styles
 * change as a whole: libadwaita's style switch 250 ms after launch, a
 * change between light and dark, the window losing focus (backdrop). A
 * stack's pages that are not shown are visible too, so they take part:
 * at launch they were two thirds of the widgets restyled, and the frame
 * that did it was the longest of a first load (docs/performance.md, issue
 * 12). What is not on screen is therefore kept hidden. */

/* Hides the pages of @stack other than the one shown (once a transition
 * between them ends), from now on. Show its pages with
 * ap_stack_show_page (): GtkStack does not show a hidden page. */
void ap_stack_hide_unshown_pages (GtkStack   *stack);
void ap_stack_show_page          (GtkStack   *stack,
                                  const char *name);

/* Keeps the content of @page (its only child) hidden while @stack shows
 * another page. An AdwViewStack page's own visibility is its button's, and
 * libadwaita 1.7 keeps the pages it does not show mapped. */
void ap_view_stack_show_content_while_shown (AdwViewStack *stack,
                                             GtkWidget    *page);

G_END_DECLS
