/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-preferences-window"

#include "config.h"

#include <adwaita.h>

#include "ap-preferences-window.h"
#include "ap-resources.h"

#include "../ap-test-alert.h"
#include "../ap-test-util.h"
#include "../report/report-test-util.h"

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type,
              guint      nth)
{
  guint seen = 0;
  GtkWidget *stack[512];
  guint depth = 0;

  stack[depth++] = widget;
  while (depth > 0)
    {
      GtkWidget *w = stack[--depth];

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && seen++ == nth)
        return w;
      for (GtkWidget *c = gtk_widget_get_last_child (w); c != NULL && depth < 512;
           c = gtk_widget_get_prev_sibling (c))
        stack[depth++] = c;
    }
  return NULL;
}

static gboolean
forgotten (gpointer data)
{
  ApHistory *history = data;
  g_autoptr(GPtrArray) list = ap_history_list_snapshots (history, NULL, NULL);

  return list != NULL && list->len == 0;
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(gint64 *) user_data = ap_history_saver_commit_finish (AP_HISTORY_SAVER (object), result, NULL);
}

static gboolean
id_set (gpointer data)
{
  return *(gint64 *) data != 0;
}

static void
test_settings_and_forget (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ap-preferences-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autoptr(ApHistory) history = ap_history_new (path);
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  ApPreferencesWindow *window;
  GtkSwitch *toggle;
  GtkSpinButton *snapshots, *days;
  gint64 id = 0;

  /* One snapshot to forget. */
  g_ptr_array_add (users, ap_user_new ("Ann", "ann@example.com", "Finance", 1, 2, 3));
  {
    g_autoptr(ApHistorySaver) saver = ap_history_saver_new (history, "https://x.example", query, 0);
    ap_history_saver_add_users (saver, users);
    ap_history_saver_commit_async (saver, NULL, save_done, &id);
    g_assert_true (spin_until (id_set, &id, 10000));
  }
  g_assert_cmpint (id, >, 0);

  window = g_object_ref_sink (ap_preferences_window_new (settings, history));
  ap_preferences_window_present (window, NULL);

  toggle = GTK_SWITCH (find_by_type (GTK_WIDGET (window), GTK_TYPE_SWITCH, 0));
  snapshots = GTK_SPIN_BUTTON (find_by_type (GTK_WIDGET (window), GTK_TYPE_SPIN_BUTTON, 0));
  days = GTK_SPIN_BUTTON (find_by_type (GTK_WIDGET (window), GTK_TYPE_SPIN_BUTTON, 1));
  g_assert_true (gtk_switch_get_active (toggle));
  g_assert_cmpfloat (gtk_spin_button_get_value (snapshots), ==, 100);
  g_assert_cmpfloat (gtk_spin_button_get_value (days), ==, 0);

  /* The rows write the settings. */
  gtk_switch_set_active (toggle, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "history-enabled"));
  gtk_spin_button_set_value (snapshots, 12);
  g_assert_cmpuint (g_settings_get_uint (settings, "history-max-snapshots"), ==, 12);
  gtk_spin_button_set_value (days, 90);
  g_assert_cmpuint (g_settings_get_uint (settings, "history-max-days"), ==, 90);

  /* Forget asks first: nothing is deleted until the person confirms. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "preferences.forget", NULL));
  {
    GtkWidget *alert = ap_test_find_alert ("Forget History?");

    g_assert_nonnull (alert);
    g_assert_false (forgotten (history));
    ap_test_alert_respond (alert, "forget");
  }
  g_assert_true (spin_until (forgotten, history, 10000));

  g_settings_reset (settings, "history-enabled");
  g_settings_reset (settings, "history-max-snapshots");
  g_settings_reset (settings, "history-max-days");
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_force_close (ADW_DIALOG (window));
#else
  gtk_window_destroy (GTK_WINDOW (window));
#endif
  g_object_unref (window);
  report_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Links the resource's object file, whose constructor registers it. */
  g_assert_nonnull (ap_get_resource ());

  g_test_add_func ("/ap/preferences-window/settings-and-forget", test_settings_and_forget);

  return g_test_run ();
}
