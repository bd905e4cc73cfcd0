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

#include "ap-history-private.h"

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


G_DEFINE_FINAL_TYPE (ApHistory, ap_history, G_TYPE_OBJECT)

G_DEFINE_QUARK (ap-history-error-quark, ap_history_error)

/* Connection helpers */

void
ap_history_set_error_from_db (sqlite3     *db,
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

gboolean
ap_history_exec_sql (sqlite3     *db,
                     const char  *sql,
                     GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      ap_history_set_error_from_db (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
ap_history_prepare (sqlite3     *db,
                    const char  *sql,
                    GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      ap_history_set_error_from_db (db, rc, error);
      return NULL;
    }
  return stmt;
}


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
void
ap_history_handle_unreadable (ApHistory  *self,
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
  g_autoptr(ApStmt) stmt = ap_history_prepare (db, "PRAGMA user_version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      ap_history_set_error_from_db (db, rc, error);
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

  if (!ap_history_exec_sql (db, "BEGIN IMMEDIATE", error))
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

      if (!ap_history_exec_sql (db, migrations[version], error) ||
          !ap_history_exec_sql (db, bump, error))
        goto fail;
    }

  return ap_history_exec_sql (db, "COMMIT", error);

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
      ap_history_set_error_from_db (db, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 10000);

  /* The first statement reads the header: a file that is not a database
   * fails here. */
  if (!ap_history_exec_sql (db, "PRAGMA journal_mode = WAL", error) ||
      !ap_history_exec_sql (db, "PRAGMA synchronous = NORMAL", error) ||
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
      if (!ap_history_exec_sql (db, "SELECT count(*) FROM snapshots", error))
        return NULL;
      g_mutex_lock (&self->mutex);
      self->checked = TRUE;
      g_mutex_unlock (&self->mutex);
    }

  return g_steal_pointer (&db);
}

sqlite3 *
ap_history_open_db (ApHistory  *self,
                    GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3 *db = open_db_once (self, &local_error);

  if (db != NULL)
    return db;

  ap_history_handle_unreadable (self, &local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* After a failed statement: a damaged file found late is moved aside too. */
void
ap_history_fail_with_db (ApHistory *self,
                         sqlite3   *db,
                         int        rc,
                         GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  ap_history_set_error_from_db (db, rc, &local_error);
  ap_history_handle_unreadable (self, &local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
}

/* Queries */

char *
ap_history_query_key (ApQuery *query)
{
  const char * const *ids = ap_query_get_attribute_ids (query);
  g_autofree char *joined = ids != NULL ? g_strjoinv (ATTRIBUTE_SEPARATOR, (char **) ids) : NULL;
  const char *value = ap_query_get_search_value (query);

  /* What selects users; include-user-details and page size do not. */
  return g_strdup_printf ("%d\x1f%s\x1f%s\x1f%d", ap_query_get_search_field (query),
                          value != NULL ? value : "", joined != NULL ? joined : "",
                          ap_query_get_video_count (query));
}

ApSnapshotInfo *
ap_history_info_from_row (sqlite3_stmt *stmt)
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

  db = ap_history_open_db (self, error);
  return db != NULL;
}

/* Runs @stmt (bound by the caller) and collects every row as a snapshot. */
static GPtrArray *
collect_snapshots (ApHistory    *self,
                   sqlite3      *db,
                   sqlite3_stmt *stmt,
                   GError      **error)
{
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify) ap_snapshot_info_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, ap_history_info_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      ap_history_fail_with_db (self, db, rc, error);
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = ap_history_prepare (db, "SELECT " SNAPSHOT_COLUMNS
                             " WHERE ?1 IS NULL OR t.base_url = ?1 ORDER BY s.fetched_at,"
                             " s.id", error);
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = ap_history_prepare (db, "SELECT " SNAPSHOT_COLUMNS " WHERE s.id = ?1", error);
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = ap_history_prepare (db, "SELECT " SNAPSHOT_COLUMNS
                             " WHERE (?1 IS NULL OR t.base_url = ?1) AND (?2 IS NULL OR q.key = ?2)"
                             " ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  if (query != NULL)
    key = ap_history_query_key (query);
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
  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = ap_history_prepare (db, "SELECT " SNAPSHOT_COLUMNS
                             " WHERE s.id IN (SELECT s.id" SAME_QUERY_UP_TO " AND s.id != ?1)"
                             " ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return one_snapshot (self, db, stmt, error);
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

  stmt = ap_history_prepare (db, select, error);
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
      ap_history_fail_with_db (self, db, rc, error);
      return FALSE;
    }
  if (ids->len == 0)
    return TRUE;

  for (guint d = 0; d < G_N_ELEMENTS (deletes); d++)
    {
      g_autoptr(ApStmt) del = ap_history_prepare (db, deletes[d], error);

      if (del == NULL)
        return FALSE;
      for (guint i = 0; i < ids->len; i++)
        {
          sqlite3_bind_int64 (del, 1, g_array_index (ids, gint64, i));
          rc = sqlite3_step (del);
          sqlite3_reset (del);
          if (rc != SQLITE_DONE)
            {
              ap_history_fail_with_db (self, db, rc, error);
              return FALSE;
            }
        }
    }

  /* People and strings no snapshot refers to any more: a forgotten
   * person's email does not linger. */
  return ap_history_exec_sql (db, "DELETE FROM people WHERE NOT EXISTS"
                              " (SELECT 1 FROM snapshot_users u WHERE u.person_id ="
                              " people.id)", error);
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return FALSE;
  if (!ap_history_exec_sql (db, "BEGIN IMMEDIATE", error))
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

  return ap_history_exec_sql (db, "COMMIT", error);

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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return FALSE;

  /* VACUUM rewrites the file without the freed pages, and the TRUNCATE
   * checkpoint empties the WAL, so no name or email stays on disk. */
  return ap_history_exec_sql (db,
                              "BEGIN IMMEDIATE;"
                              "DELETE FROM snapshot_users; DELETE FROM snapshot_departments;"
                              "DELETE FROM snapshots; DELETE FROM people; DELETE FROM strings;"
                              "DELETE FROM queries; DELETE FROM tenants;"
                              "COMMIT", error) &&
         ap_history_exec_sql (db, "VACUUM", error) &&
         ap_history_exec_sql (db, "PRAGMA wal_checkpoint(TRUNCATE)", error);
}
