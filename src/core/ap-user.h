/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-training-record.h"

G_BEGIN_DECLS

#define AP_TYPE_USER (ap_user_get_type ())
G_DECLARE_FINAL_TYPE (ApUser, ap_user, AP, USER, GObject)

/* Read-only properties: "name", "email", "department" (strings, "" when
 * missing; department interned), "num-correct", "num-incorrect",
 * "num-not-watched" (uint), "records" (GListModel of ApTrainingRecord),
 * "has-details" (TRUE when the response carried userDetails for this user). */
ApUser           *ap_user_new                  (const char  *name,
                                                const char  *email,
                                                const char  *department,
                                                guint        num_correct,
                                                guint        num_incorrect,
                                                guint        num_not_watched);

/* For the parser: @name and @email need no NUL terminator; @department is
 * an interned GRefString or NULL (the user takes its own reference). */
ApUser           *ap_user_new_interned         (const char  *name,
                                                gsize        name_length,
                                                const char  *email,
                                                gsize        email_length,
                                                const char  *department,
                                                guint        num_correct,
                                                guint        num_incorrect,
                                                guint        num_not_watched);

const char       *ap_user_get_name             (ApUser      *self);
const char       *ap_user_get_email            (ApUser      *self);
const char       *ap_user_get_department       (ApUser      *self);
guint             ap_user_get_num_correct      (ApUser      *self);
guint             ap_user_get_num_incorrect    (ApUser      *self);
guint             ap_user_get_num_not_watched  (ApUser      *self);
gboolean          ap_user_get_has_details      (ApUser      *self);

/* (transfer none) A GListModel of ApTrainingRecord; empty when there are no
 * details. The same object for the user's lifetime. */
GListModel       *ap_user_get_records          (ApUser      *self);
guint             ap_user_get_n_records        (ApUser      *self);
/* (transfer none) fast access for writers and the analysis: the record as
 * the user holds it, no object */
const ApRecord   *ap_user_get_record           (ApUser      *self,
                                                guint        position);

/* Set the records once, while the user is being built (on the parsing
 * thread, before the user is shared), and set has-details.
 *
 * ap_user_take_record_array() moves @n_records records from @records into
 * the user's own array of their exact size, string references included:
 * the caller's array may be reused for the next user without clearing.
 * ap_user_take_records() takes @records (transfer full, a GPtrArray of
 * ApTrainingRecord with a free func) and copies each into that array. */
void              ap_user_take_record_array    (ApUser      *self,
                                                ApRecord    *records,
                                                guint        n_records);
void              ap_user_take_records         (ApUser      *self,
                                                GPtrArray   *records);

G_END_DECLS
