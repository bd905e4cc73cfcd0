/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-credentials.h"

G_BEGIN_DECLS

/* Modal dialog to enter, test, save and remove the Mimecast credentials.
 * API 2.0 (client ID, client secret) or API 1.0 (access key, secret key,
 * application ID, application key), region list plus custom URL, inline
 * validation that disables Save and says why, "Test connection", Save into
 * the keyring (ApKeyring), Remove. Secrets masked, never prefilled in clear.
 * Reads/writes the non-secret "auth-mode" and "base-url" keys of @settings.
 *
 * Signals: "saved" (ApCredentials *credentials) after the keyring stored
 * them; "removed" after they were cleared. */
#define AP_TYPE_CREDENTIALS_DIALOG (ap_credentials_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ApCredentialsDialog, ap_credentials_dialog, AP, CREDENTIALS_DIALOG, AdwWindow)

ApCredentialsDialog *ap_credentials_dialog_new (GtkWindow *parent,
                                                GSettings *settings);

G_END_DECLS
