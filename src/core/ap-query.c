/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-query"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-core-enums.h"
#include "ap-error.h"
#include "ap-query.h"
#include "ap-text-private.h"

/* Mimecast does not publish a limit; this keeps a pasted document out of the
 * request body and the window title. */
#define MAX_VALUE_LENGTH 512

struct _ApQuery
{
  GObject        parent_instance;

  ApSearchField  search_field;
  char          *search_value;
  char         **attribute_ids;  /* NULL when there are none */
  ApVideoCount   video_count;
  guint          page_size;
  guint          include_user_details : 1;
};

enum {
  PROP_0,
  PROP_SEARCH_FIELD,
  PROP_SEARCH_VALUE,
  PROP_ATTRIBUTE_IDS,
  PROP_VIDEO_COUNT,
  PROP_INCLUDE_USER_DETAILS,
  PROP_PAGE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ApQuery, ap_query, G_TYPE_OBJECT)

static const char * const search_field_names[] = {
  [AP_SEARCH_FIELD_NONE] = NULL,
  [AP_SEARCH_FIELD_NAME] = "name",
  [AP_SEARCH_FIELD_EMAIL] = "email",
  [AP_SEARCH_FIELD_DEPARTMENT] = "department",
  [AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE] = "customAttribute",
};

static const char * const video_count_names[] = {
  [AP_VIDEO_COUNT_ALL] = "video_count_all",
  [AP_VIDEO_COUNT_0] = "video_count_0",
  [AP_VIDEO_COUNT_1] = "video_count_1",
  [AP_VIDEO_COUNT_2] = "video_count_2",
  [AP_VIDEO_COUNT_3] = "video_count_3",
  [AP_VIDEO_COUNT_4_OR_MORE] = "video_count_4_or_more",
};

static gboolean
set_string (char       **dest,
            const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal (a, b);
}

static void
ap_query_finalize (GObject *object)
{
  ApQuery *self = (ApQuery *) object;

  g_clear_pointer (&self->search_value, g_free);
  g_clear_pointer (&self->attribute_ids, g_strfreev);

  G_OBJECT_CLASS (ap_query_parent_class)->finalize (object);
}

static void
ap_query_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ApQuery *self = AP_QUERY (object);

  switch (prop_id)
    {
    case PROP_SEARCH_FIELD:
      g_value_set_enum (value, self->search_field);
      break;
    case PROP_SEARCH_VALUE:
      g_value_set_string (value, self->search_value);
      break;
    case PROP_ATTRIBUTE_IDS:
      g_value_set_boxed (value, self->attribute_ids);
      break;
    case PROP_VIDEO_COUNT:
      g_value_set_enum (value, self->video_count);
      break;
    case PROP_INCLUDE_USER_DETAILS:
      g_value_set_boolean (value, self->include_user_details);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_query_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  ApQuery *self = AP_QUERY (object);

  switch (prop_id)
    {
    case PROP_SEARCH_FIELD:
      ap_query_set_search (self, g_value_get_enum (value), self->search_value);
      break;
    case PROP_SEARCH_VALUE:
      ap_query_set_search (self, self->search_field, g_value_get_string (value));
      break;
    case PROP_ATTRIBUTE_IDS:
      ap_query_set_attribute_ids (self, g_value_get_boxed (value));
      break;
    case PROP_VIDEO_COUNT:
      ap_query_set_video_count (self, g_value_get_enum (value));
      break;
    case PROP_INCLUDE_USER_DETAILS:
      ap_query_set_include_user_details (self, g_value_get_boolean (value));
      break;
    case PROP_PAGE_SIZE:
      ap_query_set_page_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_query_class_init (ApQueryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ap_query_finalize;
  object_class->get_property = ap_query_get_property;
  object_class->set_property = ap_query_set_property;

  properties[PROP_SEARCH_FIELD] =
    g_param_spec_enum ("search-field", NULL, NULL,
                       AP_TYPE_SEARCH_FIELD, AP_SEARCH_FIELD_NONE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_VALUE] =
    g_param_spec_string ("search-value", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTRIBUTE_IDS] =
    g_param_spec_boxed ("attribute-ids", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIDEO_COUNT] =
    g_param_spec_enum ("video-count", NULL, NULL,
                       AP_TYPE_VIDEO_COUNT, AP_VIDEO_COUNT_ALL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCLUDE_USER_DETAILS] =
    g_param_spec_boolean ("include-user-details", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The full guint range is accepted so that a bad size reaches
   * ap_query_validate() and its message instead of a GLib warning. */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 0, G_MAXUINT, AP_QUERY_DEFAULT_PAGE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ap_query_init (ApQuery *self)
{
  self->search_field = AP_SEARCH_FIELD_NONE;
  self->video_count = AP_VIDEO_COUNT_ALL;
  self->page_size = AP_QUERY_DEFAULT_PAGE_SIZE;
}

/**
 * ap_query_new:
 *
 * Everyone, every video count, no training details, pages of 500.
 *
 * Returns: (transfer full): a new #ApQuery
 */
ApQuery *
ap_query_new (void)
{
  return g_object_new (AP_TYPE_QUERY, NULL);
}

/**
 * ap_query_copy:
 *
 * Returns: (transfer full): an independent copy of @self
 */
ApQuery *
ap_query_copy (ApQuery *self)
{
  ApQuery *copy;

  g_return_val_if_fail (AP_IS_QUERY (self), NULL);

  copy = ap_query_new ();
  copy->search_field = self->search_field;
  copy->search_value = g_strdup (self->search_value);
  copy->attribute_ids = g_strdupv (self->attribute_ids);
  copy->video_count = self->video_count;
  copy->include_user_details = self->include_user_details;
  copy->page_size = self->page_size;

  return copy;
}

ApSearchField
ap_query_get_search_field (ApQuery *self)
{
  g_return_val_if_fail (AP_IS_QUERY (self), AP_SEARCH_FIELD_NONE);

  return self->search_field;
}

/* Returns: (nullable) */
const char *
ap_query_get_search_value (ApQuery *self)
{
  g_return_val_if_fail (AP_IS_QUERY (self), NULL);

  return self->search_value;
}

void
ap_query_set_search (ApQuery       *self,
                     ApSearchField  field,
                     const char    *value)
{
  gboolean field_changed = FALSE;
  gboolean value_changed;

  g_return_if_fail (AP_IS_QUERY (self));
  g_return_if_fail (field >= AP_SEARCH_FIELD_NONE && field <= AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->search_field != field)
    {
      self->search_field = field;
      field_changed = TRUE;
    }
  value_changed = set_string (&self->search_value, value);

  if (field_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_FIELD]);
  if (value_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_VALUE]);

  g_object_thaw_notify (G_OBJECT (self));
}

/* Returns: (nullable) (transfer none): NULL when there are none */
const char * const *
ap_query_get_attribute_ids (ApQuery *self)
{
  g_return_val_if_fail (AP_IS_QUERY (self), NULL);

  return (const char * const *) self->attribute_ids;
}

/* @ids: (nullable): NULL or an empty array clears them */
void
ap_query_set_attribute_ids (ApQuery            *self,
                            const char * const *ids)
{
  g_return_if_fail (AP_IS_QUERY (self));

  /* One spelling for "none", so that equality and the JSON body agree. */
  if (ids != NULL && ids[0] == NULL)
    ids = NULL;

  if (strv_equal0 ((const char * const *) self->attribute_ids, ids))
    return;

  g_strfreev (self->attribute_ids);
  self->attribute_ids = g_strdupv ((char **) ids);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTRIBUTE_IDS]);
}

ApVideoCount
ap_query_get_video_count (ApQuery *self)
{
  g_return_val_if_fail (AP_IS_QUERY (self), AP_VIDEO_COUNT_ALL);

  return self->video_count;
}

void
ap_query_set_video_count (ApQuery      *self,
                          ApVideoCount  video_count)
{
  g_return_if_fail (AP_IS_QUERY (self));
  g_return_if_fail (video_count >= AP_VIDEO_COUNT_ALL && video_count <= AP_VIDEO_COUNT_4_OR_MORE);

  if (self->video_count == video_count)
    return;

  self->video_count = video_count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_COUNT]);
}

gboolean
ap_query_get_include_user_details (ApQuery *self)
{
  g_return_val_if_fail (AP_IS_QUERY (self), FALSE);

  return self->include_user_details;
}

void
ap_query_set_include_user_details (ApQuery  *self,
                                   gboolean  include)
{
  g_return_if_fail (AP_IS_QUERY (self));

  include = !!include;
  if (self->include_user_details == (guint) include)
    return;

  self->include_user_details = include;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCLUDE_USER_DETAILS]);
}

guint
ap_query_get_page_size (ApQuery *self)
{
  g_return_val_if_fail (AP_IS_QUERY (self), AP_QUERY_DEFAULT_PAGE_SIZE);

  return self->page_size;
}

/* Out-of-range sizes are kept so that ap_query_validate() can name the rule. */
void
ap_query_set_page_size (ApQuery *self,
                        guint    page_size)
{
  g_return_if_fail (AP_IS_QUERY (self));

  if (self->page_size == page_size)
    return;

  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

static gboolean
validate_search (ApQuery  *self,
                 GError  **error)
{
  if (self->search_field == AP_SEARCH_FIELD_NONE)
    {
      if (!ap_text_is_blank (self->search_value))
        {
          g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                               _("searchBy: choose what to search by (name, email, department "
                                 "or custom attribute) when a search value is given"));
          return FALSE;
        }
      return TRUE;
    }

  if (ap_text_is_blank (self->search_value))
    {
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                   _("searchBy: a value is needed when searching by %s"),
                   ap_search_field_to_string (self->search_field));
      return FALSE;
    }

  if (!g_utf8_validate (self->search_value, -1, NULL) ||
      ap_text_has_control_characters (self->search_value))
    {
      g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                           _("searchBy: the search value must be plain text, without line breaks, "
                             "tabs or other control characters"));
      return FALSE;
    }

  if (g_utf8_strlen (self->search_value, -1) > MAX_VALUE_LENGTH)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                   _("searchBy: the search value can be at most %d characters long"),
                   MAX_VALUE_LENGTH);
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_attribute_ids (ApQuery  *self,
                        GError  **error)
{
  guint n_ids = self->attribute_ids != NULL ? g_strv_length (self->attribute_ids) : 0;

  if (self->search_field != AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE)
    {
      if (n_ids > 0)
        {
          g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                               _("attributeIds: attribute IDs can only be given when searching "
                                 "by customAttribute"));
          return FALSE;
        }
      return TRUE;
    }

  if (n_ids == 0)
    {
      g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                           _("attributeIds: at least one attribute ID is needed when searching "
                             "by customAttribute"));
      return FALSE;
    }

  if (n_ids > AP_QUERY_MAX_ATTRIBUTE_IDS)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                   _("attributeIds: at most %d IDs can be given"), AP_QUERY_MAX_ATTRIBUTE_IDS);
      return FALSE;
    }

  for (guint i = 0; i < n_ids; i++)
    {
      const char *id = self->attribute_ids[i];

      if (ap_text_is_blank (id))
        {
          g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                       _("attributeIds: ID %u is empty"), i + 1);
          return FALSE;
        }

      /* Mimecast secure IDs are opaque tokens without spaces; a space or a
       * line break is a copy-and-paste accident, refused before it costs a
       * request. */
      if (!g_utf8_validate (id, -1, NULL) || ap_text_has_control_characters (id) ||
          strpbrk (id, " \t") != NULL || strlen (id) > MAX_VALUE_LENGTH)
        {
          g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                       _("attributeIds: ID %u must be a single word without spaces or "
                         "control characters"), i + 1);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        if (g_str_equal (self->attribute_ids[j], id))
          {
            g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                         _("attributeIds: ID %u repeats ID %u"), i + 1, j + 1);
            return FALSE;
          }
    }

  return TRUE;
}

/**
 * ap_query_validate:
 *
 * Checks every rule of the reference page before a request is made.
 *
 * Returns: TRUE when @self may be sent
 */
gboolean
ap_query_validate (ApQuery  *self,
                   GError  **error)
{
  g_return_val_if_fail (AP_IS_QUERY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_search (self, error) || !validate_attribute_ids (self, error))
    return FALSE;

  if (self->page_size < 1 || self->page_size > AP_QUERY_MAX_PAGE_SIZE)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                   _("pageSize: the page size must be between 1 and %d"),
                   AP_QUERY_MAX_PAGE_SIZE);
      return FALSE;
    }

  return TRUE;
}

static void
add_filter_object (JsonBuilder *builder,
                   const char  *member,
                   const char  *field_name,
                   const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fieldName");
  json_builder_add_string_value (builder, field_name);
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
}

/* The "data" item. filterBy is left out for video_count_all: the reference
 * page names it the default, so the body stays minimal and is the same
 * whether a caller chose "all" or never touched the filter. includeUserDetails
 * is always sent, as a real JSON boolean (the page's samples send a Python
 * True under the wrong name). */
static void
build_data_item (ApQuery     *self,
                 JsonBuilder *builder)
{
  json_builder_begin_object (builder);

  if (self->search_field != AP_SEARCH_FIELD_NONE)
    add_filter_object (builder, "searchBy",
                       ap_search_field_to_string (self->search_field),
                       self->search_value != NULL ? self->search_value : "");

  if (self->attribute_ids != NULL && self->attribute_ids[0] != NULL)
    {
      json_builder_set_member_name (builder, "attributeIds");
      json_builder_begin_array (builder);
      for (guint i = 0; self->attribute_ids[i] != NULL; i++)
        json_builder_add_string_value (builder, self->attribute_ids[i]);
      json_builder_end_array (builder);
    }

  if (self->video_count != AP_VIDEO_COUNT_ALL)
    add_filter_object (builder, "filterBy", "type",
                       ap_video_count_to_string (self->video_count));

  json_builder_set_member_name (builder, "includeUserDetails");
  json_builder_add_boolean_value (builder, self->include_user_details);

  json_builder_end_object (builder);
}

/**
 * ap_query_to_request_body:
 * @page_token: (nullable): meta.pagination.next of the previous page
 * @length: (out) (optional): the body's length in bytes
 *
 * Serializes what is set; call ap_query_validate() first.
 *
 * Returns: (transfer full): the compact JSON request body
 */
char *
ap_query_to_request_body (ApQuery    *self,
                          const char *page_token,
                          gsize      *length)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (AP_IS_QUERY (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pagination");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pageSize");
  json_builder_add_int_value (builder, self->page_size);
  if (page_token != NULL && page_token[0] != '\0')
    {
      json_builder_set_member_name (builder, "pageToken");
      json_builder_add_string_value (builder, page_token);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  build_data_item (self, builder);
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, length);
}

/**
 * ap_query_to_json_node:
 *
 * Returns: (transfer full): the "data" item alone, as sent
 */
JsonNode *
ap_query_to_json_node (ApQuery *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (AP_IS_QUERY (self), NULL);

  builder = json_builder_new ();
  build_data_item (self, builder);

  return json_builder_get_root (builder);
}

static char *
describe_search (ApQuery *self)
{
  const char *value = self->search_value != NULL ? self->search_value : "";

  switch (self->search_field)
    {
    case AP_SEARCH_FIELD_NONE:
      return g_strdup (_("All users"));
    case AP_SEARCH_FIELD_NAME:
      return g_strdup_printf (_("Name contains “%s”"), value);
    case AP_SEARCH_FIELD_EMAIL:
      return g_strdup_printf (_("Email contains “%s”"), value);
    case AP_SEARCH_FIELD_DEPARTMENT:
      return g_strdup_printf (_("Department contains “%s”"), value);
    case AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE:
      {
        g_autofree char *ids = NULL;

        if (self->attribute_ids == NULL)
          return g_strdup_printf (_("Custom attribute contains “%s”"), value);

        ids = g_strjoinv (", ", self->attribute_ids);
        /* Translators: the second %s is a comma-separated list of attribute IDs */
        return g_strdup_printf (_("Custom attribute contains “%s” (attributes %s)"), value, ids);
      }
    default:
      g_assert_not_reached ();
    }
}

static char *
describe_video_count (ApQuery *self)
{
  switch (self->video_count)
    {
    case AP_VIDEO_COUNT_ALL:
      return g_strdup (_("any number of videos watched"));
    case AP_VIDEO_COUNT_0:
    case AP_VIDEO_COUNT_1:
    case AP_VIDEO_COUNT_2:
    case AP_VIDEO_COUNT_3:
      {
        guint n = self->video_count - AP_VIDEO_COUNT_0;

        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u video watched",
                                             "%u videos watched", n), n);
      }
    case AP_VIDEO_COUNT_4_OR_MORE:
      return g_strdup (_("4 or more videos watched"));
    default:
      g_assert_not_reached ();
    }
}

/**
 * ap_query_describe:
 *
 * Returns: (transfer full): one translated line, e.g. "Department contains
 *   “Sales”, 0 videos watched, with training details"
 */
char *
ap_query_describe (ApQuery *self)
{
  g_autofree char *search = NULL;
  g_autofree char *count = NULL;

  g_return_val_if_fail (AP_IS_QUERY (self), NULL);

  search = describe_search (self);
  count = describe_video_count (self);

  if (self->include_user_details)
    /* Translators: e.g. "All users, 2 videos watched, with training details" */
    return g_strdup_printf (_("%s, %s, with training details"), search, count);
  else
    /* Translators: e.g. "All users, 2 videos watched" */
    return g_strdup_printf (_("%s, %s"), search, count);
}

/* Returns: (nullable): the API's name, NULL for AP_SEARCH_FIELD_NONE */
const char *
ap_search_field_to_string (ApSearchField field)
{
  g_return_val_if_fail (field >= AP_SEARCH_FIELD_NONE &&
                        field <= AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE, NULL);

  return search_field_names[field];
}

/* Accepts the API's names exactly as the reference page spells them. */
gboolean
ap_search_field_from_string (const char    *str,
                             ApSearchField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = AP_SEARCH_FIELD_NAME; i < G_N_ELEMENTS (search_field_names); i++)
    if (g_str_equal (str, search_field_names[i]))
      {
        *field = i;
        return TRUE;
      }

  return FALSE;
}

const char *
ap_video_count_to_string (ApVideoCount video_count)
{
  g_return_val_if_fail (video_count >= AP_VIDEO_COUNT_ALL &&
                        video_count <= AP_VIDEO_COUNT_4_OR_MORE, NULL);

  return video_count_names[video_count];
}

gboolean
ap_video_count_from_string (const char   *str,
                            ApVideoCount *video_count)
{
  g_return_val_if_fail (video_count != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (video_count_names); i++)
    if (g_str_equal (str, video_count_names[i]))
      {
        *video_count = i;
        return TRUE;
      }

  return FALSE;
}
