/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-summary.h"

/* ---- ApDepartmentSummary ---------------------------------------------- */

struct _ApDepartmentSummary
{
  GObject  parent_instance;

  char    *name;
  guint64  n_users;
  guint64  num_correct;
  guint64  num_incorrect;
  guint64  num_not_watched;

  /* What the batch being added changed, so each property is notified at
   * most once per batch and only when it changed. */
  gboolean touched;
  guint64  added_users;
  guint64  added_correct;
  guint64  added_incorrect;
  guint64  added_not_watched;
};

enum {
  DEPT_PROP_0,
  DEPT_PROP_NAME,
  DEPT_PROP_N_USERS,
  DEPT_PROP_NUM_CORRECT,
  DEPT_PROP_NUM_INCORRECT,
  DEPT_PROP_NUM_NOT_WATCHED,
  DEPT_N_PROPS
};

static GParamSpec *dept_properties[DEPT_N_PROPS];

G_DEFINE_FINAL_TYPE (ApDepartmentSummary, ap_department_summary, G_TYPE_OBJECT)

static void
ap_department_summary_finalize (GObject *object)
{
  ApDepartmentSummary *self = AP_DEPARTMENT_SUMMARY (object);

  g_free (self->name);

  G_OBJECT_CLASS (ap_department_summary_parent_class)->finalize (object);
}

static void
ap_department_summary_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ApDepartmentSummary *self = AP_DEPARTMENT_SUMMARY (object);

  switch (prop_id)
    {
    case DEPT_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case DEPT_PROP_N_USERS:
      g_value_set_uint64 (value, self->n_users);
      break;
    case DEPT_PROP_NUM_CORRECT:
      g_value_set_uint64 (value, self->num_correct);
      break;
    case DEPT_PROP_NUM_INCORRECT:
      g_value_set_uint64 (value, self->num_incorrect);
      break;
    case DEPT_PROP_NUM_NOT_WATCHED:
      g_value_set_uint64 (value, self->num_not_watched);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_department_summary_class_init (ApDepartmentSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ap_department_summary_finalize;
  object_class->get_property = ap_department_summary_get_property;

  dept_properties[DEPT_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  dept_properties[DEPT_PROP_N_USERS] =
    g_param_spec_uint64 ("n-users", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  dept_properties[DEPT_PROP_NUM_CORRECT] =
    g_param_spec_uint64 ("num-correct", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  dept_properties[DEPT_PROP_NUM_INCORRECT] =
    g_param_spec_uint64 ("num-incorrect", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  dept_properties[DEPT_PROP_NUM_NOT_WATCHED] =
    g_param_spec_uint64 ("num-not-watched", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  g_object_class_install_properties (object_class, DEPT_N_PROPS, dept_properties);
}

static void
ap_department_summary_init (ApDepartmentSummary *self)
{
}

static ApDepartmentSummary *
ap_department_summary_new (const char *name)
{
  ApDepartmentSummary *self = g_object_new (AP_TYPE_DEPARTMENT_SUMMARY, NULL);

  self->name = g_strdup (name);
  return self;
}

static void
ap_department_summary_add_user (ApDepartmentSummary *self,
                                ApUser              *user)
{
  guint correct = ap_user_get_num_correct (user);
  guint incorrect = ap_user_get_num_incorrect (user);
  guint not_watched = ap_user_get_num_not_watched (user);

  self->touched = TRUE;
  self->n_users++;
  self->num_correct += correct;
  self->num_incorrect += incorrect;
  self->num_not_watched += not_watched;
  self->added_users++;
  self->added_correct += correct;
  self->added_incorrect += incorrect;
  self->added_not_watched += not_watched;
}

static void
ap_department_summary_flush (ApDepartmentSummary *self)
{
  GObject *object = G_OBJECT (self);

  if (self->added_users > 0)
    g_object_notify_by_pspec (object, dept_properties[DEPT_PROP_N_USERS]);
  if (self->added_correct > 0)
    g_object_notify_by_pspec (object, dept_properties[DEPT_PROP_NUM_CORRECT]);
  if (self->added_incorrect > 0)
    g_object_notify_by_pspec (object, dept_properties[DEPT_PROP_NUM_INCORRECT]);
  if (self->added_not_watched > 0)
    g_object_notify_by_pspec (object, dept_properties[DEPT_PROP_NUM_NOT_WATCHED]);

  self->touched = FALSE;
  self->added_users = 0;
  self->added_correct = 0;
  self->added_incorrect = 0;
  self->added_not_watched = 0;
}

const char *
ap_department_summary_get_name (ApDepartmentSummary *self)
{
  g_return_val_if_fail (AP_IS_DEPARTMENT_SUMMARY (self), NULL);

  return self->name;
}

guint64
ap_department_summary_get_n_users (ApDepartmentSummary *self)
{
  g_return_val_if_fail (AP_IS_DEPARTMENT_SUMMARY (self), 0);

  return self->n_users;
}

guint64
ap_department_summary_get_num_correct (ApDepartmentSummary *self)
{
  g_return_val_if_fail (AP_IS_DEPARTMENT_SUMMARY (self), 0);

  return self->num_correct;
}

guint64
ap_department_summary_get_num_incorrect (ApDepartmentSummary *self)
{
  g_return_val_if_fail (AP_IS_DEPARTMENT_SUMMARY (self), 0);

  return self->num_incorrect;
}

guint64
ap_department_summary_get_num_not_watched (ApDepartmentSummary *self)
{
  g_return_val_if_fail (AP_IS_DEPARTMENT_SUMMARY (self), 0);

  return self->num_not_watched;
}

double
ap_department_summary_get_not_watched_share (ApDepartmentSummary *self)
{
  double all;

  g_return_val_if_fail (AP_IS_DEPARTMENT_SUMMARY (self), 0.0);

  all = (double) self->num_correct + (double) self->num_incorrect +
        (double) self->num_not_watched;
  if (all <= 0.0)
    return 0.0;
  return (double) self->num_not_watched / all;
}

/* ---- ApDepartmentsModel ----------------------------------------------- */

/* The departments as a GListModel: append-only between clears, so an
 * array and a single items-changed per batch are all it needs. */
#define AP_TYPE_DEPARTMENTS_MODEL (ap_departments_model_get_type ())
G_DECLARE_FINAL_TYPE (ApDepartmentsModel, ap_departments_model, AP, DEPARTMENTS_MODEL, GObject)

struct _ApDepartmentsModel
{
  GObject    parent_instance;
  GPtrArray *items;
};

static GType
ap_departments_model_get_item_type (GListModel *model)
{
  return AP_TYPE_DEPARTMENT_SUMMARY;
}

static guint
ap_departments_model_get_n_items (GListModel *model)
{
  return ((ApDepartmentsModel *) model)->items->len;
}

static gpointer
ap_departments_model_get_item (GListModel *model,
                               guint       position)
{
  ApDepartmentsModel *self = (ApDepartmentsModel *) model;

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ap_departments_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ap_departments_model_get_item_type;
  iface->get_n_items = ap_departments_model_get_n_items;
  iface->get_item = ap_departments_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ApDepartmentsModel, ap_departments_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ap_departments_model_list_model_init))

static void
ap_departments_model_finalize (GObject *object)
{
  ApDepartmentsModel *self = AP_DEPARTMENTS_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (ap_departments_model_parent_class)->finalize (object);
}

static void
ap_departments_model_class_init (ApDepartmentsModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ap_departments_model_finalize;
}

static void
ap_departments_model_init (ApDepartmentsModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- ApSummary -------------------------------------------------------- */

struct _ApSummary
{
  GObject             parent_instance;

  guint64             n_users;
  guint64             num_correct;
  guint64             num_incorrect;
  guint64             num_not_watched;

  ApDepartmentsModel *departments;
  GHashTable         *by_name;  /* name (owned by the summary) -> ApDepartmentSummary */
};

enum {
  PROP_0,
  PROP_N_USERS,
  PROP_NUM_CORRECT,
  PROP_NUM_INCORRECT,
  PROP_NUM_NOT_WATCHED,
  PROP_DEPARTMENTS,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ApSummary, ap_summary, G_TYPE_OBJECT)

static void
ap_summary_finalize (GObject *object)
{
  ApSummary *self = AP_SUMMARY (object);

  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_object (&self->departments);

  G_OBJECT_CLASS (ap_summary_parent_class)->finalize (object);
}

static void
ap_summary_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ApSummary *self = AP_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_N_USERS:
      g_value_set_uint64 (value, self->n_users);
      break;
    case PROP_NUM_CORRECT:
      g_value_set_uint64 (value, self->num_correct);
      break;
    case PROP_NUM_INCORRECT:
      g_value_set_uint64 (value, self->num_incorrect);
      break;
    case PROP_NUM_NOT_WATCHED:
      g_value_set_uint64 (value, self->num_not_watched);
      break;
    case PROP_DEPARTMENTS:
      g_value_set_object (value, self->departments);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_summary_class_init (ApSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ap_summary_finalize;
  object_class->get_property = ap_summary_get_property;

  properties[PROP_N_USERS] =
    g_param_spec_uint64 ("n-users", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_NUM_CORRECT] =
    g_param_spec_uint64 ("num-correct", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_NUM_INCORRECT] =
    g_param_spec_uint64 ("num-incorrect", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_NUM_NOT_WATCHED] =
    g_param_spec_uint64 ("num-not-watched", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_DEPARTMENTS] =
    g_param_spec_object ("departments", NULL, NULL, G_TYPE_LIST_MODEL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ap_summary_init (ApSummary *self)
{
  self->departments = g_object_new (AP_TYPE_DEPARTMENTS_MODEL, NULL);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Notifies the totals that differ from the given old values, then "changed". */
static void
ap_summary_finish_change (ApSummary *self,
                          guint64    old_users,
                          guint64    old_correct,
                          guint64    old_incorrect,
                          guint64    old_not_watched)
{
  GObject *object = G_OBJECT (self);

  if (self->n_users != old_users)
    g_object_notify_by_pspec (object, properties[PROP_N_USERS]);
  if (self->num_correct != old_correct)
    g_object_notify_by_pspec (object, properties[PROP_NUM_CORRECT]);
  if (self->num_incorrect != old_incorrect)
    g_object_notify_by_pspec (object, properties[PROP_NUM_INCORRECT]);
  if (self->num_not_watched != old_not_watched)
    g_object_notify_by_pspec (object, properties[PROP_NUM_NOT_WATCHED]);

  g_signal_emit (self, signals[CHANGED], 0);
}

ApSummary *
ap_summary_new (void)
{
  return g_object_new (AP_TYPE_SUMMARY, NULL);
}

void
ap_summary_add_batch (ApSummary *self,
                      GPtrArray *users)
{
  g_autoptr(GPtrArray) touched = NULL;
  GPtrArray *items;
  guint64 old_users, old_correct, old_incorrect, old_not_watched;
  guint old_len;

  g_return_if_fail (AP_IS_SUMMARY (self));
  g_return_if_fail (users != NULL);
  for (guint i = 0; i < users->len; i++)
    g_return_if_fail (AP_IS_USER (g_ptr_array_index (users, i)));

  items = self->departments->items;
  old_len = items->len;
  old_users = self->n_users;
  old_correct = self->num_correct;
  old_incorrect = self->num_incorrect;
  old_not_watched = self->num_not_watched;
  touched = g_ptr_array_new ();

  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      const char *department;
      ApDepartmentSummary *dept;

      department = ap_user_get_department (user);
      dept = g_hash_table_lookup (self->by_name, department);
      if (dept == NULL)
        {
          dept = ap_department_summary_new (department);
          g_ptr_array_add (items, dept);
          g_hash_table_insert (self->by_name, dept->name, dept);
        }
      if (!dept->touched)
        g_ptr_array_add (touched, dept);
      ap_department_summary_add_user (dept, user);

      self->n_users++;
      self->num_correct += ap_user_get_num_correct (user);
      self->num_incorrect += ap_user_get_num_incorrect (user);
      self->num_not_watched += ap_user_get_num_not_watched (user);
    }

  if (items->len > old_len)
    g_list_model_items_changed (G_LIST_MODEL (self->departments), old_len, 0,
                                items->len - old_len);

  for (guint i = 0; i < touched->len; i++)
    ap_department_summary_flush (g_ptr_array_index (touched, i));

  ap_summary_finish_change (self, old_users, old_correct, old_incorrect, old_not_watched);
}

void
ap_summary_add_model (ApSummary  *self,
                      GListModel *model)
{
  g_autoptr(GPtrArray) users = NULL;
  guint n;

  g_return_if_fail (AP_IS_SUMMARY (self));
  g_return_if_fail (G_IS_LIST_MODEL (model));

  n = g_list_model_get_n_items (model);
  users = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      gpointer item = g_list_model_get_item (model, i);

      if (item == NULL)
        continue;
      if (!AP_IS_USER (item))
        {
          g_critical ("%s: item %u of the model is a %s, not an ApUser",
                      G_STRFUNC, i, G_OBJECT_TYPE_NAME (item));
          g_object_unref (item);
          return;
        }
      g_ptr_array_add (users, item);
    }

  ap_summary_add_batch (self, users);
}

void
ap_summary_clear (ApSummary *self)
{
  g_autoptr(GPtrArray) old_items = NULL;
  guint64 old_users, old_correct, old_incorrect, old_not_watched;

  g_return_if_fail (AP_IS_SUMMARY (self));

  old_users = self->n_users;
  old_correct = self->num_correct;
  old_incorrect = self->num_incorrect;
  old_not_watched = self->num_not_watched;
  self->n_users = 0;
  self->num_correct = 0;
  self->num_incorrect = 0;
  self->num_not_watched = 0;

  g_hash_table_remove_all (self->by_name);
  old_items = g_steal_pointer (&self->departments->items);
  self->departments->items = g_ptr_array_new_with_free_func (g_object_unref);
  if (old_items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self->departments), 0, old_items->len, 0);

  ap_summary_finish_change (self, old_users, old_correct, old_incorrect, old_not_watched);
}

guint64
ap_summary_get_n_users (ApSummary *self)
{
  g_return_val_if_fail (AP_IS_SUMMARY (self), 0);

  return self->n_users;
}

guint64
ap_summary_get_num_correct (ApSummary *self)
{
  g_return_val_if_fail (AP_IS_SUMMARY (self), 0);

  return self->num_correct;
}

guint64
ap_summary_get_num_incorrect (ApSummary *self)
{
  g_return_val_if_fail (AP_IS_SUMMARY (self), 0);

  return self->num_incorrect;
}

guint64
ap_summary_get_num_not_watched (ApSummary *self)
{
  g_return_val_if_fail (AP_IS_SUMMARY (self), 0);

  return self->num_not_watched;
}

GListModel *
ap_summary_get_departments (ApSummary *self)
{
  g_return_val_if_fail (AP_IS_SUMMARY (self), NULL);

  return G_LIST_MODEL (self->departments);
}

ApDepartmentSummary *
ap_summary_lookup_department (ApSummary  *self,
                              const char *name)
{
  g_return_val_if_fail (AP_IS_SUMMARY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->by_name, name);
}
