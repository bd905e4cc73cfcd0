/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The stall meter the main-loop benchmarks share: a timeout every 1 ms
 * whose runs should follow each other 1 ms apart, so a longer gap between
 * two runs is time the main loop could not answer. Each run hands its
 * callback the gap since the run before, in wall-clock time and in the
 * main thread's own CPU time (which other processes on a loaded machine
 * do not inflate, unlike the wall clock). */
typedef struct
{
  gint64 now;      /* g_get_monotonic_time () at this run */
  gint64 cpu;      /* the main thread's CPU time at this run, µs */
  gint64 prev;     /* the previous run's monotonic time; 0 at the first run */
  gint64 gap;      /* now - prev; 0 at the first run */
  gint64 gap_cpu;  /* the main thread's CPU time within the gap; 0 at the first run */
} BenchTick;

/* Returns G_SOURCE_CONTINUE to keep measuring, G_SOURCE_REMOVE to stop. */
typedef gboolean (*BenchTickFunc) (const BenchTick *tick,
                                   gpointer         user_data);

/* The calling thread's CPU time, µs. */
gint64 bench_thread_cpu_usec (void);
/* Starts the meter at @priority (G_PRIORITY_HIGH to measure the frames'
 * own work too); returns the source id. */
guint  bench_stall_meter_add (int             priority,
                              BenchTickFunc   func,
                              gpointer        user_data);

G_END_DECLS
