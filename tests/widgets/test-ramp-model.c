/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ramp-model"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-ramp-model.h"

/* Every emission is applied to a mirror, reading the items while the
 * signal runs as a list view does; after every change the mirror must be
 * the first "limit" items of the model below. */
typedef struct
{
  GListStore  *store;
  ApRampModel *ramp;
  GPtrArray   *mirror;
  guint        n_emissions;
  guint        n_removed;     /* rows removed by all emissions */
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->n_emissions++;
  f->n_removed += removed;
  g_assert_cmpuint (position + removed, <=, f->mirror->len);
  g_ptr_array_remove_range (f->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      GObject *item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (f->mirror, position + i, item);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, f->mirror->len);
  g_assert_null (g_list_model_get_item (model, f->mirror->len));
  /* The items before the change are what they were. */
  for (guint i = 0; i < f->mirror->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (f->mirror, i));
    }
}

static void
assert_prefix (Fixture *f)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->store));
  guint limit = ap_ramp_model_get_limit (f->ramp);

  g_assert_cmpuint (f->mirror->len, ==, MIN (n, limit));
  for (guint i = 0; i < f->mirror->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (f->store), i);

      g_assert_true (item == g_ptr_array_index (f->mirror, i));
    }
}

static GObject **
new_items (guint n)
{
  GObject **items = g_new (GObject *, n + 1);

  for (guint i = 0; i < n; i++)
    items[i] = g_object_new (G_TYPE_OBJECT, NULL);
  items[n] = NULL;
  return items;
}

static void
splice (Fixture *f,
        guint    position,
        guint    removed,
        guint    added)
{
  GObject **items = new_items (added);

  g_list_store_splice (f->store, position, removed, (gpointer *) items, added);
  for (guint i = 0; i < added; i++)
    g_object_unref (items[i]);
  g_free (items);
  assert_prefix (f);
}

static void
fixture_init (Fixture *f,
              guint    n,
              guint    limit)
{
  f->store = g_list_store_new (G_TYPE_OBJECT);
  f->ramp = ap_ramp_model_new (G_LIST_MODEL (f->store), limit);
  f->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  f->n_emissions = 0;
  f->n_removed = 0;
  g_signal_connect (f->ramp, "items-changed", G_CALLBACK (on_items_changed), f);
  splice (f, 0, 0, n);
}

static void
fixture_clear (Fixture *f)
{
  g_assert_finalize_object (f->ramp);
  g_assert_finalize_object (f->store);
  g_ptr_array_unref (f->mirror);
}

/* Insertions below the limit add only the new rows and drop only the rows
 * pushed past the limit: rows that stay are never removed and added again
 * (a list view would rebuild their widgets). */
static void
test_insertions (void)
{
  Fixture f;

  fixture_init (&f, 30, 20);
  f.n_removed = 0;

  splice (&f, 5, 0, 3);           /* 3 in, 3 pushed out */
  g_assert_cmpuint (f.n_removed, ==, 3);
  splice (&f, 19, 0, 10);         /* 1 in (the limit), 1 out */
  g_assert_cmpuint (f.n_removed, ==, 4);
  splice (&f, 20, 0, 10);         /* past the limit: nothing */
  g_assert_cmpuint (f.n_removed, ==, 4);
  splice (&f, 0, 0, 40);          /* all 20 replaced by new rows */
  g_assert_cmpuint (f.n_removed, ==, 24);

  /* Below a limit not yet reached nothing is pushed out. */
  ap_ramp_model_set_limit (f.ramp, 1000);
  assert_prefix (&f);
  f.n_removed = 0;
  splice (&f, 7, 0, 5);
  g_assert_cmpuint (f.n_removed, ==, 0);

  fixture_clear (&f);
}

/* Below its grow end, a few rows inserted below the limit grow it: no
 * row is pushed out. Many at once, or past the end, push rows out. */
static void
test_grow (void)
{
  Fixture f;

  fixture_init (&f, 40, 20);
  ap_ramp_model_set_grow_end (f.ramp, 30);
  f.n_removed = 0;

  splice (&f, 5, 0, 3);
  g_assert_cmpuint (ap_ramp_model_get_limit (f.ramp), ==, 23);
  g_assert_cmpuint (f.n_removed, ==, 0);
  splice (&f, 0, 0, 12);          /* a new order: not taken whole */
  g_assert_cmpuint (ap_ramp_model_get_limit (f.ramp), ==, 23);
  g_assert_cmpuint (f.n_removed, ==, 12);
  splice (&f, 22, 0, 7);          /* across the limit: pushes one out */
  g_assert_cmpuint (ap_ramp_model_get_limit (f.ramp), ==, 23);
  g_assert_cmpuint (f.n_removed, ==, 13);
  splice (&f, 22, 0, 1);          /* one row below the limit: grows to 24 */
  g_assert_cmpuint (ap_ramp_model_get_limit (f.ramp), ==, 24);
  for (guint i = 0; i < 6; i++)
    splice (&f, 1, 0, 1);
  g_assert_cmpuint (ap_ramp_model_get_limit (f.ramp), ==, 30);
  splice (&f, 1, 0, 1);           /* at the end: pushes one out */
  g_assert_cmpuint (ap_ramp_model_get_limit (f.ramp), ==, 30);
  g_assert_cmpuint (f.n_removed, ==, 14);

  fixture_clear (&f);
}

/* Removals below the limit remove those rows, then rows from past the
 * limit move up. */
static void
test_removals (void)
{
  Fixture f;

  fixture_init (&f, 40, 20);
  splice (&f, 3, 4, 0);
  splice (&f, 15, 10, 0);         /* 5 of them shown */
  splice (&f, 0, 20, 0);
  splice (&f, 2, 1, 0);           /* fewer than the limit left */
  fixture_clear (&f);
}

/* Anything else, at random, against the mirror; the limit grows, shrinks
 * and ends, as the users view's ramp does. */
static void
test_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  Fixture f;

  fixture_init (&f, 50, 25);
  ap_ramp_model_set_grow_end (f.ramp, 40);
  for (guint step = 0; step < 2000; step++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (f.store));
      guint position = g_rand_int_range (rand, 0, n + 1);
      guint removed = g_rand_boolean (rand) ? g_rand_int_range (rand, 0, n - position + 1) / 3 : 0;
      guint added = g_rand_boolean (rand) ? (guint) g_rand_int_range (rand, 0, 12) : 0;

      splice (&f, position, removed, added);

      if (step % 97 == 0)
        {
          guint limit = step % 3 == 0 ? G_MAXUINT : (guint) g_rand_int_range (rand, 0, 60);

          ap_ramp_model_set_limit (f.ramp, limit);
          assert_prefix (&f);
        }
    }
  fixture_clear (&f);
}

static gboolean
on_give_up (gpointer user_data)
{
  g_error ("the ramp did not reach its end in time");
  return G_SOURCE_REMOVE;
}

/* Driven by a widget's frames: nothing moves while the widget is off
 * screen; on screen a few more items a frame, every emission consistent,
 * then everything. A restart empties it and it ramps up again. */
static void
test_drive (void)
{
  GtkWidget *window;
  GtkWidget *label;
  guint timeout;
  guint last = 0;
  Fixture f;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return;
    }

  fixture_init (&f, 50, 0);
  window = gtk_window_new ();
  label = gtk_label_new ("list");
  gtk_window_set_child (GTK_WINDOW (window), label);
  ap_ramp_model_drive (f.ramp, label, 5, 12);

  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (ap_ramp_model_get_limit (f.ramp), ==, 0);
  g_assert_cmpuint (f.mirror->len, ==, 0);

  timeout = g_timeout_add_seconds (20, on_give_up, NULL);
  for (guint round = 0; round < 2; round++)
    {
      guint last_limit = 0;

      gtk_window_present (GTK_WINDOW (window));
      while (ap_ramp_model_get_limit (f.ramp) != G_MAXUINT)
        {
          last_limit = ap_ramp_model_get_limit (f.ramp);
          g_main_context_iteration (NULL, TRUE);
          /* Never more than one step a frame, until the end lets all in. */
          if (ap_ramp_model_get_limit (f.ramp) != G_MAXUINT)
            g_assert_cmpuint (f.mirror->len, <=, last + 5);
          last = f.mirror->len;
          assert_prefix (&f);
        }
      assert_prefix (&f);
      g_assert_cmpuint (f.mirror->len, ==, 50);
      /* The ramp reached its end exactly before everything came in. */
      g_assert_cmpuint (last_limit, ==, 12);

      ap_ramp_model_restart (f.ramp);
      g_assert_cmpuint (f.mirror->len, ==, 0);
      last = 0;
    }
  g_source_remove (timeout);

  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/ramp-model/drive", test_drive);

  g_test_add_func ("/ap/ramp-model/insertions", test_insertions);
  g_test_add_func ("/ap/ramp-model/removals", test_removals);
  g_test_add_func ("/ap/ramp-model/grow", test_grow);
  g_test_add_func ("/ap/ramp-model/random", test_random);

  return g_test_run ();
}
