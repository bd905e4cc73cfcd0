/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the display suites. */

#include <glib.h>

typedef gboolean (*Condition) (gpointer data);

static inline gboolean
ap_test_wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the default main context until @condition holds; FALSE after
 * @timeout_ms. A short timer keeps the blocking iteration from waiting
 * forever, so tests never sleep and never hang. */
static inline gboolean
spin_until (Condition condition,
            gpointer  data,
            guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (20, ap_test_wake_up, NULL);
  gboolean met;

  while (!(met = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  return met;
}
