/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-credentials-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ap-credentials-dialog.h"
#include "ap-error.h"
#include "ap-keyring.h"
#include "ap-mock-server.h"
#include "ap-resources.h"

#include "../ap-test-alert.h"
#include "../ap-test-util.h"

#define WAIT_MS 20000

/* Made-up keys in the shapes Mimecast issues */
#define ACCESS_KEY "mYtOp5EcReTaCcEsSkEy-NotReal_0123456789"
#define SECRET_KEY "c2VjcmV0IGtleSBmb3IgdGVzdGluZyBvbmx5"
#define APP_ID     "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
#define APP_KEY    "a7d1e2f3-0000-4444-8888-123456789abc"
#define CLIENT_ID  "test-client-id"
#define CLIENT_SECRET "test-client-secret-not-real"

/* The dialog as a person meets it: its template's widgets, found by the
 * names the template gives them, and what they show. Field names:
 * "client-id", "client-secret", "custom-url" (non-empty text also turns
 * the custom URL on), "region" (a region id or "custom"), "region-url",
 * "access-key", "secret-key", "app-id", "app-key". */

static gpointer
template_child (ApCredentialsDialog *dialog,
                const char          *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                  AP_TYPE_CREDENTIALS_DIALOG, name);

  g_assert_nonnull (child);
  return child;
}

static GtkWidget *
field_row (ApCredentialsDialog *dialog,
           const char          *field)
{
  g_autofree char *name = g_strdup_printf ("%s_row", field);

  g_strdelimit (name, "-", '_');
  return template_child (dialog, name);
}

static void
dialog_set_mode (ApCredentialsDialog *dialog,
                 ApAuthMode           mode)
{
  adw_combo_row_set_selected (template_child (dialog, "mode_row"),
                              mode == AP_AUTH_MODE_API1 ? 1 : 0);
}

static ApAuthMode
dialog_get_mode (ApCredentialsDialog *dialog)
{
  return adw_combo_row_get_selected (template_child (dialog, "mode_row")) == 1
         ? AP_AUTH_MODE_API1 : AP_AUTH_MODE_API2;
}

static void
dialog_set_field (ApCredentialsDialog *dialog,
                  const char          *field,
                  const char          *text)
{
  if (g_strcmp0 (field, "region") == 0)
    {
      const ApRegion *regions = ap_credentials_get_regions ();
      guint selected = 0;

      /* The regions in their order, then "Custom…" */
      while (regions[selected].id != NULL && g_strcmp0 (regions[selected].id, text) != 0)
        selected++;
      adw_combo_row_set_selected (template_child (dialog, "region_row"), selected);
      return;
    }

  if (g_strcmp0 (field, "custom-url") == 0)
    adw_expander_row_set_enable_expansion (template_child (dialog, "custom_url_expander"),
                                           text != NULL && *text != '\0');
  gtk_editable_set_text (GTK_EDITABLE (field_row (dialog, field)), text != NULL ? text : "");
}

static const char *
dialog_get_field (ApCredentialsDialog *dialog,
                  const char          *field)
{
  return gtk_editable_get_text (GTK_EDITABLE (field_row (dialog, field)));
}

static const char *
dialog_get_field_title (ApCredentialsDialog *dialog,
                        const char          *field)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (field_row (dialog, field)));
}

/* Marked in red */
static gboolean
dialog_field_has_error (ApCredentialsDialog *dialog,
                        const char          *field)
{
  return gtk_widget_has_css_class (field_row (dialog, field), "error");
}

static gboolean
dialog_can_save (ApCredentialsDialog *dialog)
{
  return gtk_widget_is_sensitive (template_child (dialog, "save_button"));
}

static gboolean
dialog_can_test (ApCredentialsDialog *dialog)
{
  return gtk_widget_is_sensitive (template_child (dialog, "test_button"));
}

/* The validation message shown under the group of the mode, or NULL */
static const char *
dialog_get_validation (ApCredentialsDialog *dialog)
{
  GtkWidget *label = template_child (dialog, dialog_get_mode (dialog) == AP_AUTH_MODE_API2
                                             ? "api2_error_label" : "api1_error_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

/* The status line under the buttons, "" when empty */
static const char *
dialog_get_status (ApCredentialsDialog *dialog)
{
  return gtk_label_get_text (template_child (dialog, "status_label"));
}

/* The status line shows an error (in red) */
static gboolean
dialog_get_status_is_error (ApCredentialsDialog *dialog)
{
  return gtk_widget_has_css_class (template_child (dialog, "status_label"), "error");
}

/* What screen readers are told: the keyring or the service is being asked */
static gboolean
dialog_is_busy (ApCredentialsDialog *dialog)
{
  g_autofree char *idle = gtk_test_accessible_check_state (GTK_ACCESSIBLE (dialog),
                                                           GTK_ACCESSIBLE_STATE_BUSY, FALSE);

  return idle != NULL;
}

/* Remove is offered: the keyring holds credentials */
static gboolean
dialog_has_stored (ApCredentialsDialog *dialog)
{
  return gtk_widget_get_visible (template_child (dialog, "remove_group"));
}

static void
click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
dialog_test_connection (ApCredentialsDialog *dialog)
{
  click (template_child (dialog, "test_button"));
}

static void
dialog_save (ApCredentialsDialog *dialog)
{
  click (template_child (dialog, "save_button"));
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = find_button (child);

      if (button != NULL)
        return button;
    }
  return NULL;
}

/* Remove Credentials…, then Remove in the confirmation */
static void
dialog_remove (ApCredentialsDialog *dialog)
{
  GtkWidget *alert;

  click (find_button (template_child (dialog, "remove_group")));
  alert = ap_test_find_alert ("Remove Credentials?");
  g_assert_nonnull (alert);
  ap_test_alert_respond (alert, "remove");
}

/* The field holding the keyboard focus, or NULL */
static const char *
dialog_get_focus_field (ApCredentialsDialog *dialog)
{
  static const char *fields[] = {
    "client-id", "client-secret", "custom-url", "region-url",
    "access-key", "secret-key", "app-id", "app-key",
  };
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (dialog));

  for (guint i = 0; focus != NULL && i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *row = field_row (dialog, fields[i]);

      if (focus == row || gtk_widget_is_ancestor (focus, row))
        return fields[i];
    }
  return NULL;
}

/* The setup instructions at the top */
static const char *
dialog_get_intro (ApCredentialsDialog *dialog)
{
  return adw_preferences_group_get_description (template_child (dialog, "intro_group"));
}

static gboolean
is_idle (gpointer data)
{
  return !dialog_is_busy (data);
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

typedef struct
{
  gboolean       done;
  gboolean       ok;
  ApCredentials *credentials;
  GError        *error;
} KeyringResult;

static gboolean
keyring_done (gpointer data)
{
  return ((KeyringResult *) data)->done;
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  KeyringResult *r = data;

  r->ok = ap_keyring_clear_finish (result, &r->error);
  r->done = TRUE;
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  KeyringResult *r = data;

  r->ok = ap_keyring_store_finish (result, &r->error);
  r->done = TRUE;
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  KeyringResult *r = data;

  r->credentials = ap_keyring_lookup_finish (result, &r->error);
  r->done = TRUE;
}

static void
keyring_clear (void)
{
  KeyringResult r = { 0, };

  ap_keyring_clear_async (NULL, on_cleared, &r);
  g_assert_true (spin_until (keyring_done, &r, WAIT_MS));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
}

static void
keyring_store (ApCredentials *credentials)
{
  KeyringResult r = { 0, };

  ap_keyring_store_async (credentials, NULL, on_stored, &r);
  g_assert_true (spin_until (keyring_done, &r, WAIT_MS));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
}

/* (transfer full) (nullable) */
static ApCredentials *
keyring_lookup (GError **error)
{
  KeyringResult r = { 0, };

  ap_keyring_lookup_async (NULL, on_looked_up, &r);
  g_assert_true (spin_until (keyring_done, &r, WAIT_MS));
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.credentials;
}

static GSettings *
new_settings (void)
{
  return g_settings_new (BASE_APPLICATION_ID);
}

/* A dialog whose initial keyring lookup has finished */
static ApCredentialsDialog *
open_dialog (GSettings *settings)
{
  ApCredentialsDialog *dialog = ap_credentials_dialog_new (NULL, settings);

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (spin_until (is_idle, dialog, WAIT_MS));
  return dialog;
}

static void
fill_api1 (ApCredentialsDialog *dialog,
           const char          *secret_key)
{
  dialog_set_mode (dialog, AP_AUTH_MODE_API1);
  dialog_set_field (dialog, "region", "eu");
  dialog_set_field (dialog, "access-key", ACCESS_KEY);
  dialog_set_field (dialog, "secret-key", secret_key);
  dialog_set_field (dialog, "app-id", APP_ID);
  dialog_set_field (dialog, "app-key", APP_KEY);
}

static void
test_empty_is_not_an_error (void)
{
  ApCredentialsDialog *dialog;

  keyring_clear ();
  dialog = open_dialog (NULL);

  /* Nothing typed yet: Save is off, but nothing is shown in red */
  g_assert_false (dialog_has_stored (dialog));
  g_assert_false (dialog_can_save (dialog));
  g_assert_false (dialog_can_test (dialog));
  g_assert_null (dialog_get_validation (dialog));
  g_assert_false (dialog_field_has_error (dialog, "client-id"));

  /* Half filled: still off */
  dialog_set_field (dialog, "client-id", CLIENT_ID);
  g_assert_false (dialog_can_save (dialog));
  g_assert_null (dialog_get_validation (dialog));

  dialog_set_field (dialog, "client-secret", CLIENT_SECRET);
  g_assert_true (dialog_can_save (dialog));
  g_assert_true (dialog_can_test (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_refuses_bad_base64 (void)
{
  ApCredentialsDialog *dialog;
  const char *message;

  keyring_clear ();
  dialog = open_dialog (NULL);
  fill_api1 (dialog, "not base64!");

  g_assert_false (dialog_can_save (dialog));
  g_assert_false (dialog_can_test (dialog));
  g_assert_true (dialog_field_has_error (dialog, "secret-key"));
  g_assert_false (dialog_field_has_error (dialog, "access-key"));
  message = dialog_get_validation (dialog);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Secret Key"));
  g_assert_nonnull (strstr (message, "base64"));
  /* The reason never repeats the secret */
  g_assert_null (strstr (message, "not base64!"));

  /* Fixed: the error goes, Save comes on */
  dialog_set_field (dialog, "secret-key", SECRET_KEY);
  g_assert_true (dialog_can_save (dialog));
  g_assert_false (dialog_field_has_error (dialog, "secret-key"));
  g_assert_null (dialog_get_validation (dialog));

  /* Blanks from copy and paste are not part of the key */
  dialog_set_field (dialog, "secret-key", "  " SECRET_KEY "\n");
  g_assert_true (dialog_can_save (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_refuses_insecure_url (void)
{
  ApCredentialsDialog *dialog;
  const char *message;

  keyring_clear ();
  dialog = open_dialog (NULL);
  dialog_set_field (dialog, "client-id", CLIENT_ID);
  dialog_set_field (dialog, "client-secret", CLIENT_SECRET);
  g_assert_true (dialog_can_save (dialog));

  dialog_set_field (dialog, "custom-url", "http://api.example.com");
  g_assert_false (dialog_can_save (dialog));
  g_assert_true (dialog_field_has_error (dialog, "custom-url"));
  message = dialog_get_validation (dialog);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "http://"));

  /* Loopback is allowed over http (tests, demo); https anywhere */
  dialog_set_field (dialog, "custom-url", "http://127.0.0.1:8080");
  g_assert_true (dialog_can_save (dialog));
  g_assert_false (dialog_field_has_error (dialog, "custom-url"));
  dialog_set_field (dialog, "custom-url", "https://api.example.com");
  g_assert_true (dialog_can_save (dialog));
  dialog_set_field (dialog, "custom-url", "not a url");
  g_assert_false (dialog_can_save (dialog));

  /* API 1.0: a custom region URL is checked the same way */
  fill_api1 (dialog, SECRET_KEY);
  g_assert_true (dialog_can_save (dialog));
  dialog_set_field (dialog, "region", "custom");
  dialog_set_field (dialog, "region-url", "http://eu-api.example.com");
  g_assert_false (dialog_can_save (dialog));
  g_assert_true (dialog_field_has_error (dialog, "region-url"));
  dialog_set_field (dialog, "region-url", "https://eu-api.example.com");
  g_assert_true (dialog_can_save (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_saved (ApCredentialsDialog *dialog,
          ApCredentials       *credentials,
          ApCredentials      **out)
{
  g_set_object (out, credentials);
}

static void
on_removed (ApCredentialsDialog *dialog,
            guint               *count)
{
  (*count)++;
}

static void
test_save_and_remove (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(ApCredentials) saved = NULL;
  g_autoptr(ApCredentials) kept = NULL;
  g_autoptr(ApCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth_mode = NULL;
  g_autofree char *base_url = NULL;
  ApCredentialsDialog *dialog;
  gpointer alive;
  guint removed = 0;

  keyring_clear ();

  /* Save: the keyring holds exactly what was entered, the dialog closes
   * and the non-secret settings are written */
  dialog = open_dialog (settings);
  fill_api1 (dialog, SECRET_KEY);
  dialog_set_field (dialog, "region", "de");
  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved), &saved);
  alive = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  dialog_save (dialog);
  g_assert_true (spin_until (pointer_is_null, &alive, WAIT_MS));
  g_assert_nonnull (saved);

  stored = keyring_lookup (&error);
  g_assert_no_error (error);
  g_assert_true (ap_credentials_equal (stored, saved));
  g_assert_cmpint (ap_credentials_get_mode (stored), ==, AP_AUTH_MODE_API1);
  g_assert_cmpstr (ap_credentials_get_base_url (stored), ==, "https://de-api.mimecast.com");
  g_assert_cmpstr (ap_credentials_get_secret_key (stored), ==, SECRET_KEY);
  g_assert_cmpstr (ap_credentials_get_app_key (stored), ==, APP_KEY);
  auth_mode = g_settings_get_string (settings, "auth-mode");
  base_url = g_settings_get_string (settings, "base-url");
  g_assert_cmpstr (auth_mode, ==, "api1");
  g_assert_cmpstr (base_url, ==, "https://de-api.mimecast.com");

  /* Reopened: non-secret fields prefilled, secrets never shown; saving
   * with the secret fields empty keeps the stored secrets */
  dialog = open_dialog (settings);
  g_assert_true (dialog_has_stored (dialog));
  g_assert_cmpint (dialog_get_mode (dialog), ==, AP_AUTH_MODE_API1);
  g_assert_cmpstr (dialog_get_field (dialog, "access-key"), ==, ACCESS_KEY);
  g_assert_cmpstr (dialog_get_field (dialog, "app-id"), ==, APP_ID);
  g_assert_cmpstr (dialog_get_field (dialog, "secret-key"), ==, "");
  g_assert_cmpstr (dialog_get_field (dialog, "app-key"), ==, "");
  g_assert_nonnull (strstr (dialog_get_field_title (dialog, "secret-key"), "leave empty to keep"));
  g_assert_true (dialog_can_save (dialog));

  dialog_set_field (dialog, "app-id", "a-new-application-id");
  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved), &kept);
  alive = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  dialog_save (dialog);
  g_assert_true (spin_until (pointer_is_null, &alive, WAIT_MS));
  g_assert_nonnull (kept);
  g_assert_cmpstr (ap_credentials_get_app_id (kept), ==, "a-new-application-id");
  g_assert_cmpstr (ap_credentials_get_secret_key (kept), ==, SECRET_KEY);
  g_assert_cmpstr (ap_credentials_get_app_key (kept), ==, APP_KEY);
  g_assert_cmpstr (ap_credentials_get_base_url (kept), ==, "https://de-api.mimecast.com");

  /* Switching to the other mode does not borrow the stored secrets */
  dialog = open_dialog (settings);
  dialog_set_mode (dialog, AP_AUTH_MODE_API2);
  dialog_set_field (dialog, "client-id", CLIENT_ID);
  g_assert_false (dialog_can_save (dialog));
  dialog_set_mode (dialog, AP_AUTH_MODE_API1);
  g_assert_true (dialog_can_save (dialog));

  /* Remove: "removed", the keyring is empty, the fields are cleared */
  g_signal_connect (dialog, "removed", G_CALLBACK (on_removed), &removed);
  dialog_remove (dialog);
  g_assert_true (spin_until (is_idle, dialog, WAIT_MS));
  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (dialog_has_stored (dialog));
  g_assert_false (dialog_get_status_is_error (dialog));
  g_assert_cmpstr (dialog_get_field (dialog, "access-key"), ==, "");
  g_assert_false (dialog_can_save (dialog));
  g_clear_object (&stored);
  stored = keyring_lookup (&error);
  g_assert_null (stored);
  g_assert_error (error, AP_ERROR, AP_ERROR_NO_CREDENTIALS);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_api2_round_trip (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(ApCredentials) original = ap_credentials_new_api2 ("https://api.example.com",
                                                               CLIENT_ID, CLIENT_SECRET);
  g_autoptr(ApCredentials) saved = NULL;
  g_autofree char *base_url = NULL;
  ApCredentialsDialog *dialog;
  gpointer alive;

  keyring_clear ();
  keyring_store (original);

  dialog = open_dialog (settings);
  g_assert_cmpint (dialog_get_mode (dialog), ==, AP_AUTH_MODE_API2);
  g_assert_cmpstr (dialog_get_field (dialog, "client-id"), ==, CLIENT_ID);
  g_assert_cmpstr (dialog_get_field (dialog, "client-secret"), ==, "");
  g_assert_cmpstr (dialog_get_field (dialog, "custom-url"), ==, "https://api.example.com");

  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved), &saved);
  alive = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  dialog_save (dialog);
  g_assert_true (spin_until (pointer_is_null, &alive, WAIT_MS));
  g_assert_true (ap_credentials_equal (saved, original));
  base_url = g_settings_get_string (settings, "base-url");
  g_assert_cmpstr (base_url, ==, "https://api.example.com");

  keyring_clear ();
}

static gboolean
status_is_final (gpointer data)
{
  return !dialog_is_busy (data) && *dialog_get_status (data) != '\0';
}

static void
test_connection (void)
{
  g_autoptr(ApMockServer) mock = ap_mock_server_new ();
  g_autoptr(ApCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  ApCredentialsDialog *dialog;
  const char *status;

  ap_mock_server_set_dataset (mock, 20, 3, 2, 1);
  g_assert_true (ap_mock_server_start (mock, 0, &error));
  g_assert_no_error (error);
  credentials = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API2);

  keyring_clear ();
  dialog = open_dialog (NULL);
  dialog_set_field (dialog, "client-id", ap_credentials_get_client_id (credentials));
  dialog_set_field (dialog, "client-secret", ap_credentials_get_client_secret (credentials));
  dialog_set_field (dialog, "custom-url", ap_mock_server_get_base_url (mock));
  g_assert_true (dialog_can_test (dialog));

  dialog_test_connection (dialog);
  g_assert_true (dialog_is_busy (dialog));
  g_assert_true (spin_until (status_is_final, dialog, WAIT_MS));
  g_assert_false (dialog_get_status_is_error (dialog));
  g_assert_cmpstr (dialog_get_status (dialog), ==,
                   "Connected — the account can read Awareness Training performance");
  g_assert_cmpuint (ap_mock_server_get_n_requests (mock), >=, 1);

  /* Editing a field drops the result: it belonged to the old values */
  dialog_set_field (dialog, "client-id", "someone-else");
  g_assert_cmpstr (dialog_get_status (dialog), ==, "");
  dialog_set_field (dialog, "client-id", ap_credentials_get_client_id (credentials));

  /* 403: the precise reason, in the dialog */
  ap_mock_server_add_fault (mock, AP_MOCK_FAULT_FORBIDDEN, 0, 0);
  dialog_test_connection (dialog);
  g_assert_true (spin_until (status_is_final, dialog, WAIT_MS));
  g_assert_true (dialog_get_status_is_error (dialog));
  status = dialog_get_status (dialog);
  g_assert_nonnull (strstr (status, "Awareness Training | Dashboard | Read"));
  g_assert_nonnull (strstr (status, "403"));

  /* A wrong secret: refused by the token endpoint, never echoed */
  ap_mock_server_clear_faults (mock);
  dialog_set_field (dialog, "client-secret", "wrong-secret-value");
  dialog_test_connection (dialog);
  g_assert_true (spin_until (status_is_final, dialog, WAIT_MS));
  g_assert_true (dialog_get_status_is_error (dialog));
  g_assert_null (strstr (dialog_get_status (dialog), "wrong-secret-value"));

  /* Nothing was stored by testing */
  g_assert_false (dialog_has_stored (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A test started before the keyring lookup has answered keeps its
   * result: the lookup filling in is not an edit */
  dialog = ap_credentials_dialog_new (NULL, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  dialog_set_field (dialog, "client-id", ap_credentials_get_client_id (credentials));
  dialog_set_field (dialog, "client-secret", ap_credentials_get_client_secret (credentials));
  dialog_set_field (dialog, "custom-url", ap_mock_server_get_base_url (mock));
  dialog_test_connection (dialog);
  g_assert_true (spin_until (status_is_final, dialog, WAIT_MS));
  g_assert_false (dialog_get_status_is_error (dialog));
  g_assert_cmpstr (dialog_get_status (dialog), ==,
                   "Connected — the account can read Awareness Training performance");
  gtk_window_destroy (GTK_WINDOW (dialog));

  ap_mock_server_stop (mock);
}

/* Runs in a child process with no session bus: libsecret cannot reach a
 * keyring there */
static void
test_no_keyring_child (void)
{
  ApCredentialsDialog *dialog = ap_credentials_dialog_new (NULL, NULL);
  const char *status;

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (spin_until (is_idle, dialog, WAIT_MS));
  dialog_set_field (dialog, "client-id", CLIENT_ID);
  dialog_set_field (dialog, "client-secret", CLIENT_SECRET);
  dialog_save (dialog);
  g_assert_true (spin_until (is_idle, dialog, WAIT_MS));

  /* The reason is shown, the dialog stays open with the entries kept */
  g_assert_true (dialog_get_status_is_error (dialog));
  status = dialog_get_status (dialog);
  g_assert_nonnull (strstr (status, "keyring"));
  g_assert_null (strstr (status, CLIENT_SECRET));
  g_assert_cmpstr (dialog_get_field (dialog, "client-id"), ==, CLIENT_ID);
  g_assert_cmpstr (dialog_get_field (dialog, "client-secret"), ==, CLIENT_SECRET);
  g_assert_true (dialog_can_save (dialog));
  g_print ("status: %s\n", status);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static const char *test_program;

/* Without a bus GTK warns once that it has no session bus; that is the
 * point of the child, not a failure */
static gboolean
ignore_missing_bus (const char     *log_domain,
                    GLogLevelFlags  log_level,
                    const char     *message,
                    gpointer        user_data)
{
  return strstr (message, "session bus") == NULL;
}

static void
test_no_keyring (void)
{
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { test_program, "-p", "/ap/credentials-dialog/no-keyring-child", NULL };
  int status;

  envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  envp = g_environ_setenv (envp, "AP_TEST_NO_KEYRING_CHILD", "1", TRUE);
  /* The AT-SPI bridge would look for the bus too */
  envp = g_environ_setenv (envp, "GTK_A11Y", "test", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("child failed:\n%s\n%s", out, err);
  g_assert_nonnull (strstr (out, "ok 1 /ap/credentials-dialog/no-keyring-child"));
}

static void
test_escape_closes (void)
{
  ApCredentialsDialog *dialog = open_dialog (NULL);
  gpointer alive = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  g_assert_true (spin_until (pointer_is_null, &alive, WAIT_MS));
}

/* The dialog opens on the first field to type, not on Cancel, and follows
 * the keyring: with stored keys the first empty field is further down. */
static void
test_initial_focus (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(ApCredentials) stored = NULL;
  ApCredentialsDialog *dialog;

  keyring_clear ();
  g_settings_reset (settings, "auth-mode");
  dialog = open_dialog (settings);
  g_assert_cmpint (dialog_get_mode (dialog), ==, AP_AUTH_MODE_API2);
  g_assert_cmpstr (dialog_get_focus_field (dialog), ==, "client-id");
  gtk_window_destroy (GTK_WINDOW (dialog));

  stored = ap_credentials_new_api2 (AP_API2_DEFAULT_BASE_URL, CLIENT_ID, CLIENT_SECRET);
  keyring_store (stored);
  dialog = open_dialog (settings);
  /* Client ID is filled in, the secret is kept when left empty: the first
   * field to type is the first one, as nothing is missing. */
  g_assert_cmpstr (dialog_get_focus_field (dialog), ==, "client-id");
  g_assert_cmpstr (dialog_get_field (dialog, "client-id"), ==, CLIENT_ID);
  gtk_window_destroy (GTK_WINDOW (dialog));

  keyring_clear ();
  g_settings_set_string (settings, "auth-mode", "api1");
  dialog = open_dialog (settings);
  g_assert_cmpint (dialog_get_mode (dialog), ==, AP_AUTH_MODE_API1);
  g_assert_cmpstr (dialog_get_focus_field (dialog), ==, "access-key");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_reset (settings, "auth-mode");
}

/* Each API version gets its own setup steps. */
static void
test_instructions_follow_mode (void)
{
  ApCredentialsDialog *dialog;

  keyring_clear ();
  dialog = open_dialog (NULL);
  dialog_set_mode (dialog, AP_AUTH_MODE_API2);
  g_assert_nonnull (strstr (dialog_get_intro (dialog), "API 2.0"));
  g_assert_nonnull (strstr (dialog_get_intro (dialog), "Client ID"));
  g_assert_null (strstr (dialog_get_intro (dialog), "API 1.0"));

  dialog_set_mode (dialog, AP_AUTH_MODE_API1);
  g_assert_nonnull (strstr (dialog_get_intro (dialog), "API 1.0"));
  g_assert_nonnull (strstr (dialog_get_intro (dialog), "Application ID"));
  g_assert_null (strstr (dialog_get_intro (dialog), "API 2.0"));
  g_assert_null (strstr (dialog_get_intro (dialog), "Client"));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_refuses_space_in_id (void)
{
  ApCredentialsDialog *dialog;
  const char *message;

  keyring_clear ();
  dialog = open_dialog (NULL);
  dialog_set_field (dialog, "client-id", "abc def");
  dialog_set_field (dialog, "client-secret", CLIENT_SECRET);

  g_assert_false (dialog_can_save (dialog));
  g_assert_true (dialog_field_has_error (dialog, "client-id"));
  message = dialog_get_validation (dialog);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Client ID"));
  g_assert_nonnull (strstr (message, "space"));

  /* Blanks at the edges are trimmed, not refused. */
  dialog_set_field (dialog, "client-id", " " CLIENT_ID " ");
  g_assert_true (dialog_can_save (dialog));

  fill_api1 (dialog, SECRET_KEY);
  dialog_set_field (dialog, "app-id", "app id");
  g_assert_false (dialog_can_save (dialog));
  g_assert_true (dialog_field_has_error (dialog, "app-id"));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  test_program = argv[0];
  /* Before gtk_init(), which is where GTK looks for the bus */
  if (g_getenv ("AP_TEST_NO_KEYRING_CHILD") != NULL)
    g_test_log_set_fatal_handler (ignore_missing_bus, NULL);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Referencing the resource links its object file out of the static
   * library; its constructor registers the templates */
  g_assert_nonnull (ap_get_resource ());

  if (g_getenv ("AP_TEST_NO_KEYRING_CHILD") != NULL)
    {
      g_test_add_func ("/ap/credentials-dialog/no-keyring-child", test_no_keyring_child);
      return g_test_run ();
    }

  g_test_add_func ("/ap/credentials-dialog/empty-is-not-an-error", test_empty_is_not_an_error);
  g_test_add_func ("/ap/credentials-dialog/refuses-bad-base64", test_refuses_bad_base64);
  g_test_add_func ("/ap/credentials-dialog/refuses-insecure-url", test_refuses_insecure_url);
  g_test_add_func ("/ap/credentials-dialog/save-and-remove", test_save_and_remove);
  g_test_add_func ("/ap/credentials-dialog/api2-round-trip", test_api2_round_trip);
  g_test_add_func ("/ap/credentials-dialog/test-connection", test_connection);
  g_test_add_func ("/ap/credentials-dialog/no-keyring", test_no_keyring);
  g_test_add_func ("/ap/credentials-dialog/close", test_escape_closes);
  g_test_add_func ("/ap/credentials-dialog/initial-focus", test_initial_focus);
  g_test_add_func ("/ap/credentials-dialog/instructions-follow-mode",
                   test_instructions_follow_mode);
  g_test_add_func ("/ap/credentials-dialog/refuses-space-in-id", test_refuses_space_in_id);

  return g_test_run ();
}
