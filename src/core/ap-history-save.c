/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-history"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>
#include <string.h>

#include "ap-history-private.h"


/* Saving */

typedef enum
{
  SAVE_USERS,
  SAVE_COMMIT,
  SAVE_ABORT,
} SaveKind;

typedef struct
{
  SaveKind   kind;
  GPtrArray *users;
  GTask     *task;
} SaveMessage;

typedef struct
{
  guint   n_users;
  guint64 counts[3];
} Totals;

/* Batches handed over but not yet written, shared by the saver and its
 * thread, so a caller whose users would otherwise be freed can wait for
 * room instead of piling them up. */
typedef struct
{
  GMutex mutex;
  GCond  cond;
  guint  pending;
} Pending;

static Pending *
pending_new (void)
{
  Pending *pending = g_atomic_rc_box_new0 (Pending);

  g_mutex_init (&pending->mutex);
  g_cond_init (&pending->cond);
  return pending;
}

static void
pending_clear (gpointer data)
{
  Pending *pending = data;

  g_mutex_clear (&pending->mutex);
  g_cond_clear (&pending->cond);
}

static void
pending_unref (Pending *pending)
{
  g_atomic_rc_box_release_full (pending, pending_clear);
}

static void
pending_add (Pending *pending,
             int      delta)
{
  g_mutex_lock (&pending->mutex);
  pending->pending += delta;
  g_cond_broadcast (&pending->cond);
  g_mutex_unlock (&pending->mutex);
}

typedef struct
{
  ApHistory    *history;
  GAsyncQueue  *queue;
  Pending      *pending;
  char         *base_url;
  ApQuery      *query;
  gint64        fetched_at;

  sqlite3      *db;
  sqlite3_stmt *find_person;
  sqlite3_stmt *add_person;
  sqlite3_stmt *find_string;
  sqlite3_stmt *add_string;
  sqlite3_stmt *add_user;
  GHashTable   *string_ids;    /* interned char* -> gint64 */
  GByteArray   *blob;
  gint64        snapshot_id;
  gint64        position;
  Totals        totals;
  GHashTable   *departments;   /* department ID -> Totals */
  GError       *error;
  gboolean      in_transaction;
} SaveWorker;

struct _ApHistorySaver
{
  GObject      parent_instance;
  GAsyncQueue *queue;
  Pending     *pending;
  GThread     *thread;
  gboolean     finished;       /* commit or abort sent */
};

G_DEFINE_FINAL_TYPE (ApHistorySaver, ap_history_saver, G_TYPE_OBJECT)

static void
save_message_free (SaveMessage *message)
{
  g_clear_pointer (&message->users, g_ptr_array_unref);
  g_clear_object (&message->task);
  g_free (message);
}

static gint64
lookup_or_insert (SaveWorker   *worker,
                  sqlite3_stmt *find,
                  sqlite3_stmt *add,
                  const char   *value)
{
  gint64 id = 0;
  int rc;

  sqlite3_bind_text (find, 1, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (find);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (find, 0);
  sqlite3_reset (find);
  if (rc == SQLITE_ROW)
    return id;
  if (rc != SQLITE_DONE)
    {
      ap_history_fail_with_db (worker->history, worker->db, rc, &worker->error);
      return 0;
    }

  sqlite3_bind_text (add, 1, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (add);
  sqlite3_reset (add);
  if (rc != SQLITE_DONE)
    {
      ap_history_fail_with_db (worker->history, worker->db, rc, &worker->error);
      return 0;
    }
  return sqlite3_last_insert_rowid (worker->db);
}

static gint64
string_id (SaveWorker *worker,
           const char *value)
{
  gpointer cached;
  gint64 id;

  if (value == NULL)
    value = "";
  if (g_hash_table_lookup_extended (worker->string_ids, value, NULL, &cached))
    return GPOINTER_TO_SIZE (cached);

  id = lookup_or_insert (worker, worker->find_string, worker->add_string, value);
  if (id != 0)
    g_hash_table_insert (worker->string_ids, g_strdup (value), GSIZE_TO_POINTER ((gsize) id));
  return id;
}

static gint64
simple_id (SaveWorker *worker,
           const char *find_sql,
           const char *add_sql,
           void      (*bind) (sqlite3_stmt *stmt, gpointer data),
           gpointer    data)
{
  g_autoptr(ApStmt) find = ap_history_prepare (worker->db, find_sql, &worker->error);
  g_autoptr(ApStmt) add = NULL;
  int rc;

  if (find == NULL)
    return 0;
  bind (find, data);
  rc = sqlite3_step (find);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (find, 0);

  add = ap_history_prepare (worker->db, add_sql, &worker->error);
  if (add == NULL)
    return 0;
  bind (add, data);
  rc = sqlite3_step (add);
  if (rc != SQLITE_DONE)
    {
      ap_history_fail_with_db (worker->history, worker->db, rc, &worker->error);
      return 0;
    }
  return sqlite3_last_insert_rowid (worker->db);
}

static void
bind_tenant (sqlite3_stmt *stmt,
             gpointer      data)
{
  SaveWorker *worker = data;

  sqlite3_bind_text (stmt, 1, worker->base_url, -1, SQLITE_STATIC);
}

static void
bind_query (sqlite3_stmt *stmt,
            gpointer      data)
{
  SaveWorker *worker = data;
  g_autofree char *key = ap_history_query_key (worker->query);
  const char * const *ids = ap_query_get_attribute_ids (worker->query);
  g_autofree char *joined = ids != NULL ? g_strjoinv (ATTRIBUTE_SEPARATOR, (char **) ids) : NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    {
      sqlite3_bind_int (stmt, 2, ap_query_get_search_field (worker->query));
      sqlite3_bind_text (stmt, 3, ap_query_get_search_value (worker->query), -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, joined, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 5, ap_query_get_video_count (worker->query));
    }
}

static gboolean
save_begin (SaveWorker *worker)
{
  g_autoptr(ApStmt) snapshot = NULL;
  gint64 tenant_id, query_id;
  int rc;

  worker->db = ap_history_open_db (worker->history, &worker->error);
  if (worker->db == NULL)
    return FALSE;

  if (!ap_history_exec_sql (worker->db, "BEGIN IMMEDIATE", &worker->error))
    return FALSE;
  worker->in_transaction = TRUE;

  tenant_id = simple_id (worker, "SELECT id FROM tenants WHERE base_url = ?1",
                         "INSERT INTO tenants (base_url) VALUES (?1)", bind_tenant, worker);
  if (tenant_id == 0)
    return FALSE;
  query_id = simple_id (worker, "SELECT id FROM queries WHERE key = ?1",
                        "INSERT INTO queries (key, search_field, search_value, attribute_ids,"
                        " video_count) VALUES (?1, ?2, ?3, ?4, ?5)", bind_query, worker);
  if (query_id == 0)
    return FALSE;

  snapshot = ap_history_prepare (worker->db,
                                 "INSERT INTO snapshots (tenant_id, query_id, fetched_at,"
                                 " details, n_users,"
                                 " num_correct, num_incorrect, num_not_watched)"
                                 " VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0)", &worker->error);
  if (snapshot == NULL)
    return FALSE;
  sqlite3_bind_int64 (snapshot, 1, tenant_id);
  sqlite3_bind_int64 (snapshot, 2, query_id);
  sqlite3_bind_int64 (snapshot, 3, worker->fetched_at);
  sqlite3_bind_int (snapshot, 4, ap_query_get_include_user_details (worker->query));
  rc = sqlite3_step (snapshot);
  if (rc != SQLITE_DONE)
    {
      ap_history_fail_with_db (worker->history, worker->db, rc, &worker->error);
      return FALSE;
    }
  worker->snapshot_id = sqlite3_last_insert_rowid (worker->db);

  worker->find_person = ap_history_prepare (worker->db, "SELECT id FROM people WHERE email = ?1",
                                            &worker->error);
  worker->add_person = ap_history_prepare (worker->db, "INSERT INTO people (email) VALUES (?1)",
                                           &worker->error);
  worker->find_string = ap_history_prepare (worker->db, "SELECT id FROM strings WHERE value = ?1",
                                            &worker->error);
  worker->add_string = ap_history_prepare (worker->db, "INSERT INTO strings (value) VALUES (?1)",
                                           &worker->error);
  worker->add_user = ap_history_prepare (worker->db,
                                         "INSERT INTO snapshot_users (snapshot_id, position,"
                                         " person_id, name,"
                                         " department_id, num_correct, num_incorrect,"
                                         " num_not_watched,"
                                         " records) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                         &worker->error);
  return worker->error == NULL;
}

static void
encode_records (SaveWorker *worker,
                ApUser     *user)
{
  guint n = ap_user_get_n_records (user);
  gint64 previous_sent = 0;

  g_byte_array_set_size (worker->blob, 0);
  for (guint i = 0; i < n; i++)
    {
      const ApRecord *record = ap_user_get_record (user, i);
      gint64 sent = ap_record_get_time_sent (record);
      gint64 viewed = ap_record_get_time_viewed (record);
      guint8 flags = 0;

      put_varint (worker->blob, string_id (worker, ap_record_get_title (record)));
      put_varint (worker->blob, string_id (worker, ap_record_get_category (record)));
      put_varint (worker->blob, string_id (worker, ap_record_get_status (record)));
      if (ap_record_get_acknowledged (record))
        flags |= RECORD_ACK;
      if (sent != AP_TIME_NONE)
        flags |= RECORD_SENT;
      if (viewed != AP_TIME_NONE)
        flags |= RECORD_VIEWED;
      g_byte_array_append (worker->blob, &flags, 1);
      if (sent != AP_TIME_NONE)
        {
          put_varint (worker->blob, zigzag (sent - previous_sent));
          previous_sent = sent;
        }
      if (viewed != AP_TIME_NONE)
        put_varint (worker->blob, zigzag (viewed - (sent != AP_TIME_NONE ? sent : 0)));
    }
}

static void
save_users (SaveWorker *worker,
            GPtrArray  *users)
{
  sqlite3_stmt *stmt = worker->add_user;

  for (guint i = 0; i < users->len && worker->error == NULL; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      guint counts[3] = {
        ap_user_get_num_correct (user),
        ap_user_get_num_incorrect (user),
        ap_user_get_num_not_watched (user),
      };
      gint64 person_id, department_id;
      Totals *department;
      int rc;

      person_id = lookup_or_insert (worker, worker->find_person, worker->add_person,
                                    ap_user_get_email (user));
      department_id = string_id (worker, ap_user_get_department (user));
      if (worker->error != NULL)
        return;

      sqlite3_bind_int64 (stmt, 1, worker->snapshot_id);
      sqlite3_bind_int64 (stmt, 2, worker->position++);
      sqlite3_bind_int64 (stmt, 3, person_id);
      sqlite3_bind_text (stmt, 4, ap_user_get_name (user), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, department_id);
      for (guint c = 0; c < 3; c++)
        sqlite3_bind_int64 (stmt, 6 + c, counts[c]);
      if (ap_user_get_has_details (user))
        {
          encode_records (worker, user);
          if (worker->error != NULL)
            return;
          /* A zero-length blob, not NULL: "details, no records". */
          sqlite3_bind_blob (stmt, 9, worker->blob->len > 0 ? (void *) worker->blob->data : "",
                             worker->blob->len, SQLITE_STATIC);
        }
      else
        sqlite3_bind_null (stmt, 9);

      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          ap_history_fail_with_db (worker->history, worker->db, rc, &worker->error);
          return;
        }

      department = g_hash_table_lookup (worker->departments, GSIZE_TO_POINTER (department_id));
      if (department == NULL)
        {
          department = g_new0 (Totals, 1);
          g_hash_table_insert (worker->departments, GSIZE_TO_POINTER (department_id), department);
        }
      worker->totals.n_users++;
      department->n_users++;
      for (guint c = 0; c < 3; c++)
        {
          worker->totals.counts[c] += counts[c];
          department->counts[c] += counts[c];
        }
    }
}

static gboolean
save_commit (SaveWorker *worker)
{
  g_autoptr(ApStmt) update = NULL;
  g_autoptr(ApStmt) add_department = NULL;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  update = ap_history_prepare (worker->db,
                               "UPDATE snapshots SET n_users = ?2, num_correct = ?3,"
                               " num_incorrect = ?4,"
                               " num_not_watched = ?5 WHERE id = ?1", &worker->error);
  add_department = ap_history_prepare (worker->db,
                                       "INSERT INTO snapshot_departments (snapshot_id,"
                                       " department_id,"
                                       " n_users, num_correct, num_incorrect, num_not_watched)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &worker->error);
  if (update == NULL || add_department == NULL)
    return FALSE;

  sqlite3_bind_int64 (update, 1, worker->snapshot_id);
  sqlite3_bind_int64 (update, 2, worker->totals.n_users);
  for (guint c = 0; c < 3; c++)
    sqlite3_bind_int64 (update, 3 + c, worker->totals.counts[c]);
  rc = sqlite3_step (update);
  if (rc != SQLITE_DONE)
    {
      ap_history_fail_with_db (worker->history, worker->db, rc, &worker->error);
      return FALSE;
    }

  g_hash_table_iter_init (&iter, worker->departments);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Totals *totals = value;

      sqlite3_bind_int64 (add_department, 1, worker->snapshot_id);
      sqlite3_bind_int64 (add_department, 2, GPOINTER_TO_SIZE (key));
      sqlite3_bind_int64 (add_department, 3, totals->n_users);
      for (guint c = 0; c < 3; c++)
        sqlite3_bind_int64 (add_department, 4 + c, totals->counts[c]);
      rc = sqlite3_step (add_department);
      sqlite3_reset (add_department);
      if (rc != SQLITE_DONE)
        {
          ap_history_fail_with_db (worker->history, worker->db, rc, &worker->error);
          return FALSE;
        }
    }

  if (!ap_history_exec_sql (worker->db, "COMMIT", &worker->error))
    return FALSE;
  worker->in_transaction = FALSE;
  return TRUE;
}

static void
save_worker_free (SaveWorker *worker)
{
  g_clear_pointer (&worker->find_person, sqlite3_finalize);
  g_clear_pointer (&worker->add_person, sqlite3_finalize);
  g_clear_pointer (&worker->find_string, sqlite3_finalize);
  g_clear_pointer (&worker->add_string, sqlite3_finalize);
  g_clear_pointer (&worker->add_user, sqlite3_finalize);
  if (worker->db != NULL)
    {
      if (worker->in_transaction)
        sqlite3_exec (worker->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close_v2 (worker->db);
    }
  g_clear_pointer (&worker->string_ids, g_hash_table_unref);
  g_clear_pointer (&worker->departments, g_hash_table_unref);
  g_clear_pointer (&worker->blob, g_byte_array_unref);
  g_clear_pointer (&worker->queue, g_async_queue_unref);
  if (worker->pending != NULL)
    {
      /* Nothing more will be written: wake anyone waiting for room. */
      g_mutex_lock (&worker->pending->mutex);
      worker->pending->pending = 0;
      g_cond_broadcast (&worker->pending->cond);
      g_mutex_unlock (&worker->pending->mutex);
      g_clear_pointer (&worker->pending, pending_unref);
    }
  g_clear_object (&worker->query);
  g_clear_object (&worker->history);
  g_clear_error (&worker->error);
  g_free (worker->base_url);
  g_free (worker);
}

static gpointer
save_thread (gpointer data)
{
  SaveWorker *worker = data;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gboolean begun = FALSE;
  gint64 id = 0;

  for (;;)
    {
      SaveMessage *message = g_async_queue_pop (worker->queue);

      if (message->kind == SAVE_USERS)
        {
          if (!begun)
            {
              begun = TRUE;
              save_begin (worker);
            }
          if (worker->error == NULL)
            save_users (worker, message->users);
          save_message_free (message);
          pending_add (worker->pending, -1);
          continue;
        }

      if (message->kind == SAVE_COMMIT)
        {
          task = g_steal_pointer (&message->task);
          if (!begun)
            save_begin (worker);
          if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
            ;  /* rolled back by save_worker_free() */
          else if (worker->error != NULL || !save_commit (worker))
            error = g_steal_pointer (&worker->error);
          else
            id = worker->snapshot_id;
        }

      save_message_free (message);
      break;
    }

  /* Everything is closed and released before the caller hears back, so it
   * may drop the history at once. */
  if (id != 0)
    {
      g_autoptr(GError) retention_error = NULL;
      g_autoptr(ApHistory) history = g_object_ref (worker->history);

      save_worker_free (worker);
      /* The snapshot is safe; retention is a separate transaction whose
       * failure does not undo the save. */
      if (!ap_history_apply_retention (history, &retention_error))
        g_warning ("History retention failed: %s", retention_error->message);
    }
  else
    save_worker_free (worker);

  if (task != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_int (task, id);
    }
  return NULL;
}

static void
ap_history_saver_send (ApHistorySaver *self,
                       SaveKind        kind,
                       GPtrArray      *users,
                       GTask          *task)
{
  SaveMessage *message = g_new0 (SaveMessage, 1);

  message->kind = kind;
  message->users = users;
  message->task = task;
  g_async_queue_push (self->queue, message);
}

static void
ap_history_saver_finalize (GObject *object)
{
  ApHistorySaver *self = AP_HISTORY_SAVER (object);

  if (!self->finished)
    ap_history_saver_send (self, SAVE_ABORT, NULL, NULL);
  g_clear_pointer (&self->thread, g_thread_unref);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->pending, pending_unref);

  G_OBJECT_CLASS (ap_history_saver_parent_class)->finalize (object);
}

static void
ap_history_saver_class_init (ApHistorySaverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ap_history_saver_finalize;
}

static void
ap_history_saver_init (ApHistorySaver *self)
{
}

ApHistorySaver *
ap_history_saver_new (ApHistory  *history,
                      const char *base_url,
                      ApQuery    *query,
                      gint64      fetched_at)
{
  ApHistorySaver *self;
  SaveWorker *worker;

  g_return_val_if_fail (AP_IS_HISTORY (history), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (AP_IS_QUERY (query), NULL);

  self = g_object_new (AP_TYPE_HISTORY_SAVER, NULL);
  self->queue = g_async_queue_new ();
  self->pending = pending_new ();

  worker = g_new0 (SaveWorker, 1);
  worker->pending = g_atomic_rc_box_acquire (self->pending);
  worker->history = g_object_ref (history);
  worker->queue = g_async_queue_ref (self->queue);
  worker->base_url = g_strdup (base_url);
  worker->query = ap_query_copy (query);
  worker->fetched_at = fetched_at != 0 ? fetched_at : g_get_real_time () / G_USEC_PER_SEC;
  worker->string_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  worker->departments = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  worker->blob = g_byte_array_sized_new (256);

  self->thread = g_thread_new ("ap-history-save", save_thread, worker);
  return self;
}

void
ap_history_saver_add_users (ApHistorySaver *self,
                            GPtrArray      *users)
{
  g_return_if_fail (AP_IS_HISTORY_SAVER (self));
  g_return_if_fail (users != NULL);
  g_return_if_fail (!self->finished);

  if (users->len == 0)
    return;
  pending_add (self->pending, 1);
  ap_history_saver_send (self, SAVE_USERS, g_ptr_array_ref (users), NULL);
}

void
ap_history_saver_wait_for_room (ApHistorySaver *self,
                                guint           max_pending)
{
  g_return_if_fail (AP_IS_HISTORY_SAVER (self));

  g_mutex_lock (&self->pending->mutex);
  while (self->pending->pending > max_pending)
    g_cond_wait (&self->pending->cond, &self->pending->mutex);
  g_mutex_unlock (&self->pending->mutex);
}

void
ap_history_saver_abort (ApHistorySaver *self)
{
  g_return_if_fail (AP_IS_HISTORY_SAVER (self));

  if (self->finished)
    return;
  self->finished = TRUE;
  ap_history_saver_send (self, SAVE_ABORT, NULL, NULL);
}

void
ap_history_saver_commit_async (ApHistorySaver     *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (AP_IS_HISTORY_SAVER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_history_saver_commit_async);

  if (self->finished)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The snapshot was abandoned"));
      g_object_unref (task);
      return;
    }
  self->finished = TRUE;
  ap_history_saver_send (self, SAVE_COMMIT, NULL, task);
}

gint64
ap_history_saver_commit_finish (ApHistorySaver *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  gssize id;

  g_return_val_if_fail (AP_IS_HISTORY_SAVER (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? id : 0;
}
