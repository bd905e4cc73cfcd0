/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-print"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "ap-print.h"
#include "report-test-util.h"

/* Printing goes through GtkPrintOperation with the report's own renderer:
 * exported to PDF by the print operation itself (no printer needed), the
 * pages carry the same text as the PDF report, in the page setup's paper
 * and orientation. */

static char *
run_tool (const char *tool,
          const char *path)
{
  const char *argv[] = { tool, path, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (g_strcmp0 (tool, "pdftotext") != 0)
    argv[2] = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_steal_pointer (&out);
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static GListStore *
make_users (guint n)
{
  GListStore *store = g_list_store_new (AP_TYPE_USER);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Printed User %03u", i);
      g_autofree char *email = g_strdup_printf ("printed.user.%03u@example.com", i);
      g_autoptr(ApUser) user = report_test_user (name, email, i % 2 ? "Finance" : "Sales",
                                                 i % 3, i % 2, i % 4, i == 7 ? 3 : 0);

      g_list_store_append (store, user);
    }

  return store;
}

static void
export_print (GtkPrintOperation *operation,
              const char        *path)
{
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  gtk_print_operation_set_export_filename (operation, path);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
}

static void
test_export_a4 (void)
{
  g_autoptr(GListStore) users = make_users (120);
  g_autoptr(ApReportScope) scope = ap_report_scope_new ();
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autofree char *dir = g_dir_make_tmp ("ap-test-print-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "printed.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;
  g_autofree char *last = NULL;
  const char *pages_line;
  guint pages;

  if (!have_program ("pdftotext"))
    {
      g_test_skip ("poppler-utils are not installed");
      return;
    }

  ap_query_set_include_user_details (query, TRUE);
  ap_report_scope_set_narrowing (scope, TRUE, "Finance", NULL);
  operation = ap_print_operation_new (G_LIST_MODEL (users), query, scope);
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  export_print (operation, path);

  text = run_tool ("pdftotext", path);
  info = run_tool ("pdfinfo", path);
  pages_line = strstr (info, "\nPages:");
  g_assert_nonnull (pages_line);
  pages = (guint) g_ascii_strtoull (pages_line + strlen ("\nPages:"), NULL, 10);

  /* The report itself: its header with the scope, every user, the
   * records, and page numbers that add up. */
  g_assert_nonnull (strstr (text, "Awareness training performance"));
  g_assert_nonnull (strstr (text, "department is “Finance”"));
  g_assert_nonnull (strstr (text, "Printed User 000"));
  g_assert_nonnull (strstr (text, "printed.user.119@example.com"));
  g_assert_nonnull (strstr (text, "Training records"));
  g_assert_nonnull (strstr (text, "Video 2: “Phishing”, part 2"));
  last = g_strdup_printf ("Page %u of %u", pages, pages);
  g_assert_nonnull (strstr (text, last));
  g_assert_nonnull (strstr (info, "595.276 x 841.89 pts"));

  report_test_remove_tree (dir);
}

/* The page setup's paper and orientation decide the pages. */
static void
test_page_setup_honoured (void)
{
  g_autoptr(GListStore) users = make_users (60);
  g_autoptr(GtkPrintOperation) portrait = NULL;
  g_autoptr(GtkPrintOperation) landscape = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a5 = gtk_paper_size_new (GTK_PAPER_NAME_A5);
  g_autofree char *dir = g_dir_make_tmp ("ap-test-print-XXXXXX", NULL);
  g_autofree char *portrait_path = g_build_filename (dir, "portrait.pdf", NULL);
  g_autofree char *landscape_path = g_build_filename (dir, "landscape.pdf", NULL);
  g_autofree char *portrait_info = NULL;
  g_autofree char *landscape_info = NULL;
  g_autofree char *text = NULL;

  if (!have_program ("pdfinfo"))
    {
      g_test_skip ("poppler-utils are not installed");
      return;
    }

  gtk_page_setup_set_paper_size_and_default_margins (setup, a5);
  portrait = ap_print_operation_new (G_LIST_MODEL (users), NULL, NULL);
  gtk_print_operation_set_default_page_setup (portrait, setup);
  export_print (portrait, portrait_path);

  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
  landscape = ap_print_operation_new (G_LIST_MODEL (users), NULL, NULL);
  gtk_print_operation_set_default_page_setup (landscape, setup);
  export_print (landscape, landscape_path);

  portrait_info = run_tool ("pdfinfo", portrait_path);
  landscape_info = run_tool ("pdfinfo", landscape_path);
  /* A5 is 148 x 210 mm. */
  g_assert_nonnull (strstr (portrait_info, "419.528 x 595.276 pts"));
  g_assert_nonnull (strstr (landscape_info, "595.276 x 419.528 pts"));

  /* Nothing is lost on the small page either. */
  text = run_tool ("pdftotext", landscape_path);
  g_assert_nonnull (strstr (text, "printed.user.059@example.com"));

  report_test_remove_tree (dir);
}

static gboolean
count_emission (GSignalInvocationHint *hint,
                guint                  n_params,
                const GValue          *params,
                gpointer               user_data)
{
  guint *count = user_data;

  (*count)++;
  return TRUE;
}

/* A large report is paginated a slice at a time (GTK emits "paginate"
 * again from the main loop until it is done), not in one stall, and its
 * pages still come out whole and numbered. */
static void
test_paginate_in_slices (void)
{
  g_autoptr(GListStore) users = make_users (9000);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ap-test-print-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sliced.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;
  g_autofree char *last = NULL;
  const char *pages_line;
  guint signal_id = g_signal_lookup ("paginate", GTK_TYPE_PRINT_OPERATION);
  guint n_slices = 0;
  gulong hook;
  guint pages;

  if (!have_program ("pdftotext"))
    {
      g_test_skip ("poppler-utils are not installed");
      return;
    }

  operation = ap_print_operation_new (G_LIST_MODEL (users), NULL, NULL);
  hook = g_signal_add_emission_hook (signal_id, 0, count_emission, &n_slices, NULL);
  export_print (operation, path);
  g_signal_remove_emission_hook (signal_id, hook);
  g_test_message ("paginated in %u slices", n_slices);
  g_assert_cmpuint (n_slices, >=, 4);

  text = run_tool ("pdftotext", path);
  info = run_tool ("pdfinfo", path);
  pages_line = strstr (info, "\nPages:");
  g_assert_nonnull (pages_line);
  pages = (guint) g_ascii_strtoull (pages_line + strlen ("\nPages:"), NULL, 10);
  g_assert_cmpuint (pages, >, 200);
  last = g_strdup_printf ("Page %u of %u", pages, pages);
  g_assert_nonnull (strstr (text, last));
  g_assert_nonnull (strstr (text, "printed.user.8999@example.com"));

  report_test_remove_tree (dir);
}

static void
test_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ap/print/no-display", test_no_display);
      return g_test_run ();
    }
  adw_init ();

  g_test_add_func ("/ap/print/export-a4", test_export_a4);
  g_test_add_func ("/ap/print/page-setup-honoured", test_page_setup_honoured);
  g_test_add_func ("/ap/print/paginate-in-slices", test_paginate_in_slices);

  return g_test_run ();
}
