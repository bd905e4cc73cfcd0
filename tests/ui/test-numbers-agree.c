/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One computation feeds the Overview, the PDF and the department CSV: the
 * window's Overview (its totals, ring, department bars and department
 * table, first as the running total while pages arrive, then from the
 * finished analysis), the PDF's department table read back with pdftotext,
 * and the department CSV from the report writer (what --report=departments
 * writes) are each compared with numbers worked out by hand below, on users
 * with no videos at all, statuses the app does not know, an empty
 * department and a department that was sent nothing. Each comparison says
 * what differs instead of asserting, so the test also shows that every one
 * of them notices a single wrong number. */
#define G_LOG_DOMAIN "test-numbers-agree"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <string.h>

#include "ap-chart-private.h"
#include "ap-overview-page.h"
#include "ap-resources.h"
#include "ap-table-private.h"
#include "ap-window-private.h"

#include "../ap-test-overview.h"
#include "../ap-test-util.h"
#include "../report/report-test-util.h"

#define WAIT_MS 20000
#define VIEWED  1700000000

typedef struct
{
  const char *name;     /* as the API sends it */
  const char *shown;    /* as the window, the PDF and the CSV name it */
  guint64     users;
  guint64     correct;
  guint64     incorrect;
  guint64     not_watched;
  const char *pct_correct;      /* one decimal, "" when nothing was sent */
  const char *pct_incorrect;
  const char *pct_not_watched;
} Expected;

/* Worked out by hand from make_users(), in the window's order: the largest
 * share not watched first (HR 3/4, no department 1/2, Sales 2/6, IT 0/4),
 * then Legal, which was sent nothing. */
static const Expected expected[] = {
  { "HR", "HR", 1, 1, 0, 3, "25.0", "0.0", "75.0" },
  { "", "No department", 1, 1, 0, 1, "50.0", "0.0", "50.0" },
  { "Sales", "Sales", 2, 3, 1, 2, "50.0", "16.7", "33.3" },
  { "IT", "IT", 2, 3, 1, 0, "75.0", "25.0", "0.0" },
  { "Legal", "Legal", 1, 0, 0, 0, "", "", "" },
};
/* Totals: 7 users; 8 correct, 2 incorrect, 6 not watched */
static const guint64 expected_totals[4] = { 7, 8, 2, 6 };

static void
add_record (GPtrArray  *records,
            const char *title,
            const char *status,
            gboolean    ack,
            gboolean    viewed)
{
  g_ptr_array_add (records, ap_training_record_new (title, "Email", status, ack, 1690000000,
                                                    viewed ? VIEWED : AP_TIME_NONE));
}

/* Ann, Bob: Sales; Cid: no department (an empty name); Dee: IT, no videos
 * at all; Eve: IT; Fay: HR, counts without details; Gus: Legal, nothing
 * sent. Statuses include "Snoozed" and "", which the app does not know. */
static GPtrArray *
make_users (void)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *records;
  ApUser *user;

  user = ap_user_new ("Ann", "ann@example.com", "Sales", 3, 1, 0);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  add_record (records, "Phishing", "Completed", TRUE, TRUE);
  add_record (records, "Passwords", "Failed", FALSE, TRUE);
  ap_user_take_records (user, records);
  g_ptr_array_add (users, user);

  user = ap_user_new ("Bob", "bob@example.com", "Sales", 0, 0, 2);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  add_record (records, "Phishing", "Not Started", FALSE, FALSE);
  add_record (records, "Passwords", "Overdue", FALSE, FALSE);
  ap_user_take_records (user, records);
  g_ptr_array_add (users, user);

  user = ap_user_new ("Cid", "cid@example.com", "", 1, 0, 1);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  add_record (records, "Phishing", "Snoozed", TRUE, FALSE);
  add_record (records, "USB", "", FALSE, TRUE);
  ap_user_take_records (user, records);
  g_ptr_array_add (users, user);

  user = ap_user_new ("Dee", "dee@example.com", "IT", 0, 0, 0);
  ap_user_take_records (user, g_ptr_array_new_with_free_func (g_object_unref));
  g_ptr_array_add (users, user);

  user = ap_user_new ("Eve", "eve@example.com", "IT", 3, 1, 0);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  add_record (records, "Phishing", "Completed", FALSE, TRUE);
  add_record (records, "Phishing", "Completed", FALSE, FALSE);
  add_record (records, "USB", "Completed", FALSE, TRUE);
  ap_user_take_records (user, records);
  g_ptr_array_add (users, user);

  g_ptr_array_add (users, ap_user_new ("Fay", "fay@example.com", "HR", 1, 0, 3));
  g_ptr_array_add (users, ap_user_new ("Gus", "gus@example.com", "Legal", 0, 0, 0));

  return users;
}

static char *
format_uint (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static char *
format_pct (double   value,
            gboolean has_sent)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (!has_sent)
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (text, sizeof text, "%.1f", value));
}

/* ---- the Overview ------------------------------------------------------ */

/* NULL when the Overview shows @n_users users with these totals in its
 * cards, ring and bars; else what differs (transfer full) */
static char *
check_overview_totals (ApOverviewPage *overview,
                       const guint64   totals[4])
{
  static const ApChartPart parts[4] = {
    AP_CHART_PART_NONE, AP_CHART_PART_CORRECT, AP_CHART_PART_INCORRECT,
    AP_CHART_PART_NOT_WATCHED,
  };
  ApChart *ring = ap_test_overview_breakdown_chart (overview);
  ApChart *bars = ap_test_overview_departments_chart (overview);
  guint64 bar_sums[3] = { 0 };
  guint64 ring_counts[3] = { ring->correct, ring->incorrect, ring->not_watched };

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *want = format_uint (totals[i]);
      const char *shown = ap_test_overview_total_text (overview, parts[i]);

      if (g_strcmp0 (shown, want) != 0)
        return g_strdup_printf ("card %u shows %s, expected %s", i, shown, want);
    }
  for (guint i = 0; i < _ap_chart_get_n_series (bars); i++)
    {
      const ApChartSeries *s = _ap_chart_get_series (bars, i);

      bar_sums[0] += s->correct;
      bar_sums[1] += s->incorrect;
      bar_sums[2] += s->not_watched;
    }
  for (guint i = 0; i < 3; i++)
    {
      if (ring_counts[i] != totals[i + 1])
        return g_strdup_printf ("the ring's part %u is %" G_GUINT64_FORMAT ", expected %"
                                G_GUINT64_FORMAT, i, ring_counts[i], totals[i + 1]);
      if (bar_sums[i] != totals[i + 1])
        return g_strdup_printf ("the bars' part %u adds up to %" G_GUINT64_FORMAT ", expected %"
                                G_GUINT64_FORMAT, i, bar_sums[i], totals[i + 1]);
    }
  return NULL;
}

/* The department bars and the department table, row by row */
static char *
check_overview_departments (ApOverviewPage *overview,
                            const Expected *want,
                            guint           n)
{
  ApChart *bars = ap_test_overview_departments_chart (overview);
  GListModel *rows = ap_test_overview_department_rows (overview);

  if (_ap_chart_get_n_series (bars) != n)
    return g_strdup_printf ("%u bars, expected %u", _ap_chart_get_n_series (bars), n);
  if (g_list_model_get_n_items (rows) != n)
    return g_strdup_printf ("%u table rows, expected %u", g_list_model_get_n_items (rows), n);

  for (guint i = 0; i < n; i++)
    {
      const ApChartSeries *s = _ap_chart_get_series (bars, i);
      g_autoptr(ApAnalysisRow) row = g_list_model_get_item (rows, i);
      const ApAnalysisDepartment *d = ap_analysis_row_get_department (row);
      g_autofree char *pc = format_pct (d->pct_correct, d->has_sent);
      g_autofree char *pi = format_pct (d->pct_incorrect, d->has_sent);
      g_autofree char *pn = format_pct (d->pct_not_watched, d->has_sent);

      if (g_strcmp0 (s->label, want[i].name) != 0 || s->correct != want[i].correct ||
          s->incorrect != want[i].incorrect || s->not_watched != want[i].not_watched)
        return g_strdup_printf ("bar %u is \"%s\" %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%"
                                G_GUINT64_FORMAT ", expected \"%s\" %" G_GUINT64_FORMAT "/%"
                                G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                                i, s->label, s->correct, s->incorrect, s->not_watched,
                                want[i].name, want[i].correct, want[i].incorrect,
                                want[i].not_watched);
      if (g_strcmp0 (d->display_name, want[i].shown) != 0 || d->n_users != want[i].users ||
          d->num_correct != want[i].correct || d->num_incorrect != want[i].incorrect ||
          d->num_not_watched != want[i].not_watched ||
          d->videos_sent != want[i].correct + want[i].incorrect + want[i].not_watched ||
          g_strcmp0 (pc, want[i].pct_correct) != 0 || g_strcmp0 (pi, want[i].pct_incorrect) != 0 ||
          g_strcmp0 (pn, want[i].pct_not_watched) != 0)
        return g_strdup_printf ("table row %u is \"%s\" (%" G_GUINT64_FORMAT " users) %"
                                G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                                " %s/%s/%s, expected \"%s\"", i, d->display_name, d->n_users,
                                d->num_correct, d->num_incorrect, d->num_not_watched, pc, pi, pn,
                                want[i].shown);
    }
  return NULL;
}

/* ---- the department CSV ------------------------------------------------- */

static char *
check_csv (const char     *csv,
           const Expected *want,
           guint           n)
{
  g_autoptr(GPtrArray) rows = report_test_read_csv (csv, strlen (csv));

  if (rows->len != n + 1)
    return g_strdup_printf ("%u CSV rows, expected %u", rows->len - 1, n);
  for (guint i = 0; i < n; i++)
    {
      char **row = g_ptr_array_index (rows, i + 1);
      g_autofree char *users = format_uint (want[i].users);
      g_autofree char *sent = format_uint (want[i].correct + want[i].incorrect +
                                           want[i].not_watched);
      g_autofree char *correct = format_uint (want[i].correct);
      g_autofree char *incorrect = format_uint (want[i].incorrect);
      g_autofree char *not_watched = format_uint (want[i].not_watched);
      const char *cells[9] = { want[i].shown, users, sent, correct, incorrect, not_watched,
                               want[i].pct_correct, want[i].pct_incorrect,
                               want[i].pct_not_watched };

      if (g_strv_length (row) != 9)
        return g_strdup_printf ("CSV row %u has %u cells", i + 1, g_strv_length (row));
      for (guint c = 0; c < 9; c++)
        if (g_strcmp0 (row[c], cells[c]) != 0)
          return g_strdup_printf ("CSV row %u cell %u is \"%s\", expected \"%s\"", i + 1, c,
                                  row[c], cells[c]);
    }
  return NULL;
}

/* ---- the PDF ------------------------------------------------------------ */

/* The PDF's department table as pdftotext -layout reads it: a line per
 * department, "name users correct incorrect not-watched share %", in order
 * (the share's number only: a narrow space stands before its "%") */
static char *
check_pdf (const char     *text,
           const Expected *want,
           guint           n)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint line = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *pattern = NULL;
      g_autoptr(GRegex) regex = NULL;
      gboolean found = FALSE;

      pattern = g_strdup_printf ("^\\s*%s\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+([0-9.]+|–)",
                                 want[i].shown);
      regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);
      g_assert_nonnull (regex);

      for (; lines[line] != NULL && !found; line++)
        {
          g_autoptr(GMatchInfo) match = NULL;
          guint64 numbers[4];
          g_autofree char *share = NULL;
          const char *want_share;

          if (!g_regex_match (regex, lines[line], 0, &match))
            continue;
          for (guint k = 0; k < 4; k++)
            {
              g_autofree char *number = g_match_info_fetch (match, k + 1);

              numbers[k] = g_ascii_strtoull (number, NULL, 10);
            }
          share = g_match_info_fetch (match, 5);
          want_share = want[i].pct_not_watched[0] != '\0' ? want[i].pct_not_watched : "–";
          if (numbers[0] != want[i].users || numbers[1] != want[i].correct ||
              numbers[2] != want[i].incorrect || numbers[3] != want[i].not_watched ||
              g_strcmp0 (share, want_share) != 0)
            return g_strdup_printf ("the PDF's row for %s reads \"%s\"", want[i].shown,
                                    lines[line]);
          found = TRUE;
        }
      if (!found)
        return g_strdup_printf ("the PDF has no row for %s after the previous one",
                                want[i].shown);
    }
  return NULL;
}

static char *
pdf_text (GPtrArray *users)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GBytes) pdf = report_test_write (AP_REPORT_FORMAT_PDF, users, query, NULL);
  g_autofree char *dir = g_dir_make_tmp ("ap-test-numbers-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };
  g_autofree char *text = NULL;
  int status = 0;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL),
                                      (gssize) g_bytes_get_size (pdf), NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &text, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
  g_rmdir (dir);
  return g_steal_pointer (&text);
}

/* ---- the test ----------------------------------------------------------- */

typedef struct
{
  ApOverviewPage *overview;
  const char     *users;
} ShownData;

static gboolean
overview_shows_users (gpointer data)
{
  ShownData *shown = data;

  return g_strcmp0 (ap_test_overview_total_text (shown->overview, AP_CHART_PART_NONE),
                    shown->users) == 0;
}

static gboolean
analysis_finished (gpointer data)
{
  ShownData *shown = data;

  return overview_shows_users (data) &&
         ap_test_overview_freshness (shown->overview)[0] != '\0';
}

static void
assert_agrees (char *mismatch)
{
  if (mismatch != NULL)
    g_error ("%s", mismatch);
}

/* One number wrong in the expectation: every check must notice it. */
static void
assert_disagrees (char *mismatch)
{
  g_assert_nonnull (mismatch);
  g_test_message ("noticed: %s", mismatch);
  g_free (mismatch);
}

static void
test_numbers_agree (void)
{
  g_autoptr(GPtrArray) users = make_users ();
  g_autoptr(GPtrArray) first_page = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) second_page = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) csv_bytes = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  Expected wrong[G_N_ELEMENTS (expected)];
  const guint64 first_totals[4] = { 3, 4, 1, 3 };  /* Ann, Bob, Cid */
  const guint64 wrong_totals[4] = { 7, 8, 3, 6 };
  ApWindow *window;
  ShownData shown;

  /* The same expectation with Sales's incorrect count one off */
  memcpy (wrong, expected, sizeof expected);
  wrong[2].incorrect = 2;

  /* The window, fed as a fetch feeds it: a page, then the rest */
  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (i < 3 ? first_page : second_page,
                     g_object_ref (g_ptr_array_index (users, i)));
  window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  gtk_window_present (GTK_WINDOW (window));
  shown.overview = window->overview_page;

  /* The running total of the first page */
  ap_user_store_append_batch (window->store, first_page);
  shown.users = "3";
  if (!spin_until (overview_shows_users, &shown, WAIT_MS))
    g_error ("the Overview shows %s users, not the first page's 3",
             ap_test_overview_total_text (shown.overview, AP_CHART_PART_NONE));
  assert_agrees (check_overview_totals (window->overview_page, first_totals));

  /* Everyone, once the analysis is finished */
  ap_user_store_append_batch (window->store, second_page);
  shown.users = "7";
  g_assert_true (spin_until (analysis_finished, &shown, WAIT_MS));
  assert_agrees (check_overview_totals (window->overview_page, expected_totals));
  assert_agrees (check_overview_departments (window->overview_page, expected,
                                             G_N_ELEMENTS (expected)));
  assert_disagrees (check_overview_totals (window->overview_page, wrong_totals));
  assert_disagrees (check_overview_departments (window->overview_page, wrong,
                                                G_N_ELEMENTS (wrong)));

  /* The department CSV, from the writer --report=departments uses */
  csv_bytes = report_test_write (AP_REPORT_FORMAT_CSV_DEPARTMENTS, users, NULL, NULL);
  csv = g_strndup (g_bytes_get_data (csv_bytes, NULL), g_bytes_get_size (csv_bytes));
  assert_agrees (check_csv (csv, expected, G_N_ELEMENTS (expected)));
  assert_disagrees (check_csv (csv, wrong, G_N_ELEMENTS (wrong)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);

  /* The PDF, read back */
  if (pdftotext == NULL)
    {
      g_test_skip ("poppler-utils (pdftotext) is not installed: the PDF was not compared");
      return;
    }
  pdf = pdf_text (users);
  assert_agrees (check_pdf (pdf, expected, G_N_ELEMENTS (expected)));
  assert_disagrees (check_pdf (pdf, wrong, G_N_ELEMENTS (wrong)));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (ap_get_resource ());

  g_test_add_func ("/ap/numbers-agree/overview-pdf-csv", test_numbers_agree);

  return g_test_run ();
}
