/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-error"

#include "config.h"

#include "ap-error.h"

G_DEFINE_QUARK (ap-error-quark, ap_error)

gboolean
ap_error_is_credentials (const GError *error)
{
  if (error == NULL || error->domain != AP_ERROR)
    return FALSE;

  switch ((ApErrorCode) error->code)
    {
    case AP_ERROR_INVALID_CREDENTIALS:
    case AP_ERROR_NO_CREDENTIALS:
    case AP_ERROR_UNAUTHORIZED:
    case AP_ERROR_AUTHENTICATION_FAILED:
    case AP_ERROR_KEYS_EXPIRED:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
ap_error_is_address (const GError *error)
{
  if (error == NULL || error->domain != AP_ERROR)
    return FALSE;

  switch ((ApErrorCode) error->code)
    {
    case AP_ERROR_CONNECTION_REFUSED:
    case AP_ERROR_HOST_NOT_FOUND:
    case AP_ERROR_NOT_FOUND:
    case AP_ERROR_INSECURE_URL:
    case AP_ERROR_REDIRECTED:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
ap_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}
