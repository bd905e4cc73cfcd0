/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-history"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>
#include <string.h>

#include "ap-history-private.h"


/* Async */

typedef struct
{
  gint64              id;
  char               *base_url;
  char               *department;
  char               *email;
  ApHistoryBatchFunc  func;
  gpointer            func_data;
  GMainContext       *context;
} AsyncData;

static void
async_data_free (AsyncData *data)
{
  g_free (data->base_url);
  g_free (data->department);
  g_free (data->email);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

static GTask *
new_task (ApHistory          *self,
          gpointer            source_tag,
          GCancellable       *cancellable,
          GAsyncReadyCallback callback,
          gpointer            user_data,
          AsyncData         **data_out)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AsyncData *data = g_new0 (AsyncData, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  *data_out = data;
  return task;
}

typedef struct
{
  GTask     *task;
  GPtrArray *users;
} BatchDelivery;

static gboolean
deliver_batch (gpointer user_data)
{
  BatchDelivery *delivery = user_data;
  AsyncData *data = g_task_get_task_data (delivery->task);

  if (!g_cancellable_is_cancelled (g_task_get_cancellable (delivery->task)))
    data->func (delivery->users, data->func_data);
  g_ptr_array_unref (delivery->users);
  g_object_unref (delivery->task);
  g_free (delivery);
  return G_SOURCE_REMOVE;
}

static void
load_batch_in_thread (GPtrArray *users,
                      gpointer   user_data)
{
  GTask *task = user_data;
  AsyncData *data = g_task_get_task_data (task);
  BatchDelivery *delivery = g_new0 (BatchDelivery, 1);

  /* Same priority as the task's completion, so every batch arrives first. */
  delivery->task = g_object_ref (task);
  delivery->users = g_ptr_array_copy (users, (GCopyFunc) g_object_ref, NULL);
  g_ptr_array_set_free_func (delivery->users, g_object_unref);
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, deliver_batch, delivery, NULL);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ApHistory *self = source_object;
  AsyncData *data = task_data;
  g_autoptr(ApSnapshotInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (data->id != 0)
    info = ap_history_get_snapshot (self, data->id, &error);
  else
    info = ap_history_find_latest (self, data->base_url, NULL, &error);
  if (info == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }

  /* Small first batch: the first rows show at once. */
  if (!ap_history_load_users (self, info->id, 2000, load_batch_in_thread, task, cancellable,
                              &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify) ap_snapshot_info_free);
}

void
ap_history_load_async (ApHistory          *self,
                       gint64              id,
                       const char         *base_url,
                       ApHistoryBatchFunc  func,
                       gpointer            user_data,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            callback_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (AP_IS_HISTORY (self));
  g_return_if_fail (func != NULL);

  task = new_task (self, ap_history_load_async, cancellable, callback, callback_data, &data);
  data->id = id;
  data->base_url = g_strdup (base_url);
  data->func = func;
  data->func_data = user_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_run_in_thread (task, load_thread);
}

ApSnapshotInfo *
ap_history_load_finish (ApHistory     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
compare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ApHistory *self = source_object;
  AsyncData *data = task_data;
  g_autoptr(ApHistoryComparison) comparison = g_new0 (ApHistoryComparison, 1);
  g_autoptr(GError) error = NULL;

  comparison->previous = ap_history_find_previous (self, data->id, &error);
  if (error == NULL)
    {
      if (comparison->previous != NULL)
        comparison->changes = ap_history_diff (self, comparison->previous->id, data->id, &error);
      else
        comparison->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) ap_user_change_free);
    }
  if (error == NULL)
    comparison->trend = ap_history_trend (self, data->id, NULL, &error);
  if (error == NULL && data->department != NULL)
    comparison->department_trend = ap_history_trend (self, data->id, data->department, &error);
  if (error == NULL)
    comparison->departments = ap_history_list_departments (self, data->id, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&comparison),
                           (GDestroyNotify) ap_history_comparison_free);
}

void
ap_history_compare_async (ApHistory          *self,
                          gint64              id,
                          const char         *department,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (AP_IS_HISTORY (self));

  task = new_task (self, ap_history_compare_async, cancellable, callback, user_data, &data);
  data->id = id;
  data->department = g_strdup (department);
  g_task_run_in_thread (task, compare_thread);
}

ApHistoryComparison *
ap_history_compare_finish (ApHistory     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GArray *points;
  GStrv   departments;
} TrendResult;

static void
trend_result_free (TrendResult *result)
{
  g_clear_pointer (&result->points, g_array_unref);
  g_clear_pointer (&result->departments, g_strfreev);
  g_free (result);
}

static void
trend_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  AsyncData *data = task_data;
  TrendResult *result = g_new0 (TrendResult, 1);
  GError *error = NULL;

  result->points = ap_history_trend (source_object, data->id, data->department, &error);
  if (result->points != NULL)
    result->departments = ap_history_list_departments (source_object, data->id, &error);
  if (error != NULL)
    {
      trend_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) trend_result_free);
}

void
ap_history_trend_async (ApHistory          *self,
                        gint64              id,
                        const char         *department,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (AP_IS_HISTORY (self));

  task = new_task (self, ap_history_trend_async, cancellable, callback, user_data, &data);
  data->id = id;
  data->department = g_strdup (department);
  g_task_run_in_thread (task, trend_thread);
}

GArray *
ap_history_trend_finish (ApHistory     *self,
                         GAsyncResult  *result,
                         GStrv         *departments,
                         GError       **error)
{
  TrendResult *trend;
  GArray *points;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  trend = g_task_propagate_pointer (G_TASK (result), error);
  if (trend == NULL)
    return NULL;
  points = g_steal_pointer (&trend->points);
  if (departments != NULL)
    *departments = g_steal_pointer (&trend->departments);
  trend_result_free (trend);
  return points;
}

static void
user_history_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  GArray *points = ap_history_user_history (source_object, data->id, data->email, &error);

  if (points == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, points, (GDestroyNotify) g_array_unref);
}

void
ap_history_user_history_async (ApHistory          *self,
                               gint64              id,
                               const char         *email,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (AP_IS_HISTORY (self));
  g_return_if_fail (email != NULL);

  task = new_task (self, ap_history_user_history_async, cancellable, callback, user_data, &data);
  data->id = id;
  data->email = g_strdup (email);
  g_task_run_in_thread (task, user_history_thread);
}

GArray *
ap_history_user_history_finish (ApHistory     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
forget_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (ap_history_forget (source_object, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ap_history_forget_async (ApHistory          *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (AP_IS_HISTORY (self));

  task = new_task (self, ap_history_forget_async, cancellable, callback, user_data, &data);
  g_task_run_in_thread (task, forget_thread);
}

gboolean
ap_history_forget_finish (ApHistory     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
