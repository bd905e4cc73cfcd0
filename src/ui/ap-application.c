/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-application"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-application.h"
#include "ap-cli.h"
#include "ap-history-settings.h"
#include "ap-preferences-window.h"
#include "ap-window.h"

/* The Devel build has its own application ID but shares the resources, so
 * gtk/help-overlay.ui and style.css load for both. */
#define AP_RESOURCE_BASE_PATH "/io/github/awarenessperf/AwarenessPerformance"

#define AP_WEBSITE    "https://github.com/awarenessperf/awareness-performance"
#define AP_ISSUE_URL  AP_WEBSITE "/issues"

struct _ApApplication
{
  AdwApplication parent_instance;

  gboolean       start_demo;
  gboolean       options_parsed;
};

G_DEFINE_FINAL_TYPE (ApApplication, ap_application, ADW_TYPE_APPLICATION)

static ApWindow *
ap_application_get_or_create_window (ApApplication *self,
                                     gboolean      *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  *created = FALSE;
  if (AP_IS_WINDOW (window))
    return AP_WINDOW (window);

  *created = TRUE;
  return ap_window_new (ADW_APPLICATION (self));
}

static void
ap_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  ApApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing each window lets it save its size and cancel its fetch. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
ap_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  ApApplication *self = user_data;
  static const char *developers[] = { "The Awareness Performance authors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  /* AdwAboutDialog from libadwaita 1.5 (AdwAboutWindow is deprecated since
   * 1.6); the two take the same properties. */
#if ADW_CHECK_VERSION (1, 5, 0)
  about = g_object_new (ADW_TYPE_ABOUT_DIALOG,
#else
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
#endif
                        "application-name", _("Awareness Performance"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Awareness Performance authors"),
                        "developers", developers,
                        "comments", _("Review Mimecast Awareness Training performance: who "
                                      "watched the training videos, who answered correctly and "
                                      "who did not watch at all."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", AP_WEBSITE,
                        "issue-url", AP_ISSUE_URL,
                        "copyright", "© 2026 The Awareness Performance authors",
                        "translator-credits", _("translator-credits"),
                        NULL);
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (ADW_DIALOG (about), GTK_WIDGET (parent));
#else
  gtk_window_present (GTK_WINDOW (about));
#endif
}

static void
ap_application_shortcuts_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  ApApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
ap_application_demo_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  ApApplication *self = user_data;
  gboolean created;
  ApWindow *window = ap_application_get_or_create_window (self, &created);

  ap_window_start_demo (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
ap_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  ApApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GSettings) settings = ap_history_settings_dup ();
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  ApPreferencesWindow *preferences = ap_preferences_window_new (settings, history);

  ap_preferences_window_present (preferences, GTK_WIDGET (parent));
}

static const GActionEntry app_actions[] = {
  { "quit", ap_application_quit_action },
  { "about", ap_application_about_action },
  { "shortcuts", ap_application_shortcuts_action },
  { "demo", ap_application_demo_action },
  { "preferences", ap_application_preferences_action },
};

static const struct {
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "win.fetch", { "<Control>r", "F5", NULL } },
  { "win.export", { "<Control>e", NULL } },
  { "win.print", { "<Control>p", NULL } },
  { "win.credentials", { "<Control>comma", NULL } },
  { "win.search", { "<Control>f", NULL } },
};

static int
ap_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  ApApplication *self = AP_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  int rc;

  self->options_parsed = TRUE;

  rc = ap_cli_handle_local_options (app, options);
  if (rc >= 0)
    return rc;

  if (!g_variant_dict_contains (options, "demo"))
    return -1;

  /* A running instance does not see our options: ask it for demo data. */
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (g_application_get_is_remote (app))
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "demo", NULL);
      return 0;
    }

  self->start_demo = TRUE;
  return -1;
}

/* GApplication answers an unknown option or a malformed value with exit
 * status 1, which the command line reserves for runtime failures; usage
 * errors are 2 there. handle-local-options only runs once parsing
 * succeeded, so a 1 without it was a parse error. */
static gboolean
ap_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  ApApplication *self = AP_APPLICATION (app);
  gboolean handled;

  handled = G_APPLICATION_CLASS (ap_application_parent_class)->local_command_line (app, arguments,
                                                                                  exit_status);

  if (handled && *exit_status == EXIT_FAILURE && !self->options_parsed)
    *exit_status = 2;

  return handled;
}

static void
ap_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (ap_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), app_accels[i].action,
                                           app_accels[i].accels);
}

static void
ap_application_activate (GApplication *app)
{
  ApApplication *self = AP_APPLICATION (app);
  gboolean created;
  ApWindow *window = ap_application_get_or_create_window (self, &created);

  if (self->start_demo)
    {
      self->start_demo = FALSE;
      ap_window_start_demo (window);
    }
  else if (created)
    {
      ap_window_lookup_credentials (window);
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
ap_application_class_init (ApApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->local_command_line = ap_application_local_command_line;
  app_class->handle_local_options = ap_application_handle_local_options;
  app_class->startup = ap_application_startup;
  app_class->activate = ap_application_activate;
}

static void
ap_application_init (ApApplication *self)
{
  ap_cli_add_options (G_APPLICATION (self));
}

ApApplication *
ap_application_new (void)
{
  return g_object_new (AP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", AP_RESOURCE_BASE_PATH,
                       NULL);
}
