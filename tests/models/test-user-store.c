/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-user-store"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-user-store.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint n_items_seen;  /* the store's length when the signal ran */
} Change;

typedef struct
{
  GArray *changes;
  guint   n_items_notified;
} Recorder;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *recorder)
{
  Change change = { position, removed, added, g_list_model_get_n_items (model) };

  g_array_append_val (recorder->changes, change);
}

static void
on_n_items (GObject    *object,
            GParamSpec *pspec,
            Recorder   *recorder)
{
  recorder->n_items_notified++;
}

static GPtrArray *
make_users (guint first,
            guint n)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *name = g_strdup_printf ("User %u", i);

      g_ptr_array_add (users, ap_user_new (name, "u@example.com", "Sales", i, 0, 0));
    }
  return users;
}

static void
assert_change (Recorder *recorder,
               guint     index,
               guint     position,
               guint     removed,
               guint     added,
               guint     n_items_seen)
{
  Change *c;

  g_assert_cmpuint (index, <, recorder->changes->len);
  c = &g_array_index (recorder->changes, Change, index);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
  g_assert_cmpuint (c->n_items_seen, ==, n_items_seen);
}

static void
test_batches (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GPtrArray) first = make_users (0, 3);
  g_autoptr(GPtrArray) second = make_users (3, 500);
  g_autoptr(GPtrArray) none = make_users (0, 0);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  Recorder recorder = { changes, 0 };
  guint n_items = 0;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == AP_TYPE_USER);
  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), &recorder);
  g_signal_connect (store, "notify::n-items", G_CALLBACK (on_n_items), &recorder);

  ap_user_store_append_batch (store, first);
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (&recorder, 0, 0, 0, 3, 3);
  g_assert_cmpuint (recorder.n_items_notified, ==, 1);

  ap_user_store_append_batch (store, second);
  g_assert_cmpuint (changes->len, ==, 2);
  assert_change (&recorder, 1, 3, 0, 500, 503);
  g_assert_cmpuint (recorder.n_items_notified, ==, 2);

  /* an empty batch changes nothing and says nothing */
  ap_user_store_append_batch (store, none);
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpuint (recorder.n_items_notified, ==, 2);

  g_object_get (store, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 503);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 503);

  /* order is kept and the store holds its own references */
  g_assert_true (ap_user_store_peek (store, 0) == g_ptr_array_index (first, 0));
  g_assert_true (ap_user_store_peek (store, 3) == g_ptr_array_index (second, 0));
  g_assert_true (ap_user_store_peek (store, 502) == g_ptr_array_index (second, 499));
  g_clear_pointer (&second, g_ptr_array_unref);
  g_assert_cmpuint (ap_user_get_num_correct (ap_user_store_peek (store, 502)), ==, 502);

  {
    g_autoptr(ApUser) item = g_list_model_get_item (G_LIST_MODEL (store), 1);
    g_assert_true (item == g_ptr_array_index (first, 1));
    g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), 503));
  }
}

static void
test_clear (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GPtrArray) users = make_users (0, 5);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  Recorder recorder = { changes, 0 };
  GWeakRef weak;

  ap_user_store_append_batch (store, users);
  g_weak_ref_init (&weak, g_ptr_array_index (users, 4));
  g_clear_pointer (&users, g_ptr_array_unref);

  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), &recorder);
  g_signal_connect (store, "notify::n-items", G_CALLBACK (on_n_items), &recorder);

  ap_user_store_clear (store);
  g_assert_cmpuint (changes->len, ==, 1);
  /* handlers already see the empty store */
  assert_change (&recorder, 0, 0, 5, 0, 0);
  g_assert_cmpuint (recorder.n_items_notified, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  /* the users were released */
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  /* clearing an empty store says nothing */
  ap_user_store_clear (store);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (recorder.n_items_notified, ==, 1);

  /* and it fills again from position 0 */
  users = make_users (0, 2);
  ap_user_store_append_batch (store, users);
  assert_change (&recorder, 1, 0, 0, 2, 2);
}

/* A batch handed over (transfer full) is the store's without a new
 * reference a user; the last batch appended can be shared whole, and a
 * holder of it keeps its users past a clear. */
static void
test_take_and_share (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  Recorder recorder = { changes, 0 };
  GPtrArray *users = make_users (0, 4);
  g_autoptr(GPtrArray) shared = NULL;
  ApUser *kept;
  GWeakRef weak;

  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), &recorder);
  g_signal_connect (store, "notify::n-items", G_CALLBACK (on_n_items), &recorder);

  kept = g_ptr_array_index (users, 2);
  g_weak_ref_init (&weak, kept);
  ap_user_store_take_batch (store, users);   /* the array is the store's now */
  assert_change (&recorder, 0, 0, 0, 4, 4);
  g_assert_true (ap_user_store_peek (store, 2) == kept);

  /* Only the last batch, and only as a whole. */
  g_assert_null (ap_user_store_ref_batch (store, 0, 3));
  g_assert_null (ap_user_store_ref_batch (store, 1, 4));
  shared = ap_user_store_ref_batch (store, 0, 4);
  g_assert_nonnull (shared);
  g_assert_cmpuint (shared->len, ==, 4);
  g_assert_true (g_ptr_array_index (shared, 2) == kept);

  {
    g_autoptr(GPtrArray) more = make_users (4, 3);
    g_autoptr(GPtrArray) last = NULL;

    ap_user_store_append_batch (store, more);
    assert_change (&recorder, 1, 4, 0, 3, 7);
    g_assert_null (ap_user_store_ref_batch (store, 0, 4));
    last = ap_user_store_ref_batch (store, 4, 3);
    g_assert_nonnull (last);
    /* a copy, holding references of its own */
    g_assert_true (last != more);
    g_assert_true (g_ptr_array_index (last, 0) == g_ptr_array_index (more, 0));
  }

  /* The holder of a batch keeps its users through a clear. */
  ap_user_store_clear (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_null (ap_user_store_ref_batch (store, 0, 4));
  {
    g_autoptr(GObject) alive = g_weak_ref_get (&weak);

    g_assert_true (alive == G_OBJECT (kept));
  }
  g_clear_pointer (&shared, g_ptr_array_unref);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  /* An empty batch is taken and dropped, with no signal. */
  ap_user_store_take_batch (store, g_ptr_array_new_with_free_func (g_object_unref));
  g_assert_cmpuint (changes->len, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/user-store/batches", test_batches);
  g_test_add_func ("/ap/user-store/clear", test_clear);
  g_test_add_func ("/ap/user-store/take-and-share", test_take_and_share);

  return g_test_run ();
}
