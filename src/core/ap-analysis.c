/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-analysis"

#include "config.h"

#include "ap-analysis-private.h"

/* Below this many users, dropping the last references on the calling
 * thread costs less than starting a thread to do it. */
#define FREE_IN_THREAD_MIN_USERS 2000

G_DEFINE_BOXED_TYPE (ApAnalysis, ap_analysis, ap_analysis_ref, ap_analysis_unref)

/* ---- life cycle -------------------------------------------------------- */

static ApAnalysis *
ap_analysis_compute (GPtrArray     *users,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(ApAnalysis) self = g_new0 (ApAnalysis, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->users = g_ptr_array_ref (users);

  ap_analysis_compute_departments (self);
  if (!ap_analysis_compute_videos (self, cancellable, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  ap_analysis_compute_attention (self);

  return g_steal_pointer (&self);
}

ApAnalysis *
ap_analysis_new (GPtrArray *users)
{
  g_return_val_if_fail (users != NULL, NULL);

  return ap_analysis_compute (users, NULL, NULL);
}

typedef struct
{
  GPtrArray  *users;    /* the snapshot; the worker drops it, see compute_thread() */
  GListModel *model;    /* for ap_analysis_compute_model_async() */
  gulong      items_changed_id;
  GSource    *source;
} ComputeData;

static void
compute_data_free (ComputeData *data)
{
  if (data->source != NULL)
    {
      g_source_destroy (data->source);
      g_source_unref (data->source);
    }
  if (data->model != NULL)
    g_clear_signal_handler (&data->items_changed_id, data->model);
  g_clear_object (&data->model);
  g_clear_pointer (&data->users, g_ptr_array_unref);
  g_free (data);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *data = task_data;
  g_autoptr(GPtrArray) users = g_steal_pointer (&data->users);
  GError *error = NULL;
  ApAnalysis *analysis = ap_analysis_compute (users, cancellable, &error);

  /* The snapshot's reference is dropped here, on the worker: were it the
   * last one (the window fetched again meanwhile), finalizing every user
   * must not happen on the main thread when the task is freed there. */
  if (analysis == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, analysis, (GDestroyNotify) ap_analysis_unref);
}

void
ap_analysis_compute_async (GPtrArray           *users,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;

  g_return_if_fail (users != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_analysis_compute_async);
  data = g_new0 (ComputeData, 1);
  data->users = g_ptr_array_ref (users);
  g_task_set_task_data (task, data, (GDestroyNotify) compute_data_free);
  g_task_run_in_thread (task, compute_thread);
}

/* Main-thread time a slice of the model's snapshot may take */
#define SNAPSHOT_SLICE_USEC 3000

static void
on_model_items_changed (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GTask      *task)
{
  ComputeData *data = g_task_get_task_data (task);

  /* Start the snapshot again: what was taken may be gone. */
  g_ptr_array_set_size (data->users, 0);
}

static gboolean
snapshot_slice (gpointer user_data)
{
  GTask *task = user_data;
  ComputeData *data = g_task_get_task_data (task);
  gint64 deadline = g_get_monotonic_time () + SNAPSHOT_SLICE_USEC;
  guint n = g_list_model_get_n_items (data->model);

  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_pointer (&data->source, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  while (data->users->len < n)
    {
      gpointer item = g_list_model_get_item (data->model, data->users->len);

      if (item == NULL)
        break;
      g_ptr_array_add (data->users, item);
      if (data->users->len % 256 == 0 && g_get_monotonic_time () >= deadline)
        return G_SOURCE_CONTINUE;
    }

  g_clear_signal_handler (&data->items_changed_id, data->model);
  g_clear_pointer (&data->source, g_source_unref);
  g_task_run_in_thread (task, compute_thread);
  return G_SOURCE_REMOVE;
}

void
ap_analysis_compute_model_async (GListModel          *model,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;

  g_return_if_fail (G_IS_LIST_MODEL (model));
  g_return_if_fail (g_type_is_a (g_list_model_get_item_type (model), AP_TYPE_USER));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_analysis_compute_async);
  data = g_new0 (ComputeData, 1);
  data->model = g_object_ref (model);
  data->users = g_ptr_array_new_full (g_list_model_get_n_items (model), g_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) compute_data_free);

  data->items_changed_id = g_signal_connect (model, "items-changed",
                                             G_CALLBACK (on_model_items_changed), task);
  data->source = g_idle_source_new ();
  g_source_set_priority (data->source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_static_name (data->source, "[ap-analysis] snapshot");
  /* The source holds the task until the snapshot is taken. */
  g_source_set_callback (data->source, snapshot_slice, g_object_ref (task), g_object_unref);
  g_source_attach (data->source, g_task_get_context (task));
}

ApAnalysis *
ap_analysis_compute_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_analysis_compute_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
ap_analysis_snapshot_model (GListModel *model)
{
  GPtrArray *users;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (g_type_is_a (g_list_model_get_item_type (model), AP_TYPE_USER), NULL);

  n = g_list_model_get_n_items (model);
  users = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      gpointer item = g_list_model_get_item (model, i);

      if (item != NULL)
        g_ptr_array_add (users, item);
    }

  return users;
}

ApAnalysis *
ap_analysis_ref (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static gpointer
release_users_thread (gpointer data)
{
  g_ptr_array_unref (data);
  return NULL;
}

void
ap_analysis_unref (ApAnalysis *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint v = 0; v < self->n_videos; v++)
    {
      g_array_unref (self->videos[v].statuses);
      g_array_unref (self->videos[v].non_viewers);
    }
  g_free (self->videos);
  g_clear_pointer (&self->video_by_title, g_hash_table_unref);
  g_clear_pointer (&self->attention, g_ptr_array_unref);
  g_clear_pointer (&self->department_by_name, g_hash_table_unref);
  g_clear_pointer (&self->departments, g_array_unref);
  g_free (self->user_department);
  g_free (self->by_name);
  g_clear_pointer (&self->names, g_ptr_array_unref);

  /* When the analysis holds the last references to many users (the window
   * fetched again meanwhile), finalizing them all would stall the main
   * thread for tens of milliseconds: let a short-lived thread do it. */
  if (self->users->len >= FREE_IN_THREAD_MIN_USERS)
    g_thread_unref (g_thread_new ("ap-analysis-free", release_users_thread,
                                  g_steal_pointer (&self->users)));
  else
    g_clear_pointer (&self->users, g_ptr_array_unref);

  g_free (self);
}

/* ---- getters ----------------------------------------------------------- */

GPtrArray *
ap_analysis_get_users (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->users;
}

guint64
ap_analysis_get_n_users (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_users;
}

guint64
ap_analysis_get_videos_sent (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->videos_sent;
}

guint64
ap_analysis_get_num_correct (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->num_correct;
}

guint64
ap_analysis_get_num_incorrect (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->num_incorrect;
}

guint64
ap_analysis_get_num_not_watched (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->num_not_watched;
}

guint64
ap_analysis_get_n_records (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_records;
}

guint
ap_analysis_get_n_departments (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->departments->len;
}

const ApAnalysisDepartment *
ap_analysis_get_department (ApAnalysis *self,
                            guint       position)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (position < self->departments->len, NULL);

  return &g_array_index (self->departments, ApAnalysisDepartment, position);
}

const ApAnalysisDepartment *
ap_analysis_lookup_department (ApAnalysis *self,
                               const char *name)
{
  guint position;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  position = GPOINTER_TO_UINT (g_hash_table_lookup (self->department_by_name, name));
  if (position == 0)
    return NULL;
  return &g_array_index (self->departments, ApAnalysisDepartment, position - 1);
}

GPtrArray *
ap_analysis_dup_department_users (ApAnalysis *self,
                                  guint       position)
{
  GPtrArray *users;

  g_return_val_if_fail (self != NULL, NULL);

  if (position >= self->departments->len || self->partial)
    return NULL;

  users = g_ptr_array_new_full (g_array_index (self->departments, ApAnalysisDepartment,
                                               position).n_users,
                                g_object_unref);
  for (guint i = 0; i < self->users->len; i++)
    if (self->user_department[i] == position)
      g_ptr_array_add (users, g_object_ref (g_ptr_array_index (self->users, i)));

  return users;
}

guint
ap_analysis_get_top_departments (ApAnalysis   *self,
                                 const guint **positions)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (positions != NULL, 0);

  *positions = self->top;
  return self->n_top;
}

guint
ap_analysis_get_bottom_departments (ApAnalysis   *self,
                                    const guint **positions)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (positions != NULL, 0);

  *positions = self->bottom;
  return self->n_bottom;
}

const guint *
ap_analysis_get_departments_by_name (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->by_name;
}

guint
ap_analysis_get_n_videos (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_videos;
}

const ApAnalysisVideo *
ap_analysis_get_video (ApAnalysis *self,
                       guint       position)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (position < self->n_videos, NULL);

  return &self->videos[position].row;
}

int
ap_analysis_find_video (ApAnalysis *self,
                        const char *title)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (title != NULL, -1);

  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->video_by_title, title)) - 1;
}

GPtrArray *
ap_analysis_dup_non_viewers (ApAnalysis *self,
                             guint       position)
{
  GArray *positions;
  GPtrArray *users;

  g_return_val_if_fail (self != NULL, NULL);

  if (position >= self->n_videos)
    return NULL;

  positions = self->videos[position].non_viewers;
  users = g_ptr_array_new_full (positions->len, g_object_unref);
  for (guint i = 0; i < positions->len; i++)
    g_ptr_array_add (users, g_object_ref (g_ptr_array_index (self->users,
                                                             g_array_index (positions, guint, i))));

  return users;
}

GPtrArray *
ap_analysis_get_attention (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->attention;
}

gboolean
ap_analysis_is_partial (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->partial;
}
