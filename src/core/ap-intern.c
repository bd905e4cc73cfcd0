/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-intern"

#include "config.h"

#include <string.h>

#include "ap-intern-private.h"

static GMutex intern_lock;
static GHashTable *intern_table;   /* GRefString -> itself, one reference held */

char *
ap_intern_string (const char *text,
                  gsize       length)
{
  g_autofree char *copy = NULL;
  char *found;

  g_return_val_if_fail (text != NULL, NULL);

  copy = g_strndup (text, length);

  g_mutex_lock (&intern_lock);

  if (intern_table == NULL)
    intern_table = g_hash_table_new (g_str_hash, g_str_equal);

  found = g_hash_table_lookup (intern_table, copy);
  if (found != NULL)
    {
      found = g_ref_string_acquire (found);
    }
  else if (g_hash_table_size (intern_table) < AP_INTERN_MAX_STRINGS)
    {
      char *string = g_ref_string_new_len (copy, length);

      g_hash_table_add (intern_table, string);
      found = g_ref_string_acquire (string);
    }
  else
    {
      found = g_ref_string_new_len (copy, length);
    }

  g_mutex_unlock (&intern_lock);

  return found;
}
