/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-analysis"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-analysis.h"

/* The numbers below are worked out by hand from these users (see each
 * test); nothing here calls the code under test to get an expected value. */

#define VIEWED 1700000000
#define NO AP_TIME_NONE

static ApUser *
add_user (GPtrArray  *users,
          const char *name,
          const char *department,
          guint       correct,
          guint       incorrect,
          guint       not_watched)
{
  g_autofree char *email = g_strdup_printf ("%s@example.com", name);
  ApUser *user = ap_user_new (name, email, department, correct, incorrect, not_watched);

  g_ptr_array_add (users, user);
  return user;
}

static void
add_record (GPtrArray  *records,
            const char *title,
            const char *category,
            const char *status,
            gboolean    ack,
            gint64      viewed)
{
  g_ptr_array_add (records, ap_training_record_new (title, category, status, ack,
                                                    1690000000, viewed));
}

static GPtrArray *
new_records (void)
{
  return g_ptr_array_new_with_free_func (g_object_unref);
}

/* Ann, Bob: Sales; Cid: no department; Dee (no videos at all) and Eve: IT;
 * Fay: HR (counts but no details); Gus: Legal, nothing sent. */
static GPtrArray *
make_users (void)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *records;
  ApUser *user;

  user = add_user (users, "Ann", "Sales", 3, 1, 0);
  records = new_records ();
  add_record (records, "Phishing", "Email", "Completed", TRUE, VIEWED);
  add_record (records, "Passwords", "Basics", "Failed", FALSE, VIEWED);
  ap_user_take_records (user, records);

  user = add_user (users, "Bob", "Sales", 0, 0, 2);
  records = new_records ();
  add_record (records, "Phishing", "Email", "Not Started", FALSE, NO);
  add_record (records, "Passwords", "Basics", "Overdue", FALSE, NO);
  ap_user_take_records (user, records);

  user = add_user (users, "Cid", "", 1, 0, 1);
  records = new_records ();
  add_record (records, "Phishing", "Email", "Snoozed", TRUE, NO);  /* a status we do not know */
  add_record (records, "USB", "", "", FALSE, VIEWED);               /* no category, no status */
  ap_user_take_records (user, records);

  user = add_user (users, "Dee", "IT", 0, 0, 0);
  ap_user_take_records (user, new_records ());

  user = add_user (users, "Eve", "IT", 3, 1, 0);
  records = new_records ();
  add_record (records, "Phishing", "Email", "Completed", FALSE, VIEWED);
  add_record (records, "Phishing", "Email", "Completed", FALSE, NO);
  add_record (records, "USB", "Devices", "Completed", FALSE, VIEWED);
  ap_user_take_records (user, records);

  add_user (users, "Fay", "HR", 1, 0, 3);
  add_user (users, "Gus", "Legal", 0, 0, 0);

  return users;
}

static void
assert_department (const ApAnalysisDepartment *row,
                   const char                 *name,
                   guint64                     n_users,
                   guint64                     correct,
                   guint64                     incorrect,
                   guint64                     not_watched,
                   double                      pct_correct,
                   double                      pct_incorrect,
                   double                      pct_not_watched)
{
  g_assert_nonnull (row);
  g_assert_cmpstr (row->name, ==, name);
  g_assert_cmpuint (row->n_users, ==, n_users);
  g_assert_cmpuint (row->num_correct, ==, correct);
  g_assert_cmpuint (row->num_incorrect, ==, incorrect);
  g_assert_cmpuint (row->num_not_watched, ==, not_watched);
  g_assert_cmpuint (row->videos_sent, ==, correct + incorrect + not_watched);
  g_assert_true (row->has_sent == (correct + incorrect + not_watched > 0));
  g_assert_cmpfloat_with_epsilon (row->pct_correct, pct_correct, 1e-9);
  g_assert_cmpfloat_with_epsilon (row->pct_incorrect, pct_incorrect, 1e-9);
  g_assert_cmpfloat_with_epsilon (row->pct_not_watched, pct_not_watched, 1e-9);
}

static void
test_totals (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (users);

  g_assert_true (ap_analysis_get_users (analysis) == users);
  g_assert_cmpuint (ap_analysis_get_n_users (analysis), ==, 7);
  g_assert_cmpuint (ap_analysis_get_num_correct (analysis), ==, 8);
  g_assert_cmpuint (ap_analysis_get_num_incorrect (analysis), ==, 2);
  g_assert_cmpuint (ap_analysis_get_num_not_watched (analysis), ==, 6);
  g_assert_cmpuint (ap_analysis_get_videos_sent (analysis), ==, 16);
  g_assert_cmpuint (ap_analysis_get_n_records (analysis), ==, 9);
}

static void
test_departments (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (users);
  g_autoptr(GPtrArray) sales = NULL;
  g_autoptr(GPtrArray) none = NULL;
  const ApAnalysisDepartment *row;

  g_assert_cmpuint (ap_analysis_get_n_departments (analysis), ==, 5);

  /* By % not watched: HR 3/4, no department 1/2, Sales 2/6, IT 0/4; then
   * Legal, where nothing was sent. */
  assert_department (ap_analysis_get_department (analysis, 0), "HR", 1, 1, 0, 3, 25, 0, 75);
  row = ap_analysis_get_department (analysis, 1);
  assert_department (row, "", 1, 1, 0, 1, 50, 0, 50);
  g_assert_cmpstr (row->display_name, ==, "No department");
  assert_department (ap_analysis_get_department (analysis, 2), "Sales", 2, 3, 1, 2,
                     50, 100.0 / 6, 100.0 / 3);
  assert_department (ap_analysis_get_department (analysis, 3), "IT", 2, 3, 1, 0, 75, 25, 0);
  row = ap_analysis_get_department (analysis, 4);
  assert_department (row, "Legal", 1, 0, 0, 0, 0, 0, 0);
  g_assert_false (row->has_sent);
  g_assert_cmpstr (row->display_name, ==, "Legal");

  g_assert_true (ap_analysis_lookup_department (analysis, "Sales") ==
                 ap_analysis_get_department (analysis, 2));
  g_assert_true (ap_analysis_lookup_department (analysis, "") ==
                 ap_analysis_get_department (analysis, 1));
  g_assert_null (ap_analysis_lookup_department (analysis, "Nowhere"));

  sales = ap_analysis_dup_department_users (analysis, 2);
  g_assert_cmpuint (sales->len, ==, 2);
  g_assert_cmpstr (ap_user_get_name (g_ptr_array_index (sales, 0)), ==, "Ann");
  g_assert_cmpstr (ap_user_get_name (g_ptr_array_index (sales, 1)), ==, "Bob");
  none = ap_analysis_dup_department_users (analysis, 1);
  g_assert_cmpuint (none->len, ==, 1);
  g_assert_cmpstr (ap_user_get_name (g_ptr_array_index (none, 0)), ==, "Cid");
  g_assert_null (ap_analysis_dup_department_users (analysis, 5));
}

/* The running total a window keeps while pages arrive: the same numbers as
 * the full analysis, worked out by hand from make_users() again. */
static void
test_tally (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  ApAnalysisTally *tally = ap_analysis_tally_new ();
  g_autoptr(ApAnalysis) empty = ap_analysis_tally_snapshot (tally);
  g_autoptr(ApAnalysis) first = NULL;
  g_autoptr(ApAnalysis) all = NULL;
  g_autoptr(ApAnalysis) cleared = NULL;
  g_autoptr(ApAnalysis) full = ap_analysis_new (users);
  const guint *positions;
  const ApAnalysisDepartment *row;

  g_assert_true (ap_analysis_is_partial (empty));
  g_assert_false (ap_analysis_is_partial (full));
  g_assert_cmpuint (ap_analysis_get_n_users (empty), ==, 0);
  g_assert_cmpuint (ap_analysis_get_n_departments (empty), ==, 0);
  g_assert_cmpuint (ap_analysis_get_top_departments (empty, &positions), ==, 0);

  /* The first page: Ann, Bob (Sales), Cid (no department) */
  for (guint i = 0; i < 3; i++)
    ap_analysis_tally_add (tally, g_ptr_array_index (users, i));
  first = ap_analysis_tally_snapshot (tally);
  g_assert_cmpuint (ap_analysis_get_n_users (first), ==, 3);
  g_assert_cmpuint (ap_analysis_get_num_correct (first), ==, 4);
  g_assert_cmpuint (ap_analysis_get_num_incorrect (first), ==, 1);
  g_assert_cmpuint (ap_analysis_get_num_not_watched (first), ==, 3);
  g_assert_cmpuint (ap_analysis_get_videos_sent (first), ==, 8);
  g_assert_cmpuint (ap_analysis_get_n_departments (first), ==, 2);
  assert_department (ap_analysis_get_department (first, 0), "", 1, 1, 0, 1, 50, 0, 50);
  assert_department (ap_analysis_get_department (first, 1), "Sales", 2, 3, 1, 2,
                     50, 100.0 / 6, 100.0 / 3);

  /* The rest */
  for (guint i = 3; i < users->len; i++)
    ap_analysis_tally_add (tally, g_ptr_array_index (users, i));
  all = ap_analysis_tally_snapshot (tally);
  g_assert_cmpuint (ap_analysis_get_n_users (all), ==, 7);
  g_assert_cmpuint (ap_analysis_get_num_correct (all), ==, 8);
  g_assert_cmpuint (ap_analysis_get_num_incorrect (all), ==, 2);
  g_assert_cmpuint (ap_analysis_get_num_not_watched (all), ==, 6);
  g_assert_cmpuint (ap_analysis_get_videos_sent (all), ==, 16);
  g_assert_cmpuint (ap_analysis_get_n_departments (all), ==, 5);
  assert_department (ap_analysis_get_department (all, 0), "HR", 1, 1, 0, 3, 25, 0, 75);
  assert_department (ap_analysis_get_department (all, 1), "", 1, 1, 0, 1, 50, 0, 50);
  assert_department (ap_analysis_get_department (all, 2), "Sales", 2, 3, 1, 2,
                     50, 100.0 / 6, 100.0 / 3);
  assert_department (ap_analysis_get_department (all, 3), "IT", 2, 3, 1, 0, 75, 25, 0);
  assert_department (ap_analysis_get_department (all, 4), "Legal", 1, 0, 0, 0, 0, 0, 0);
  g_assert_cmpuint (ap_analysis_get_top_departments (all, &positions), ==, 3);
  g_assert_cmpuint (positions[0], ==, 3);
  g_assert_cmpuint (positions[1], ==, 1);
  g_assert_cmpuint (positions[2], ==, 2);
  g_assert_cmpuint (ap_analysis_get_bottom_departments (all, &positions), ==, 3);
  g_assert_cmpuint (positions[0], ==, 0);
  /* By the name shown: HR, IT, Legal, No department, Sales */
  {
    static const guint by_name[] = { 0, 3, 4, 1, 2 };

    positions = ap_analysis_get_departments_by_name (all);
    for (guint i = 0; i < G_N_ELEMENTS (by_name); i++)
      g_assert_cmpuint (positions[i], ==, by_name[i]);
    /* the first page's two: No department, Sales */
    positions = ap_analysis_get_departments_by_name (first);
    g_assert_cmpuint (positions[0], ==, 0);
    g_assert_cmpuint (positions[1], ==, 1);
  }

  /* A running total has no users, videos or attention to give */
  g_assert_cmpuint (ap_analysis_get_users (all)->len, ==, 0);
  g_assert_null (ap_analysis_dup_department_users (all, 2));
  g_assert_cmpuint (ap_analysis_get_n_videos (all), ==, 0);
  g_assert_cmpuint (ap_analysis_get_n_records (all), ==, 0);
  g_assert_cmpuint (ap_analysis_get_attention (all)->len, ==, 0);
  g_assert_cmpint (ap_analysis_find_video (all, "Phishing"), ==, -1);
  g_assert_true (ap_analysis_lookup_department (all, "IT") == ap_analysis_get_department (all, 3));

  /* A new fetch clears; what was handed on stays readable, even once the
   * users and the tally are gone */
  ap_analysis_tally_clear (tally);
  cleared = ap_analysis_tally_snapshot (tally);
  g_assert_cmpuint (ap_analysis_get_n_users (cleared), ==, 0);
  g_assert_cmpuint (ap_analysis_get_n_departments (cleared), ==, 0);
  ap_analysis_tally_free (tally);
  g_clear_pointer (&full, ap_analysis_unref);
  g_clear_pointer (&users, g_ptr_array_unref);
  row = ap_analysis_get_department (all, 1);
  g_assert_cmpstr (row->name, ==, "");
  g_assert_cmpstr (row->display_name, ==, "No department");
  g_assert_cmpstr (ap_analysis_get_department (all, 4)->name, ==, "Legal");
  g_assert_cmpstr (ap_analysis_get_department (first, 1)->name, ==, "Sales");
}

static void
test_top_bottom (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (users);
  const guint *positions;

  /* % correct: IT 75, no department 50, Sales 50, HR 25; Legal sent
   * nothing and is in neither list. Ties go by the name shown. */
  g_assert_cmpuint (ap_analysis_get_top_departments (analysis, &positions), ==, 3);
  g_assert_cmpuint (positions[0], ==, 3);  /* IT */
  g_assert_cmpuint (positions[1], ==, 1);  /* No department */
  g_assert_cmpuint (positions[2], ==, 2);  /* Sales */

  g_assert_cmpuint (ap_analysis_get_bottom_departments (analysis, &positions), ==, 3);
  g_assert_cmpuint (positions[0], ==, 0);  /* HR */
  g_assert_cmpuint (positions[1], ==, 1);  /* No department */
  g_assert_cmpuint (positions[2], ==, 2);  /* Sales */
}

static void
assert_status (const ApAnalysisVideo *video,
               guint                  i,
               const char            *status,
               guint64                count)
{
  g_assert_cmpuint (i, <, video->n_statuses);
  g_assert_cmpstr (video->statuses[i].status, ==, status);
  g_assert_cmpuint (video->statuses[i].count, ==, count);
}

static void
test_videos (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (users);
  g_autoptr(GPtrArray) non_viewers = NULL;
  const ApAnalysisVideo *video;

  g_assert_cmpuint (ap_analysis_get_n_videos (analysis), ==, 3);

  /* Phishing: Ann viewed, Bob not, Cid not, Eve one of two. */
  video = ap_analysis_get_video (analysis, 0);
  g_assert_cmpstr (video->title, ==, "Phishing");
  g_assert_cmpstr (video->category, ==, "Email");
  g_assert_cmpuint (video->sent, ==, 5);
  g_assert_cmpuint (video->viewed, ==, 2);
  g_assert_cmpuint (video->not_viewed, ==, 3);
  g_assert_cmpuint (video->acknowledged, ==, 2);
  g_assert_cmpfloat_with_epsilon (video->pct_viewed, 40, 1e-9);
  g_assert_cmpuint (video->n_statuses, ==, 3);
  assert_status (video, 0, "Completed", 3);
  assert_status (video, 1, "Not Started", 1);
  assert_status (video, 2, "Snoozed", 1);

  /* Eve viewed Phishing once: she is not among its non-viewers. */
  non_viewers = ap_analysis_dup_non_viewers (analysis, 0);
  g_assert_cmpuint (non_viewers->len, ==, 2);
  g_assert_cmpstr (ap_user_get_name (g_ptr_array_index (non_viewers, 0)), ==, "Bob");
  g_assert_cmpstr (ap_user_get_name (g_ptr_array_index (non_viewers, 1)), ==, "Cid");
  g_clear_pointer (&non_viewers, g_ptr_array_unref);

  video = ap_analysis_get_video (analysis, 1);
  g_assert_cmpstr (video->title, ==, "Passwords");
  g_assert_cmpstr (video->category, ==, "Basics");
  g_assert_cmpuint (video->sent, ==, 2);
  g_assert_cmpuint (video->viewed, ==, 1);
  g_assert_cmpuint (video->not_viewed, ==, 1);
  g_assert_cmpuint (video->acknowledged, ==, 0);
  g_assert_cmpfloat_with_epsilon (video->pct_viewed, 50, 1e-9);
  assert_status (video, 0, "Failed", 1);
  assert_status (video, 1, "Overdue", 1);
  non_viewers = ap_analysis_dup_non_viewers (analysis, 1);
  g_assert_cmpuint (non_viewers->len, ==, 1);
  g_assert_cmpstr (ap_user_get_name (g_ptr_array_index (non_viewers, 0)), ==, "Bob");
  g_clear_pointer (&non_viewers, g_ptr_array_unref);

  /* USB: Cid's record has no category, Eve's has; a missing status is
   * counted as "" rather than dropped. */
  video = ap_analysis_get_video (analysis, 2);
  g_assert_cmpstr (video->title, ==, "USB");
  g_assert_cmpstr (video->category, ==, "Devices");
  g_assert_cmpuint (video->sent, ==, 2);
  g_assert_cmpuint (video->viewed, ==, 2);
  g_assert_cmpuint (video->not_viewed, ==, 0);
  g_assert_cmpfloat_with_epsilon (video->pct_viewed, 100, 1e-9);
  g_assert_cmpuint (video->n_statuses, ==, 2);
  assert_status (video, 0, "", 1);
  assert_status (video, 1, "Completed", 1);
  non_viewers = ap_analysis_dup_non_viewers (analysis, 2);
  g_assert_cmpuint (non_viewers->len, ==, 0);

  g_assert_cmpint (ap_analysis_find_video (analysis, "USB"), ==, 2);
  g_assert_cmpint (ap_analysis_find_video (analysis, "Phishing"), ==, 0);
  g_assert_cmpint (ap_analysis_find_video (analysis, "Nothing"), ==, -1);
  g_assert_null (ap_analysis_dup_non_viewers (analysis, 3));
}

static void
test_attention (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (users);
  GPtrArray *attention = ap_analysis_get_attention (analysis);
  const char *expected[] = { "Fay", "Bob", "Cid", "Ann", "Eve" };

  /* Not watched 3, 2, 1, then Ann and Eve (none not watched, one
   * incorrect each) by name; Dee and Gus have nothing to chase. */
  g_assert_cmpuint (attention->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (ap_user_get_name (g_ptr_array_index (attention, i)), ==, expected[i]);

  g_assert_nonnull (strstr (ap_analysis_get_attention_rule (), "not watched"));
}

static void
test_empty (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ApAnalysis) analysis = ap_analysis_new (users);
  const guint *positions;

  g_assert_cmpuint (ap_analysis_get_n_users (analysis), ==, 0);
  g_assert_cmpuint (ap_analysis_get_n_departments (analysis), ==, 0);
  g_assert_cmpuint (ap_analysis_get_n_videos (analysis), ==, 0);
  g_assert_cmpuint (ap_analysis_get_top_departments (analysis, &positions), ==, 0);
  g_assert_cmpuint (ap_analysis_get_bottom_departments (analysis, &positions), ==, 0);
  g_assert_cmpuint (ap_analysis_get_attention (analysis)->len, ==, 0);
}

static void
on_computed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static void
test_async (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(ApAnalysis) analysis = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  ap_analysis_compute_async (users, NULL, on_computed, &result);
  analysis = ap_analysis_compute_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ap_analysis_get_n_users (analysis), ==, 7);
  g_assert_cmpstr (ap_analysis_get_department (analysis, 0)->name, ==, "HR");
  g_assert_cmpstr (ap_analysis_get_video (analysis, 0)->title, ==, "Phishing");
  g_clear_object (&result);
  g_clear_pointer (&analysis, ap_analysis_unref);

  g_cancellable_cancel (cancellable);
  ap_analysis_compute_async (users, cancellable, on_computed, &result);
  analysis = ap_analysis_compute_finish (wait_for (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (analysis);
}

static void
test_model_async (void)
{
  g_autoptr(GListStore) store = g_list_store_new (AP_TYPE_USER);
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(ApAnalysis) analysis = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ApUser) late = ap_user_new ("Hal", "hal@example.com", "Sales", 0, 0, 9);

  for (guint i = 0; i < users->len; i++)
    g_list_store_append (store, g_ptr_array_index (users, i));

  ap_analysis_compute_model_async (G_LIST_MODEL (store), NULL, on_computed, &result);
  /* Changed before the snapshot is complete: the analysis sees the change. */
  g_list_store_remove (store, 0);
  g_list_store_append (store, late);
  analysis = ap_analysis_compute_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ap_analysis_get_n_users (analysis), ==, 7);
  g_assert_true (g_ptr_array_index (ap_analysis_get_attention (analysis), 0) == late);
  g_assert_cmpuint (ap_analysis_lookup_department (analysis, "Sales")->n_users, ==, 2);
  g_clear_object (&result);
  g_clear_pointer (&analysis, ap_analysis_unref);

  /* Cancelled while the snapshot is being taken */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    ap_analysis_compute_model_async (G_LIST_MODEL (store), cancellable, on_computed, &result);
    g_cancellable_cancel (cancellable);
    analysis = ap_analysis_compute_finish (wait_for (&result), &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (analysis);
  }
}

static void
test_snapshot (void)
{
  g_autoptr(GListStore) store = g_list_store_new (AP_TYPE_USER);
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(GPtrArray) snapshot = NULL;
  g_autoptr(ApAnalysis) analysis = NULL;

  for (guint i = 0; i < users->len; i++)
    g_list_store_append (store, g_ptr_array_index (users, i));

  snapshot = ap_analysis_snapshot_model (G_LIST_MODEL (store));
  g_assert_cmpuint (snapshot->len, ==, 7);
  /* The snapshot does not follow the model afterwards. */
  g_list_store_remove_all (store);
  analysis = ap_analysis_new (snapshot);
  g_assert_cmpuint (ap_analysis_get_n_users (analysis), ==, 7);
  g_assert_cmpuint (ap_analysis_get_attention (analysis)->len, ==, 5);
}

/* More users than the threshold past which the last references are
 * dropped on a thread: the users outlive the analysis by exactly as long as
 * that thread takes, and nothing leaks (valgrind setup). */
static gboolean
weak_ref_is_empty (GWeakRef *ref)
{
  g_autoptr(GObject) object = g_weak_ref_get (ref);

  return object == NULL;
}

static void
test_many (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  ApAnalysis *analysis;
  GWeakRef first;
  gint64 deadline;

  for (guint i = 0; i < 5000; i++)
    add_user (users, "Zed", i % 2 ? "Odd" : "Even", i % 3, i % 5, i % 7);
  g_weak_ref_init (&first, g_ptr_array_index (users, 0));

  analysis = ap_analysis_new (users);
  g_assert_cmpuint (ap_analysis_get_n_departments (analysis), ==, 2);
  g_clear_pointer (&users, g_ptr_array_unref);
  g_assert_false (weak_ref_is_empty (&first));
  ap_analysis_unref (analysis);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!weak_ref_is_empty (&first) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (weak_ref_is_empty (&first));
  g_weak_ref_clear (&first);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/analysis/totals", test_totals);
  g_test_add_func ("/ap/analysis/departments", test_departments);
  g_test_add_func ("/ap/analysis/top-bottom", test_top_bottom);
  g_test_add_func ("/ap/analysis/tally", test_tally);
  g_test_add_func ("/ap/analysis/videos", test_videos);
  g_test_add_func ("/ap/analysis/attention", test_attention);
  g_test_add_func ("/ap/analysis/empty", test_empty);
  g_test_add_func ("/ap/analysis/async", test_async);
  g_test_add_func ("/ap/analysis/model-async", test_model_async);
  g_test_add_func ("/ap/analysis/snapshot", test_snapshot);
  g_test_add_func ("/ap/analysis/many", test_many);

  return g_test_run ();
}
