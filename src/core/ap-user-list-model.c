/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-user-list-model"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-user-list-model-private.h"

typedef struct
{
  Entry **entries;
  guint   start;
  guint   length;
} Segment;

/* A change of the visible rows with more runs than this is emitted as one
 * replacement. Below it, each run is an emission of its own: a page merged
 * into the order inserts rows without removing any, and a list view then
 * keeps the rows it shows in place and reuses the widgets of rows pushed
 * out of its range. Removed rows lose their widgets for good in GTK, and
 * the rows that move up get new ones, so a removal of many runs is cheaper
 * as a replacement (see "replacing"). */
#define MAX_INSERT_RUNS 1024
#define MAX_REMOVE_RUNS 16

struct _ApUserListModel
{
  GObject           parent_instance;

  ApUserStore      *store;
  guint             generation;      /* bumped when the store is reset */
  guint             n_seen;          /* store users queued or keyed */

  GPtrArray        *blocks;          /* Block, shared with sort workers */
  GPtrArray        *entries;         /* Entry by store position */
  GQueue            waiting;         /* GPtrArray of ApUser, pages without keys */
  gboolean          keying;

  ApUserSortColumn  column;          /* the order asked for */
  gboolean          descending;
  ApUserSortColumn  sorted_column;   /* the order of @sorted */
  gboolean          sorted_descending;
  guint             sort_serial;
  gboolean          sorting;

  Entry           **by_name;         /* the first @n_named keyed entries, by Name: what sorts start from */
  Entry           **by_email;        /* the same, by Email (ties by Name) */
  guint             n_named;
  Entry           **sorted;          /* every keyed entry: in sorted_column order, then
                                      * those past @n_named in the order they arrived */
  guint             n_sorted;
  guint32          *sorted_positions; /* the store positions of @sorted's entries, or NULL
                                       * while unknown: a search reads these, not each entry */
  gboolean          streaming;       /* pages join the end until the fetch ends */
  guint8           *matches;         /* by store position: passes search and department */

  char             *needle;          /* folded search text, NULL for none */
  guint64           needle_mask;     /* ap_user_list_search_mask () of @needle */
  gboolean          needle_exact;    /* the mask alone decides: one letter or digit */
  char             *department;      /* NULL for all */
  ApUserListFilterFunc filter_func;  /* NULL for none */
  gpointer          filter_data;
  GDestroyNotify    filter_destroy;

  Entry           **visible;         /* the items: @sorted narrowed by @matches */
  guint             n_visible;

  /* After the store was cleared, the old items stay (in @visible, their
   * blocks kept here) until the new users replace them, so that a refresh
   * never shows an empty list in between; flushed when none come. */
  gboolean          outgoing;
  GPtrArray        *outgoing_blocks;
  guint             flush_id;

  /* While one change is emitted in steps, the items of each step are
   * these stretches of the old and new arrays, in order. */
  gboolean          emitting;
  Segment           segments[3];
  guint             n_segments;

  guint             pending;
};

enum {
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

enum {
  REPLACING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GType
ap_user_list_model_get_item_type (GListModel *model)
{
  return AP_TYPE_USER;
}

static guint
ap_user_list_model_get_n_items (GListModel *model)
{
  ApUserListModel *self = AP_USER_LIST_MODEL (model);
  guint n = 0;

  if (!self->emitting)
    return self->n_visible;

  for (guint i = 0; i < self->n_segments; i++)
    n += self->segments[i].length;
  return n;
}

static Entry *
ap_user_list_model_peek (ApUserListModel *self,
                         guint            position)
{
  if (!self->emitting)
    return position < self->n_visible ? self->visible[position] : NULL;

  for (guint i = 0; i < self->n_segments; i++)
    {
      const Segment *segment = &self->segments[i];

      if (position < segment->length)
        return segment->entries[segment->start + position];
      position -= segment->length;
    }

  return NULL;
}

static gpointer
ap_user_list_model_get_item (GListModel *model,
                             guint       position)
{
  Entry *entry = ap_user_list_model_peek (AP_USER_LIST_MODEL (model), position);

  return entry != NULL ? g_object_ref (entry->user) : NULL;
}

static void
ap_user_list_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ap_user_list_model_get_item_type;
  iface->get_n_items = ap_user_list_model_get_n_items;
  iface->get_item = ap_user_list_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ApUserListModel, ap_user_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ap_user_list_model_list_model_init))

typedef struct
{
  GPtrArray *users;
  guint      first_position;
  guint      generation;
  gboolean   sort;       /* the page will be merged in: sort it here too */
  Order      order;
} KeyData;

static void
key_data_free (gpointer data)
{
  KeyData *key_data = data;

  g_ptr_array_unref (key_data->users);
  g_free (key_data);
}

static void
key_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  KeyData *data = task_data;
  Block *block = ap_user_list_block_new (data->users, data->first_position);

  /* A page merged into the orders needs its own sorted first: done here,
   * off the main thread (a refresh brings 100,000 users as one page). */
  if (data->sort)
    ap_user_list_block_sort (block, &data->order);
  g_task_return_pointer (task, block, ap_user_list_block_free);
}

typedef struct
{
  Entry     **by_name;   /* copies of the pointers; the blocks keep them alive */
  Entry     **by_email;  /* for an Email sort, or to take the tail in */
  Entry     **result;
  guint32    *positions; /* of @result's entries */
  guint       n;
  Entry     **tail;      /* the entries past the first n_named, which by_name and
                          * by_email lack: the worker merges them in */
  guint       n_named;
  GPtrArray  *blocks;
  Order       order;
  guint       serial;
  guint       generation;
} SortData;

static void
sort_data_free (gpointer data)
{
  SortData *sort = data;

  g_free (sort->by_name);
  g_free (sort->by_email);
  g_free (sort->tail);
  g_free (sort->result);
  g_free (sort->positions);
  g_ptr_array_unref (sort->blocks);
  g_free (sort);
}

/* Adds @tail (@n_tail entries, sorted here) to @named (@n_named entries in
 * @order); (transfer full) the merged array, @named freed. */
static Entry **
merge_tail (Entry       **named,
            guint         n_named,
            Entry       **tail,
            guint         n_tail,
            const Order  *order)
{
  Entry **merged;

  ap_user_list_sort_entries (tail, n_tail, order);
  merged = ap_user_list_merge_sorted (named, n_named, tail, n_tail, order);
  g_free (named);
  return merged;
}

static void
sort_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SortData *sort = task_data;
  guint n_tail = sort->n - sort->n_named;

  /* The entries that joined the end while pages streamed in: placed into
   * the Name and Email orders here, off the main thread. */
  if (n_tail > 0)
    {
      sort->by_name = merge_tail (sort->by_name, sort->n_named, sort->tail, n_tail,
                                  &ap_user_list_name_order);
      sort->by_email = merge_tail (sort->by_email, sort->n_named, sort->tail, n_tail,
                                   &ap_user_list_email_order);
    }

  sort->result = ap_user_list_sort_all (sort->by_name, sort->by_email, sort->n, &sort->order);
  /* A search reads these in order instead of the entries, which lie all
   * over memory in any order but the store's. */
  sort->positions = g_new (guint32, MAX (sort->n, 1));
  for (guint i = 0; i < sort->n; i++)
    sort->positions[i] = sort->result[i]->position;
  g_task_return_boolean (task, TRUE);
}

/* Matching */

/* @mask: the entry's search mask (its Block's masks) */
static gboolean
entry_matches (ApUserListModel *self,
               const Entry     *entry,
               guint64          mask)
{
  /* Most texts lack one of the needle's bytes: this needs no read of the
   * entry, the rest does. */
  if ((mask & self->needle_mask) != self->needle_mask)
    return FALSE;

  if (self->department != NULL &&
      entry->department != self->department &&
      strcmp (entry->department, self->department) != 0)
    return FALSE;

  if (self->filter_func != NULL && !self->filter_func (entry->user, self->filter_data))
    return FALSE;

  return self->needle == NULL || self->needle_exact ||
         strstr (entry->search, self->needle) != NULL;
}

/* Emission */

static void
ap_user_list_model_set_pending (ApUserListModel *self)
{
  guint pending = g_queue_get_length (&self->waiting) + (self->keying ? 1 : 0) +
                  (self->sorting ? 1 : 0) + (self->outgoing ? 1 : 0);

  if (pending == self->pending)
    return;

  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint end_new;
  guint end_old;
} Run;

typedef struct
{
  GPtrArray *blocks;
} Release;

static void
release_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Release *release = task_data;

  /* The last references to the old users, most likely: 100,000 of them
   * are finalized here rather than on the main thread. */
  g_clear_pointer (&release->blocks, g_ptr_array_unref);
  g_task_return_boolean (task, TRUE);
}

static void
ap_user_list_model_end_outgoing (ApUserListModel *self)
{
  g_autoptr(GTask) task = NULL;
  Release *release;

  if (!self->outgoing)
    return;

  self->outgoing = FALSE;
  g_clear_handle_id (&self->flush_id, g_source_remove);

  release = g_new0 (Release, 1);
  release->blocks = g_steal_pointer (&self->outgoing_blocks);
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, ap_user_list_model_end_outgoing);
  g_task_set_task_data (task, release, g_free);
  g_task_run_in_thread (task, release_thread);
}

/* Makes @fresh (transfer full, @n_fresh entries) the visible items. When
 * one of the two is a subsequence of the other (a page merged in, a search
 * narrowed or widened) each run of inserted or removed rows is its own
 * items-changed, as long as there are not too many; otherwise the range
 * between the common head and tail is removed, then the new rows added, in
 * two emissions: one that removes and adds at once makes a GTK list view
 * look for every row it tracks among all the added rows (O(n) get_item and
 * a tree insertion each), hundreds of milliseconds at 100,000 rows. */
static void
ap_user_list_model_replace_visible (ApUserListModel  *self,
                                    Entry           **fresh,
                                    guint             n_fresh)
{
  Entry **old = self->visible;
  guint n_old = self->n_visible;
  gboolean growing = n_fresh >= n_old;
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (Run));
  guint i = 0, j = 0;
  gboolean subsequence = TRUE;
  guint head = 0, tail = 0;

  g_assert (!self->emitting);

  while (i < n_old || j < n_fresh)
    {
      Run run;

      if (i < n_old && j < n_fresh && old[i] == fresh[j])
        {
          i++;
          j++;
          continue;
        }

      run.position = j;
      run.removed = i;
      run.added = j;
      if (growing)
        while (j < n_fresh && (i >= n_old || fresh[j] != old[i]))
          j++;
      else
        while (i < n_old && (j >= n_fresh || old[i] != fresh[j]))
          i++;
      run.removed = i - run.removed;
      run.added = j - run.added;
      run.end_new = j;
      run.end_old = i;

      if ((growing && i < n_old && j == n_fresh) || (!growing && j < n_fresh && i == n_old) ||
          runs->len == (growing ? MAX_INSERT_RUNS : MAX_REMOVE_RUNS))
        {
          subsequence = FALSE;
          break;
        }
      g_array_append_val (runs, run);
    }

  self->emitting = TRUE;

  if (subsequence)
    {
      for (guint r = 0; r < runs->len; r++)
        {
          const Run *run = &g_array_index (runs, Run, r);

          self->segments[0] = (Segment) { fresh, 0, run->end_new };
          self->segments[1] = (Segment) { old, run->end_old, n_old - run->end_old };
          self->n_segments = 2;
          g_list_model_items_changed (G_LIST_MODEL (self), run->position, run->removed,
                                      run->added);
        }
    }
  else
    {
      guint n_gone, n_new;

      while (head < n_old && head < n_fresh && old[head] == fresh[head])
        head++;
      while (tail < n_old - head && tail < n_fresh - head &&
             old[n_old - 1 - tail] == fresh[n_fresh - 1 - tail])
        tail++;
      n_gone = n_old - head - tail;
      n_new = n_fresh - head - tail;

      /* The new rows go in before the old ones, "replacing" lets a view
       * move to them (reusing its row widgets for them), then the old rows
       * go. */
      self->segments[0] = (Segment) { old, 0, head };
      self->segments[1] = (Segment) { fresh, head, n_new };
      self->segments[2] = (Segment) { old, head, n_old - head };
      self->n_segments = 3;
      if (n_new > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), head, 0, n_new);
      if (n_gone > 0 && n_new > 0)
        g_signal_emit (self, signals[REPLACING], 0, head, n_new, n_gone);

      self->segments[0] = (Segment) { fresh, 0, n_fresh };
      self->n_segments = 1;
      if (n_gone > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), head + n_new, n_gone, 0);
    }

  self->emitting = FALSE;
  self->visible = fresh;
  self->n_visible = n_fresh;
  g_free (old);

  /* The old users are no longer shown. */
  ap_user_list_model_end_outgoing (self);
  ap_user_list_model_set_pending (self);
}

/* Copies the entries of @source that match into @fresh, in order; returns
 * how many. @positions: (nullable) where to write the entries' store
 * positions, read here anyway. */
static guint
ap_user_list_model_collect (ApUserListModel  *self,
                            Entry           **source,
                            guint             n_source,
                            Entry           **fresh,
                            guint32          *positions)
{
  const guint8 *matches = self->matches;
  guint n_fresh = 0;

  for (guint i = 0; i < n_source; i++)
    {
      guint32 position = source[i]->position;

      if (positions != NULL)
        positions[i] = position;
      if (matches[position])
        fresh[n_fresh++] = source[i];
    }
  return n_fresh;
}

/* Copies the entries of @sorted that match into @fresh (room for all of
 * them), in order, reading their positions from @sorted_positions: a
 * sequential pass, where ap_user_list_model_collect () reads every entry
 * (a cache miss each, 100,000 of them in 1-1.5 ms). */
static guint
ap_user_list_model_collect_sorted (ApUserListModel  *self,
                                   Entry           **fresh)
{
  const guint8 *matches = self->matches;
  const guint32 *positions = self->sorted_positions;
  Entry **sorted = self->sorted;
  guint n_fresh = 0;

  g_assert (positions != NULL);

  /* Without a branch: a quarter of the users match, in no pattern. */
  for (guint i = 0; i < self->n_sorted; i++)
    {
      fresh[n_fresh] = sorted[i];
      n_fresh += matches[positions[i]] != 0;
    }
  return n_fresh;
}

/* Tests the users page by page (their search texts lie together), then
 * takes the rows that match in order. When the query grows, only the rows
 * shown can still match. */
static void
ap_user_list_model_refilter (ApUserListModel *self,
                             gboolean         narrowing)
{
  Entry **source;
  guint n_source;
  Entry **fresh;
  /* The needle's mask alone decides when it is one letter or digit and
   * nothing else narrows: a pass over the masks, without branches. */
  gboolean by_mask = self->department == NULL && self->filter_func == NULL &&
                     (self->needle == NULL || self->needle_exact);
  guint64 needle_mask = self->needle_mask;
  gboolean by_positions;
  guint n_fresh;

  /* The rows shown before a refresh are not among the store's users. */
  if (self->outgoing)
    narrowing = FALSE;
  /* The rows shown are the sorted entries that matched: narrowed, they
   * are also the sorted entries that still match, which a pass over the
   * positions finds faster unless they are few. */
  by_positions = self->sorted_positions != NULL &&
                 (!narrowing || self->n_visible > self->n_sorted / 8);
  source = narrowing && !by_positions ? self->visible : self->sorted;
  n_source = narrowing && !by_positions ? self->n_visible : self->n_sorted;
  fresh = g_new (Entry *, MAX (n_source, 1));

  for (guint b = 0; b < self->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (self->blocks, b);
      /* A block holds consecutive store positions. */
      guint8 *matches = &self->matches[block->entries[0].position];

      if (by_mask && narrowing)
        for (guint i = 0; i < block->n_entries; i++)
          matches[i] &= (block->masks[i] & needle_mask) == needle_mask;
      else if (by_mask)
        for (guint i = 0; i < block->n_entries; i++)
          matches[i] = (block->masks[i] & needle_mask) == needle_mask;
      else
        for (guint i = 0; i < block->n_entries; i++)
          if (!narrowing || matches[i])
            matches[i] = entry_matches (self, &block->entries[i], block->masks[i]);
    }

  if (by_positions)
    n_fresh = ap_user_list_model_collect_sorted (self, fresh);
  else
    n_fresh = ap_user_list_model_collect (self, source, n_source, fresh, NULL);
  ap_user_list_model_replace_visible (self, fresh, n_fresh);
}

/* The matching entries of @sorted (no test: @matches is current). */
static void
ap_user_list_model_show_sorted (ApUserListModel *self)
{
  Entry **fresh = g_new (Entry *, MAX (self->n_sorted, 1));
  guint n_fresh = self->sorted_positions != NULL
                  ? ap_user_list_model_collect_sorted (self, fresh)
                  : ap_user_list_model_collect (self, self->sorted, self->n_sorted, fresh, NULL);

  ap_user_list_model_replace_visible (self, fresh, n_fresh);
}

/* @sorted_positions for @n entries joining the end of @sorted, the store's
 * from @first on: kept while they are known (or there were none). Before
 * @n_sorted grows. */
static void
ap_user_list_model_append_positions (ApUserListModel *self,
                                     guint            first,
                                     guint            n)
{
  if (self->sorted_positions == NULL && self->n_sorted > 0)
    return;

  self->sorted_positions = g_renew (guint32, self->sorted_positions, MAX (self->n_sorted + n, 1));
  for (guint i = 0; i < n; i++)
    self->sorted_positions[self->n_sorted + i] = first + i;
}

/* Adds the entries of @block (the last store positions) to the order and
 * to the visible rows. */
static void
ap_user_list_model_take_in (ApUserListModel *self,
                            Block           *block)
{
  guint first = block->entries[0].position;
  guint n = block->n_entries;
  Order order = { self->sorted_column, self->sorted_descending };
  g_autofree Entry **added = g_new (Entry *, MAX (n, 1));
  g_autofree Entry **shown = g_new (Entry *, MAX (n, 1));
  Entry **merged;
  guint n_shown;
  /* The rows shown before the store was cleared go when these come. */
  guint n_kept = self->outgoing ? 0 : self->n_visible;

  for (guint i = 0; i < n; i++)
    {
      added[i] = g_ptr_array_index (self->entries, first + i);
      self->matches[first + i] = entry_matches (self, added[i], block->masks[i]);
    }

  /* While pages stream in, or until the entries that joined the end then
   * are sorted in, a page joins the end as it came (see
   * ap_user_list_model_set_streaming ()). */
  if (self->streaming || self->n_named < self->n_sorted)
    {
      n_shown = ap_user_list_model_collect (self, added, n, shown, NULL);

      self->sorted = g_renew (Entry *, self->sorted, self->n_sorted + n);
      memcpy (self->sorted + self->n_sorted, added, n * sizeof (Entry *));
      ap_user_list_model_append_positions (self, first, n);
      self->n_sorted += n;

      merged = g_new (Entry *, MAX (n_kept + n_shown, 1));
      /* @visible is NULL while nothing is shown, and memcpy () wants a
       * real pointer even for no bytes (UndefinedBehaviorSanitizer). */
      if (n_kept > 0)
        memcpy (merged, self->visible, n_kept * sizeof (Entry *));
      memcpy (merged + n_kept, shown, n_shown * sizeof (Entry *));
      ap_user_list_model_replace_visible (self, merged, n_kept + n_shown);
      return;
    }

  /* The page comes sorted from its worker; this sorts it only if it was
   * keyed while pages streamed in, or in another order. */
  ap_user_list_block_sort (block, &order);

  merged = ap_user_list_merge_sorted (self->by_email, self->n_sorted, block->by_email, n,
                                      &ap_user_list_email_order);
  g_free (self->by_email);
  self->by_email = merged;

  merged = ap_user_list_merge_sorted (self->by_name, self->n_sorted, block->by_name, n,
                                      &ap_user_list_name_order);
  g_free (self->by_name);
  self->by_name = merged;

  if (block->by_order != NULL)
    memcpy (added, block->by_order, n * sizeof (Entry *));
  ap_user_list_block_drop_orders (block);
  /* Into an empty order (a refresh brings its users as one page) the page
   * is the order: its positions come with the pass over it. Merged into
   * others, they are known again after the next sort. */
  g_clear_pointer (&self->sorted_positions, g_free);
  if (self->n_sorted == 0)
    self->sorted_positions = g_new (guint32, MAX (n, 1));
  n_shown = ap_user_list_model_collect (self, added, n, shown, self->sorted_positions);

  merged = ap_user_list_merge_sorted (self->sorted, self->n_sorted, added, n, &order);
  g_free (self->sorted);
  self->sorted = merged;
  self->n_sorted += n;
  self->n_named = self->n_sorted;

  ap_user_list_model_replace_visible (self,
                                      ap_user_list_merge_sorted (self->visible, n_kept, shown,
                                                                 n_shown, &order),
                                      n_kept + n_shown);
}

static void ap_user_list_model_key_next (ApUserListModel *self);
static void ap_user_list_model_start_sort (ApUserListModel *self);

static void
on_keyed (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ApUserListModel *self = AP_USER_LIST_MODEL (object);
  GTask *task = G_TASK (result);
  KeyData *data = g_task_get_task_data (task);
  Block *block = g_task_propagate_pointer (task, NULL);
  guint first;

  if (data->generation != self->generation)
    {
      /* The store was reset meanwhile; a new key task may be running. */
      ap_user_list_block_free (block);
      return;
    }

  self->keying = FALSE;
  first = self->entries->len;
  g_assert (first == block->entries[0].position);

  g_ptr_array_add (self->blocks, block);
  g_ptr_array_set_size (self->entries, first + block->n_entries);
  for (guint i = 0; i < block->n_entries; i++)
    self->entries->pdata[first + i] = &block->entries[i];
  self->matches = g_realloc (self->matches, self->entries->len);

  ap_user_list_model_take_in (self, block);

  ap_user_list_model_key_next (self);
  ap_user_list_model_set_pending (self);
}

static void
ap_user_list_model_key_next (ApUserListModel *self)
{
  g_autoptr(GTask) task = NULL;
  KeyData *data;
  GPtrArray *users;

  if (self->keying || g_queue_is_empty (&self->waiting))
    return;

  users = g_queue_pop_head (&self->waiting);
  data = g_new0 (KeyData, 1);
  data->users = users;
  data->first_position = self->entries->len;
  data->generation = self->generation;
  data->sort = !self->streaming;
  data->order.column = self->column;
  data->order.descending = self->descending;

  self->keying = TRUE;
  task = g_task_new (self, NULL, on_keyed, NULL);
  g_task_set_source_tag (task, ap_user_list_model_key_next);
  g_task_set_task_data (task, data, key_data_free);
  g_task_run_in_thread (task, key_thread);
}

static void
on_sorted (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ApUserListModel *self = AP_USER_LIST_MODEL (object);
  GTask *task = G_TASK (result);
  SortData *sort = g_task_get_task_data (task);
  Entry **merged;
  guint n_new;

  if (sort->generation != self->generation || sort->serial != self->sort_serial)
    return;

  self->sorting = FALSE;
  g_free (self->sorted);
  self->sorted = g_steal_pointer (&sort->result);
  g_free (self->sorted_positions);
  self->sorted_positions = g_steal_pointer (&sort->positions);
  self->sorted_column = sort->order.column;
  self->sorted_descending = sort->order.descending;

  /* The worker placed the entries that had joined the end. */
  if (sort->n > self->n_named)
    {
      g_free (self->by_name);
      g_free (self->by_email);
      self->by_name = g_steal_pointer (&sort->by_name);
      self->by_email = g_steal_pointer (&sort->by_email);
      self->n_named = sort->n;
    }

  /* Pages that arrived while the worker sorted: they join the end while
   * pages stream in, else they are merged in. */
  n_new = self->n_sorted - sort->n;
  self->n_sorted = sort->n;
  if (n_new > 0 && self->streaming)
    {
      self->sorted = g_renew (Entry *, self->sorted, sort->n + n_new);
      for (guint i = 0; i < n_new; i++)
        self->sorted[sort->n + i] = g_ptr_array_index (self->entries, sort->n + i);
      ap_user_list_model_append_positions (self, sort->n, n_new);
      self->n_sorted += n_new;
    }
  else if (n_new > 0)
    {
      g_autofree Entry **added = g_new (Entry *, n_new);

      for (guint i = 0; i < n_new; i++)
        added[i] = g_ptr_array_index (self->entries, sort->n + i);

      /* Merged into Name and Email already, unless they joined the end
       * (then they are all past the worker's entries). */
      if (self->n_named < sort->n + n_new)
        {
          g_assert (self->n_named == sort->n);
          self->by_email = merge_tail (self->by_email, self->n_named, added, n_new,
                                       &ap_user_list_email_order);
          self->by_name = merge_tail (self->by_name, self->n_named, added, n_new,
                                      &ap_user_list_name_order);
          self->n_named += n_new;
        }

      ap_user_list_sort_entries (added, n_new, &sort->order);
      merged = ap_user_list_merge_sorted (self->sorted, self->n_sorted, added, n_new, &sort->order);
      g_free (self->sorted);
      self->sorted = merged;
      g_clear_pointer (&self->sorted_positions, g_free);
      self->n_sorted += n_new;
    }

  ap_user_list_model_show_sorted (self);
  ap_user_list_model_set_pending (self);
}

static void
ap_user_list_model_start_sort (ApUserListModel *self)
{
  g_autoptr(GTask) task = NULL;
  SortData *sort;

  self->sort_serial++;

  if (self->entries->len == 0 || self->column == AP_USER_SORT_NONE)
    {
      /* Nothing to sort, or the store order: no worker needed. */
      self->sorting = FALSE;
      self->sorted_column = self->column;
      self->sorted_descending = self->descending;
      self->sorted_positions = g_renew (guint32, self->sorted_positions,
                                        MAX (self->entries->len, 1));
      for (guint i = 0; i < self->entries->len; i++)
        {
          self->sorted[i] = g_ptr_array_index (self->entries, i);
          self->sorted_positions[i] = i;
        }
      ap_user_list_model_show_sorted (self);
      ap_user_list_model_set_pending (self);
      return;
    }

  sort = g_new0 (SortData, 1);
  sort->n = self->entries->len;
  sort->n_named = self->n_named;
  sort->by_name = g_memdup2 (self->by_name, sort->n_named * sizeof (Entry *));
  if (self->column == AP_USER_SORT_EMAIL || sort->n_named < sort->n)
    sort->by_email = g_memdup2 (self->by_email, sort->n_named * sizeof (Entry *));
  if (sort->n_named < sort->n)
    sort->tail = g_memdup2 (self->entries->pdata + sort->n_named,
                            (sort->n - sort->n_named) * sizeof (Entry *));
  sort->blocks = g_ptr_array_ref (self->blocks);
  sort->order.column = self->column;
  sort->order.descending = self->descending;
  sort->serial = self->sort_serial;
  sort->generation = self->generation;

  self->sorting = TRUE;
  task = g_task_new (self, NULL, on_sorted, NULL);
  g_task_set_source_tag (task, ap_user_list_model_start_sort);
  g_task_set_task_data (task, sort, sort_data_free);
  g_task_run_in_thread (task, sort_thread);
  ap_user_list_model_set_pending (self);
}

static gboolean
flush_outgoing (gpointer user_data)
{
  ApUserListModel *self = user_data;

  self->flush_id = 0;
  /* The store stayed empty: the old rows go now. */
  if (self->outgoing && self->n_seen == 0)
    ap_user_list_model_replace_visible (self, g_new (Entry *, 1), 0);
  return G_SOURCE_REMOVE;
}

/* @keep_rows: the store was cleared, new users may follow */
static void
ap_user_list_model_reset (ApUserListModel *self,
                          gboolean         keep_rows)
{
  self->generation++;
  self->keying = FALSE;
  self->sorting = FALSE;
  self->n_seen = 0;
  g_queue_clear_full (&self->waiting, (GDestroyNotify) g_ptr_array_unref);

  g_clear_pointer (&self->sorted, g_free);
  g_clear_pointer (&self->sorted_positions, g_free);
  g_clear_pointer (&self->by_name, g_free);
  g_clear_pointer (&self->by_email, g_free);
  self->n_named = 0;
  self->n_sorted = 0;
  g_clear_pointer (&self->matches, g_free);
  g_ptr_array_set_size (self->entries, 0);
  /* The rows shown stay until new ones replace them, or until the main
   * loop is idle with the store still empty (see flush_outgoing ()). */
  if (keep_rows && self->n_visible > 0 && !self->outgoing)
    {
      self->outgoing = TRUE;
      self->outgoing_blocks = g_steal_pointer (&self->blocks);
    }
  else if (!keep_rows && self->n_visible > 0)
    {
      /* No new users follow: the rows go now (blocks still alive). */
      ap_user_list_model_replace_visible (self, g_new (Entry *, 1), 0);
    }
  else if (!self->outgoing)
    {
      g_clear_pointer (&self->visible, g_free);
      self->n_visible = 0;
    }
  /* Sort workers may still hold the old blocks. */
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  self->blocks = g_ptr_array_new_with_free_func (ap_user_list_block_free);
  self->sorted_column = self->column;
  self->sorted_descending = self->descending;

  if (self->outgoing && self->flush_id == 0)
    self->flush_id = g_idle_add (flush_outgoing, self);
}

static void
ap_user_list_model_queue (ApUserListModel *self,
                          guint            first,
                          guint            n)
{
  GPtrArray *users;

  if (n == 0)
    return;

  /* The store's own batch when it is one (a reference to the array, not
   * to each user); else the users, copied. */
  users = ap_user_store_ref_batch (self->store, first, n);
  if (users == NULL)
    {
      users = g_ptr_array_new_full (n, g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (users, g_object_ref (ap_user_store_peek (self->store, first + i)));
    }

  g_queue_push_tail (&self->waiting, users);
  self->n_seen += n;
  ap_user_list_model_key_next (self);
  ap_user_list_model_set_pending (self);
}

static void
on_store_items_changed (ApUserListModel *self,
                        guint            position,
                        guint            removed,
                        guint            added)
{
  /* The store only appends or clears; anything else starts over. */
  if (removed > 0 || position != self->n_seen)
    {
      ap_user_list_model_reset (self, TRUE);
      ap_user_list_model_queue (self, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)));
      ap_user_list_model_set_pending (self);
      return;
    }

  ap_user_list_model_queue (self, position, added);
}

static void
ap_user_list_model_dispose (GObject *object)
{
  ApUserListModel *self = AP_USER_LIST_MODEL (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_queue_clear_full (&self->waiting, (GDestroyNotify) g_ptr_array_unref);
  g_clear_handle_id (&self->flush_id, g_source_remove);

  G_OBJECT_CLASS (ap_user_list_model_parent_class)->dispose (object);
}

static void
ap_user_list_model_finalize (GObject *object)
{
  ApUserListModel *self = AP_USER_LIST_MODEL (object);

  g_clear_pointer (&self->visible, g_free);
  g_clear_pointer (&self->sorted, g_free);
  g_clear_pointer (&self->sorted_positions, g_free);
  g_clear_pointer (&self->by_name, g_free);
  g_clear_pointer (&self->by_email, g_free);
  g_clear_pointer (&self->matches, g_free);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->outgoing_blocks, g_ptr_array_unref);
  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->department, g_free);
  if (self->filter_destroy != NULL)
    self->filter_destroy (self->filter_data);

  G_OBJECT_CLASS (ap_user_list_model_parent_class)->finalize (object);
}

static void
ap_user_list_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ApUserListModel *self = AP_USER_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_user_list_model_class_init (ApUserListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ap_user_list_model_dispose;
  object_class->finalize = ap_user_list_model_finalize;
  object_class->get_property = ap_user_list_model_get_property;

  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A wide change (a new order, a search that is not a refinement) is
   * emitted as: the @n_new new rows inserted at @position, before the
   * @n_old old ones, this signal, then the old rows removed. A list view
   * can scroll to @position here, so its row widgets move to the new rows
   * and are rebound, instead of being destroyed with the old rows and
   * built anew. */
  signals[REPLACING] =
    g_signal_new ("replacing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
ap_user_list_model_init (ApUserListModel *self)
{
  self->entries = g_ptr_array_new ();
  self->blocks = g_ptr_array_new_with_free_func (ap_user_list_block_free);
  g_queue_init (&self->waiting);
  self->column = self->sorted_column = AP_USER_SORT_NONE;
}

ApUserListModel *
ap_user_list_model_new (void)
{
  return g_object_new (AP_TYPE_USER_LIST_MODEL, NULL);
}

void
ap_user_list_model_set_store (ApUserListModel *self,
                              ApUserStore     *store)
{
  g_return_if_fail (AP_IS_USER_LIST_MODEL (self));
  g_return_if_fail (store == NULL || AP_IS_USER_STORE (store));
  g_return_if_fail (!self->emitting);

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);

  ap_user_list_model_reset (self, FALSE);

  if (store != NULL)
    {
      g_signal_connect_object (store, "items-changed", G_CALLBACK (on_store_items_changed), self,
                               G_CONNECT_SWAPPED);
      ap_user_list_model_queue (self, 0, g_list_model_get_n_items (G_LIST_MODEL (store)));
    }

  ap_user_list_model_set_pending (self);
}

void
ap_user_list_model_set_sort (ApUserListModel  *self,
                             ApUserSortColumn  column,
                             gboolean          descending)
{
  g_return_if_fail (AP_IS_USER_LIST_MODEL (self));
  g_return_if_fail (column <= AP_USER_SORT_NOT_WATCHED);
  g_return_if_fail (!self->emitting);

  descending = !!descending;
  if (self->column == column && self->descending == descending)
    return;

  self->column = column;
  self->descending = descending;
  ap_user_list_model_start_sort (self);
}

void
ap_user_list_model_set_search (ApUserListModel *self,
                               const char      *text)
{
  g_autofree char *stripped = NULL;
  g_autofree char *needle = NULL;
  gboolean narrowing;

  g_return_if_fail (AP_IS_USER_LIST_MODEL (self));
  g_return_if_fail (!self->emitting);

  if (text != NULL)
    {
      stripped = g_strstrip (g_strdup (text));
      if (*stripped != '\0')
        needle = ap_user_list_model_fold (stripped, -1);
      if (needle != NULL && *needle == '\0')
        g_clear_pointer (&needle, g_free);
    }

  if (g_strcmp0 (needle, self->needle) == 0)
    return;

  /* A longer query that holds the previous one can only drop rows. */
  narrowing = needle != NULL && (self->needle == NULL || strstr (needle, self->needle) != NULL);

  g_free (self->needle);
  self->needle = g_steal_pointer (&needle);
  self->needle_mask = self->needle != NULL ? ap_user_list_search_mask (self->needle) : 0;
  self->needle_exact = self->needle != NULL && self->needle[1] == '\0' &&
                       (g_ascii_islower (self->needle[0]) || g_ascii_isdigit (self->needle[0]));
  ap_user_list_model_refilter (self, narrowing);
}

void
ap_user_list_model_set_department (ApUserListModel *self,
                                   const char      *department)
{
  gboolean narrowing;

  g_return_if_fail (AP_IS_USER_LIST_MODEL (self));
  g_return_if_fail (!self->emitting);

  if (g_strcmp0 (department, self->department) == 0)
    return;

  narrowing = self->department == NULL;
  g_free (self->department);
  self->department = g_strdup (department);
  ap_user_list_model_refilter (self, narrowing);
}

void
ap_user_list_model_set_filter_func (ApUserListModel     *self,
                                    ApUserListFilterFunc func,
                                    gpointer             user_data,
                                    GDestroyNotify       destroy)
{
  gboolean narrowing;

  g_return_if_fail (AP_IS_USER_LIST_MODEL (self));
  g_return_if_fail (!self->emitting);

  if (func == NULL && self->filter_func == NULL)
    return;

  /* From no filter to one, only the items shown can stay */
  narrowing = self->filter_func == NULL;
  if (self->filter_destroy != NULL)
    self->filter_destroy (self->filter_data);
  self->filter_func = func;
  self->filter_data = user_data;
  self->filter_destroy = destroy;
  ap_user_list_model_refilter (self, narrowing);
}

void
ap_user_list_model_set_streaming (ApUserListModel *self,
                                  gboolean         streaming)
{
  g_return_if_fail (AP_IS_USER_LIST_MODEL (self));
  g_return_if_fail (!self->emitting);

  streaming = !!streaming;
  if (self->streaming == streaming)
    return;

  self->streaming = streaming;
  /* The pages that joined the end take their place, in one new order. */
  if (!streaming && self->n_named < self->n_sorted && self->column != AP_USER_SORT_NONE)
    ap_user_list_model_start_sort (self);
}

gboolean
ap_user_list_model_get_streaming (ApUserListModel *self)
{
  g_return_val_if_fail (AP_IS_USER_LIST_MODEL (self), FALSE);

  return self->streaming;
}

guint
ap_user_list_model_find (ApUserListModel *self,
                         ApUser          *user)
{
  g_return_val_if_fail (AP_IS_USER_LIST_MODEL (self), G_MAXUINT);
  for (guint i = 0; ; i++)
    {
      Entry *entry = ap_user_list_model_peek (self, i);

      if (entry == NULL)
        return G_MAXUINT;
      if (entry->user == user)
        return i;
    }
}

guint
ap_user_list_model_get_pending (ApUserListModel *self)
{
  g_return_val_if_fail (AP_IS_USER_LIST_MODEL (self), 0);

  return self->pending;
}
