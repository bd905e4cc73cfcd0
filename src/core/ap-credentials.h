/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AP_API2_DEFAULT_BASE_URL "https://api.services.mimecast.com"

typedef enum
{
  AP_AUTH_MODE_API2,   /* OAuth 2.0 client credentials (current) */
  AP_AUTH_MODE_API1,   /* HMAC-SHA1 signed requests (legacy, regional base URLs) */
} ApAuthMode;

typedef struct
{
  const char *id;      /* "eu", "de", "us", "ca", "za", "au" */
  const char *label;   /* translatable, e.g. N_("Europe") */
  const char *base_url;/* "https://eu-api.mimecast.com" */
} ApRegion;

#define AP_TYPE_CREDENTIALS (ap_credentials_get_type ())
G_DECLARE_FINAL_TYPE (ApCredentials, ap_credentials, AP, CREDENTIALS, GObject)

/* Immutable once made. base_url NULL means AP_API2_DEFAULT_BASE_URL; a
 * trailing slash is removed. No validation happens here: call
 * ap_credentials_validate(). */
ApCredentials  *ap_credentials_new_api2          (const char     *base_url,
                                                  const char     *client_id,
                                                  const char     *client_secret);
ApCredentials  *ap_credentials_new_api1          (const char     *base_url,
                                                  const char     *access_key,
                                                  const char     *secret_key,
                                                  const char     *app_id,
                                                  const char     *app_key);

/* MIMECAST_BASE_URL plus either MIMECAST_ACCESS_KEY, MIMECAST_SECRET_KEY,
 * MIMECAST_APP_ID, MIMECAST_APP_KEY (API 1.0) or MIMECAST_CLIENT_ID,
 * MIMECAST_CLIENT_SECRET (API 2.0). Returns NULL without error when none of
 * these is set; NULL with AP_ERROR_INVALID_CREDENTIALS when the set is
 * incomplete (naming the missing variable). (transfer full) (nullable) */
ApCredentials  *ap_credentials_new_from_environment (GError      **error);

ApAuthMode      ap_credentials_get_mode          (ApCredentials  *self);
const char     *ap_credentials_get_base_url      (ApCredentials  *self);
const char     *ap_credentials_get_client_id     (ApCredentials  *self);
const char     *ap_credentials_get_client_secret (ApCredentials  *self);
const char     *ap_credentials_get_access_key    (ApCredentials  *self);
const char     *ap_credentials_get_secret_key    (ApCredentials  *self);
const char     *ap_credentials_get_app_id        (ApCredentials  *self);
const char     *ap_credentials_get_app_key       (ApCredentials  *self);

/* Every field present; secret key valid base64 (decoding to at least one
 * byte); base URL valid per ap_base_url_check(). AP_ERROR_INVALID_CREDENTIALS
 * or AP_ERROR_INSECURE_URL with a message naming the field. Never echoes a
 * secret. */
gboolean        ap_credentials_validate          (ApCredentials  *self,
                                                  GError        **error);
gboolean        ap_credentials_equal             (ApCredentials  *a,
                                                  ApCredentials  *b);

/* The keyring secret: a JSON object of every field. (transfer full) */
char           *ap_credentials_serialize         (ApCredentials  *self);
ApCredentials  *ap_credentials_deserialize       (const char     *data,
                                                  GError        **error);

/* https:// to anywhere, or http:// to a loopback address only (127.0.0.0/8,
 * ::1, localhost). Otherwise AP_ERROR_INSECURE_URL. */
gboolean        ap_base_url_check                (const char     *base_url,
                                                  GError        **error);

/* Strict RFC 4648 base64 (standard alphabet, "=" padding only at the end,
 * length a multiple of 4) that decodes to at least one byte. g_base64_decode()
 * alone accepts almost anything, so the API 1.0 secret key is checked here. */
gboolean        ap_base64_is_valid               (const char     *text);

/* The API 1.0 regional grids; NULL-terminated by a zeroed entry. */
const ApRegion *ap_credentials_get_regions       (void);

const char     *ap_auth_mode_to_string           (ApAuthMode      mode); /* "api2" / "api1" */
gboolean        ap_auth_mode_from_string         (const char     *str,
                                                  ApAuthMode     *mode);

G_END_DECLS
