/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-user.h"

G_BEGIN_DECLS

#define AP_TYPE_USER_STORE (ap_user_store_get_type ())
G_DECLARE_FINAL_TYPE (ApUserStore, ap_user_store, AP, USER_STORE, GObject)

/* A GListModel of ApUser. Property "n-items" (uint, notified once per change). */
ApUserStore *ap_user_store_new          (void);
/* Appends every user of @users (GPtrArray of ApUser, not taken) with a single
 * items-changed (position = old length, 0 removed, users->len added). No
 * signal when @users is empty. */
void         ap_user_store_append_batch (ApUserStore *self,
                                         GPtrArray   *users);
/* The same, taking @users (transfer full, every item an ApUser): an array
 * that holds a reference to each user (its element free function
 * g_object_unref) and that nobody changes afterwards. Saves a reference a
 * user: a refresh hands over 100,000 at once. */
void         ap_user_store_take_batch   (ApUserStore *self,
                                         GPtrArray   *users);
/* (transfer full) (nullable) The batch that was appended as the @n users
 * from @position, if it is the last one appended; NULL otherwise. Never
 * to be changed: it is the store's. */
GPtrArray   *ap_user_store_ref_batch    (ApUserStore *self,
                                         guint        position,
                                         guint        n);
/* Removes all users with one items-changed. */
void         ap_user_store_clear        (ApUserStore *self);
/* (transfer none) direct access, no ref */
ApUser      *ap_user_store_peek         (ApUserStore *self,
                                         guint        position);

G_END_DECLS
