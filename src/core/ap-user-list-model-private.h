/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-user-list-model.h"

/* ApUserListModel's parts: the keys made on a worker for each page
 * (ap-user-list-model-keys.c), the orders built from them
 * (ap-user-list-model-order.c), and the model that shows them
 * (ap-user-list-model.c). */

G_BEGIN_DECLS

/* One user's keys, made once on a worker when its page arrives. Entries
 * never move: they live in the Block of their page, so sort workers can
 * read them while the main thread adds more. */
typedef struct
{
  ApUser     *user;
  const char *name_key;        /* g_utf8_collate_key () */
  const char *email_key;
  const char *department_key;
  const char *department;      /* the user's interned string, for the filter */
  const char *search;          /* folded "name\x1femail\x1fdepartment" */
  guint32     counts[3];       /* correct, incorrect, not watched */
  guint32     position;        /* in the store: the last tie breaker */
} Entry;

typedef struct
{
  ApUserSortColumn column;
  gboolean         descending;
} Order;

/* One page's entries and every string they point to, in one arena. */
typedef struct
{
  GPtrArray *users;
  Entry     *entries;
  char      *arena;         /* the keys */
  char      *search_arena;  /* the search texts, apart so a search reads only them */
  guint64   *masks;         /* by entry: the bytes its search text holds */
  guint      n_entries;
  /* The page's entries sorted on the worker, until the page is taken in:
   * by Name, by Email, and in @order (NULL for the store order). */
  Entry    **by_name;
  Entry    **by_email;
  Entry    **by_order;
  Order      order;
} Block;

/* Which bytes a folded text holds, one bit each for a-z and 0-9 and
 * shared bits for every other byte: a text can only contain a needle
 * whose bits it has all of. A needle of one letter or digit (whose bit is
 * its own) matches exactly the texts with its bit. */
#define AP_USER_LIST_EXACT_MASK_BITS 36
guint64  ap_user_list_search_mask  (const char    *text);

/* Keys (ap-user-list-model-keys.c): called on a worker thread. */
Block   *ap_user_list_block_new    (GPtrArray     *users,
                                    guint          first_position);
void     ap_user_list_block_free   (gpointer       block);
/* On the worker too: fills @block's by_name and by_email if they are not
 * yet, and by_order unless it is already in @order. */
void     ap_user_list_block_sort   (Block         *block,
                                    const Order   *order);
/* Drops them once the page is in the model's orders. */
void     ap_user_list_block_drop_orders (Block    *block);

/* Orders (ap-user-list-model-order.c) */
extern const Order ap_user_list_name_order;
extern const Order ap_user_list_email_order;

int      ap_user_list_compare      (const Entry   *a,
                                    const Entry   *b,
                                    const Order   *order);
void     ap_user_list_sort_entries (Entry        **entries,
                                    guint          n,
                                    const Order   *order);
/* (transfer full) every entry in @order; @by_email only for an Email sort */
Entry  **ap_user_list_sort_all     (Entry        **by_name,
                                    Entry        **by_email,
                                    guint          n,
                                    const Order   *order);
/* (transfer full) @n_into + @n_add entries */
Entry  **ap_user_list_merge_sorted (Entry        **into,
                                    guint          n_into,
                                    Entry        **add,
                                    guint          n_add,
                                    const Order   *order);

G_END_DECLS
