/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-credentials-dialog.h"

G_BEGIN_DECLS

/* Shared by the dialog's two files. Tests use none of it: they go through
 * the template's widgets (gtk_widget_get_template_child ()), as a person
 * goes through what they show. */

typedef enum
{
  AP_CREDENTIALS_STATUS_NONE,
  AP_CREDENTIALS_STATUS_BUSY,
  AP_CREDENTIALS_STATUS_SUCCESS,
  AP_CREDENTIALS_STATUS_INFO,
  AP_CREDENTIALS_STATUS_ERROR,
} ApCredentialsStatus;

struct _ApCredentialsDialog
{
  AdwWindow          parent_instance;

  GSettings         *settings;
  GCancellable      *cancellable;
  /* What the keyring holds; its secrets are kept when a secret field is
   * left empty, and never shown */
  ApCredentials     *stored;
  GtkStringList     *region_model;

  guint              busy : 1;
  guint              lookup_pending : 1;
  guint              status_is_test : 1;
  guint              applying_stored : 1;
  AdwEntryRow       *focus_row;          /* where placing the focus last put it */

  AdwEntryRow       *access_key_row;
  GtkLabel          *api1_error_label;
  AdwPreferencesGroup *api1_group;
  GtkLabel          *api2_error_label;
  AdwPreferencesGroup *api2_group;
  AdwEntryRow       *app_id_row;
  AdwEntryRow       *app_key_row;
  AdwEntryRow       *client_id_row;
  AdwEntryRow       *client_secret_row;
  AdwExpanderRow    *custom_url_expander;
  AdwEntryRow       *custom_url_row;
  AdwPreferencesGroup *intro_group;
  AdwComboRow       *mode_row;
  AdwComboRow       *region_row;
  AdwEntryRow       *region_url_row;
  AdwPreferencesGroup *remove_group;
  GtkButton         *save_button;
  AdwEntryRow       *secret_key_row;
  GtkSpinner        *spinner;
  GtkImage          *status_icon;
  GtkLabel          *status_label;
  GtkButton         *test_button;
};

/* ap-credentials-dialog.c: the form */
void           ap_credentials_dialog_validate             (ApCredentialsDialog *self);
/* The line under the buttons; announced to screen readers */
void           ap_credentials_dialog_set_status           (ApCredentialsDialog *self,
                                                           ApCredentialsStatus  kind,
                                                           const char          *text);
void           ap_credentials_dialog_set_busy             (ApCredentialsDialog *self,
                                                           gboolean             busy);
/* Cancels the test, save or remove under way */
void           ap_credentials_dialog_cancel_pending       (ApCredentialsDialog *self);
/* The credentials the fields describe, stored secrets standing in for
 * empty secret fields. (transfer full) */
ApCredentials *ap_credentials_dialog_build_credentials    (ApCredentialsDialog *self);
/* Empties every field but the custom URL */
void           ap_credentials_dialog_clear_fields         (ApCredentialsDialog *self);
/* Secret rows say when a stored secret is kept */
void           ap_credentials_dialog_update_secret_titles (ApCredentialsDialog *self);
void           ap_credentials_dialog_place_focus          (ApCredentialsDialog *self);
/* The region (API 1.0) or the custom URL (API 2.0) for @base_url */
void           ap_credentials_dialog_show_base_url        (ApCredentialsDialog *self,
                                                           ApAuthMode           mode,
                                                           const char          *base_url);

/* ap-credentials-dialog-actions.c: the keyring and the service */
/* Fills the form from the keyring once it answers */
void           ap_credentials_dialog_look_up              (ApCredentialsDialog *self);
/* Test, Save and Remove, the template's callbacks */
void           ap_credentials_dialog_bind_actions         (GtkWidgetClass      *widget_class);

G_END_DECLS
