/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new reference to the shared GRefString equal to @text (@length bytes).
 *
 * Not g_ref_string_new_intern(): in GLib 2.74 it races when one thread
 * interns a string while another drops its last reference (the parse
 * workers intern while the main thread frees old users), and hands out a
 * string being freed. This table keeps one permanent reference to each
 * string it holds, so no count ever reaches zero under it. Departments,
 * titles, categories and statuses are few; past AP_INTERN_MAX_STRINGS
 * (a hostile server) strings are simply not shared any more. Thread-safe. */
#define AP_INTERN_MAX_STRINGS 100000

char *ap_intern_string (const char *text,
                        gsize       length);

G_END_DECLS
