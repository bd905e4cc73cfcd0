/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ap-credentials.h"
#include "ap-mock-server.h"

/* The environment a scheduled job would have: no display, and credentials
 * from MIMECAST_* for @mode (an ApAuthMode, or none when @mode < 0), taken
 * from @mock. Shared by the headless tests so both start the app alike. */
static inline char **
headless_test_environ (ApMockServer *mock,
                       int           mode)
{
  char **env = g_get_environ ();
  static const char * const unset[] = {
    "DISPLAY", "WAYLAND_DISPLAY", "MIMECAST_BASE_URL", "MIMECAST_ACCESS_KEY",
    "MIMECAST_SECRET_KEY", "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_CLIENT_ID",
    "MIMECAST_CLIENT_SECRET",
  };

  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    env = g_environ_unsetenv (env, unset[i]);

  if (mode >= 0)
    {
      g_autoptr(ApCredentials) credentials =
        ap_mock_server_dup_credentials (mock, (ApAuthMode) mode);

      env = g_environ_setenv (env, "MIMECAST_BASE_URL",
                              ap_credentials_get_base_url (credentials), TRUE);
      if (mode == AP_AUTH_MODE_API1)
        {
          env = g_environ_setenv (env, "MIMECAST_ACCESS_KEY",
                                  ap_credentials_get_access_key (credentials), TRUE);
          env = g_environ_setenv (env, "MIMECAST_SECRET_KEY",
                                  ap_credentials_get_secret_key (credentials), TRUE);
          env = g_environ_setenv (env, "MIMECAST_APP_ID",
                                  ap_credentials_get_app_id (credentials), TRUE);
          env = g_environ_setenv (env, "MIMECAST_APP_KEY",
                                  ap_credentials_get_app_key (credentials), TRUE);
        }
      else
        {
          env = g_environ_setenv (env, "MIMECAST_CLIENT_ID",
                                  ap_credentials_get_client_id (credentials), TRUE);
          env = g_environ_setenv (env, "MIMECAST_CLIENT_SECRET",
                                  ap_credentials_get_client_secret (credentials), TRUE);
        }
    }

  return env;
}
