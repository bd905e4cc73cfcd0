/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-user-list-model"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-user-list-model-private.h"

/* What each user is sorted and searched by, made once when the page
 * arrives, on a worker: collation keys, the counts, a search text folded
 * once. */

/* Folding */

static gboolean
is_mark (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
fold_append (GString    *out,
             const char *text,
             gssize      length)
{
  g_autofree char *folded = NULL;
  g_autofree char *decomposed = NULL;
  const char *end;
  gboolean ascii = TRUE;

  if (length < 0)
    length = strlen (text);

  /* Most names and addresses are ASCII: fold those without allocating. */
  for (gssize i = 0; i < length; i++)
    if ((guchar) text[i] >= 0x80)
      {
        ascii = FALSE;
        break;
      }

  if (ascii)
    {
      gsize start = out->len;

      g_string_append_len (out, text, length);
      for (gsize i = start; i < out->len; i++)
        out->str[i] = g_ascii_tolower (out->str[i]);
      return;
    }

  folded = g_utf8_casefold (text, length);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return;

  end = decomposed + strlen (decomposed);
  for (const char *p = decomposed; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_mark (c))
        g_string_append_unichar (out, c);
    }
}

char *
ap_user_list_model_fold (const char *text,
                         gssize      length)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_new (NULL);
  fold_append (out, text, length);
  return g_string_free (out, FALSE);
}

static inline guint
mask_bit (guchar c)
{
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= '0' && c <= '9')
    return 26 + (c - '0');
  return AP_USER_LIST_EXACT_MASK_BITS + c % (64 - AP_USER_LIST_EXACT_MASK_BITS);
}

guint64
ap_user_list_search_mask (const char *text)
{
  guint64 mask = 0;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    mask |= G_GUINT64_CONSTANT (1) << mask_bit (*p);
  return mask;
}

/* Keys (on a worker) */

void
ap_user_list_block_free (gpointer data)
{
  Block *block = data;

  ap_user_list_block_drop_orders (block);
  g_clear_pointer (&block->users, g_ptr_array_unref);
  g_free (block->entries);
  g_free (block->arena);
  g_free (block->search_arena);
  g_free (block->masks);
  g_free (block);
}

/* Strings are built in a scratch GString at offsets, then moved into one
 * arena; the entries are pointed into it at the end. */
typedef struct
{
  gsize name_key;
  gsize email_key;
  gsize department_key;
  gsize search;
} Offsets;

static gsize
scratch_add (GString    *scratch,
             const char *text)
{
  gsize offset = scratch->len;

  g_string_append_len (scratch, text, strlen (text) + 1);
  return offset;
}

/* Where a key is the text itself (the C and C.UTF-8 locales, or text
 * that collates byte by byte), the entry points at the user's own string. */
#define SAME_AS_TEXT G_MAXSIZE

static gsize
scratch_add_key (GString    *scratch,
                 const char *text)
{
  g_autofree char *key = g_utf8_collate_key (text, -1);

  if (strcmp (key, text) == 0)
    return SAME_AS_TEXT;
  return scratch_add (scratch, key);
}

Block *
ap_user_list_block_new (GPtrArray *users,
                        guint      first_position)
{
  g_autoptr(GHashTable) department_keys = g_hash_table_new (NULL, NULL);
  g_autofree Offsets *offsets = g_new (Offsets, users->len);
  GString *scratch = g_string_sized_new (users->len * 96);
  GString *search = g_string_sized_new (users->len * 64);
  Block *block = g_new0 (Block, 1);
  gsize scratch_len;
  gsize search_len;

  block->users = g_ptr_array_ref (users);
  block->n_entries = users->len;
  block->entries = g_new0 (Entry, users->len);
  block->masks = g_new (guint64, users->len);

  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      Entry *entry = &block->entries[i];
      const char *name = ap_user_get_name (user);
      const char *email = ap_user_get_email (user);
      const char *department = ap_user_get_department (user);
      gpointer cached;
      char *key;

      entry->user = user;
      entry->department = department;
      entry->counts[0] = ap_user_get_num_correct (user);
      entry->counts[1] = ap_user_get_num_incorrect (user);
      entry->counts[2] = ap_user_get_num_not_watched (user);
      entry->position = first_position + i;

      offsets[i].name_key = scratch_add_key (scratch, name);
      offsets[i].email_key = scratch_add_key (scratch, email);

      /* Departments are few and interned: one key per department. */
      if (g_hash_table_lookup_extended (department_keys, department, NULL, &cached))
        {
          offsets[i].department_key = GPOINTER_TO_SIZE (cached);
        }
      else
        {
          key = g_utf8_collate_key (department, -1);
          offsets[i].department_key = scratch_add (scratch, key);
          g_free (key);
          g_hash_table_insert (department_keys, (gpointer) department,
                               GSIZE_TO_POINTER (offsets[i].department_key));
        }

      /* The unit separator keeps a search from matching across fields. */
      offsets[i].search = search->len;
      fold_append (search, name, -1);
      g_string_append_c (search, '\x1f');
      fold_append (search, email, -1);
      g_string_append_c (search, '\x1f');
      fold_append (search, department, -1);
      g_string_append_c (search, '\0');
    }

  /* A GString doubles as it grows: keep only what is used. */
  scratch_len = scratch->len;
  block->arena = g_realloc (g_string_free (scratch, FALSE), scratch_len);
  search_len = search->len;
  block->search_arena = g_realloc (g_string_free (search, FALSE), search_len);

  for (guint i = 0; i < users->len; i++)
    {
      Entry *entry = &block->entries[i];

      entry->name_key = offsets[i].name_key == SAME_AS_TEXT
                        ? ap_user_get_name (entry->user) : block->arena + offsets[i].name_key;
      entry->email_key = offsets[i].email_key == SAME_AS_TEXT
                         ? ap_user_get_email (entry->user) : block->arena + offsets[i].email_key;
      entry->department_key = block->arena + offsets[i].department_key;
      entry->search = block->search_arena + offsets[i].search;
      block->masks[i] = ap_user_list_search_mask (entry->search);
    }

  return block;
}

