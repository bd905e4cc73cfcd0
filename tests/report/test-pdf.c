/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pdf"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ap-analysis.h"
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
write_pdf_with_scope (Fixture             *fixture,
                      const char          *name,
                      GPtrArray           *users,
                      ApQuery             *query,
                      const ApReportScope *scope)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  stream = ap_report_file_open (file, NULL, &error);
  g_assert_no_error (error);
  writer = ap_report_writer_new (AP_REPORT_FORMAT_PDF, stream, query, NULL, NULL);
  ap_report_writer_set_scope (writer, scope);
  g_assert_true (ap_report_writer_add_users (writer, users, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ap_report_writer_finish (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ap_report_file_commit (stream, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
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
  /* Over twenty users a page (name and email stacked), not one a page. */
  g_assert_cmpuint (many_pages, <, 3000 / 20 + few_pages);
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


/* Whitespace runs as one space: a header value that wraps still reads as
 * one phrase. */
static char *
normalize_space (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n\t\f", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);

  return g_strjoinv (" ", (char **) kept->pdata);
}

/* cairo keeps an ellipsized string's hidden tail in an /ActualText span,
 * so text extraction cannot see an ellipsis: count the spans instead. A
 * ligature ("ffi") is up to three characters; anything longer is text
 * that was drawn shorter than it is. */
static guint
count_long_actual_texts (const char *path,
                         const char *dir)
{
  g_autofree char *qdf = g_build_filename (dir, "qdf.pdf", NULL);
  const char *argv[] = { "qpdf", "--qdf", "--object-streams=disable", path, qdf, NULL };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  guint n = 0;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (qdf, &contents, &len, NULL));

  for (const char *p = contents; (p = g_strstr_len (p, contents + len - p, "/ActualText"));
       p++)
    {
      const char *start = p + strlen ("/ActualText");
      const char *end;
      gsize n_chars;

      while (*start == ' ')
        start++;
      if (*start == '<')
        {
          /* UTF-16BE in hex, after a byte order mark */
          end = strchr (start, '>');
          g_assert_nonnull (end);
          n_chars = (end - start - 1 - 4) / 4;
        }
      else
        {
          end = strchr (start, ')');
          g_assert_nonnull (end);
          n_chars = end - start - 1;
        }
      if (n_chars > 3)
        n++;
    }

  return n;
}

static char *
strip_rtl (const char *text)
{
  GString *bare = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && !(c >= 0x202A && c <= 0x202E) && c != 0x200E &&
          c != 0x200F)
        g_string_append_unichar (bare, c);
    }

  return g_string_free (bare, FALSE);
}

static gboolean
have_qpdf (void)
{
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");

  if (qpdf == NULL)
    {
      g_test_skip ("qpdf is not installed");
      return FALSE;
    }

  return have_poppler ();
}

static const struct
{
  const char *name;
  const char *email;
  const char *department;
} awkward_users[] = {
  { "Maximiliane Alexandra von Hohenzollern-Sigmaringen",
    "maximiliane.alexandra.von.hohenzollern-sigmaringen@example.com",
    "Legal & Compliance (Europe, Middle East and Africa)" },
  { "Zoë Ångström-Müller", "zoe.angstrom-muller@exämple.de", "Forschung & Entwicklung" },
  { "Robert \"Bobby\" O'Brien-Smythe", "robert.obrien-smythe+training@subsidiary.example.co.uk",
    "Sales EMEA" },
  { "François-Xavier de La Rochefoucauld", "fx.delarochefoucauld@example.fr", "Finance" },
  { "محمد عبد الله", "mohammed.abdullah@example.ae", "Operations" },
  { "דוד כהן", "david.cohen@example.co.il", "Operations" },
  { "Nguyễn Thị Minh Khai", "nguyen.thi.minh.khai@example.vn", "Customer Success" },
};

static GPtrArray *
make_awkward_users (void)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (awkward_users); i++)
    g_ptr_array_add (users, report_test_user (awkward_users[i].name, awkward_users[i].email,
                                              awkward_users[i].department, 1, 2, 3 + i, 0));

  return users;
}

/* Issue 9: every name and email whole, nothing ellipsized anywhere. */
static void
test_nothing_cut (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_awkward_users ();
  g_autoptr(GPtrArray) many = make_users (300);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bare_text = NULL;

  if (!have_qpdf ())
    return;

  g_ptr_array_extend (users, many, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  path = write_pdf (fixture, "awkward.pdf", users);
  text = run_tool ("pdftotext", path);

  for (guint i = 0; i < G_N_ELEMENTS (awkward_users); i++)
    {
      const char *name = awkward_users[i].name;

      /* pdftotext puts right-to-left names between embedding marks and
       * may split Arabic words where glyphs join: compare those without
       * spaces and marks. */
      if (g_utf8_get_char (name) >= 0x590 && g_utf8_get_char (name) < 0x900)
        {
          g_autofree char *bare_name = strip_rtl (name);

          if (bare_text == NULL)
            bare_text = strip_rtl (text);
          g_assert_nonnull (strstr (bare_text, bare_name));
        }
      else
        g_assert_nonnull (strstr (text, name));
      g_assert_nonnull (strstr (text, awkward_users[i].email));
    }
  for (guint i = 0; i < many->len; i++)
    {
      ApUser *user = g_ptr_array_index (many, i);

      g_assert_nonnull (strstr (text, ap_user_get_email (user)));
    }

  g_assert_cmpuint (count_long_actual_texts (path, fixture->dir), ==, 0);
}

/* An address longer than its cell wraps between characters instead of
 * being cut: it is all there in drawing order. */
static void
test_long_email_wraps (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  const char *email = "an.extremely.long.mailbox.name.that.no.column.can.hold.on.one.line."
                      "at.all@department.subsidiary.example.com";
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *joined = NULL;
  const char *argv[4] = { "pdftotext", "-raw", NULL, "-" };
  g_autoptr(GError) error = NULL;
  int status;

  if (!have_qpdf ())
    return;

  g_ptr_array_add (users, report_test_user ("Long Address", email, "Sales", 0, 0, 1, 0));
  path = write_pdf (fixture, "long-email.pdf", users);
  argv[2] = path;
  {
    const char *raw_argv[] = { argv[0], argv[1], argv[2], argv[3], NULL };

    g_spawn_sync (NULL, (char **) raw_argv, NULL,
                  G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL,
                  &status, &error);
  }
  g_assert_no_error (error);
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    joined = g_strjoinv ("", lines);
  }
  g_assert_nonnull (strstr (joined, email));
  g_assert_cmpuint (count_long_actual_texts (path, fixture->dir), ==, 0);
}

/* The header states the whole scope: the server query, every local
 * narrowing, users in the report and in the fetch, tenant, fetch time. */
static void
test_scope_header (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (24);
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(ApReportScope) scope = ap_report_scope_new ();
  g_autoptr(GDateTime) fetched = g_date_time_new_utc (2026, 3, 4, 9, 30, 0);
  g_autofree char *path = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;

  if (!have_poppler ())
    return;

  ap_query_set_search (query, AP_SEARCH_FIELD_EMAIL, "example");
  ap_query_set_include_user_details (query, TRUE);
  scope->base_url = g_strdup ("https://eu-api.mimecast.com");
  ap_report_scope_set_fetched (scope, fetched, 250);
  ap_report_scope_set_narrowing (scope, TRUE, "Finance & Legal", "smith");
  path = write_pdf_with_scope (fixture, "scope.pdf", users, query, scope);
  raw = run_tool ("pdftotext", path);
  text = normalize_space (raw);

  g_assert_nonnull (strstr (text, "Email contains “example”"));
  g_assert_nonnull (strstr (text, "with training details"));
  g_assert_nonnull (strstr (text, "Current view only"));
  g_assert_nonnull (strstr (text, "department is “Finance & Legal”"));
  g_assert_nonnull (strstr (text, "contains “smith”"));
  g_assert_nonnull (strstr (text, "24 of 250 users in the fetch"));
  g_assert_nonnull (strstr (text, "https://eu-api.mimecast.com"));
  g_assert_nonnull (strstr (text, "Data fetched 2026-03-04 09:30 UTC"));
  g_assert_nonnull (strstr (text, "Ordered by department, then name"));
  {
    g_autofree char *rule = normalize_space (ap_analysis_get_attention_rule ());

    /* The needs-attention rule is the shared analysis's, stated. */
    g_assert_nonnull (strstr (text, rule));
  }

  /* Everything loaded: no local filter, and demo data says so instead of
   * a loopback address. */
  ap_report_scope_set_narrowing (scope, FALSE, NULL, NULL);
  g_free (scope->base_url);
  scope->base_url = g_strdup ("http://127.0.0.1:46505");
  scope->demo = TRUE;
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&raw, g_free);
  g_clear_pointer (&text, g_free);
  path = write_pdf_with_scope (fixture, "demo.pdf", users, query, scope);
  raw = run_tool ("pdftotext", path);
  text = normalize_space (raw);
  g_assert_nonnull (strstr (text, "None: every user loaded"));
  g_assert_nonnull (strstr (text, "Demo data"));
  g_assert_null (strstr (text, "127.0.0.1"));
}

/* Users ordered by department, then name: a reader can find one. */
static void
test_order (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const char *all;

  if (!have_poppler ())
    return;

  g_ptr_array_add (users, report_test_user ("Zed Last", "z@example.com", "Alpha", 1, 0, 0, 0));
  g_ptr_array_add (users, report_test_user ("Amy First", "a@example.com", "Beta", 1, 0, 0, 0));
  g_ptr_array_add (users, report_test_user ("Bob Second", "b@example.com", "Alpha", 1, 0, 0, 0));
  g_ptr_array_add (users, report_test_user ("Cy Nobody", "c@example.com", "", 1, 0, 0, 0));
  path = write_pdf (fixture, "order.pdf", users);
  text = run_tool ("pdftotext", path);
  all = strstr (text, "Ordered by department");
  g_assert_nonnull (all);
  g_assert_true (strstr (all, "Bob Second") < strstr (all, "Zed Last"));
  g_assert_true (strstr (all, "Zed Last") < strstr (all, "Amy First"));
  g_assert_true (strstr (all, "Amy First") < strstr (all, "Cy Nobody"));
}

/* With details: each user's records, title and status, under the user. */
static void
test_details (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const char *records, *user, *next;

  if (!have_poppler ())
    return;

  ap_query_set_include_user_details (query, TRUE);
  g_ptr_array_add (users, report_test_user ("Zoë Ångström-Müller", "zoe@example.com", "Finance",
                                            2, 1, 1, 4));
  g_ptr_array_add (users, report_test_user ("Zyta Zimmer", "zyta@example.com", "Finance",
                                            0, 0, 0, 0));
  path = write_pdf_with_scope (fixture, "details.pdf", users, query, NULL);
  text = run_tool ("pdftotext", path);

  records = strstr (text, "Training records");
  g_assert_nonnull (records);
  user = strstr (records, "Zoë Ångström-Müller");
  g_assert_nonnull (user);
  next = strstr (user, "Zyta Zimmer");
  g_assert_nonnull (next);
  /* report_test_user(): record 1 is "Completed", record 0 "Not started". */
  g_assert_true (strstr (user, "Video 1: “Phishing”, part 1") < next);
  g_assert_true (strstr (user, "Completed") < next);
  g_assert_true (strstr (user, "Not started") < next);
  g_assert_true (strstr (user, "2011-12-04") < next);
  g_assert_nonnull (strstr (next, "No training records"));

  /* The per-video table, before the users: each title with its counts
   * (one user was sent each title once: sent 1; record 0 was not viewed). */
  {
    const char *videos = strstr (text, "Training videos");
    const char *all = strstr (text, "Ordered by department");
    g_autofree char *flat = NULL;

    g_assert_nonnull (videos);
    g_assert_nonnull (all);
    g_assert_true (videos < all);
    g_assert_true (strstr (videos, "Video 0: “Phishing”, part 0") < all);
    g_assert_true (strstr (videos, "Video 3: “Phishing”, part 3") < all);
    g_assert_true (strstr (videos, "Not viewed") < all);
    g_assert_true (strstr (videos, "100.0 %") < all || strstr (videos, "100.0\xc2\xa0%") < all);
    flat = normalize_space (videos);
    g_assert_true (g_str_has_prefix (flat, "Training videos Every training video sent, the most "
                                           "not viewed first."));
  }
}

/* A script no installed font covers is named in the report, not left as
 * silent boxes. */
static void
test_missing_glyphs (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) users = make_users (3);
  g_autoptr(ApReportDocument) document = NULL;
  ApReportPage page = { 595, 842, 40, 40, 40, 40 };
  g_autofree char *path = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  /* Linear B: no font package a desktop installs by default has it. */
  const char *name = "𐀀𐀁𐀂 Linear";

  if (!have_poppler ())
    return;

  g_ptr_array_add (users, report_test_user (name, "linear.b@example.com", "Sales", 1, 0, 0, 0));
  document = ap_report_document_new (NULL, NULL, NULL);
  ap_report_document_add_users (document, users);
  ap_report_document_paginate (document, &page);
  if (ap_report_document_get_n_missing_glyphs (document) == 0)
    {
      g_test_skip ("a font for Linear B is installed");
      return;
    }

  path = write_pdf (fixture, "missing.pdf", users);
  raw = run_tool ("pdftotext", path);
  text = normalize_space (raw);
  g_assert_nonnull (strstr (text, "no installed font can show"));
  g_assert_nonnull (strstr (text, "Linear"));
}

static cairo_surface_t *
draw_page_image (ApReportDocument *document,
                 guint             page_nr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  ap_report_document_draw_page (document, cr, page_nr);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

/* Printing paginates in slices on the main loop and draws a page from
 * where it starts: the same pages, drawn the same, as paginating in one
 * go and laying out every page before the one drawn. */
static void
test_paginate_in_slices (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ApReportDocument) whole = ap_report_document_new (NULL, NULL, NULL);
  g_autoptr(ApReportDocument) sliced = ap_report_document_new (NULL, NULL, NULL);
  ApReportPage page = { 595, 842, 40, 40, 40, 40 };
  guint n_pages = 0, n_steps = 0;

  /* Enough rows for several slices; records, and users whose records
   * cross a page (their heading row comes again). */
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *name = g_strdup_printf ("User %04u", i);
      g_autofree char *email = g_strdup_printf ("user.%u@example.com", i);

      g_ptr_array_add (users, report_test_user (name, email,
                                                departments[i % G_N_ELEMENTS (departments)],
                                                i % 5, i % 3, i % 4, i % 40 == 0 ? 45 : i % 4));
    }
  ap_report_document_add_users (whole, users);
  ap_report_document_add_users (sliced, users);

  while (!ap_report_document_paginate_step (sliced, &page, &n_pages))
    n_steps++;
  g_assert_cmpuint (n_steps, >, 2);
  g_assert_cmpuint (n_pages, ==, ap_report_document_paginate (whole, &page));
  g_assert_cmpuint (n_pages, >, 50);

  for (guint p = 0; p < n_pages; p += p < 4 ? 1 : 7)
    {
      cairo_surface_t *a = draw_page_image (whole, p);
      cairo_surface_t *b = draw_page_image (sliced, p);
      int stride = cairo_image_surface_get_stride (a);

      g_test_message ("page %u of %u", p + 1, n_pages);
      g_assert_true (memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                             (gsize) stride * 842) == 0);
      cairo_surface_destroy (a);
      cairo_surface_destroy (b);
    }
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

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (100 * 1000);
  g_cancellable_cancel (G_CANCELLABLE (data));
  return NULL;
}

/* A large report is cancelled while it is still being measured, long
 * before its first page would be drawn. */
static void
test_cancelled_measuring (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = NULL;
  GThread *thread;

  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Ünïcode User %u", i);

      g_ptr_array_add (users, report_test_user (name, "user@example.com", "Sales", 1, 1, 1, 10));
    }

  writer = ap_report_writer_new (AP_REPORT_FORMAT_PDF, stream, NULL, NULL, NULL);
  g_assert_true (ap_report_writer_add_users (writer, users, cancellable, &error));
  timer = g_timer_new ();
  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  g_assert_false (ap_report_writer_finish (writer, cancellable, &error));
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* 220,000 rows take far longer than this to measure, let alone draw. */
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 5.0);
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
  g_test_add ("/ap/pdf/nothing-cut", Fixture, NULL, fixture_set_up, test_nothing_cut,
              fixture_tear_down);
  g_test_add ("/ap/pdf/long-email-wraps", Fixture, NULL, fixture_set_up, test_long_email_wraps,
              fixture_tear_down);
  g_test_add ("/ap/pdf/scope-header", Fixture, NULL, fixture_set_up, test_scope_header,
              fixture_tear_down);
  g_test_add ("/ap/pdf/order", Fixture, NULL, fixture_set_up, test_order, fixture_tear_down);
  g_test_add ("/ap/pdf/details", Fixture, NULL, fixture_set_up, test_details,
              fixture_tear_down);
  g_test_add ("/ap/pdf/missing-glyphs", Fixture, NULL, fixture_set_up, test_missing_glyphs,
              fixture_tear_down);
  g_test_add_func ("/ap/pdf/paper-sizes", test_paper_sizes);
  g_test_add_func ("/ap/pdf/paginate-in-slices", test_paginate_in_slices);
  g_test_add ("/ap/pdf/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);
  g_test_add ("/ap/pdf/cancelled-measuring", Fixture, NULL, fixture_set_up,
              test_cancelled_measuring, fixture_tear_down);

  return g_test_run ();
}
