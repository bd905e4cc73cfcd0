/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-user-list-model"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-user-list-model.h"

/* Every emission is applied to a mirror of the model (the items fetched
 * while the signal runs, as a view would); after every step the mirror must
 * equal the model and a reference computed from scratch. */
typedef struct
{
  ApUserListModel *model;
  GPtrArray       *mirror;     /* ApUser, as the emissions built it */
  GArray          *changes;    /* Change */
} Fixture;

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  Change change = { position, removed, added };

  g_array_append_val (f->changes, change);
  g_assert_cmpuint (position + removed, <=, f->mirror->len);
  g_ptr_array_remove_range (f->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      ApUser *user = g_list_model_get_item (model, position + i);

      g_assert_nonnull (user);
      g_ptr_array_insert (f->mirror, position + i, user);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, f->mirror->len);
  g_assert_null (g_list_model_get_item (model, f->mirror->len));
}

static void
fixture_init (Fixture *f)
{
  f->model = ap_user_list_model_new ();
  f->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  f->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_signal_connect (f->model, "items-changed", G_CALLBACK (on_items_changed), f);
}

static gboolean on_timeout (gpointer user_data);

static gboolean
on_poll (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_clear (Fixture *f)
{
  guint timeout = g_timeout_add_seconds (20, on_timeout, NULL);
  guint poll = g_timeout_add (5, on_poll, NULL);

  /* A superseded sort may still run on a worker, holding the model; its
   * thread drops that reference without waking the main context. */
  while (G_OBJECT (f->model)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (poll);
  g_source_remove (timeout);
  g_assert_finalize_object (f->model);
  g_ptr_array_unref (f->mirror);
  g_array_unref (f->changes);
}

static void
on_replacing (Fixture *f,
              guint    position,
              guint    n_new,
              guint    n_old)
{
  Change change = { G_MAXUINT, n_old, n_new };

  g_assert_cmpuint (position, ==, 0);
  g_array_append_val (f->changes, change);
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("the model did not settle in time");
  return G_SOURCE_REMOVE;
}

/* Bounded: the workers finish in milliseconds. */
static void
settle (Fixture *f)
{
  guint timeout = g_timeout_add_seconds (20, on_timeout, NULL);

  while (ap_user_list_model_get_pending (f->model) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

/* The reference: the store's users that match, sorted with g_utf8_collate
 * on the strings themselves (not on keys). */
typedef struct
{
  ApUserSortColumn column;
  gboolean         descending;
  const char      *needle;       /* raw, folded here */
  const char      *department;
  GHashTable      *index;        /* ApUser -> store position + 1 */
  GHashTable      *accept;       /* (nullable) the users a filter function lets through */
} Reference;

static int
reference_compare (gconstpointer pa,
                   gconstpointer pb,
                   gpointer      user_data)
{
  Reference *ref = user_data;
  ApUser *a = *(ApUser **) pa;
  ApUser *b = *(ApUser **) pb;
  int result = 0;

  switch (ref->column)
    {
    case AP_USER_SORT_NAME:
      result = g_utf8_collate (ap_user_get_name (a), ap_user_get_name (b));
      break;
    case AP_USER_SORT_EMAIL:
      result = g_utf8_collate (ap_user_get_email (a), ap_user_get_email (b));
      break;
    case AP_USER_SORT_DEPARTMENT:
      result = g_utf8_collate (ap_user_get_department (a), ap_user_get_department (b));
      break;
    case AP_USER_SORT_CORRECT:
      result = (int) ap_user_get_num_correct (a) - (int) ap_user_get_num_correct (b);
      break;
    case AP_USER_SORT_INCORRECT:
      result = (int) ap_user_get_num_incorrect (a) - (int) ap_user_get_num_incorrect (b);
      break;
    case AP_USER_SORT_NOT_WATCHED:
      result = (int) ap_user_get_num_not_watched (a) - (int) ap_user_get_num_not_watched (b);
      break;
    case AP_USER_SORT_NONE:
    default:
      break;
    }

  result = (result > 0) - (result < 0);
  if (ref->descending)
    result = -result;
  if (result == 0 && ref->column != AP_USER_SORT_NONE)
    result = g_utf8_collate (ap_user_get_name (a), ap_user_get_name (b));
  if (result == 0)
    result = GPOINTER_TO_INT (g_hash_table_lookup (ref->index, a)) -
             GPOINTER_TO_INT (g_hash_table_lookup (ref->index, b));
  return result;
}

static gboolean
field_contains (const char *field,
                const char *needle)
{
  g_autofree char *folded = ap_user_list_model_fold (field, -1);

  return strstr (folded, needle) != NULL;
}

static GPtrArray *
reference_compute (GListModel *store,
                   Reference  *ref)
{
  GPtrArray *expected = g_ptr_array_new ();
  g_autofree char *needle = NULL;
  guint n = g_list_model_get_n_items (store);

  /* The model strips the query; blank is no query. */
  if (ref->needle != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (ref->needle));

      if (*stripped != '\0')
        needle = ap_user_list_model_fold (stripped, -1);
    }

  ref->index = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < n; i++)
    {
      ApUser *user = ap_user_store_peek (AP_USER_STORE (store), i);

      g_hash_table_insert (ref->index, user, GINT_TO_POINTER (i + 1));
      if (ref->department != NULL && strcmp (ap_user_get_department (user), ref->department) != 0)
        continue;
      if (ref->accept != NULL && !g_hash_table_contains (ref->accept, user))
        continue;
      if (needle != NULL &&
          !field_contains (ap_user_get_name (user), needle) &&
          !field_contains (ap_user_get_email (user), needle) &&
          !field_contains (ap_user_get_department (user), needle))
        continue;
      g_ptr_array_add (expected, user);
    }

  g_ptr_array_sort_with_data (expected, reference_compare, ref);
  g_clear_pointer (&ref->index, g_hash_table_unref);
  return expected;
}

static void
assert_matches_reference (Fixture     *f,
                          ApUserStore *store,
                          Reference   *ref)
{
  g_autoptr(GPtrArray) expected = reference_compute (G_LIST_MODEL (store), ref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->model));

  g_assert_cmpuint (n, ==, expected->len);
  g_assert_cmpuint (f->mirror->len, ==, expected->len);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (G_LIST_MODEL (f->model), i);

      if (user != g_ptr_array_index (expected, i))
        g_error ("row %u: %s, expected %s", i, ap_user_get_name (user),
                 ap_user_get_name (g_ptr_array_index (expected, i)));
      g_assert_true (g_ptr_array_index (f->mirror, i) == user);
    }
}

static const char *first_names[] = {
  "Anna", "anna", "Émile", "Emile", "José", "Jose", "Zoë", "Björn", "Łukasz", "Søren",
  "Σοφία", "Ёлка", "Андрей", "山田", "田中", "Ann-Marie", "ann marie", "Ömer", "Straße", "Chloé",
};

static const char *departments[] = { "Sales", "Ventes", "Entwicklung", "Éducation", "", "Продажи" };

/* Deterministic users with many equal keys: names repeat exactly (the store
 * order must then decide), counts have few values. */
static GPtrArray *
make_users (guint first,
            guint n)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = first; i < first + n; i++)
    {
      guint h = i * 2654435761u;
      g_autofree char *name = g_strdup_printf ("%s %s", first_names[h % G_N_ELEMENTS (first_names)],
                                               first_names[(h >> 8) % 7]);
      g_autofree char *email = g_strdup_printf ("u%u@%s.example", (h >> 4) % 97,
                                                (h >> 12) % 2 ? "corp" : "Ünï");

      g_ptr_array_add (users, ap_user_new (name, email,
                                           departments[(h >> 16) % G_N_ELEMENTS (departments)],
                                           (h >> 3) % 4, (h >> 7) % 3, (h >> 11) % 5));
    }
  return users;
}

static void
append (ApUserStore *store,
        guint        n)
{
  g_autoptr(GPtrArray) users =
    make_users (g_list_model_get_n_items (G_LIST_MODEL (store)), n);

  ap_user_store_append_batch (store, users);
}

static void
test_every_column (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  Fixture f;

  fixture_init (&f);
  append (store, 300);
  append (store, 250);
  ap_user_list_model_set_store (f.model, store);
  settle (&f);

  for (ApUserSortColumn column = AP_USER_SORT_NONE; column <= AP_USER_SORT_NOT_WATCHED; column++)
    for (int descending = 0; descending < 2; descending++)
      {
        Reference ref = { column, descending, NULL, NULL, NULL };

        ap_user_list_model_set_sort (f.model, column, descending);
        settle (&f);
        assert_matches_reference (&f, store, &ref);
      }

  ap_user_list_model_set_store (f.model, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 0);
  g_assert_cmpuint (f.mirror->len, ==, 0);
  fixture_clear (&f);
}

/* Users equal on the sorted column stay in Name order, and users equal on
 * everything stay in store order, whatever the direction. */
static void
test_stability (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  const char *expected_asc[] = { "a", "b", "b", "c", "a", "b" };
  guint expected_positions[] = { 3, 1, 4, 0, 2, 5 };
  Fixture f;

  /* store order: name, correct */
  g_ptr_array_add (users, ap_user_new ("c", "x", "", 1, 0, 0));   /* 0 */
  g_ptr_array_add (users, ap_user_new ("b", "x", "", 1, 0, 0));   /* 1 */
  g_ptr_array_add (users, ap_user_new ("a", "x", "", 2, 0, 0));   /* 2 */
  g_ptr_array_add (users, ap_user_new ("a", "x", "", 1, 0, 0));   /* 3 */
  g_ptr_array_add (users, ap_user_new ("b", "x", "", 1, 0, 0));   /* 4 */
  g_ptr_array_add (users, ap_user_new ("b", "x", "", 2, 0, 0));   /* 5 */
  ap_user_store_append_batch (store, users);

  fixture_init (&f);
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_CORRECT, FALSE);
  ap_user_list_model_set_store (f.model, store);
  settle (&f);

  for (guint i = 0; i < users->len; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (G_LIST_MODEL (f.model), i);

      g_assert_cmpstr (ap_user_get_name (user), ==, expected_asc[i]);
      g_assert_true (user == g_ptr_array_index (users, expected_positions[i]));
    }

  /* Descending reverses the column only: the ties keep Name then store order. */
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_CORRECT, TRUE);
  settle (&f);
  {
    guint expected_desc[] = { 2, 5, 3, 1, 4, 0 };

    for (guint i = 0; i < users->len; i++)
      {
        g_autoptr(ApUser) user = g_list_model_get_item (G_LIST_MODEL (f.model), i);

        g_assert_true (user == g_ptr_array_index (users, expected_desc[i]));
      }
  }

  fixture_clear (&f);
}

static void
test_fold (void)
{
  struct { const char *text; const char *folded; } cases[] = {
    { "Émile", "emile" },
    { "EMILE", "emile" },
    { "José Núñez", "jose nunez" },
    { "Straße", "strasse" },
    { "ΣΟΦΊΑ", "σοφια" },
    { "Σοφία", "σοφια" },
    { "Ёлка", "елка" },
    { "Андрей", "андреи" },   /* й is и with a breve: folded like any accent */
    { "山田", "山田" },
    { "ＡＢＣ", "abc" },
    { "Łukasz", "łukasz" },   /* a letter of its own, not a mark */
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = ap_user_list_model_fold (cases[i].text, -1);

      g_assert_cmpstr (folded, ==, cases[i].folded);
    }
}

static guint
count_search (Fixture    *f,
              const char *text)
{
  ap_user_list_model_set_search (f->model, text);
  return g_list_model_get_n_items (G_LIST_MODEL (f->model));
}

static void
test_search_folding (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  Fixture f;

  g_ptr_array_add (users, ap_user_new ("José Núñez", "jose@example.com", "Ventes", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("ÉMILE Zola", "ez@example.com", "", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("Σοφία Παπαδοπούλου", "s@example.gr", "Πωλήσεις", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("Ёлка Иванова", "e@example.ru", "Продажи", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("山田太郎", "t@example.jp", "営業", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("Hans Straße", "h@example.de", "Vertrieb", 0, 0, 0));
  ap_user_store_append_batch (store, users);

  fixture_init (&f);
  ap_user_list_model_set_store (f.model, store);
  settle (&f);

  g_assert_cmpuint (count_search (&f, "jose nunez"), ==, 1);
  g_assert_cmpuint (count_search (&f, "JOSÉ"), ==, 1);
  g_assert_cmpuint (count_search (&f, "émile"), ==, 1);
  g_assert_cmpuint (count_search (&f, "emile zola"), ==, 1);
  g_assert_cmpuint (count_search (&f, "ΣΟΦΙΑ"), ==, 1);
  g_assert_cmpuint (count_search (&f, "πωλησεις"), ==, 1);
  g_assert_cmpuint (count_search (&f, "ЕЛКА"), ==, 1);
  g_assert_cmpuint (count_search (&f, "продажи"), ==, 1);
  g_assert_cmpuint (count_search (&f, "田太"), ==, 1);
  g_assert_cmpuint (count_search (&f, "営業"), ==, 1);
  g_assert_cmpuint (count_search (&f, "strasse"), ==, 1);
  g_assert_cmpuint (count_search (&f, "  example  "), ==, 6);
  /* Fields are searched one by one, never across their boundary. */
  g_assert_cmpuint (count_search (&f, "zolaez@"), ==, 0);
  g_assert_cmpuint (count_search (&f, ""), ==, 6);
  g_assert_cmpuint (count_search (&f, NULL), ==, 6);

  fixture_clear (&f);
}

/* Pages arrive while a sort, a search and a department are set, and the
 * sort changes between pages; after each page the mirror built from the
 * emissions equals a recomputation. */
static void
test_pages_arrive (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  Reference ref = { AP_USER_SORT_NAME, FALSE, NULL, NULL, NULL };
  Fixture f;

  fixture_init (&f);
  ap_user_list_model_set_store (f.model, store);
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_NAME, FALSE);

  for (guint page = 0; page < 12; page++)
    {
      append (store, 1 + page * 37 % 120);

      switch (page)
        {
        case 3:
          ref.column = AP_USER_SORT_NOT_WATCHED;
          ref.descending = TRUE;
          break;
        case 5:
          ref.needle = "an";
          break;
        case 7:
          ref.department = "Sales";
          break;
        case 9:
          ref.column = AP_USER_SORT_EMAIL;
          ref.descending = FALSE;
          ref.department = NULL;
          break;
        case 11:
          /* Equal addresses keep Name order in both directions. */
          ref.descending = TRUE;
          break;
        default:
          break;
        }
      ap_user_list_model_set_sort (f.model, ref.column, ref.descending);
      ap_user_list_model_set_search (f.model, ref.needle);
      ap_user_list_model_set_department (f.model, ref.department);
      /* A second page while the first is still being keyed or sorted. */
      if (page % 4 == 2)
        append (store, 20);
      settle (&f);
      assert_matches_reference (&f, store, &ref);
    }

  /* A new fetch clears the store: everything goes in one emission. */
  g_array_set_size (f.changes, 0);
  ap_user_store_clear (store);
  settle (&f);
  g_assert_cmpuint (f.changes->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 0);
  append (store, 40);
  settle (&f);
  assert_matches_reference (&f, store, &ref);

  fixture_clear (&f);
}

/* The users of the store at positions from @from (inclusive) to @to
 * (exclusive), in the order of @in. */
static GPtrArray *
positions_between (ApUserStore *store,
                   GPtrArray   *in,
                   guint        from,
                   guint        to)
{
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    g_hash_table_insert (index, ap_user_store_peek (store, i), GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < in->len; i++)
    {
      guint position = GPOINTER_TO_UINT (g_hash_table_lookup (index, in->pdata[i])) - 1;

      if (position >= from && position < to)
        g_ptr_array_add (out, in->pdata[i]);
    }
  return out;
}

/* While streaming: the first @n_ordered users of the store in the order
 * asked for, then the rest as they arrived, both narrowed as asked. */
static void
assert_streamed (Fixture     *f,
                 ApUserStore *store,
                 Reference   *ref,
                 guint        n_ordered)
{
  Reference arrival = *ref;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_autoptr(GPtrArray) sorted = reference_compute (G_LIST_MODEL (store), ref);
  g_autoptr(GPtrArray) in_store_order = NULL;
  g_autoptr(GPtrArray) head = NULL;
  g_autoptr(GPtrArray) tail = NULL;

  arrival.column = AP_USER_SORT_NONE;
  arrival.descending = FALSE;
  in_store_order = reference_compute (G_LIST_MODEL (store), &arrival);
  head = positions_between (store, sorted, 0, n_ordered);
  tail = positions_between (store, in_store_order, n_ordered, n);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, head->len + tail->len);
  g_assert_cmpuint (f->mirror->len, ==, head->len + tail->len);
  for (guint i = 0; i < head->len + tail->len; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (G_LIST_MODEL (f->model), i);
      ApUser *expected = i < head->len ? head->pdata[i] : tail->pdata[i - head->len];

      if (user != expected)
        g_error ("row %u: %s, expected %s", i, ap_user_get_name (user), ap_user_get_name (expected));
      g_assert_true (g_ptr_array_index (f->mirror, i) == user);
    }
}

/* While a fetch streams in, pages join the end: every emission only adds
 * rows after those shown, so no row shown moves. A sort asked for
 * meanwhile orders what has arrived; the end of the stream sorts
 * everything once, on a worker. Pages that arrive around the end (still
 * being keyed when it ends, or while its sort runs, or after) take their
 * place in the order. */
static void
test_streaming (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  Reference ref = { AP_USER_SORT_NAME, FALSE, NULL, NULL, NULL };
  guint n_ordered = 0;
  Fixture f;

  fixture_init (&f);
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_NAME, FALSE);
  ap_user_list_model_set_store (f.model, store);
  ap_user_list_model_set_streaming (f.model, TRUE);
  g_assert_true (ap_user_list_model_get_streaming (f.model));

  for (guint page = 0; page < 10; page++)
    {
      guint n_before = f.mirror->len;

      g_array_set_size (f.changes, 0);
      append (store, 1 + page * 29 % 90);
      if (page % 3 == 1)
        append (store, 17);   /* a second page while the first is keyed */
      settle (&f);

      if (page == 4)
        {
          /* A search narrows what has arrived, in its order. */
          ref.needle = "an";
          ap_user_list_model_set_search (f.model, ref.needle);
        }
      else if (page == 6)
        {
          /* A sort asked for while streaming orders what has arrived... */
          ref.column = AP_USER_SORT_NOT_WATCHED;
          ref.descending = TRUE;
          ap_user_list_model_set_sort (f.model, ref.column, ref.descending);
          settle (&f);
          n_ordered = g_list_model_get_n_items (G_LIST_MODEL (store));
        }
      else
        {
          /* ...and otherwise a page only adds rows after the ones shown. */
          for (guint c = 0; c < f.changes->len; c++)
            {
              const Change *change = &g_array_index (f.changes, Change, c);

              g_assert_cmpuint (change->removed, ==, 0);
              g_assert_cmpuint (change->position, ==, n_before);
              n_before += change->added;
            }
        }
      assert_streamed (&f, store, &ref, n_ordered);
    }

  /* The end: one new order for everything, then pages merge in again. A
   * page still being keyed when the stream ends, and one that arrives
   * while the end's sort runs, both take their places. */
  append (store, 33);
  ap_user_list_model_set_streaming (f.model, FALSE);
  g_assert_false (ap_user_list_model_get_streaming (f.model));
  append (store, 21);
  settle (&f);
  assert_matches_reference (&f, store, &ref);

  append (store, 12);
  settle (&f);
  assert_matches_reference (&f, store, &ref);

  ref.column = AP_USER_SORT_EMAIL;
  ref.descending = FALSE;
  ref.needle = NULL;
  ap_user_list_model_set_sort (f.model, ref.column, ref.descending);
  ap_user_list_model_set_search (f.model, NULL);
  settle (&f);
  assert_matches_reference (&f, store, &ref);

  /* A second stream after a new fetch cleared the store; it ends while
   * nothing is sorted by a column: the store's order stays. */
  ap_user_store_clear (store);
  ap_user_list_model_set_streaming (f.model, TRUE);
  ref.column = AP_USER_SORT_NONE;
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_NONE, FALSE);
  append (store, 50);
  settle (&f);
  append (store, 50);
  ap_user_list_model_set_streaming (f.model, FALSE);
  settle (&f);
  assert_matches_reference (&f, store, &ref);
  ref.column = AP_USER_SORT_DEPARTMENT;
  ap_user_list_model_set_sort (f.model, ref.column, FALSE);
  settle (&f);
  assert_matches_reference (&f, store, &ref);

  fixture_clear (&f);
}

static void
on_items_changed_min (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      guint      *min_items)
{
  *min_items = MIN (*min_items, g_list_model_get_n_items (model));
}

/* A refresh clears the store and fills it again: the rows shown stay
 * until the new users replace them in one change (never an empty list in
 * between), and a page too large to sort on the main thread is sorted on
 * its worker. A store cleared and left empty loses its rows once the main
 * loop is idle. */
static void
test_refresh (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  Reference ref = { AP_USER_SORT_NOT_WATCHED, TRUE, NULL, NULL, NULL };
  guint min_items = G_MAXUINT;
  Fixture f;

  fixture_init (&f);
  ap_user_list_model_set_sort (f.model, ref.column, ref.descending);
  ap_user_list_model_set_store (f.model, store);
  append (store, 200);
  settle (&f);
  assert_matches_reference (&f, store, &ref);
  g_signal_connect (f.model, "items-changed", G_CALLBACK (on_items_changed_min), &min_items);
  g_signal_connect_swapped (f.model, "replacing", G_CALLBACK (on_replacing), &f);

  g_array_set_size (f.changes, 0);
  ap_user_store_clear (store);
  append (store, 150);
  /* The old rows until the new ones are keyed and sorted. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 200);
  g_assert_cmpuint (ap_user_list_model_get_pending (f.model), >, 0);
  settle (&f);
  assert_matches_reference (&f, store, &ref);
  g_assert_cmpuint (min_items, >, 0);
  /* The new rows in, "replacing", the old rows out. */
  g_assert_cmpuint (f.changes->len, ==, 3);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).added, ==, 150);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).position, ==, G_MAXUINT);
  g_assert_cmpuint (g_array_index (f.changes, Change, 2).removed, ==, 200);
  g_signal_handlers_disconnect_by_func (f.model, on_replacing, &f);

  /* Under a search, and twice in a row before the first refill is keyed. */
  ref.needle = "an";
  ap_user_list_model_set_search (f.model, ref.needle);
  settle (&f);
  min_items = G_MAXUINT;
  ap_user_store_clear (store);
  append (store, 90);
  ap_user_store_clear (store);
  append (store, 120);
  settle (&f);
  assert_matches_reference (&f, store, &ref);
  g_assert_cmpuint (min_items, >, 0);

  /* Cleared for good: the rows go at the next idle, in one change. */
  g_array_set_size (f.changes, 0);
  ap_user_store_clear (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), >, 0);
  settle (&f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 0);
  g_assert_cmpuint (f.changes->len, ==, 1);

  fixture_clear (&f);
}

/* A page merged into few places is emitted run by run. */
static void
test_page_runs (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func (g_object_unref);
  Fixture f;

  for (char c = 'a'; c <= 'j'; c += 2)
    {
      char name[2] = { c, 0 };
      g_ptr_array_add (first, ap_user_new (name, "x", "", 0, 0, 0));   /* a c e g i */
    }
  g_ptr_array_add (second, ap_user_new ("b", "x", "", 0, 0, 0));
  g_ptr_array_add (second, ap_user_new ("f", "x", "", 0, 0, 0));
  g_ptr_array_add (second, ap_user_new ("ff", "x", "", 0, 0, 0));

  fixture_init (&f);
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_NAME, FALSE);
  ap_user_list_model_set_store (f.model, store);
  ap_user_store_append_batch (store, first);
  settle (&f);
  g_array_set_size (f.changes, 0);

  ap_user_store_append_batch (store, second);
  settle (&f);
  /* a b c e f ff g i: b at 1, then f ff at 4 */
  g_assert_cmpuint (f.changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).position, ==, 1);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).removed, ==, 0);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).added, ==, 1);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).position, ==, 4);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).added, ==, 2);

  /* Narrowing to "f" removes the head and the tail around the two. */
  g_array_set_size (f.changes, 0);
  ap_user_list_model_set_search (f.model, "f");
  g_assert_cmpuint (f.changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).removed, ==, 4);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).position, ==, 2);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).removed, ==, 2);
  g_assert_cmpuint (f.mirror->len, ==, 2);

  /* Widening back inserts the same runs again. */
  g_array_set_size (f.changes, 0);
  ap_user_list_model_set_search (f.model, NULL);
  g_assert_cmpuint (f.changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).added, ==, 4);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).position, ==, 6);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).added, ==, 2);

  /* A new order: the new rows before the old, "replacing", the old rows
   * out; never one emission that removes and adds. */
  g_array_set_size (f.changes, 0);
  g_signal_connect_swapped (f.model, "replacing", G_CALLBACK (on_replacing), &f);
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_NAME, TRUE);
  settle (&f);
  g_assert_cmpuint (f.changes->len, ==, 3);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).removed, ==, 0);
  g_assert_cmpuint (g_array_index (f.changes, Change, 0).added, ==, 8);
  /* the signal, recorded as a change of G_MAXUINT */
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).position, ==, G_MAXUINT);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).removed, ==, 8);
  g_assert_cmpuint (g_array_index (f.changes, Change, 1).added, ==, 8);
  g_assert_cmpuint (g_array_index (f.changes, Change, 2).position, ==, 8);
  g_assert_cmpuint (g_array_index (f.changes, Change, 2).removed, ==, 8);
  g_assert_cmpuint (g_array_index (f.changes, Change, 2).added, ==, 0);

  fixture_clear (&f);
}

/* A query typed letter by letter, then erased, then replaced, over a
 * sorted list: every step against a recomputation. */
static void
test_search_narrows_widens (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  const char *steps[] = { "a", "an", "ann", "anna", "ann", "a", "", "é", "ém", "u1", "u1@c",
                          "Ünï", "корп", NULL, "σ", "ο" };
  Reference ref = { AP_USER_SORT_DEPARTMENT, TRUE, NULL, NULL, NULL };
  Fixture f;

  fixture_init (&f);
  append (store, 500);
  append (store, 500);
  ap_user_list_model_set_sort (f.model, ref.column, ref.descending);
  ap_user_list_model_set_store (f.model, store);
  settle (&f);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      ref.needle = steps[i];
      ap_user_list_model_set_search (f.model, steps[i]);
      g_assert_cmpuint (ap_user_list_model_get_pending (f.model), ==, 0);
      assert_matches_reference (&f, store, &ref);
      if (i == 5)
        {
          ref.department = "Ventes";
          ap_user_list_model_set_department (f.model, ref.department);
          assert_matches_reference (&f, store, &ref);
        }
    }

  fixture_clear (&f);
}

static gboolean
accept_in_set (ApUser   *user,
               gpointer  user_data)
{
  return g_hash_table_contains (user_data, user);
}

/* Each user's search text has a mask of the bytes it holds: one bit for
 * each letter and digit, shared bits for the rest, so a needle of one
 * letter or digit is decided by the mask alone and other needles are
 * looked for only in texts with all their bits. Every byte that can be
 * typed, alone and in pairs, with bytes that share a bit (@ and \, whose
 * values differ by a multiple of 28), non-ASCII letters, and with a
 * department and a filter function (the path that reads the entries),
 * against a recomputation; then pages arriving under a one-letter search. */
static void
test_search_masks (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GHashTable) accept = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) odd = g_ptr_array_new_with_free_func (g_object_unref);
  const char *multi[] = { "@", "\\", "x@", "@\\", "\\@", "u1@", ".", "-", " ", "é", "ü", "ł",
                          "σ", "山", "u9", "9", "0", "z", "example", "@ü", "ŁU", "山田" };
  Reference ref = { AP_USER_SORT_EMAIL, FALSE, NULL, NULL, NULL, NULL };
  guint n;
  Fixture f;

  /* Texts with the bytes that share a bit with others, and digits */
  g_ptr_array_add (odd, ap_user_new ("Back\\slash", "b@x.example", "Q&A", 1, 2, 3));
  g_ptr_array_add (odd, ap_user_new ("Tab\tand~tilde", "t_t@x.example", "R&D", 0, 0, 0));
  g_ptr_array_add (odd, ap_user_new ("0 9 Nine", "n9@x.example", "Sales", 0, 0, 0));

  fixture_init (&f);
  append (store, 700);
  ap_user_store_append_batch (store, odd);
  ap_user_list_model_set_sort (f.model, ref.column, ref.descending);
  ap_user_list_model_set_store (f.model, store);
  settle (&f);

  for (guint pass = 0; pass < 3; pass++)
    {
      if (pass == 1)
        {
          ref.department = "Sales";
          ap_user_list_model_set_department (f.model, ref.department);
        }
      else if (pass == 2)
        {
          n = g_list_model_get_n_items (G_LIST_MODEL (store));
          for (guint i = 0; i < n; i += 2)
            g_hash_table_add (accept, ap_user_store_peek (store, i));
          ref.department = NULL;
          ap_user_list_model_set_department (f.model, NULL);
          ref.accept = accept;
          ap_user_list_model_set_filter_func (f.model, accept_in_set, g_hash_table_ref (accept),
                                              (GDestroyNotify) g_hash_table_unref);
        }

      for (int c = 0x20; c < 0x7f; c++)
        {
          char needle[2] = { (char) c, 0 };

          ref.needle = needle;
          ap_user_list_model_set_search (f.model, needle);
          assert_matches_reference (&f, store, &ref);
        }
      for (guint i = 0; i < G_N_ELEMENTS (multi); i++)
        {
          ref.needle = multi[i];
          ap_user_list_model_set_search (f.model, multi[i]);
          assert_matches_reference (&f, store, &ref);
        }
    }

  /* Pages keyed while a one-letter search narrows the list */
  ref.accept = NULL;
  ap_user_list_model_set_filter_func (f.model, NULL, NULL, NULL);
  ref.needle = "j";
  ap_user_list_model_set_search (f.model, ref.needle);
  for (guint page = 0; page < 4; page++)
    {
      append (store, 90);
      settle (&f);
      assert_matches_reference (&f, store, &ref);
    }

  fixture_clear (&f);
}

/* A filter function of the view's (the users who changed since the last
 * fetch) narrows with the search and the department, and is applied
 * again when its set changes. */
static void
test_filter_func (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  g_autoptr(GHashTable) accept = g_hash_table_new (NULL, NULL);
  Reference ref = { AP_USER_SORT_NAME, FALSE, NULL, NULL, NULL, NULL };
  guint n;
  Fixture f;

  fixture_init (&f);
  append (store, 500);
  ap_user_list_model_set_sort (f.model, ref.column, ref.descending);
  ap_user_list_model_set_store (f.model, store);
  settle (&f);

  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = 0; i < n; i += 3)
    g_hash_table_add (accept, ap_user_store_peek (store, i));
  ref.accept = accept;
  ap_user_list_model_set_filter_func (f.model, accept_in_set, g_hash_table_ref (accept),
                                      (GDestroyNotify) g_hash_table_unref);
  assert_matches_reference (&f, store, &ref);

  /* With the search and a department */
  ref.needle = "an";
  ap_user_list_model_set_search (f.model, ref.needle);
  assert_matches_reference (&f, store, &ref);
  ref.department = "Sales";
  ap_user_list_model_set_department (f.model, ref.department);
  assert_matches_reference (&f, store, &ref);

  /* A wider set, applied again; then pages arriving are filtered too */
  for (guint i = 1; i < n; i += 3)
    g_hash_table_add (accept, ap_user_store_peek (store, i));
  ap_user_list_model_set_filter_func (f.model, accept_in_set, g_hash_table_ref (accept),
                                      (GDestroyNotify) g_hash_table_unref);
  assert_matches_reference (&f, store, &ref);
  append (store, 500);
  settle (&f);
  assert_matches_reference (&f, store, &ref);

  /* Gone: everyone the search and the department allow */
  ref.accept = NULL;
  ap_user_list_model_set_filter_func (f.model, NULL, NULL, NULL);
  assert_matches_reference (&f, store, &ref);

  fixture_clear (&f);
}

/* -m perf: the model's own costs at 100,000 users, without a view. */
static void
test_perf (void)
{
  g_autoptr(ApUserStore) store = ap_user_store_new ();
  const char *keys[] = { "j", "jo", "jos", "" };
  gint64 start;
  Fixture f;

  fixture_init (&f);
  /* The mirror is the test's cost, not the model's. */
  g_signal_handlers_disconnect_by_data (f.model, &f);
  ap_user_list_model_set_sort (f.model, AP_USER_SORT_NAME, FALSE);
  ap_user_list_model_set_store (f.model, store);
  start = g_get_monotonic_time ();
  for (guint page = 0; page < 200; page++)
    {
      append (store, 500);
      settle (&f);
    }
  g_test_message ("keys and merge, 200 pages of 500: %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  for (ApUserSortColumn column = AP_USER_SORT_EMAIL; column <= AP_USER_SORT_NOT_WATCHED; column++)
    {
      start = g_get_monotonic_time ();
      ap_user_list_model_set_sort (f.model, column, TRUE);
      settle (&f);
      g_test_message ("sort by column %d: %.1f ms", column,
                      (g_get_monotonic_time () - start) / 1000.0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      start = g_get_monotonic_time ();
      ap_user_list_model_set_search (f.model, keys[i]);
      g_test_message ("search \"%s\": %u rows, %.1f ms", keys[i],
                      g_list_model_get_n_items (G_LIST_MODEL (f.model)),
                      (g_get_monotonic_time () - start) / 1000.0);
    }

  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/user-list-model/every-column", test_every_column);
  g_test_add_func ("/ap/user-list-model/stability", test_stability);
  g_test_add_func ("/ap/user-list-model/fold", test_fold);
  g_test_add_func ("/ap/user-list-model/search-folding", test_search_folding);
  g_test_add_func ("/ap/user-list-model/pages-arrive", test_pages_arrive);
  g_test_add_func ("/ap/user-list-model/page-runs", test_page_runs);
  g_test_add_func ("/ap/user-list-model/streaming", test_streaming);
  g_test_add_func ("/ap/user-list-model/refresh", test_refresh);
  g_test_add_func ("/ap/user-list-model/search-narrows-widens", test_search_narrows_widens);
  g_test_add_func ("/ap/user-list-model/filter-func", test_filter_func);
  g_test_add_func ("/ap/user-list-model/search-masks", test_search_masks);

  if (g_test_perf ())
    g_test_add_func ("/ap/user-list-model/perf", test_perf);

  return g_test_run ();
}
