/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-summary"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-summary.h"
#include "ap-user-store.h"

typedef struct
{
  guint changed;
  guint items_changed;
  guint last_position;
  guint last_removed;
  guint last_added;
  GString *notified;  /* "prop;prop;" of the summary */
} Recorder;

static void
on_changed (ApSummary *summary,
            Recorder  *recorder)
{
  recorder->changed++;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *recorder)
{
  recorder->items_changed++;
  recorder->last_position = position;
  recorder->last_removed = removed;
  recorder->last_added = added;
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           GString    *log)
{
  g_string_append_printf (log, "%s;", pspec->name);
}

static void
add_user (GPtrArray  *users,
          const char *department,
          guint       correct,
          guint       incorrect,
          guint       not_watched)
{
  g_ptr_array_add (users, ap_user_new ("someone", "someone@example.com", department,
                                       correct, incorrect, not_watched));
}

static void
recorder_connect (Recorder  *recorder,
                  ApSummary *summary)
{
  recorder->notified = g_string_new (NULL);
  g_signal_connect (summary, "changed", G_CALLBACK (on_changed), recorder);
  g_signal_connect (ap_summary_get_departments (summary), "items-changed",
                    G_CALLBACK (on_items_changed), recorder);
  g_signal_connect (summary, "notify", G_CALLBACK (on_notify), recorder->notified);
}

static ApDepartmentSummary *
department_at (ApSummary *summary,
               guint      position)
{
  g_autoptr(ApDepartmentSummary) dept =
    g_list_model_get_item (ap_summary_get_departments (summary), position);

  g_assert_nonnull (dept);
  /* the model holds it; a borrowed pointer is enough for the test */
  return dept;
}

static void
test_batches (void)
{
  g_autoptr(ApSummary) summary = ap_summary_new ();
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) third = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sales_notified = g_string_new (NULL);
  g_autoptr(GString) legal_notified = g_string_new (NULL);
  GListModel *departments = ap_summary_get_departments (summary);
  ApDepartmentSummary *sales, *legal, *none;
  Recorder recorder = { 0 };
  guint64 n_users = 0;

  recorder_connect (&recorder, summary);
  g_assert_true (g_list_model_get_item_type (departments) == AP_TYPE_DEPARTMENT_SUMMARY);

  add_user (first, "Sales", 5, 1, 2);
  add_user (first, "Legal", 3, 0, 0);
  add_user (first, "Sales", 1, 1, 1);
  ap_summary_add_batch (summary, first);

  g_assert_cmpuint (recorder.changed, ==, 1);
  g_assert_cmpuint (recorder.items_changed, ==, 1);
  g_assert_cmpuint (recorder.last_position, ==, 0);
  g_assert_cmpuint (recorder.last_removed, ==, 0);
  g_assert_cmpuint (recorder.last_added, ==, 2);
  g_assert_cmpstr (recorder.notified->str, ==,
                   "n-users;num-correct;num-incorrect;num-not-watched;");

  g_assert_cmpuint (ap_summary_get_n_users (summary), ==, 3);
  g_assert_cmpuint (ap_summary_get_num_correct (summary), ==, 9);
  g_assert_cmpuint (ap_summary_get_num_incorrect (summary), ==, 2);
  g_assert_cmpuint (ap_summary_get_num_not_watched (summary), ==, 3);
  g_object_get (summary, "n-users", &n_users, NULL);
  g_assert_cmpuint (n_users, ==, 3);

  /* departments in order of first appearance */
  sales = department_at (summary, 0);
  legal = department_at (summary, 1);
  g_assert_cmpstr (ap_department_summary_get_name (sales), ==, "Sales");
  g_assert_cmpstr (ap_department_summary_get_name (legal), ==, "Legal");
  g_assert_true (ap_summary_lookup_department (summary, "Sales") == sales);
  g_assert_null (ap_summary_lookup_department (summary, "Nobody"));
  g_assert_cmpuint (ap_department_summary_get_n_users (sales), ==, 2);
  g_assert_cmpuint (ap_department_summary_get_num_correct (sales), ==, 6);
  g_assert_cmpuint (ap_department_summary_get_num_incorrect (sales), ==, 2);
  g_assert_cmpuint (ap_department_summary_get_num_not_watched (sales), ==, 3);
  g_assert_cmpfloat_with_epsilon (ap_department_summary_get_not_watched_share (sales),
                                  3.0 / 11.0, 1e-12);
  g_assert_cmpfloat (ap_department_summary_get_not_watched_share (legal), ==, 0.0);

  g_signal_connect (sales, "notify", G_CALLBACK (on_notify), sales_notified);
  g_signal_connect (legal, "notify", G_CALLBACK (on_notify), legal_notified);
  g_string_truncate (recorder.notified, 0);

  /* a batch with only known departments: no items-changed; only what
   * changed is notified, once */
  add_user (second, "Sales", 0, 4, 0);
  add_user (second, "Sales", 0, 1, 0);
  ap_summary_add_batch (summary, second);
  g_assert_cmpuint (recorder.changed, ==, 2);
  g_assert_cmpuint (recorder.items_changed, ==, 1);
  g_assert_cmpstr (sales_notified->str, ==, "n-users;num-incorrect;");
  g_assert_cmpstr (legal_notified->str, ==, "");
  g_assert_cmpstr (recorder.notified->str, ==, "n-users;num-incorrect;");
  g_assert_cmpuint (ap_department_summary_get_num_incorrect (sales), ==, 7);

  /* new departments are appended after the known ones in one signal;
   * users without a department count under "" */
  g_string_truncate (sales_notified, 0);
  add_user (third, "IT", 1, 0, 0);
  add_user (third, NULL, 0, 0, 9);
  add_user (third, "Legal", 2, 0, 0);
  add_user (third, "", 0, 0, 1);
  ap_summary_add_batch (summary, third);
  g_assert_cmpuint (recorder.changed, ==, 3);
  g_assert_cmpuint (recorder.items_changed, ==, 2);
  g_assert_cmpuint (recorder.last_position, ==, 2);
  g_assert_cmpuint (recorder.last_removed, ==, 0);
  g_assert_cmpuint (recorder.last_added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (departments), ==, 4);
  g_assert_cmpstr (ap_department_summary_get_name (department_at (summary, 2)), ==, "IT");
  none = department_at (summary, 3);
  g_assert_cmpstr (ap_department_summary_get_name (none), ==, "");
  g_assert_cmpuint (ap_department_summary_get_n_users (none), ==, 2);
  g_assert_cmpuint (ap_department_summary_get_num_not_watched (none), ==, 10);
  g_assert_cmpstr (legal_notified->str, ==, "n-users;num-correct;");
  g_assert_cmpstr (sales_notified->str, ==, "");
  g_assert_cmpuint (ap_summary_get_n_users (summary), ==, 9);

  g_string_free (recorder.notified, TRUE);
}

static void
test_clear (void)
{
  g_autoptr(ApSummary) summary = ap_summary_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  Recorder recorder = { 0 };

  add_user (users, "A", 1, 2, 3);
  add_user (users, "B", 1, 0, 0);
  add_user (users, "C", 1, 0, 0);
  ap_summary_add_batch (summary, users);
  recorder_connect (&recorder, summary);

  ap_summary_clear (summary);
  g_assert_cmpuint (recorder.changed, ==, 1);
  g_assert_cmpuint (recorder.items_changed, ==, 1);
  g_assert_cmpuint (recorder.last_position, ==, 0);
  g_assert_cmpuint (recorder.last_removed, ==, 3);
  g_assert_cmpuint (recorder.last_added, ==, 0);
  g_assert_cmpstr (recorder.notified->str, ==,
                   "n-users;num-correct;num-incorrect;num-not-watched;");
  g_assert_cmpuint (ap_summary_get_n_users (summary), ==, 0);
  g_assert_cmpuint (ap_summary_get_num_not_watched (summary), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ap_summary_get_departments (summary)), ==, 0);
  g_assert_null (ap_summary_lookup_department (summary, "A"));

  /* "changed" once per call even when nothing changed; nothing else */
  g_string_truncate (recorder.notified, 0);
  ap_summary_clear (summary);
  ap_summary_add_batch (summary, empty);
  g_assert_cmpuint (recorder.changed, ==, 3);
  g_assert_cmpuint (recorder.items_changed, ==, 1);
  g_assert_cmpstr (recorder.notified->str, ==, "");

  /* departments come back fresh */
  ap_summary_add_batch (summary, users);
  g_assert_cmpuint (recorder.last_position, ==, 0);
  g_assert_cmpuint (recorder.last_added, ==, 3);
  g_assert_cmpuint (ap_department_summary_get_n_users (ap_summary_lookup_department (summary, "A")),
                    ==, 1);

  g_string_free (recorder.notified, TRUE);
}

static void
test_add_model (void)
{
  g_autoptr(ApSummary) summary = ap_summary_new ();
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListStore) list = g_list_store_new (AP_TYPE_USER);
  Recorder recorder = { 0 };

  for (guint i = 0; i < 100; i++)
    add_user (users, i % 3 == 0 ? "Finance" : "Support", 1, i % 2, 2);
  ap_user_store_append_batch (store, users);
  recorder_connect (&recorder, summary);

  ap_summary_add_model (summary, G_LIST_MODEL (store));
  g_assert_cmpuint (recorder.changed, ==, 1);
  g_assert_cmpuint (recorder.items_changed, ==, 1);
  g_assert_cmpuint (ap_summary_get_n_users (summary), ==, 100);
  g_assert_cmpuint (ap_summary_get_num_incorrect (summary), ==, 50);
  g_assert_cmpuint (ap_summary_get_num_not_watched (summary), ==, 200);
  g_assert_cmpuint (ap_department_summary_get_n_users (ap_summary_lookup_department (summary,
                                                                                     "Finance")),
                    ==, 34);

  /* any GListModel of users, e.g. a filtered view */
  g_list_store_append (list, g_ptr_array_index (users, 0));
  ap_summary_clear (summary);
  ap_summary_add_model (summary, G_LIST_MODEL (list));
  g_assert_cmpuint (ap_summary_get_n_users (summary), ==, 1);
  g_assert_cmpuint (recorder.changed, ==, 3);

  g_string_free (recorder.notified, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/summary/batches", test_batches);
  g_test_add_func ("/ap/summary/clear", test_clear);
  g_test_add_func ("/ap/summary/add-model", test_add_model);

  return g_test_run ();
}
