/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-alert"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-alert.h"

/* The two classes share their API name for name, so each function is one
 * line per stack; AP_ALERT_NEW_STYLE picks the stack once. */
#if ADW_CHECK_VERSION (1, 5, 0)
# define AP_ALERT_NEW_STYLE 1
# define AP_ALERT(w) ADW_ALERT_DIALOG (w)
#else
# define AP_ALERT_NEW_STYLE 0
# define AP_ALERT(w) ADW_MESSAGE_DIALOG (w)
#endif

GtkWidget *
ap_alert_new (const char *heading,
              const char *body)
{
#if AP_ALERT_NEW_STYLE
  return GTK_WIDGET (adw_alert_dialog_new (heading, body));
#else
  return adw_message_dialog_new (NULL, heading, body);
#endif
}

gboolean
ap_is_alert (gpointer widget)
{
#if AP_ALERT_NEW_STYLE
  return ADW_IS_ALERT_DIALOG (widget);
#else
  return ADW_IS_MESSAGE_DIALOG (widget);
#endif
}

void
ap_alert_add_response (GtkWidget  *alert,
                       const char *id,
                       const char *label)
{
  g_return_if_fail (ap_is_alert (alert));

#if AP_ALERT_NEW_STYLE
  adw_alert_dialog_add_response (AP_ALERT (alert), id, label);
#else
  adw_message_dialog_add_response (AP_ALERT (alert), id, label);
#endif
}

void
ap_alert_set_response_appearance (GtkWidget             *alert,
                                  const char            *id,
                                  AdwResponseAppearance  appearance)
{
  g_return_if_fail (ap_is_alert (alert));

#if AP_ALERT_NEW_STYLE
  adw_alert_dialog_set_response_appearance (AP_ALERT (alert), id, appearance);
#else
  adw_message_dialog_set_response_appearance (AP_ALERT (alert), id, appearance);
#endif
}

void
ap_alert_set_default_response (GtkWidget  *alert,
                               const char *id)
{
  g_return_if_fail (ap_is_alert (alert));

#if AP_ALERT_NEW_STYLE
  adw_alert_dialog_set_default_response (AP_ALERT (alert), id);
#else
  adw_message_dialog_set_default_response (AP_ALERT (alert), id);
#endif
}

void
ap_alert_set_close_response (GtkWidget  *alert,
                             const char *id)
{
  g_return_if_fail (ap_is_alert (alert));

#if AP_ALERT_NEW_STYLE
  adw_alert_dialog_set_close_response (AP_ALERT (alert), id);
#else
  adw_message_dialog_set_close_response (AP_ALERT (alert), id);
#endif
}

const char *
ap_alert_get_heading (GtkWidget *alert)
{
  g_return_val_if_fail (ap_is_alert (alert), NULL);

#if AP_ALERT_NEW_STYLE
  return adw_alert_dialog_get_heading (AP_ALERT (alert));
#else
  return adw_message_dialog_get_heading (AP_ALERT (alert));
#endif
}

const char *
ap_alert_get_body (GtkWidget *alert)
{
  g_return_val_if_fail (ap_is_alert (alert), NULL);

#if AP_ALERT_NEW_STYLE
  return adw_alert_dialog_get_body (AP_ALERT (alert));
#else
  return adw_message_dialog_get_body (AP_ALERT (alert));
#endif
}

void
ap_alert_set_body (GtkWidget  *alert,
                   const char *body)
{
  g_return_if_fail (ap_is_alert (alert));

#if AP_ALERT_NEW_STYLE
  adw_alert_dialog_set_body (AP_ALERT (alert), body);
#else
  adw_message_dialog_set_body (AP_ALERT (alert), body);
#endif
}

void
ap_alert_set_extra_child (GtkWidget *alert,
                          GtkWidget *child)
{
  g_return_if_fail (ap_is_alert (alert));

#if AP_ALERT_NEW_STYLE
  adw_alert_dialog_set_extra_child (AP_ALERT (alert), child);
#else
  adw_message_dialog_set_extra_child (AP_ALERT (alert), child);
#endif
}

void
ap_alert_present (GtkWidget *alert,
                  GtkWidget *parent)
{
  g_return_if_fail (ap_is_alert (alert));
  g_return_if_fail (parent == NULL || GTK_IS_WIDGET (parent));

#if AP_ALERT_NEW_STYLE
  adw_dialog_present (ADW_DIALOG (alert), parent);
#else
  if (parent != NULL && GTK_IS_WINDOW (gtk_widget_get_root (parent)))
    gtk_window_set_transient_for (GTK_WINDOW (alert), GTK_WINDOW (gtk_widget_get_root (parent)));
  gtk_window_present (GTK_WINDOW (alert));
#endif
}

void
ap_alert_close (GtkWidget *alert)
{
  g_return_if_fail (ap_is_alert (alert));

#if AP_ALERT_NEW_STYLE
  adw_dialog_force_close (ADW_DIALOG (alert));
#else
  gtk_window_destroy (GTK_WINDOW (alert));
#endif
}
