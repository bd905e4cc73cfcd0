/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bench-stall.h"

#include <time.h>

typedef struct
{
  BenchTickFunc func;
  gpointer      user_data;
  gint64        last_tick;
  gint64        last_tick_cpu;
} Meter;

gint64
bench_thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
on_meter_tick (gpointer data)
{
  Meter *meter = data;
  BenchTick tick;

  tick.now = g_get_monotonic_time ();
  tick.cpu = bench_thread_cpu_usec ();
  tick.prev = meter->last_tick;
  tick.gap = meter->last_tick != 0 ? tick.now - meter->last_tick : 0;
  tick.gap_cpu = meter->last_tick != 0 ? tick.cpu - meter->last_tick_cpu : 0;
  meter->last_tick = tick.now;
  meter->last_tick_cpu = tick.cpu;
  return meter->func (&tick, meter->user_data);
}

guint
bench_stall_meter_add (int           priority,
                       BenchTickFunc func,
                       gpointer      user_data)
{
  Meter *meter = g_new0 (Meter, 1);

  meter->func = func;
  meter->user_data = user_data;
  return g_timeout_add_full (priority, 1, on_meter_tick, meter, g_free);
}
