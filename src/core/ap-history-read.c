/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-history"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>
#include <string.h>

#include "ap-history-private.h"
#include "ap-intern-private.h"


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

/* id -> interned string (GRefString), for every string the file holds. */
static GHashTable *
load_strings (ApHistory  *self,
              sqlite3    *db,
              GError    **error)
{
  g_autoptr(GHashTable) strings = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         (GDestroyNotify) g_ref_string_release);
  g_autoptr(ApStmt) stmt = ap_history_prepare (db, "SELECT id, value FROM strings", error);
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
      ap_history_fail_with_db (self, db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&strings);
}

/* The records' references stay in @records (an array without a clear
 * function) until they move into a user or drop_records() drops them. */
static void
drop_records (GArray *records)
{
  ap_records_clear ((ApRecord *) records->data, records->len);
  g_array_set_size (records, 0);
}

static gboolean
decode_records (GHashTable   *strings,
                const guint8 *p,
                gsize         length,
                GArray       *records)
{
  const guint8 *end = p + length;
  gint64 previous_sent = 0;

  while (p < end)
    {
      guint64 ids[3], delta;
      const char *texts[3];
      guint8 flags;
      gint64 sent = AP_TIME_NONE, viewed = AP_TIME_NONE;
      ApRecord record;

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
      ap_record_init_interned (&record, texts[0], texts[1], texts[2],
                               (flags & RECORD_ACK) != 0, sent, viewed);
      g_array_append_val (records, record);
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
  g_autoptr(GArray) records = g_array_sized_new (FALSE, FALSE, sizeof (ApRecord), 32);
  int rc;

  g_return_val_if_fail (AP_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (batch_size == 0)
    batch_size = 1000;

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return FALSE;
  strings = load_strings (self, db, error);
  if (strings == NULL)
    return FALSE;
  stmt = ap_history_prepare (db,
                             "SELECT p.email, u.name, u.department_id, u.num_correct,"
                             " u.num_incorrect,"
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
          const guint8 *blob = sqlite3_column_blob (stmt, 6);
          int length = sqlite3_column_bytes (stmt, 6);

          if (!decode_records (strings, blob, length, records))
            {
              drop_records (records);
              g_autoptr(GError) local_error =
                g_error_new (AP_HISTORY_ERROR, AP_HISTORY_ERROR_CORRUPT,
                             _("The history file is damaged (a user’s training records cannot be "
                               "read)"));
              ap_history_handle_unreadable (self, &local_error);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          ap_user_take_record_array (user, (ApRecord *) records->data, records->len);
          g_array_set_size (records, 0);   /* the references moved */
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
      ap_history_fail_with_db (self, db, rc, error);
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
  stmt = ap_history_prepare (db,
                             "SELECT u.person_id, u.num_correct, u.num_incorrect,"
                             " u.num_not_watched,"
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
      ap_history_fail_with_db (self, db, rc, error);
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
      ap_history_fail_with_db (self, db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;

  /* One read transaction: both sides see the same file. */
  if (!ap_history_exec_sql (db, "BEGIN", error))
    return NULL;
  before = read_diff_rows (self, db, older_id, error);
  if (before == NULL)
    return NULL;
  after = read_diff_rows (self, db, newer_id, error);
  if (after == NULL)
    return NULL;
  describe = ap_history_prepare (db,
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
      ap_history_fail_with_db (self, db, rc, error);
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;

  if (department == NULL)
    stmt = ap_history_prepare (db, "SELECT s.id, s.fetched_at, s.n_users, s.num_correct,"
                               " s.num_incorrect,"
                               " s.num_not_watched" SAME_QUERY_UP_TO " ORDER BY s.fetched_at,"
                               " s.id", error);
  else
    stmt = ap_history_prepare (db, "SELECT s.id, s.fetched_at, ifnull (d.n_users, 0),"
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = ap_history_prepare (db, "SELECT s.id, s.fetched_at, u.person_id IS NOT NULL,"
                             " ifnull (u.num_correct, 0), ifnull (u.num_incorrect, 0),"
                             " ifnull (u.num_not_watched, 0)"
                             " FROM snapshots s JOIN snapshots me ON me.id = ?1"
                             " LEFT JOIN snapshot_users u ON u.snapshot_id = s.id"
                             "  AND u.person_id = (SELECT id FROM people WHERE email = ?2)"
                             " WHERE s.tenant_id = me.tenant_id AND s.query_id = me.query_id"
                             " AND (s.fetched_at < me.fetched_at OR (s.fetched_at = me.fetched_at"
                             " AND s.id <= me.id)) GROUP BY s.id ORDER BY s.fetched_at,"
                             " s.id", error);
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

  db = ap_history_open_db (self, error);
  if (db == NULL)
    return NULL;
  stmt = ap_history_prepare (db, "SELECT v.value FROM snapshot_departments d"
                             " JOIN strings v ON v.id = d.department_id WHERE d.snapshot_id = ?1"
                             " ORDER BY v.value", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      ap_history_fail_with_db (self, db, rc, error);
      return NULL;
    }
  return g_strv_builder_end (builder);
}
