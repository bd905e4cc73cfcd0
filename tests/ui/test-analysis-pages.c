/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview's department table, the Training videos page, the Needs
 * attention list and the reminder window, in the real window on the
 * double's data. With AP_SCREENSHOT_DIR set it also saves each page as a
 * PNG (build-aux/screenshots-analysis runs it light, dark, in German and
 * narrow). */
#define G_LOG_DOMAIN "test-analysis-pages"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <locale.h>
#include <stdlib.h>

#include "ap-follow-up-ui.h"
#include "ap-mock-data.h"
#include "ap-mock-server.h"
#include "ap-overview-page.h"
#include "ap-people-list.h"
#include "ap-resources.h"
#include "ap-table-private.h"
#include "ap-user.h"
#include "ap-videos-page.h"
#include "ap-window-private.h"

#include "../ap-test-overview.h"
#include "../ap-test-util.h"
#include "ui-test-util.h"

#define N_USERS        120
#define N_DEPARTMENTS  6
#define N_RECORDS      4
#define SEED           7
#define WAIT_MS        20000

typedef struct
{
  ApMockServer *mock;
  ApWindow     *window;
} Fixture;

static gboolean
analysis_shown (gpointer data)
{
  Fixture *f = data;
  ApOverviewPage *overview = NULL;

  overview = AP_OVERVIEW_PAGE (f->window->overview_page);
  return !ap_window_is_fetching (f->window) && ap_window_get_n_fetches_done (f->window) > 0 &&
         g_list_model_get_n_items (ap_test_overview_department_rows (overview)) > 0 &&
         g_list_model_get_n_items (ap_people_list_get_model (_ap_window_get_attention_list (
                                                               f->window))) > 0;
}

static void
fixture_start (Fixture *f,
               guint    n_users,
               int      width,
               int      height)
{
  f->mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f->mock, n_users, N_DEPARTMENTS, N_RECORDS, SEED);
  f->window = ap_window_new (NULL);
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
  ap_window_start_demo_with_server (f->window, f->mock);
  g_assert_true (spin_until (analysis_shown, f, n_users > 10000 ? 10 * WAIT_MS : WAIT_MS));
}

static void
fixture_stop (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->mock);
}

/* The list inside ap_people_list_window_new()'s window */
static GListModel *
people_list_model (GtkWindow *window)
{
  GtkWidget *list = gtk_widget_get_first_child (GTK_WIDGET (adw_window_get_content (ADW_WINDOW (window))));

  list = gtk_widget_get_last_child (gtk_widget_get_parent (list));
  list = adw_toast_overlay_get_child (ADW_TOAST_OVERLAY (list));
  return ap_people_list_get_model (AP_PEOPLE_LIST (list));
}

/* ---- independent numbers from the double's generator ----------------- */

typedef struct
{
  guint64 users, sent;
} DeptCount;

static GHashTable *
count_departments (guint n_users)
{
  g_autoptr(ApMockDataset) dataset = ap_mock_dataset_new (n_users, N_DEPARTMENTS, N_RECORDS, SEED);
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ApMockUser user;

  ap_mock_user_init (&user, dataset);
  for (guint i = 0; i < n_users; i++)
    {
      DeptCount *count;

      ap_mock_user_generate (&user, dataset, i);
      count = g_hash_table_lookup (counts, user.department);
      if (count == NULL)
        {
          count = g_new0 (DeptCount, 1);
          g_hash_table_insert (counts, g_strdup (user.department), count);
        }
      count->users++;
      count->sent += user.num_correct + user.num_incorrect + user.num_not_watched;
    }
  ap_mock_user_clear (&user);
  return counts;
}

static void
test_overview (void)
{
  Fixture f = { 0 };
  g_autoptr(GHashTable) expected = count_departments (N_USERS);
  ApOverviewPage *overview;
  GListModel *rows;
  const char *freshness;

  fixture_start (&f, N_USERS, 1000, 800);
  overview = AP_OVERVIEW_PAGE (f.window->overview_page);
  rows = ap_test_overview_department_rows (overview);

  freshness = ap_test_overview_freshness (overview);
  g_assert_true (g_str_has_prefix (freshness, "Updated "));
  g_assert_nonnull (strstr (freshness, "120 users"));
  g_assert_nonnull (strstr (freshness, "with training details"));

  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, g_hash_table_size (expected));
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(ApAnalysisRow) row = g_list_model_get_item (rows, i);
      const ApAnalysisDepartment *department = ap_analysis_row_get_department (row);
      DeptCount *count = g_hash_table_lookup (expected, department->name);

      g_assert_nonnull (count);
      g_assert_cmpuint (department->n_users, ==, count->users);
      g_assert_cmpuint (department->videos_sent, ==, count->sent);
      if (i > 0)
        {
          g_autoptr(ApAnalysisRow) previous = g_list_model_get_item (rows, i - 1);

          /* Unsorted, the table keeps the default order */
          g_assert_cmpfloat (ap_analysis_row_get_department (previous)->pct_not_watched, >=,
                             department->pct_not_watched);
        }
    }

  /* A row lists the department's people, with the follow-up actions */
  {
    g_autoptr(ApAnalysisRow) row = g_list_model_get_item (rows, 0);
    const ApAnalysisDepartment *department = ap_analysis_row_get_department (row);
    GListModel *toplevels;
    GtkWindow *people = NULL;

    g_signal_emit_by_name (ap_test_overview_departments_view (overview), "activate", 0);
    toplevels = gtk_window_get_toplevels ();
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

        if (g_strcmp0 (gtk_window_get_title (window), department->display_name) == 0)
          people = window;
      }
    g_assert_nonnull (people);
    g_assert_cmpuint (g_list_model_get_n_items (people_list_model (people)), ==,
                      department->n_users);
    gtk_window_destroy (people);
  }

  fixture_stop (&f);
}

static void
test_videos_and_non_viewers (void)
{
  Fixture f = { 0 };
  ApVideosPage *videos;
  GListModel *rows;
  g_autoptr(ApAnalysisRow) first = NULL;
  const ApAnalysisVideo *video;
  GtkWindow *people;
  GListModel *shown;

  fixture_start (&f, N_USERS, 1000, 800);
  videos = _ap_window_get_videos_page (f.window);
  g_assert_cmpstr (ap_videos_page_get_state (videos), ==, "data");
  rows = ap_videos_page_get_rows (videos);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
  first = g_list_model_get_item (rows, 0);
  video = ap_analysis_row_get_video (first);
  g_assert_cmpuint (video->sent, ==, video->viewed + video->not_viewed);
  g_assert_cmpuint (video->not_viewed, >, 0);

  /* The row opens the people who were sent it and have not viewed it */
  people = ap_videos_page_open_row (videos, 0);
  g_assert_nonnull (people);
  shown = people_list_model (people);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (shown), <=, video->not_viewed);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown, i);
      gboolean has_unviewed = FALSE;

      for (guint r = 0; r < ap_user_get_n_records (user); r++)
        {
          const ApRecord *record = ap_user_get_record (user, r);

          if (g_str_equal (ap_record_get_title (record), video->title))
            {
              g_assert_cmpint (ap_record_get_time_viewed (record), ==, AP_TIME_NONE);
              has_unviewed = TRUE;
            }
        }
      g_assert_true (has_unviewed);
    }
  gtk_window_destroy (people);

  fixture_stop (&f);
}

static void
test_attention (void)
{
  Fixture f = { 0 };
  ApPeopleList *list;
  GListModel *shown;
  guint last_not_watched = G_MAXUINT;

  fixture_start (&f, N_USERS, 1000, 800);
  list = _ap_window_get_attention_list (f.window);
  shown = ap_people_list_get_model (list);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown, i);

      g_assert_true (ap_user_get_num_not_watched (user) > 0 ||
                     ap_user_get_num_incorrect (user) > 0);
      g_assert_cmpuint (ap_user_get_num_not_watched (user), <=, last_not_watched);
      last_not_watched = ap_user_get_num_not_watched (user);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "people.copy", NULL));

  fixture_stop (&f);
}

typedef struct
{
  char    *text;
  gboolean done;
} ClipboardRead;

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  ClipboardRead *read = data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static gboolean
view_narrowed (gpointer data)
{
  Fixture *f = data;
  GListModel *shown = ap_users_view_get_visible_users (f->window->users_view);
  guint n = g_list_model_get_n_items (shown);

  return n > 0 && n < N_USERS;
}

/* The follow-up actions of the Users list reach exactly the people it
 * shows: narrowed to one department, in the order on screen. */
static void
test_follow_up_shown (void)
{
  Fixture f = { 0 };
  GListModel *shown;
  ClipboardRead read = { 0 };
  g_autoptr(ApUser) first = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *department = NULL;
  g_autoptr(GList) toplevels = NULL;
  g_autofree char *people = NULL;
  GtkWindow *reminder = NULL;
  guint n, n_lines;

  fixture_start (&f, N_USERS, 1000, 800);
  shown = ap_users_view_get_visible_users (f.window->users_view);
  first = g_list_model_get_item (shown, 0);
  department = g_strdup (ap_user_get_department (first));
  ap_users_view_set_department (f.window->users_view, department);
  g_assert_true (spin_until (view_narrowed, &f, WAIT_MS));
  n = g_list_model_get_n_items (shown);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.copy-shown", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (f.window)), NULL,
                                 on_clipboard_text, &read);
  g_assert_true (spin_until (clipboard_read, &read, WAIT_MS));
  g_assert_nonnull (read.text);
  lines = g_strsplit (read.text, "\n", -1);
  n_lines = g_strv_length (lines);
  if (n_lines > 0 && lines[n_lines - 1][0] == '\0')
    n_lines--;
  g_assert_cmpuint (n_lines, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown, i);

      g_assert_cmpstr (ap_user_get_department (user), ==, department);
      g_assert_cmpstr (lines[i], ==, ap_user_get_email (user));
    }
  g_free (read.text);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.remind-shown", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *it = toplevels; it != NULL; it = it->next)
    if (AP_IS_REMINDER_DIALOG (it->data))
      reminder = it->data;
  g_assert_nonnull (reminder);
  people = g_strdup_printf ("%u people", n);
  g_assert_nonnull (strstr (ap_reminder_dialog_get_note (AP_REMINDER_DIALOG (reminder)), people));
  gtk_window_destroy (reminder);

  fixture_stop (&f);
}

/* The reminder for many people: several drafts, each within the limit, and
 * the window says so before anything opens. */
static void
test_reminder_split (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  ApReminderDialog *dialog;
  const char * const *uris;

  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *email = g_strdup_printf ("person.number.%03u@example.com", i);

      g_ptr_array_add (users, ap_user_new ("Person", email, "IT", 0, 0, 1));
    }
  dialog = ap_reminder_dialog_new (NULL, users);
  g_object_ref_sink (dialog);
  uris = ap_reminder_dialog_get_uris (dialog);
  g_assert_cmpuint (g_strv_length ((char **) uris), >, 1);
  for (guint i = 0; uris[i] != NULL; i++)
    g_assert_cmpuint (strlen (uris[i]), <=, 2000);
  g_assert_nonnull (strstr (ap_reminder_dialog_get_note (dialog), "250 people"));
  g_assert_nonnull (strstr (ap_reminder_dialog_get_note (dialog), "drafts"));

  ap_reminder_dialog_set_message (dialog, "Hi", "Short");
  g_assert_nonnull (strstr (ap_reminder_dialog_get_uris (dialog)[0], "subject=Hi"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/* ---- screenshots ------------------------------------------------------- */

static void
test_screenshots (void)
{
  const char *dir = g_getenv ("AP_SCREENSHOT_DIR");
  const char *variant = g_getenv ("AP_SCREENSHOT_VARIANT");
  gboolean narrow = g_strcmp0 (variant, "narrow") == 0;
  Fixture f = { 0 };
  AdwViewStack *stack;
  g_autofree char *overview = NULL, *videos = NULL, *attention = NULL;

  if (dir == NULL)
    {
      g_test_skip ("AP_SCREENSHOT_DIR is not set (build-aux/screenshots-analysis sets it)");
      return;
    }
  /* A picture is still worth taking when GTK warns; the warning shows */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  if (g_strcmp0 (variant, "dark") == 0)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);

  fixture_start (&f, g_getenv ("AP_SCREENSHOT_USERS") ? (guint) atoi (g_getenv ("AP_SCREENSHOT_USERS")) : 3000, narrow ? 380 : 1200, narrow ? 760 : 860);
  stack = f.window->view_stack;
  overview = g_strdup_printf ("overview-%s.png", variant);
  videos = g_strdup_printf ("videos-%s.png", variant);
  attention = g_strdup_printf ("attention-%s.png", variant);

  settle ();
  save_png (GTK_WIDGET (f.window), dir, overview);
  /* The department table and the top and bottom three are below the fold */
  {
    GtkScrolledWindow *scroller = find_scroller (GTK_WIDGET (f.window->overview_page));
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
    g_autofree char *bottom = g_strdup_printf ("overview-%s-bottom.png", variant);

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    settle ();
    save_png (GTK_WIDGET (f.window), dir, bottom);
  }
  adw_view_stack_set_visible_child_name (stack, "videos");
  settle ();
  save_png (GTK_WIDGET (f.window), dir, videos);
  adw_view_stack_set_visible_child_name (stack, "attention");
  settle ();
  save_png (GTK_WIDGET (f.window), dir, attention);

  fixture_stop (&f);
}

int
main (int   argc,
      char *argv[])
{
  if (g_strcmp0 (g_getenv ("AP_SCREENSHOT_VARIANT"), "de") == 0)
    {
      g_setenv ("LANGUAGE", "de", TRUE);
      g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
      setlocale (LC_ALL, "de_DE.UTF-8");
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (ap_get_resource ());

  if (g_strcmp0 (g_getenv ("AP_SCREENSHOT_VARIANT"), "de") == 0)
    {
      g_autofree char *catalogue_dir = g_build_filename (g_getenv ("AP_BUILD_ROOT"), "po", NULL);

      bindtextdomain (GETTEXT_PACKAGE, catalogue_dir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_add_func ("/ap/analysis-pages/overview", test_overview);
  g_test_add_func ("/ap/analysis-pages/videos-and-non-viewers", test_videos_and_non_viewers);
  g_test_add_func ("/ap/analysis-pages/attention", test_attention);
  g_test_add_func ("/ap/analysis-pages/reminder-split", test_reminder_split);
  g_test_add_func ("/ap/analysis-pages/follow-up-shown", test_follow_up_shown);
  g_test_add_func ("/ap/analysis-pages/screenshots", test_screenshots);

  return g_test_run ();
}
