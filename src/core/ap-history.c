/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-history"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap-history.h"
#include "ap-intern-private.h"

/* Schema, one entry per version: migrations[v] takes a file from version v
 * to v + 1. A new version appends its step; old steps never change. */
static const char * const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE tenants (id INTEGER PRIMARY KEY, base_url TEXT NOT NULL UNIQUE);"
  "CREATE TABLE queries (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
  "  search_field INTEGER NOT NULL, search_value TEXT, attribute_ids TEXT,"
  "  video_count INTEGER NOT NULL);"
  "CREATE TABLE strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);"
  "CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);"
  "CREATE TABLE snapshots (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL,"
  "  query_id INTEGER NOT NULL, fetched_at INTEGER NOT NULL, details INTEGER NOT NULL,"
  "  n_users INTEGER NOT NULL, num_correct INTEGER NOT NULL, num_incorrect INTEGER NOT NULL,"
  "  num_not_watched INTEGER NOT NULL);"
  "CREATE INDEX snapshots_by_query ON snapshots (tenant_id, query_id, fetched_at);"
  /* records: the user's training records as one blob (see encode_records),
   * NULL when the fetch carried no details for the user. */
  "CREATE TABLE snapshot_users (snapshot_id INTEGER NOT NULL, position INTEGER NOT NULL,"
  "  person_id INTEGER NOT NULL, name TEXT NOT NULL, department_id INTEGER NOT NULL,"
  "  num_correct INTEGER NOT NULL, num_incorrect INTEGER NOT NULL,"
  "  num_not_watched INTEGER NOT NULL, records BLOB,"
  "  PRIMARY KEY (snapshot_id, position)) WITHOUT ROWID;"
  "CREATE INDEX snapshot_users_by_person ON snapshot_users (person_id, snapshot_id);"
  "CREATE TABLE snapshot_departments (snapshot_id INTEGER NOT NULL,"
  "  department_id INTEGER NOT NULL, n_users INTEGER NOT NULL, num_correct INTEGER NOT NULL,"
  "  num_incorrect INTEGER NOT NULL, num_not_watched INTEGER NOT NULL,"
  "  PRIMARY KEY (snapshot_id, department_id)) WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AP_HISTORY_SCHEMA_VERSION);

#define SNAPSHOT_COLUMNS \
  "s.id, s.fetched_at, t.base_url, q.search_field, q.search_value, q.attribute_ids," \
  " q.video_count, s.details, s.n_users, s.num_correct, s.num_incorrect, s.num_not_watched" \
  " FROM snapshots s JOIN tenants t ON t.id = s.tenant_id JOIN queries q ON q.id = s.query_id"

/* The snapshots of one snapshot's tenant and query, up to and including it. */
#define SAME_QUERY_UP_TO \
  " FROM snapshots s, snapshots me WHERE me.id = ?1 AND s.tenant_id = me.tenant_id" \
  " AND s.query_id = me.query_id" \
  " AND (s.fetched_at < me.fetched_at OR (s.fetched_at = me.fetched_at AND s.id <= me.id))"

#define ATTRIBUTE_SEPARATOR "\x1e"

struct _ApHistory
{
  GObject  parent_instance;
  char    *path;
  GMutex   mutex;          /* guards checked and the retention numbers */
  gboolean checked;        /* schema verified or created by this process */
  guint    max_snapshots;
  guint    max_days;
};

G_DEFINE_FINAL_TYPE (ApHistory, ap_history, G_TYPE_OBJECT)

G_DEFINE_QUARK (ap-history-error-quark, ap_history_error)

/* Connection helpers */

static void
set_error_from_db (sqlite3     *db,
                   int          rc,
                   GError     **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_FAILED,
                   _("The history could not be saved: the disk is full"));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_CORRUPT,
                   _("The history file is damaged (%s)"), detail);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_UNAVAILABLE,
                   _("The history file cannot be written (%s)"), detail);
      break;
    default:
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_FAILED,
                   _("The history could not be read or written (%s)"), detail);
      break;
    }
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_error_from_db (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_error_from_db (db, rc, error);
      return NULL;
    }
  return stmt;
}

typedef sqlite3_stmt ApStmt;
static void
ap_stmt_free (ApStmt *stmt)
{
  sqlite3_finalize (stmt);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApStmt, ap_stmt_free)

typedef sqlite3 ApDb;
static void
ap_db_close (ApDb *db)
{
  sqlite3_close_v2 (db);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApDb, ap_db_close)

static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  struct stat st;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_UNAVAILABLE,
                   _("The history folder %s cannot be created: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  /* Created by us with 0600 before SQLite sees it: it holds names and
   * emails. SQLite gives its -wal and -shm files the same mode. */
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_UNAVAILABLE,
                   _("The history file %s cannot be opened: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) == 0 && (st.st_mode & 0077) != 0)
    fchmod (fd, 0600);
  close (fd);
  return TRUE;
}

/* Never deletes: the file and its -wal/-shm go beside it under a new name. */
static char *
move_aside (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *target = NULL;
  static const char * const suffixes[] = { "-wal", "-shm" };

  for (guint n = 0; target == NULL || g_file_test (target, G_FILE_TEST_EXISTS); n++)
    {
      g_free (target);
      target = n == 0 ? g_strdup_printf ("%s.unreadable-%s", path, stamp)
                      : g_strdup_printf ("%s.unreadable-%s-%u", path, stamp, n);
    }

  if (g_rename (path, target) != 0)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }
  return g_steal_pointer (&target);
}

/* A damaged or too new file: moved aside, and the error says where. */
static void
handle_unreadable (ApHistory  *self,
                   GError    **error)
{
  g_autofree char *moved = NULL;
  const char *reason;

  g_assert (error != NULL && *error != NULL);

  if (!g_error_matches (*error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_CORRUPT) &&
      !g_error_matches (*error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NEWER_SCHEMA))
    return;

  g_mutex_lock (&self->mutex);
  self->checked = FALSE;
  moved = move_aside (self->path);
  g_mutex_unlock (&self->mutex);

  reason = (*error)->message;
  if (moved != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("%s. It was moved to %s; a new history starts with the next fetch."),
                         reason, moved);
      g_free ((*error)->message);
      (*error)->message = g_steal_pointer (&message);
    }
  else
    {
      g_autofree char *message =
        g_strdup_printf (_("%s. It could not be moved aside; the app works without history."),
                         reason);
      g_free ((*error)->message);
      (*error)->message = g_steal_pointer (&message);
    }
}

static gboolean
read_user_version (sqlite3  *db,
                   int      *version,
                   GError  **error)
{
  g_autoptr(ApStmt) stmt = prepare (db, "PRAGMA user_version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_error_from_db (db, rc, error);
      return FALSE;
    }
  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
migrate (sqlite3  *db,
         GError  **error)
{
  int version;

  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Read again inside the write lock: another process may have migrated. */
  if (!read_user_version (db, &version, error))
    goto fail;

  if (version > AP_HISTORY_SCHEMA_VERSION)
    {
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NEWER_SCHEMA,
                   _("The history file was written by a newer version of Awareness Performance "
                     "(schema %d, this version reads %d)"), version, AP_HISTORY_SCHEMA_VERSION);
      goto fail;
    }

  for (; version < AP_HISTORY_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!exec_sql (db, migrations[version], error) || !exec_sql (db, bump, error))
        goto fail;
    }

  return exec_sql (db, "COMMIT", error);

fail:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static sqlite3 *
open_db_once (ApHistory  *self,
              GError    **error)
{
  g_autoptr(ApDb) db = NULL;
  gboolean checked;
  int version = 0;
  int rc;

  if (!ensure_file (self->path, error))
    return NULL;

  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_db (db, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 10000);

  /* The first statement reads the header: a file that is not a database
   * fails here. */
  if (!exec_sql (db, "PRAGMA journal_mode = WAL", error) ||
      !exec_sql (db, "PRAGMA synchronous = NORMAL", error) ||
      !read_user_version (db, &version, error))
    return NULL;

  if (version > AP_HISTORY_SCHEMA_VERSION)
    {
      g_set_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NEWER_SCHEMA,
                   _("The history file was written by a newer version of Awareness Performance "
                     "(schema %d, this version reads %d)"), version, AP_HISTORY_SCHEMA_VERSION);
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  checked = self->checked;
  g_mutex_unlock (&self->mutex);

  if (!checked || version < AP_HISTORY_SCHEMA_VERSION)
    {
      if (version < AP_HISTORY_SCHEMA_VERSION && !migrate (db, error))
        return NULL;
      /* Reads every table's definition: a damaged schema fails here, once. */
      if (!exec_sql (db, "SELECT count(*) FROM snapshots", error))
        return NULL;
      g_mutex_lock (&self->mutex);
      self->checked = TRUE;
      g_mutex_unlock (&self->mutex);
    }

  return g_steal_pointer (&db);
}

static sqlite3 *
open_db (ApHistory  *self,
         GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3 *db = open_db_once (self, &local_error);

  if (db != NULL)
    return db;

  handle_unreadable (self, &local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* After a failed statement: a damaged file found late is moved aside too. */
static void
fail_with_db (ApHistory *self,
              sqlite3   *db,
              int        rc,
              GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  set_error_from_db (db, rc, &local_error);
  handle_unreadable (self, &local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
}

/* Queries */

static char *
query_key (ApQuery *query)
{
  const char * const *ids = ap_query_get_attribute_ids (query);
  g_autofree char *joined = ids != NULL ? g_strjoinv (ATTRIBUTE_SEPARATOR, (char **) ids) : NULL;
  const char *value = ap_query_get_search_value (query);

  /* What selects users; include-user-details and page size do not. */
  return g_strdup_printf ("%d\x1f%s\x1f%s\x1f%d", ap_query_get_search_field (query),
                          value != NULL ? value : "", joined != NULL ? joined : "",
                          ap_query_get_video_count (query));
}

static ApSnapshotInfo *
info_from_row (sqlite3_stmt *stmt)
{
  ApSnapshotInfo *info = g_new0 (ApSnapshotInfo, 1);
  const char *value = (const char *) sqlite3_column_text (stmt, 4);
  const char *ids = (const char *) sqlite3_column_text (stmt, 5);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->fetched_at = sqlite3_column_int64 (stmt, 1);
  info->base_url = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  info->query = ap_query_new ();
  ap_query_set_search (info->query, sqlite3_column_int (stmt, 3),
                       value != NULL && *value != '\0' ? value : NULL);
  if (ids != NULL && *ids != '\0')
    {
      g_auto(GStrv) split = g_strsplit (ids, ATTRIBUTE_SEPARATOR, -1);
      ap_query_set_attribute_ids (info->query, (const char * const *) split);
    }
  ap_query_set_video_count (info->query, sqlite3_column_int (stmt, 6));
  ap_query_set_include_user_details (info->query, sqlite3_column_int (stmt, 7) != 0);
  info->n_users = sqlite3_column_int (stmt, 8);
  info->num_correct = sqlite3_column_int64 (stmt, 9);
  info->num_incorrect = sqlite3_column_int64 (stmt, 10);
  info->num_not_watched = sqlite3_column_int64 (stmt, 11);
  return info;
}

ApSnapshotInfo *
ap_snapshot_info_copy (const ApSnapshotInfo *info)
{
  ApSnapshotInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->base_url = g_strdup (info->base_url);
  copy->query = info->query != NULL ? ap_query_copy (info->query) : NULL;
  return copy;
}

void
ap_snapshot_info_free (ApSnapshotInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->base_url);
  g_clear_object (&info->query);
  g_free (info);
}

const char *
ap_user_change_kind_to_string (ApUserChangeKind kind)
{
  switch (kind)
    {
    case AP_USER_CHANGE_JOINED:
      return "joined";
    case AP_USER_CHANGE_LEFT:
      return "left";
    case AP_USER_CHANGE_CHANGED:
      return "changed";
    default:
      g_return_val_if_reached (NULL);
    }
}

void
ap_user_change_free (ApUserChange *change)
{
  if (change == NULL)
    return;
  g_free (change->email);
  g_free (change->name);
  g_free (change->department);
  g_free (change);
}

guint
ap_user_change_get_n_watched (const ApUserChange *change)
{
  g_return_val_if_fail (change != NULL, 0);

  if (change->kind != AP_USER_CHANGE_CHANGED || change->after[2] >= change->before[2])
    return 0;
  return change->before[2] - change->after[2];
}

gboolean
ap_user_change_in_group (const ApUserChange *change,
                         ApChangeGroup       group)
{
  g_return_val_if_fail (change != NULL, FALSE);

  switch (group)
    {
    case AP_CHANGE_GROUP_ALL:
      return TRUE;
    case AP_CHANGE_GROUP_JOINED:
      return change->kind == AP_USER_CHANGE_JOINED;
    case AP_CHANGE_GROUP_LEFT:
      return change->kind == AP_USER_CHANGE_LEFT;
    case AP_CHANGE_GROUP_CHANGED:
      return change->kind == AP_USER_CHANGE_CHANGED;
    case AP_CHANGE_GROUP_WATCHED:
      return ap_user_change_get_n_watched (change) > 0;
    default:
      return FALSE;
    }
}

void
ap_history_comparison_free (ApHistoryComparison *comparison)
{
  if (comparison == NULL)
    return;
  ap_snapshot_info_free (comparison->previous);
  g_clear_pointer (&comparison->changes, g_ptr_array_unref);
  g_clear_pointer (&comparison->trend, g_array_unref);
  g_clear_pointer (&comparison->department_trend, g_array_unref);
  g_strfreev (comparison->departments);
  g_free (comparison);
}

/* Records blob: per record, varints for the title, category and status
 * string IDs, one flags byte (acknowledged, sent known, viewed known), then
 * the time sent as a zigzag delta from the previous record's and the time
 * viewed as a zigzag delta from the time sent. About 11 bytes a record. */
enum {
  RECORD_ACK = 1 << 0,
  RECORD_SENT = 1 << 1,
  RECORD_VIEWED = 1 << 2,
};

static inline void
put_varint (GByteArray *out,
            guint64     value)
{
  guint8 buf[10];
  guint n = 0;

  do
    {
      buf[n] = value & 0x7f;
      value >>= 7;
      if (value != 0)
        buf[n] |= 0x80;
      n++;
    }
  while (value != 0);
  g_byte_array_append (out, buf, n);
}

static inline guint64
zigzag (gint64 value)
{
  return ((guint64) value << 1) ^ (guint64) (value >> 63);
}

static inline gint64
unzigzag (guint64 value)
{
  return (gint64) (value >> 1) ^ -(gint64) (value & 1);
}

static inline gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *value)
{
  guint64 result = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (*p >= end)
        return FALSE;
      byte = *(*p)++;
      result |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        {
          *value = result;
          return TRUE;
        }
    }
  return FALSE;
}

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
      fail_with_db (worker->history, worker->db, rc, &worker->error);
      return 0;
    }

  sqlite3_bind_text (add, 1, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (add);
  sqlite3_reset (add);
  if (rc != SQLITE_DONE)
    {
      fail_with_db (worker->history, worker->db, rc, &worker->error);
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
  g_autoptr(ApStmt) find = prepare (worker->db, find_sql, &worker->error);
  g_autoptr(ApStmt) add = NULL;
  int rc;

  if (find == NULL)
    return 0;
  bind (find, data);
  rc = sqlite3_step (find);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (find, 0);

  add = prepare (worker->db, add_sql, &worker->error);
  if (add == NULL)
    return 0;
  bind (add, data);
  rc = sqlite3_step (add);
  if (rc != SQLITE_DONE)
    {
      fail_with_db (worker->history, worker->db, rc, &worker->error);
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
  g_autofree char *key = query_key (worker->query);
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

  worker->db = open_db (worker->history, &worker->error);
  if (worker->db == NULL)
    return FALSE;

  if (!exec_sql (worker->db, "BEGIN IMMEDIATE", &worker->error))
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

  snapshot = prepare (worker->db,
                      "INSERT INTO snapshots (tenant_id, query_id, fetched_at, details, n_users,"
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
      fail_with_db (worker->history, worker->db, rc, &worker->error);
      return FALSE;
    }
  worker->snapshot_id = sqlite3_last_insert_rowid (worker->db);

  worker->find_person = prepare (worker->db, "SELECT id FROM people WHERE email = ?1",
                                 &worker->error);
  worker->add_person = prepare (worker->db, "INSERT INTO people (email) VALUES (?1)",
                                &worker->error);
  worker->find_string = prepare (worker->db, "SELECT id FROM strings WHERE value = ?1",
                                 &worker->error);
  worker->add_string = prepare (worker->db, "INSERT INTO strings (value) VALUES (?1)",
                                &worker->error);
  worker->add_user = prepare (worker->db,
                              "INSERT INTO snapshot_users (snapshot_id, position, person_id, name,"
                              " department_id, num_correct, num_incorrect, num_not_watched,"
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
      ApTrainingRecord *record = ap_user_get_record (user, i);
      gint64 sent = ap_training_record_get_time_sent (record);
      gint64 viewed = ap_training_record_get_time_viewed (record);
      guint8 flags = 0;

      put_varint (worker->blob, string_id (worker, ap_training_record_get_title (record)));
      put_varint (worker->blob, string_id (worker, ap_training_record_get_category (record)));
      put_varint (worker->blob, string_id (worker, ap_training_record_get_status (record)));
      if (ap_training_record_get_acknowledged (record))
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
          fail_with_db (worker->history, worker->db, rc, &worker->error);
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

  update = prepare (worker->db,
                    "UPDATE snapshots SET n_users = ?2, num_correct = ?3, num_incorrect = ?4,"
                    " num_not_watched = ?5 WHERE id = ?1", &worker->error);
  add_department = prepare (worker->db,
                            "INSERT INTO snapshot_departments (snapshot_id, department_id,"
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
      fail_with_db (worker->history, worker->db, rc, &worker->error);
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
          fail_with_db (worker->history, worker->db, rc, &worker->error);
          return FALSE;
        }
    }

  if (!exec_sql (worker->db, "COMMIT", &worker->error))
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

/* Reading */

static void
ap_history_finalize (GObject *object)
{
  ApHistory *self = AP_HISTORY (object);

  g_mutex_clear (&self->mutex);
  g_free (self->path);

  G_OBJECT_CLASS (ap_history_parent_class)->finalize (object);
}

static void
ap_history_class_init (ApHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ap_history_finalize;
}

static void
ap_history_init (ApHistory *self)
{
  g_mutex_init (&self->mutex);
}

char *
ap_history_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "awareness-performance",
                           "history.sqlite3", NULL);
}

ApHistory *
ap_history_new (const char *path)
{
  ApHistory *self = g_object_new (AP_TYPE_HISTORY, NULL);

  self->path = path != NULL ? g_strdup (path) : ap_history_default_path ();
  return self;
}

const char *
ap_history_get_path (ApHistory *self)
{
  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);

  return self->path;
}

void
ap_history_set_retention (ApHistory *self,
                          guint      max_snapshots,
                          guint      max_days)
{
  g_return_if_fail (AP_IS_HISTORY (self));

  g_mutex_lock (&self->mutex);
  self->max_snapshots = max_snapshots;
  self->max_days = max_days;
  g_mutex_unlock (&self->mutex);
}

gboolean
ap_history_check (ApHistory  *self,
                  GError    **error)
{
  g_autoptr(ApDb) db = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), FALSE);

  db = open_db (self, error);
  return db != NULL;
}

/* Runs @stmt (bound by the caller) and collects every row as a snapshot. */
static GPtrArray *
collect_snapshots (ApHistory    *self,
                   sqlite3      *db,
                   sqlite3_stmt *stmt,
                   GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ap_snapshot_info_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, info_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      fail_with_db (self, db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
ap_history_list_snapshots (ApHistory   *self,
                           const char  *base_url,
                           GError     **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);

  db = open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = prepare (db, "SELECT " SNAPSHOT_COLUMNS
                  " WHERE ?1 IS NULL OR t.base_url = ?1 ORDER BY s.fetched_at, s.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, base_url, -1, SQLITE_STATIC);
  return collect_snapshots (self, db, stmt, error);
}

static ApSnapshotInfo *
one_snapshot (ApHistory    *self,
              sqlite3      *db,
              sqlite3_stmt *stmt,
              GError      **error)
{
  g_autoptr(GPtrArray) list = collect_snapshots (self, db, stmt, error);

  if (list == NULL || list->len == 0)
    return NULL;
  return g_ptr_array_steal_index (list, 0);
}

ApSnapshotInfo *
ap_history_get_snapshot (ApHistory  *self,
                         gint64      id,
                         GError    **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  ApSnapshotInfo *info;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);

  db = open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = prepare (db, "SELECT " SNAPSHOT_COLUMNS " WHERE s.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  info = one_snapshot (self, db, stmt, &local_error);
  if (info == NULL && local_error == NULL)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      g_set_error (&local_error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NOT_FOUND,
                   _("There is no snapshot %s in the history"), number);
    }
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return info;
}

ApSnapshotInfo *
ap_history_find_latest (ApHistory   *self,
                        const char  *base_url,
                        ApQuery     *query,
                        GError     **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);
  g_return_val_if_fail (query == NULL || AP_IS_QUERY (query), NULL);

  db = open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = prepare (db, "SELECT " SNAPSHOT_COLUMNS
                  " WHERE (?1 IS NULL OR t.base_url = ?1) AND (?2 IS NULL OR q.key = ?2)"
                  " ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  if (query != NULL)
    key = query_key (query);
  sqlite3_bind_text (stmt, 1, base_url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  return one_snapshot (self, db, stmt, error);
}

ApSnapshotInfo *
ap_history_find_previous (ApHistory  *self,
                          gint64      id,
                          GError    **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;
  g_autoptr(ApSnapshotInfo) me = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);

  me = ap_history_get_snapshot (self, id, error);
  if (me == NULL)
    return NULL;
  db = open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = prepare (db, "SELECT " SNAPSHOT_COLUMNS
                  " WHERE s.id IN (SELECT s.id" SAME_QUERY_UP_TO " AND s.id != ?1)"
                  " ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return one_snapshot (self, db, stmt, error);
}

/* id -> interned string (GRefString), for every string the file holds. */
static GHashTable *
load_strings (ApHistory  *self,
              sqlite3    *db,
              GError    **error)
{
  g_autoptr(GHashTable) strings = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         (GDestroyNotify) g_ref_string_release);
  g_autoptr(ApStmt) stmt = prepare (db, "SELECT id, value FROM strings", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_insert (strings, id,
                           ap_intern_string (value, sqlite3_column_bytes (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      fail_with_db (self, db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&strings);
}

static gboolean
decode_records (GHashTable   *strings,
                const guint8 *p,
                gsize         length,
                GPtrArray    *records)
{
  const guint8 *end = p + length;
  gint64 previous_sent = 0;

  while (p < end)
    {
      guint64 ids[3], delta;
      const char *texts[3];
      guint8 flags;
      gint64 sent = AP_TIME_NONE, viewed = AP_TIME_NONE;

      for (guint i = 0; i < 3; i++)
        {
          gint64 id;

          if (!get_varint (&p, end, &ids[i]))
            return FALSE;
          id = (gint64) ids[i];
          texts[i] = g_hash_table_lookup (strings, &id);
          if (texts[i] == NULL)
            return FALSE;
        }
      if (p >= end)
        return FALSE;
      flags = *p++;
      if (flags & RECORD_SENT)
        {
          if (!get_varint (&p, end, &delta))
            return FALSE;
          sent = previous_sent + unzigzag (delta);
          previous_sent = sent;
        }
      if (flags & RECORD_VIEWED)
        {
          if (!get_varint (&p, end, &delta))
            return FALSE;
          viewed = (sent != AP_TIME_NONE ? sent : 0) + unzigzag (delta);
        }
      g_ptr_array_add (records,
                       ap_training_record_new_interned (texts[0], texts[1], texts[2],
                                                        (flags & RECORD_ACK) != 0, sent, viewed));
    }
  return TRUE;
}

gboolean
ap_history_load_users (ApHistory         *self,
                       gint64             id,
                       guint              batch_size,
                       ApHistoryBatchFunc func,
                       gpointer           user_data,
                       GCancellable      *cancellable,
                       GError           **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;
  g_autoptr(GHashTable) strings = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  int rc;

  g_return_val_if_fail (AP_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (batch_size == 0)
    batch_size = 1000;

  db = open_db (self, error);
  if (db == NULL)
    return FALSE;
  strings = load_strings (self, db, error);
  if (strings == NULL)
    return FALSE;
  stmt = prepare (db,
                  "SELECT p.email, u.name, u.department_id, u.num_correct, u.num_incorrect,"
                  " u.num_not_watched, u.records FROM snapshot_users u"
                  " JOIN people p ON p.id = u.person_id"
                  " WHERE u.snapshot_id = ?1 ORDER BY u.position", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);

  batch = g_ptr_array_new_full (batch_size, g_object_unref);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *email = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      gint64 department_id = sqlite3_column_int64 (stmt, 2);
      const char *department = g_hash_table_lookup (strings, &department_id);
      ApUser *user;

      user = ap_user_new_interned (name, sqlite3_column_bytes (stmt, 1),
                                   email, sqlite3_column_bytes (stmt, 0),
                                   department,
                                   sqlite3_column_int64 (stmt, 3),
                                   sqlite3_column_int64 (stmt, 4),
                                   sqlite3_column_int64 (stmt, 5));
      g_ptr_array_add (batch, user);

      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        {
          GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);
          const guint8 *blob = sqlite3_column_blob (stmt, 6);
          int length = sqlite3_column_bytes (stmt, 6);

          if (!decode_records (strings, blob, length, records))
            {
              g_ptr_array_unref (records);
              g_autoptr(GError) local_error =
                g_error_new (AP_HISTORY_ERROR, AP_HISTORY_ERROR_CORRUPT,
                             _("The history file is damaged (a user’s training records cannot be "
                               "read)"));
              handle_unreadable (self, &local_error);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          ap_user_take_records (user, records);
        }

      if (batch->len >= batch_size)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          func (batch, user_data);
          g_ptr_array_set_size (batch, 0);
        }
    }
  if (rc != SQLITE_DONE)
    {
      fail_with_db (self, db, rc, error);
      return FALSE;
    }
  if (batch->len > 0)
    func (batch, user_data);
  return TRUE;
}

typedef struct
{
  gint64  person_id;
  guint   counts[3];
  gint64  department_id;
  char   *email;
  char   *name;
  gboolean matched;
} DiffRow;

static void
diff_row_clear (gpointer data)
{
  DiffRow *row = data;

  g_free (row->email);
  g_free (row->name);
}

static GArray *
read_diff_rows (ApHistory  *self,
                sqlite3    *db,
                gint64      id,
                GError    **error)
{
  g_autoptr(ApStmt) stmt = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (DiffRow));
  int rc;

  g_array_set_clear_func (rows, diff_row_clear);
  stmt = prepare (db,
                  "SELECT u.person_id, u.num_correct, u.num_incorrect, u.num_not_watched,"
                  " u.department_id FROM snapshot_users u WHERE u.snapshot_id = ?1"
                  " ORDER BY u.position", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DiffRow row = { 0 };

      row.person_id = sqlite3_column_int64 (stmt, 0);
      for (guint c = 0; c < 3; c++)
        row.counts[c] = sqlite3_column_int64 (stmt, 1 + c);
      row.department_id = sqlite3_column_int64 (stmt, 4);
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      fail_with_db (self, db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const ApUserChange *x = *(ApUserChange * const *) a;
  const ApUserChange *y = *(ApUserChange * const *) b;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return strcmp (x->email, y->email);
}

/* Fills in email and name for the few rows that changed. */
static gboolean
describe_change (ApHistory    *self,
                 sqlite3      *db,
                 sqlite3_stmt *stmt,
                 gint64        snapshot_id,
                 gint64        person_id,
                 ApUserChange *change,
                 GError      **error)
{
  int rc;

  sqlite3_bind_int64 (stmt, 1, snapshot_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      change->email = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      change->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      change->department = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      fail_with_db (self, db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
ap_history_diff (ApHistory  *self,
                 gint64      older_id,
                 gint64      newer_id,
                 GError    **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApSnapshotInfo) older = NULL;
  g_autoptr(ApSnapshotInfo) newer = NULL;
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(GHashTable) by_person = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(ApStmt) describe = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);

  older = ap_history_get_snapshot (self, older_id, error);
  if (older == NULL)
    return NULL;
  newer = ap_history_get_snapshot (self, newer_id, error);
  if (newer == NULL)
    return NULL;

  db = open_db (self, error);
  if (db == NULL)
    return NULL;

  /* One read transaction: both sides see the same file. */
  if (!exec_sql (db, "BEGIN", error))
    return NULL;
  before = read_diff_rows (self, db, older_id, error);
  if (before == NULL)
    return NULL;
  after = read_diff_rows (self, db, newer_id, error);
  if (after == NULL)
    return NULL;
  describe = prepare (db,
                      "SELECT p.email, u.name, d.value"
                      " FROM snapshot_users u INDEXED BY snapshot_users_by_person"
                      " JOIN people p ON p.id = u.person_id"
                      " JOIN strings d ON d.id = u.department_id"
                      " WHERE u.person_id = ?2 AND u.snapshot_id = ?1 LIMIT 1", error);
  if (describe == NULL)
    return NULL;

  by_person = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < before->len; i++)
    {
      DiffRow *row = &g_array_index (before, DiffRow, i);
      g_hash_table_insert (by_person, &row->person_id, row);
    }

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) ap_user_change_free);
  for (guint i = 0; i < after->len; i++)
    {
      DiffRow *row = &g_array_index (after, DiffRow, i);
      DiffRow *old = g_hash_table_lookup (by_person, &row->person_id);
      ApUserChange *change;

      if (old != NULL && old->matched)
        continue;   /* the same person twice in one snapshot counts once */
      if (old != NULL)
        {
          old->matched = TRUE;
          if (memcmp (old->counts, row->counts, sizeof row->counts) == 0)
            continue;
        }

      change = g_new0 (ApUserChange, 1);
      change->kind = old != NULL ? AP_USER_CHANGE_CHANGED : AP_USER_CHANGE_JOINED;
      memcpy (change->after, row->counts, sizeof row->counts);
      if (old != NULL)
        memcpy (change->before, old->counts, sizeof old->counts);
      g_ptr_array_add (changes, change);
      if (!describe_change (self, db, describe, newer_id, row->person_id, change, error))
        return NULL;
    }

  for (guint i = 0; i < before->len; i++)
    {
      DiffRow *row = &g_array_index (before, DiffRow, i);
      ApUserChange *change;

      if (row->matched || g_hash_table_lookup (by_person, &row->person_id) != row)
        continue;
      change = g_new0 (ApUserChange, 1);
      change->kind = AP_USER_CHANGE_LEFT;
      memcpy (change->before, row->counts, sizeof row->counts);
      g_ptr_array_add (changes, change);
      if (!describe_change (self, db, describe, older_id, row->person_id, change, error))
        return NULL;
    }

  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  g_ptr_array_sort (changes, compare_changes);
  return g_steal_pointer (&changes);
}

static GArray *
collect_points (ApHistory    *self,
                sqlite3      *db,
                sqlite3_stmt *stmt,
                GError      **error)
{
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (ApTrendPoint));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ApTrendPoint point;

      point.snapshot_id = sqlite3_column_int64 (stmt, 0);
      point.fetched_at = sqlite3_column_int64 (stmt, 1);
      point.n_users = sqlite3_column_int64 (stmt, 2);
      point.num_correct = sqlite3_column_int64 (stmt, 3);
      point.num_incorrect = sqlite3_column_int64 (stmt, 4);
      point.num_not_watched = sqlite3_column_int64 (stmt, 5);
      g_array_append_val (points, point);
    }
  if (rc != SQLITE_DONE)
    {
      fail_with_db (self, db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&points);
}

GArray *
ap_history_trend (ApHistory   *self,
                  gint64       id,
                  const char  *department,
                  GError     **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);

  db = open_db (self, error);
  if (db == NULL)
    return NULL;

  if (department == NULL)
    stmt = prepare (db, "SELECT s.id, s.fetched_at, s.n_users, s.num_correct, s.num_incorrect,"
                    " s.num_not_watched" SAME_QUERY_UP_TO " ORDER BY s.fetched_at, s.id", error);
  else
    stmt = prepare (db, "SELECT s.id, s.fetched_at, ifnull (d.n_users, 0),"
                    " ifnull (d.num_correct, 0), ifnull (d.num_incorrect, 0),"
                    " ifnull (d.num_not_watched, 0)"
                    " FROM snapshots s JOIN snapshots me ON me.id = ?1"
                    " LEFT JOIN snapshot_departments d ON d.snapshot_id = s.id"
                    "  AND d.department_id = (SELECT id FROM strings WHERE value = ?2)"
                    " WHERE s.tenant_id = me.tenant_id AND s.query_id = me.query_id"
                    " AND (s.fetched_at < me.fetched_at OR (s.fetched_at = me.fetched_at"
                    " AND s.id <= me.id)) ORDER BY s.fetched_at, s.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (department != NULL)
    sqlite3_bind_text (stmt, 2, department, -1, SQLITE_STATIC);
  return collect_points (self, db, stmt, error);
}

GArray *
ap_history_user_history (ApHistory   *self,
                         gint64       id,
                         const char  *email,
                         GError     **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);

  db = open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = prepare (db, "SELECT s.id, s.fetched_at, u.person_id IS NOT NULL,"
                  " ifnull (u.num_correct, 0), ifnull (u.num_incorrect, 0),"
                  " ifnull (u.num_not_watched, 0)"
                  " FROM snapshots s JOIN snapshots me ON me.id = ?1"
                  " LEFT JOIN snapshot_users u ON u.snapshot_id = s.id"
                  "  AND u.person_id = (SELECT id FROM people WHERE email = ?2)"
                  " WHERE s.tenant_id = me.tenant_id AND s.query_id = me.query_id"
                  " AND (s.fetched_at < me.fetched_at OR (s.fetched_at = me.fetched_at"
                  " AND s.id <= me.id)) GROUP BY s.id ORDER BY s.fetched_at, s.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, email, -1, SQLITE_STATIC);
  return collect_points (self, db, stmt, error);
}

GStrv
ap_history_list_departments (ApHistory  *self,
                             gint64      id,
                             GError    **error)
{
  g_autoptr(ApDb) db = NULL;
  g_autoptr(ApStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  g_return_val_if_fail (AP_IS_HISTORY (self), NULL);

  db = open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = prepare (db, "SELECT v.value FROM snapshot_departments d"
                  " JOIN strings v ON v.id = d.department_id WHERE d.snapshot_id = ?1"
                  " ORDER BY v.value", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      fail_with_db (self, db, rc, error);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

static gboolean
delete_snapshots_where (ApHistory  *self,
                        sqlite3    *db,
                        const char *condition,
                        gint64      param,
                        GError    **error)
{
  g_autofree char *select = g_strconcat ("SELECT id FROM snapshots WHERE ", condition, NULL);
  g_autoptr(ApStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  static const char * const deletes[] = {
    "DELETE FROM snapshot_users WHERE snapshot_id = ?1",
    "DELETE FROM snapshot_departments WHERE snapshot_id = ?1",
    "DELETE FROM snapshots WHERE id = ?1",
  };
  int rc;

  stmt = prepare (db, select, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, param);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      fail_with_db (self, db, rc, error);
      return FALSE;
    }
  if (ids->len == 0)
    return TRUE;

  for (guint d = 0; d < G_N_ELEMENTS (deletes); d++)
    {
      g_autoptr(ApStmt) del = prepare (db, deletes[d], error);

      if (del == NULL)
        return FALSE;
      for (guint i = 0; i < ids->len; i++)
        {
          sqlite3_bind_int64 (del, 1, g_array_index (ids, gint64, i));
          rc = sqlite3_step (del);
          sqlite3_reset (del);
          if (rc != SQLITE_DONE)
            {
              fail_with_db (self, db, rc, error);
              return FALSE;
            }
        }
    }

  /* People and strings no snapshot refers to any more: a forgotten
   * person's email does not linger. */
  return exec_sql (db, "DELETE FROM people WHERE NOT EXISTS"
                   " (SELECT 1 FROM snapshot_users u WHERE u.person_id = people.id)", error);
}

gboolean
ap_history_apply_retention (ApHistory  *self,
                            GError    **error)
{
  g_autoptr(ApDb) db = NULL;
  guint max_snapshots, max_days;

  g_return_val_if_fail (AP_IS_HISTORY (self), FALSE);

  g_mutex_lock (&self->mutex);
  max_snapshots = self->max_snapshots;
  max_days = self->max_days;
  g_mutex_unlock (&self->mutex);

  if (max_snapshots == 0 && max_days == 0)
    return TRUE;

  db = open_db (self, error);
  if (db == NULL)
    return FALSE;
  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (max_snapshots > 0 &&
      !delete_snapshots_where (self, db, "id NOT IN (SELECT id FROM snapshots"
                               " ORDER BY fetched_at DESC, id DESC LIMIT ?1)",
                               max_snapshots, error))
    goto fail;
  if (max_days > 0 &&
      !delete_snapshots_where (self, db, "fetched_at < ?1",
                               g_get_real_time () / G_USEC_PER_SEC - (gint64) max_days * 86400,
                               error))
    goto fail;

  return exec_sql (db, "COMMIT", error);

fail:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

gboolean
ap_history_forget (ApHistory  *self,
                   GError    **error)
{
  g_autoptr(ApDb) db = NULL;

  g_return_val_if_fail (AP_IS_HISTORY (self), FALSE);

  db = open_db (self, error);
  if (db == NULL)
    return FALSE;

  /* VACUUM rewrites the file without the freed pages, and the TRUNCATE
   * checkpoint empties the WAL, so no name or email stays on disk. */
  return exec_sql (db,
                   "BEGIN IMMEDIATE;"
                   "DELETE FROM snapshot_users; DELETE FROM snapshot_departments;"
                   "DELETE FROM snapshots; DELETE FROM people; DELETE FROM strings;"
                   "DELETE FROM queries; DELETE FROM tenants;"
                   "COMMIT", error) &&
         exec_sql (db, "VACUUM", error) &&
         exec_sql (db, "PRAGMA wal_checkpoint(TRUNCATE)", error);
}

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
