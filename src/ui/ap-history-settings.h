/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-history.h"

G_BEGIN_DECLS

/* The "history-*" keys of the app's settings, or NULL when the schema is
 * not installed (an uninstalled build run by hand). (transfer full) */
GSettings *ap_history_settings_dup          (void);

/* The history at its default path with the retention the preferences
 * set, or NULL when history is turned off. Without a schema: on, with no
 * limits. (transfer full) (nullable) */
ApHistory *ap_history_new_from_settings     (void);

/* Applies the preferences' retention numbers to @history. */
void       ap_history_settings_apply        (GSettings *settings,
                                             ApHistory *history);

G_END_DECLS
