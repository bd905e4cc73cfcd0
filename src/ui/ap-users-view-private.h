/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-history.h"
#include "ap-ramp-model.h"
#include "ap-user-list-model.h"
#include "ap-users-view.h"

G_BEGIN_DECLS

/* The users view is one class in four files: the widget, its lists and
 * selection (ap-users-view.c), its cells (ap-users-view-cells.c), what
 * narrows it: search and department (ap-users-view-filter.c), and what
 * changed since the last fetch (ap-users-view-changes.c). */

struct _ApUsersView
{
  GtkWidget            parent_instance;

  GtkColumnView       *column_view;
  GtkColumnViewColumn *correct_column;
  GtkDropDown         *department_dropdown;
  GtkColumnViewColumn *department_column;
  GtkColumnViewColumn *email_column;
  GtkWidget           *filter_bar;
  GtkColumnViewColumn *incorrect_column;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *not_watched_column;
  GtkListView         *rows_view;
  GtkSearchEntry      *search_entry;
  GtkStack            *stack;
  GtkLabel            *status_label;

  ApUserStore         *store;
  ApAnalysis          *analysis;
  GSettings           *settings;
  GListStore          *departments;
  ApUserListModel     *list_model;
  ApRampModel         *ramp;
  guint                ramp_id;
  GtkWidget           *ramp_widget;     /* the list the ramp's tick runs on */
  gint64               uncovered_frame; /* frame counter when the status page went, or -1 */
  GtkSingleSelection  *selection;

  /* AP_USERS_MODEL=gtk: the filter and sort list models this view used
   * before ApUserListModel, kept for bench/ui/run's comparison. */
  GtkCustomFilter     *search_filter;
  GtkCustomFilter     *department_filter;
  GtkFilterListModel  *filter_model;
  GtkSortListModel    *sort_model;

  char                *needle;
  char                *department;
  gboolean             needle_is_ascii;
  gboolean             fetched;
  gboolean             loading;
  gboolean             syncing_departments;
  gboolean             restoring_sort;
  gboolean             scroll_to_top;
  gboolean             compact;
  guint                settle_id;
  guint                status_id;
  guint                search_id;
  ApUser              *reselect;

  /* What changed since the previous snapshot (ap-users-view-changes.c) */
  GPtrArray           *changes;          /* (nullable) ApUserChange */
  GHashTable          *change_by_email;  /* email -> ApUserChange, into @changes */
  gint64               changes_since;    /* the previous snapshot's fetch, Unix seconds */
  ApChangeGroup        change_group;
  guint                n_in_group[AP_N_CHANGE_GROUPS];
  GtkColumnViewColumn *change_column;
  GtkListItemFactory  *change_factory;
  GtkDropDown         *change_dropdown;
  GtkStringList       *change_options;
  gboolean             syncing_change;
  GListStore          *left_users;       /* ApUser as they were in the previous snapshot */
  GtkCustomFilter     *left_filter;      /* the search and department, on them */
  GtkSortListModel    *left_sorted;
};

/* ap-users-view.c */
void                ap_users_view_update_status      (ApUsersView      *self);
/* Scrolls to the top once the models settled, when a new fetch or order asks for it */
void                ap_users_view_on_models_settling (ApUsersView      *self);

/* ap-users-view-cells.c */
GtkListItemFactory *ap_users_view_cell_factory_new   (ApUserSortColumn  column);
void                ap_users_view_bind_cell_callbacks (GtkWidgetClass  *widget_class);

/* ap-users-view-filter.c */
GType               ap_department_option_get_type    (void);
void                ap_users_view_init_filters       (ApUsersView      *self);
/* AP_USERS_MODEL=gtk: the filter and sort list models this view used
 * before ApUserListModel, kept for bench/ui/run's comparison. */
void                ap_users_view_init_gtk_models    (ApUsersView      *self);
void                ap_users_view_bind_filter_callbacks (GtkWidgetClass *widget_class);
void                ap_users_view_sync_departments   (ApUsersView      *self);
void                ap_users_view_select_department_option (ApUsersView *self);
void                ap_users_view_apply_department   (ApUsersView      *self);

/* ap-users-view-changes.c */
void                ap_users_view_init_changes       (ApUsersView      *self);
void                ap_users_view_dispose_changes    (ApUsersView      *self);
/* The search or the department changed: the users who left follow */
void                ap_users_view_refilter_left      (ApUsersView      *self);
/* What the list shows besides the search and the department, for the
 * status line ("…, watched since the fetch of 25 Nov"); NULL for all.
 * (transfer full) */
char               *ap_users_view_describe_group     (ApUsersView      *self);
/* The search as the model compares it (folded), NULL for none (transfer full) */
char               *ap_users_view_dup_folded_search  (ApUsersView      *self);

G_END_DECLS
