/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "test-history"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ap-history.h"
#include "../ap-test-util.h"

static char *self_path;

typedef struct
{
  char      *dir;
  char      *path;
  ApHistory *history;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("ap-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "history.sqlite3", NULL);
  fixture->history = ap_history_new (fixture->path);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Threads of abandoned savers drop their reference once rolled back. */
  for (guint i = 0; i < 500 && G_OBJECT (fixture->history)->ref_count > 1; i++)
    g_usleep (10000);
  g_assert_finalize_object (fixture->history);
  remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Users with every kind of field: missing times, acknowledgements, no
 * details, details without records, non-ASCII, commas. */
static GPtrArray *
make_users (guint    n,
            guint    variant,
            gboolean details)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Zoë, Łukasz %u", i);
      g_autofree char *email = g_strdup_printf ("user%u@example.com", i);
      const char *department = i % 5 == 0 ? "" : (i % 2 ? "Finance" : "Sales, “EMEA”");
      guint extra = (i % 7 == 0) ? variant : 0;
      ApUser *user = ap_user_new (name, email, department, i % 4 + extra, i % 3, i % 2);

      if (details && i % 11 != 3)
        {
          GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);

          for (guint j = 0; j < i % 4; j++)
            {
              gint64 sent = j == 2 ? AP_TIME_NONE : 1700000000 + (gint64) j * 1209600 + i;
              gint64 viewed = (i + j) % 3 == 0 ? AP_TIME_NONE : 1700003600 + (gint64) j * 86400;

              g_ptr_array_add (records,
                               ap_training_record_new (j % 2 ? "Phishing 101" : "Passwords",
                                                       j == 1 ? "" : "Security",
                                                       viewed == AP_TIME_NONE ? "Not Started"
                                                                              : "Completed",
                                                       (i + j) % 2 == 0, sent, viewed));
            }
          ap_user_take_records (user, records);
        }
      g_ptr_array_add (users, user);
    }
  return users;
}

static void
commit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = ((gpointer *) user_data)[0];
  gint64 *id = ((gpointer *) user_data)[1];

  *id = ap_history_saver_commit_finish (AP_HISTORY_SAVER (object), result, error);
  if (*id == 0)
    *id = -1;
}

static gboolean
id_is_set (gpointer data)
{
  return *(gint64 *) data != 0;
}

static gint64
save_full (ApHistory  *history,
           GPtrArray  *users,
           ApQuery    *query,
           const char *base_url,
           gint64      fetched_at,
           GError    **error)
{
  g_autoptr(ApHistorySaver) saver = ap_history_saver_new (history, base_url, query, fetched_at);
  gint64 id = 0;
  gpointer data[2] = { error, &id };

  /* In several batches, as a fetch delivers them. */
  for (guint start = 0; start < users->len; start += 7)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint i = start; i < MIN (start + 7, users->len); i++)
        g_ptr_array_add (batch, g_ptr_array_index (users, i));
      ap_history_saver_add_users (saver, batch);
    }
  ap_history_saver_commit_async (saver, NULL, commit_cb, data);
  g_assert_true (spin_until (id_is_set, &id, 30000));
  return id > 0 ? id : 0;
}

static gint64
save (ApHistory *history,
      GPtrArray *users,
      gint64     fetched_at)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  ap_query_set_include_user_details (query, TRUE);
  id = save_full (history, users, query, "https://eu-api.services.mimecast.com", fetched_at,
                  &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
collect_batch (GPtrArray *users,
               gpointer   user_data)
{
  GPtrArray *all = user_data;

  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (users, i)));
}

static GPtrArray *
load (ApHistory *history,
      gint64     id)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_assert_true (ap_history_load_users (history, id, 5, collect_batch, users, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&users);
}

static void
assert_users_equal (GPtrArray *expected,
                    GPtrArray *actual)
{
  g_assert_cmpuint (expected->len, ==, actual->len);
  for (guint i = 0; i < expected->len; i++)
    {
      ApUser *a = g_ptr_array_index (expected, i);
      ApUser *b = g_ptr_array_index (actual, i);

      g_assert_cmpstr (ap_user_get_name (a), ==, ap_user_get_name (b));
      g_assert_cmpstr (ap_user_get_email (a), ==, ap_user_get_email (b));
      g_assert_cmpstr (ap_user_get_department (a), ==, ap_user_get_department (b));
      g_assert_cmpuint (ap_user_get_num_correct (a), ==, ap_user_get_num_correct (b));
      g_assert_cmpuint (ap_user_get_num_incorrect (a), ==, ap_user_get_num_incorrect (b));
      g_assert_cmpuint (ap_user_get_num_not_watched (a), ==, ap_user_get_num_not_watched (b));
      g_assert_cmpint (ap_user_get_has_details (a), ==, ap_user_get_has_details (b));
      g_assert_cmpuint (ap_user_get_n_records (a), ==, ap_user_get_n_records (b));
      for (guint j = 0; j < ap_user_get_n_records (a); j++)
        {
          const ApRecord *x = ap_user_get_record (a, j);
          const ApRecord *y = ap_user_get_record (b, j);

          g_assert_cmpstr (ap_record_get_title (x), ==,
                           ap_record_get_title (y));
          g_assert_cmpstr (ap_record_get_category (x), ==,
                           ap_record_get_category (y));
          g_assert_cmpstr (ap_record_get_status (x), ==,
                           ap_record_get_status (y));
          g_assert_cmpint (ap_record_get_acknowledged (x), ==,
                           ap_record_get_acknowledged (y));
          g_assert_cmpint (ap_record_get_time_sent (x), ==,
                           ap_record_get_time_sent (y));
          g_assert_cmpint (ap_record_get_time_viewed (x), ==,
                           ap_record_get_time_viewed (y));
        }
    }
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (60, 0, TRUE);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GError) error = NULL;
  const char *ids[] = { "attr-1", "attr-2", NULL };
  ApSnapshotInfo *info;
  gint64 id;

  ap_query_set_search (query, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE, "Zürich");
  ap_query_set_attribute_ids (query, ids);
  ap_query_set_video_count (query, AP_VIDEO_COUNT_2);
  ap_query_set_include_user_details (query, TRUE);
  id = save_full (fixture->history, users, query, "https://eu-api.services.mimecast.com",
                  1750000000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  loaded = load (fixture->history, id);
  assert_users_equal (users, loaded);

  list = ap_history_list_snapshots (fixture->history, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpint (info->id, ==, id);
  g_assert_cmpint (info->fetched_at, ==, 1750000000);
  g_assert_cmpstr (info->base_url, ==, "https://eu-api.services.mimecast.com");
  g_assert_cmpuint (info->n_users, ==, 60);
  g_assert_cmpint (ap_query_get_search_field (info->query), ==, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE);
  g_assert_cmpstr (ap_query_get_search_value (info->query), ==, "Zürich");
  g_assert_cmpstrv (ap_query_get_attribute_ids (info->query), ids);
  g_assert_cmpint (ap_query_get_video_count (info->query), ==, AP_VIDEO_COUNT_2);
  g_assert_true (ap_query_get_include_user_details (info->query));

  /* Without details: no records, has-details FALSE. */
  {
    g_autoptr(GPtrArray) plain = make_users (10, 0, FALSE);
    g_autoptr(GPtrArray) back = NULL;
    gint64 plain_id = save (fixture->history, plain, 1750000100);

    back = load (fixture->history, plain_id);
    assert_users_equal (plain, back);
  }
}

static void
test_file_mode (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (5, 0, TRUE);
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  struct stat st;

  umask (022);
  save (fixture->history, users, 0);

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  if (g_stat (wal, &st) == 0)
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A file someone opened up is closed again. */
  g_chmod (fixture->path, 0644);
  {
    g_autoptr(ApHistory) again = ap_history_new (fixture->path);
    g_autoptr(GError) error = NULL;

    g_assert_true (ap_history_check (again, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static char *
find_moved (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".unreadable-", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

static void
assert_recovers (Fixture *fixture)
{
  g_autoptr(GPtrArray) users = make_users (8, 0, TRUE);
  g_autoptr(GPtrArray) loaded = NULL;
  gint64 id;

  /* The app goes on: a new history starts. */
  id = save (fixture->history, users, 0);
  loaded = load (fixture->history, id);
  assert_users_equal (users, loaded);
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *moved = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char garbage[] = "this is not a database, just some text a crash left here\n";
  g_autoptr(GPtrArray) list = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (fixture->path, garbage, -1, NULL));

  list = ap_history_list_snapshots (fixture->history, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "moved to"));

  moved = find_moved (fixture->path);
  g_assert_nonnull (moved);
  g_assert_nonnull (strstr (error->message, moved));
  /* Kept, byte for byte. */
  g_assert_true (g_file_get_contents (moved, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, garbage);

  assert_recovers (fixture);
}

static void
test_corrupt_page (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (400, 0, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(ApHistory) fresh = NULL;
  g_autoptr(GPtrArray) collected = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *moved = NULL;
  gint64 id;
  FILE *file;
  gboolean ok;

  id = save (fixture->history, users, 0);
  g_assert_true (ap_history_forget (fixture->history, NULL) || TRUE);
  id = save (fixture->history, users, 0);
  {
    /* Checkpoint so the data is in the main file, then scribble over it. */
    sqlite3 *db;
    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_close (db);
  }
  file = fopen (fixture->path, "r+b");
  g_assert_nonnull (file);
  fseek (file, 4096 * 2, SEEK_SET);
  for (guint i = 0; i < 4096 * 6; i++)
    fputc (0xA5, file);
  fclose (file);

  fresh = ap_history_new (fixture->path);
  ok = ap_history_load_users (fresh, id, 100, collect_batch, collected, NULL, &error) &&
       ap_history_diff (fresh, id, id, &error) != NULL;
  /* Either the damage is found (and the file moved), or what is read is
   * still intact: never a crash. */
  if (!ok)
    {
      g_assert_true (error->domain == AP_HISTORY_ERROR);
      if (g_error_matches (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_CORRUPT))
        {
          moved = find_moved (fixture->path);
          g_assert_nonnull (moved);
        }
    }
}

static void
test_newer_schema (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *moved = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_false (ap_history_check (fixture->history, &error));
  g_assert_error (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer version"));
  moved = find_moved (fixture->path);
  g_assert_nonnull (moved);

  /* The newer file is left as the newer version wrote it. */
  g_assert_cmpint (sqlite3_open (moved, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 99);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);

  assert_recovers (fixture);
}

static void
test_migrates_empty (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  /* A version-0 file (what an older build or a crash before the first
   * migration leaves) is brought up to date. */
  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (ap_history_check (fixture->history, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, AP_HISTORY_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static guint
count_snapshots (ApHistory *history)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ap_history_list_snapshots (history, NULL, &error);

  g_assert_no_error (error);
  return list->len;
}

static void
test_retention (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (20, 0, TRUE);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 ids[6];

  /* Half a day off the boundaries, so the second that passes between here
   * and the retention's clock does not matter. */
  for (guint i = 0; i < 5; i++)
    ids[i] = save (fixture->history, users, now - (gint64) (10 - i) * 86400 + 43200);
  g_assert_cmpuint (count_snapshots (fixture->history), ==, 5);

  /* At most 3: the two oldest go when the next is saved. */
  ap_history_set_retention (fixture->history, 3, 0);
  ids[5] = save (fixture->history, users, now);
  list = ap_history_list_snapshots (fixture->history, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (((ApSnapshotInfo *) g_ptr_array_index (list, 0))->id, ==, ids[3]);
  g_assert_cmpint (((ApSnapshotInfo *) g_ptr_array_index (list, 2))->id, ==, ids[5]);

  /* At most 6 days: 5.5 days ago stays, 6.5 days ago goes. */
  ap_history_set_retention (fixture->history, 0, 6);
  g_assert_true (ap_history_apply_retention (fixture->history, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = ap_history_list_snapshots (fixture->history, NULL, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((ApSnapshotInfo *) g_ptr_array_index (list, 0))->id, ==, ids[4]);

  /* What is left is whole. */
  {
    g_autoptr(GPtrArray) loaded = load (fixture->history, ids[4]);
    assert_users_equal (users, loaded);
  }
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static void
test_forget (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (300, 0, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  struct stat before, after;

  save (fixture->history, users, 0);
  save (fixture->history, users, 0);
  g_assert_cmpint (g_stat (fixture->path, &before), ==, 0);

  g_assert_true (ap_history_forget (fixture->history, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_snapshots (fixture->history), ==, 0);

  g_assert_false (file_contains (fixture->path, "user17@example.com"));
  g_assert_false (file_contains (wal, "user17@example.com"));
  g_assert_cmpint (g_stat (fixture->path, &after), ==, 0);
  g_assert_cmpint (after.st_size, <, 64 * 1024);

  assert_recovers (fixture);
}

static void
test_abort (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (30, 0, TRUE);
  g_autoptr(ApQuery) query = ap_query_new ();

  save (fixture->history, users, 0);

  {
    g_autoptr(ApHistorySaver) saver = ap_history_saver_new (fixture->history, "https://x.example",
                                                           query, 0);
    ap_history_saver_add_users (saver, users);
    ap_history_saver_abort (saver);
  }
  {
    /* Dropped without commit: the same. */
    g_autoptr(ApHistorySaver) saver = ap_history_saver_new (fixture->history, "https://x.example",
                                                           query, 0);
    ap_history_saver_add_users (saver, users);
  }
  {
    /* Cancelled at commit. */
    g_autoptr(ApHistorySaver) saver = ap_history_saver_new (fixture->history, "https://x.example",
                                                           query, 0);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;
    gint64 id = 0;
    gpointer cb_data[2] = { &error, &id };

    ap_history_saver_add_users (saver, users);
    g_cancellable_cancel (cancellable);
    ap_history_saver_commit_async (saver, cancellable, commit_cb, cb_data);
    g_assert_true (spin_until (id_is_set, &id, 10000));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  /* Give the dropped savers' threads time to roll back, then look. */
  for (guint i = 0; i < 100 && count_snapshots (fixture->history) != 1; i++)
    g_usleep (10000);
  g_assert_cmpuint (count_snapshots (fixture->history), ==, 1);
}

static void
test_diff (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) first = make_users (50, 0, FALSE);
  g_autoptr(GPtrArray) second = make_users (50, 3, FALSE);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GArray) trend = NULL;
  g_autoptr(GArray) finance = NULL;
  g_autoptr(GArray) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ApSnapshotInfo) previous = NULL;
  g_autoptr(ApSnapshotInfo) latest = NULL;
  ApUserChange *change;
  gint64 older, newer, other;
  guint n_changed = 0;

  /* Second fetch: user0..2 left (removed), two joined, every 7th watched more. */
  g_ptr_array_remove_range (second, 0, 3);
  g_ptr_array_add (second, ap_user_new ("New Person", "b-new@example.com", "Finance", 1, 0, 0));
  g_ptr_array_add (second, ap_user_new ("Another", "a-new@example.com", "", 0, 0, 4));

  older = save (fixture->history, first, 1000);
  /* Another query in between: not "the previous" one. */
  {
    g_autoptr(ApQuery) query = ap_query_new ();
    ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Finance");
    other = save_full (fixture->history, first, query, "https://eu-api.services.mimecast.com",
                       1500, &error);
    g_assert_no_error (error);
  }
  newer = save (fixture->history, second, 2000);

  previous = ap_history_find_previous (fixture->history, newer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (previous->id, ==, older);
  g_clear_pointer (&previous, ap_snapshot_info_free);
  previous = ap_history_find_previous (fixture->history, older, &error);
  g_assert_no_error (error);
  g_assert_null (previous);
  g_assert_null (ap_history_find_previous (fixture->history, other, &error));
  g_assert_no_error (error);

  latest = ap_history_find_latest (fixture->history, "https://eu-api.services.mimecast.com",
                                   NULL, &error);
  g_assert_cmpint (latest->id, ==, newer);

  changes = ap_history_diff (fixture->history, older, newer, &error);
  g_assert_no_error (error);

  /* joined (by email), then left, then changed */
  change = g_ptr_array_index (changes, 0);
  g_assert_cmpint (change->kind, ==, AP_USER_CHANGE_JOINED);
  g_assert_cmpstr (change->email, ==, "a-new@example.com");
  g_assert_cmpuint (change->after[2], ==, 4);
  change = g_ptr_array_index (changes, 1);
  g_assert_cmpstr (change->email, ==, "b-new@example.com");
  g_assert_cmpstr (change->department, ==, "Finance");
  for (guint i = 2; i < 5; i++)
    {
      change = g_ptr_array_index (changes, i);
      g_assert_cmpint (change->kind, ==, AP_USER_CHANGE_LEFT);
    }
  g_assert_cmpstr (((ApUserChange *) g_ptr_array_index (changes, 2))->email, ==,
                   "user0@example.com");
  g_assert_cmpstr (((ApUserChange *) g_ptr_array_index (changes, 4))->email, ==,
                   "user2@example.com");
  for (guint i = 5; i < changes->len; i++)
    {
      change = g_ptr_array_index (changes, i);
      g_assert_cmpint (change->kind, ==, AP_USER_CHANGE_CHANGED);
      g_assert_cmpuint (change->after[0], ==, change->before[0] + 3);
      if (i > 5)
        g_assert_cmpint (strcmp (((ApUserChange *) g_ptr_array_index (changes, i - 1))->email,
                                 change->email), <, 0);
      n_changed++;
    }
  /* Every 7th of users 3..49: 7, 14, ..., 49 */
  g_assert_cmpuint (n_changed, ==, 7);

  /* The groups the users list narrows to: these answered more, but watched
   * nothing new (their not-watched count did not go down) */
  change = g_ptr_array_index (changes, 5);
  g_assert_true (ap_user_change_in_group (change, AP_CHANGE_GROUP_CHANGED));
  g_assert_false (ap_user_change_in_group (change, AP_CHANGE_GROUP_WATCHED));
  g_assert_false (ap_user_change_in_group (change, AP_CHANGE_GROUP_JOINED));
  g_assert_true (ap_user_change_in_group (change, AP_CHANGE_GROUP_ALL));
  g_assert_true (ap_user_change_in_group (g_ptr_array_index (changes, 0), AP_CHANGE_GROUP_JOINED));
  g_assert_true (ap_user_change_in_group (g_ptr_array_index (changes, 2), AP_CHANGE_GROUP_LEFT));
  {
    ApUserChange watched = { AP_USER_CHANGE_CHANGED, NULL, NULL, NULL, { 1, 0, 3 }, { 2, 1, 1 } };
    ApUserChange sent_more = { AP_USER_CHANGE_CHANGED, NULL, NULL, NULL, { 1, 0, 1 }, { 1, 0, 3 } };

    g_assert_cmpuint (ap_user_change_get_n_watched (&watched), ==, 2);
    g_assert_true (ap_user_change_in_group (&watched, AP_CHANGE_GROUP_WATCHED));
    g_assert_cmpuint (ap_user_change_get_n_watched (&sent_more), ==, 0);
    g_assert_false (ap_user_change_in_group (&sent_more, AP_CHANGE_GROUP_WATCHED));
  }

  trend = ap_history_trend (fixture->history, newer, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trend->len, ==, 2);
  g_assert_cmpint (g_array_index (trend, ApTrendPoint, 0).snapshot_id, ==, older);
  g_assert_cmpuint (g_array_index (trend, ApTrendPoint, 0).n_users, ==, 50);
  g_assert_cmpuint (g_array_index (trend, ApTrendPoint, 1).n_users, ==, 49);

  finance = ap_history_trend (fixture->history, newer, "Finance", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (finance->len, ==, 2);
  g_assert_cmpuint (g_array_index (finance, ApTrendPoint, 0).n_users, ==, 20);

  person = ap_history_user_history (fixture->history, newer, "user7@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (person->len, ==, 2);
  g_assert_cmpuint (g_array_index (person, ApTrendPoint, 1).num_correct, ==,
                    g_array_index (person, ApTrendPoint, 0).num_correct + 3);
  g_clear_pointer (&person, g_array_unref);
  person = ap_history_user_history (fixture->history, newer, "user1@example.com", &error);
  g_assert_cmpuint (g_array_index (person, ApTrendPoint, 1).n_users, ==, 0);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* The trend the overview plots comes off the main thread, with the
 * departments to choose from. */
static void
test_trend_async (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) first = make_users (50, 0, FALSE);
  g_autoptr(GPtrArray) second = make_users (50, 3, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) points = NULL;
  g_auto(GStrv) departments = NULL;
  g_autoptr(GError) error = NULL;
  gint64 newer;

  save (fixture->history, first, 1000);
  newer = save (fixture->history, second, 2000);

  ap_history_trend_async (fixture->history, newer, "Finance", NULL, store_result_cb, &result);
  g_assert_true (spin_until (result_is_set, &result, 10000));
  points = ap_history_trend_finish (fixture->history, result, &departments, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpint (g_array_index (points, ApTrendPoint, 0).fetched_at, ==, 1000);
  g_assert_cmpint (g_array_index (points, ApTrendPoint, 1).snapshot_id, ==, newer);
  g_assert_cmpuint (g_array_index (points, ApTrendPoint, 0).n_users, ==, 20);
  g_assert_cmpuint (g_array_index (points, ApTrendPoint, 1).num_correct, >,
                    g_array_index (points, ApTrendPoint, 0).num_correct);
  g_assert_nonnull (departments);
  g_assert_true (g_strv_contains ((const char * const *) departments, "Finance"));
  for (guint i = 1; departments[i] != NULL; i++)
    g_assert_cmpint (strcmp (departments[i - 1], departments[i]), <, 0);

  /* A snapshot that is gone (forgotten meanwhile): nothing to plot */
  g_clear_object (&result);
  ap_history_trend_async (fixture->history, 9999, NULL, NULL, store_result_cb, &result);
  g_assert_true (spin_until (result_is_set, &result, 10000));
  g_clear_pointer (&points, g_array_unref);
  points = ap_history_trend_finish (fixture->history, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 0);
}

/* The child of the kill test: saves forever, says when it is in the
 * middle of a transaction. */
static int
child_save_forever (const char *path)
{
  g_autoptr(ApHistory) history = ap_history_new (path);
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(ApHistorySaver) saver = ap_history_saver_new (history, "https://kill.example",
                                                         query, 0);
  g_autoptr(GPtrArray) users = make_users (2000, 9, TRUE);

  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* Bounded, in case the parent died before it could kill us. */
  for (guint round = 0; g_get_monotonic_time () < deadline; round++)
    {
      ap_history_saver_add_users (saver, users);
      if (round == 40)
        {
          /* Let the worker get well into its transaction, past what the
           * page cache holds, so the WAL has uncommitted pages: waited
           * for, not slept on, since a sanitizer build is several times
           * slower. */
          g_autofree char *wal = g_strconcat (path, "-wal", NULL);
          gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
          struct stat st;

          g_usleep (300000);
          while ((g_stat (wal, &st) != 0 || st.st_size == 0) && g_get_monotonic_time () < until)
            g_usleep (20000);
          printf ("saving\n");
          fflush (stdout);
        }
      g_usleep (20000);
    }
  return 1;
}

static void
test_kill_during_save (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (100, 0, TRUE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  gint64 first, second;
  struct stat st;

  first = save (fixture->history, users, 1000);
  second = save (fixture->history, users, 2000);

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self_path, "--child-save-forever", fixture->path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "saving");

  /* The transaction is under way: the WAL holds uncommitted pages. */
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);

  kill (atoi (g_subprocess_get_identifier (child)), SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  /* Earlier snapshots intact, nothing of the killed one. */
  {
    g_autoptr(ApHistory) after = ap_history_new (fixture->path);
    g_autoptr(GPtrArray) list = ap_history_list_snapshots (after, NULL, &error);
    g_autoptr(GPtrArray) a = NULL;
    g_autoptr(GPtrArray) b = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);
    a = load (after, first);
    b = load (after, second);
    assert_users_equal (users, a);
    assert_users_equal (users, b);
    g_assert_cmpint (save (after, users, 3000), >, second);
  }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--child-save-forever"))
    return child_save_forever (argv[2]);

  self_path = g_canonicalize_filename (argv[0], NULL);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/ap/history/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("round-trip", test_round_trip);
  ADD ("file-mode", test_file_mode);
  ADD ("corrupt", test_corrupt);
  ADD ("corrupt-page", test_corrupt_page);
  ADD ("newer-schema", test_newer_schema);
  ADD ("migrates-empty", test_migrates_empty);
  ADD ("retention", test_retention);
  ADD ("forget", test_forget);
  ADD ("abort", test_abort);
  ADD ("diff", test_diff);
  ADD ("trend-async", test_trend_async);
  ADD ("kill-during-save", test_kill_during_save);
#undef ADD

  return g_test_run ();
}
