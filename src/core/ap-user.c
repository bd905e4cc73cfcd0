/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-user"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-intern-private.h"
#include "ap-user.h"

/* The records model: a read-only GListModel of the user's records as
 * ApTrainingRecord objects, made when a view first asks (the detail pane:
 * one user at a time, about ten records), each object a copy of the
 * user's record. The user itself keeps plain structs. */
#define AP_TYPE_USER_RECORDS (ap_user_records_get_type ())
G_DECLARE_FINAL_TYPE (ApUserRecords, ap_user_records, AP, USER_RECORDS, GObject)

struct _ApUserRecords
{
  GObject    parent_instance;
  GPtrArray *records;  /* NULL when empty */
};

static GType
ap_user_records_get_item_type (GListModel *model)
{
  return AP_TYPE_TRAINING_RECORD;
}

static guint
ap_user_records_get_n_items (GListModel *model)
{
  ApUserRecords *self = (ApUserRecords *) model;

  return self->records != NULL ? self->records->len : 0;
}

static gpointer
ap_user_records_get_item (GListModel *model,
                          guint       position)
{
  ApUserRecords *self = (ApUserRecords *) model;

  if (self->records == NULL || position >= self->records->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->records, position));
}

static void
ap_user_records_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ap_user_records_get_item_type;
  iface->get_n_items = ap_user_records_get_n_items;
  iface->get_item = ap_user_records_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ApUserRecords, ap_user_records, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ap_user_records_list_model_init))

static void
ap_user_records_finalize (GObject *object)
{
  ApUserRecords *self = AP_USER_RECORDS (object);

  g_clear_pointer (&self->records, g_ptr_array_unref);

  G_OBJECT_CLASS (ap_user_records_parent_class)->finalize (object);
}

static void
ap_user_records_class_init (ApUserRecordsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ap_user_records_finalize;
}

static void
ap_user_records_init (ApUserRecords *self)
{
}

static void
ap_user_records_set (ApUserRecords  *self,
                     const ApRecord *records,
                     guint           n_records)
{
  guint removed = self->records != NULL ? self->records->len : 0;
  guint added = n_records;

  g_clear_pointer (&self->records, g_ptr_array_unref);
  if (n_records > 0)
    {
      self->records = g_ptr_array_new_full (n_records, g_object_unref);
      for (guint i = 0; i < n_records; i++)
        g_ptr_array_add (self->records, ap_training_record_new_for_record (&records[i]));
    }

  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, added);
}

/* Kept small: the app holds one per person in the organisation, 80 bytes
 * (a GSlice chunk on GLib 2.74) with the records as plain structs in one
 * allocation of their exact size (400 bytes for 10 records; an object and
 * a pointer each cost 72 bytes a record on GLib 2.74, 88 from 2.76, where
 * objects come from malloc). name and email share one allocation;
 * department is an interned GRefString. */
struct _ApUser
{
  GObject        parent_instance;

  char          *name;         /* "name\0email\0" */
  const char    *email;        /* points into name */
  char          *department;   /* GRefString, NULL when missing */
  guint          num_correct;
  guint          num_incorrect;
  guint          num_not_watched;
  guint          has_details : 1;
  guint          n_records : 31;
  ApRecord      *records;      /* n_records, NULL until details are taken */
  ApUserRecords *records_model; /* created on first use */
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_EMAIL,
  PROP_DEPARTMENT,
  PROP_NUM_CORRECT,
  PROP_NUM_INCORRECT,
  PROP_NUM_NOT_WATCHED,
  PROP_RECORDS,
  PROP_HAS_DETAILS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ApUser, ap_user, G_TYPE_OBJECT)

static void
ap_user_free_records (ApUser *self)
{
  ap_records_clear (self->records, self->n_records);
  g_clear_pointer (&self->records, g_free);
  self->n_records = 0;
}

static void
ap_user_finalize (GObject *object)
{
  ApUser *self = AP_USER (object);

  g_clear_object (&self->records_model);
  ap_user_free_records (self);
  g_clear_pointer (&self->department, g_ref_string_release);
  g_free (self->name);

  G_OBJECT_CLASS (ap_user_parent_class)->finalize (object);
}

static void
ap_user_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  ApUser *self = AP_USER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, ap_user_get_name (self));
      break;
    case PROP_EMAIL:
      g_value_set_string (value, ap_user_get_email (self));
      break;
    case PROP_DEPARTMENT:
      g_value_set_string (value, ap_user_get_department (self));
      break;
    case PROP_NUM_CORRECT:
      g_value_set_uint (value, self->num_correct);
      break;
    case PROP_NUM_INCORRECT:
      g_value_set_uint (value, self->num_incorrect);
      break;
    case PROP_NUM_NOT_WATCHED:
      g_value_set_uint (value, self->num_not_watched);
      break;
    case PROP_RECORDS:
      g_value_set_object (value, ap_user_get_records (self));
      break;
    case PROP_HAS_DETAILS:
      g_value_set_boolean (value, self->has_details);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_user_class_init (ApUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ap_user_finalize;
  object_class->get_property = ap_user_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, "", flags);
  properties[PROP_DEPARTMENT] = g_param_spec_string ("department", NULL, NULL, "", flags);
  properties[PROP_NUM_CORRECT] =
    g_param_spec_uint ("num-correct", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_NUM_INCORRECT] =
    g_param_spec_uint ("num-incorrect", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_NUM_NOT_WATCHED] =
    g_param_spec_uint ("num-not-watched", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_RECORDS] =
    g_param_spec_object ("records", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_HAS_DETAILS] =
    g_param_spec_boolean ("has-details", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ap_user_init (ApUser *self)
{
}

ApUser *
ap_user_new_interned (const char *name,
                      gsize       name_length,
                      const char *email,
                      gsize       email_length,
                      const char *department,
                      guint       num_correct,
                      guint       num_incorrect,
                      guint       num_not_watched)
{
  ApUser *self;
  char *block;

  g_return_val_if_fail (name != NULL || name_length == 0, NULL);
  g_return_val_if_fail (email != NULL || email_length == 0, NULL);

  self = g_object_new (AP_TYPE_USER, NULL);

  block = g_malloc (name_length + email_length + 2);
  if (name_length > 0)
    memcpy (block, name, name_length);
  block[name_length] = '\0';
  if (email_length > 0)
    memcpy (block + name_length + 1, email, email_length);
  block[name_length + 1 + email_length] = '\0';

  self->name = block;
  self->email = block + name_length + 1;
  self->department = department != NULL ? g_ref_string_acquire ((char *) department) : NULL;
  self->num_correct = num_correct;
  self->num_incorrect = num_incorrect;
  self->num_not_watched = num_not_watched;

  return self;
}

ApUser *
ap_user_new (const char *name,
             const char *email,
             const char *department,
             guint       num_correct,
             guint       num_incorrect,
             guint       num_not_watched)
{
  g_autoptr(GRefString) interned = NULL;

  if (department != NULL && department[0] != '\0')
    interned = ap_intern_string (department, strlen (department));

  return ap_user_new_interned (name != NULL ? name : "", name != NULL ? strlen (name) : 0,
                               email != NULL ? email : "", email != NULL ? strlen (email) : 0,
                               interned, num_correct, num_incorrect, num_not_watched);
}

const char *
ap_user_get_name (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), NULL);

  return self->name;
}

const char *
ap_user_get_email (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), NULL);

  return self->email;
}

const char *
ap_user_get_department (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), NULL);

  return self->department != NULL ? self->department : "";
}

guint
ap_user_get_num_correct (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), 0);

  return self->num_correct;
}

guint
ap_user_get_num_incorrect (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), 0);

  return self->num_incorrect;
}

guint
ap_user_get_num_not_watched (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), 0);

  return self->num_not_watched;
}

gboolean
ap_user_get_has_details (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), FALSE);

  return self->has_details;
}

GListModel *
ap_user_get_records (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), NULL);

  if (self->records_model == NULL)
    {
      self->records_model = g_object_new (AP_TYPE_USER_RECORDS, NULL);
      ap_user_records_set (self->records_model, self->records, self->n_records);
    }

  return G_LIST_MODEL (self->records_model);
}

guint
ap_user_get_n_records (ApUser *self)
{
  g_return_val_if_fail (AP_IS_USER (self), 0);

  return self->n_records;
}

const ApRecord *
ap_user_get_record (ApUser *self,
                    guint   position)
{
  g_return_val_if_fail (AP_IS_USER (self), NULL);
  g_return_val_if_fail (position < self->n_records, NULL);

  return &self->records[position];
}

void
ap_user_take_record_array (ApUser   *self,
                           ApRecord *records,
                           guint     n_records)
{
  gboolean had_details;

  g_return_if_fail (AP_IS_USER (self));
  g_return_if_fail (records != NULL || n_records == 0);
  g_return_if_fail (n_records <= G_MAXINT32);

  had_details = self->has_details;
  ap_user_free_records (self);
  self->n_records = n_records;
  self->records = n_records > 0 ? g_memdup2 (records, n_records * sizeof (ApRecord)) : NULL;
  self->has_details = TRUE;

  /* "records" stays the same model object; its items-changed tells. */
  if (self->records_model != NULL)
    ap_user_records_set (self->records_model, self->records, self->n_records);
  if (!had_details)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_DETAILS]);
}

void
ap_user_take_records (ApUser    *self,
                      GPtrArray *records)
{
  g_autofree ApRecord *copies = NULL;

  g_return_if_fail (AP_IS_USER (self));
  g_return_if_fail (records != NULL);
  g_return_if_fail (records->len <= G_MAXINT32);

  copies = g_new (ApRecord, MAX (records->len, 1));
  for (guint i = 0; i < records->len; i++)
    {
      const ApRecord *record = ap_training_record_get_record (g_ptr_array_index (records, i));

      ap_record_init_interned (&copies[i], record->title, record->category, record->status,
                               ap_record_get_acknowledged (record), record->time_sent,
                               ap_record_get_time_viewed (record));
    }
  ap_user_take_record_array (self, copies, records->len);
  g_ptr_array_unref (records);
}
