/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ap-error.h"
#include "ap-export-dialog.h"
#include "report-test-util.h"
#include "../ap-test-alert.h"

/* The export flow as the window drives it: the dialog over a filtered and
 * sorted view, the choice of format and scope (its check buttons and its
 * actions), then the real save dialog and the writing, and the real
 * launcher for "Open" (GtkFileChooserNative and gtk_show_uri() on GTK 4.8,
 * GtkFileDialog and GtkFileLauncher from 4.10: outside a sandbox both show
 * GTK's own file chooser and launch the default application for the file's
 * type, here a script that records the URI it was given). What comes after
 * the save dialog is also driven through ap_export_dialog_export_to_file().
 * Needs a display (Xvfb). */

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

static void drain_file_choosers (void);

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  drain_file_choosers ();
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->view);
  g_clear_object (&fixture->filtered);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->query);
  g_clear_object (&fixture->settings);
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

/* The dialog, presented; it destroys itself on Export or Cancel, and
 * @dialog is then NULL. */
static void
present (Fixture         *fixture,
         ApExportDialog **dialog)
{
  g_autoptr(ApReportScope) scope = ap_report_scope_new ();

  /* The view shows the "Sales" department. */
  scope->base_url = g_strdup ("https://eu-api.mimecast.com");
  ap_report_scope_set_narrowing (scope, TRUE, "Sales", NULL);
  *dialog = ap_export_dialog_new (fixture->window, G_LIST_MODEL (fixture->view),
                                  G_LIST_MODEL (fixture->store), fixture->query, scope,
                                  fixture->toasts);
  g_object_add_weak_pointer (G_OBJECT (*dialog), (gpointer *) dialog);
  gtk_window_present (GTK_WINDOW (*dialog));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (*dialog)) == fixture->window);
}

/* A check button of the dialog, as a person clicks it. */
static void
click (ApExportDialog *dialog,
       const char     *name)
{
  GtkWidget *check = find_named (GTK_WIDGET (dialog), name);

  g_assert_nonnull (check);
  gtk_widget_activate (check);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
}

static void
press_export (ApExportDialog **dialog)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (*dialog), "export.export", NULL));
  g_assert_null (*dialog);
}

/* The application that "opens" saved reports: set up in main () before GIO
 * reads the MIME associations. */
static char *opener_dir;
static char *opener_marker;

static void
install_opener (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *apps = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_text = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *config_home = NULL;
  g_autoptr(GString) mimeapps_text = g_string_new ("[Default Applications]\n");
  g_autoptr(GString) types = g_string_new (NULL);
  g_autofree char *guessed = g_content_type_guess ("report.csv", NULL, 0, NULL);
  g_autofree char *guessed_mime = g_content_type_get_mime_type (guessed);
  const char *candidates[] = { "text/csv", "text/plain", "application/octet-stream", guessed_mime };

  opener_dir = g_dir_make_tmp ("ap-test-opener-XXXXXX", &error);
  g_assert_no_error (error);
  opener_marker = g_build_filename (opener_dir, "opened", NULL);
  apps = g_build_filename (opener_dir, "data", "applications", NULL);
  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);

  script = g_build_filename (opener_dir, "opener.sh", NULL);
  script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$1\" > '%s.tmp' && mv '%s.tmp' '%s'\n",
                                 opener_marker, opener_marker, opener_marker);
  g_file_set_contents (script, script_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && strstr (types->str, candidates[i]) == NULL)
      {
        g_string_append_printf (types, "%s;", candidates[i]);
        g_string_append_printf (mimeapps_text, "%s=ap-test-opener.desktop\n", candidates[i]);
      }

  desktop = g_build_filename (apps, "ap-test-opener.desktop", NULL);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Report opener\n"
                                  "Exec=%s %%u\nMimeType=%s\nNoDisplay=true\n", script, types->str);
  g_file_set_contents (desktop, desktop_text, -1, &error);
  g_assert_no_error (error);
  mimeapps = g_build_filename (apps, "mimeapps.list", NULL);
  g_file_set_contents (mimeapps, mimeapps_text->str, -1, &error);
  g_assert_no_error (error);

  data_home = g_build_filename (opener_dir, "data", NULL);
  config_home = g_build_filename (opener_dir, "config", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
}

static GtkWindow *find_file_chooser (void);

/* The file chooser once it is on screen and has run what it queued while
 * opening, as it is when a person first sees it: a chooser closed within
 * the same instant it opened can meet GTK's own startup work half done. */
static GtkWindow *
ready_file_chooser (void)
{
  GtkWindow *chooser = find_file_chooser ();

  if (chooser == NULL || !gtk_widget_get_mapped (GTK_WIDGET (chooser)))
    return NULL;
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return chooser;
}

/* The visible file chooser that the save dialog shows, whichever API made it. */
static GtkWindow *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Any file chooser a case opened: gone, and whatever it left queued (its
 * folder loading runs on threads) run, before the case's window and folder
 * go away. */
static void
drain_file_choosers (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (50, wake_up, NULL);
  gboolean any = TRUE;

  while (any)
    {
      any = FALSE;
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

          any = any || GTK_IS_FILE_CHOOSER (window);
        }
      if (!any)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("a file chooser was still open %d s after its case", TIMEOUT_SECONDS);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake_id);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Waits, bounded, for a condition that another process or a dialog
 * fulfils; the periodic source makes sure each check gets a turn. */
#define WAIT_FOR(cond, what) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC; \
    guint wake_id_ = g_timeout_add (50, wake_up, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > deadline_) \
          g_error ("%s did not happen within %d s", what, TIMEOUT_SECONDS); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (wake_id_); \
  } G_STMT_END

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Through the real save dialog, as a person does it: type where the report
 * goes (a full path in the name field works in every GTK version) and press
 * the accept button, which checks the name before answering. The chooser is
 * a GtkFileChooserDialog whichever API made it; its GtkFileChooser API is
 * deprecated since 4.10 but it is what the dialog is. */
static void
save_through_dialog (Fixture    *fixture,
                     const char *name)
{
  const char *extension = strrchr (name, '.');
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autofree char *suggested = NULL;
  GtkWindow *chooser;
  GtkWidget *accept;

  WAIT_FOR ((chooser = ready_file_chooser ()) != NULL, "the save dialog");
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Export Report");

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  suggested = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  /* The suggested name: the product, today's date, the format's extension. */
  g_assert_true (g_str_has_prefix (suggested, "awareness-performance-"));
  g_assert_true (g_str_has_suffix (suggested, extension));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), path);
  G_GNUC_END_IGNORE_DEPRECATIONS

  accept = find_button (GTK_WIDGET (chooser), "_Export");
  g_assert_nonnull (accept);
  gtk_widget_activate (accept);
}

/* Export, the real save dialog, then the file written and "Report saved". */
static void
export_through_dialog (Fixture         *fixture,
                       ApExportDialog **dialog,
                       const char      *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  press_export (dialog);
  save_through_dialog (fixture, name);
  WAIT_FOR (g_file_test (path, G_FILE_TEST_EXISTS) &&
            find_button (GTK_WIDGET (fixture->toasts), "Open") != NULL,
            "the report and its “Report saved” toast");
  g_assert_null (find_file_chooser ());
}

static void
test_save_dialog (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "chosen.csv", NULL);
  g_autofree char *contents = NULL;
  ApExportDialog *dialog;

  g_settings_set_string (fixture->settings, "export-format", "csv");
  present (fixture, &dialog);
  export_through_dialog (fixture, &dialog, "chosen.csv");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBFname,email,department"));
}

static void
test_save_dialog_cancel (Fixture       *fixture,
                         gconstpointer  data)
{
  ApExportDialog *dialog;
  GtkWindow *chooser;

  present (fixture, &dialog);
  press_export (&dialog);

  WAIT_FOR ((chooser = ready_file_chooser ()) != NULL, "the save dialog");
  gtk_widget_activate (find_button (GTK_WIDGET (chooser), "_Cancel"));
  WAIT_FOR (find_file_chooser () == NULL, "the save dialog closing");
  drain_file_choosers ();
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
  g_assert_null (find_button (GTK_WIDGET (fixture->toasts), "Open"));
}

/* "Open" on the "Report saved" toast hands the file to the default
 * application for its type. */
static void
test_open_saved (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "to-open.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *opened = NULL;
  ApExportDialog *dialog;

  g_unlink (opener_marker);
  g_settings_set_string (fixture->settings, "export-format", "csv");
  present (fixture, &dialog);
  export_through_dialog (fixture, &dialog, "to-open.csv");

  gtk_widget_activate (find_button (GTK_WIDGET (fixture->toasts), "Open"));
  WAIT_FOR (g_file_test (opener_marker, G_FILE_TEST_EXISTS), "the report opening");
  g_assert_true (g_file_get_contents (opener_marker, &opened, NULL, NULL));
  g_strchomp (opened);
  /* %u hands over a URI, or a path for an application that takes files. */
  if (!g_str_equal (opened, uri))
    g_assert_cmpstr (opened, ==, path);
}

static void
test_filtered_view (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "view.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  ApExportDialog *dialog;
  guint n_view = g_list_model_get_n_items (G_LIST_MODEL (fixture->view));
  gsize len;

  g_assert_cmpuint (n_view, ==, N_USERS / 4);
  g_settings_set_string (fixture->settings, "export-format", "csv");
  present (fixture, &dialog);

  /* The remembered format is preselected, the current view is the default. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "format-csv"))));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "scope-view"))));

  export_through_dialog (fixture, &dialog, "view.csv");

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
      const char *argv[] = { "pdftotext", path, "-", NULL };
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      ApExportDialog *dialog;
      int status;

      present (fixture, &dialog);
      click (dialog, scopes[i]);
      export_through_dialog (fixture, &dialog, name);

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
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  ApExportDialog *dialog;
  JsonArray *users;

  g_settings_set_string (fixture->settings, "export-format", "pdf");
  present (fixture, &dialog);

  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "format-pdf"))));
  click (dialog, "format-json");
  click (dialog, "scope-all");
  export_through_dialog (fixture, &dialog, "all.json");

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  users = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "users");
  g_assert_cmpuint (json_array_get_length (users), ==, N_USERS);

  /* The choice is remembered for next time. */
  saved = g_settings_get_string (fixture->settings, "export-format");
  g_assert_cmpstr (saved, ==, "json");
}

/* The choices are the state of the dialog's actions and properties: a
 * check button, the action and the property always agree. */
static void
test_actions (Fixture       *fixture,
              gconstpointer  data)
{
  ApExportDialog *dialog;
  ApReportFormat format;
  ApExportScope scope;
  GtkWindow *chooser;

  g_settings_set_string (fixture->settings, "export-format", "csv");
  present (fixture, &dialog);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.format", "s",
                                             "csv-details"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.scope", "s", "all"));
  g_object_get (dialog, "format", &format, "scope", &scope, NULL);
  g_assert_cmpint (format, ==, AP_REPORT_FORMAT_CSV_DETAILS);
  g_assert_cmpint (scope, ==, AP_EXPORT_SCOPE_ALL);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "format-csv-details"))));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "format-csv"))));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "scope-all"))));

  g_object_set (dialog, "format", AP_REPORT_FORMAT_JSON, NULL);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    find_named (GTK_WIDGET (dialog), "format-json"))));

  /* The buttons are the actions: Export is one, and only once. */
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (dialog), "_Export…")));
  press_export (&dialog);
  WAIT_FOR ((chooser = ready_file_chooser ()) != NULL, "the save dialog");
  gtk_widget_activate (find_button (GTK_WIDGET (chooser), "_Cancel"));
}

static void
test_backed_out (Fixture       *fixture,
                 gconstpointer  data)
{
  ApExportDialog *dialog;
  g_autofree char *saved = NULL;

  g_settings_set_string (fixture->settings, "export-format", "csv");
  present (fixture, &dialog);
  click (dialog, "format-json");
  gtk_widget_activate (find_button (GTK_WIDGET (dialog), "_Cancel"));
  WAIT_FOR (dialog == NULL, "the dialog closing");

  /* Nothing asked, nothing written, and the format not remembered. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (find_file_chooser ());
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
  saved = g_settings_get_string (fixture->settings, "export-format");
  g_assert_cmpstr (saved, ==, "csv");

  /* Cancel is an action (Escape and closing the window run it too). */
  present (fixture, &dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.cancel", NULL));
  g_assert_null (dialog);
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

/* A file that cannot be written: the reason, in a message, and no file. */
static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing", "report.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *failure;

  ap_export_dialog_export_to_file (fixture->window, G_LIST_MODEL (fixture->view),
                                   AP_REPORT_FORMAT_PDF, fixture->query, NULL, fixture->toasts,
                                   file, NULL, on_exported, fixture);
  wait_finished (fixture);

  g_assert_error (fixture->error, AP_ERROR, AP_ERROR_WRITE);
  failure = ap_test_find_alert ("The Report Was Not Saved");
  g_assert_nonnull (failure);
  g_assert_nonnull (strstr (ap_alert_get_body (failure), "does not exist"));
  ap_alert_close (failure);
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
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
  GtkWidget *progress = NULL;
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
  while (!fixture->finished && (progress = ap_test_find_alert ("Exporting Report")) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
  g_assert_nonnull (progress);
  g_assert_false (fixture->finished);

  ap_test_alert_respond (progress, "cancel");
  wait_finished (fixture);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (ap_test_find_alert ("Exporting Report"));
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
  int ret;

  g_test_init (&argc, &argv, NULL);
  install_opener ();

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ap/export-dialog/no-display", test_no_display);
      ret = g_test_run ();
      report_test_remove_tree (opener_dir);
      return ret;
    }
  adw_init ();

  ADD ("/ap/export-dialog/filtered-view", test_filtered_view);
  ADD ("/ap/export-dialog/all-users-json", test_all_users_json);
  ADD ("/ap/export-dialog/pdf-scope", test_pdf_scope);
  ADD ("/ap/export-dialog/actions", test_actions);
  ADD ("/ap/export-dialog/backed-out", test_backed_out);
  ADD ("/ap/export-dialog/failure", test_failure);
  ADD ("/ap/export-dialog/export-to-file-pdf", test_export_to_file_pdf);
  ADD ("/ap/export-dialog/progress-cancel", test_progress_cancel);
  ADD ("/ap/export-dialog/save-dialog", test_save_dialog);
  ADD ("/ap/export-dialog/save-dialog-cancel", test_save_dialog_cancel);
  ADD ("/ap/export-dialog/open-saved", test_open_saved);

  ret = g_test_run ();
  report_test_remove_tree (opener_dir);
  return ret;
}
