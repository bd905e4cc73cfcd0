/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history benchmark (bench/history/run): saves two snapshots of
 * USERS users (the double's data at epoch 0, then epoch 1) into the
 * history under $XDG_DATA_HOME, with batches handed over from the main
 * loop as a fetch delivers them while a 1 ms timer measures the longest
 * main-loop stall; then opens the latest snapshot to its first batch and
 * diffs the two. Prints one figure a line. */
#define G_LOG_DOMAIN "bench-history"
#define _GNU_SOURCE   /* RUSAGE_THREAD */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ap-history.h"
#include "ap-mock-data.h"
#include "bench-stall.h"

#define BATCH 500
#define BASE_URL "https://bench.example"

typedef struct
{
  GPtrArray      *users;
  ApHistorySaver *saver;
  guint           next;
  gint64          last_tick;
  gint64          last_cpu;
  long            last_nvcsw;
  long            last_nivcsw;
  gint64          max_gap;
  gint64          max_gap_cpu;      /* the main thread's CPU time within that gap */
  long            max_gap_nvcsw;    /* ... the times it blocked (a lock, I/O) */
  long            max_gap_nivcsw;   /* ... and the times it was preempted */
  guint           n_over_16;        /* gaps over 16 ms */
  gint64          done_at;
  gint64          id;
  gint64          first_batch_at;
  guint           loaded;
  gboolean        finished;
} Run;

static GPtrArray *
make_users (ApMockDataset *dataset)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);
  ApMockUser mock;

  ap_mock_user_init (&mock, dataset);
  for (guint i = 0; i < ap_mock_dataset_get_n_users (dataset); i++)
    {
      GPtrArray *records;
      ApUser *user;

      ap_mock_user_generate (&mock, dataset, i);
      if (mock.absent)
        continue;
      user = ap_user_new (mock.name, mock.email, mock.department, mock.num_correct,
                          mock.num_incorrect, mock.num_not_watched);
      records = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint j = 0; j < mock.n_records; j++)
        {
          ApMockRecord *r = &mock.records[j];

          g_ptr_array_add (records,
                           ap_training_record_new (r->title, r->category, r->status, r->ack,
                                                   r->time_sent,
                                                   r->viewed ? r->time_viewed : AP_TIME_NONE));
        }
      ap_user_take_records (user, records);
      g_ptr_array_add (users, user);
    }
  ap_mock_user_clear (&mock);
  return users;
}

/* A stall is either work on the main thread (CPU time inside the gap) or
 * the thread waiting: blocked (voluntary switches: a lock, I/O) or
 * runnable while others had the cores (involuntary switches). */
static gboolean
tick (gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = bench_thread_cpu_usec ();
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  if (run->last_tick != 0)
    {
      gint64 gap = now - run->last_tick;

      if (gap > 16000)
        run->n_over_16++;
      if (gap > run->max_gap)
        {
          run->max_gap = gap;
          run->max_gap_cpu = cpu - run->last_cpu;
          run->max_gap_nvcsw = usage.ru_nvcsw - run->last_nvcsw;
          run->max_gap_nivcsw = usage.ru_nivcsw - run->last_nivcsw;
        }
    }
  run->last_tick = now;
  run->last_cpu = cpu;
  run->last_nvcsw = usage.ru_nvcsw;
  run->last_nivcsw = usage.ru_nivcsw;
  return G_SOURCE_CONTINUE;
}

static void
print_stall (const Run *run)
{
  printf ("  longest gap %.1f ms: main thread on the CPU %.1f ms of it, blocked %ld times, "
          "preempted %ld times; %u gaps over 16 ms\n", run->max_gap / 1000.0,
          run->max_gap_cpu / 1000.0, run->max_gap_nvcsw, run->max_gap_nivcsw, run->n_over_16);
}

static void
commit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;

  run->id = ap_history_saver_commit_finish (AP_HISTORY_SAVER (object), result, &error);
  if (run->id == 0)
    g_error ("save failed: %s", error->message);
  run->done_at = g_get_monotonic_time ();
  run->finished = TRUE;
}

/* One batch per main-loop iteration, as the client delivers pages. */
static gboolean
feed (gpointer data)
{
  Run *run = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();

  for (guint i = run->next; i < MIN (run->next + BATCH, run->users->len); i++)
    g_ptr_array_add (batch, g_ptr_array_index (run->users, i));
  run->next += batch->len;
  ap_history_saver_add_users (run->saver, batch);

  if (run->next < run->users->len)
    return G_SOURCE_CONTINUE;
  ap_history_saver_commit_async (run->saver, NULL, commit_cb, run);
  return G_SOURCE_REMOVE;
}

static gint64
db_bytes (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  sqlite3 *db;
  struct stat st;
  gint64 total = 0;

  /* Everything into the main file first, as a checkpoint would. */
  if (sqlite3_open (path, &db) == SQLITE_OK)
    sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  sqlite3_close (db);
  if (g_stat (path, &st) == 0)
    total += st.st_size;
  if (g_stat (wal, &st) == 0)
    total += st.st_size;
  return total;
}

static gint64
save (ApHistory *history,
      GPtrArray *users,
      ApQuery   *query,
      gint64     fetched_at,
      const char *label)
{
  Run run = { 0 };
  guint timer;
  gint64 start, before, after;

  before = db_bytes (ap_history_get_path (history));
  run.users = users;
  run.saver = ap_history_saver_new (history, BASE_URL, query, fetched_at);
  timer = g_timeout_add (1, tick, &run);
  start = g_get_monotonic_time ();
  g_idle_add (feed, &run);
  while (!run.finished)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timer);
  g_clear_object (&run.saver);
  after = db_bytes (ap_history_get_path (history));

  printf ("%s: save %u users %.3f s, added %.1f MB, max main-loop stall %.1f ms, "
          "%.1f gaps over 16 ms a second\n", label,
          users->len, (run.done_at - start) / 1e6, (after - before) / 1048576.0,
          run.max_gap / 1000.0, run.n_over_16 / ((run.done_at - start) / 1e6));
  print_stall (&run);
  return run.id;
}

static void
first_batch (GPtrArray *users,
             gpointer   data)
{
  Run *run = data;

  if (run->first_batch_at == 0)
    run->first_batch_at = g_get_monotonic_time ();
  run->loaded += users->len;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ApSnapshotInfo) info = ap_history_load_finish (AP_HISTORY (object), result, &error);

  if (info == NULL)
    g_error ("load failed: %s", error ? error->message : "no snapshot");
  run->done_at = g_get_monotonic_time ();
  run->finished = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  guint n_users = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  guint records = argc > 2 ? (guint) atoi (argv[2]) : 10;
  g_autoptr(ApMockDataset) base = ap_mock_dataset_new (n_users, 8, records, 1);
  g_autoptr(ApMockDataset) later = ap_mock_dataset_at_epoch (base, 1);
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 older, newer, start;
  Run run = { 0 };
  guint64 n_records = 0;

  ap_query_set_include_user_details (query, TRUE);
  first = make_users (base);
  second = make_users (later);
  for (guint i = 0; i < first->len; i++)
    n_records += ap_user_get_n_records (g_ptr_array_index (first, i));
  printf ("# %u users, %.1f records each on average; history at %s\n", first->len,
          (double) n_records / first->len, ap_history_get_path (history));

  /* What this machine's load alone does to a 1 ms timer, for comparison. */
  {
    guint timer = g_timeout_add (1, tick, &run);
    gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    /* As long as a save, so the two see the same share of the load */
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (timer);
    printf ("baseline: max main-loop stall with no save %.1f ms (5 s), "
            "%.1f gaps over 16 ms a second\n", run.max_gap / 1000.0, run.n_over_16 / 5.0);
    print_stall (&run);
    memset (&run, 0, sizeof run);
  }

  older = save (history, first, query, now - 86400, "first snapshot ");
  newer = save (history, second, query, now, "second snapshot");

  start = g_get_monotonic_time ();
  ap_history_load_async (history, 0, BASE_URL, first_batch, &run, NULL, load_cb, &run);
  while (!run.finished)
    g_main_context_iteration (NULL, TRUE);
  printf ("open latest: first batch of rows %.3f s, all %u users %.3f s\n",
          (run.first_batch_at - start) / 1e6, run.loaded, (run.done_at - start) / 1e6);

  start = g_get_monotonic_time ();
  changes = ap_history_diff (history, older, newer, &error);
  if (changes == NULL)
    g_error ("diff failed: %s", error->message);
  printf ("diff: %u changes %.3f s\n", changes->len, (g_get_monotonic_time () - start) / 1e6);
  return 0;
}
