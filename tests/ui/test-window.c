/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ap-error.h"
#include "ap-mock-server.h"
#include "ap-offscreen.h"
#include "ap-text-cell.h"
#include "ap-users-view-private.h"
#include "ap-window-private.h"

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
  guint         fetches_before;
  guint         n_rows_before;
} Fixture;

static gboolean
models_settled (gpointer data)
{
  Fixture *f = data;
  ApUsersView *view = ap_window_get_users_view (f->window);

  return ap_users_view_get_pending (view) == 0;
}

static gboolean
fetch_finished (gpointer data)
{
  Fixture *f = data;

  return ap_window_get_n_fetches_done (f->window) > f->fetches_before &&
         !ap_window_is_fetching (f->window) &&
         models_settled (f);
}

static void
wait_for_fetch (Fixture *f)
{
  g_assert_true (spin_until (fetch_finished, f, WAIT_MS));
  f->fetches_before = ap_window_get_n_fetches_done (f->window);
}

static void
fixture_start (Fixture *f,
               ApMockFault fault)
{
  f->mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f->mock, N_USERS, N_DEPARTMENTS, N_RECORDS, SEED);
  if (fault != AP_MOCK_FAULT_NONE)
    ap_mock_server_add_fault (f->mock, fault, 0, 0);

  f->window = ap_window_new (NULL);
  g_object_ref_sink (f->window);
  gtk_window_present (GTK_WINDOW (f->window));

  ap_window_start_demo_with_server (f->window, f->mock);
  wait_for_fetch (f);
}

static void
fixture_stop (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->mock);
}

static GListModel *
shown_users (Fixture *f)
{
  return G_LIST_MODEL (ap_users_view_get_selection (ap_window_get_users_view (f->window)));
}

static gboolean
rows_narrowed (gpointer data)
{
  Fixture *f = data;

  return models_settled (f) && g_list_model_get_n_items (shown_users (f)) < f->n_rows_before;
}

static guint
expected_rows (Fixture *f)
{
  g_autofree char *body = ap_mock_server_dup_last_request_body (f->mock);

  g_assert_nonnull (body);
  return ap_mock_server_count_matching (f->mock, body);
}

static void
test_demo_rows (void)
{
  Fixture f = { 0 };
  guint expected;

  fixture_start (&f, AP_MOCK_FAULT_NONE);

  g_assert_null (ap_window_get_shown_error (f.window));
  expected = expected_rows (&f);
  g_assert_cmpuint (expected, ==, N_USERS);
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, expected);
  g_assert_nonnull (strstr (ap_users_view_get_status_text (ap_window_get_users_view (f.window)),
                            "of 120 users"));

  fixture_stop (&f);
}

static void
assert_sorted_by_not_watched (GListModel *model,
                              gboolean    descending)
{
  guint n = g_list_model_get_n_items (model);
  guint previous = descending ? G_MAXUINT : 0;
  gboolean saw_difference = FALSE;

  g_assert_cmpuint (n, >, 1);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (model, i);
      guint value = ap_user_get_num_not_watched (user);

      if (descending)
        g_assert_cmpuint (value, <=, previous);
      else
        g_assert_cmpuint (value, >=, previous);
      if (i > 0 && value != previous)
        saw_difference = TRUE;
      previous = value;
    }

  /* Sorting a column of equal values would prove nothing. */
  g_assert_true (saw_difference);
}

static void
test_sort_not_watched (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *sort_column = NULL;
  Fixture f = { 0 };
  ApUsersView *view;
  GtkColumnViewColumn *column;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  view = ap_window_get_users_view (f.window);
  column = ap_users_view_get_column (view, "not-watched");
  g_assert_nonnull (column);

  gtk_column_view_sort_by_column (ap_users_view_get_column_view (view), column,
                                  GTK_SORT_DESCENDING);
  g_assert_true (spin_until (models_settled, &f, WAIT_MS));
  assert_sorted_by_not_watched (shown_users (&f), TRUE);

  /* The choice is remembered for the next start. */
  settings = g_settings_new (BASE_APPLICATION_ID);
  sort_column = g_settings_get_string (settings, "sort-column");
  g_assert_cmpstr (sort_column, ==, "not-watched");
  g_assert_true (g_settings_get_boolean (settings, "sort-descending"));

  gtk_column_view_sort_by_column (ap_users_view_get_column_view (view), column,
                                  GTK_SORT_ASCENDING);
  g_assert_true (spin_until (models_settled, &f, WAIT_MS));
  assert_sorted_by_not_watched (shown_users (&f), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "sort-descending"));

  g_settings_reset (settings, "sort-column");
  g_settings_reset (settings, "sort-descending");

  fixture_stop (&f);
}

static gboolean
user_matches (ApUser     *user,
              const char *needle)
{
  const char *fields[] = {
    ap_user_get_name (user), ap_user_get_email (user), ap_user_get_department (user),
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = g_utf8_casefold (fields[i], -1);

      if (strstr (folded, needle) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_local_search (void)
{
  Fixture f = { 0 };
  ApUsersView *view;
  GListModel *model;
  g_autoptr(ApUser) first = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *typed = NULL;
  guint n_total, n_expected = 0;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  view = ap_window_get_users_view (f.window);
  model = shown_users (&f);
  n_total = g_list_model_get_n_items (model);

  /* Search for the local part of someone's email, typed in upper case. */
  first = g_list_model_get_item (model, 0);
  needle = g_strndup (ap_user_get_email (first), strcspn (ap_user_get_email (first), "@"));
  typed = g_utf8_strup (needle, -1);
  g_free (needle);
  needle = g_utf8_casefold (typed, -1);

  for (guint i = 0; i < n_total; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (model, i);

      if (user_matches (user, needle))
        n_expected++;
    }
  g_assert_cmpuint (n_expected, >, 0);
  g_assert_cmpuint (n_expected, <, n_total);

  gtk_editable_set_text (ap_users_view_get_search_entry (view), typed);
  /* GtkSearchEntry reports changes after a short delay. */
  f.n_rows_before = n_total;
  g_assert_true (spin_until (rows_narrowed, &f, WAIT_MS));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (model, i);

      g_assert_true (user_matches (user, needle));
    }

  fixture_stop (&f);
}

static gboolean
records_shown (gpointer data)
{
  Fixture *f = data;
  ApUserDetail *detail = ap_window_get_user_detail (f->window);

  return ap_user_detail_get_user (detail) != NULL;
}

static void
test_select_user (void)
{
  Fixture f = { 0 };
  ApUsersView *view;
  ApUserDetail *detail;
  GListModel *records;
  ApUser *selected = NULL;
  guint n = 0;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  view = ap_window_get_users_view (f.window);
  detail = ap_window_get_user_detail (f.window);
  g_assert_cmpstr (ap_user_detail_get_visible_page (detail), ==, "empty");

  /* Pick someone with records so the records view has rows to show. */
  for (guint i = 0; i < g_list_model_get_n_items (shown_users (&f)); i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown_users (&f), i);

      if (ap_user_get_n_records (user) > 0)
        {
          gtk_single_selection_set_selected (ap_users_view_get_selection (view), i);
          break;
        }
    }
  g_assert_true (spin_until (records_shown, &f, WAIT_MS));

  selected = ap_users_view_get_selected_user (view);
  g_assert_nonnull (selected);
  g_assert_true (ap_user_get_has_details (selected));
  g_assert_true (ap_user_detail_get_user (detail) == selected);
  g_assert_cmpstr (ap_user_detail_get_visible_page (detail), ==, "records");

  records = G_LIST_MODEL (gtk_column_view_get_model (ap_user_detail_get_records_view (detail)));
  n = g_list_model_get_n_items (records);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, ==, ap_user_get_n_records (selected));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ApTrainingRecord) record = g_list_model_get_item (records, i);

      g_assert_true (AP_IS_TRAINING_RECORD (record));
    }

  /* Unselecting empties the detail again. */
  gtk_single_selection_set_selected (ap_users_view_get_selection (view),
                                     GTK_INVALID_LIST_POSITION);
  g_assert_null (ap_user_detail_get_user (detail));
  g_assert_cmpstr (ap_user_detail_get_visible_page (detail), ==, "empty");

  fixture_stop (&f);
}

static void
test_without_details (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  Fixture f = { 0 };
  ApUsersView *view;
  ApUserDetail *detail;

  g_settings_set_boolean (settings, "include-details", FALSE);
  fixture_start (&f, AP_MOCK_FAULT_NONE);
  g_settings_reset (settings, "include-details");

  view = ap_window_get_users_view (f.window);
  detail = ap_window_get_user_detail (f.window);
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, expected_rows (&f));

  gtk_single_selection_set_selected (ap_users_view_get_selection (view), 0);
  g_assert_true (spin_until (records_shown, &f, WAIT_MS));
  g_assert_false (ap_user_get_has_details (ap_user_detail_get_user (detail)));
  g_assert_cmpstr (ap_user_detail_get_visible_page (detail), ==, "no-details");

  /* "Refresh with Details" asks again, with details this time. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch-with-details",
                                             NULL));
  wait_for_fetch (&f);
  gtk_single_selection_set_selected (ap_users_view_get_selection (view), 0);
  g_assert_true (spin_until (records_shown, &f, WAIT_MS));
  g_assert_true (ap_user_get_has_details (ap_user_detail_get_user (detail)));

  fixture_stop (&f);
}

static void
test_unauthorized (void)
{
  Fixture f = { 0 };
  const GError *error;

  fixture_start (&f, AP_MOCK_FAULT_UNAUTHORIZED);

  error = ap_window_get_shown_error (f.window);
  g_assert_nonnull (error);
  g_assert_true (ap_error_is_credentials (error));
  g_assert_cmpstr (ap_window_get_error_action (f.window), ==, "win.credentials");
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, 0);

  fixture_stop (&f);
}

static void
test_failure_keeps_rows (void)
{
  Fixture f = { 0 };
  const GError *error;
  guint n;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  n = g_list_model_get_n_items (shown_users (&f));
  g_assert_cmpuint (n, ==, N_USERS);

  ap_mock_server_add_fault (f.mock, AP_MOCK_FAULT_FORBIDDEN, 0, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  wait_for_fetch (&f);

  error = ap_window_get_shown_error (f.window);
  g_assert_error (error, AP_ERROR, AP_ERROR_FORBIDDEN);
  /* Over the rows, in the banner, with Retry: editing keys does not add a permission. */
  g_assert_true (gtk_revealer_get_reveal_child (f.window->error_revealer));
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "data");
  g_assert_cmpstr (ap_window_get_error_action (f.window), ==, "win.fetch");
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, n);

  fixture_stop (&f);
}

static void
test_cancel (void)
{
  Fixture f = { 0 };
  AdwToast *toast;

  fixture_start (&f, AP_MOCK_FAULT_NONE);

  /* Slow replies leave time to press Escape. */
  ap_mock_server_add_fault (f.mock, AP_MOCK_FAULT_LATENCY, 2000, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  g_assert_true (ap_window_is_fetching (f.window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.cancel", NULL));
  wait_for_fetch (&f);

  g_assert_null (ap_window_get_shown_error (f.window));
  toast = ap_window_get_last_toast (f.window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Refresh cancelled");
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, N_USERS);

  fixture_stop (&f);
}

static void
test_department_filter (void)
{
  Fixture f = { 0 };
  ApUsersView *view;
  g_autoptr(ApUser) first = NULL;
  g_autofree char *department = NULL;
  guint n_total, n_expected = 0;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  view = ap_window_get_users_view (f.window);
  n_total = g_list_model_get_n_items (shown_users (&f));

  first = g_list_model_get_item (shown_users (&f), 0);
  department = g_strdup (ap_user_get_department (first));
  for (guint i = 0; i < n_total; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown_users (&f), i);

      if (g_strcmp0 (ap_user_get_department (user), department) == 0)
        n_expected++;
    }
  g_assert_cmpuint (n_expected, <, n_total);

  /* What the Overview's department-activated leads to. */
  ap_users_view_set_department (view, department);
  g_assert_true (spin_until (models_settled, &f, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (shown_users (&f), i);

      g_assert_cmpstr (ap_user_get_department (user), ==, department);
    }

  ap_users_view_set_department (view, NULL);
  g_assert_true (spin_until (models_settled, &f, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, n_total);

  fixture_stop (&f);
}

static void
test_invalid_query (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autoptr(ApMockServer) mock = ap_mock_server_new ();
  g_autoptr(ApWindow) window = NULL;
  const char * const no_ids[] = { NULL };

  /* Custom attribute without an attribute ID: refused before any request. */
  g_settings_set_string (settings, "search-field", "customAttribute");
  g_settings_set_string (settings, "search-text", "x");
  g_settings_set_strv (settings, "attribute-ids", no_ids);

  ap_mock_server_set_dataset (mock, N_USERS, N_DEPARTMENTS, N_RECORDS, SEED);
  window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  ap_window_start_demo_with_server (window, mock);

  g_assert_false (ap_query_bar_get_valid (window->query_bar));
  g_assert_false (ap_window_is_fetching (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.fetch", NULL);
  g_assert_false (ap_window_is_fetching (window));
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), ==, 0);

  g_settings_reset (settings, "search-field");
  g_settings_reset (settings, "search-text");
  g_settings_reset (settings, "attribute-ids");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
rate_limit_shown (gpointer data)
{
  Fixture *f = data;

  return g_str_has_prefix (gtk_label_get_label (f->window->progress_label),
                           "Rate limited, retrying in ");
}

static void
test_rate_limited (void)
{
  Fixture f = { 0 };

  fixture_start (&f, AP_MOCK_FAULT_NONE);

  /* One 429 asking for 1.5 s: the wait is shown, then the fetch goes on. */
  ap_mock_server_add_fault (f.mock, AP_MOCK_FAULT_RATE_LIMIT, 1, 1500);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  g_assert_true (spin_until (rate_limit_shown, &f, WAIT_MS));
  g_assert_true (gtk_revealer_get_reveal_child (f.window->progress_revealer));
  wait_for_fetch (&f);

  g_assert_null (ap_window_get_shown_error (f.window));
  g_assert_false (gtk_revealer_get_reveal_child (f.window->progress_revealer));
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, N_USERS);

  fixture_stop (&f);
}


static gboolean
error_shown (gpointer data)
{
  Fixture *f = data;

  return !ap_window_is_fetching (f->window) && ap_window_get_shown_error (f->window) != NULL;
}

static gboolean
never_said_connection_lost (Fixture *f)
{
  const char *progress = gtk_label_get_label (f->window->progress_label);

  return strstr (progress, "retrying") == NULL && strstr (progress, "lost") == NULL;
}

/* A wrong port on the first launch: no spinner forever, no "connection
 * lost", no "No Results Yet", but a status page in plain words with the
 * fix as its button. */
static void
test_refused_first_load (void)
{
  Fixture f = { 0 };
  const GError *error;
  const char *message;

  f.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f.mock, N_USERS, N_DEPARTMENTS, N_RECORDS, SEED);
  g_assert_true (ap_mock_server_start (f.mock, 0, NULL));
  /* Stopped, it keeps its port: nobody listens there any more. */
  ap_mock_server_stop (f.mock);

  f.window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_present (GTK_WINDOW (f.window));
  ap_window_start_demo_with_server (f.window, f.mock);
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "first-load");
  g_assert_true (gtk_spinner_get_spinning (f.window->first_load_spinner));

  g_assert_true (spin_until (error_shown, &f, WAIT_MS));
  error = ap_window_get_shown_error (f.window);
  g_assert_error (error, AP_ERROR, AP_ERROR_CONNECTION_REFUSED);
  g_assert_true (never_said_connection_lost (&f));

  /* Said once, on the status page, not again in a banner above it. */
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "failed");
  g_assert_false (gtk_revealer_get_reveal_child (f.window->error_revealer));
  g_assert_cmpstr (adw_status_page_get_title (f.window->failed_page), ==, "Could Not Connect");
  message = adw_status_page_get_description (f.window->failed_page);
  g_assert_cmpstr (message, ==, error->message);
  g_assert_nonnull (strstr (message, "refused"));
  g_assert_null (strstr (message, "internet"));
  g_assert_null (strstr (message, "tried"));
  g_assert_true (strstr (message, "127.0.0.1") == g_strrstr (message, "127.0.0.1"));

  /* Editing the base URL is the fix; Retry is there too. */
  g_assert_cmpstr (ap_window_get_error_action (f.window), ==, "win.credentials");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.window->failed_edit_button)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.window->failed_retry_button)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f.window->failed_edit_button),
                                           "suggested-action"));

  fixture_stop (&f);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

/* A refresh that fails, on the first page or half way, leaves the rows on
 * screen untouched and says so over them. */
static void
check_refresh_failure_keeps_rows (Fixture     *f,
                                  int          expected)
{
  g_autoptr(ApUser) first = g_list_model_get_item (shown_users (f), 0);
  guint n = g_list_model_get_n_items (shown_users (f));
  guint changes = 0;
  gulong id;

  id = g_signal_connect (f->window->store, "items-changed", G_CALLBACK (count_items_changed),
                         &changes);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.fetch", NULL));
  g_assert_cmpstr (ap_window_get_content_page (f->window), ==, "data");
  wait_for_fetch (f);
  g_signal_handler_disconnect (f->window->store, id);

  g_assert_error (ap_window_get_shown_error (f->window), AP_ERROR, expected);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (f)), ==, n);
  g_assert_true (g_list_model_get_item (shown_users (f), 0) == (gpointer) first);
  g_object_unref (first);
  g_assert_cmpstr (ap_window_get_content_page (f->window), ==, "data");
  g_assert_true (gtk_revealer_get_reveal_child (f->window->error_revealer));
  g_assert_cmpstr (gtk_label_get_label (f->window->error_label), ==,
                   ap_window_get_shown_error (f->window)->message);
}

static void
test_refused_keeps_rows (void)
{
  Fixture f = { 0 };

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  ap_mock_server_stop (f.mock);
  check_refresh_failure_keeps_rows (&f, AP_ERROR_CONNECTION_REFUSED);
  g_assert_true (never_said_connection_lost (&f));
  g_assert_cmpstr (ap_window_get_error_action (f.window), ==, "win.credentials");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.window->error_retry_button)));

  fixture_stop (&f);
}

static void
test_half_way_failure_keeps_rows (void)
{
  Fixture f = { 0 };

  /* Three pages of 500: the second one breaks after the first has arrived. */
  f.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f.mock, 1200, N_DEPARTMENTS, 1, SEED);
  f.window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_present (GTK_WINDOW (f.window));
  ap_window_start_demo_with_server (f.window, f.mock);
  wait_for_fetch (&f);
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, 1200);

  ap_mock_server_add_fault (f.mock, AP_MOCK_FAULT_MALFORMED_JSON, 2, 0);
  check_refresh_failure_keeps_rows (&f, AP_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (ap_window_get_error_action (f.window), ==, "win.fetch");

  /* Retry, with the server mended: the new rows replace the old at once. */
  ap_mock_server_clear_faults (f.mock);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  wait_for_fetch (&f);
  g_assert_null (ap_window_get_shown_error (f.window));
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, 1200);

  fixture_stop (&f);
}

static gboolean
table_laid_out (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_width (GTK_WIDGET (ap_users_view_get_column_view (f->window->users_view))) > 0;
}

/* No change of the window's pages is still being drawn: what a person
 * sees while the first load runs. */
static gboolean
content_shown (gpointer data)
{
  Fixture *f = data;

  return !gtk_stack_get_transition_running (f->window->main_stack);
}

static gboolean
fixture_mapped (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_mapped (GTK_WIDGET (f->window));
}

typedef struct
{
  Fixture *f;
  GArray  *frames;   /* FramePainted: what each frame showed */
} PaintLog;

typedef struct
{
  gboolean covered;  /* the first load's status page */
  guint    rows;     /* rows the list shows */
  guint    cells;    /* cells the table has built */
} FramePainted;

static guint
count_text_cells (GtkWidget *widget)
{
  guint n = AP_IS_TEXT_CELL (widget) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_text_cells (child);
  return n;
}

static void
on_frame_painted (GdkFrameClock *clock,
                  PaintLog      *log)
{
  FramePainted frame = {
    gtk_widget_get_visible (GTK_WIDGET (log->f->window->first_load_page)),
    g_list_model_get_n_items (shown_users (log->f)),
    count_text_cells (GTK_WIDGET (ap_users_view_get_column_view (log->f->window->users_view))),
  };

  g_array_append_val (log->frames, frame);
}

static gboolean
first_rows_painted (gpointer data)
{
  PaintLog *log = data;

  return log->frames->len > 0 && g_array_index (log->frames, FramePainted, log->frames->len - 1).rows > 0;
}

/* Starts a first load of @n_users on the users page, @latency_ms before
 * each reply, and logs what each frame painted until @until holds. */
static void
log_first_load (Fixture     *f,
                PaintLog    *log,
                guint        n_users,
                guint        latency_ms,
                GSourceFunc  until)
{
  GdkFrameClock *clock;

  f->mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f->mock, n_users, N_DEPARTMENTS, N_RECORDS, SEED);
  if (latency_ms > 0)
    ap_mock_server_add_fault (f->mock, AP_MOCK_FAULT_LATENCY, latency_ms, 0);
  f->window = g_object_ref_sink (ap_window_new (NULL));
  adw_view_stack_set_visible_child_name (f->window->view_stack, "users");
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (spin_until (fixture_mapped, f, WAIT_MS));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_frame_painted), log);

  ap_window_start_demo_with_server (f->window, f->mock);
  g_assert_true (spin_until (until, log, WAIT_MS));
  g_signal_handlers_disconnect_by_func (clock, on_frame_painted, log);
}

/* The frame that takes the status page away repaints the whole list area;
 * the first rows, and the first drawing of their glyphs, come in the frame
 * after it, so neither frame does both (issue 12). */
static void
test_first_rows_after_cover (void)
{
  Fixture f = { 0 };
  PaintLog log = { &f, g_array_new (FALSE, FALSE, sizeof (FramePainted)) };
  guint uncovered = G_MAXUINT;

  log_first_load (&f, &log, N_USERS, 300, first_rows_painted);

  for (guint i = 0; i < log.frames->len && uncovered == G_MAXUINT; i++)
    if (!g_array_index (log.frames, FramePainted, i).covered)
      uncovered = i;
  /* Covered while the first page was on its way... */
  g_assert_cmpuint (uncovered, >, 0);
  g_assert_cmpuint (uncovered, <, log.frames->len - 1);
  g_assert_cmpuint (g_array_index (log.frames, FramePainted, uncovered - 1).rows, ==, 0);
  /* ...uncovered with no rows yet, though the first page is in, and the
   * rows in a frame of their own (the next one when they were in time). */
  g_assert_cmpuint (g_array_index (log.frames, FramePainted, uncovered).rows, ==, 0);
  g_assert_cmpuint (g_array_index (log.frames, FramePainted, log.frames->len - 1).rows, >, 0);

  wait_for_fetch (&f);
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, N_USERS);
  g_array_unref (log.frames);
  fixture_stop (&f);
}

static gboolean
all_rows_painted (gpointer data)
{
  PaintLog *log = data;

  return log->frames->len > 0 &&
         g_array_index (log->frames, FramePainted, log->frames->len - 1).rows == 2 * AP_RAMP_LIST_ROWS;
}

/* A few rows a frame until the table has built every row it builds, then
 * everything: the frame that gives the list all its users, its scrollbar
 * range and its height builds no row, or each row built before would be
 * measured again in it (issue 12). */
static void
test_ramp_builds_rows_first (void)
{
  Fixture f = { 0 };
  PaintLog log = { &f, g_array_new (FALSE, FALSE, sizeof (FramePainted)) };
  guint jump = G_MAXUINT;
  guint cells_per_row;

  /* More users than the table builds rows, in one page. */
  log_first_load (&f, &log, 2 * AP_RAMP_LIST_ROWS, 0, all_rows_painted);

  for (guint i = 1; i < log.frames->len && jump == G_MAXUINT; i++)
    if (g_array_index (log.frames, FramePainted, i).rows > AP_RAMP_LIST_ROWS)
      jump = i;
  g_assert_cmpuint (jump, <, log.frames->len);
  /* The frame before had every row the table builds... */
  g_assert_cmpuint (g_array_index (log.frames, FramePainted, jump - 1).rows, ==, AP_RAMP_LIST_ROWS);
  cells_per_row = g_array_index (log.frames, FramePainted, jump - 1).cells / AP_RAMP_LIST_ROWS;
  g_assert_cmpuint (cells_per_row, >=, 6);
  g_assert_cmpuint (g_array_index (log.frames, FramePainted, jump - 1).cells, ==,
                    cells_per_row * AP_RAMP_LIST_ROWS);
  /* ...and the one that let everything in built none. */
  g_assert_cmpuint (g_array_index (log.frames, FramePainted, jump).cells, ==,
                    g_array_index (log.frames, FramePainted, jump - 1).cells);
  /* On the way there, a few rows a frame. */
  for (guint i = 1; i < jump; i++)
    g_assert_cmpuint (g_array_index (log.frames, FramePainted, i).rows, <=,
                      g_array_index (log.frames, FramePainted, i - 1).rows + 5);

  wait_for_fetch (&f);
  g_array_unref (log.frames);
  fixture_stop (&f);
}

static gboolean
progress_hidden (gpointer data)
{
  Fixture *f = data;

  return !gtk_revealer_get_child_revealed (f->window->progress_revealer);
}

/* Nothing slides or fades while a first load brings its first rows: each
 * frame of a slide or a crossfade over the content repaints all of it.
 * The window's pages change at once, the demo banner and the progress
 * strip come with the page; over rows that stay, the strip still slides. */
#if !ADW_CHECK_VERSION (1, 4, 0)
static gboolean
switcher_shown (gpointer data)
{
  return !adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (data));
}
#endif

static void
test_first_load_still (void)
{
  Fixture f = { 0 };

  f.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f.mock, N_USERS, N_DEPARTMENTS, N_RECORDS, SEED);
  ap_mock_server_add_fault (f.mock, AP_MOCK_FAULT_LATENCY, 300, 0);
  f.window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_present (GTK_WINDOW (f.window));
  /* Mapped, so revealers and stacks would animate. */
  g_assert_true (spin_until (fixture_mapped, &f, WAIT_MS));
  /* The state the window starts in, whatever the keyring has said since. */
  ap_stack_show_page (f.window->main_stack, "loading");

  ap_window_start_demo_with_server (f.window, f.mock);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f.window->main_stack), ==, "content");
  g_assert_false (gtk_stack_get_transition_running (f.window->main_stack));
#if !ADW_CHECK_VERSION (1, 4, 0)
  /* The view switcher takes the title's place at once: the switcher
   * title's squeezer crossfaded the whole header bar for 16 frames. */
  {
    GtkWidget *switcher_title = gtk_widget_get_first_child (GTK_WIDGET (f.window->view_title));
    GtkWidget *squeezer = gtk_widget_get_first_child (switcher_title);

    g_assert_true (ADW_IS_SQUEEZER (squeezer));
    g_assert_cmpint (adw_squeezer_get_transition_type (ADW_SQUEEZER (squeezer)), ==,
                     ADW_SQUEEZER_TRANSITION_TYPE_NONE);
    /* It picks the switcher when next allocated. */
    g_assert_true (spin_until (switcher_shown, switcher_title, WAIT_MS));
  }
#endif
  g_assert_true (gtk_revealer_get_child_revealed (f.window->demo_revealer));
  g_assert_true (gtk_revealer_get_child_revealed (f.window->progress_revealer));
  /* Each still slides as before once the load is over. */
  g_assert_cmpuint (gtk_revealer_get_transition_duration (f.window->demo_revealer), >, 0);
  g_assert_cmpuint (gtk_revealer_get_transition_duration (f.window->progress_revealer), >, 0);
  wait_for_fetch (&f);
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, N_USERS);

  /* A refresh over the rows: the strip, gone by then, slides in above them. */
  g_assert_true (spin_until (progress_hidden, &f, WAIT_MS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  g_assert_true (gtk_revealer_get_reveal_child (f.window->progress_revealer));
  g_assert_false (gtk_revealer_get_child_revealed (f.window->progress_revealer));
  wait_for_fetch (&f);

  /* From the welcome page (Explore Demo Data, or credentials entered) too. */
  ap_stack_show_page (f.window->main_stack, "welcome");
  _ap_window_show_page (f.window, "content");
  g_assert_false (gtk_stack_get_transition_running (f.window->main_stack));

  fixture_stop (&f);
}

/* Every stack of the window's own shows one page, and its other pages are
 * hidden (returns the first stack that keeps one visible). Ours name their
 * pages; the stacks inside GTK's and libadwaita's widgets (switcher
 * buttons, drop-downs, the one an AdwViewStack is made of, whose pages are
 * the view buttons') do not count. */
static GtkWidget *
stack_with_unshown_page (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_STACK (widget) && !gtk_stack_get_transition_running (GTK_STACK (widget)) &&
      gtk_stack_get_visible_child_name (GTK_STACK (widget)) != NULL &&
      !ADW_IS_VIEW_STACK (gtk_widget_get_parent (widget)) &&
      gtk_widget_get_ancestor (widget, GTK_TYPE_DROP_DOWN) == NULL)
    for (child = gtk_widget_get_first_child (widget); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (gtk_widget_get_visible (child) &&
          child != gtk_stack_get_visible_child (GTK_STACK (widget)))
        return widget;

  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      /* What is not visible is not restyled, and neither is its content. */
      if (!gtk_widget_get_visible (child))
        continue;
      found = stack_with_unshown_page (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
no_unshown_page (gpointer data)
{
  Fixture *f = data;

  return stack_with_unshown_page (GTK_WIDGET (f->window)) == NULL;
}

/* GTK restyles every visible widget when styles change as a whole (at
 * launch, libadwaita's style switch; light and dark; backdrop): pages not
 * on screen are hidden so that they take no part (ap-offscreen.h). */
static void
test_unshown_pages_hidden (void)
{
  Fixture f = { 0 };
  GtkWidget *overview_content;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  adw_view_stack_set_visible_child_name (f.window->view_stack, "users");
  g_assert_true (spin_until (fixture_mapped, &f, WAIT_MS));
  g_assert_true (spin_until (no_unshown_page, &f, WAIT_MS));

  /* The views not shown: their content, not their buttons. */
  overview_content = gtk_widget_get_first_child (GTK_WIDGET (f.window->overview_page));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.window->overview_page)));
  g_assert_false (gtk_widget_get_visible (overview_content));
  for (const char *const *name = (const char *[]) { "videos", "attention", NULL }; *name; name++)
    {
      GtkWidget *page = adw_view_stack_get_child_by_name (f.window->view_stack, *name);

      g_assert_true (gtk_widget_get_visible (page));
      g_assert_false (gtk_widget_get_visible (gtk_widget_get_first_child (page)));
    }

  /* Shown, it is there at once, and the users' pages go. */
  adw_view_stack_set_visible_child_name (f.window->view_stack, "overview");
  g_assert_true (gtk_widget_get_mapped (overview_content));
  g_assert_true (spin_until (no_unshown_page, &f, WAIT_MS));
  adw_view_stack_set_visible_child_name (f.window->view_stack, "users");
  g_assert_false (gtk_widget_get_visible (overview_content));

  /* A user's detail, then none: the empty page, and the detail hidden. */
  gtk_single_selection_set_selected (ap_users_view_get_selection (ap_window_get_users_view (f.window)), 0);
  g_assert_true (spin_until (no_unshown_page, &f, WAIT_MS));
  gtk_single_selection_set_selected (ap_users_view_get_selection (ap_window_get_users_view (f.window)),
                                     GTK_INVALID_LIST_POSITION);
  g_assert_true (spin_until (no_unshown_page, &f, WAIT_MS));

  fixture_stop (&f);
}

static void
test_loading_states (void)
{
  Fixture f = { 0 };

  /* Before the keyring answers: a spinner, not an empty window. */
  f.window = g_object_ref_sink (ap_window_new (NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f.window->main_stack), ==, "loading");
  g_assert_true (GTK_IS_SPINNER (gtk_stack_get_visible_child (f.window->main_stack)));

  /* The first fetch: a spinner page until the first rows come. */
  f.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f.mock, N_USERS, N_DEPARTMENTS, N_RECORDS, SEED);
  /* Every reply 1 s late: the table is laid out long before the rows. */
  ap_mock_server_add_fault (f.mock, AP_MOCK_FAULT_LATENCY, 1000, 0);
  adw_view_stack_set_visible_child_name (f.window->view_stack, "users");
  gtk_window_present (GTK_WINDOW (f.window));
  ap_window_start_demo_with_server (f.window, f.mock);
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "first-load");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.window->first_load_page)));
  g_assert_true (gtk_spinner_get_spinning (f.window->first_load_spinner));
  /* Under it the empty table waits for the rows, built and laid out, but
   * out of reach of the pointer and the keyboard. */
  g_assert_cmpstr (ap_users_view_get_visible_page (f.window->users_view), ==, "list");
  g_assert_false (gtk_widget_get_can_focus (GTK_WIDGET (f.window->content_stack)));
  g_assert_false (gtk_widget_get_can_target (GTK_WIDGET (f.window->content_stack)));
  g_assert_true (spin_until (table_laid_out, &f, WAIT_MS));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ap_users_view_get_column_view (f.window->users_view))));
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "first-load");
  g_assert_true (spin_until (content_shown, &f, WAIT_MS));
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "first-load");
  if (g_getenv ("AP_TEST_SHOTS") != NULL)
    save_png (GTK_WIDGET (f.window), g_getenv ("AP_TEST_SHOTS"), "first-load.png");
  wait_for_fetch (&f);
  g_assert_cmpstr (ap_window_get_content_page (f.window), ==, "data");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.window->first_load_page)));
  g_assert_false (gtk_spinner_get_spinning (f.window->first_load_spinner));
  g_assert_true (gtk_widget_get_can_focus (GTK_WIDGET (f.window->content_stack)));
  g_assert_true (gtk_widget_get_can_target (GTK_WIDGET (f.window->content_stack)));
  g_assert_cmpstr (ap_users_view_get_visible_page (f.window->users_view), ==, "list");

  fixture_stop (&f);
}

static gboolean
pages_shown (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (ap_users_view_get_visible_users (ap_window_get_users_view (f->window))) >=
         f->n_rows_before;
}

/* Into an empty window the pages stream: the rows shown stay where they
 * are and later pages join the end, which the status line says; when the
 * fetch ends, everything is put in the order asked for, once. */
static void
test_streamed_first_load (void)
{
  Fixture f = { 0 };
  ApUsersView *view;
  GListModel *users;
  g_autoptr(GPtrArray) first_page = g_ptr_array_new_with_free_func (g_object_unref);
  const char *status;
  guint n;

  /* Three pages of 500, each reply 400 ms late. */
  f.mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (f.mock, 1200, N_DEPARTMENTS, 1, SEED);
  ap_mock_server_add_fault (f.mock, AP_MOCK_FAULT_LATENCY, 400, 0);
  f.window = g_object_ref_sink (ap_window_new (NULL));
  adw_view_stack_set_visible_child_name (f.window->view_stack, "users");
  gtk_window_present (GTK_WINDOW (f.window));
  view = ap_window_get_users_view (f.window);
  users = ap_users_view_get_visible_users (view);
  ap_window_start_demo_with_server (f.window, f.mock);

  f.n_rows_before = 500;
  g_assert_true (spin_until (pages_shown, &f, WAIT_MS));
  g_assert_true (ap_window_is_fetching (f.window));
  for (guint i = 0; i < 500; i++)
    g_ptr_array_add (first_page, g_list_model_get_item (users, i));
  status = ap_users_view_get_status_text (view);
  g_assert_nonnull (strstr (status, "sorted when loading ends"));
  if (g_getenv ("AP_TEST_SHOTS") != NULL)
    save_png (GTK_WIDGET (f.window), g_getenv ("AP_TEST_SHOTS"), "streaming.png");

  /* The second page: the first page's rows have not moved. */
  f.n_rows_before = 1000;
  g_assert_true (spin_until (pages_shown, &f, WAIT_MS));
  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (users, i);

      g_assert_true (user == g_ptr_array_index (first_page, i));
    }

  /* The end: every user, by Name (the default order), and the status line
   * says nothing more of an order to come. */
  wait_for_fetch (&f);
  n = g_list_model_get_n_items (users);
  g_assert_cmpuint (n, ==, 1200);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(ApUser) a = g_list_model_get_item (users, i - 1);
      g_autoptr(ApUser) b = g_list_model_get_item (users, i);

      g_assert_cmpint (g_utf8_collate (ap_user_get_name (a), ap_user_get_name (b)), <=, 0);
    }
  status = ap_users_view_get_status_text (view);
  g_assert_null (strstr (status, "sorted when loading ends"));

  fixture_stop (&f);
}

static void
on_visible_changed (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    guint      *min_items)
{
  *min_items = MIN (*min_items, g_list_model_get_n_items (model));
}

/* A refresh: the rows stay until the new users replace them, at once,
 * with no empty list in between. */
static void
test_refresh_replaces_rows (void)
{
  Fixture f = { 0 };
  GListModel *users;
  g_autoptr(ApUser) old_first = NULL;
  guint min_items = G_MAXUINT;
  guint n;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  users = ap_users_view_get_visible_users (ap_window_get_users_view (f.window));
  n = g_list_model_get_n_items (users);
  g_assert_cmpuint (n, ==, N_USERS);
  old_first = g_list_model_get_item (users, 0);
  g_signal_connect (users, "items-changed", G_CALLBACK (on_visible_changed), &min_items);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  wait_for_fetch (&f);
  g_signal_handlers_disconnect_by_func (users, on_visible_changed, &min_items);

  g_assert_cmpuint (min_items, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (users), ==, N_USERS);
  for (guint i = 0; i < N_USERS; i++)
    {
      g_autoptr(ApUser) user = g_list_model_get_item (users, i);

      g_assert_true (user != old_first);
    }

  fixture_stop (&f);
}

/* The query bar asks Mimecast; a change to it says so until Refresh, and
 * never narrows the rows on screen by itself. */
static void
test_filters_changed (void)
{
  Fixture f = { 0 };
  guint n;

  fixture_start (&f, AP_MOCK_FAULT_NONE);
  n = g_list_model_get_n_items (shown_users (&f));
  g_assert_false (ap_query_bar_get_stale (f.window->query_bar));

  ap_query_bar_set_include_details (f.window->query_bar, FALSE);
  g_assert_true (ap_query_bar_get_stale (f.window->query_bar));
  g_assert_cmpuint (g_list_model_get_n_items (shown_users (&f)), ==, n);
  g_assert_false (ap_window_is_fetching (f.window));

  /* Back to what the rows were fetched with: nothing to apply. */
  ap_query_bar_set_include_details (f.window->query_bar, TRUE);
  g_assert_false (ap_query_bar_get_stale (f.window->query_bar));

  ap_query_bar_set_include_details (f.window->query_bar, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.fetch", NULL));
  g_assert_false (ap_query_bar_get_stale (f.window->query_bar));
  wait_for_fetch (&f);
  g_assert_false (ap_query_bar_get_stale (f.window->query_bar));
  g_assert_false (ap_query_get_include_user_details (f.window->shown_query));

  ap_query_bar_set_include_details (f.window->query_bar, TRUE);
  fixture_stop (&f);
}

/* The About window's icon comes from the GResource, so it shows when the
 * app runs from the build tree, before any install. */
static void
test_icon_bundled (void)
{
  g_autoptr(GBytes) svg = NULL;

  svg = g_resources_lookup_data ("/io/github/awarenessperf/AwarenessPerformance/icons/scalable/"
                                 "apps/" APPLICATION_ID ".svg", 0, NULL);
  g_assert_nonnull (svg);
  g_assert_cmpuint (g_bytes_get_size (svg), >, 100);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_window_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autoptr(ApWindow) window = NULL;
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);

  window = g_object_ref_sink (ap_window_new (NULL));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (spin_until (window_mapped, window, WAIT_MS));

  /* Closing saves the size the person left it at. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ap/window/demo-rows", test_demo_rows);
  g_test_add_func ("/ap/window/sort-not-watched", test_sort_not_watched);
  g_test_add_func ("/ap/window/local-search", test_local_search);
  g_test_add_func ("/ap/window/department-filter", test_department_filter);
  g_test_add_func ("/ap/window/select-user", test_select_user);
  g_test_add_func ("/ap/window/invalid-query", test_invalid_query);
  g_test_add_func ("/ap/window/without-details", test_without_details);
  g_test_add_func ("/ap/window/unauthorized", test_unauthorized);
  g_test_add_func ("/ap/window/failure-keeps-rows", test_failure_keeps_rows);
  g_test_add_func ("/ap/window/cancel", test_cancel);
  g_test_add_func ("/ap/window/rate-limited", test_rate_limited);
  g_test_add_func ("/ap/window/window-size", test_window_size);
  g_test_add_func ("/ap/window/refused-first-load", test_refused_first_load);
  g_test_add_func ("/ap/window/refused-keeps-rows", test_refused_keeps_rows);
  g_test_add_func ("/ap/window/half-way-failure-keeps-rows", test_half_way_failure_keeps_rows);
  g_test_add_func ("/ap/window/loading-states", test_loading_states);
  g_test_add_func ("/ap/window/streamed-first-load", test_streamed_first_load);
  g_test_add_func ("/ap/window/first-load-still", test_first_load_still);
  g_test_add_func ("/ap/window/unshown-pages-hidden", test_unshown_pages_hidden);
  g_test_add_func ("/ap/window/first-rows-after-cover", test_first_rows_after_cover);
  g_test_add_func ("/ap/window/ramp-builds-rows-first", test_ramp_builds_rows_first);
  g_test_add_func ("/ap/window/refresh-replaces-rows", test_refresh_replaces_rows);
  g_test_add_func ("/ap/window/filters-changed", test_filters_changed);
  g_test_add_func ("/ap/window/icon-bundled", test_icon_bundled);

  return g_test_run ();
}
