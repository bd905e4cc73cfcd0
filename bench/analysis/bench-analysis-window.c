/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-analysis-window"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ap-people-list.h"
#include "ap-window-private.h"
#include "bench-stall.h"

/* The real window computing its analysis of a large organisation and
 * handing it to the Overview, the Training videos page and the Needs
 * attention list: how long the main loop could not answer meanwhile.
 * The window loads N users from the double (as bench-ui does); once the
 * fetch is over and the users list has settled, a 1 ms ticker at high
 * priority records the longest gap between its runs, in wall-clock time
 * and in the main thread's own CPU time, until the three pages have their
 * part and 1.5 s more have passed (the needs-attention rows come in over
 * those frames when the list is on screen). The window logs each page's
 * step with its CPU time; those lines are printed too.
 *
 * Usage: bench-analysis-window [N_USERS [RECORDS_PER_USER [PAGE]]]
 *   PAGE: the page on screen meanwhile, overview (default), attention,
 *   videos or users. Run it through bench/analysis/run. */

typedef enum
{
  PHASE_LOADING,
  PHASE_MEASURING,
  PHASE_TAIL,
  PHASE_DONE,
} Phase;

static struct
{
  GApplication *app;
  ApWindow     *window;
  ApMockServer *mock;
  Phase         phase;
  gint64        max_gap;
  gint64        max_gap_cpu;
  gint64        t_measure;
  gint64        t_handed;
  double        step_cpu[3];
  double        step_wall[3];
  guint         n_steps;
  gint64        gap_log_us;
  int           status;
} bench;

/* "Analysis of N users, page P shown in W ms (C ms of CPU)" */
static void
on_analysis_log (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  guint page;
  double wall, cpu;
  const char *at = strstr (message, ", page ");

  if (at == NULL || sscanf (at, ", page %u shown in %lf ms (%lf ms of CPU)", &page, &wall,
                            &cpu) != 3 || page < 1 || page > 3)
    return;
  bench.step_wall[page - 1] = wall;
  bench.step_cpu[page - 1] = cpu;
  bench.n_steps++;
}

static void
finish (void)
{
  const char *names[] = { "Overview", "Training videos", "Needs attention" };

  bench.phase = PHASE_DONE;
  for (guint i = 0; i < 3; i++)
    printf ("hand-off step %u (%s): %.1f ms CPU, %.1f ms wall\n", i + 1, names[i],
            bench.step_cpu[i], bench.step_wall[i]);
  printf ("longest main-loop stall from the settled load to 1.5 s after the hand-off: "
          "%.1f ms CPU, %.1f ms wall (target <= 16 ms CPU: %s)\n",
          bench.max_gap_cpu / 1000.0, bench.max_gap / 1000.0,
          bench.max_gap_cpu <= 16000 ? "met" : "MISSED");
  printf ("analysis handed over %.0f ms after the load settled\n",
          (bench.t_handed - bench.t_measure) / 1000.0);
  printf ("figures: step1_cpu=%.1f step2_cpu=%.1f step3_cpu=%.1f stall_cpu=%.1f stall=%.1f\n",
          bench.step_cpu[0], bench.step_cpu[1], bench.step_cpu[2],
          bench.max_gap_cpu / 1000.0, bench.max_gap / 1000.0);
  fflush (stdout);
  gtk_window_destroy (GTK_WINDOW (bench.window));
}

static gboolean
on_tick (const BenchTick *tick,
         gpointer         user_data)
{
  gint64 now = tick->now;
  ApPeopleList *attention = _ap_window_get_attention_list (bench.window);

  if (bench.phase == PHASE_MEASURING || bench.phase == PHASE_TAIL)
    {
      bench.max_gap = MAX (bench.max_gap, tick->gap);
      bench.max_gap_cpu = MAX (bench.max_gap_cpu, tick->gap_cpu);
      /* BENCH_GAPS=MS: every gap of at least MS ms of CPU, for a profile */
      if (bench.gap_log_us > 0 && tick->gap_cpu >= bench.gap_log_us)
        g_printerr ("gap: %s, %.1f ms CPU, %.1f ms wall, ended %.0f ms after the load settled "
                    "(monotonic %.6f s)\n", bench.phase == PHASE_TAIL ? "after the hand-off" : "before",
                    tick->gap_cpu / 1000.0, tick->gap / 1000.0,
                    (now - bench.t_measure) / 1000.0, now / 1e6);
    }

  switch (bench.phase)
    {
    case PHASE_LOADING:
      if (ap_window_get_n_fetches_done (bench.window) > 0 && !ap_window_is_fetching (bench.window) &&
          ap_users_view_get_pending (ap_window_get_users_view (bench.window)) == 0)
        {
          if (ap_window_get_shown_error (bench.window) != NULL)
            {
              g_printerr ("bench-analysis-window: the fetch failed: %s\n",
                          ap_window_get_shown_error (bench.window)->message);
              bench.status = 1;
              bench.phase = PHASE_DONE;
              gtk_window_destroy (GTK_WINDOW (bench.window));
              return G_SOURCE_REMOVE;
            }
          bench.phase = PHASE_MEASURING;
          bench.t_measure = now;
        }
      break;

    case PHASE_MEASURING:
      if (bench.n_steps >= 3 && ap_people_list_get_users (attention) != NULL)
        {
          bench.phase = PHASE_TAIL;
          bench.t_handed = now;
        }
      break;

    case PHASE_TAIL:
      if (now - bench.t_handed > 1500 * 1000)
        {
          finish ();
          return G_SOURCE_REMOVE;
        }
      break;

    case PHASE_DONE:
    default:
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_give_up (gpointer user_data)
{
  g_printerr ("bench-analysis-window: gave up after 10 minutes in phase %d\n", bench.phase);
  bench.status = 1;
  g_application_quit (bench.app);
  return G_SOURCE_REMOVE;
}

static void
on_activate (GApplication *app,
             const char   *page)
{
  g_autoptr(GError) error = NULL;

  bench.window = ap_window_new (ADW_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1280, 800);
  adw_view_stack_set_visible_child_name (bench.window->view_stack, page);
  gtk_window_present (GTK_WINDOW (bench.window));

  g_log_set_handler ("ap-window-analysis", G_LOG_LEVEL_DEBUG, on_analysis_log, NULL);
  bench_stall_meter_add (G_PRIORITY_HIGH, on_tick, NULL);
  g_timeout_add_seconds (600, on_give_up, NULL);

  if (!ap_mock_server_start (bench.mock, 0, &error))
    {
      g_printerr ("bench-analysis-window: cannot start the double: %s\n", error->message);
      bench.status = 1;
      gtk_window_destroy (GTK_WINDOW (bench.window));
      return;
    }
  ap_window_start_demo_with_server (bench.window, bench.mock);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  guint n_users = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  guint n_records = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 10;
  const char *page = argc > 3 ? argv[3] : "overview";

  setlocale (LC_ALL, "");
  if (n_users == 0)
    {
      g_printerr ("usage: bench-analysis-window [N_USERS [RECORDS_PER_USER [PAGE]]]\n");
      return 2;
    }
  printf ("bench-analysis-window: %u users x %u records, the %s page on screen\n", n_users,
          n_records, page);

  if (g_getenv ("BENCH_GAPS") != NULL)
    bench.gap_log_us = (gint64) (g_ascii_strtod (g_getenv ("BENCH_GAPS"), NULL) * 1000);
  bench.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (bench.mock, n_users, 8, n_records, 1);

  app = adw_application_new ("io.github.awarenessperf.AwarenessPerformance.BenchAnalysis",
                             G_APPLICATION_NON_UNIQUE);
  bench.app = G_APPLICATION (app);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), (gpointer) page);
  g_application_run (G_APPLICATION (app), 0, NULL);

  ap_mock_server_stop (bench.mock);
  g_clear_object (&bench.mock);

  if (bench.status == 0 && bench.phase != PHASE_DONE)
    {
      g_printerr ("bench-analysis-window: the window closed before the benchmark finished\n");
      return 1;
    }
  return bench.status;
}
