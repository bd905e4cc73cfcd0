/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-query.h"
#include "ap-user.h"

G_BEGIN_DECLS

/* Snapshots of complete, successful fetches in one SQLite file (WAL mode,
 * created 0600): when it was fetched, the tenant's base URL (never a
 * secret), the query, every user with counts and, when fetched with
 * details, records. Strings that repeat (departments, titles, categories,
 * statuses, emails) live once in their own tables and rows refer to them
 * by integer ID; a user's records are one compact blob.
 *
 * Every call opens its own connection, so any thread may call the sync
 * functions; the main thread uses the _async ones. A file that cannot be
 * read (corrupt, written by a newer version) is moved aside, never deleted,
 * and the call fails with a message naming where it went; the next call
 * starts a new history. */

#define AP_HISTORY_ERROR (ap_history_error_quark ())

typedef enum
{
  AP_HISTORY_ERROR_UNAVAILABLE,   /* cannot be opened or created (permissions, disk full) */
  AP_HISTORY_ERROR_CORRUPT,       /* not a database, or damaged: moved aside */
  AP_HISTORY_ERROR_NEWER_SCHEMA,  /* written by a newer version of the app: moved aside */
  AP_HISTORY_ERROR_NOT_FOUND,     /* no snapshot with that ID */
  AP_HISTORY_ERROR_NO_PREVIOUS,   /* no earlier snapshot of the same query and tenant */
  AP_HISTORY_ERROR_FAILED,        /* a read or write failed (e.g. the disk is full) */
} ApHistoryError;

GQuark ap_history_error_quark (void);

/* The version of the schema this build writes (PRAGMA user_version). */
#define AP_HISTORY_SCHEMA_VERSION 1

typedef struct
{
  gint64   id;
  gint64   fetched_at;       /* Unix seconds, UTC */
  char    *base_url;
  ApQuery *query;            /* as fetched, include-user-details included */
  guint    n_users;
  guint64  num_correct;      /* totals over the snapshot's users */
  guint64  num_incorrect;
  guint64  num_not_watched;
} ApSnapshotInfo;

void            ap_snapshot_info_free (ApSnapshotInfo       *info);

typedef enum
{
  AP_USER_CHANGE_JOINED,   /* only in the newer snapshot */
  AP_USER_CHANGE_LEFT,     /* only in the older snapshot */
  AP_USER_CHANGE_CHANGED,  /* in both, with different counts */
} ApUserChangeKind;

/* "joined", "left", "changed" */
const char *ap_user_change_kind_to_string (ApUserChangeKind kind);

typedef struct
{
  ApUserChangeKind kind;
  char            *email;
  char            *name;          /* from the newer side when there is one */
  char            *department;
  guint            before[3];     /* correct, incorrect, not watched; unset for JOINED */
  guint            after[3];      /* unset for LEFT */
} ApUserChange;

void ap_user_change_free (ApUserChange *change);

/* The groups the users list narrows to, as the Overview counts them */
typedef enum
{
  AP_CHANGE_GROUP_ALL,      /* no narrowing */
  AP_CHANGE_GROUP_JOINED,
  AP_CHANGE_GROUP_LEFT,
  AP_CHANGE_GROUP_CHANGED,
  AP_CHANGE_GROUP_WATCHED,  /* changed with fewer videos not watched: watched since */
} ApChangeGroup;

#define AP_N_CHANGE_GROUPS (AP_CHANGE_GROUP_WATCHED + 1)

/* Videos watched between the two snapshots (0 unless CHANGED) */
guint    ap_user_change_get_n_watched (const ApUserChange *change);
gboolean ap_user_change_in_group      (const ApUserChange *change,
                                       ApChangeGroup       group);

/* One snapshot's totals (organisation or one department), or one user's
 * counts in it (n_users 1, or 0 when the user was not in it). */
typedef struct
{
  gint64  snapshot_id;
  gint64  fetched_at;
  guint   n_users;
  guint64 num_correct;
  guint64 num_incorrect;
  guint64 num_not_watched;
} ApTrendPoint;

/* Called with batches of users in snapshot order; transfer none. */
typedef void (*ApHistoryBatchFunc) (GPtrArray *users,
                                    gpointer   user_data);

#define AP_TYPE_HISTORY (ap_history_get_type ())
G_DECLARE_FINAL_TYPE (ApHistory, ap_history, AP, HISTORY, GObject)

/* g_get_user_data_dir()/awareness-performance/history.sqlite3 (transfer full) */
char           *ap_history_default_path      (void);

/* No I/O: the file is opened (created, migrated) by the first call that
 * needs it. @path: NULL for the default. */
ApHistory      *ap_history_new               (const char    *path);
const char     *ap_history_get_path          (ApHistory     *self);

/* Kept after every save: at most @max_snapshots (0: no limit) and none
 * older than @max_days (0: no limit). */
void            ap_history_set_retention     (ApHistory     *self,
                                              guint          max_snapshots,
                                              guint          max_days);

/* Opens (creating or migrating) the file; what every other call does first. */
gboolean        ap_history_check             (ApHistory     *self,
                                              GError       **error);

/* Oldest first; @base_url NULL for every tenant. (transfer full) GPtrArray
 * of ApSnapshotInfo. */
GPtrArray      *ap_history_list_snapshots    (ApHistory     *self,
                                              const char    *base_url,
                                              GError       **error);
/* (transfer full) (nullable) NOT_FOUND when there is no such snapshot. */
ApSnapshotInfo *ap_history_get_snapshot      (ApHistory     *self,
                                              gint64         id,
                                              GError       **error);
/* The newest snapshot, of @base_url when not NULL, of @query (compared as
 * the server selects users: include-user-details does not matter) when not
 * NULL. NULL without an error when there is none. (transfer full) */
ApSnapshotInfo *ap_history_find_latest       (ApHistory     *self,
                                              const char    *base_url,
                                              ApQuery       *query,
                                              GError       **error);
/* The snapshot before @id of the same tenant and query; NULL without an
 * error when there is none. (transfer full) */
ApSnapshotInfo *ap_history_find_previous     (ApHistory     *self,
                                              gint64         id,
                                              GError       **error);

/* Rebuilds the snapshot's users in their fetched order, calling @func on
 * this thread with batches of at most @batch_size. */
gboolean        ap_history_load_users        (ApHistory         *self,
                                              gint64             id,
                                              guint              batch_size,
                                              ApHistoryBatchFunc func,
                                              gpointer           user_data,
                                              GCancellable      *cancellable,
                                              GError           **error);

/* Users who joined, left or changed counts from @older_id to @newer_id,
 * ordered by kind (joined, left, changed) then by email (bytewise).
 * (transfer full) GPtrArray of ApUserChange. */
GPtrArray      *ap_history_diff              (ApHistory     *self,
                                              gint64         older_id,
                                              gint64         newer_id,
                                              GError       **error);

/* Every snapshot of @id's tenant and query up to and including @id, oldest
 * first; totals of @department, or of everyone when NULL.
 * (transfer full) GArray of ApTrendPoint. */
GArray         *ap_history_trend             (ApHistory     *self,
                                              gint64         id,
                                              const char    *department,
                                              GError       **error);
/* The same snapshots, with the counts of the user with @email.
 * (transfer full) GArray of ApTrendPoint. */
GArray         *ap_history_user_history      (ApHistory     *self,
                                              gint64         id,
                                              const char    *email,
                                              GError       **error);
/* Departments of a snapshot, sorted. (transfer full) */
GStrv           ap_history_list_departments  (ApHistory     *self,
                                              gint64         id,
                                              GError       **error);

/* Deletes snapshots beyond the retention settings. */
gboolean        ap_history_apply_retention   (ApHistory     *self,
                                              GError       **error);
/* Deletes every snapshot and vacuums the file, so nothing of it remains
 * on disk. */
gboolean        ap_history_forget            (ApHistory     *self,
                                              GError       **error);

/* Async forms for the main thread: each runs the sync call on a worker.
 * Latest: @id 0 means the newest snapshot of @base_url (any query);
 * batches reach @func on the caller's main context, in order, before the
 * callback. finish: (transfer full) (nullable) the snapshot, NULL without
 * an error when there is none. */
void            ap_history_load_async        (ApHistory          *self,
                                              gint64              id,
                                              const char         *base_url,
                                              ApHistoryBatchFunc  func,
                                              gpointer            user_data,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            callback_data);
ApSnapshotInfo *ap_history_load_finish       (ApHistory          *self,
                                              GAsyncResult       *result,
                                              GError            **error);

/* Changes from the previous snapshot of the same query to @id, and both
 * trends (organisation and @department, which may be NULL) in one go.
 * finish: NULL previous (and an empty @changes) when @id is the first. */
typedef struct
{
  ApSnapshotInfo *previous;     /* (nullable) */
  GPtrArray      *changes;      /* ApUserChange */
  GArray         *trend;        /* ApTrendPoint, organisation */
  GArray         *department_trend; /* (nullable) ApTrendPoint */
  GStrv           departments;
} ApHistoryComparison;

void            ap_history_comparison_free   (ApHistoryComparison *comparison);

void            ap_history_compare_async     (ApHistory          *self,
                                              gint64              id,
                                              const char         *department,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
ApHistoryComparison *ap_history_compare_finish (ApHistory        *self,
                                              GAsyncResult       *result,
                                              GError            **error);

/* ap_history_trend() on a worker. finish: (transfer full) GArray of
 * ApTrendPoint; @departments (out) (optional) the snapshot's departments,
 * sorted, to choose from. */
void            ap_history_trend_async       (ApHistory          *self,
                                              gint64              id,
                                              const char         *department,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
GArray         *ap_history_trend_finish      (ApHistory          *self,
                                              GAsyncResult       *result,
                                              GStrv              *departments,
                                              GError            **error);

void            ap_history_user_history_async  (ApHistory          *self,
                                                gint64              id,
                                                const char         *email,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
GArray         *ap_history_user_history_finish (ApHistory          *self,
                                                GAsyncResult       *result,
                                                GError            **error);

void            ap_history_forget_async      (ApHistory          *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean        ap_history_forget_finish     (ApHistory          *self,
                                              GAsyncResult       *result,
                                              GError            **error);

/* Saving, streamed: batches are handed to a worker thread with its own
 * connection as they arrive and written inside one transaction, which
 * commit() ends (then applies the retention). Dropping the saver without
 * commit(), or abort(), rolls it back: nothing of a cancelled or failed
 * fetch is kept, and a crash during the save leaves earlier snapshots as
 * they were. Never blocks the caller. */
#define AP_TYPE_HISTORY_SAVER (ap_history_saver_get_type ())
G_DECLARE_FINAL_TYPE (ApHistorySaver, ap_history_saver, AP, HISTORY_SAVER, GObject)

/* @fetched_at: Unix seconds, or 0 for now. */
ApHistorySaver *ap_history_saver_new          (ApHistory          *history,
                                               const char         *base_url,
                                               ApQuery            *query,
                                               gint64              fetched_at);
/* @users: GPtrArray of ApUser, reffed (the users must not change). */
void            ap_history_saver_add_users    (ApHistorySaver     *self,
                                               GPtrArray          *users);
/* Blocks until at most @max_pending batches wait to be written. For the
 * headless export, whose users are freed once written: waiting here slows
 * the fetch to the writer's pace instead of holding the whole organisation
 * in memory. Never call it on a UI thread. */
void            ap_history_saver_wait_for_room (ApHistorySaver    *self,
                                                guint              max_pending);
void            ap_history_saver_abort        (ApHistorySaver     *self);
void            ap_history_saver_commit_async (ApHistorySaver     *self,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
/* Returns the new snapshot's ID, or 0 with @error set. */
gint64          ap_history_saver_commit_finish (ApHistorySaver    *self,
                                                GAsyncResult      *result,
                                                GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApSnapshotInfo, ap_snapshot_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApUserChange, ap_user_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApHistoryComparison, ap_history_comparison_free)

G_END_DECLS
