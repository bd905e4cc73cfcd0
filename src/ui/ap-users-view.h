/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ap-history.h"
#include "ap-analysis.h"
#include "ap-user-store.h"

G_BEGIN_DECLS

/* The users list: a GtkColumnView over the store through a local search
 * and department filter and the column sorters, with a status line and
 * empty states. Property "selected-user" (ApUser, nullable, read-only). */
#define AP_TYPE_USERS_VIEW (ap_users_view_get_type ())
G_DECLARE_FINAL_TYPE (ApUsersView, ap_users_view, AP, USERS_VIEW, GtkWidget)

GtkWidget  *ap_users_view_new               (void);
void        ap_users_view_set_model         (ApUsersView *self,
                                             ApUserStore *store);
/* The departments to filter by, with their user counts: those of the
 * window's analysis (a running total while a fetch adds pages). (nullable) */
void        ap_users_view_set_analysis      (ApUsersView *self,
                                             ApAnalysis  *analysis);
/* Restores the sort column and direction and saves every change. */
void        ap_users_view_set_settings      (ApUsersView *self,
                                             GSettings   *settings);
/* Whether a fetch has completed or delivered rows: tells "nothing fetched
 * yet" from "the query returned nobody". */
void        ap_users_view_set_fetched       (ApUsersView *self,
                                             gboolean     fetched);
/* Whether the window's first load runs under a status page of its own:
 * with no users yet, the view shows its empty table (or list) instead of
 * a page saying there are none, so that it is built and laid out before
 * the first rows arrive. */
void        ap_users_view_set_loading       (ApUsersView *self,
                                             gboolean     loading);
/* Whether a fetch's pages are streaming into the view: the rows shown
 * stay in place, new users join the end, and the whole list is put in
 * order once when the stream ends (see ap_user_list_model_set_streaming ()). */
void        ap_users_view_set_streaming     (ApUsersView *self,
                                             gboolean     streaming);
/* Shows only @department ("" for users without one); NULL shows all. */
void        ap_users_view_set_department    (ApUsersView *self,
                                             const char  *department);
/* (nullable) the department filter, as set_department() takes it */
const char *ap_users_view_get_department    (ApUsersView *self);
/* the local search text as typed ("" for none) */
const char *ap_users_view_get_search_text   (ApUsersView *self);
void        ap_users_view_focus_search      (ApUsersView *self);
/* Rows instead of the grid, for narrow windows */
void        ap_users_view_set_compact       (ApUsersView *self,
                                             gboolean     compact);
/* What changed since the previous snapshot of the same query: each user's
 * change in a Change column, and the groups to narrow to. @changes
 * (nullable: none known, e.g. a fetch under way) GPtrArray of
 * ApUserChange, reffed; @since: when the previous snapshot was fetched. */
void        ap_users_view_set_changes       (ApUsersView  *self,
                                             GPtrArray    *changes,
                                             gint64        since);
/* Only the users who joined, left (as they were in the previous snapshot,
 * marked so), changed, or watched since; ALL for everyone. */
void        ap_users_view_set_change_group  (ApUsersView  *self,
                                             ApChangeGroup group);
ApChangeGroup ap_users_view_get_change_group (ApUsersView *self);
/* "New", "Left", "+2 watched", …; NULL for no change (transfer full) */
char       *ap_users_view_describe_change   (const ApUserChange *change);
/* (transfer none) the filtered and sorted users, as shown */
GListModel *ap_users_view_get_visible_users (ApUsersView *self);
/* (transfer none) (nullable) */
ApUser     *ap_users_view_get_selected_user (ApUsersView *self);

G_END_DECLS
