/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-history.h"

G_BEGIN_DECLS

/* AdwPreferencesDialog where libadwaita has it (1.5; AdwPreferencesWindow
 * is deprecated since 1.6), AdwPreferencesWindow before. */
#define AP_TYPE_PREFERENCES_WINDOW (ap_preferences_window_get_type ())
#if ADW_CHECK_VERSION (1, 5, 0)
G_DECLARE_FINAL_TYPE (ApPreferencesWindow, ap_preferences_window, AP, PREFERENCES_WINDOW,
                      AdwPreferencesDialog)
#else
G_DECLARE_FINAL_TYPE (ApPreferencesWindow, ap_preferences_window, AP, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)
#endif

/* The history preferences, bound to @settings (nullable: without a schema
 * the rows are insensitive). "Forget History" asks first, then empties
 * @history off the main thread. */
ApPreferencesWindow *ap_preferences_window_new     (GSettings           *settings,
                                                    ApHistory           *history);
/* Over @parent's window (@parent may be any widget in it, or NULL). */
void                 ap_preferences_window_present (ApPreferencesWindow *self,
                                                    GtkWidget           *parent);

G_END_DECLS
