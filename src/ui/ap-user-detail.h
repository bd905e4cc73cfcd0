/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ap-history.h"
#include "ap-user.h"

G_BEGIN_DECLS

/* One user: name, email, department, a breakdown chart with the three
 * counts, and the training records in a sortable column view; when the
 * fetch carried no details, says so and offers win.fetch-with-details. */
#define AP_TYPE_USER_DETAIL (ap_user_detail_get_type ())
G_DECLARE_FINAL_TYPE (ApUserDetail, ap_user_detail, AP, USER_DETAIL, GtkWidget)

GtkWidget *ap_user_detail_new      (void);
/* (nullable) */
void       ap_user_detail_set_user (ApUserDetail *self,
                                    ApUser       *user);
ApUser    *ap_user_detail_get_user (ApUserDetail *self);
/* The snapshot shown, so the detail lists the user's counts in each saved
 * fetch of its query (loaded off the main thread); NULL history: none. */
void       ap_user_detail_set_history (ApUserDetail *self,
                                       ApHistory    *history,
                                       gint64        snapshot_id);
gboolean   ap_user_detail_is_loading_history (ApUserDetail *self);
/* Only the columns that fit a narrow pane */
void       ap_user_detail_set_compact (ApUserDetail *self,
                                       gboolean      compact);
/* The chart above the text, for phone-sized windows */
void       ap_user_detail_set_narrow  (ApUserDetail *self,
                                       gboolean      narrow);

G_END_DECLS
