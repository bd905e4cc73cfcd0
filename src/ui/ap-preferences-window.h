/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-history.h"

G_BEGIN_DECLS

#define AP_TYPE_PREFERENCES_WINDOW (ap_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (ApPreferencesWindow, ap_preferences_window, AP, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* The history preferences, bound to @settings (nullable: without a schema
 * the rows are insensitive). "Forget History" asks first, then empties
 * @history off the main thread. */
ApPreferencesWindow *ap_preferences_window_new (GtkWindow *parent,
                                                GSettings *settings,
                                                ApHistory *history);

G_END_DECLS
