/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The main window: header bar (fetch, export, primary menu), the query bar,
 * the Overview and Users views, progress, errors and the first-run welcome.
 * After creating it, call either ap_window_lookup_credentials() (normal
 * start: keyring, else the welcome page) or ap_window_start_demo(). */
#define AP_TYPE_WINDOW (ap_window_get_type ())
G_DECLARE_FINAL_TYPE (ApWindow, ap_window, AP, WINDOW, AdwApplicationWindow)

ApWindow *ap_window_new                 (AdwApplication *application);
/* Looks the credentials up in the keyring; shows the welcome page when
 * none are stored. A keyring failure is shown, never fatal. */
void      ap_window_lookup_credentials  (ApWindow       *self);
/* Starts the built-in Mimecast double in-process and fetches from it
 * through the real client (signing, HTTP, pagination). */
void      ap_window_start_demo          (ApWindow       *self);

G_END_DECLS
