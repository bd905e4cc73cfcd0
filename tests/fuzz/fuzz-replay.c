/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-replay"

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* The main() of a fuzz target built without libFuzzer (any compiler, the
 * sanitizer lane included): every file named, and every file inside every
 * folder named, goes through LLVMFuzzerTestOneInput() once. A crash, a failed
 * assertion or a sanitizer report fails the test; the last "replaying" line
 * names the input. */

static guint n_inputs;

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  uint8_t *exact;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);

  g_printerr ("replaying %s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
  /* A copy of exactly the input's size, as libFuzzer passes it, so that a
   * read past the end is caught under AddressSanitizer. */
  exact = g_memdup2 (contents, length);
  LLVMFuzzerTestOneInput (exact, length);
  g_free (exact);
  n_inputs++;
}

static void
replay (const char *path)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      replay_file (path);
      return;
    }

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  /* In name order, so that a run is the same run everywhere. */
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    replay (g_ptr_array_index (names, i));
}

int
main (int   argc,
      char *argv[])
{
  if (argc < 2)
    {
      g_printerr ("usage: %s FILE-OR-FOLDER...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    replay (argv[i]);

  if (n_inputs == 0)
    {
      g_printerr ("no inputs found: the corpus is missing\n");
      return 1;
    }

  g_print ("%u inputs replayed without a finding\n", n_inputs);
  return EXIT_SUCCESS;
}
