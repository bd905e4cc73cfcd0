/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-credentials.h"

G_BEGIN_DECLS

/* Credentials live only in the Secret Service (the Secret portal inside
 * Flatpak), under a schema named after BASE_APPLICATION_ID. Errors:
 * AP_ERROR_KEYRING_UNAVAILABLE when there is no Secret Service or no session
 * bus ("No keyring service is available; credentials were not saved" for a
 * store), AP_ERROR_KEYRING for anything else the keyring refused,
 * G_IO_ERROR_CANCELLED on cancel. Never a fallback to a file. */

void           ap_keyring_store_async   (ApCredentials       *credentials,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean       ap_keyring_store_finish  (GAsyncResult        *result,
                                         GError             **error);

/* (transfer full) NULL with AP_ERROR_NO_CREDENTIALS when nothing is stored */
void           ap_keyring_lookup_async  (GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
ApCredentials *ap_keyring_lookup_finish (GAsyncResult        *result,
                                         GError             **error);

/* TRUE also when nothing was stored */
void           ap_keyring_clear_async   (GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean       ap_keyring_clear_finish  (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
