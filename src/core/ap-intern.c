/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-intern"

#include "config.h"

#include <string.h>

#include "ap-intern-private.h"

static GMutex intern_lock;
static GHashTable *intern_table;   /* GRefString -> itself, one reference held */
static gsize intern_bytes;         /* the strings' lengths, summed */

char *
ap_intern_string (const char *text,
                  gsize       length)
{
  char *found = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  /* Past the bounds a string is simply not shared: the caller owns a copy
   * and frees it with the user that holds it. Failing the fetch instead
   * would fail every later one too, since the table lives as long as the
   * process. */
  if (length > AP_INTERN_MAX_LENGTH || memchr (text, '\0', length) != NULL)
    return g_ref_string_new_len (text, length);

  {
    char key[AP_INTERN_MAX_LENGTH + 1];

    memcpy (key, text, length);
    key[length] = '\0';

    g_mutex_lock (&intern_lock);

    if (intern_table == NULL)
      intern_table = g_hash_table_new (g_str_hash, g_str_equal);

    found = g_hash_table_lookup (intern_table, key);
    if (found != NULL)
      {
        found = g_ref_string_acquire (found);
      }
    else if (g_hash_table_size (intern_table) < AP_INTERN_MAX_STRINGS &&
             intern_bytes + length <= AP_INTERN_MAX_BYTES)
      {
        char *string = g_ref_string_new_len (key, length);

        g_hash_table_add (intern_table, string);
        intern_bytes += length;
        found = g_ref_string_acquire (string);
      }

    g_mutex_unlock (&intern_lock);
  }

  if (found == NULL)
    found = g_ref_string_new_len (text, length);

  return found;
}

void
ap_intern_get_usage (guint *n_strings,
                     gsize *n_bytes)
{
  g_mutex_lock (&intern_lock);
  if (n_strings != NULL)
    *n_strings = intern_table != NULL ? g_hash_table_size (intern_table) : 0;
  if (n_bytes != NULL)
    *n_bytes = intern_bytes;
  g_mutex_unlock (&intern_lock);
}
