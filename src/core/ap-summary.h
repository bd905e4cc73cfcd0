/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-user.h"

G_BEGIN_DECLS

#define AP_TYPE_DEPARTMENT_SUMMARY (ap_department_summary_get_type ())
G_DECLARE_FINAL_TYPE (ApDepartmentSummary, ap_department_summary, AP, DEPARTMENT_SUMMARY, GObject)

/* Read-only properties, notified when a batch changes them: "name" (string,
 * "" for users without a department), "n-users", "num-correct",
 * "num-incorrect", "num-not-watched" (uint64). */
const char *ap_department_summary_get_name            (ApDepartmentSummary *self);
guint64     ap_department_summary_get_n_users         (ApDepartmentSummary *self);
guint64     ap_department_summary_get_num_correct     (ApDepartmentSummary *self);
guint64     ap_department_summary_get_num_incorrect   (ApDepartmentSummary *self);
guint64     ap_department_summary_get_num_not_watched (ApDepartmentSummary *self);
/* not_watched / (correct + incorrect + not_watched), 0 when all are 0 */
double      ap_department_summary_get_not_watched_share (ApDepartmentSummary *self);

#define AP_TYPE_SUMMARY (ap_summary_get_type ())
G_DECLARE_FINAL_TYPE (ApSummary, ap_summary, AP, SUMMARY, GObject)

/* Organisation totals and one ApDepartmentSummary per department.
 * Properties (uint64, read-only): "n-users", "num-correct", "num-incorrect",
 * "num-not-watched"; "departments" (GListModel of ApDepartmentSummary, new
 * departments appended in order of first appearance, one items-changed per
 * batch). Signal "changed" (no args) once after every add/clear. */
ApSummary  *ap_summary_new                (void);
void        ap_summary_add_batch          (ApSummary  *self,
                                           GPtrArray  *users);
/* Adds every ApUser of @model (e.g. a filtered view) */
void        ap_summary_add_model          (ApSummary  *self,
                                           GListModel *model);
void        ap_summary_clear              (ApSummary  *self);

guint64     ap_summary_get_n_users        (ApSummary  *self);
guint64     ap_summary_get_num_correct    (ApSummary  *self);
guint64     ap_summary_get_num_incorrect  (ApSummary  *self);
guint64     ap_summary_get_num_not_watched (ApSummary *self);
/* (transfer none) */
GListModel *ap_summary_get_departments    (ApSummary  *self);
/* (transfer none) (nullable) */
ApDepartmentSummary *ap_summary_lookup_department (ApSummary  *self,
                                                   const char *name);

G_END_DECLS
