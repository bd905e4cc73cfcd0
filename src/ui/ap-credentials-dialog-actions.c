/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-credentials-dialog"

/* What the credentials dialog does beyond its form: fill it from the
 * keyring, test the connection, save to the keyring, remove from it. */

#include "config.h"

#include <glib/gi18n.h>

#include "ap-alert.h"
#include "ap-client.h"
#include "ap-credentials-dialog-private.h"
#include "ap-error.h"
#include "ap-keyring.h"

/* A test connection answers quickly or not at all: one retry, short waits */
#define TEST_TIMEOUT_SECONDS    30
#define TEST_MAX_RETRIES        1
#define TEST_RETRY_DELAY_MS     500
#define TEST_MAX_RETRY_DELAY_MS 2000

/* Non-secret fields only: the secrets stay in the keyring */
static void
show_stored (ApCredentialsDialog *self)
{
  ApCredentials *stored = self->stored;
  ApAuthMode mode = ap_credentials_get_mode (stored);

  adw_combo_row_set_selected (self->mode_row, mode == AP_AUTH_MODE_API1 ? 1 : 0);
  ap_credentials_dialog_show_base_url (self, mode, ap_credentials_get_base_url (stored));

  if (mode == AP_AUTH_MODE_API2)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->client_id_row),
                             ap_credentials_get_client_id (stored));
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->access_key_row),
                             ap_credentials_get_access_key (stored));
      gtk_editable_set_text (GTK_EDITABLE (self->app_id_row),
                             ap_credentials_get_app_id (stored));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->remove_group), TRUE);
  ap_credentials_dialog_update_secret_titles (self);
}

static void
on_lookup_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ApCredentialsDialog) self = user_data;
  g_autoptr(ApCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = ap_keyring_lookup_finish (result, &error);
  if (ap_error_is_cancelled (error))
    return;

  self->lookup_pending = FALSE;

  if (credentials != NULL)
    {
      g_set_object (&self->stored, credentials);
      self->applying_stored = TRUE;
      show_stored (self);
      self->applying_stored = FALSE;
      ap_credentials_dialog_place_focus (self);
    }
  else if (!g_error_matches (error, AP_ERROR, AP_ERROR_NO_CREDENTIALS))
    {
      ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_ERROR, error->message);
    }

  ap_credentials_dialog_validate (self);
}

/* The credentials the fields describe, to test or save; NULL while busy,
 * or when they are not valid (the reason then shown). (transfer full) */
static ApCredentials *
credentials_to_use (ApCredentialsDialog *self)
{
  g_autoptr(ApCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  if (self->busy)
    return NULL;

  credentials = ap_credentials_dialog_build_credentials (self);
  if (!ap_credentials_validate (credentials, &error))
    {
      ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_ERROR, error->message);
      return NULL;
    }
  return g_steal_pointer (&credentials);
}

/* A test, save or remove failed: the reason is shown and the dialog is
 * usable again. Not when it was cancelled (the dialog closed, or the
 * values changed under a test): returns FALSE then. */
static gboolean
show_failure (ApCredentialsDialog *self,
              const GError        *error)
{
  if (ap_error_is_cancelled (error))
    return FALSE;
  ap_credentials_dialog_set_busy (self, FALSE);
  ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_ERROR, error->message);
  return TRUE;
}

static void
on_test_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ApCredentialsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ap_client_test_connection_finish (AP_CLIENT (source), result, &error))
    {
      if (!show_failure (self, error))
        return;
    }
  else
    {
      ap_credentials_dialog_set_busy (self, FALSE);
      ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_SUCCESS,
                                        _("Connected — the account can read Awareness "
                                          "Training performance"));
    }
  self->status_is_test = TRUE;
}

static void
on_test_clicked (ApCredentialsDialog *self)
{
  g_autoptr(ApCredentials) credentials = credentials_to_use (self);
  g_autoptr(ApClient) client = NULL;

  if (credentials == NULL)
    return;

  client = ap_client_new (credentials);
  ap_client_set_timeout (client, TEST_TIMEOUT_SECONDS);
  ap_client_set_retry_policy (client, TEST_MAX_RETRIES, TEST_RETRY_DELAY_MS,
                              TEST_MAX_RETRY_DELAY_MS);

  ap_credentials_dialog_set_busy (self, TRUE);
  self->status_is_test = TRUE;
  ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_BUSY, _("Testing the connection…"));
  ap_client_test_connection_async (client, self->cancellable, on_test_done,
                                   g_object_ref (self));
}

typedef struct
{
  ApCredentialsDialog *self;
  ApCredentials       *credentials;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->credentials);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveData, save_data_free)

static void
on_store_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  ApCredentialsDialog *self = data->self;
  ApCredentials *credentials = data->credentials;
  g_autoptr(GError) error = NULL;

  if (!ap_keyring_store_finish (result, &error))
    {
      show_failure (self, error);
      return;
    }

  ap_credentials_dialog_set_busy (self, FALSE);
  g_set_object (&self->stored, credentials);

  if (self->settings != NULL)
    {
      ApAuthMode mode = ap_credentials_get_mode (credentials);
      const char *base_url = ap_credentials_get_base_url (credentials);

      g_settings_set_string (self->settings, "auth-mode", ap_auth_mode_to_string (mode));
      /* Empty means the default of the mode, so a changed default follows */
      g_settings_set_string (self->settings, "base-url",
                             mode == AP_AUTH_MODE_API2 &&
                             g_strcmp0 (base_url, AP_API2_DEFAULT_BASE_URL) == 0 ? "" : base_url);
    }

  g_signal_emit_by_name (self, "saved", credentials);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_save_clicked (ApCredentialsDialog *self)
{
  g_autoptr(ApCredentials) credentials = credentials_to_use (self);
  SaveData *data;

  if (credentials == NULL)
    return;

  /* A running test is moot once the values are saved */
  ap_credentials_dialog_cancel_pending (self);
  self->status_is_test = FALSE;
  ap_credentials_dialog_set_busy (self, TRUE);
  ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_BUSY, _("Saving to the keyring…"));

  data = g_new0 (SaveData, 1);
  data->self = g_object_ref (self);
  data->credentials = g_object_ref (credentials);
  ap_keyring_store_async (credentials, self->cancellable, on_store_done, data);
}

static void
on_clear_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ApCredentialsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ap_keyring_clear_finish (result, &error))
    {
      show_failure (self, error);
      return;
    }

  g_clear_object (&self->stored);
  ap_credentials_dialog_clear_fields (self);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_group), FALSE);
  ap_credentials_dialog_update_secret_titles (self);
  ap_credentials_dialog_set_busy (self, FALSE);
  self->status_is_test = FALSE;
  ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_INFO,
                                    _("The credentials were removed from the keyring"));

  g_signal_emit_by_name (self, "removed");
}

static void
remove_credentials (ApCredentialsDialog *self)
{
  if (self->busy)
    return;

  ap_credentials_dialog_cancel_pending (self);
  self->status_is_test = FALSE;
  ap_credentials_dialog_set_busy (self, TRUE);
  ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_BUSY,
                                    _("Removing from the keyring…"));
  ap_keyring_clear_async (self->cancellable, on_clear_done, g_object_ref (self));
}

static void
on_remove_response (ApCredentialsDialog *self,
                    const char          *response,
                    GtkWidget           *alert)
{
  if (g_strcmp0 (response, "remove") == 0)
    remove_credentials (self);
}

static void
on_remove_clicked (ApCredentialsDialog *self)
{
  GtkWidget *alert = ap_alert_new (_("Remove Credentials?"),
                                   _("The keys are removed from the keyring. To fetch data "
                                     "again, you will need to enter them again."));

  ap_alert_add_response (alert, "cancel", _("_Cancel"));
  ap_alert_add_response (alert, "remove", _("_Remove"));
  ap_alert_set_response_appearance (alert, "remove", ADW_RESPONSE_DESTRUCTIVE);
  ap_alert_set_default_response (alert, "cancel");
  ap_alert_set_close_response (alert, "cancel");
  g_signal_connect_object (alert, "response", G_CALLBACK (on_remove_response), self,
                           G_CONNECT_SWAPPED);
  ap_alert_present (alert, GTK_WIDGET (self));
}

void
ap_credentials_dialog_look_up (ApCredentialsDialog *self)
{
  self->lookup_pending = TRUE;
  ap_keyring_lookup_async (self->cancellable, on_lookup_done, g_object_ref (self));
}

void
ap_credentials_dialog_bind_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked);
}
