/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ap-error.h"
#include "ap-export-dialog.h"
#include "report-test-util.h"

/* The export flow as the window drives it: the dialog over a filtered and
 * sorted view, the choice of format and scope, then the writing. The save
 * dialog itself is the platform's (a portal in Flatpak) and is skipped
 * through ap_export_dialog_set_test_target(). Needs a display (Xvfb). */

#define TIMEOUT_SECONDS 30
#define N_USERS 60

typedef struct
{
  char            *dir;
  GListStore      *store;
  GtkFilterListModel *filtered;
  GtkSortListModel *view;
  GtkWindow       *window;
  AdwToastOverlay *toasts;
  ApQuery         *query;
  GSettings       *settings;

  gboolean         finished;
  GError          *error;
  GFile           *finished_file;
} Fixture;

static const char *departments[] = { "Sales", "Engineering", "Sales, EMEA", "Finance" };

static gboolean
filter_sales (gpointer item,
              gpointer user_data)
{
  return g_str_equal (ap_user_get_department (AP_USER (item)), "Sales");
}

static int
sort_by_name_descending (gconstpointer a,
                         gconstpointer b,
                         gpointer      user_data)
{
  return -g_strcmp0 (ap_user_get_name (AP_USER ((gpointer) a)),
                     ap_user_get_name (AP_USER ((gpointer) b)));
}

static void
on_finished (GFile        *file,
             const GError *error,
             gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->finished = TRUE;
  g_clear_error (&fixture->error);
  if (error != NULL)
    fixture->error = g_error_copy (error);
  g_set_object (&fixture->finished_file, file);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;

  fixture->dir = g_dir_make_tmp ("ap-test-export-dialog-XXXXXX", NULL);
  fixture->store = g_list_store_new (AP_TYPE_USER);
  for (guint i = 0; i < N_USERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("User %02u, “%s”", i, i % 7 ? "ok" : "=cmd");
      g_autofree char *email = g_strdup_printf ("user%02u@example.com", i);
      g_autoptr(ApUser) user = report_test_user (name, email,
                                                 departments[i % G_N_ELEMENTS (departments)],
                                                 i % 4, i % 3, i % 5, i % 3);

      g_list_store_append (fixture->store, user);
    }

  filter = gtk_custom_filter_new (filter_sales, NULL, NULL);
  sorter = gtk_custom_sorter_new (sort_by_name_descending, NULL, NULL);
  fixture->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (fixture->store)),
                                                 GTK_FILTER (filter));
  fixture->view = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (fixture->filtered)),
                                           GTK_SORTER (sorter));

  fixture->window = GTK_WINDOW (adw_application_window_new (NULL));
  g_object_ref_sink (fixture->window);
  fixture->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (fixture->window),
                                      GTK_WIDGET (fixture->toasts));
  gtk_window_present (fixture->window);

  fixture->query = ap_query_new ();
  ap_query_set_search (fixture->query, AP_SEARCH_FIELD_DEPARTMENT, "a");
  fixture->settings = g_settings_new (BASE_APPLICATION_ID);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ap_export_dialog_set_test_target (NULL, NULL, NULL);
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->view);
  g_clear_object (&fixture->filtered);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->query);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->finished_file);
  g_clear_error (&fixture->error);
  report_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("the export flow did not finish within %d s", TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
wait_finished (Fixture *fixture)
{
  guint timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, NULL);

  while (!fixture->finished)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The toplevel AdwMessageDialog whose heading is @heading. */
static AdwMessageDialog *
find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) &&
          gtk_widget_get_visible (GTK_WIDGET (window)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

/* As a click does: the response, then the dialog closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
present (Fixture *fixture)
{
  g_autoptr(ApReportScope) scope = ap_report_scope_new ();

  /* The view shows the "Sales" department. */
  scope->base_url = g_strdup ("https://eu-api.mimecast.com");
  ap_report_scope_set_narrowing (scope, TRUE, "Sales", NULL);
  ap_export_dialog_present (fixture->window, G_LIST_MODEL (fixture->view),
                            G_LIST_MODEL (fixture->store), fixture->query, scope,
                            fixture->toasts);
}

static void
test_filtered_view (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "view.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *view_button;
  guint n_view = g_list_model_get_n_items (G_LIST_MODEL (fixture->view));
  gsize len;

  g_assert_cmpuint (n_view, ==, N_USERS / 4);
  g_settings_set_string (fixture->settings, "export-format", "csv");
  ap_export_dialog_set_test_target (file, on_finished, fixture);
  present (fixture);

  dialog = find_dialog ("Export Report");
  g_assert_nonnull (dialog);
  /* The remembered format is preselected, the current view is the default. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "format-csv"))));
  view_button = find_named (GTK_WIDGET (dialog), "scope-view");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (view_button)));

  respond (dialog, "export");
  wait_finished (fixture);
  g_assert_no_error (fixture->error);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, 3, "\xEF\xBB\xBF", 3);
  rows = report_test_read_csv (contents + 3, len - 3);

  /* Exactly the view's users, in the view's order. */
  g_assert_cmpuint (rows->len, ==, n_view + 1);
  for (guint i = 0; i < n_view; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (G_LIST_MODEL (fixture->view), i);
      char **row = g_ptr_array_index (rows, i + 1);
      const char *name = ap_user_get_name (user);

      g_assert_cmpuint (g_strv_length (row), ==, 6);
      g_assert_cmpstr (row[0], ==, name);
      g_assert_cmpstr (row[1], ==, ap_user_get_email (user));
      g_assert_cmpstr (row[2], ==, "Sales");
    }
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
}

/* The PDF of the current view names its narrowing; of everything loaded,
 * it says there is none. */
static void
test_pdf_scope (Fixture       *fixture,
                gconstpointer  data)
{
  const char *scopes[] = { "scope-view", "scope-all" };
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (pdftotext == NULL)
    {
      g_test_skip ("poppler-utils are not installed");
      return;
    }

  g_settings_set_string (fixture->settings, "export-format", "pdf");
  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.pdf", scopes[i]);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      const char *argv[] = { "pdftotext", path, "-", NULL };
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      AdwMessageDialog *dialog;
      int status;

      fixture->finished = FALSE;
      ap_export_dialog_set_test_target (file, on_finished, fixture);
      present (fixture);
      dialog = find_dialog ("Export Report");
      g_assert_nonnull (dialog);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (find_named (GTK_WIDGET (dialog),
                                                                 scopes[i])), TRUE);
      respond (dialog, "export");
      wait_finished (fixture);
      g_assert_no_error (fixture->error);

      g_spawn_sync (NULL, (char **) argv, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (text, "https://eu-api.mimecast.com"));
      if (i == 0)
        g_assert_nonnull (strstr (text, "department is “Sales”"));
      else
        {
          g_assert_null (strstr (text, "department is “Sales”"));
          g_assert_nonnull (strstr (text, "None: every user loaded"));
        }
    }
}

static void
test_all_users_json (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "all.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  AdwMessageDialog *dialog;
  JsonArray *users;

  g_settings_set_string (fixture->settings, "export-format", "pdf");
  ap_export_dialog_set_test_target (file, on_finished, fixture);
  present (fixture);

  dialog = find_dialog ("Export Report");
  g_assert_nonnull (dialog);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "format-pdf"))));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_named (GTK_WIDGET (dialog),
                                                             "format-json")), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_named (GTK_WIDGET (dialog),
                                                             "scope-all")), TRUE);
  respond (dialog, "export");
  wait_finished (fixture);
  g_assert_no_error (fixture->error);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  users = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "users");
  g_assert_cmpuint (json_array_get_length (users), ==, N_USERS);

  /* The choice is remembered for next time. */
  saved = g_settings_get_string (fixture->settings, "export-format");
  g_assert_cmpstr (saved, ==, "json");
}

static void
test_backed_out (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "never.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;

  ap_export_dialog_set_test_target (file, on_finished, fixture);
  present (fixture);
  dialog = find_dialog ("Export Report");
  g_assert_nonnull (dialog);
  respond (dialog, "cancel");
  wait_finished (fixture);

  g_assert_no_error (fixture->error);
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
}

static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing", "report.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;
  AdwMessageDialog *failure;

  g_settings_set_string (fixture->settings, "export-format", "pdf");
  ap_export_dialog_set_test_target (file, on_finished, fixture);
  present (fixture);
  dialog = find_dialog ("Export Report");
  respond (dialog, "export");
  wait_finished (fixture);

  g_assert_error (fixture->error, AP_ERROR, AP_ERROR_WRITE);
  failure = find_dialog ("The Report Was Not Saved");
  g_assert_nonnull (failure);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (failure), "does not exist"));
  gtk_window_destroy (GTK_WINDOW (failure));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *fixture = user_data;

  ap_export_dialog_export_to_file_finish (result, &fixture->error);
  fixture->finished = TRUE;
}

static void
test_export_to_file_pdf (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "view.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  gsize len;

  ap_export_dialog_export_to_file (fixture->window, G_LIST_MODEL (fixture->view),
                                   AP_REPORT_FORMAT_PDF, fixture->query, NULL, fixture->toasts,
                                   file, NULL, on_exported, fixture);
  wait_finished (fixture);
  g_assert_no_error (fixture->error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, 5, "%PDF-", 5);
}

static void
test_progress_cancel (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "big.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GListStore) big = g_list_store_new (AP_TYPE_USER);
  AdwMessageDialog *progress = NULL;
  guint timeout_id;

  for (guint i = 0; i < 60000; i++)
    {
      g_autoptr(ApUser) user = report_test_user ("A user with a name", "user@example.com",
                                                 departments[i % 4], 1, 2, 3, 0);

      g_list_store_append (big, user);
    }

  /* A large export shows progress with Cancel; Cancel leaves no file. */
  ap_export_dialog_export_to_file (fixture->window, G_LIST_MODEL (big), AP_REPORT_FORMAT_PDF,
                                   fixture->query, NULL, fixture->toasts, file, NULL,
                                   on_exported, fixture);
  timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, NULL);
  while (!fixture->finished && (progress = find_dialog ("Exporting Report")) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
  g_assert_nonnull (progress);
  g_assert_false (fixture->finished);

  adw_message_dialog_response (progress, "cancel");
  gtk_window_close (GTK_WINDOW (progress));
  wait_finished (fixture);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (find_dialog ("Exporting Report"));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
}

static void
test_no_display (void)
{
  g_test_skip ("no display: run under Xvfb (build-aux/dev test)");
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ap/export-dialog/no-display", test_no_display);
      return g_test_run ();
    }
  adw_init ();

  ADD ("/ap/export-dialog/filtered-view", test_filtered_view);
  ADD ("/ap/export-dialog/all-users-json", test_all_users_json);
  ADD ("/ap/export-dialog/pdf-scope", test_pdf_scope);
  ADD ("/ap/export-dialog/backed-out", test_backed_out);
  ADD ("/ap/export-dialog/failure", test_failure);
  ADD ("/ap/export-dialog/export-to-file-pdf", test_export_to_file_pdf);
  ADD ("/ap/export-dialog/progress-cancel", test_progress_cancel);

  return g_test_run ();
}
