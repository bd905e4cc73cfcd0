/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where GLib replaced an API after the floor (2.74), the one place that picks the call: the
 * replacement where the headers have it, the floor's API elsewhere. The modern CI lane builds
 * with GLIB_VERSION_MIN_REQUIRED at the running version, so the deprecated call must not be
 * compiled there. */

/* g_sort_array () (GLib 2.82) replaces g_qsort_with_data (), which took an int count. Stable
 * sort in both. */
static inline void
ap_sort_array (void             *array,
               gsize             n_elements,
               gsize             element_size,
               GCompareDataFunc  compare_func,
               gpointer          user_data)
{
#if GLIB_CHECK_VERSION (2, 82, 0)
  g_sort_array (array, n_elements, element_size, compare_func, user_data);
#else
  g_assert (n_elements <= G_MAXINT);
  g_qsort_with_data (array, (gint) n_elements, element_size, compare_func, user_data);
#endif
}

G_END_DECLS
