/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-alert.h"
#include "ap-preferences-window.h"

struct _ApPreferencesWindow
{
#if ADW_CHECK_VERSION (1, 5, 0)
  AdwPreferencesDialog  parent_instance;
#else
  AdwPreferencesWindow  parent_instance;
#endif

  /* template children */
  GtkSwitch            *enabled_switch;
  GtkSpinButton        *max_days_spin;
  GtkSpinButton        *max_snapshots_spin;

  GSettings            *settings;
  ApHistory            *history;
  GCancellable         *cancellable;
  gboolean              forgetting;
};

#if ADW_CHECK_VERSION (1, 5, 0)
G_DEFINE_FINAL_TYPE (ApPreferencesWindow, ap_preferences_window, ADW_TYPE_PREFERENCES_DIALOG)
#else
G_DEFINE_FINAL_TYPE (ApPreferencesWindow, ap_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)
#endif

static void
ap_preferences_window_update_actions (ApPreferencesWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.forget",
                                 self->history != NULL && !self->forgetting);
}

static void
forget_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ApPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (!ap_history_forget_finish (AP_HISTORY (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->forgetting = FALSE;
  ap_preferences_window_update_actions (self);
  if (error != NULL)
    message = g_strdup_printf (_("The history could not be forgotten: %s"), error->message);
  toast = adw_toast_new (message != NULL ? message : _("History forgotten"));
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (self), toast);
#else
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
#endif
}

static void
on_forget_response (GtkWidget           *alert,
                    const char          *response,
                    ApPreferencesWindow *self)
{
  if (g_strcmp0 (response, "forget") != 0 || self->history == NULL)
    return;

  self->forgetting = TRUE;
  ap_preferences_window_update_actions (self);
  ap_history_forget_async (self->history, self->cancellable, forget_cb, g_object_ref (self));
}

static void
forget_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ApPreferencesWindow *self = AP_PREFERENCES_WINDOW (widget);
  GtkWidget *alert = ap_alert_new (_("Forget History?"),
                                   _("Every saved snapshot is deleted from this computer. The "
                                     "data shown now stays until the app closes; what changed "
                                     "since earlier fetches cannot be shown any more."));

  ap_alert_add_response (alert, "cancel", _("_Cancel"));
  ap_alert_add_response (alert, "forget", _("_Forget"));
  ap_alert_set_response_appearance (alert, "forget", ADW_RESPONSE_DESTRUCTIVE);
  ap_alert_set_default_response (alert, "cancel");
  ap_alert_set_close_response (alert, "cancel");
  g_signal_connect_object (alert, "response", G_CALLBACK (on_forget_response), self, 0);
  ap_alert_present (alert, GTK_WIDGET (self));
}

static void
ap_preferences_window_dispose (GObject *object)
{
  ApPreferencesWindow *self = AP_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->history);
  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (ap_preferences_window_parent_class)->dispose (object);
}

static void
ap_preferences_window_class_init (ApPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX
                                               "ap-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ApPreferencesWindow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, ApPreferencesWindow, max_days_spin);
  gtk_widget_class_bind_template_child (widget_class, ApPreferencesWindow, max_snapshots_spin);

  gtk_widget_class_install_action (widget_class, "preferences.forget", NULL, forget_action);
}

static void
ap_preferences_window_init (ApPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_set_content_width (ADW_DIALOG (self), 560);
  adw_dialog_set_content_height (ADW_DIALOG (self), 520);
#else
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 520);
#endif
}

ApPreferencesWindow *
ap_preferences_window_new (GSettings *settings,
                           ApHistory *history)
{
  ApPreferencesWindow *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (history == NULL || AP_IS_HISTORY (history), NULL);

  self = g_object_new (AP_TYPE_PREFERENCES_WINDOW, NULL);
  g_set_object (&self->history, history);
  g_set_object (&self->settings, settings);

  if (settings != NULL)
    {
      g_settings_bind (settings, "history-enabled", self->enabled_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "history-max-snapshots", self->max_snapshots_spin, "value",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "history-max-days", self->max_days_spin, "value",
                       G_SETTINGS_BIND_DEFAULT);
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->enabled_switch), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->max_snapshots_spin), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->max_days_spin), FALSE);
    }

  ap_preferences_window_update_actions (self);
  return self;
}

void
ap_preferences_window_present (ApPreferencesWindow *self,
                               GtkWidget           *parent)
{
  g_return_if_fail (AP_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (parent == NULL || GTK_IS_WIDGET (parent));

#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (ADW_DIALOG (self), parent);
#else
  if (parent != NULL && GTK_IS_WINDOW (gtk_widget_get_root (parent)))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (gtk_widget_get_root (parent)));
  gtk_window_present (GTK_WINDOW (self));
#endif
}
