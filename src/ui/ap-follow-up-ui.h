/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Follow-up actions on a list of users (GPtrArray of ApUser): copy their
 * addresses, or prepare reminder drafts in the person's mail client. The
 * app never sends mail itself. */

/* Copies the addresses to the clipboard of @widget's display, one per line
 * (or "Name <email>"), and says so in a toast when @widget is inside an
 * AdwToastOverlay. Returns how many addresses were copied. */
guint      ap_follow_up_copy_addresses (GtkWidget *widget,
                                        GPtrArray *users,
                                        gboolean   with_names);

/* The "Email Reminder…" window: Bcc to @users, an editable subject and
 * body, and as many drafts as the mail link limit needs, said beforehand. */
#define AP_TYPE_REMINDER_DIALOG (ap_reminder_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ApReminderDialog, ap_reminder_dialog, AP, REMINDER_DIALOG, AdwWindow)

ApReminderDialog *ap_reminder_dialog_new      (GtkWindow        *parent,
                                               GPtrArray        *users);
/* The drafts the Open button would open now (transfer none) */
const char * const *ap_reminder_dialog_get_uris (ApReminderDialog *self);
/* The sentence under the message: how many people, how many drafts, why */
const char       *ap_reminder_dialog_get_note (ApReminderDialog *self);
void              ap_reminder_dialog_set_message (ApReminderDialog *self,
                                                  const char       *subject,
                                                  const char       *body);

G_END_DECLS
