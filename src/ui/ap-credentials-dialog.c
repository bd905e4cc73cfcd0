/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-credentials-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-a11y.h"
#include "ap-credentials-dialog-private.h"

typedef enum
{
  FIELD_CLIENT_ID,
  FIELD_CLIENT_SECRET,
  FIELD_CUSTOM_URL,
  FIELD_REGION_URL,
  FIELD_ACCESS_KEY,
  FIELD_SECRET_KEY,
  FIELD_APP_ID,
  FIELD_APP_KEY,
  N_FIELDS
} Field;

/* Validation order, as the rows appear */
static const Field api2_fields[] = { FIELD_CLIENT_ID, FIELD_CLIENT_SECRET, FIELD_CUSTOM_URL };
static const Field api1_fields[] = { FIELD_REGION_URL, FIELD_ACCESS_KEY, FIELD_SECRET_KEY,
                                     FIELD_APP_ID, FIELD_APP_KEY };

enum {
  SAVED,
  REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ApCredentialsDialog, ap_credentials_dialog, ADW_TYPE_WINDOW)

static AdwEntryRow *
field_row (ApCredentialsDialog *self,
           Field                field)
{
  switch (field)
    {
    case FIELD_CLIENT_ID:     return self->client_id_row;
    case FIELD_CLIENT_SECRET: return self->client_secret_row;
    case FIELD_CUSTOM_URL:    return self->custom_url_row;
    case FIELD_REGION_URL:    return self->region_url_row;
    case FIELD_ACCESS_KEY:    return self->access_key_row;
    case FIELD_SECRET_KEY:    return self->secret_key_row;
    case FIELD_APP_ID:        return self->app_id_row;
    case FIELD_APP_KEY:       return self->app_key_row;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
field_is_secret (Field field)
{
  return field == FIELD_CLIENT_SECRET || field == FIELD_SECRET_KEY || field == FIELD_APP_KEY;
}

static ApAuthMode
current_mode (ApCredentialsDialog *self)
{
  return adw_combo_row_get_selected (self->mode_row) == 1 ? AP_AUTH_MODE_API1
                                                           : AP_AUTH_MODE_API2;
}

static guint
n_regions (void)
{
  const ApRegion *regions = ap_credentials_get_regions ();
  guint n = 0;

  while (regions[n].id != NULL)
    n++;
  return n;
}

static gboolean
region_is_custom (ApCredentialsDialog *self)
{
  return adw_combo_row_get_selected (self->region_row) >= n_regions ();
}

static gboolean
custom_url_active (ApCredentialsDialog *self)
{
  return adw_expander_row_get_enable_expansion (self->custom_url_expander);
}

/* Leading and trailing blanks come with copy and paste from web consoles;
 * they are never part of a key. (transfer full) */
static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* A stored secret stands in for an empty secret field, when the stored
 * credentials are of the mode being edited. (nullable) */
static const char *
stored_secret (ApCredentialsDialog *self,
               Field                field)
{
  if (self->stored == NULL || ap_credentials_get_mode (self->stored) != current_mode (self))
    return NULL;

  switch (field)
    {
    case FIELD_CLIENT_SECRET:
      return ap_credentials_get_client_secret (self->stored);
    case FIELD_SECRET_KEY:
      return ap_credentials_get_secret_key (self->stored);
    case FIELD_APP_KEY:
      return ap_credentials_get_app_key (self->stored);
    default:
      return NULL;
    }
}

/* The value the credentials will carry for @field. (transfer full) */
static char *
field_value (ApCredentialsDialog *self,
             Field                field)
{
  g_autofree char *text = NULL;

  if (field == FIELD_CUSTOM_URL && !custom_url_active (self))
    return g_strdup (AP_API2_DEFAULT_BASE_URL);

  if (field == FIELD_REGION_URL && !region_is_custom (self))
    {
      const ApRegion *regions = ap_credentials_get_regions ();

      return g_strdup (regions[adw_combo_row_get_selected (self->region_row)].base_url);
    }

  text = row_text (field_row (self, field));
  if (*text == '\0' && field_is_secret (field) && stored_secret (self, field) != NULL)
    return g_strdup (stored_secret (self, field));

  return g_steal_pointer (&text);
}

/* @values indexed by Field; NULL entries take a harmless valid stand-in,
 * so that one field can be checked alone by ap_credentials_validate(). */
static ApCredentials *
credentials_from_values (ApAuthMode   mode,
                         char * const values[N_FIELDS])
{
#define V(f, fallback) (values[f] != NULL ? values[f] : (fallback))
  if (mode == AP_AUTH_MODE_API2)
    return ap_credentials_new_api2 (V (FIELD_CUSTOM_URL, AP_API2_DEFAULT_BASE_URL),
                                    V (FIELD_CLIENT_ID, "x"),
                                    V (FIELD_CLIENT_SECRET, "x"));
  return ap_credentials_new_api1 (V (FIELD_REGION_URL, "https://eu-api.mimecast.com"),
                                  V (FIELD_ACCESS_KEY, "x"),
                                  V (FIELD_SECRET_KEY, "eA=="),
                                  V (FIELD_APP_ID, "x"),
                                  V (FIELD_APP_KEY, "x"));
#undef V
}

/* (transfer full) */
ApCredentials *
ap_credentials_dialog_build_credentials (ApCredentialsDialog *self)
{
  char *values[N_FIELDS] = { NULL, };
  ApCredentials *credentials;

  for (guint i = 0; i < N_FIELDS; i++)
    values[i] = field_value (self, i);
  credentials = credentials_from_values (current_mode (self), values);
  for (guint i = 0; i < N_FIELDS; i++)
    g_free (values[i]);

  return credentials;
}

void
ap_credentials_dialog_clear_fields (ApCredentialsDialog *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (i != FIELD_CUSTOM_URL)
      gtk_editable_set_text (GTK_EDITABLE (field_row (self, i)), "");
}

void
ap_credentials_dialog_set_status (ApCredentialsDialog *self,
                                  ApCredentialsStatus  kind,
                                  const char          *text)
{
  gtk_label_set_text (self->status_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), kind == AP_CREDENTIALS_STATUS_BUSY);
  gtk_spinner_set_spinning (self->spinner, kind == AP_CREDENTIALS_STATUS_BUSY);

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "success");

  switch (kind)
    {
    case AP_CREDENTIALS_STATUS_SUCCESS:
      gtk_image_set_from_icon_name (self->status_icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "success");
      gtk_widget_set_visible (GTK_WIDGET (self->status_icon), TRUE);
      break;
    case AP_CREDENTIALS_STATUS_ERROR:
      gtk_image_set_from_icon_name (self->status_icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->status_icon), TRUE);
      break;
    case AP_CREDENTIALS_STATUS_NONE:
    case AP_CREDENTIALS_STATUS_BUSY:
    case AP_CREDENTIALS_STATUS_INFO:
    default:
      gtk_widget_set_visible (GTK_WIDGET (self->status_icon), FALSE);
      break;
    }

  /* Screen readers hear the outcome without moving focus */
  if (kind != AP_CREDENTIALS_STATUS_NONE && text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

void
ap_credentials_dialog_set_busy (ApCredentialsDialog *self,
                                gboolean             busy)
{
  self->busy = !!busy;
  ap_credentials_dialog_validate (self);
}

void
ap_credentials_dialog_update_secret_titles (ApCredentialsDialog *self)
{
  static const struct {
    Field       field;
    const char *title;
    const char *stored_title;
  } titles[] = {
    { FIELD_CLIENT_SECRET, N_("Client Secret"),
      N_("Client Secret (stored in keyring — leave empty to keep)") },
    { FIELD_SECRET_KEY, N_("Secret Key"),
      N_("Secret Key (stored in keyring — leave empty to keep)") },
    { FIELD_APP_KEY, N_("Application Key"),
      N_("Application Key (stored in keyring — leave empty to keep)") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      gboolean kept = stored_secret (self, titles[i].field) != NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field_row (self, titles[i].field)),
                                     kept ? _(titles[i].stored_title) : _(titles[i].title));
    }
}

void
ap_credentials_dialog_validate (ApCredentialsDialog *self)
{
  ApAuthMode mode = current_mode (self);
  const Field *fields = mode == AP_AUTH_MODE_API2 ? api2_fields : api1_fields;
  guint n_fields = mode == AP_AUTH_MODE_API2 ? G_N_ELEMENTS (api2_fields)
                                             : G_N_ELEMENTS (api1_fields);
  GtkLabel *error_label = mode == AP_AUTH_MODE_API2 ? self->api2_error_label
                                                    : self->api1_error_label;
  g_autofree char *message = NULL;
  gboolean complete = TRUE;
  gboolean valid = TRUE;

  for (guint i = 0; i < N_FIELDS; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (field_row (self, i)), "error");

  /* Each field alone against stand-ins for the others, so the row at fault
   * is the one marked, with ap_credentials_validate()'s own reason. An
   * empty field is not an error yet: Save stays off until it is filled. */
  for (guint i = 0; i < n_fields; i++)
    {
      char *values[N_FIELDS] = { NULL, };
      g_autoptr(ApCredentials) alone = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *value = field_value (self, fields[i]);

      if (*value == '\0')
        {
          complete = FALSE;
          continue;
        }

      values[fields[i]] = value;
      alone = credentials_from_values (mode, values);
      if (!ap_credentials_validate (alone, &error))
        {
          gtk_widget_add_css_class (GTK_WIDGET (field_row (self, fields[i])), "error");
          if (message == NULL)
            message = g_strdup (error->message);
          valid = FALSE;
        }
    }

  if (complete && valid)
    {
      g_autoptr(ApCredentials) credentials = ap_credentials_dialog_build_credentials (self);
      g_autoptr(GError) error = NULL;

      if (!ap_credentials_validate (credentials, &error))
        {
          message = g_strdup (error->message);
          valid = FALSE;
        }
    }

  gtk_label_set_text (self->api1_error_label, "");
  gtk_label_set_text (self->api2_error_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->api1_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->api2_error_label), FALSE);
  if (message != NULL)
    {
      gtk_label_set_text (error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (error_label), TRUE);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            complete && valid && !self->busy && !self->lookup_pending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), complete && valid && !self->busy);
  /* Screen readers hear that the keyring or the service is being asked */
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY,
                               self->busy || self->lookup_pending, -1);
}

void
ap_credentials_dialog_cancel_pending (ApCredentialsDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
on_field_changed (ApCredentialsDialog *self)
{
  /* A test result belongs to the values it was run with; filling in the
   * stored values is not an edit */
  if (self->status_is_test && !self->applying_stored)
    {
      if (self->busy)
        {
          ap_credentials_dialog_cancel_pending (self);
          self->busy = FALSE;
        }
      self->status_is_test = FALSE;
      ap_credentials_dialog_set_status (self, AP_CREDENTIALS_STATUS_NONE, NULL);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->region_url_row), region_is_custom (self));
  /* The region's address, so it can be checked against the console's */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->region_row),
                               region_is_custom (self)
                               ? ""
                               : ap_credentials_get_regions ()[adw_combo_row_get_selected (self->region_row)].base_url);
  adw_expander_row_set_subtitle (self->custom_url_expander,
                                 custom_url_active (self) ? "" : AP_API2_DEFAULT_BASE_URL);
  ap_credentials_dialog_validate (self);
}

/* The first field of the shown group that still wants typing; with stored
 * credentials the secrets are optional (kept when empty) and skipped. */
static AdwEntryRow *
first_empty_row (ApCredentialsDialog *self)
{
  static const Field api1_fields[] = { FIELD_ACCESS_KEY, FIELD_SECRET_KEY, FIELD_APP_ID,
                                       FIELD_APP_KEY };
  static const Field api2_fields[] = { FIELD_CLIENT_ID, FIELD_CLIENT_SECRET };
  gboolean api1 = current_mode (self) == AP_AUTH_MODE_API1;
  const Field *fields = api1 ? api1_fields : api2_fields;
  guint n = api1 ? G_N_ELEMENTS (api1_fields) : G_N_ELEMENTS (api2_fields);

  for (guint i = 0; i < n; i++)
    {
      AdwEntryRow *row = field_row (self, fields[i]);

      if (self->stored != NULL && field_is_secret (fields[i]))
        continue;
      if (*gtk_editable_get_text (GTK_EDITABLE (row)) == '\0')
        return row;
    }

  return field_row (self, fields[0]);
}

static gboolean
focus_is_in (ApCredentialsDialog *self,
             GtkWidget           *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && widget != NULL &&
         (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* The dialog opens where typing starts, not on Cancel; once the keyring
 * has filled in what it knows, the focus follows unless the person has
 * already moved it. */
void
ap_credentials_dialog_place_focus (ApCredentialsDialog *self)
{
  AdwEntryRow *row;

  if (self->focus_row != NULL && !focus_is_in (self, GTK_WIDGET (self->focus_row)) &&
      gtk_root_get_focus (GTK_ROOT (self)) != NULL)
    return;

  row = first_empty_row (self);
  self->focus_row = row;
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
on_mode_changed (ApCredentialsDialog *self)
{
  gboolean api1 = current_mode (self) == AP_AUTH_MODE_API1;

  gtk_widget_set_visible (GTK_WIDGET (self->api1_group), api1);
  gtk_widget_set_visible (GTK_WIDGET (self->api2_group), !api1);
  /* Each API version is set up in its own place of the console. */
  adw_preferences_group_set_description (self->intro_group, api1
    ? _("In the Mimecast Administration Console, add an API 1.0 application (Services › "
        "API and Platform Integrations › API 1.0 Applications) and copy its Application ID "
        "and Key. Then create keys for a user whose role has the “Awareness Training | "
        "Dashboard | Read” permission. Everything is stored in your keyring.")
    : _("In the Mimecast Administration Console, create an API 2.0 application "
        "(Integrations › API and Platform Integrations) with the “Awareness Training | "
        "Dashboard | Read” permission, then enter its Client ID and Client Secret. They are "
        "stored in your keyring."));
  ap_credentials_dialog_update_secret_titles (self);
  on_field_changed (self);
}

static void
select_region_for_url (ApCredentialsDialog *self,
                       const char          *base_url)
{
  const ApRegion *regions = ap_credentials_get_regions ();
  guint n = n_regions ();

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (regions[i].base_url, base_url) == 0)
      {
        adw_combo_row_set_selected (self->region_row, i);
        return;
      }

  adw_combo_row_set_selected (self->region_row, n);
  gtk_editable_set_text (GTK_EDITABLE (self->region_url_row), base_url);
}

void
ap_credentials_dialog_show_base_url (ApCredentialsDialog *self,
                                     ApAuthMode           mode,
                                     const char          *base_url)
{
  if (base_url == NULL || *base_url == '\0')
    return;

  if (mode == AP_AUTH_MODE_API1)
    {
      select_region_for_url (self, base_url);
    }
  else if (g_strcmp0 (base_url, AP_API2_DEFAULT_BASE_URL) != 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->custom_url_row), base_url);
      adw_expander_row_set_enable_expansion (self->custom_url_expander, TRUE);
    }
}

static void
ap_credentials_dialog_dispose (GObject *object)
{
  ApCredentialsDialog *self = AP_CREDENTIALS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stored);
  g_clear_object (&self->settings);
  g_clear_object (&self->region_model);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_CREDENTIALS_DIALOG);

  G_OBJECT_CLASS (ap_credentials_dialog_parent_class)->dispose (object);
}

static void
ap_credentials_dialog_class_init (ApCredentialsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_credentials_dialog_dispose;

  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AP_TYPE_CREDENTIALS);
  signals[REMOVED] =
    g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ap-credentials-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, access_key_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, api1_error_label);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, api1_group);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, api2_error_label);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, api2_group);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, app_id_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, app_key_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, client_secret_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, custom_url_expander);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, custom_url_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, intro_group);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, region_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, region_url_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, remove_group);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, secret_key_row);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, status_icon);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, ApCredentialsDialog, test_button);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_changed);
  ap_credentials_dialog_bind_actions (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ap_credentials_dialog_init (ApCredentialsDialog *self)
{
  const ApRegion *regions = ap_credentials_get_regions ();

  self->cancellable = g_cancellable_new ();
  self->region_model = gtk_string_list_new (NULL);
  for (guint i = 0; regions[i].id != NULL; i++)
    gtk_string_list_append (self->region_model, _(regions[i].label));
  gtk_string_list_append (self->region_model, _("Custom…"));

  gtk_widget_init_template (GTK_WIDGET (self));

  adw_combo_row_set_model (self->region_row, G_LIST_MODEL (self->region_model));

  /* Keys and URLs are not words */
  for (guint i = 0; i < N_FIELDS; i++)
    if (!field_is_secret (i))
      adw_entry_row_set_input_hints (field_row (self, i),
                                     GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_NO_EMOJI);
  adw_entry_row_set_input_purpose (self->custom_url_row, GTK_INPUT_PURPOSE_URL);

  /* Enter in any field saves, when Save is possible */
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
  for (guint i = 0; i < N_FIELDS; i++)
    adw_entry_row_set_activates_default (field_row (self, i), TRUE);
  adw_entry_row_set_input_purpose (self->region_url_row, GTK_INPUT_PURPOSE_URL);

  on_mode_changed (self);

  ap_a11y_name_buttons (GTK_WIDGET (self));
  ap_a11y_label_first (GTK_WIDGET (self->custom_url_expander), GTK_TYPE_SWITCH,
                       _("Use a Custom URL"));
  /* The eye that shows a secret as text */
  ap_a11y_label_buttons_in (GTK_WIDGET (self->client_secret_row), _("Show Text"));
  ap_a11y_label_buttons_in (GTK_WIDGET (self->secret_key_row), _("Show Text"));
  ap_a11y_label_buttons_in (GTK_WIDGET (self->app_key_row), _("Show Text"));
}

ApCredentialsDialog *
ap_credentials_dialog_new (GtkWindow *parent,
                           GSettings *settings)
{
  ApCredentialsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (AP_TYPE_CREDENTIALS_DIALOG,
                       "transient-for", parent,
                       NULL);

  /* Until the keyring answers, the last mode and URL used are the best guess */
  if (settings != NULL)
    {
      g_autofree char *mode_string = g_settings_get_string (settings, "auth-mode");
      g_autofree char *base_url = g_settings_get_string (settings, "base-url");
      ApAuthMode mode = AP_AUTH_MODE_API2;

      self->settings = g_object_ref (settings);
      ap_auth_mode_from_string (mode_string, &mode);
      adw_combo_row_set_selected (self->mode_row, mode == AP_AUTH_MODE_API1 ? 1 : 0);
      ap_credentials_dialog_show_base_url (self, mode, base_url);
    }

  ap_credentials_dialog_look_up (self);
  on_field_changed (self);
  /* Only once shown: with GTK 4.8, focusing a field of a window not yet
   * mapped made AT-SPI expose the whole window as a "filler", not a
   * frame, and screen readers lost the dialog. */
  g_signal_connect (self, "map", G_CALLBACK (ap_credentials_dialog_place_focus), NULL);

  return self;
}
