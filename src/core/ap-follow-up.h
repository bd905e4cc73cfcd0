/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Follow-up on a list of users: their addresses for the clipboard, and
 * mailto: drafts for a reminder. No GTK: the window opens the drafts in the
 * person's mail client; the app itself never sends mail.
 *
 * @users is a GPtrArray of ApUser everywhere. Users without an email
 * address are left out, and an address given twice (compared without case)
 * is kept once, in the order of the users. */

/* One address per line; "Name <email>" per line when @with_names (the
 * name quoted when it holds characters RFC 5322 reserves, such as a comma).
 * (transfer full) */
char      *ap_follow_up_format_addresses (GPtrArray  *users,
                                          gboolean    with_names);

/* How many distinct addresses ap_follow_up_format_addresses() would list */
guint      ap_follow_up_count_addresses  (GPtrArray  *users);

/* The longest mailto: URI we hand to a mail client. Mail clients and the
 * systems between the app and them cut long URIs, most tightly on
 * Windows, where ShellExecute and Outlook stop near 2,048 characters and
 * older browsers at 2,083; xdg-open and the OpenURI portal pass a command
 * line (far larger), and Thunderbird, Evolution and Geary read any length.
 * 2,000 stays under the tightest limit known while still fitting some 60
 * typical addresses in a draft. */
#define AP_FOLLOW_UP_MAILTO_MAX 2000

/* mailto: URIs (RFC 6068) with every address in Bcc (so recipients do not
 * see each other), @subject and @body (either may be NULL or empty; line
 * breaks become CRLF as the RFC asks), split into as few drafts as keep
 * each URI within @max_length characters. Each draft has at least one
 * address, so when the subject and body alone leave no room the URI is
 * longer than @max_length: check with ap_follow_up_mailto_fits().
 * An empty array when no user has an address. (transfer full) */
GStrv      ap_follow_up_build_mailto     (GPtrArray  *users,
                                          const char *subject,
                                          const char *body,
                                          gsize       max_length);

/* Whether @subject and @body leave room for at least one address within
 * @max_length; FALSE means the message must be shortened. */
gboolean   ap_follow_up_mailto_fits      (const char *subject,
                                          const char *body,
                                          gsize       max_length);

G_END_DECLS
