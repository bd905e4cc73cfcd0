/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-report"

#include "config.h"

#include <glib/gi18n.h>
#include <cairo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ap-report.h"

/* bench-report FORMAT N_USERS RECORDS_PER_USER FILE
 * bench-report print N_USERS RECORDS_PER_USER
 *
 * Generates N_USERS realistic users in-process (names with non-ASCII,
 * a few hundred departments, RECORDS_PER_USER training records each) and
 * writes them to FILE through the same path as the app's export
 * (ap_report_export_async). Prints the time spent writing, separately from
 * the time spent generating.
 *
 * "print" measures what printing does on the main loop instead: the
 * pagination in slices (how many, the longest) and drawing single pages
 * (the first, the middle and the last) onto an image, as draw-page does. */

static const char *first_names[] = {
  "Anna", "Björn", "Chloé", "Dmitri", "Elif", "François", "Grace", "Hiroshi", "Ingrid", "José",
  "Kwame", "Léa", "Magnus", "Nadia", "Óscar", "Priya", "Quentin", "Rosa", "Søren", "Tomás",
};
static const char *last_names[] = {
  "Andersson", "Brown", "Çelik", "Dubois", "Evans", "Fernández", "García", "Hansen", "Ito",
  "Jensen", "Kowalski", "López", "Müller", "Nakamura", "O'Neill", "Petrović", "Quinn", "Rossi",
};
static const char *titles[] = {
  "Phishing: Don't Take the Bait", "Passwords and Passphrases", "Social Engineering",
  "Working Remotely", "Ransomware", "Data Protection", "Safe Browsing", "Mobile Security",
};
static const char *categories[] = { "Security", "Privacy", "Compliance" };
static const char *statuses[] = { "Completed", "Not started", "In progress" };

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  guint      last;
} Bench;

static void
on_progress (guint    written,
             guint    total,
             gpointer user_data)
{
  Bench *bench = user_data;

  bench->last = written;
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Bench *bench = user_data;

  ap_report_export_finish (result, &bench->error);
  g_main_loop_quit (bench->loop);
}

/* Milliseconds of this thread's CPU time: under load a slice's wall time
 * also counts the time other processes had the CPU. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
draw_one_page (ApReportDocument *document,
               guint             page_nr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
  cairo_t *cr = cairo_create (surface);
  gint64 start = g_get_monotonic_time ();

  ap_report_document_draw_page (document, cr, page_nr);
  start = g_get_monotonic_time () - start;
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  return start / 1000.0;
}

static int
bench_print (GPtrArray *users,
             ApQuery   *query,
             double     generate_seconds)
{
  g_autoptr(ApReportDocument) document = ap_report_document_new (query, NULL, NULL);
  ApReportPage page = { 595.276, 841.89, 44, 58, 46, 46 };
  gint64 start;
  double longest = 0, longest_cpu = 0, prepare_seconds;
  guint n_slices = 0, n_pages = 0;
  gboolean done = FALSE;

  /* On a worker thread while the print dialog is open, in the app */
  ap_report_document_add_users (document, users);
  start = g_get_monotonic_time ();
  ap_report_document_prepare (document);
  prepare_seconds = (g_get_monotonic_time () - start) / 1e6;

  start = g_get_monotonic_time ();
  while (!done)
    {
      gint64 slice = g_get_monotonic_time ();
      double cpu = thread_cpu_ms ();

      done = ap_report_document_paginate_step (document, &page, &n_pages);
      longest = MAX (longest, (g_get_monotonic_time () - slice) / 1000.0);
      longest_cpu = MAX (longest_cpu, thread_cpu_ms () - cpu);
      n_slices++;
    }

  printf ("print: %u users: generated in %.2f s, prepared in %.2f s (worker), paginated in "
          "%.2f s, %u slices, longest %.1f ms (%.1f ms CPU), %u pages; draw page 1: %.1f ms, "
          "page %u: %.1f ms, page %u: %.1f ms\n",
          users->len, generate_seconds, prepare_seconds,
          (g_get_monotonic_time () - start) / 1e6, n_slices,
          longest, longest_cpu, n_pages, draw_one_page (document, 0), n_pages / 2 + 1,
          draw_one_page (document, n_pages / 2), n_pages, draw_one_page (document, n_pages - 1));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(ApReportScope) scope = NULL;
  ApReportFormat format;
  Bench bench = { 0 };
  guint n_users, n_records;
  double generate_seconds;

  setlocale (LC_ALL, "");

  if (argc == 4 && strcmp (argv[1], "print") == 0)
    format = AP_REPORT_FORMAT_PDF;
  else if (argc != 5 || !ap_report_format_from_string (argv[1], FALSE, &format))
    {
      fprintf (stderr, "usage: %s csv|csv-details|json|pdf N_USERS RECORDS_PER_USER FILE\n"
                       "       %s print N_USERS RECORDS_PER_USER\n", argv[0], argv[0]);
      return 2;
    }
  n_users = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  n_records = (guint) g_ascii_strtoull (argv[3], NULL, 10);
  if (argc == 5)
    file = g_file_new_for_commandline_arg (argv[4]);
  ap_query_set_include_user_details (query, n_records > 0);

  users = g_ptr_array_new_full (n_users, g_object_unref);
  for (guint i = 0; i < n_users; i++)
    {
      const char *first = first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
      const char *last = last_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (last_names))];
      g_autofree char *name = g_strdup_printf ("%s %s", first, last);
      g_autofree char *email = g_strdup_printf ("%s.%s.%u@example.com", first, last, i);
      g_autofree char *department = g_strdup_printf ("Department %u",
                                                     g_rand_int_range (rand, 0, 300));
      GPtrArray *records = g_ptr_array_new_full (n_records, g_object_unref);
      guint counts[3] = { 0 };
      ApUser *user;

      for (guint j = 0; j < n_records; j++)
        {
          guint state = g_rand_int_range (rand, 0, 3);
          gint64 sent = 1700000000 + g_rand_int_range (rand, 0, 30000000);

          counts[state]++;
          g_ptr_array_add (records,
                           ap_training_record_new (titles[j % G_N_ELEMENTS (titles)],
                                                   categories[j % G_N_ELEMENTS (categories)],
                                                   statuses[state], state == 0, sent,
                                                   state == 1 ? AP_TIME_NONE : sent + 86400));
        }
      if (n_records == 0)
        for (guint k = 0; k < 3; k++)
          counts[k] = g_rand_int_range (rand, 0, 5);

      user = ap_user_new (name, email, department, counts[0], counts[2], counts[1]);
      if (n_records > 0)
        ap_user_take_records (user, records);
      else
        g_ptr_array_unref (records);
      g_ptr_array_add (users, user);
    }
  generate_seconds = g_timer_elapsed (timer, NULL);

  if (file == NULL)
    return bench_print (users, query, generate_seconds);

  bench.loop = g_main_loop_new (NULL, FALSE);
  g_timer_start (timer);
  scope = ap_report_scope_new ();
  scope->base_url = g_strdup ("https://api.services.mimecast.com");
  ap_report_export_async (file, format, users, query, scope, on_progress, &bench, NULL, on_done,
                          &bench);
  g_main_loop_run (bench.loop);
  g_main_loop_unref (bench.loop);

  if (bench.error != NULL)
    {
      fprintf (stderr, "export failed: %s\n", bench.error->message);
      return 1;
    }

  printf ("%s: %u users x %u records: generated in %.2f s, written in %.2f s\n",
          argv[1], n_users, n_records, generate_seconds, g_timer_elapsed (timer, NULL));
  return 0;
}
