/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-analysis"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-analysis.h"
#include "ap-compat.h"

/* How many users between two looks at the cancellable */
#define CANCEL_CHECK_INTERVAL 4096
/* Below this many users, dropping the last references on the calling
 * thread costs less than starting a thread to do it. */
#define FREE_IN_THREAD_MIN_USERS 2000

typedef struct
{
  ApAnalysisVideo  row;
  GArray          *statuses;     /* ApAnalysisStatusCount */
  GArray          *non_viewers;  /* guint, positions into users */
} Video;

struct _ApAnalysis
{
  gatomicrefcount  ref_count;

  GPtrArray       *users;        /* of ApUser, shared with the caller, never changed;
                                  * empty in a running total */
  guint64          n_users;
  gboolean         partial;      /* a running total: see ap_analysis_tally_snapshot() */
  GPtrArray       *names;        /* (nullable) a running total's department names */

  guint64          videos_sent;
  guint64          num_correct;
  guint64          num_incorrect;
  guint64          num_not_watched;
  guint64          n_records;

  GArray          *departments;  /* ApAnalysisDepartment, in default order */
  GHashTable      *department_by_name;  /* name -> position + 1 */
  guint           *user_department;     /* per user: its department's position (NULL in a
                                         * running total) */
  guint            top[3];
  guint            n_top;
  guint            bottom[3];
  guint            n_bottom;

  Video           *videos;       /* in default order */
  guint            n_videos;
  GHashTable      *video_by_title;  /* title -> position + 1 */

  GPtrArray       *attention;    /* of ApUser, no references of its own */
};

G_DEFINE_BOXED_TYPE (ApAnalysis, ap_analysis, ap_analysis_ref, ap_analysis_unref)

/* ---- departments ------------------------------------------------------- */

static const char *
department_display_name (const char *name)
{
  return name[0] != '\0' ? name : _("No department");
}

typedef struct
{
  const ApAnalysisDepartment *rows;
  char                      **collate_keys;
} DepartmentOrder;

static int
compare_names (const DepartmentOrder *order,
               guint                  a,
               guint                  b)
{
  int cmp = strcmp (order->collate_keys[a], order->collate_keys[b]);

  if (cmp != 0)
    return cmp;
  return strcmp (order->rows[a].name, order->rows[b].name);
}

static int
compare_department_default (gconstpointer a,
                            gconstpointer b,
                            gpointer      user_data)
{
  const DepartmentOrder *order = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  const ApAnalysisDepartment *da = &order->rows[ia];
  const ApAnalysisDepartment *db = &order->rows[ib];

  if (da->has_sent != db->has_sent)
    return da->has_sent ? -1 : 1;
  if (da->pct_not_watched != db->pct_not_watched)
    return da->pct_not_watched > db->pct_not_watched ? -1 : 1;
  return compare_names (order, ia, ib);
}

static int
compare_department_best (gconstpointer a,
                         gconstpointer b,
                         gpointer      user_data)
{
  const DepartmentOrder *order = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  double pa = order->rows[ia].pct_correct;
  double pb = order->rows[ib].pct_correct;

  if (pa != pb)
    return pa > pb ? -1 : 1;
  return compare_names (order, ia, ib);
}

static int
compare_department_worst (gconstpointer a,
                          gconstpointer b,
                          gpointer      user_data)
{
  const DepartmentOrder *order = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  double pa = order->rows[ia].pct_correct;
  double pb = order->rows[ib].pct_correct;

  if (pa != pb)
    return pa < pb ? -1 : 1;
  return compare_names (order, ia, ib);
}

static double
percent (guint64 part,
         guint64 whole)
{
  return whole > 0 ? 100.0 * (double) part / (double) whole : 0.0;
}

/* The grouping shared by a full analysis and a running total: departments
 * in order of first appearance, and the totals. */
typedef struct
{
  GHashTable *first_seen;  /* name -> position + 1 in rows */
  GArray     *rows;        /* ApAnalysisDepartment */
  guint64     n_users;
  guint64     num_correct;
  guint64     num_incorrect;
  guint64     num_not_watched;
} Tally;

static void
tally_init (Tally *tally)
{
  tally->first_seen = g_hash_table_new (g_str_hash, g_str_equal);
  tally->rows = g_array_new (FALSE, TRUE, sizeof (ApAnalysisDepartment));
  tally->n_users = tally->num_correct = tally->num_incorrect = tally->num_not_watched = 0;
}

static void
tally_clear (Tally *tally)
{
  g_clear_pointer (&tally->first_seen, g_hash_table_unref);
  g_clear_pointer (&tally->rows, g_array_unref);
}

/* Counts @user in its department and the totals; returns the department's
 * position in order of first appearance. A department seen for the first
 * time is named by a copy kept in @names when that is not NULL (a running
 * total outlives the users it counted), else by the user's own string. */
static guint
tally_add_user (Tally     *tally,
                ApUser    *user,
                GPtrArray *names)
{
  const char *name = ap_user_get_department (user);
  gpointer found = g_hash_table_lookup (tally->first_seen, name);
  ApAnalysisDepartment *row;
  guint correct = ap_user_get_num_correct (user);
  guint incorrect = ap_user_get_num_incorrect (user);
  guint not_watched = ap_user_get_num_not_watched (user);

  if (found == NULL)
    {
      ApAnalysisDepartment empty = { 0, };

      if (names != NULL)
        {
          name = g_strdup (name);
          g_ptr_array_add (names, (gpointer) name);
        }
      empty.name = name;
      empty.display_name = department_display_name (name);
      g_array_append_val (tally->rows, empty);
      found = GUINT_TO_POINTER (tally->rows->len);
      g_hash_table_insert (tally->first_seen, (gpointer) name, found);
    }
  row = &g_array_index (tally->rows, ApAnalysisDepartment, GPOINTER_TO_UINT (found) - 1);
  row->n_users++;
  row->num_correct += correct;
  row->num_incorrect += incorrect;
  row->num_not_watched += not_watched;

  tally->n_users++;
  tally->num_correct += correct;
  tally->num_incorrect += incorrect;
  tally->num_not_watched += not_watched;

  return GPOINTER_TO_UINT (found) - 1;
}

/* Takes the tally's totals and departments (in order of first appearance;
 * the tally is left as it was), puts the departments in default order,
 * picks the top and bottom three, and maps self->user_department (when
 * there is one) from order of appearance to the default order. */
static void
finish_departments (ApAnalysis *self,
                    const Tally *tally)
{
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, FALSE, sizeof (ApAnalysisDepartment),
                                              tally->rows->len);
  g_autofree guint *order = NULL;
  g_autofree guint *position_of = NULL;
  g_autofree guint *by_correct = NULL;
  DepartmentOrder sort_data;
  guint n_sent = 0;

  g_array_append_vals (rows, tally->rows->data, tally->rows->len);
  self->n_users = tally->n_users;
  self->num_correct = tally->num_correct;
  self->num_incorrect = tally->num_incorrect;
  self->num_not_watched = tally->num_not_watched;
  self->videos_sent = self->num_correct + self->num_incorrect + self->num_not_watched;

  sort_data.rows = (const ApAnalysisDepartment *) rows->data;
  sort_data.collate_keys = g_new0 (char *, rows->len + 1);
  order = g_new (guint, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    {
      ApAnalysisDepartment *row = &g_array_index (rows, ApAnalysisDepartment, i);

      row->videos_sent = row->num_correct + row->num_incorrect + row->num_not_watched;
      row->has_sent = row->videos_sent > 0;
      row->pct_correct = percent (row->num_correct, row->videos_sent);
      row->pct_incorrect = percent (row->num_incorrect, row->videos_sent);
      row->pct_not_watched = percent (row->num_not_watched, row->videos_sent);
      sort_data.collate_keys[i] = g_utf8_collate_key (row->display_name, -1);
      order[i] = i;
    }

  ap_sort_array (order, rows->len, sizeof (guint), compare_department_default, &sort_data);

  self->departments = g_array_sized_new (FALSE, FALSE, sizeof (ApAnalysisDepartment), rows->len);
  self->department_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  position_of = g_new (guint, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    {
      ApAnalysisDepartment *row = &g_array_index (rows, ApAnalysisDepartment, order[i]);

      g_array_append_vals (self->departments, row, 1);
      g_hash_table_insert (self->department_by_name, (gpointer) row->name,
                           GUINT_TO_POINTER (i + 1));
      position_of[order[i]] = i;
    }
  if (self->user_department != NULL)
    for (guint i = 0; i < self->users->len; i++)
      self->user_department[i] = position_of[self->user_department[i]];

  by_correct = g_new (guint, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    if (g_array_index (rows, ApAnalysisDepartment, i).has_sent)
      by_correct[n_sent++] = i;

  ap_sort_array (by_correct, n_sent, sizeof (guint), compare_department_best, &sort_data);
  self->n_top = MIN (n_sent, 3);
  for (guint i = 0; i < self->n_top; i++)
    self->top[i] = position_of[by_correct[i]];

  ap_sort_array (by_correct, n_sent, sizeof (guint), compare_department_worst, &sort_data);
  self->n_bottom = MIN (n_sent, 3);
  for (guint i = 0; i < self->n_bottom; i++)
    self->bottom[i] = position_of[by_correct[i]];

  g_strfreev (sort_data.collate_keys);
}

/* Groups the users by department, then finishes as above. */
static void
compute_departments (ApAnalysis *self)
{
  Tally tally;

  tally_init (&tally);
  self->user_department = g_new (guint, MAX (self->users->len, 1));
  for (guint i = 0; i < self->users->len; i++)
    self->user_department[i] = tally_add_user (&tally, g_ptr_array_index (self->users, i), NULL);
  finish_departments (self, &tally);
  tally_clear (&tally);
}

/* ---- training videos --------------------------------------------------- */

typedef struct
{
  guint    video;   /* position among the videos in order of first appearance */
  gboolean viewed;
} UserTitle;

static int
compare_user_title (gconstpointer a,
                    gconstpointer b)
{
  const UserTitle *ua = a;
  const UserTitle *ub = b;

  if (ua->video != ub->video)
    return ua->video < ub->video ? -1 : 1;
  return 0;
}

static int
compare_status_count (gconstpointer a,
                      gconstpointer b)
{
  const ApAnalysisStatusCount *sa = a;
  const ApAnalysisStatusCount *sb = b;

  if (sa->count != sb->count)
    return sa->count > sb->count ? -1 : 1;
  return strcmp (sa->status, sb->status);
}

static int
compare_video_default (gconstpointer a,
                       gconstpointer b)
{
  const Video *va = a;
  const Video *vb = b;
  int cmp;

  if (va->row.not_viewed != vb->row.not_viewed)
    return va->row.not_viewed > vb->row.not_viewed ? -1 : 1;
  cmp = g_utf8_collate (va->row.title, vb->row.title);
  if (cmp != 0)
    return cmp;
  return strcmp (va->row.title, vb->row.title);
}

static void
video_count_status (Video      *video,
                    const char *status)
{
  ApAnalysisStatusCount fresh = { status, 1 };

  /* A title has a handful of statuses: a linear look beats a hash table. */
  for (guint i = 0; i < video->statuses->len; i++)
    {
      ApAnalysisStatusCount *count = &g_array_index (video->statuses, ApAnalysisStatusCount, i);

      if (count->status == status || strcmp (count->status, status) == 0)
        {
          count->count++;
          return;
        }
    }
  g_array_append_val (video->statuses, fresh);
}

static gboolean
compute_videos (ApAnalysis    *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GHashTable) first_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) videos = g_array_new (FALSE, TRUE, sizeof (Video));
  g_autoptr(GArray) titles = g_array_new (FALSE, FALSE, sizeof (UserTitle));

  for (guint i = 0; i < self->users->len; i++)
    {
      ApUser *user = g_ptr_array_index (self->users, i);
      guint n = ap_user_get_n_records (user);

      if (i % CANCEL_CHECK_INTERVAL == 0 && g_cancellable_set_error_if_cancelled (cancellable,
                                                                               error))
        {
          for (guint v = 0; v < videos->len; v++)
            {
              g_array_unref (g_array_index (videos, Video, v).statuses);
              g_array_unref (g_array_index (videos, Video, v).non_viewers);
            }
          return FALSE;
        }

      g_array_set_size (titles, 0);
      for (guint r = 0; r < n; r++)
        {
          ApTrainingRecord *record = ap_user_get_record (user, r);
          const char *title = ap_training_record_get_title (record);
          const char *category = ap_training_record_get_category (record);
          gboolean viewed = ap_training_record_get_time_viewed (record) != AP_TIME_NONE;
          gpointer found = g_hash_table_lookup (first_seen, title);
          UserTitle user_title;
          Video *video;

          if (found == NULL)
            {
              Video fresh = { { title, category, }, };

              fresh.statuses = g_array_new (FALSE, FALSE, sizeof (ApAnalysisStatusCount));
              fresh.non_viewers = g_array_new (FALSE, FALSE, sizeof (guint));
              g_array_append_val (videos, fresh);
              found = GUINT_TO_POINTER (videos->len);
              g_hash_table_insert (first_seen, (gpointer) title, found);
            }
          video = &g_array_index (videos, Video, GPOINTER_TO_UINT (found) - 1);
          if (video->row.category[0] == '\0')
            video->row.category = category;
          video->row.sent++;
          if (viewed)
            video->row.viewed++;
          if (ap_training_record_get_acknowledged (record))
            video->row.acknowledged++;
          video_count_status (video, ap_training_record_get_status (record));

          user_title.video = GPOINTER_TO_UINT (found) - 1;
          user_title.viewed = viewed;
          g_array_append_val (titles, user_title);
        }
      self->n_records += n;

      /* A user is a non-viewer of a title when none of their records with
       * that title was viewed. */
      if (titles->len > 1)
        g_array_sort (titles, compare_user_title);
      for (guint t = 0; t < titles->len;)
        {
          guint video = g_array_index (titles, UserTitle, t).video;
          gboolean viewed = FALSE;

          for (; t < titles->len && g_array_index (titles, UserTitle, t).video == video; t++)
            viewed |= g_array_index (titles, UserTitle, t).viewed;
          if (!viewed)
            g_array_append_val (g_array_index (videos, Video, video).non_viewers, i);
        }
    }

  for (guint v = 0; v < videos->len; v++)
    {
      Video *video = &g_array_index (videos, Video, v);

      video->row.not_viewed = video->row.sent - video->row.viewed;
      video->row.pct_viewed = percent (video->row.viewed, video->row.sent);
      g_array_sort (video->statuses, compare_status_count);
      video->row.n_statuses = video->statuses->len;
      video->row.statuses = (const ApAnalysisStatusCount *) video->statuses->data;
    }
  g_array_sort (videos, compare_video_default);

  self->n_videos = videos->len;
  self->videos = (Video *) g_array_free (g_steal_pointer (&videos), FALSE);
  self->video_by_title = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint v = 0; v < self->n_videos; v++)
    g_hash_table_insert (self->video_by_title, (gpointer) self->videos[v].row.title,
                         GUINT_TO_POINTER (v + 1));

  return TRUE;
}

/* ---- needs attention --------------------------------------------------- */

static int
compare_attention (gconstpointer a,
                   gconstpointer b)
{
  ApUser *ua = *(ApUser * const *) a;
  ApUser *ub = *(ApUser * const *) b;
  guint na = ap_user_get_num_not_watched (ua);
  guint nb = ap_user_get_num_not_watched (ub);
  int cmp;

  if (na != nb)
    return na > nb ? -1 : 1;
  na = ap_user_get_num_incorrect (ua);
  nb = ap_user_get_num_incorrect (ub);
  if (na != nb)
    return na > nb ? -1 : 1;
  cmp = strcmp (ap_user_get_name (ua), ap_user_get_name (ub));
  if (cmp != 0)
    return cmp;
  return strcmp (ap_user_get_email (ua), ap_user_get_email (ub));
}

static void
compute_attention (ApAnalysis *self)
{
  self->attention = g_ptr_array_new ();

  for (guint i = 0; i < self->users->len; i++)
    {
      ApUser *user = g_ptr_array_index (self->users, i);

      if (ap_user_get_num_not_watched (user) > 0 || ap_user_get_num_incorrect (user) > 0)
        g_ptr_array_add (self->attention, user);
    }
  /* g_ptr_array_sort is stable: equal users keep the order given. */
  g_ptr_array_sort (self->attention, compare_attention);
}

/* ---- life cycle -------------------------------------------------------- */

static ApAnalysis *
ap_analysis_compute (GPtrArray     *users,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(ApAnalysis) self = g_new0 (ApAnalysis, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->users = g_ptr_array_ref (users);

  compute_departments (self);
  if (!compute_videos (self, cancellable, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  compute_attention (self);

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

const char *
ap_analysis_get_attention_rule (void)
{
  return _("Everyone with a video not watched or answered incorrectly: the most videos not "
           "watched first, then the most answered incorrectly, then by name.");
}

gboolean
ap_analysis_is_partial (ApAnalysis *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->partial;
}

/* ---- running totals ---------------------------------------------------- */

struct _ApAnalysisTally
{
  Tally      tally;
  GPtrArray *names;   /* the departments' names, shared with the snapshots */
};

ApAnalysisTally *
ap_analysis_tally_new (void)
{
  ApAnalysisTally *self = g_new0 (ApAnalysisTally, 1);

  tally_init (&self->tally);
  self->names = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
ap_analysis_tally_free (ApAnalysisTally *self)
{
  if (self == NULL)
    return;

  tally_clear (&self->tally);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_free (self);
}

void
ap_analysis_tally_add (ApAnalysisTally *self,
                       ApUser          *user)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (AP_IS_USER (user));

  tally_add_user (&self->tally, user, self->names);
}

void
ap_analysis_tally_clear (ApAnalysisTally *self)
{
  g_return_if_fail (self != NULL);

  tally_clear (&self->tally);
  tally_init (&self->tally);
  /* Snapshots taken so far keep the old names */
  g_ptr_array_unref (self->names);
  self->names = g_ptr_array_new_with_free_func (g_free);
}

ApAnalysis *
ap_analysis_tally_snapshot (ApAnalysisTally *self)
{
  ApAnalysis *analysis;

  g_return_val_if_fail (self != NULL, NULL);

  analysis = g_new0 (ApAnalysis, 1);
  g_atomic_ref_count_init (&analysis->ref_count);
  analysis->partial = TRUE;
  analysis->users = g_ptr_array_new ();
  analysis->names = g_ptr_array_ref (self->names);
  finish_departments (analysis, &self->tally);
  analysis->video_by_title = g_hash_table_new (g_str_hash, g_str_equal);
  analysis->attention = g_ptr_array_new ();

  return analysis;
}
