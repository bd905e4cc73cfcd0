/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-credentials-dialog.h"

G_BEGIN_DECLS

/* Test hooks. Field names: "client-id", "client-secret", "custom-url"
 * (API 2.0; non-empty text also turns the custom URL on), "region" (a region
 * id or "custom"), "region-url", "access-key", "secret-key", "app-id",
 * "app-key". */
void        _ap_credentials_dialog_set_mode           (ApCredentialsDialog *self,
                                                       ApAuthMode           mode);
ApAuthMode  _ap_credentials_dialog_get_mode           (ApCredentialsDialog *self);
void        _ap_credentials_dialog_set_field          (ApCredentialsDialog *self,
                                                       const char          *field,
                                                       const char          *text);
const char *_ap_credentials_dialog_get_field          (ApCredentialsDialog *self,
                                                       const char          *field);
/* The title of a field's row (secret rows say when a stored secret is kept) */
const char *_ap_credentials_dialog_get_field_title    (ApCredentialsDialog *self,
                                                       const char          *field);
gboolean    _ap_credentials_dialog_field_has_error    (ApCredentialsDialog *self,
                                                       const char          *field);
gboolean    _ap_credentials_dialog_can_save           (ApCredentialsDialog *self);
gboolean    _ap_credentials_dialog_can_test           (ApCredentialsDialog *self);
/* The visible validation message under the group, or NULL */
const char *_ap_credentials_dialog_get_validation     (ApCredentialsDialog *self);
/* The status line (test result, save or remove error), "" when empty */
const char *_ap_credentials_dialog_get_status         (ApCredentialsDialog *self);
gboolean    _ap_credentials_dialog_get_status_is_error (ApCredentialsDialog *self);
/* TRUE while a test, save, remove or the initial keyring lookup runs */
gboolean    _ap_credentials_dialog_is_busy            (ApCredentialsDialog *self);
gboolean    _ap_credentials_dialog_has_stored         (ApCredentialsDialog *self);
void        _ap_credentials_dialog_test_connection    (ApCredentialsDialog *self);
void        _ap_credentials_dialog_save               (ApCredentialsDialog *self);
/* Removes without the confirmation dialog */
void        _ap_credentials_dialog_remove             (ApCredentialsDialog *self);

/* The field holding the keyboard focus, or NULL */
const char *_ap_credentials_dialog_get_focus_field    (ApCredentialsDialog *self);
/* The setup instructions at the top, for the chosen API version */
const char *_ap_credentials_dialog_get_intro          (ApCredentialsDialog *self);

G_END_DECLS
