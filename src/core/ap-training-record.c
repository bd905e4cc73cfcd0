/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-training-record"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ap-intern-private.h"
#include "ap-training-record.h"

struct _ApTrainingRecord
{
  GObject  parent_instance;

  ApRecord record;
};

/* The time viewed and the acknowledged flag in 64 bits: the record is then
 * 40 bytes instead of 48, and there are about ten a person (8 MB at
 * 100,000 people). Times are Unix seconds; beyond +-2^62 (some 10^11
 * years, no date the API sends) they are clamped. */
#define VIEWED_NONE (G_MININT64 / 2)

static inline guint64
pack_viewed (gint64   time_viewed,
             gboolean acknowledged)
{
  gint64 value = time_viewed == AP_TIME_NONE ? VIEWED_NONE
                 : CLAMP (time_viewed, VIEWED_NONE + 1, G_MAXINT64 / 2);

  return ((guint64) value << 1) | (acknowledged ? 1 : 0);
}

static inline gint64
unpack_time_viewed (guint64 viewed)
{
  gint64 value = (gint64) viewed >> 1;   /* arithmetic shift: keeps the sign */

  return value == VIEWED_NONE ? AP_TIME_NONE : value;
}

static inline char *
intern_or_null (const char *text)
{
  if (text == NULL || text[0] == '\0')
    return NULL;
  return ap_intern_string (text, strlen (text));
}

static inline char *
acquire_or_null (const char *interned)
{
  return interned != NULL ? g_ref_string_acquire ((char *) interned) : NULL;
}

/* Takes the references it is given. */
static inline void
record_fill (ApRecord *record,
             char     *title,
             char     *category,
             char     *status,
             gboolean  acknowledged,
             gint64    time_sent,
             gint64    time_viewed)
{
  record->title = title;
  record->category = category;
  record->status = status;
  record->time_sent = time_sent;
  record->viewed = pack_viewed (time_viewed, acknowledged);
}

void
ap_record_init (ApRecord   *record,
                const char *title,
                const char *category,
                const char *status,
                gboolean    acknowledged,
                gint64      time_sent,
                gint64      time_viewed)
{
  g_return_if_fail (record != NULL);

  record_fill (record, intern_or_null (title), intern_or_null (category),
               intern_or_null (status), acknowledged, time_sent, time_viewed);
}

void
ap_record_init_interned (ApRecord   *record,
                         const char *title,
                         const char *category,
                         const char *status,
                         gboolean    acknowledged,
                         gint64      time_sent,
                         gint64      time_viewed)
{
  g_return_if_fail (record != NULL);

  record_fill (record, acquire_or_null (title), acquire_or_null (category),
               acquire_or_null (status), acknowledged, time_sent, time_viewed);
}

void
ap_record_clear (ApRecord *record)
{
  g_return_if_fail (record != NULL);

  g_clear_pointer (&record->title, g_ref_string_release);
  g_clear_pointer (&record->category, g_ref_string_release);
  g_clear_pointer (&record->status, g_ref_string_release);
  record->time_sent = AP_TIME_NONE;
  record->viewed = pack_viewed (AP_TIME_NONE, FALSE);
}

void
ap_records_clear (ApRecord *records,
                  guint     n_records)
{
  g_return_if_fail (records != NULL || n_records == 0);

  for (guint i = 0; i < n_records; i++)
    ap_record_clear (&records[i]);
}

const char *
ap_record_get_title (const ApRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return record->title != NULL ? record->title : "";
}

const char *
ap_record_get_category (const ApRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return record->category != NULL ? record->category : "";
}

const char *
ap_record_get_status (const ApRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return record->status != NULL ? record->status : "";
}

gboolean
ap_record_get_acknowledged (const ApRecord *record)
{
  g_return_val_if_fail (record != NULL, FALSE);

  return record->viewed & 1;
}

gint64
ap_record_get_time_sent (const ApRecord *record)
{
  g_return_val_if_fail (record != NULL, AP_TIME_NONE);

  return record->time_sent;
}

gint64
ap_record_get_time_viewed (const ApRecord *record)
{
  g_return_val_if_fail (record != NULL, AP_TIME_NONE);

  return unpack_time_viewed (record->viewed);
}

enum {
  PROP_0,
  PROP_TITLE,
  PROP_CATEGORY,
  PROP_STATUS,
  PROP_ACKNOWLEDGED,
  PROP_TIME_SENT,
  PROP_TIME_VIEWED,
  PROP_VIEWED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ApTrainingRecord, ap_training_record, G_TYPE_OBJECT)

static inline GDateTime *
date_time_or_null (gint64 unix_time)
{
  if (unix_time == AP_TIME_NONE)
    return NULL;
  return g_date_time_new_from_unix_utc (unix_time);
}

static void
ap_training_record_finalize (GObject *object)
{
  ApTrainingRecord *self = AP_TRAINING_RECORD (object);

  ap_record_clear (&self->record);

  G_OBJECT_CLASS (ap_training_record_parent_class)->finalize (object);
}

static void
ap_training_record_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ApTrainingRecord *self = AP_TRAINING_RECORD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, ap_training_record_get_title (self));
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, ap_training_record_get_category (self));
      break;
    case PROP_STATUS:
      g_value_set_string (value, ap_training_record_get_status (self));
      break;
    case PROP_ACKNOWLEDGED:
      g_value_set_boolean (value, ap_training_record_get_acknowledged (self));
      break;
    case PROP_TIME_SENT:
      g_value_take_boxed (value, date_time_or_null (self->record.time_sent));
      break;
    case PROP_TIME_VIEWED:
      g_value_take_boxed (value, date_time_or_null (unpack_time_viewed (self->record.viewed)));
      break;
    case PROP_VIEWED:
      g_value_set_boolean (value, unpack_time_viewed (self->record.viewed) != AP_TIME_NONE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_training_record_class_init (ApTrainingRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ap_training_record_finalize;
  object_class->get_property = ap_training_record_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACKNOWLEDGED] =
    g_param_spec_boolean ("acknowledged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME_SENT] =
    g_param_spec_boxed ("time-sent", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME_VIEWED] =
    g_param_spec_boxed ("time-viewed", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEWED] =
    g_param_spec_boolean ("viewed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ap_training_record_init (ApTrainingRecord *self)
{
  self->record.time_sent = AP_TIME_NONE;
  self->record.viewed = pack_viewed (AP_TIME_NONE, FALSE);
}

ApTrainingRecord *
ap_training_record_new (const char *title,
                        const char *category,
                        const char *status,
                        gboolean    acknowledged,
                        gint64      time_sent,
                        gint64      time_viewed)
{
  ApTrainingRecord *self = g_object_new (AP_TYPE_TRAINING_RECORD, NULL);

  ap_record_init (&self->record, title, category, status, acknowledged, time_sent, time_viewed);

  return self;
}

ApTrainingRecord *
ap_training_record_new_interned (const char *title,
                                 const char *category,
                                 const char *status,
                                 gboolean    acknowledged,
                                 gint64      time_sent,
                                 gint64      time_viewed)
{
  ApTrainingRecord *self = g_object_new (AP_TYPE_TRAINING_RECORD, NULL);

  ap_record_init_interned (&self->record, title, category, status, acknowledged,
                           time_sent, time_viewed);

  return self;
}

ApTrainingRecord *
ap_training_record_new_for_record (const ApRecord *record)
{
  ApTrainingRecord *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (AP_TYPE_TRAINING_RECORD, NULL);
  self->record = *record;
  self->record.title = acquire_or_null (record->title);
  self->record.category = acquire_or_null (record->category);
  self->record.status = acquire_or_null (record->status);

  return self;
}

const ApRecord *
ap_training_record_get_record (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return &self->record;
}

const char *
ap_training_record_get_title (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return ap_record_get_title (&self->record);
}

const char *
ap_training_record_get_category (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return ap_record_get_category (&self->record);
}

const char *
ap_training_record_get_status (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return ap_record_get_status (&self->record);
}

gboolean
ap_training_record_get_acknowledged (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), FALSE);

  return ap_record_get_acknowledged (&self->record);
}

gint64
ap_training_record_get_time_sent (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), AP_TIME_NONE);

  return self->record.time_sent;
}

gint64
ap_training_record_get_time_viewed (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), AP_TIME_NONE);

  return unpack_time_viewed (self->record.viewed);
}

GDateTime *
ap_training_record_dup_time_sent (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return date_time_or_null (self->record.time_sent);
}

GDateTime *
ap_training_record_dup_time_viewed (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return date_time_or_null (unpack_time_viewed (self->record.viewed));
}

/* Hinnant's civil_from_days, the inverse of the parser's days_from_civil. */
static void
civil_from_days (gint64  z,
                 gint64 *year,
                 guint  *month,
                 guint  *day)
{
  gint64 era;
  guint doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (gint64) yoe + era * 400 + (*month <= 2);
}

static inline void
put_digits (char  *out,
            guint  value,
            guint  n)
{
  for (guint i = n; i > 0; i--)
    {
      out[i - 1] = (char) ('0' + value % 10);
      value /= 10;
    }
}

void
ap_time_format_iso_utc (gint64 unix_time,
                        char   buf[AP_TIME_ISO_LEN])
{
  gint64 days, secs, year;
  guint month, day;

  g_return_if_fail (buf != NULL);

  /* Outside years 1..9999 there is no four-digit form; such a time cannot
   * come from the parser, which refuses it, so "" (unknown) is honest. */
  if (unix_time == AP_TIME_NONE ||
      unix_time < G_GINT64_CONSTANT (-62135596800) ||
      unix_time > G_GINT64_CONSTANT (253402300799))
    {
      buf[0] = '\0';
      return;
    }

  days = unix_time / 86400;
  secs = unix_time % 86400;
  if (secs < 0)
    {
      secs += 86400;
      days -= 1;
    }
  civil_from_days (days, &year, &month, &day);

  put_digits (buf, (guint) year, 4);
  buf[4] = '-';
  put_digits (buf + 5, month, 2);
  buf[7] = '-';
  put_digits (buf + 8, day, 2);
  buf[10] = 'T';
  put_digits (buf + 11, (guint) (secs / 3600), 2);
  buf[13] = ':';
  put_digits (buf + 14, (guint) (secs / 60 % 60), 2);
  buf[16] = ':';
  put_digits (buf + 17, (guint) (secs % 60), 2);
  buf[19] = 'Z';
  buf[20] = '\0';
}
