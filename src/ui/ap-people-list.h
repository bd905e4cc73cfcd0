/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A list of users with the follow-up actions above it: Copy Email
 * Addresses (plain or as "Name <email>") and Email Reminder…. Used for the
 * Needs attention page, a training video's non-viewers and a department's
 * people. Columns: name, email, department, not watched, incorrect,
 * correct, sortable. Actions "people.copy", "people.copy-with-names",
 * "people.remind", enabled when the list has someone. */
/* Longer lists show their first rows only (see ap_people_list_set_users) */
#define AP_PEOPLE_LIST_SHOWN_MAX 1000

#define AP_TYPE_PEOPLE_LIST (ap_people_list_get_type ())
G_DECLARE_FINAL_TYPE (ApPeopleList, ap_people_list, AP, PEOPLE_LIST, GtkWidget)

GtkWidget  *ap_people_list_new             (void);
/* @title: a heading; @description: (nullable) a sentence under it, e.g. the
 * rule that chose these people; @empty_text: what an empty list says */
void        ap_people_list_set_heading     (ApPeopleList *self,
                                            const char   *title,
                                            const char   *description,
                                            const char   *empty_text);
/* @users: GPtrArray of ApUser, in order (referenced, not copied). Past
 * AP_PEOPLE_LIST_SHOWN_MAX people the list shows the first ones, unsorted,
 * and says so; the follow-up actions still act on all of them. */
void        ap_people_list_set_users       (ApPeopleList *self,
                                            GPtrArray    *users);
/* (transfer none) (nullable) */
GPtrArray  *ap_people_list_get_users       (ApPeopleList *self);
/* (transfer none) the list shown, for tests and the accessibility tree */
GListModel *ap_people_list_get_model       (ApPeopleList *self);

/* A window with such a list, transient for @parent, for the people behind
 * a row (a video's non-viewers, a department). */
GtkWindow  *ap_people_list_window_new      (GtkWindow    *parent,
                                            const char   *title,
                                            const char   *description,
                                            GPtrArray    *users);

G_END_DECLS
