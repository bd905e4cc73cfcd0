/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pdf"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ap-error.h"
#include "ap-report-private.h"
#include "report-test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static const char *departments[] = {
  "Sales EMEA", "Engineering", "Finance & Legal", "Human Resources", "Operations", "",
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ap-test-pdf-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  report_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static GPtrArray *
make_users (guint n)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *email = NULL;

      if (i == 7)
        name = g_strdup ("Zoë Ångström-Müller");
      else
        name = g_strdup_printf ("User Number %u with a rather long name for the column", i);
      email = g_strdup_printf ("user.number.%u@very-long-subdomain.example.com", i);
      g_ptr_array_add (users, report_test_user (name, email,
                                                departments[i % G_N_ELEMENTS (departments)],
                                                i % 5, i % 3, (i * 7) % 4, 0));
    }

  return users;
}

static char *
write_pdf (Fixture    *fixture,
           const char *name,
           GPtrArray  *users)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GError) error = NULL;

  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "a");
  stream = ap_report_file_open (file, NULL, &error);
  g_assert_no_error (error);
  writer = ap_report_writer_new (AP_REPORT_FORMAT_PDF, stream, query,
                                 "https://eu-api.mimecast.com", NULL);
  g_assert_true (ap_report_writer_add_users (writer, users, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ap_report_writer_finish (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ap_report_file_commit (stream, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

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

static guint
count_pages (const char *path)
{
  g_autofree char *info = run_tool ("pdfinfo", path);
  const char *pages = strstr (info, "\nPages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("\nPages:"), NULL, 10);
}

static gboolean
have_poppler (void)
{
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (pdfinfo == NULL || pdftotext == NULL)
    {
      g_test_skip ("poppler-utils (pdfinfo, pdftotext) are not installed");
      return FALSE;
    }

  return TRUE;
}

static void
test_pages_grow (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) few = make_users (10);
  g_autoptr(GPtrArray) some = make_users (300);
  g_autoptr(GPtrArray) many = make_users (3000);
  g_autofree char *few_path = NULL;
  g_autofree char *some_path = NULL;
  g_autofree char *many_path = NULL;
  guint few_pages, some_pages, many_pages;

  if (!have_poppler ())
    return;

  few_path = write_pdf (fixture, "few.pdf", few);
  some_path = write_pdf (fixture, "some.pdf", some);
  many_path = write_pdf (fixture, "many.pdf", many);
  few_pages = count_pages (few_path);
  some_pages = count_pages (some_path);
  many_pages = count_pages (many_path);

  g_test_message ("pages: %u, %u, %u", few_pages, some_pages, many_pages);
  g_assert_cmpuint (few_pages, >=, 2);
  g_assert_cmpuint (some_pages, >, few_pages);
  g_assert_cmpuint (many_pages, >, some_pages);
  /* About fifty rows a page, not one user a page. */
  g_assert_cmpuint (many_pages, <, 3000 / 30 + few_pages);
}

static void
test_text (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (200);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;
  g_autofree char *last_page = NULL;
  guint pages;

  if (!have_poppler ())
    return;

  path = write_pdf (fixture, "report.pdf", users);
  text = run_tool ("pdftotext", path);
  pages = count_pages (path);

  /* Real, selectable text: everything below is read back from the PDF. */
  g_assert_nonnull (strstr (text, "Awareness training performance"));
  g_assert_nonnull (strstr (text, "https://eu-api.mimecast.com"));
  g_assert_nonnull (strstr (text, "Users needing attention"));
  g_assert_nonnull (strstr (text, "All users"));
  for (guint i = 0; i < G_N_ELEMENTS (departments); i++)
    if (departments[i][0] != '\0')
      g_assert_nonnull (strstr (text, departments[i]));
  g_assert_nonnull (strstr (text, "No department"));
  g_assert_nonnull (strstr (text, "Zoë Ångström-Müller"));
  g_assert_nonnull (strstr (text, "Page 1 of "));
  last_page = g_strdup_printf ("Page %u of %u", pages, pages);
  g_assert_nonnull (strstr (text, last_page));

  /* A4 under LC_ALL=C.UTF-8 (the test environment). */
  info = run_tool ("pdfinfo", path);
  g_assert_nonnull (strstr (info, "595.276 x 841.89 pts"));
}

static void
test_fonts_embedded (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (20);
  g_autofree char *pdffonts = g_find_program_in_path ("pdffonts");
  g_autofree char *path = NULL;
  g_autofree char *fonts = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_fonts = 0;

  if (pdffonts == NULL)
    {
      g_test_skip ("pdffonts is not installed");
      return;
    }

  path = write_pdf (fixture, "fonts.pdf", users);
  fonts = run_tool ("pdffonts", path);
  lines = g_strsplit (fonts, "\n", -1);

  /* name type encoding emb sub uni object ID: every font embedded. */
  for (guint i = 2; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      if (lines[i][0] == '\0')
        continue;
      fields = g_strsplit_set (lines[i], " ", -1);
      for (guint j = 0; fields[j] != NULL; j++)
        if (fields[j][0] != '\0')
          g_ptr_array_add (words, fields[j]);
      g_assert_cmpuint (words->len, >=, 7);
      g_assert_cmpstr (g_ptr_array_index (words, words->len - 5), ==, "yes");
      n_fonts++;
    }
  g_assert_cmpuint (n_fonts, >, 0);
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (!have_poppler ())
    return;

  path = write_pdf (fixture, "empty.pdf", users);
  text = run_tool ("pdftotext", path);
  g_assert_nonnull (strstr (text, "There are no users in this report."));
  g_assert_cmpuint (count_pages (path), ==, 2);
}

static void
test_paper_sizes (void)
{
  double width, height;

  ap_pdf_paper_size_for_locale ("en_US.UTF-8", &width, &height);
  g_assert_cmpfloat (width, ==, 612);
  g_assert_cmpfloat (height, ==, 792);
  ap_pdf_paper_size_for_locale ("fr_CA", &width, &height);
  g_assert_cmpfloat (width, ==, 612);
  ap_pdf_paper_size_for_locale ("es_MX.UTF-8@euro", &width, &height);
  g_assert_cmpfloat (width, ==, 612);
  ap_pdf_paper_size_for_locale ("de_DE.UTF-8", &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.276, 0.001);
  g_assert_cmpfloat_with_epsilon (height, 841.89, 0.001);
  ap_pdf_paper_size_for_locale ("en_GB.UTF-8", &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.276, 0.001);
  ap_pdf_paper_size_for_locale ("C.UTF-8", &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.276, 0.001);
  ap_pdf_paper_size_for_locale (NULL, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.276, 0.001);

  /* From the C library when LC_PAPER is set (de_DE is generated here). */
  if (setlocale (LC_PAPER, "de_DE.UTF-8") != NULL)
    {
      ap_pdf_paper_size (&width, &height);
      g_assert_cmpfloat_with_epsilon (width, 595.276, 0.001);
      setlocale (LC_PAPER, "C.UTF-8");
    }
}

static void
cancel_on_progress (guint    users_drawn,
                    gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Cancelled while the pages are drawn, not before. */
static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (500);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  writer = ap_report_writer_new (AP_REPORT_FORMAT_PDF, stream, NULL, NULL, NULL);
  ap_report_writer_set_progress_func (writer, cancel_on_progress, cancellable);
  g_assert_true (ap_report_writer_add_users (writer, users, cancellable, &error));
  g_assert_false (ap_report_writer_finish (writer, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ap/pdf/pages-grow", Fixture, NULL, fixture_set_up, test_pages_grow,
              fixture_tear_down);
  g_test_add ("/ap/pdf/text", Fixture, NULL, fixture_set_up, test_text, fixture_tear_down);
  g_test_add ("/ap/pdf/fonts-embedded", Fixture, NULL, fixture_set_up, test_fonts_embedded,
              fixture_tear_down);
  g_test_add ("/ap/pdf/empty", Fixture, NULL, fixture_set_up, test_empty, fixture_tear_down);
  g_test_add_func ("/ap/pdf/paper-sizes", test_paper_sizes);
  g_test_add ("/ap/pdf/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);

  return g_test_run ();
}
