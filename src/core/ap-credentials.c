/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-credentials"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ap-core-enums.h"
#include "ap-credentials.h"
#include "ap-error.h"
#include "ap-parser.h"
#include "ap-text-private.h"

/* The keyring secret's layout; bumped if its members ever change meaning. */
#define SERIALIZE_VERSION 1

/* Deeper than the flat object we write means it is not ours. */
#define SERIALIZE_MAX_DEPTH 4

/* Secrets are held only in these fields: there are deliberately no GObject
 * properties for them, so no property dump, inspector or binding can show
 * them. Only the mode and the base URL are properties. */
struct _ApCredentials
{
  GObject     parent_instance;

  ApAuthMode  mode;
  char       *base_url;
  char       *client_id;
  char       *client_secret;
  char       *access_key;
  char       *secret_key;
  char       *app_id;
  char       *app_key;
};

enum {
  PROP_0,
  PROP_MODE,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ApCredentials, ap_credentials, G_TYPE_OBJECT)

static const ApRegion regions[] = {
  { "eu", N_("Europe"), "https://eu-api.mimecast.com" },
  { "de", N_("Germany"), "https://de-api.mimecast.com" },
  { "us", N_("United States"), "https://us-api.mimecast.com" },
  { "ca", N_("Canada"), "https://ca-api.mimecast.com" },
  { "za", N_("South Africa"), "https://za-api.mimecast.com" },
  { "au", N_("Australia"), "https://au-api.mimecast.com" },
  { NULL, NULL, NULL }
};

typedef struct
{
  const char *env;     /* environment variable */
  const char *member;  /* member of the serialized JSON */
  gsize       offset;  /* of the char * in ApCredentials */
} Field;

static const Field api2_fields[] = {
  { "MIMECAST_CLIENT_ID", "clientId", G_STRUCT_OFFSET (ApCredentials, client_id) },
  { "MIMECAST_CLIENT_SECRET", "clientSecret", G_STRUCT_OFFSET (ApCredentials, client_secret) },
};

static const Field api1_fields[] = {
  { "MIMECAST_ACCESS_KEY", "accessKey", G_STRUCT_OFFSET (ApCredentials, access_key) },
  { "MIMECAST_SECRET_KEY", "secretKey", G_STRUCT_OFFSET (ApCredentials, secret_key) },
  { "MIMECAST_APP_ID", "appId", G_STRUCT_OFFSET (ApCredentials, app_id) },
  { "MIMECAST_APP_KEY", "appKey", G_STRUCT_OFFSET (ApCredentials, app_key) },
};

#define FIELD_PTR(self, field) ((char **) G_STRUCT_MEMBER_P ((self), (field)->offset))

/* Overwritten before release so a secret does not linger in freed heap
 * memory (core dumps, later allocations). The volatile pointer keeps the
 * compiler from dropping the stores as dead. */
static void
secret_free (char *secret)
{
  if (secret != NULL)
    {
      volatile char *p = secret;

      while (*p != '\0')
        *p++ = '\0';
      g_free (secret);
    }
}

static char *
normalize_base_url (const char *base_url,
                    const char *fallback)
{
  char *url;
  gsize len;

  if (base_url == NULL || base_url[0] == '\0')
    base_url = fallback;
  if (base_url == NULL)
    return NULL;

  /* Blanks and slashes come off the end together, as many as there are:
   * trimming slashes once and blanks once would leave "x\r/" as "x\r" here
   * and as "x" on the next load, so a saved address would not come back as
   * it was saved (found by tests/fuzz/fuzz-credentials.c). */
  url = g_strchug (g_strdup (base_url));
  len = strlen (url);
  while (len > 0 && (url[len - 1] == '/' || g_ascii_isspace (url[len - 1])))
    url[--len] = '\0';

  /* Only blanks and slashes is no address: the same as none, so that a
   * saved "///" does not come back as "" once and as none after that. */
  if (len == 0)
    {
      g_free (url);
      return g_strdup (fallback);
    }

  return url;
}

static void
ap_credentials_finalize (GObject *object)
{
  ApCredentials *self = (ApCredentials *) object;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->client_id, secret_free);
  g_clear_pointer (&self->client_secret, secret_free);
  g_clear_pointer (&self->access_key, secret_free);
  g_clear_pointer (&self->secret_key, secret_free);
  g_clear_pointer (&self->app_id, secret_free);
  g_clear_pointer (&self->app_key, secret_free);

  G_OBJECT_CLASS (ap_credentials_parent_class)->finalize (object);
}

static void
ap_credentials_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ApCredentials *self = AP_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_credentials_class_init (ApCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ap_credentials_finalize;
  object_class->get_property = ap_credentials_get_property;

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, AP_TYPE_AUTH_MODE, AP_AUTH_MODE_API2,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ap_credentials_init (ApCredentials *self)
{
}

/**
 * ap_credentials_new_api2:
 * @base_url: (nullable): NULL for %AP_API2_DEFAULT_BASE_URL
 *
 * Returns: (transfer full): unvalidated credentials
 */
ApCredentials *
ap_credentials_new_api2 (const char *base_url,
                         const char *client_id,
                         const char *client_secret)
{
  ApCredentials *self = g_object_new (AP_TYPE_CREDENTIALS, NULL);

  self->mode = AP_AUTH_MODE_API2;
  self->base_url = normalize_base_url (base_url, AP_API2_DEFAULT_BASE_URL);
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (client_secret);

  return self;
}

/**
 * ap_credentials_new_api1:
 * @base_url: (nullable): the regional grid; required by validation
 *
 * Returns: (transfer full): unvalidated credentials
 */
ApCredentials *
ap_credentials_new_api1 (const char *base_url,
                         const char *access_key,
                         const char *secret_key,
                         const char *app_id,
                         const char *app_key)
{
  ApCredentials *self = g_object_new (AP_TYPE_CREDENTIALS, NULL);

  /* API 1.0 has no global host: without a grid there is no URL at all. */
  self->mode = AP_AUTH_MODE_API1;
  self->base_url = normalize_base_url (base_url, NULL);
  self->access_key = g_strdup (access_key);
  self->secret_key = g_strdup (secret_key);
  self->app_id = g_strdup (app_id);
  self->app_key = g_strdup (app_key);

  return self;
}

static const char *
env_value (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

static gboolean
any_env_set (const Field *fields,
             gsize        n_fields)
{
  for (gsize i = 0; i < n_fields; i++)
    if (env_value (fields[i].env) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
check_env_complete (const Field  *fields,
                    gsize         n_fields,
                    GError      **error)
{
  for (gsize i = 0; i < n_fields; i++)
    if (env_value (fields[i].env) == NULL)
      {
        g_set_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                     _("The environment variable %s is not set; it is needed together with "
                       "the other %s variables"),
                     fields[i].env, fields[0].env);
        return FALSE;
      }
  return TRUE;
}

/**
 * ap_credentials_new_from_environment:
 *
 * An empty variable counts as unset. Values are never repeated in messages,
 * only the variables' names.
 *
 * Returns: (transfer full) (nullable): NULL without error when no MIMECAST_*
 *   variable is set
 */
ApCredentials *
ap_credentials_new_from_environment (GError **error)
{
  gboolean api1, api2;
  const char *base_url;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  api1 = any_env_set (api1_fields, G_N_ELEMENTS (api1_fields));
  api2 = any_env_set (api2_fields, G_N_ELEMENTS (api2_fields));
  base_url = env_value ("MIMECAST_BASE_URL");

  if (!api1 && !api2)
    {
      if (base_url != NULL)
        {
          g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                               _("MIMECAST_BASE_URL is set, but neither MIMECAST_CLIENT_ID and "
                                 "MIMECAST_CLIENT_SECRET (API 2.0) nor MIMECAST_ACCESS_KEY, "
                                 "MIMECAST_SECRET_KEY, MIMECAST_APP_ID and MIMECAST_APP_KEY "
                                 "(API 1.0) are"));
          return NULL;
        }
      return NULL;
    }

  if (api1 && api2)
    {
      g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                           _("Both API 2.0 (MIMECAST_CLIENT_ID, MIMECAST_CLIENT_SECRET) and "
                             "API 1.0 (MIMECAST_ACCESS_KEY, …) variables are set; unset one "
                             "of the two sets"));
      return NULL;
    }

  if (api2)
    {
      if (!check_env_complete (api2_fields, G_N_ELEMENTS (api2_fields), error))
        return NULL;
      return ap_credentials_new_api2 (base_url,
                                      env_value ("MIMECAST_CLIENT_ID"),
                                      env_value ("MIMECAST_CLIENT_SECRET"));
    }

  if (base_url == NULL)
    {
      g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                           _("The environment variable MIMECAST_BASE_URL is not set; API 1.0 "
                             "needs your region's address, e.g. https://eu-api.mimecast.com"));
      return NULL;
    }
  if (!check_env_complete (api1_fields, G_N_ELEMENTS (api1_fields), error))
    return NULL;

  return ap_credentials_new_api1 (base_url,
                                  env_value ("MIMECAST_ACCESS_KEY"),
                                  env_value ("MIMECAST_SECRET_KEY"),
                                  env_value ("MIMECAST_APP_ID"),
                                  env_value ("MIMECAST_APP_KEY"));
}

ApAuthMode
ap_credentials_get_mode (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), AP_AUTH_MODE_API2);

  return self->mode;
}

/* Returns: (nullable): without a trailing slash */
const char *
ap_credentials_get_base_url (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  return self->base_url;
}

/* Returns: (nullable): NULL for API 1.0 credentials */
const char *
ap_credentials_get_client_id (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  return self->client_id;
}

/* Returns: (nullable): NULL for API 1.0 credentials */
const char *
ap_credentials_get_client_secret (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  return self->client_secret;
}

/* Returns: (nullable): NULL for API 2.0 credentials */
const char *
ap_credentials_get_access_key (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  return self->access_key;
}

/* Returns: (nullable): NULL for API 2.0 credentials */
const char *
ap_credentials_get_secret_key (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  return self->secret_key;
}

/* Returns: (nullable): NULL for API 2.0 credentials */
const char *
ap_credentials_get_app_id (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  return self->app_id;
}

/* Returns: (nullable): NULL for API 2.0 credentials */
const char *
ap_credentials_get_app_key (ApCredentials *self)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  return self->app_key;
}

static inline gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

gboolean
ap_base64_is_valid (const char *text)
{
  gsize len, data_len;

  if (text == NULL)
    return FALSE;

  len = strlen (text);
  if (len == 0 || len % 4 != 0)
    return FALSE;

  data_len = len;
  if (text[len - 1] == '=')
    data_len--;
  if (text[len - 2] == '=')
    data_len--;

  /* "xx==" and "xxx=" are the only legal paddings: a quantum needs at
   * least two characters to carry one byte. */
  if (len - data_len > 0 && data_len % 4 < 2)
    return FALSE;

  for (gsize i = 0; i < data_len; i++)
    if (!is_base64_char (text[i]))
      return FALSE;

  return TRUE;
}

static gboolean
check_field (const char  *value,
             const char  *label,
             GError     **error)
{
  if (ap_text_is_blank (value))
    {
      /* Translators: %s is a field name such as "Client ID" */
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                   _("%s: this field is required"), label);
      return FALSE;
    }
  if (ap_text_has_control_characters (value) || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                   _("%s: contains line breaks or other characters that cannot be part of a "
                     "key; copy it again from the Mimecast Administration Console"), label);
      return FALSE;
    }
  return TRUE;
}

/* IDs and keys Mimecast issues never hold a space: one inside means a
 * copy that caught a neighbouring word, or two values pasted together.
 * (The dialog trims the edges before this.) */
static gboolean
check_id_field (const char  *value,
                const char  *label,
                GError     **error)
{
  if (!check_field (value, label, error))
    return FALSE;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isspace (g_utf8_get_char (p)))
      {
        /* Translators: %s is a field name such as "Client ID" */
        g_set_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                     _("%s: contains a space, which an ID never does; copy it again from the "
                       "Mimecast Administration Console"), label);
        return FALSE;
      }

  return TRUE;
}

/**
 * ap_credentials_validate:
 *
 * Fields are checked in the order a form shows them, so the first message
 * names the first field to fix. Messages name fields, never their values.
 */
gboolean
ap_credentials_validate (ApCredentials  *self,
                         GError        **error)
{
  g_return_val_if_fail (AP_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->mode == AP_AUTH_MODE_API2)
    {
      if (!check_id_field (self->client_id, _("Client ID"), error) ||
          !check_field (self->client_secret, _("Client Secret"), error))
        return FALSE;
    }
  else
    {
      if (!check_id_field (self->access_key, _("Access Key"), error) ||
          !check_field (self->secret_key, _("Secret Key"), error))
        return FALSE;

      if (!ap_base64_is_valid (self->secret_key))
        {
          g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                               _("Secret Key: this is not valid base64 (letters, digits, “+” and "
                                 "“/”, padded with “=” to a multiple of four characters); copy "
                                 "it again from the Mimecast Administration Console"));
          return FALSE;
        }

      if (!check_id_field (self->app_id, _("Application ID"), error) ||
          !check_field (self->app_key, _("Application Key"), error))
        return FALSE;
    }

  if (self->base_url == NULL || self->base_url[0] == '\0')
    {
      g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                           _("Base URL: choose your region or enter the address of your "
                             "Mimecast API"));
      return FALSE;
    }

  return ap_base_url_check (self->base_url, error);
}

/* TRUE when @a and @b sign in the same way (mode, URL and every key). */
gboolean
ap_credentials_equal (ApCredentials *a,
                      ApCredentials *b)
{
  g_return_val_if_fail (a == NULL || AP_IS_CREDENTIALS (a), FALSE);
  g_return_val_if_fail (b == NULL || AP_IS_CREDENTIALS (b), FALSE);

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return a->mode == b->mode &&
         g_strcmp0 (a->base_url, b->base_url) == 0 &&
         g_strcmp0 (a->client_id, b->client_id) == 0 &&
         g_strcmp0 (a->client_secret, b->client_secret) == 0 &&
         g_strcmp0 (a->access_key, b->access_key) == 0 &&
         g_strcmp0 (a->secret_key, b->secret_key) == 0 &&
         g_strcmp0 (a->app_id, b->app_id) == 0 &&
         g_strcmp0 (a->app_key, b->app_key) == 0;
}

static void
mode_fields (ApAuthMode    mode,
             const Field **fields,
             gsize        *n_fields)
{
  if (mode == AP_AUTH_MODE_API2)
    {
      *fields = api2_fields;
      *n_fields = G_N_ELEMENTS (api2_fields);
    }
  else
    {
      *fields = api1_fields;
      *n_fields = G_N_ELEMENTS (api1_fields);
    }
}

/**
 * ap_credentials_serialize:
 *
 * {"version":1,"mode":"api1","baseUrl":…,"accessKey":…,…}: only the
 * members of the mode, unset ones omitted. Meant for the keyring only.
 *
 * Returns: (transfer full): free it with a function that clears memory,
 *   e.g. secret_password_free()
 */
char *
ap_credentials_serialize (ApCredentials *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  const Field *fields;
  gsize n_fields;

  g_return_val_if_fail (AP_IS_CREDENTIALS (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, SERIALIZE_VERSION);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, ap_auth_mode_to_string (self->mode));
  if (self->base_url != NULL)
    {
      json_builder_set_member_name (builder, "baseUrl");
      json_builder_add_string_value (builder, self->base_url);
    }

  mode_fields (self->mode, &fields, &n_fields);
  for (gsize i = 0; i < n_fields; i++)
    {
      const char *value = *FIELD_PTR (self, &fields[i]);

      if (value == NULL)
        continue;
      json_builder_set_member_name (builder, fields[i].member);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static ApCredentials *
unreadable (GError **error)
{
  g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS,
                       _("The saved credentials could not be read; enter them again"));
  return NULL;
}

/* A member that is absent is NULL; one of another type is an error. */
static gboolean
get_optional_string (JsonObject  *object,
                     const char  *member,
                     const char **value)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *value = json_node_get_string (node);
  return TRUE;
}

/**
 * ap_credentials_deserialize:
 *
 * The reverse of ap_credentials_serialize(). The data is never quoted in
 * an error. No validation happens here.
 *
 * Returns: (transfer full) (nullable)
 */
ApCredentials *
ap_credentials_deserialize (const char  *data,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(ApCredentials) self = NULL;
  JsonNode *root, *version;
  JsonObject *object;
  const char *mode_str, *base_url;
  const Field *fields;
  gsize n_fields;
  ApAuthMode mode;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ap_json_check (data, strlen (data), SERIALIZE_MAX_DEPTH, NULL))
    return unreadable (error);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, -1, NULL))
    return unreadable (error);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return unreadable (error);
  object = json_node_get_object (root);

  version = json_object_get_member (object, "version");
  if (version == NULL || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != SERIALIZE_VERSION)
    return unreadable (error);

  if (!get_optional_string (object, "mode", &mode_str) ||
      !ap_auth_mode_from_string (mode_str, &mode) ||
      !get_optional_string (object, "baseUrl", &base_url))
    return unreadable (error);

  self = g_object_new (AP_TYPE_CREDENTIALS, NULL);
  self->mode = mode;
  self->base_url = normalize_base_url (base_url,
                                       mode == AP_AUTH_MODE_API2 ? AP_API2_DEFAULT_BASE_URL : NULL);

  mode_fields (mode, &fields, &n_fields);
  for (gsize i = 0; i < n_fields; i++)
    {
      const char *value;

      if (!get_optional_string (object, fields[i].member, &value))
        return unreadable (error);
      *FIELD_PTR (self, &fields[i]) = g_strdup (value);
    }

  return g_steal_pointer (&self);
}

static gboolean
insecure (GError     **error,
          const char  *message)
{
  g_set_error_literal (error, AP_ERROR, AP_ERROR_INSECURE_URL, message);
  return FALSE;
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  /* Names other than "localhost" could resolve anywhere; only literal
   * addresses are judged, and g_inet_address_get_is_loopback() covers the
   * whole of 127.0.0.0/8 and ::1. */
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * ap_base_url_check:
 *
 * The base URL is a scheme, a host and an optional port: requests append
 * their own path, so a path, query, fragment or user name would either be
 * lost or change what is signed. The URL itself is not quoted in messages in
 * case a password was pasted into it.
 */
gboolean
ap_base_url_check (const char  *base_url,
                   GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host, *path;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (base_url == NULL || base_url[0] == '\0')
    return insecure (error, _("Base URL: enter an address starting with https://"));

  if (ap_text_has_control_characters (base_url) || strchr (base_url, ' ') != NULL)
    return insecure (error, _("Base URL: the address must not contain spaces or line breaks"));

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return insecure (error, _("Base URL: this is not a web address; enter one such as "
                              "https://eu-api.mimecast.com"));

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);

  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    return insecure (error, _("Base URL: the address must start with https://"));

  if (host == NULL || host[0] == '\0')
    return insecure (error, _("Base URL: the address has no host name; enter one such as "
                              "https://eu-api.mimecast.com"));

  if (g_uri_get_userinfo (uri) != NULL)
    return insecure (error, _("Base URL: the address must not contain a user name or password"));

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return insecure (error, _("Base URL: the address must not contain “?” or “#”; enter only "
                              "the scheme and host, e.g. https://eu-api.mimecast.com"));

  if (path != NULL && path[0] != '\0' && !g_str_equal (path, "/"))
    return insecure (error, _("Base URL: enter only the scheme and host, e.g. "
                              "https://eu-api.mimecast.com, without a path"));

  if (g_ascii_strcasecmp (scheme, "http") == 0 && !host_is_loopback (host))
    return insecure (error, _("Base URL: plain http:// is only allowed to this computer "
                              "(localhost, 127.0.0.1 or ::1); use https:// so that your keys "
                              "are not sent unencrypted"));

  return TRUE;
}

/* Returns: (array zero-terminated=1): ends with an entry whose id is NULL */
const ApRegion *
ap_credentials_get_regions (void)
{
  return regions;
}

const char *
ap_auth_mode_to_string (ApAuthMode mode)
{
  switch (mode)
    {
    case AP_AUTH_MODE_API2:
      return "api2";
    case AP_AUTH_MODE_API1:
      return "api1";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
ap_auth_mode_from_string (const char *str,
                          ApAuthMode *mode)
{
  g_return_val_if_fail (mode != NULL, FALSE);

  if (g_strcmp0 (str, "api2") == 0)
    *mode = AP_AUTH_MODE_API2;
  else if (g_strcmp0 (str, "api1") == 0)
    *mode = AP_AUTH_MODE_API1;
  else
    return FALSE;

  return TRUE;
}
