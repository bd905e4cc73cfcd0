/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Timestamps are kept as Unix seconds; AP_TIME_NONE means "not sent" /
 * "not viewed" (empty or missing in the response). */
#define AP_TIME_NONE G_MININT64

/* A training-video record as the app holds it. An organisation has about
 * ten a person and the app keeps all of them, so a user keeps its records
 * as plain structs in one array (40 bytes each, no allocation of their
 * own; an object each cost 72-88 bytes, 40 MiB more at 100,000 people).
 * Records never change after parsing.
 *
 * title, category and status are interned GRefStrings (ap_intern_string,
 * shared by every record with the same value) or NULL when missing; read
 * the fields through the accessors: `viewed` packs the time viewed and the
 * acknowledged flag. */
typedef struct
{
  char    *title;
  char    *category;
  char    *status;
  gint64   time_sent;
  guint64  viewed;
} ApRecord;

/* Fills @record, interning the strings (NULL or "" for missing). */
void              ap_record_init                    (ApRecord         *record,
                                                     const char       *title,
                                                     const char       *category,
                                                     const char       *status,
                                                     gboolean          acknowledged,
                                                     gint64            time_sent,
                                                     gint64            time_viewed);
/* The same with strings already interned (or NULL): takes a reference of
 * its own on each. */
void              ap_record_init_interned           (ApRecord         *record,
                                                     const char       *title,
                                                     const char       *category,
                                                     const char       *status,
                                                     gboolean          acknowledged,
                                                     gint64            time_sent,
                                                     gint64            time_viewed);
/* Releases the strings; @record may be filled again. */
void              ap_record_clear                   (ApRecord         *record);
/* ap_record_clear() on each of @n_records records. */
void              ap_records_clear                  (ApRecord         *records,
                                                     guint             n_records);

/* Strings never NULL ("" when missing); times AP_TIME_NONE when not sent /
 * not viewed. */
const char       *ap_record_get_title               (const ApRecord   *record);
const char       *ap_record_get_category            (const ApRecord   *record);
const char       *ap_record_get_status              (const ApRecord   *record);
gboolean          ap_record_get_acknowledged        (const ApRecord   *record);
gint64            ap_record_get_time_sent           (const ApRecord   *record);
gint64            ap_record_get_time_viewed         (const ApRecord   *record);

/* ApTrainingRecord: one record as an object, for the views that bind
 * properties (the user detail's list) and for code that builds a user from
 * objects. Holds its own copy of the record. */
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

/* A copy of @record (the object takes its own string references). */
ApTrainingRecord *ap_training_record_new_for_record (const ApRecord   *record);

/* (transfer none) the record the object holds */
const ApRecord   *ap_training_record_get_record     (ApTrainingRecord *self);

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
