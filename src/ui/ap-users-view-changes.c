/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-users-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-a11y.h"
#include "ap-text-cell.h"
#include "ap-users-view-private.h"

/* What changed since the previous snapshot of the same query: a Change
 * column ("New", "+2 watched"), and a drop-down that narrows the list to
 * the users who joined, changed or watched since, or shows those who left
 * as they were in the previous snapshot (they are not in the data shown).
 * Joined, changed and watched narrow the list model itself, through its
 * filter function, so search, department and sort keep working. */

static ApUserChange *
lookup_change (ApUsersView *self,
               ApUser      *user)
{
  if (self->change_by_email == NULL || user == NULL)
    return NULL;
  return g_hash_table_lookup (self->change_by_email, ap_user_get_email (user));
}

char *
ap_users_view_describe_change (const ApUserChange *change)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  guint watched;

  if (change == NULL)
    return NULL;

  switch (change->kind)
    {
    case AP_USER_CHANGE_JOINED:
      /* Translators: in the users list, a user who was not in the last fetch */
      return g_strdup (_("New"));
    case AP_USER_CHANGE_LEFT:
      /* Translators: in the users list, a user of the last fetch who is gone */
      return g_strdup (_("Left"));
    case AP_USER_CHANGE_CHANGED:
    default:
      break;
    }

  watched = ap_user_change_get_n_watched (change);
  if (watched > 0)
    /* Translators: videos watched since the last fetch, e.g. "+2 watched" */
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "+%u watched",
                                                          "+%u watched", watched), watched));
  if (change->after[1] > change->before[1])
    /* Translators: answers newly incorrect since the last fetch, e.g. "+1 incorrect" */
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "+%u incorrect",
                                                          "+%u incorrect",
                                                          change->after[1] - change->before[1]),
                                             change->after[1] - change->before[1]));
  if (change->after[2] > change->before[2])
    /* Translators: videos sent since the last fetch, not watched yet */
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "+%u to watch",
                                                          "+%u to watch",
                                                          change->after[2] - change->before[2]),
                                             change->after[2] - change->before[2]));
  if (parts->len == 0)
    return g_strdup (_("Counts changed"));

  g_ptr_array_add (parts, NULL);
  /* Translators: joins the parts of a change, e.g. "+2 watched, +1 incorrect" */
  return g_strjoinv (_(", "), (char **) parts->pdata);
}

static void
on_change_cell_setup (GtkSignalListItemFactory *factory,
                      GtkListItem              *item)
{
  gtk_list_item_set_child (item, ap_text_cell_new (0));
}

static void
on_change_cell_bind (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     ApUsersView              *self)
{
  g_autofree char *text =
    ap_users_view_describe_change (lookup_change (self, gtk_list_item_get_item (item)));

  ap_text_cell_set_text (AP_TEXT_CELL (gtk_list_item_get_child (item)), text != NULL ? text : "");
}

static gboolean
user_in_group (ApUser   *user,
               gpointer  user_data)
{
  ApUsersView *self = user_data;
  ApUserChange *change = lookup_change (self, user);

  return change != NULL && ap_user_change_in_group (change, self->change_group);
}

char *
ap_users_view_dup_folded_search (ApUsersView *self)
{
  g_autofree char *stripped =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  return *stripped != '\0' ? ap_user_list_model_fold (stripped, -1) : NULL;
}

static gboolean
folded_contains (const char *field,
                 const char *needle)
{
  g_autofree char *folded = ap_user_list_model_fold (field, -1);

  return strstr (folded, needle) != NULL;
}

/* The users who left are few: the search and the department are checked
 * on them directly. */
static gboolean
left_user_matches (gpointer item,
                   gpointer user_data)
{
  ApUsersView *self = user_data;
  ApUser *user = item;
  g_autofree char *needle = NULL;

  if (self->department != NULL && g_strcmp0 (ap_user_get_department (user), self->department) != 0)
    return FALSE;
  needle = ap_users_view_dup_folded_search (self);
  return needle == NULL || folded_contains (ap_user_get_name (user), needle) ||
         folded_contains (ap_user_get_email (user), needle) ||
         folded_contains (ap_user_get_department (user), needle);
}

void
ap_users_view_refilter_left (ApUsersView *self)
{
  if (self->left_filter != NULL && self->change_group == AP_CHANGE_GROUP_LEFT)
    gtk_filter_changed (GTK_FILTER (self->left_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
ap_users_view_apply_group (ApUsersView *self)
{
  GListModel *shown;
  gboolean narrow = self->change_group != AP_CHANGE_GROUP_ALL &&
                    self->change_group != AP_CHANGE_GROUP_LEFT;

  /* The old GTK models (AP_USERS_MODEL=gtk, for bench/ui/run) only show
   * who left; the list model narrows to the other groups. */
  if (self->list_model != NULL)
    {
      ap_user_list_model_set_filter_func (self->list_model, narrow ? user_in_group : NULL,
                                          narrow ? self : NULL, NULL);
      shown = G_LIST_MODEL (self->ramp);
    }
  else
    shown = G_LIST_MODEL (self->sort_model);

  if (self->change_group == AP_CHANGE_GROUP_LEFT)
    {
      gtk_filter_changed (GTK_FILTER (self->left_filter), GTK_FILTER_CHANGE_DIFFERENT);
      shown = G_LIST_MODEL (self->left_sorted);
    }
  if (gtk_single_selection_get_model (self->selection) != shown)
    gtk_single_selection_set_model (self->selection, shown);

  self->syncing_change = TRUE;
  gtk_drop_down_set_selected (self->change_dropdown, self->change_group);
  self->syncing_change = FALSE;
  ap_users_view_update_status (self);
}

static void
on_change_group_selected (ApUsersView *self)
{
  guint selected = gtk_drop_down_get_selected (self->change_dropdown);

  if (self->syncing_change || selected == GTK_INVALID_LIST_POSITION)
    return;
  ap_users_view_set_change_group (self, selected);
}

static char *
format_since (gint64 since)
{
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (since);

  return then != NULL ? g_date_time_format (then, "%x %H:%M") : g_strdup ("");
}

char *
ap_users_view_describe_group (ApUsersView *self)
{
  g_autofree char *since = NULL;

  if (self->changes == NULL || self->change_group == AP_CHANGE_GROUP_ALL)
    return NULL;

  since = format_since (self->changes_since);
  switch (self->change_group)
    {
    case AP_CHANGE_GROUP_JOINED:
      /* Translators: in the users list's status line */
      return g_strdup_printf (_("joined since the fetch of %s"), since);
    case AP_CHANGE_GROUP_LEFT:
      /* Translators: in the users list's status line */
      return g_strdup_printf (_("left since the fetch of %s, shown as they were then"), since);
    case AP_CHANGE_GROUP_CHANGED:
      /* Translators: in the users list's status line */
      return g_strdup_printf (_("changed since the fetch of %s"), since);
    case AP_CHANGE_GROUP_WATCHED:
      /* Translators: in the users list's status line */
      return g_strdup_printf (_("watched videos since the fetch of %s"), since);
    case AP_CHANGE_GROUP_ALL:
    default:
      return NULL;
    }
}

static void
ap_users_view_sync_change_options (ApUsersView *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  /* Translators: the choices of the users list's change filter, with their counts */
  g_ptr_array_add (labels, g_strdup (_("All users")));
  g_ptr_array_add (labels, g_strdup_printf (_("Joined (%u)"),
                                            self->n_in_group[AP_CHANGE_GROUP_JOINED]));
  g_ptr_array_add (labels, g_strdup_printf (_("Left (%u)"),
                                            self->n_in_group[AP_CHANGE_GROUP_LEFT]));
  g_ptr_array_add (labels, g_strdup_printf (_("Changed (%u)"),
                                            self->n_in_group[AP_CHANGE_GROUP_CHANGED]));
  g_ptr_array_add (labels, g_strdup_printf (_("Watched since last fetch (%u)"),
                                            self->n_in_group[AP_CHANGE_GROUP_WATCHED]));
  g_ptr_array_add (labels, NULL);

  self->syncing_change = TRUE;
  gtk_string_list_splice (self->change_options, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->change_options)),
                          (const char * const *) labels->pdata);
  gtk_drop_down_set_selected (self->change_dropdown, self->change_group);
  self->syncing_change = FALSE;
}

void
ap_users_view_init_changes (ApUsersView *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);

  self->change_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->change_factory, "setup", G_CALLBACK (on_change_cell_setup), NULL);
  g_signal_connect (self->change_factory, "bind", G_CALLBACK (on_change_cell_bind), self);
  /* Translators: the users list's column with each user's change since the last fetch */
  self->change_column = gtk_column_view_column_new (_("Change"),
                                                    g_object_ref (self->change_factory));
  gtk_column_view_column_set_resizable (self->change_column, TRUE);
  gtk_column_view_column_set_fixed_width (self->change_column, 120);
  /* In the view only while there are changes to show (see
   * ap_users_view_set_changes()): GTK 4.8 leaves a hidden column's fixed
   * width out of the row but not out of the view's, an empty strip beside
   * cut-off emails. */

  self->change_options = gtk_string_list_new (NULL);
  self->change_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (
    G_LIST_MODEL (g_object_ref (self->change_options)), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->change_dropdown),
                               _("Show the users who joined, left or changed since the last fetch"));
  gtk_widget_set_visible (GTK_WIDGET (self->change_dropdown), FALSE);
  gtk_box_append (GTK_BOX (self->filter_bar), GTK_WIDGET (self->change_dropdown));
  ap_a11y_label_drop_down (self->change_dropdown, _("What changed"));
  g_signal_connect_object (self->change_dropdown, "notify::selected",
                           G_CALLBACK (on_change_group_selected), self, G_CONNECT_SWAPPED);

  self->left_users = g_list_store_new (AP_TYPE_USER);
  self->left_filter = gtk_custom_filter_new (left_user_matches, self, NULL);
  self->left_sorted =
    gtk_sort_list_model_new (G_LIST_MODEL (gtk_filter_list_model_new (
                               G_LIST_MODEL (g_object_ref (self->left_users)),
                               GTK_FILTER (g_object_ref (self->left_filter)))),
                             g_object_ref (sorter));
}

void
ap_users_view_dispose_changes (ApUsersView *self)
{
  g_clear_object (&self->left_sorted);
  g_clear_object (&self->left_filter);
  g_clear_object (&self->left_users);
  g_clear_object (&self->change_options);
  g_clear_object (&self->change_column);
  g_clear_object (&self->change_factory);
  g_clear_pointer (&self->change_by_email, g_hash_table_unref);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
}

void
ap_users_view_set_changes (ApUsersView *self,
                           GPtrArray   *changes,
                           gint64       since)
{
  g_autoptr(GPtrArray) left = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean shown;

  g_return_if_fail (AP_IS_USERS_VIEW (self));

  g_clear_pointer (&self->change_by_email, g_hash_table_unref);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  memset (self->n_in_group, 0, sizeof self->n_in_group);
  self->changes_since = since;

  if (changes != NULL)
    {
      self->changes = g_ptr_array_ref (changes);
      self->change_by_email = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < changes->len; i++)
        {
          ApUserChange *change = g_ptr_array_index (changes, i);

          g_hash_table_insert (self->change_by_email, change->email, change);
          for (guint group = AP_CHANGE_GROUP_JOINED; group < AP_N_CHANGE_GROUPS; group++)
            if (ap_user_change_in_group (change, group))
              self->n_in_group[group]++;
          if (change->kind == AP_USER_CHANGE_LEFT)
            g_ptr_array_add (left, ap_user_new (change->name, change->email, change->department,
                                                change->before[0], change->before[1],
                                                change->before[2]));
        }
    }
  g_list_store_splice (self->left_users, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->left_users)),
                       left->pdata, left->len);

  shown = gtk_column_view_column_get_column_view (self->change_column) != NULL;
  if (changes != NULL && !shown)
    /* After Name, Email and Department: in sight beside the names */
    gtk_column_view_insert_column (self->column_view, 3, self->change_column);
  else if (changes == NULL && shown)
    gtk_column_view_remove_column (self->column_view, self->change_column);
  gtk_widget_set_visible (GTK_WIDGET (self->change_dropdown), changes != NULL);
  /* Rows already on screen are bound again, to the new changes */
  gtk_column_view_column_set_factory (self->change_column, NULL);
  gtk_column_view_column_set_factory (self->change_column, self->change_factory);

  ap_users_view_sync_change_options (self);
  if (changes == NULL)
    self->change_group = AP_CHANGE_GROUP_ALL;
  ap_users_view_apply_group (self);
}

void
ap_users_view_set_change_group (ApUsersView   *self,
                                ApChangeGroup  group)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));
  g_return_if_fail (group < AP_N_CHANGE_GROUPS);

  if (self->changes == NULL)
    group = AP_CHANGE_GROUP_ALL;
  if (self->change_group == group)
    return;

  self->change_group = group;
  ap_users_view_apply_group (self);
}

ApChangeGroup
ap_users_view_get_change_group (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), AP_CHANGE_GROUP_ALL);

  return self->change_group;
}
