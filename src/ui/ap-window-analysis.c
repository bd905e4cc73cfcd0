/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-window-analysis"

#include "config.h"

#include <glib/gi18n.h>
#include <time.h>

#include "ap-analysis.h"
#include "ap-chart-render.h"
#include "ap-people-list.h"
#include "ap-videos-page.h"
#include "ap-window-private.h"

/* The window's ApAnalysis, the one source of every number the window shows
 * about its users: computed off the main thread once the users stop
 * changing (not while a fetch is still adding pages), then handed to the
 * Overview, the Users view's department filter, the Training videos page
 * and the Needs attention list, so they always show the same computation.
 * While pages arrive, a running total of the same grouping
 * (ApAnalysisTally, a cost per user added) feeds the Overview and the
 * department filter, ten times a second at most. Kept apart from
 * ap-window.c: the window only calls _ap_window_setup_analysis(), and
 * this follows its store. */

/* Quiet time after the last change before computing */
#define SETTLE_MS 250
/* How often the running total is shown anew while pages arrive */
#define RUNNING_TOTAL_MS 100
/* A batch this large replacing users on screen is a refresh handed over
 * at once: its running total would take the main thread a pass over every
 * user (7 ms at 100,000 on GTK 4.8's stack, 21 ms on Debian 13's), and
 * the analysis follows within a second, so the pages keep the numbers
 * they show until then, as the Users list keeps its rows. */
#define RUNNING_TOTAL_MAX_BATCH 20000

typedef struct
{
  ApWindow     *window;      /* NULL once the window is destroyed */
  ApUserStore  *store;
  ApVideosPage *videos_page;
  ApPeopleList *attention_list;
  GCancellable *cancellable;
  guint         settle_id;
  /* The running total of the store's users, handed on in an idle */
  ApAnalysisTally *tally;
  gboolean      tally_valid;   /* FALSE after a batch too large to count on the main thread */
  guint         running_id;
  guint64       n_shown;       /* users in the analysis the pages show */
  /* The computation being handed to the pages, one page a frame */
  ApAnalysis   *handing;
  char         *handing_freshness;
  guint         handing_stage;
  guint         handing_id;
} Tracker;

static void
tracker_stop_handing (Tracker *tracker)
{
  g_clear_handle_id (&tracker->handing_id, g_source_remove);
  g_clear_pointer (&tracker->handing, ap_analysis_unref);
  g_clear_pointer (&tracker->handing_freshness, g_free);
}

static void
tracker_free (Tracker *tracker)
{
  g_clear_handle_id (&tracker->settle_id, g_source_remove);
  g_clear_handle_id (&tracker->running_id, g_source_remove);
  g_clear_pointer (&tracker->tally, ap_analysis_tally_free);
  tracker_stop_handing (tracker);
  g_cancellable_cancel (tracker->cancellable);
  g_clear_object (&tracker->cancellable);
  if (tracker->store != NULL)
    g_signal_handlers_disconnect_by_data (tracker->store, tracker);
  g_clear_object (&tracker->store);
  g_free (tracker);
}

static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static char *
describe_freshness (ApWindow   *self,
                    ApAnalysis *analysis)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M");
  g_autofree char *count = ap_chart_format_count (ap_analysis_get_n_users (analysis));
  g_autofree char *users = NULL;
  g_autofree char *query = self->shown_query != NULL ? ap_query_describe (self->shown_query)
                                                     : NULL;
  guint64 n = ap_analysis_get_n_users (analysis);

  users = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s user", "%s users",
                                        n > G_MAXUINT ? G_MAXUINT : (guint) n),
                           count);
  if (query == NULL)
    /* Translators: the Overview's freshness line, e.g. "Updated 10:32 · 3,000 users" */
    return g_strdup_printf (_("Updated %s · %s"), time, users);
  /* Translators: the Overview's freshness line, e.g. "Updated 10:32 · 3,000 users · All
   * users, any number of videos watched, with training details" */
  return g_strdup_printf (_("Updated %s · %s · %s"), time, users, query);
}

/* Each page takes its part of the analysis in a frame of its own, always
 * from the same computation. The tables take no rows here: their rows come
 * in a few a frame once the page is on screen (ApRampModel), so a step
 * costs the main thread 0.1-4 ms at 100,000 users (bench/analysis/run),
 * where building the videos table's and the needs-attention list's rows in
 * the step took 7-20 ms. */
static gboolean
hand_next_page (gpointer user_data)
{
  Tracker *tracker = user_data;
  ApAnalysis *analysis = tracker->handing;
  gint64 started = g_get_monotonic_time ();
  gint64 cpu_started = thread_cpu_usec ();
  guint stage = tracker->handing_stage++;

  if (tracker->window == NULL)
    {
      tracker->handing_id = 0;
      tracker_stop_handing (tracker);
      return G_SOURCE_REMOVE;
    }

  if (stage == 0)
    {
      tracker->n_shown = ap_analysis_get_n_users (analysis);
      ap_overview_page_set_analysis (tracker->window->overview_page, analysis,
                                     tracker->handing_freshness);
      ap_users_view_set_analysis (tracker->window->users_view, analysis);
    }
  else if (stage == 1)
    ap_videos_page_set_analysis (tracker->videos_page, analysis);
  else
    ap_people_list_set_users (tracker->attention_list, ap_analysis_get_attention (analysis));

  /* CPU time too: on a loaded machine the wall clock also counts other
   * processes (docs/performance.md) */
  g_debug ("Analysis of %" G_GUINT64_FORMAT " users, page %u shown in %.1f ms (%.1f ms of CPU)",
           ap_analysis_get_n_users (analysis), stage + 1,
           (g_get_monotonic_time () - started) / 1000.0,
           (thread_cpu_usec () - cpu_started) / 1000.0);

  if (stage < 2)
    return G_SOURCE_CONTINUE;
  tracker->handing_id = 0;
  tracker_stop_handing (tracker);
  return G_SOURCE_REMOVE;
}

static void
on_computed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Tracker *tracker = user_data;
  g_autoptr(ApAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;

  analysis = ap_analysis_compute_finish (result, &error);
  /* Cancelled: a newer computation is on its way, or the window is gone
   * (and @tracker with it). */
  if (analysis == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not analyse the users: %s", error->message);
      return;
    }
  if (tracker->window == NULL)
    return;

  /* A newer computation replaces one still being handed over */
  tracker_stop_handing (tracker);
  tracker->handing_freshness = ap_analysis_get_n_users (analysis) > 0
                               ? describe_freshness (tracker->window, analysis) : NULL;
  tracker->handing = g_steal_pointer (&analysis);
  tracker->handing_stage = 0;
  /* Below the redraw priority, so a frame is drawn between two pages */
  tracker->handing_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, hand_next_page, tracker, NULL);
}

static gboolean
on_settled (gpointer user_data)
{
  Tracker *tracker = user_data;

  /* A fetch adds pages for a while: compute once, when it is done. */
  if (tracker->window->fetching)
    return G_SOURCE_CONTINUE;

  tracker->settle_id = 0;
  g_cancellable_cancel (tracker->cancellable);
  g_clear_object (&tracker->cancellable);
  tracker->cancellable = g_cancellable_new ();
  ap_analysis_compute_model_async (G_LIST_MODEL (tracker->store), tracker->cancellable,
                                   on_computed, tracker);
  return G_SOURCE_REMOVE;
}

static gboolean
hand_running_total (gpointer user_data)
{
  Tracker *tracker = user_data;
  gint64 cpu_started = thread_cpu_usec ();
  g_autoptr(ApAnalysis) running = ap_analysis_tally_snapshot (tracker->tally);

  tracker->running_id = 0;
  tracker->n_shown = ap_analysis_get_n_users (running);
  ap_overview_page_set_analysis (tracker->window->overview_page, running, NULL);
  ap_users_view_set_analysis (tracker->window->users_view, running);
  g_debug ("Running total of %" G_GUINT64_FORMAT " users shown: %.2f ms of CPU",
           ap_analysis_get_n_users (running), (thread_cpu_usec () - cpu_started) / 1000.0);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed (Tracker *tracker,
                  guint    position,
                  guint    removed,
                  guint    added)
{
  gint64 cpu_started = thread_cpu_usec ();
  guint n, n_before;

  if (tracker->window == NULL)
    return;

  /* The store appends pages and clears; anything else counts again. */
  n = g_list_model_get_n_items (G_LIST_MODEL (tracker->store));
  n_before = n + removed - added;
  if (removed > 0)
    {
      ap_analysis_tally_clear (tracker->tally);
      tracker->tally_valid = TRUE;
      position = 0;
      added = n;
    }
  if (added > RUNNING_TOTAL_MAX_BATCH && tracker->n_shown > 0)
    tracker->tally_valid = FALSE;
  else if (tracker->tally_valid)
    for (guint i = position; i < position + added && i < n; i++)
      ap_analysis_tally_add (tracker->tally, ap_user_store_peek (tracker->store, i));
  g_debug ("Running total: %u users added in %.2f ms of CPU", added,
           (thread_cpu_usec () - cpu_started) / 1000.0);
  /* The first users in: at once, so the Overview never says "nothing
   * fetched" over users the Users list shows. The last out: once the main
   * loop is idle, unless users come back first (a refresh clears the
   * store and refills it at once; the Users list keeps its rows until
   * then too). Else a timeout, not an idle: the spinners and the progress
   * bar animate while pages arrive, and a slow renderer's frames can keep
   * an idle waiting until the fetch is over. */
  if (!tracker->tally_valid)
    {
      g_clear_handle_id (&tracker->running_id, g_source_remove);
    }
  else if (n == 0)
    {
      g_clear_handle_id (&tracker->running_id, g_source_remove);
      tracker->running_id = g_idle_add_full (G_PRIORITY_DEFAULT, hand_running_total, tracker, NULL);
    }
  else if (n_before == 0)
    {
      g_clear_handle_id (&tracker->running_id, g_source_remove);
      hand_running_total (tracker);
    }
  else if (tracker->running_id == 0)
    tracker->running_id = g_timeout_add (RUNNING_TOTAL_MS, hand_running_total, tracker);

  /* What is being computed or handed on is already out of date */
  tracker_stop_handing (tracker);
  g_cancellable_cancel (tracker->cancellable);
  g_clear_handle_id (&tracker->settle_id, g_source_remove);
  tracker->settle_id = g_timeout_add (SETTLE_MS, on_settled, tracker);
}

static void
on_window_destroy (Tracker *tracker)
{
  g_clear_handle_id (&tracker->settle_id, g_source_remove);
  g_clear_handle_id (&tracker->running_id, g_source_remove);
  tracker_stop_handing (tracker);
  g_cancellable_cancel (tracker->cancellable);
  if (tracker->store != NULL)
    g_signal_handlers_disconnect_by_data (tracker->store, tracker);
  g_clear_object (&tracker->store);
  tracker->window = NULL;
}

void
_ap_window_setup_analysis (ApWindow *self)
{
  Tracker *tracker = g_new0 (Tracker, 1);
  GtkWidget *attention_overlay;
  AdwViewStackPage *page;

  tracker->window = self;
  tracker->cancellable = g_cancellable_new ();
  tracker->tally = ap_analysis_tally_new ();
  tracker->tally_valid = TRUE;

  tracker->videos_page = AP_VIDEOS_PAGE (ap_videos_page_new ());
  page = adw_view_stack_add_titled_with_icon (self->view_stack,
                                              GTK_WIDGET (tracker->videos_page), "videos",
                                              _("_Training Videos"), "video-x-generic-symbolic");
  adw_view_stack_page_set_use_underline (page, TRUE);

  tracker->attention_list = AP_PEOPLE_LIST (ap_people_list_new ());
  ap_people_list_set_heading (tracker->attention_list, _("Needs Attention"),
                              ap_analysis_get_attention_rule (),
                              _("Nobody Needs Attention"));
  attention_overlay = GTK_WIDGET (tracker->attention_list);
  page = adw_view_stack_add_titled_with_icon (self->view_stack, attention_overlay, "attention",
                                              _("_Needs Attention"), "emblem-important-symbolic");
  adw_view_stack_page_set_use_underline (page, TRUE);

  tracker->store = g_object_ref (self->store);
  g_signal_connect_swapped (tracker->store, "items-changed", G_CALLBACK (on_store_changed),
                            tracker);
  g_signal_connect_swapped (self, "destroy", G_CALLBACK (on_window_destroy), tracker);
  g_object_set_data_full (G_OBJECT (self), "ap-window-analysis", tracker,
                          (GDestroyNotify) tracker_free);
}

ApVideosPage *
_ap_window_get_videos_page (ApWindow *self)
{
  Tracker *tracker = g_object_get_data (G_OBJECT (self), "ap-window-analysis");

  return tracker != NULL ? tracker->videos_page : NULL;
}

ApPeopleList *
_ap_window_get_attention_list (ApWindow *self)
{
  Tracker *tracker = g_object_get_data (G_OBJECT (self), "ap-window-analysis");

  return tracker != NULL ? tracker->attention_list : NULL;
}
