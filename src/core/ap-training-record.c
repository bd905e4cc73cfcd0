/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-training-record"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ap-intern-private.h"
#include "ap-training-record.h"

/* Kept small on purpose: an organisation has about ten of these per user,
 * and the app holds all of them. The strings are interned GRefStrings
 * (NULL when missing) shared by every record with the same value. */
struct _ApTrainingRecord
{
  GObject parent_instance;

  char   *title;
  char   *category;
  char   *status;
  gint64  time_sent;
  guint64 viewed;      /* pack_viewed (): the time viewed and "acknowledged" */
};

/* The time viewed and the acknowledged flag in 64 bits: the record is then
 * a 64-byte GSlice chunk instead of 80, and there are about ten a person
 * (16 MB at 100,000 people). Times are Unix seconds; beyond +-2^62 (some
 * 10^11 years, no date the API sends) they are clamped. */
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

static inline char *
intern_or_null (const char *text)
{
  if (text == NULL || text[0] == '\0')
    return NULL;
  return ap_intern_string (text, strlen (text));
}

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

  g_clear_pointer (&self->title, g_ref_string_release);
  g_clear_pointer (&self->category, g_ref_string_release);
  g_clear_pointer (&self->status, g_ref_string_release);

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
      g_value_take_boxed (value, date_time_or_null (self->time_sent));
      break;
    case PROP_TIME_VIEWED:
      g_value_take_boxed (value, date_time_or_null (unpack_time_viewed (self->viewed)));
      break;
    case PROP_VIEWED:
      g_value_set_boolean (value, unpack_time_viewed (self->viewed) != AP_TIME_NONE);
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
  self->time_sent = AP_TIME_NONE;
  self->viewed = pack_viewed (AP_TIME_NONE, FALSE);
}

ApTrainingRecord *
ap_training_record_new (const char *title,
                        const char *category,
                        const char *status,
                        gboolean    acknowledged,
                        gint64      time_sent,
                        gint64      time_viewed)
{
  ApTrainingRecord *self;

  self = g_object_new (AP_TYPE_TRAINING_RECORD, NULL);
  self->title = intern_or_null (title);
  self->category = intern_or_null (category);
  self->status = intern_or_null (status);
  self->time_sent = time_sent;
  self->viewed = pack_viewed (time_viewed, acknowledged);

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
  ApTrainingRecord *self;

  self = g_object_new (AP_TYPE_TRAINING_RECORD, NULL);
  self->title = title != NULL ? g_ref_string_acquire ((char *) title) : NULL;
  self->category = category != NULL ? g_ref_string_acquire ((char *) category) : NULL;
  self->status = status != NULL ? g_ref_string_acquire ((char *) status) : NULL;
  self->time_sent = time_sent;
  self->viewed = pack_viewed (time_viewed, acknowledged);

  return self;
}

const char *
ap_training_record_get_title (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return self->title != NULL ? self->title : "";
}

const char *
ap_training_record_get_category (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return self->category != NULL ? self->category : "";
}

const char *
ap_training_record_get_status (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return self->status != NULL ? self->status : "";
}

gboolean
ap_training_record_get_acknowledged (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), FALSE);

  return self->viewed & 1;
}

gint64
ap_training_record_get_time_sent (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), AP_TIME_NONE);

  return self->time_sent;
}

gint64
ap_training_record_get_time_viewed (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), AP_TIME_NONE);

  return unpack_time_viewed (self->viewed);
}

GDateTime *
ap_training_record_dup_time_sent (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return date_time_or_null (self->time_sent);
}

GDateTime *
ap_training_record_dup_time_viewed (ApTrainingRecord *self)
{
  g_return_val_if_fail (AP_IS_TRAINING_RECORD (self), NULL);

  return date_time_or_null (unpack_time_viewed (self->viewed));
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
