/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-user-store.h"

G_BEGIN_DECLS

typedef enum
{
  AP_USER_SORT_NONE,
  AP_USER_SORT_NAME,
  AP_USER_SORT_EMAIL,
  AP_USER_SORT_DEPARTMENT,
  AP_USER_SORT_CORRECT,
  AP_USER_SORT_INCORRECT,
  AP_USER_SORT_NOT_WATCHED,
} ApUserSortColumn;

#define AP_TYPE_USER_LIST_MODEL (ap_user_list_model_get_type ())
G_DECLARE_FINAL_TYPE (ApUserListModel, ap_user_list_model, AP, USER_LIST_MODEL, GObject)

/* A GListModel of ApUser over an ApUserStore: the store's users narrowed by
 * a search text and a department, in the order of one column (ties by Name,
 * then by store order). Built for 100,000 users: every user's sort and
 * search keys are made once, on a worker thread, when its page arrives
 * (with the page sorted there too, when it is to be merged in); a new sort
 * runs on a worker over those keys; arriving pages are merged into the
 * current order (or join the end while a fetch streams in); changes are
 * emitted as the smallest items-changed ranges. Property "pending" (uint,
 * notified on change): pages waiting for their keys, sorts running and old
 * items waiting to be replaced; 0 when the model shows everything it will. */
ApUserListModel *ap_user_list_model_new            (void);
/* (nullable) @store: the users; NULL empties the model. When the store is
 * cleared, the items stay until the users that refill it replace them in
 * one change (a refresh shows no empty list in between), or until the
 * main loop is idle with the store still empty; "pending" counts them. */
void             ap_user_list_model_set_store      (ApUserListModel  *self,
                                                    ApUserStore      *store);
void             ap_user_list_model_set_sort       (ApUserListModel  *self,
                                                    ApUserSortColumn  column,
                                                    gboolean          descending);
/* (nullable) @text: users whose name, email or department contains it,
 * ignoring case and accents; NULL or blank shows everyone. */
void             ap_user_list_model_set_search     (ApUserListModel  *self,
                                                    const char       *text);
/* (nullable) @department: only that department ("" for users without one);
 * NULL shows every department. */
void             ap_user_list_model_set_department (ApUserListModel  *self,
                                                    const char       *department);
/* (nullable) @func: only users it accepts as well (called on this thread
 * for every user of the store, so keep it a lookup); NULL removes it. Set
 * it again (the same function) when what it accepts changed. For the
 * users view's "what changed" groups. */
typedef gboolean (*ApUserListFilterFunc) (ApUser   *user,
                                          gpointer  user_data);
void             ap_user_list_model_set_filter_func (ApUserListModel     *self,
                                                     ApUserListFilterFunc func,
                                                     gpointer             user_data,
                                                     GDestroyNotify       destroy);
/* While a fetch streams its pages into an empty model, each page joins
 * the end of the items in the order it arrived, so the rows already shown
 * stay where they are (and a list view builds no new rows among them);
 * ending the stream puts everything in the order asked for at once, with
 * one sort on a worker. A sort asked for meanwhile orders what has arrived,
 * and later pages join the end again. Off (the default), each page is
 * merged into the order. */
void             ap_user_list_model_set_streaming  (ApUserListModel  *self,
                                                    gboolean          streaming);
gboolean         ap_user_list_model_get_streaming  (ApUserListModel  *self);
guint            ap_user_list_model_get_pending    (ApUserListModel  *self);
/* The position of @user among the items, G_MAXUINT when it is not shown. */
guint            ap_user_list_model_find           (ApUserListModel  *self,
                                                    ApUser           *user);

/* (transfer full) @text folded the way the search compares: case folded,
 * compatibility decomposed, marks dropped ("Émile" and "EMILE" both give
 * "emile"). */
char            *ap_user_list_model_fold           (const char       *text,
                                                    gssize            length);

G_END_DECLS
