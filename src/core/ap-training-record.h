/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Timestamps are kept as Unix seconds; AP_TIME_NONE means "not sent" /
 * "not viewed" (empty or missing in the response). */
#define AP_TIME_NONE G_MININT64

#define AP_TYPE_TRAINING_RECORD (ap_training_record_get_type ())
G_DECLARE_FINAL_TYPE (ApTrainingRecord, ap_training_record, AP, TRAINING_RECORD, GObject)

/* Read-only properties: "title", "category", "status" (strings, never NULL,
 * "" when missing), "acknowledged" (boolean), "time-sent", "time-viewed"
 * (GDateTime in UTC, NULL when AP_TIME_NONE), "viewed" (boolean).
 *
 * title, category and status are interned (ap_intern_string, a thread-safe shared table) so the
 * many repeats in an organisation are stored once. */
ApTrainingRecord *ap_training_record_new            (const char       *title,
                                                     const char       *category,
                                                     const char       *status,
                                                     gboolean          acknowledged,
                                                     gint64            time_sent,
                                                     gint64            time_viewed);

/* For the parser: @title, @category and @status are already interned
 * GRefStrings (or NULL for missing); the record takes its own reference. */
ApTrainingRecord *ap_training_record_new_interned   (const char       *title,
                                                     const char       *category,
                                                     const char       *status,
                                                     gboolean          acknowledged,
                                                     gint64            time_sent,
                                                     gint64            time_viewed);

const char       *ap_training_record_get_title        (ApTrainingRecord *self);
const char       *ap_training_record_get_category     (ApTrainingRecord *self);
const char       *ap_training_record_get_status       (ApTrainingRecord *self);
gboolean          ap_training_record_get_acknowledged (ApTrainingRecord *self);
gint64            ap_training_record_get_time_sent    (ApTrainingRecord *self);
gint64            ap_training_record_get_time_viewed  (ApTrainingRecord *self);
/* (transfer full) (nullable) */
GDateTime        *ap_training_record_dup_time_sent    (ApTrainingRecord *self);
GDateTime        *ap_training_record_dup_time_viewed  (ApTrainingRecord *self);

/* "2011-12-03T10:15:30Z" or "" for AP_TIME_NONE, into a caller buffer of at
 * least AP_TIME_ISO_LEN bytes. Locale independent, no allocation. */
#define AP_TIME_ISO_LEN 21
void              ap_time_format_iso_utc              (gint64            unix_time,
                                                       char              buf[AP_TIME_ISO_LEN]);

G_END_DECLS
