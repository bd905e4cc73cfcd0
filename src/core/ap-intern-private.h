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
 * titles, categories and statuses are few and short; a hostile server can
 * send endless distinct ones, so the table holds at most
 * AP_INTERN_MAX_STRINGS strings and AP_INTERN_MAX_BYTES bytes, and never a
 * string over AP_INTERN_MAX_LENGTH bytes. Past that a string is returned as
 * a private copy, freed with its user, as names and emails are: memory then
 * follows the users held, which the client bounds. Thread-safe. */
#define AP_INTERN_MAX_STRINGS 100000
#define AP_INTERN_MAX_BYTES   (4 * 1024 * 1024)
#define AP_INTERN_MAX_LENGTH  1024

char *ap_intern_string    (const char *text,
                           gsize       length);

/* What the table holds now (for tests and measurements). */
void  ap_intern_get_usage (guint      *n_strings,
                           gsize      *n_bytes);

G_END_DECLS
