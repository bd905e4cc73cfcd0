/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "ap-history.h"

G_BEGIN_DECLS

/* ApHistory is one class in four files: the file itself (ap-history.c:
 * opening, migrating, moving aside, listing, retention, forgetting), the
 * saver (ap-history-save.c), reading snapshots back (ap-history-read.c:
 * users, changes, trends) and the _async forms (ap-history-async.c). */

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

typedef sqlite3_stmt ApStmt;
static inline void
ap_stmt_free (ApStmt *stmt)
{
  sqlite3_finalize (stmt);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApStmt, ap_stmt_free)

typedef sqlite3 ApDb;
static inline void
ap_db_close (ApDb *db)
{
  sqlite3_close_v2 (db);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApDb, ap_db_close)

/* A connection of this thread's own, opened (created, migrated) as needed;
 * an unreadable file is moved aside and @error says where. */
sqlite3        *ap_history_open_db           (ApHistory     *self,
                                              GError       **error);
/* A damaged or too new file (CORRUPT, NEWER_SCHEMA in @error): moved
 * aside, and the message says where */
void            ap_history_handle_unreadable (ApHistory     *self,
                                              GError       **error);
void            ap_history_set_error_from_db (sqlite3       *db,
                                              int            rc,
                                              GError       **error);
/* The failure of a call on @db as an AP_HISTORY_ERROR; moves a file found
 * corrupt aside. */
void            ap_history_fail_with_db      (ApHistory     *self,
                                              sqlite3       *db,
                                              int            rc,
                                              GError       **error);
gboolean        ap_history_exec_sql          (sqlite3       *db,
                                              const char    *sql,
                                              GError       **error);
sqlite3_stmt   *ap_history_prepare           (sqlite3       *db,
                                              const char    *sql,
                                              GError       **error);
/* What selects users of @query, as stored (transfer full) */
char           *ap_history_query_key         (ApQuery       *query);
/* A row of SELECT SNAPSHOT_COLUMNS (transfer full) */
ApSnapshotInfo *ap_history_info_from_row     (sqlite3_stmt  *stmt);

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

G_END_DECLS
