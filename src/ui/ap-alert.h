/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A question or a message over a window: AdwAlertDialog where libadwaita
 * has it (1.5; AdwMessageDialog is deprecated since 1.6), AdwMessageDialog
 * on older stacks. The one place that knows which; callers hold a
 * GtkWidget and connect to its "response" signal, which has the same
 * signature on both. An alert shown once closes and frees itself. */

GtkWidget  *ap_alert_new                     (const char            *heading,
                                              const char            *body);
gboolean    ap_is_alert                      (gpointer               widget);
void        ap_alert_add_response            (GtkWidget             *alert,
                                              const char            *id,
                                              const char            *label);
void        ap_alert_set_response_appearance (GtkWidget             *alert,
                                              const char            *id,
                                              AdwResponseAppearance  appearance);
void        ap_alert_set_default_response    (GtkWidget             *alert,
                                              const char            *id);
void        ap_alert_set_close_response      (GtkWidget             *alert,
                                              const char            *id);
const char *ap_alert_get_heading             (GtkWidget             *alert);
const char *ap_alert_get_body                (GtkWidget             *alert);
void        ap_alert_set_body                (GtkWidget             *alert,
                                              const char            *body);
void        ap_alert_set_extra_child         (GtkWidget             *alert,
                                              GtkWidget             *child);
/* Over @parent's window (@parent may be any widget in it, or NULL). */
void        ap_alert_present                 (GtkWidget             *alert,
                                              GtkWidget             *parent);
/* Closes @alert without a response, as when its work is over. */
void        ap_alert_close                   (GtkWidget             *alert);

G_END_DECLS
