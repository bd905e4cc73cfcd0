/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-history-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-history-settings.h"

GSettings *
ap_history_settings_dup (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* A missing schema (a test or an uninstalled build) must not abort. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "history-enabled"))
    return NULL;

  return g_settings_new (BASE_APPLICATION_ID);
}

void
ap_history_settings_apply (GSettings *settings,
                           ApHistory *history)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (AP_IS_HISTORY (history));

  ap_history_set_retention (history,
                            g_settings_get_uint (settings, "history-max-snapshots"),
                            g_settings_get_uint (settings, "history-max-days"));
}

ApHistory *
ap_history_new_from_settings (void)
{
  g_autoptr(GSettings) settings = ap_history_settings_dup ();
  ApHistory *history;

  if (settings != NULL && !g_settings_get_boolean (settings, "history-enabled"))
    return NULL;

  history = ap_history_new (NULL);
  if (settings != NULL)
    ap_history_settings_apply (settings, history);
  return history;
}
