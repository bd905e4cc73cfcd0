/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What every fuzz target shares. A target is one LLVMFuzzerTestOneInput(); with
 * -Dfuzzing=true libFuzzer drives it, otherwise fuzz-replay.c's main() runs it on
 * the committed corpus as an ordinary test. Any CRITICAL or WARNING is fatal, and
 * so is a failed g_assert: each is a finding. */

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static inline void
fuzz_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      g_setenv ("LC_ALL", "C.UTF-8", TRUE);
      g_once_init_leave (&done, 1);
    }
}

/* Splits the input at NUL bytes into at most @max pieces, each a fresh
 * NUL-terminated copy (a field a person or a keyring could hand over);
 * unused slots are NULL. Returns the number of pieces. */
static inline guint
fuzz_split (const uint8_t *data,
            size_t         size,
            char         **pieces,
            guint          max)
{
  guint n = 0;
  size_t start = 0;

  for (guint i = 0; i < max; i++)
    pieces[i] = NULL;
  while (n < max && start <= size)
    {
      const uint8_t *nul = memchr (data + start, '\0', size - start);
      size_t end = nul != NULL ? (size_t) (nul - data) : size;

      pieces[n++] = g_strndup ((const char *) data + start, end - start);
      if (nul == NULL)
        break;
      start = end + 1;
    }
  return n;
}

static inline void
fuzz_free_pieces (char  **pieces,
                  guint   max)
{
  for (guint i = 0; i < max; i++)
    g_clear_pointer (&pieces[i], g_free);
}
