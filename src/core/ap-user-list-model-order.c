/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-user-list-model"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-compat.h"
#include "ap-user-list-model-private.h"

/* Orders of the users from their keys: kept in Name and Email order as
 * pages arrive; any other order is a pass over the Name order. */

int
ap_user_list_compare (const Entry *a,
                      const Entry *b,
                      const Order *order)
{
  int result = 0;

  switch (order->column)
    {
    case AP_USER_SORT_NAME:
      result = strcmp (a->name_key, b->name_key);
      break;
    case AP_USER_SORT_EMAIL:
      result = strcmp (a->email_key, b->email_key);
      break;
    case AP_USER_SORT_DEPARTMENT:
      /* The same department has the same key: no need to compare it. */
      result = a->department_key == b->department_key ? 0
               : strcmp (a->department_key, b->department_key);
      break;
    case AP_USER_SORT_CORRECT:
    case AP_USER_SORT_INCORRECT:
    case AP_USER_SORT_NOT_WATCHED:
      {
        guint i = order->column - AP_USER_SORT_CORRECT;

        result = (a->counts[i] > b->counts[i]) - (a->counts[i] < b->counts[i]);
      }
      break;
    case AP_USER_SORT_NONE:
    default:
      return (a->position > b->position) - (a->position < b->position);
    }

  if (order->descending)
    result = -result;

  /* Equal keys keep one order whatever the column: by Name, then as the
   * store has them. */
  if (result == 0 && order->column != AP_USER_SORT_NAME)
    result = strcmp (a->name_key, b->name_key);
  if (result == 0)
    result = (a->position > b->position) - (a->position < b->position);

  return result;
}

static int
compare_entry_pointers (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  return ap_user_list_compare (*(Entry * const *) a, *(Entry * const *) b, user_data);
}

void
ap_user_list_sort_entries (Entry       **entries,
                           guint         n,
                           const Order  *order)
{
  ap_sort_array (entries, n, sizeof (Entry *), compare_entry_pointers, (gpointer) order);
}

const Order ap_user_list_name_order = { AP_USER_SORT_NAME, FALSE };
const Order ap_user_list_email_order = { AP_USER_SORT_EMAIL, FALSE };

/* A stable counting sort of @by_name by @buckets (one per entry of
 * @by_name): equal buckets keep Name order, which is the tie breaker. */
static void
sort_by_buckets (Entry         **by_name,
                 guint           n,
                 const guint32  *buckets,
                 guint32         n_buckets,
                 gboolean        descending,
                 Entry         **out)
{
  g_autofree guint *starts = g_new0 (guint, n_buckets + 1);
  guint total = 0;

  for (guint i = 0; i < n; i++)
    starts[buckets[i]]++;

  for (guint32 b = 0; b < n_buckets; b++)
    {
      guint32 bucket = descending ? n_buckets - 1 - b : b;
      guint count = starts[bucket];

      starts[bucket] = total;
      total += count;
    }

  for (guint i = 0; i < n; i++)
    out[starts[buckets[i]]++] = by_name[i];
}

/* @in (@n entries in ascending order of @key_offset's key, equal keys in
 * the order they should keep) into @out in descending order: the runs of
 * equal keys in reverse, each run as it was. */
static void
reverse_runs (Entry * const *in,
              guint          n,
              gsize          key_offset,
              Entry        **out)
{
#define KEY(e) (*(const char * const *) ((const char *) (e) + key_offset))
  for (guint end = n, o = 0; end > 0;)
    {
      guint start = end - 1;

      while (start > 0 && strcmp (KEY (in[start - 1]), KEY (in[end - 1])) == 0)
        start--;
      memcpy (out + o, in + start, (end - start) * sizeof (Entry *));
      o += end - start;
      end = start;
    }
#undef KEY
}

/* Every entry (all of them: @by_name in Name order, @by_email in Email
 * order, the latter only for an Email sort) in @order. Name and Email
 * orders are kept as pages arrive; the others are a pass over the Name
 * order. No comparisons but for counts of 2^24 and more. */
Entry **
ap_user_list_sort_all (Entry        **by_name,
                       Entry        **by_email,
                       guint          n,
                       const Order   *order)
{
  Entry **out = g_new (Entry *, MAX (n, 1));

  switch (order->column)
    {
    case AP_USER_SORT_NONE:
      for (guint i = 0; i < n; i++)
        out[by_name[i]->position] = by_name[i];
      break;

    case AP_USER_SORT_NAME:
      if (!order->descending)
        {
          memcpy (out, by_name, n * sizeof (Entry *));
          break;
        }
      /* Reversed, but equal names keep the store order. */
      reverse_runs (by_name, n, G_STRUCT_OFFSET (Entry, name_key), out);
      break;

    case AP_USER_SORT_CORRECT:
    case AP_USER_SORT_INCORRECT:
    case AP_USER_SORT_NOT_WATCHED:
      {
        guint k = order->column - AP_USER_SORT_CORRECT;
        g_autofree guint32 *buckets = g_new (guint32, MAX (n, 1));
        guint32 max = 0;

        for (guint i = 0; i < n; i++)
          max = MAX (max, by_name[i]->counts[k]);

        if (max >= 1u << 24)
          {
            memcpy (out, by_name, n * sizeof (Entry *));
            ap_user_list_sort_entries (out, n, order);
            break;
          }

        for (guint i = 0; i < n; i++)
          buckets[i] = by_name[i]->counts[k];
        sort_by_buckets (by_name, n, buckets, max + 1, order->descending, out);
      }
      break;

    case AP_USER_SORT_DEPARTMENT:
      {
        /* Departments are few: rank them, then a counting sort. */
        g_autoptr(GHashTable) ranks = g_hash_table_new (NULL, NULL);
        g_autoptr(GPtrArray) distinct = g_ptr_array_new ();
        g_autofree guint32 *buckets = g_new (guint32, MAX (n, 1));
        const Order by_department = { AP_USER_SORT_DEPARTMENT, FALSE };
        guint32 rank = 0;

        for (guint i = 0; i < n; i++)
          if (g_hash_table_add (ranks, (gpointer) by_name[i]->department_key))
            g_ptr_array_add (distinct, by_name[i]);
        g_ptr_array_sort_with_data (distinct, compare_entry_pointers, (gpointer) &by_department);
        for (guint i = 0; i < distinct->len; i++)
          {
            Entry *entry = g_ptr_array_index (distinct, i);
            Entry *previous = i > 0 ? g_ptr_array_index (distinct, i - 1) : NULL;

            /* The same text may have two keys (two pages): one rank. */
            if (previous != NULL && strcmp (entry->department_key, previous->department_key) != 0)
              rank++;
            g_hash_table_insert (ranks, (gpointer) entry->department_key, GUINT_TO_POINTER (rank));
          }

        for (guint i = 0; i < n; i++)
          buckets[i] = GPOINTER_TO_UINT (g_hash_table_lookup (ranks, by_name[i]->department_key));
        sort_by_buckets (by_name, n, buckets, rank + 1, order->descending, out);
      }
      break;

    case AP_USER_SORT_EMAIL:
    default:
      /* Equal addresses stay in Name order either way. */
      if (!order->descending)
        memcpy (out, by_email, n * sizeof (Entry *));
      else
        reverse_runs (by_email, n, G_STRUCT_OFFSET (Entry, email_key), out);
      break;
    }

  return out;
}

void
ap_user_list_block_sort (Block       *block,
                         const Order *order)
{
  guint n = block->n_entries;

  if (block->by_name == NULL)
    {
      block->by_name = g_new (Entry *, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        block->by_name[i] = &block->entries[i];
      block->by_email = g_memdup2 (block->by_name, MAX (n, 1) * sizeof (Entry *));
      ap_user_list_sort_entries (block->by_name, n, &ap_user_list_name_order);
      ap_user_list_sort_entries (block->by_email, n, &ap_user_list_email_order);
    }
  else if (block->order.column == order->column && block->order.descending == order->descending)
    {
      return;
    }

  g_clear_pointer (&block->by_order, g_free);
  block->order = *order;
  /* The store order is the entries' own; sort_all's would count from 0. */
  if (order->column != AP_USER_SORT_NONE)
    block->by_order = ap_user_list_sort_all (block->by_name, block->by_email, n, order);
}

void
ap_user_list_block_drop_orders (Block *block)
{
  g_clear_pointer (&block->by_name, g_free);
  g_clear_pointer (&block->by_email, g_free);
  g_clear_pointer (&block->by_order, g_free);
}

/* Merges sorted @add into sorted @into (both in @order): binary search for
 * each insertion point, then one copy of each stretch between them.
 * Returns a new array of *n_into + n_add. */
Entry **
ap_user_list_merge_sorted (Entry       **into,
                           guint         n_into,
                           Entry       **add,
                           guint         n_add,
                           const Order  *order)
{
  Entry **merged = g_new (Entry *, MAX (n_into + n_add, 1));
  guint from = 0;
  guint out = 0;

  /* Into nothing (a refresh's one page of everyone): a copy. */
  if (n_into == 0)
    {
      if (n_add > 0)
        memcpy (merged, add, n_add * sizeof (Entry *));
      return merged;
    }

  for (guint k = 0; k < n_add; k++)
    {
      guint low = from, high = n_into;

      while (low < high)
        {
          guint mid = low + (high - low) / 2;

          if (ap_user_list_compare (into[mid], add[k], order) < 0)
            low = mid + 1;
          else
            high = mid;
        }

      /* @into is NULL while the order is empty, and memcpy() wants a
       * real pointer even for no bytes (UndefinedBehaviorSanitizer). */
      if (low > from)
        memcpy (merged + out, into + from, (low - from) * sizeof (Entry *));
      out += low - from;
      merged[out++] = add[k];
      from = low;
    }

  if (n_into > from)
    memcpy (merged + out, into + from, (n_into - from) * sizeof (Entry *));
  return merged;
}

