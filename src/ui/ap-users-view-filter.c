/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-users-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-a11y.h"
#include "ap-chart-render.h"
#include "ap-users-view-private.h"
#include "ap-window-private.h"

/* One entry of the department filter: a department of the analysis, or
 * "All departments" (name NULL). Its label carries the live user count. */
#define AP_TYPE_DEPARTMENT_OPTION (ap_department_option_get_type ())
G_DECLARE_FINAL_TYPE (ApDepartmentOption, ap_department_option, AP, DEPARTMENT_OPTION, GObject)

struct _ApDepartmentOption
{
  GObject  parent_instance;

  char    *name;
  char    *label;
};

enum {
  OPTION_PROP_0,
  OPTION_PROP_LABEL,
  OPTION_N_PROPS
};

static GParamSpec *option_properties[OPTION_N_PROPS];

G_DEFINE_FINAL_TYPE (ApDepartmentOption, ap_department_option, G_TYPE_OBJECT)

static void
ap_department_option_finalize (GObject *object)
{
  ApDepartmentOption *self = AP_DEPARTMENT_OPTION (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (ap_department_option_parent_class)->finalize (object);
}

static void
ap_department_option_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ApDepartmentOption *self = AP_DEPARTMENT_OPTION (object);

  switch (prop_id)
    {
    case OPTION_PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_department_option_class_init (ApDepartmentOptionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ap_department_option_finalize;
  object_class->get_property = ap_department_option_get_property;

  option_properties[OPTION_PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, OPTION_N_PROPS, option_properties);
}

static void
ap_department_option_init (ApDepartmentOption *self)
{
}

static void
ap_department_option_set_label (ApDepartmentOption *self,
                                const char         *label)
{
  if (g_strcmp0 (self->label, label) == 0)
    return;

  g_free (self->label);
  self->label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), option_properties[OPTION_PROP_LABEL]);
}

static ApDepartmentOption *
ap_department_option_new (const char *name,
                          const char *label)
{
  ApDepartmentOption *self = g_object_new (AP_TYPE_DEPARTMENT_OPTION, NULL);

  self->name = g_strdup (name);
  self->label = g_strdup (label);
  return self;
}

/* Case-insensitive substring search without allocating, for the common
 * ASCII needle; @needle is already folded to lower case. */
static gboolean
contains_ascii_ci (const char *haystack,
                   const char *needle,
                   gsize       needle_len)
{
  for (const char *p = haystack; *p != '\0'; p++)
    {
      gsize i;

      for (i = 0; i < needle_len; i++)
        if (p[i] == '\0' || g_ascii_tolower (p[i]) != needle[i])
          break;

      if (i == needle_len)
        return TRUE;
    }

  return FALSE;
}

static gboolean
contains_folded (const char *haystack,
                 const char *needle)
{
  g_autofree char *folded = g_utf8_casefold (haystack, -1);

  return strstr (folded, needle) != NULL;
}

static gboolean
ap_users_view_match_search (gpointer item,
                            gpointer user_data)
{
  ApUsersView *self = user_data;
  ApUser *user = item;
  const char *fields[3];

  if (self->needle == NULL)
    return TRUE;

  fields[0] = ap_user_get_name (user);
  fields[1] = ap_user_get_email (user);
  fields[2] = ap_user_get_department (user);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (self->needle_is_ascii
          ? contains_ascii_ci (fields[i], self->needle, strlen (self->needle))
          : contains_folded (fields[i], self->needle))
        return TRUE;
    }

  return FALSE;
}

static gboolean
ap_users_view_match_department (gpointer item,
                                gpointer user_data)
{
  ApUsersView *self = user_data;

  if (self->department == NULL)
    return TRUE;

  return g_strcmp0 (ap_user_get_department (item), self->department) == 0;
}

void
ap_users_view_select_department_option (ApUsersView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->departments));
  guint position = 0;

  if (self->department != NULL)
    {
      for (guint i = 1; i < n; i++)
        {
          g_autoptr(ApDepartmentOption) option =
            g_list_model_get_item (G_LIST_MODEL (self->departments), i);

          if (g_strcmp0 (option->name, self->department) == 0)
            {
              position = i;
              break;
            }
        }
    }

  self->syncing_departments = TRUE;
  gtk_drop_down_set_selected (self->department_dropdown, position);
  self->syncing_departments = FALSE;
}

void
ap_users_view_sync_departments (ApUsersView *self)
{
  /* By name, so the options stay in place as a running total grows */
  const guint *positions = NULL;
  guint n_departments = 0;
  guint n_options;

  if (self->analysis != NULL)
    {
      n_departments = ap_analysis_get_n_departments (self->analysis);
      positions = ap_analysis_get_departments_by_name (self->analysis);
    }

  n_options = g_list_model_get_n_items (G_LIST_MODEL (self->departments));

  self->syncing_departments = TRUE;

  if (n_options > n_departments + 1)
    g_list_store_splice (self->departments, n_departments + 1, n_options - n_departments - 1,
                         NULL, 0);

  for (guint i = 0; i < n_departments; i++)
    {
      const ApAnalysisDepartment *department =
        ap_analysis_get_department (self->analysis, positions[i]);
      g_autoptr(ApDepartmentOption) option = NULL;
      g_autofree char *count = ap_chart_format_count (department->n_users);
      g_autofree char *label = NULL;
      const char *name = department->name;

      /* Translators: a department and how many users it has, e.g. "Sales (42)" */
      label = g_strdup_printf (_("%s (%s)"), department->display_name, count);

      if (i + 1 < g_list_model_get_n_items (G_LIST_MODEL (self->departments)))
        option = g_list_model_get_item (G_LIST_MODEL (self->departments), i + 1);

      if (option != NULL && g_strcmp0 (option->name, name) == 0)
        {
          ap_department_option_set_label (option, label);
        }
      else
        {
          g_autoptr(ApDepartmentOption) fresh = ap_department_option_new (name, label);

          if (option != NULL)
            g_list_store_splice (self->departments, i + 1, 1, (gpointer *) &fresh, 1);
          else
            g_list_store_append (self->departments, fresh);
        }
    }

  self->syncing_departments = FALSE;

  ap_users_view_select_department_option (self);
  ap_users_view_update_status (self);
}

void
ap_users_view_apply_department (ApUsersView *self)
{
  if (self->list_model != NULL)
    ap_user_list_model_set_department (self->list_model, self->department);
  else
    gtk_filter_changed (GTK_FILTER (self->department_filter), GTK_FILTER_CHANGE_DIFFERENT);
  ap_users_view_refilter_left (self);
}

static void
on_department_selected (ApUsersView *self)
{
  g_autoptr(ApDepartmentOption) option = NULL;
  guint position;

  if (self->syncing_departments)
    return;

  position = gtk_drop_down_get_selected (self->department_dropdown);
  if (position != GTK_INVALID_LIST_POSITION)
    option = g_list_model_get_item (G_LIST_MODEL (self->departments), position);

  if (g_strcmp0 (self->department, option != NULL ? option->name : NULL) == 0)
    return;

  g_free (self->department);
  self->department = option != NULL ? g_strdup (option->name) : NULL;
  ap_users_view_apply_department (self);
}

static gboolean
ap_users_view_search_idle (gpointer user_data)
{
  ApUsersView *self = user_data;

  self->search_id = 0;
  ap_user_list_model_set_search (self->list_model,
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  ap_users_view_refilter_left (self);
  return G_SOURCE_REMOVE;
}

static void
on_search_changed (ApUsersView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = NULL;
  g_autofree char *needle = NULL;
  GtkFilterChange change;

  if (self->list_model != NULL)
    {
      /* Keys that arrive together are searched once, before the next frame. */
      if (self->search_id == 0)
        self->search_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, ap_users_view_search_idle,
                                           self, NULL);
      return;
    }

  stripped = g_strstrip (g_strdup (text));
  if (*stripped != '\0')
    needle = g_utf8_casefold (stripped, -1);

  if (g_strcmp0 (needle, self->needle) == 0)
    return;

  if (self->needle == NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (needle == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (strstr (needle, self->needle) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (strstr (self->needle, needle) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  g_free (self->needle);
  self->needle = g_steal_pointer (&needle);
  self->needle_is_ascii = self->needle == NULL || g_str_is_ascii (self->needle);

  gtk_filter_changed (GTK_FILTER (self->search_filter), change);
  ap_users_view_refilter_left (self);
}

static void
on_stop_search (ApUsersView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_show_all_clicked (ApUsersView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  ap_users_view_set_department (self, NULL);
  ap_users_view_set_change_group (self, AP_CHANGE_GROUP_ALL);
}

void
ap_users_view_init_gtk_models (ApUsersView *self)
{
  GtkEveryFilter *filter;
  GtkSorter *sorter;

  self->search_filter = gtk_custom_filter_new (ap_users_view_match_search, self, NULL);
  self->department_filter = gtk_custom_filter_new (ap_users_view_match_department, self, NULL);
  filter = gtk_every_filter_new ();
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter),
                           g_object_ref (GTK_FILTER (self->search_filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter),
                           g_object_ref (GTK_FILTER (self->department_filter)));

  self->filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (filter));
  gtk_filter_list_model_set_incremental (self->filter_model, TRUE);

  sorter = gtk_column_view_get_sorter (self->column_view);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              g_object_ref (sorter));
  gtk_sort_list_model_set_incremental (self->sort_model, TRUE);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));

  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (ap_users_view_update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "notify::pending",
                           G_CALLBACK (ap_users_view_update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "notify::pending",
                           G_CALLBACK (ap_users_view_on_models_settling), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sort_model, "notify::pending",
                           G_CALLBACK (ap_users_view_on_models_settling), self, G_CONNECT_SWAPPED);
}

void
ap_users_view_init_filters (ApUsersView *self)
{
  g_autoptr(ApDepartmentOption) all = NULL;

  self->departments = g_list_store_new (AP_TYPE_DEPARTMENT_OPTION);
  all = ap_department_option_new (NULL, _("All departments"));
  g_list_store_append (self->departments, all);
  gtk_drop_down_set_model (self->department_dropdown, G_LIST_MODEL (self->departments));
  ap_a11y_label_drop_down (self->department_dropdown, _("Department"));
  g_signal_connect_object (self->department_dropdown, "notify::selected",
                           G_CALLBACK (on_department_selected), self, G_CONNECT_SWAPPED);
}

void
ap_users_view_bind_filter_callbacks (GtkWidgetClass *widget_class)
{
  g_type_ensure (AP_TYPE_DEPARTMENT_OPTION);

  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_show_all_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
}
