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
/* Removes all users with one items-changed. */
void         ap_user_store_clear        (ApUserStore *self);
/* (transfer none) direct access, no ref */
ApUser      *ap_user_store_peek         (ApUserStore *self,
                                         guint        position);

G_END_DECLS
