/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ap-window-private.h"
#include "bench-stall.h"

/* The real window loading a large organisation from the double, which
 * runs on its own thread as in the demo. Measures what a person feels:
 * the first row after the first page, the whole load, the longest time
 * the main loop could not answer, peak memory, then a sort and one
 * keystroke of local search over everything loaded, typed once the window
 * is idle, then a refresh: the same query fetched again over the rows
 * shown, which the new users replace at the end. Not a test: it prints
 * figures beside the targets and always exits 0 unless it could not run.
 *
 * Usage: bench-ui [N_USERS [RECORDS_PER_USER]]   (default 100000 10)
 * Run it through bench/ui/run (Xvfb, private bus, schemas).
 * AP_USERS_MODEL=gtk runs the users view on its former GtkFilterListModel
 * and GtkSortListModel, for the comparison.
 * BENCH_UI_START_MS=MS starts the load MS ms after the window opens instead
 * of at once: with 400, after libadwaita's style switch, which restyles the
 * whole window 250 ms after the application starts (adw-style-manager.c,
 * SWITCH_DURATION) and so falls into a load started at launch.
 * BENCH_UI_UNSORTED=1 loads with no column sorted, to see what sorting
 * during the load costs. BENCH_UI_GAPS=MS prints every gap of the main
 * loop of at least MS ms of its CPU time, and the phases of each frame
 * that long, with their monotonic times (perf record -k CLOCK_MONOTONIC
 * gives samples the same clock). The last line holds every figure for
 * scripts. */

typedef enum
{
  PHASE_LOADING,
  PHASE_LOAD_SETTLING,
  PHASE_SORTING,
  PHASE_SORTING_EMAIL,
  PHASE_BEFORE_KEYSTROKE,   /* the window idle before the keystroke */
  PHASE_SEARCHING,
  PHASE_REFRESHING,         /* the same query fetched again over the rows shown */
  PHASE_DONE,
} Phase;

typedef struct
{
  GApplication  *app;
  ApWindow      *window;
  ApMockServer  *mock;
  GdkFrameClock *frame_clock;
  Phase          phase;

  /* stall meter (bench-stall.h) at high priority: the longest gaps */
  gint64         max_gap;
  gint64         max_gap_end;   /* when the longest gap ended */
  gint64         max_gap_loading;   /* longest gap after the first page arrived */
  /* the same gaps in the main thread's own CPU time: what our code costs
   * it, without the time it waited for a core on a loaded machine */
  gint64         max_gap_cpu;
  gint64         max_gap_cpu_loading;

  gint64         t_start;
  guint          start_delay_ms;   /* BENCH_UI_START_MS */
  gint64         t_first_page;
  gint64         t_first_row;
  gint64         t_loaded;
  gint64         load_stall;
  gint64         load_stall_end;
  guint          n_loaded;
  double         rss_loaded;    /* MiB resident when the load settled */

  gint64         t_op;          /* start of the sort or the keystroke */
  gint64         t_op_cpu;      /* the main thread's CPU time then */
  gint64         keystroke_cpu; /* main-thread CPU from the keystroke to the painted frame */
  gint64         t_search_changed;
  gint64         sort_time;
  gint64         sort_stall;
  gint64         sort_stall_cpu;
  gint64         sort_email_time;
  gint64         sort_email_stall;
  gint64         sort_email_stall_cpu;
  gint64         search_time;
  gint64         search_time_from_changed;
  gint64         search_stall;
  gint64         search_stall_cpu;
  guint          n_matching;
  guint          fetches_before;
  gint64         refresh_time;
  gint64         refresh_stall;
  gint64         refresh_stall_cpu;
  double         rss_before_refresh;   /* peak MiB through the load, sorts and search */

  gboolean       want_paint;    /* the phase's work is done; the next paint ends it */
  gint64         t_last_paint;  /* the last frame's after-paint */
  gboolean       analysis_handed;   /* the window's analysis of the loaded users is shown */
  gboolean       analysis_late;
  gint64         sort_email_end;
  guint          search_delay_ms;
  gint64         gap_log_us;
  int            status;
} Bench;

static Bench bench;

static double
ms (gint64 us)
{
  return us / 1000.0;
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;
  return usage.ru_maxrss;
}

/* Resident memory now, in MiB: beside the peak, it tells the data at rest
 * from what an operation adds for a while. */
static double
current_rss_mib (void)
{
  g_autofree char *statm = NULL;
  char **fields;
  double mib = -1;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return -1;
  fields = g_strsplit (statm, " ", 3);
  if (fields[0] != NULL && fields[1] != NULL)
    mib = g_ascii_strtod (fields[1], NULL) * sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
  g_strfreev (fields);
  return mib;
}

static void
report_line (const char *what,
             double      value,
             const char *unit,
             double      target)
{
  if (target <= 0)
    printf ("%-42s %10.1f %s\n", what, value, unit);
  else if (value <= target)
    printf ("%-42s %10.1f %s   target <= %.0f %s: met\n", what, value, unit, target, unit);
  else
    printf ("%-42s %10.1f %s   target <= %.0f %s: MISSED by %.1f %s\n",
            what, value, unit, target, unit, value - target, unit);
}

static void
finish (void)
{
  double rss_mib = peak_rss_kib () / 1024.0;

  bench.phase = PHASE_DONE;

  printf ("\nbench-ui: %u users loaded\n", bench.n_loaded);
  report_line ("first page arrived after start", ms (bench.t_first_page - bench.t_start), "ms", 0);
  report_line ("first row shown after first page", ms (bench.t_first_row - bench.t_first_page),
               "ms", 100);
  report_line ("total load (start to settled frame)", ms (bench.t_loaded - bench.t_start), "ms", 0);
  report_line ("longest main-loop stall, start to loaded", ms (bench.load_stall), "ms", 0);
  printf ("  (it ended %.1f ms after the first page arrived; the first row was painted at %.1f ms)\n",
          ms (bench.load_stall_end - bench.t_first_page), ms (bench.t_first_row - bench.t_first_page));
  report_line ("longest stall from the first page to loaded", ms (bench.max_gap_loading), "ms", 16);
  report_line ("  the same, main thread's CPU time", ms (bench.max_gap_cpu_loading), "ms", 16);
  /* The target is the load's, sorts' and search's; a refresh holds the
   * old users and the new ones for a while, and is reported apart. */
  report_line ("peak RSS", bench.rss_before_refresh, "MiB", 250);
  report_line ("  RSS when the load settled", bench.rss_loaded, "MiB", 0);
  report_line ("sort by Not watched, to painted frame", ms (bench.sort_time), "ms", 100);
  report_line ("longest stall while sorting", ms (bench.sort_stall), "ms", 16);
  report_line ("  the same, main thread's CPU time", ms (bench.sort_stall_cpu), "ms", 16);
  report_line ("sort by Email, to painted frame", ms (bench.sort_email_time), "ms", 100);
  report_line ("longest stall while sorting by Email", ms (bench.sort_email_stall), "ms", 16);
  report_line ("  the same, main thread's CPU time", ms (bench.sort_email_stall_cpu), "ms", 16);
  printf ("search: one keystroke, %u users match, typed %.0f ms after the sort's frame "
          "(the window idle; the analysis %s)\n", bench.n_matching,
          ms (bench.t_op - bench.sort_email_end),
          bench.analysis_handed ? "handed over" : "NOT handed over yet");
  report_line ("keystroke to painted frame (incl. debounce)", ms (bench.search_time), "ms", 16);
  printf ("  (the search entry waits %u ms after a keystroke before searching)\n",
          bench.search_delay_ms);
  report_line ("  its main-thread CPU time", ms (bench.keystroke_cpu), "ms", 16);
  report_line ("search-changed to painted frame", ms (bench.search_time_from_changed), "ms", 16);
  report_line ("longest stall while searching", ms (bench.search_stall), "ms", 16);
  report_line ("  the same, main thread's CPU time", ms (bench.search_stall_cpu), "ms", 16);
  printf ("refresh: the same query fetched again, its %u users replacing those shown at once\n",
          bench.n_loaded);
  report_line ("refresh, start to painted frame", ms (bench.refresh_time), "ms", 0);
  report_line ("longest stall while refreshing", ms (bench.refresh_stall), "ms", 16);
  report_line ("  the same, main thread's CPU time", ms (bench.refresh_stall_cpu), "ms", 16);
  report_line ("peak RSS with the refresh (old and new users)", rss_mib, "MiB", 0);
  printf ("figures: first_row=%.1f load=%.1f start_stall=%.1f load_stall=%.1f rss=%.1f sort=%.1f sort_stall=%.1f "
          "sort_email=%.1f sort_email_stall=%.1f keystroke=%.1f search=%.1f search_stall=%.1f "
          "load_stall_cpu=%.1f sort_stall_cpu=%.1f sort_email_stall_cpu=%.1f search_stall_cpu=%.1f "
          "keystroke_cpu=%.1f rss_loaded=%.1f refresh=%.1f refresh_stall=%.1f refresh_stall_cpu=%.1f rss_refresh=%.1f\n",
          ms (bench.t_first_row - bench.t_first_page), ms (bench.t_loaded - bench.t_start),
          ms (bench.load_stall), ms (bench.max_gap_loading), bench.rss_before_refresh, ms (bench.sort_time),
          ms (bench.sort_stall),
          ms (bench.sort_email_time), ms (bench.sort_email_stall), ms (bench.search_time),
          ms (bench.search_time_from_changed), ms (bench.search_stall),
          ms (bench.max_gap_cpu_loading), ms (bench.sort_stall_cpu), ms (bench.sort_email_stall_cpu),
          ms (bench.search_stall_cpu), ms (bench.keystroke_cpu), bench.rss_loaded,
          ms (bench.refresh_time), ms (bench.refresh_stall), ms (bench.refresh_stall_cpu), rss_mib);
  fflush (stdout);

  gtk_window_destroy (GTK_WINDOW (bench.window));
}

static ApUsersView *
users_view (void)
{
  return ap_window_get_users_view (bench.window);
}

/* The keystroke is typed when the window is idle. The frame clock paces
 * frames at the refresh interval: after a frame it starts the next one no
 * sooner than one interval after that frame began
 * (gdk/gdkframeclockidle.c, min_next_frame_time). A keystroke typed in
 * the sort's after-paint, or while Adwaita's transitions still animate
 * after the sort (about 0.4 s of frames), waits for the next slot whatever
 * it costs, and measures the pacing. And about 1 s of the analysis of the
 * loaded users runs on a worker after the load (ap-window-analysis.c):
 * on 2 cores it leaves the main thread and the X server one between them.
 * A person reads the sorted list before typing: the keystroke comes once
 * the analysis has been handed over (or KEYSTROKE_MAX_WAIT_US have
 * passed) and the window has painted no frame for KEYSTROKE_AFTER_IDLE_US.
 * (Typed at a random moment while frames run, a keystroke waits on
 * average half an interval more.) */
#define KEYSTROKE_AFTER_IDLE_US (100 * G_TIME_SPAN_MILLISECOND)
#define KEYSTROKE_MAX_WAIT_US (10 * G_TIME_SPAN_SECOND)

/* "Analysis of N users, page 3 shown in W ms (C ms of CPU)": the last
 * step of the hand-over */
static void
on_analysis_log (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  if (strstr (message, ", page 3 shown in ") != NULL)
    bench.analysis_handed = TRUE;
}

/* A timed operation starts now: its own stalls, then its painted frame. */
static void
begin_phase (Phase phase)
{
  bench.phase = phase;
  bench.max_gap = 0;
  bench.max_gap_cpu = 0;
  bench.want_paint = FALSE;
  bench.t_op = g_get_monotonic_time ();
}

static void
start_search (void)
{
  GtkEditable *entry = ap_users_view_get_search_entry (users_view ());

  bench.t_search_changed = 0;
  begin_phase (PHASE_SEARCHING);
  bench.t_op_cpu = bench_thread_cpu_usec ();
  /* One keystroke into an empty entry; not a letter of “example.com”,
   * which every email holds. */
  gtk_editable_set_text (entry, "j");
}

/* Refresh: the window fetches again while the rows stay, and the new
 * users replace them when the fetch ends (ap-window-fetch.c). */
static void
start_refresh (void)
{
  bench.fetches_before = ap_window_get_n_fetches_done (bench.window);
  bench.rss_before_refresh = peak_rss_kib () / 1024.0;
  begin_phase (PHASE_REFRESHING);
  if (!gtk_widget_activate_action (GTK_WIDGET (bench.window), "win.fetch", NULL))
    {
      g_printerr ("bench-ui: win.fetch could not be activated\n");
      bench.status = 1;
    }
}

/* A count (a pass over the Name order in the new model) and a text other
 * than Name (a comparison sort). */
static void
start_sort (Phase       phase,
            const char *column,
            GtkSortType order)
{
  ApUsersView *view = users_view ();

  begin_phase (phase);
  gtk_column_view_sort_by_column (ap_users_view_get_column_view (view),
                                  ap_users_view_get_column (view, column), order);
}

static gboolean
models_settled (void)
{
  return ap_users_view_get_pending (users_view ()) == 0;
}

/* With BENCH_UI_GAPS, each frame's phases in the main thread's CPU time:
 * the tick callbacks (update), size allocation (layout), drawing (paint). */
static gint64 frame_cpu[4];
static gint64 frame_wall[4];
/* and within the frame, the window's size computation (GdkToplevel
 * ::compute-size: GtkWindow measuring its content for its minimum and
 * default size), which runs before the layout phase */
static gint64 compute_size_start;
static gint64 compute_size_cpu;
static guint  compute_size_count;

static gboolean
on_compute_size_hook (GSignalInvocationHint *hint,
                      guint                  n_params,
                      const GValue          *params,
                      gpointer               user_data)
{
  compute_size_start = bench_thread_cpu_usec ();
  return TRUE;
}

static void
on_compute_size_done (GdkToplevel *toplevel,
                      gpointer     size,
                      gpointer     user_data)
{
  compute_size_cpu += bench_thread_cpu_usec () - compute_size_start;
  compute_size_count++;
}

static void
on_frame_phase (GdkFrameClock *clock,
                gpointer       user_data)
{
  frame_cpu[GPOINTER_TO_INT (user_data)] = bench_thread_cpu_usec ();
  if (GPOINTER_TO_INT (user_data) == 0)
    {
      compute_size_cpu = 0;
      compute_size_count = 0;
    }
  frame_wall[GPOINTER_TO_INT (user_data)] = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();

  bench.t_last_paint = now;
  if (bench.gap_log_us > 0 && bench_thread_cpu_usec () - frame_cpu[0] >= bench.gap_log_us)
    g_printerr ("frame: phase %d, %u rows shown, update %.1f (window size %ux %.1f), "
                "layout %.1f, paint %.1f ms CPU; %.6f update %.6f layout %.6f paint %.6f\n",
                bench.phase,
                g_list_model_get_n_items (G_LIST_MODEL (ap_users_view_get_selection (users_view ()))),
                ms (frame_cpu[1] - frame_cpu[0]), compute_size_count, ms (compute_size_cpu),
                ms (frame_cpu[2] - frame_cpu[1]),
                ms (bench_thread_cpu_usec () - frame_cpu[2]), frame_wall[0] / 1e6,
                frame_wall[1] / 1e6, frame_wall[2] / 1e6, now / 1e6);

  if (bench.phase == PHASE_LOADING && bench.t_first_page != 0 && bench.t_first_row == 0 &&
      g_list_model_get_n_items (G_LIST_MODEL (ap_users_view_get_selection (users_view ()))) > 0)
    bench.t_first_row = now;

  if (!bench.want_paint)
    return;
  bench.want_paint = FALSE;

  switch (bench.phase)
    {
    case PHASE_LOAD_SETTLING:
      bench.t_loaded = now;
      bench.rss_loaded = current_rss_mib ();
      bench.load_stall = bench.max_gap;
      bench.load_stall_end = bench.max_gap_end;
      start_sort (PHASE_SORTING, "not-watched", GTK_SORT_DESCENDING);
      break;

    case PHASE_SORTING:
      bench.sort_time = now - bench.t_op;
      bench.sort_stall = bench.max_gap;
      bench.sort_stall_cpu = bench.max_gap_cpu;
      start_sort (PHASE_SORTING_EMAIL, "email", GTK_SORT_ASCENDING);
      break;

    case PHASE_SORTING_EMAIL:
      bench.sort_email_time = now - bench.t_op;
      bench.sort_email_stall = bench.max_gap;
      bench.sort_email_stall_cpu = bench.max_gap_cpu;
      bench.phase = PHASE_BEFORE_KEYSTROKE;
      bench.sort_email_end = now;
      break;

    case PHASE_SEARCHING:
      bench.search_time = now - bench.t_op;
      bench.keystroke_cpu = bench_thread_cpu_usec () - bench.t_op_cpu;
      bench.search_time_from_changed = now - bench.t_search_changed;
      bench.search_stall = bench.max_gap;
      bench.search_stall_cpu = bench.max_gap_cpu;
      bench.n_matching =
        g_list_model_get_n_items (ap_users_view_get_visible_users (users_view ()));
      start_refresh ();
      break;

    case PHASE_REFRESHING:
      bench.refresh_time = now - bench.t_op;
      bench.refresh_stall = bench.max_gap;
      bench.refresh_stall_cpu = bench.max_gap_cpu;
      finish ();
      break;

    case PHASE_LOADING:
    case PHASE_BEFORE_KEYSTROKE:
    case PHASE_DONE:
    default:
      break;
    }
}

static void
ask_for_paint (void)
{
  bench.want_paint = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (ap_users_view_get_column_view (users_view ())));
}

static gboolean
on_tick (const BenchTick *tick,
         gpointer         user_data)
{
  gint64 now = tick->now;
  gboolean loading = tick->prev != 0 && bench.t_first_page != 0 &&
                     tick->prev >= bench.t_first_page &&
                     (bench.phase == PHASE_LOADING || bench.phase == PHASE_LOAD_SETTLING);

  if (tick->gap > bench.max_gap)
    {
      bench.max_gap = tick->gap;
      bench.max_gap_end = now;
    }
  bench.max_gap_cpu = MAX (bench.max_gap_cpu, tick->gap_cpu);
  if (loading)
    {
      bench.max_gap_loading = MAX (bench.max_gap_loading, tick->gap);
      bench.max_gap_cpu_loading = MAX (bench.max_gap_cpu_loading, tick->gap_cpu);
    }
  /* BENCH_UI_GAPS=MS prints every gap of at least MS of CPU time, with its
   * monotonic end, to find it in a profile (perf record -k CLOCK_MONOTONIC) */
  if (tick->prev != 0 && bench.gap_log_us > 0 && tick->gap_cpu >= bench.gap_log_us)
    g_printerr ("gap: phase %d, %.1f ms CPU, %.1f ms wall, ended at %.6f s\n", bench.phase,
                ms (tick->gap_cpu), ms (tick->gap), now / 1e6);

  if (bench.want_paint)
    return G_SOURCE_CONTINUE;

  switch (bench.phase)
    {
    case PHASE_LOADING:
      if (ap_window_get_n_fetches_done (bench.window) > 0 && !ap_window_is_fetching (bench.window))
        {
          if (ap_window_get_shown_error (bench.window) != NULL)
            {
              g_printerr ("bench-ui: the fetch failed: %s\n",
                          ap_window_get_shown_error (bench.window)->message);
              bench.status = 1;
              bench.phase = PHASE_DONE;
              gtk_window_destroy (GTK_WINDOW (bench.window));
              return G_SOURCE_REMOVE;
            }
          bench.n_loaded = g_list_model_get_n_items (G_LIST_MODEL (bench.window->store));
          bench.phase = PHASE_LOAD_SETTLING;
        }
      break;

    case PHASE_LOAD_SETTLING:
    case PHASE_SORTING:
    case PHASE_SORTING_EMAIL:
      if (models_settled ())
        ask_for_paint ();
      break;

    case PHASE_BEFORE_KEYSTROKE:
      if (!bench.analysis_handed && now - bench.sort_email_end < KEYSTROKE_MAX_WAIT_US)
        break;
      if (!bench.analysis_handed && !bench.analysis_late)
        {
          g_printerr ("bench-ui: the analysis was not handed over after %.0f s; typing anyway\n",
                      KEYSTROKE_MAX_WAIT_US / 1e6);
          bench.analysis_late = TRUE;
        }
      if (models_settled () && now - bench.t_last_paint >= KEYSTROKE_AFTER_IDLE_US)
        start_search ();
      break;

    case PHASE_SEARCHING:
      if (bench.t_search_changed != 0 && models_settled ())
        ask_for_paint ();
      break;

    case PHASE_REFRESHING:
      if (ap_window_get_n_fetches_done (bench.window) > bench.fetches_before &&
          !ap_window_is_fetching (bench.window) && models_settled ())
        {
          if (ap_window_get_shown_error (bench.window) != NULL)
            {
              g_printerr ("bench-ui: the refresh failed: %s\n",
                          ap_window_get_shown_error (bench.window)->message);
              bench.status = 1;
            }
          ask_for_paint ();
        }
      break;

    case PHASE_DONE:
      return G_SOURCE_REMOVE;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_search_changed_hook (GSignalInvocationHint *hint,
                        guint                  n_params,
                        const GValue          *params,
                        gpointer               user_data)
{
  if (bench.phase == PHASE_SEARCHING && bench.t_search_changed == 0)
    bench.t_search_changed = g_get_monotonic_time ();
  return TRUE;
}

static void
on_store_items_changed (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        gpointer    user_data)
{
  if (bench.t_first_page == 0 && added > 0)
    {
      bench.t_first_page = g_get_monotonic_time ();
      if (bench.gap_log_us > 0)
        g_printerr ("first page: %u users at %.6f s\n", added, bench.t_first_page / 1e6);
    }
}

static gboolean
on_give_up (gpointer user_data)
{
  g_printerr ("bench-ui: gave up after 10 minutes in phase %d\n", bench.phase);
  bench.status = 1;
  g_application_quit (bench.app);
  return G_SOURCE_REMOVE;
}

static gboolean
start_load (gpointer user_data)
{
  bench.t_start = g_get_monotonic_time ();
  ap_window_start_demo_with_server (bench.window, bench.mock);
  return G_SOURCE_REMOVE;
}

static void
on_activate (GApplication *app)
{
  GtkEditable *entry;
  g_autoptr(GError) error = NULL;

  bench.window = ap_window_new (ADW_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1280, 800);
  /* The table is what must show rows, so it is on screen from the start. */
  adw_view_stack_set_visible_child_name (bench.window->view_stack, "users");
  gtk_window_present (GTK_WINDOW (bench.window));

  entry = ap_users_view_get_search_entry (users_view ());
  if (GTK_IS_SEARCH_ENTRY (entry))
    bench.search_delay_ms = gtk_search_entry_get_search_delay (GTK_SEARCH_ENTRY (entry));
  g_signal_add_emission_hook (g_signal_lookup ("search-changed", GTK_TYPE_SEARCH_ENTRY), 0,
                              on_search_changed_hook, NULL, NULL);

  printf ("users model: %s\n", g_strcmp0 (g_getenv ("AP_USERS_MODEL"), "gtk") == 0
          ? "GtkFilterListModel + GtkSortListModel (AP_USERS_MODEL=gtk)" : "ApUserListModel");

  if (g_strcmp0 (g_getenv ("BENCH_UI_UNSORTED"), "1") == 0)
    {
      printf ("(diagnosis: loading with no column sorted)\n");
      gtk_column_view_sort_by_column (ap_users_view_get_column_view (users_view ()), NULL,
                                      GTK_SORT_ASCENDING);
    }

  g_signal_connect (bench.window->store, "items-changed", G_CALLBACK (on_store_items_changed),
                    NULL);
  g_log_set_handler ("ap-window-analysis", G_LOG_LEVEL_DEBUG, on_analysis_log, NULL);

  gtk_widget_realize (GTK_WIDGET (bench.window));
  bench.frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
  g_signal_connect (bench.frame_clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  g_signal_add_emission_hook (g_signal_lookup ("compute-size", GDK_TYPE_TOPLEVEL), 0,
                              on_compute_size_hook, NULL, NULL);
  g_signal_connect_after (gtk_native_get_surface (GTK_NATIVE (bench.window)), "compute-size",
                          G_CALLBACK (on_compute_size_done), NULL);
  g_signal_connect (bench.frame_clock, "before-paint", G_CALLBACK (on_frame_phase),
                    GINT_TO_POINTER (0));
  g_signal_connect_after (bench.frame_clock, "update", G_CALLBACK (on_frame_phase),
                          GINT_TO_POINTER (1));
  g_signal_connect_after (bench.frame_clock, "layout", G_CALLBACK (on_frame_phase),
                          GINT_TO_POINTER (2));

  bench_stall_meter_add (G_PRIORITY_HIGH, on_tick, NULL);
  g_timeout_add_seconds (600, on_give_up, NULL);

  if (!ap_mock_server_start (bench.mock, 0, &error))
    {
      g_printerr ("bench-ui: cannot start the double: %s\n", error->message);
      bench.status = 1;
      gtk_window_destroy (GTK_WINDOW (bench.window));
      return;
    }

  if (bench.start_delay_ms > 0)
    g_timeout_add (bench.start_delay_ms, start_load, NULL);
  else
    start_load (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  guint n_users = 100000;
  guint n_records = 10;

  setlocale (LC_ALL, "");

  if (argc > 1)
    n_users = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  if (argc > 2)
    n_records = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (n_users == 0)
    {
      g_printerr ("usage: bench-ui [N_USERS [RECORDS_PER_USER]]\n");
      return 2;
    }

  printf ("bench-ui: %u users x %u records (each user 0..%u), loaded by the window\n",
          n_users, n_records, 2 * n_records);

  if (g_getenv ("BENCH_UI_START_MS") != NULL)
    bench.start_delay_ms = (guint) g_ascii_strtoull (g_getenv ("BENCH_UI_START_MS"), NULL, 10);
  if (bench.start_delay_ms > 0)
    printf ("the load starts %u ms after the window opens (BENCH_UI_START_MS)\n", bench.start_delay_ms);
  else
    printf ("the load starts as the window opens, as at launch\n");

  if (g_getenv ("BENCH_UI_GAPS") != NULL)
    bench.gap_log_us = (gint64) (g_ascii_strtod (g_getenv ("BENCH_UI_GAPS"), NULL) * 1000);

  bench.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (bench.mock, n_users, 8, n_records, 1);

  app = adw_application_new ("io.github.awarenessperf.AwarenessPerformance.BenchUi",
                             G_APPLICATION_NON_UNIQUE);
  bench.app = G_APPLICATION (app);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  g_application_run (G_APPLICATION (app), 0, NULL);

  ap_mock_server_stop (bench.mock);
  g_clear_object (&bench.mock);

  if (bench.status == 0 && bench.phase != PHASE_DONE)
    {
      g_printerr ("bench-ui: the window closed before the benchmark finished\n");
      return 1;
    }
  return bench.status;
}
