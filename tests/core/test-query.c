/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-query"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ap-core-enums.h"
#include "ap-credentials.h"
#include "ap-error.h"
#include "ap-query.h"

static void
assert_invalid (ApQuery    *query,
                const char *expected_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ap_query_validate (query, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY);
  g_assert_cmpstr (error->message, ==, expected_message);
}

static void
assert_valid (ApQuery *query)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ap_query_validate (query, &error));
  g_assert_no_error (error);
}

static void
test_defaults (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();

  g_assert_cmpint (ap_query_get_search_field (query), ==, AP_SEARCH_FIELD_NONE);
  g_assert_null (ap_query_get_search_value (query));
  g_assert_null (ap_query_get_attribute_ids (query));
  g_assert_cmpint (ap_query_get_video_count (query), ==, AP_VIDEO_COUNT_ALL);
  g_assert_false (ap_query_get_include_user_details (query));
  g_assert_cmpuint (ap_query_get_page_size (query), ==, 500);
  assert_valid (query);
}

static void
test_search_rules (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();

  ap_query_set_search (query, AP_SEARCH_FIELD_EMAIL, NULL);
  assert_invalid (query, "searchBy: a value is needed when searching by email");
  ap_query_set_search (query, AP_SEARCH_FIELD_NAME, "   ");
  assert_invalid (query, "searchBy: a value is needed when searching by name");
  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "");
  assert_invalid (query, "searchBy: a value is needed when searching by department");

  ap_query_set_search (query, AP_SEARCH_FIELD_NONE, "Sales");
  assert_invalid (query, "searchBy: choose what to search by (name, email, department or "
                         "custom attribute) when a search value is given");

  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Sales\nEvil");
  assert_invalid (query, "searchBy: the search value must be plain text, without line breaks, "
                         "tabs or other control characters");
  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Sales\tX");
  g_assert_false (ap_query_validate (query, NULL));
  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Sales\xc2\x85");  /* C1 NEL */
  g_assert_false (ap_query_validate (query, NULL));
  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Sa\xffles");     /* not UTF-8 */
  g_assert_false (ap_query_validate (query, NULL));

  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Ventes & Marketing – Zürich");
  assert_valid (query);
  ap_query_set_search (query, AP_SEARCH_FIELD_NONE, NULL);
  assert_valid (query);
  ap_query_set_search (query, AP_SEARCH_FIELD_NONE, "");
  assert_valid (query);
}

static void
test_attribute_rules (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  const char *one[] = { "id-1", NULL };
  const char *three[] = { "id-1", "id-2", "id-3", NULL };
  const char *four[] = { "id-1", "id-2", "id-3", "id-4", NULL };
  const char *empty_id[] = { "id-1", "", NULL };
  const char *spaced[] = { "id 1", NULL };
  const char *control[] = { "id-1\r", NULL };
  const char *repeated[] = { "id-1", "id-2", "id-1", NULL };
  const char *none[] = { NULL };

  /* Required with customAttribute… */
  ap_query_set_search (query, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE, "Gold");
  assert_invalid (query, "attributeIds: at least one attribute ID is needed when searching by "
                         "customAttribute");
  ap_query_set_attribute_ids (query, none);
  g_assert_null (ap_query_get_attribute_ids (query));
  assert_invalid (query, "attributeIds: at least one attribute ID is needed when searching by "
                         "customAttribute");

  ap_query_set_attribute_ids (query, one);
  assert_valid (query);
  ap_query_set_attribute_ids (query, three);
  assert_valid (query);
  ap_query_set_attribute_ids (query, four);
  assert_invalid (query, "attributeIds: at most 3 IDs can be given");
  ap_query_set_attribute_ids (query, empty_id);
  assert_invalid (query, "attributeIds: ID 2 is empty");
  ap_query_set_attribute_ids (query, spaced);
  assert_invalid (query, "attributeIds: ID 1 must be a single word without spaces or control "
                         "characters");
  ap_query_set_attribute_ids (query, control);
  g_assert_false (ap_query_validate (query, NULL));
  ap_query_set_attribute_ids (query, repeated);
  assert_invalid (query, "attributeIds: ID 3 repeats ID 1");

  /* …the search value still needed… */
  ap_query_set_attribute_ids (query, one);
  ap_query_set_search (query, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE, NULL);
  assert_invalid (query, "searchBy: a value is needed when searching by customAttribute");

  /* …and refused with any other field or none. */
  ap_query_set_search (query, AP_SEARCH_FIELD_EMAIL, "a@example.com");
  assert_invalid (query, "attributeIds: attribute IDs can only be given when searching by "
                         "customAttribute");
  ap_query_set_search (query, AP_SEARCH_FIELD_NONE, NULL);
  assert_invalid (query, "attributeIds: attribute IDs can only be given when searching by "
                         "customAttribute");
  ap_query_set_attribute_ids (query, NULL);
  assert_valid (query);
}

static void
test_page_size (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();

  ap_query_set_page_size (query, 0);
  assert_invalid (query, "pageSize: the page size must be between 1 and 500");
  ap_query_set_page_size (query, 501);
  assert_invalid (query, "pageSize: the page size must be between 1 and 500");
  g_object_set (query, "page-size", 100000u, NULL);
  g_assert_false (ap_query_validate (query, NULL));
  ap_query_set_page_size (query, 1);
  assert_valid (query);
  ap_query_set_page_size (query, 500);
  assert_valid (query);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  GHashTable *counts = user_data;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
notified (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_properties_notify (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  const char *ids[] = { "a", "b", NULL };
  const char *same_ids[] = { "a", "b", NULL };
  g_auto(GStrv) read_ids = NULL;
  int field = -1, count = -1;
  guint page_size = 0;
  gboolean details = FALSE;
  g_autofree char *value = NULL;

  g_signal_connect (query, "notify", G_CALLBACK (on_notify), counts);

  ap_query_set_search (query, AP_SEARCH_FIELD_NAME, "Ann");
  ap_query_set_search (query, AP_SEARCH_FIELD_NAME, "Ann");
  g_assert_cmpuint (notified (counts, "search-field"), ==, 1);
  g_assert_cmpuint (notified (counts, "search-value"), ==, 1);

  ap_query_set_search (query, AP_SEARCH_FIELD_NAME, "Bob");
  g_assert_cmpuint (notified (counts, "search-field"), ==, 1);
  g_assert_cmpuint (notified (counts, "search-value"), ==, 2);

  ap_query_set_attribute_ids (query, ids);
  ap_query_set_attribute_ids (query, same_ids);
  g_assert_cmpuint (notified (counts, "attribute-ids"), ==, 1);

  ap_query_set_video_count (query, AP_VIDEO_COUNT_2);
  ap_query_set_video_count (query, AP_VIDEO_COUNT_2);
  g_assert_cmpuint (notified (counts, "video-count"), ==, 1);

  ap_query_set_include_user_details (query, TRUE);
  ap_query_set_include_user_details (query, 2);
  g_assert_cmpuint (notified (counts, "include-user-details"), ==, 1);

  ap_query_set_page_size (query, 100);
  ap_query_set_page_size (query, 100);
  g_assert_cmpuint (notified (counts, "page-size"), ==, 1);

  g_object_get (query,
                "search-field", &field,
                "search-value", &value,
                "attribute-ids", &read_ids,
                "video-count", &count,
                "include-user-details", &details,
                "page-size", &page_size,
                NULL);
  g_assert_cmpint (field, ==, AP_SEARCH_FIELD_NAME);
  g_assert_cmpstr (value, ==, "Bob");
  g_assert_true (g_strv_equal ((const char * const *) read_ids, ids));
  g_assert_cmpint (count, ==, AP_VIDEO_COUNT_2);
  g_assert_true (details);
  g_assert_cmpuint (page_size, ==, 100);

  g_object_set (query, "search-field", AP_SEARCH_FIELD_EMAIL, "video-count", AP_VIDEO_COUNT_0,
                NULL);
  g_assert_cmpint (ap_query_get_search_field (query), ==, AP_SEARCH_FIELD_EMAIL);
  g_assert_cmpstr (ap_query_get_search_value (query), ==, "Bob");
  g_assert_cmpint (ap_query_get_video_count (query), ==, AP_VIDEO_COUNT_0);
  g_assert_cmpuint (notified (counts, "search-field"), ==, 2);
}

/* Enum properties are typed, so a .ui file or a GValue names them by nick. */
static void
assert_enum_property (GType       type,
                      const char *name,
                      GType       enum_type,
                      const char *nick,
                      int         value)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), name);
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (enum_type);
  GEnumValue *found;

  g_assert_nonnull (pspec);
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == enum_type);
  found = g_enum_get_value_by_nick (enum_class, nick);
  g_assert_nonnull (found);
  g_assert_cmpint (found->value, ==, value);
}

static void
test_enum_properties (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_auto(GValue) value = G_VALUE_INIT;

  assert_enum_property (AP_TYPE_QUERY, "search-field", AP_TYPE_SEARCH_FIELD,
                        "custom-attribute", AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE);
  assert_enum_property (AP_TYPE_QUERY, "video-count", AP_TYPE_VIDEO_COUNT,
                        "4-or-more", AP_VIDEO_COUNT_4_OR_MORE);
  assert_enum_property (AP_TYPE_CREDENTIALS, "mode", AP_TYPE_AUTH_MODE,
                        "api1", AP_AUTH_MODE_API1);

  g_value_init (&value, AP_TYPE_VIDEO_COUNT);
  g_value_set_enum (&value, AP_VIDEO_COUNT_3);
  g_object_set_property (G_OBJECT (query), "video-count", &value);
  g_assert_cmpint (ap_query_get_video_count (query), ==, AP_VIDEO_COUNT_3);
}

static void
test_copy (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(ApQuery) copy = NULL;
  const char *ids[] = { "x1", NULL };
  g_autofree char *body_a = NULL;
  g_autofree char *body_b = NULL;

  ap_query_set_search (query, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE, "Gold");
  ap_query_set_attribute_ids (query, ids);
  ap_query_set_video_count (query, AP_VIDEO_COUNT_4_OR_MORE);
  ap_query_set_include_user_details (query, TRUE);
  ap_query_set_page_size (query, 42);

  copy = ap_query_copy (query);
  g_assert_true (copy != query);
  body_a = ap_query_to_request_body (query, "tok", NULL);
  body_b = ap_query_to_request_body (copy, "tok", NULL);
  g_assert_cmpstr (body_a, ==, body_b);

  /* Independent: changing the original leaves the copy as it was. */
  ap_query_set_search (query, AP_SEARCH_FIELD_NONE, NULL);
  ap_query_set_attribute_ids (query, NULL);
  g_assert_cmpint (ap_query_get_search_field (copy), ==, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE);
  g_assert_cmpstr (ap_query_get_search_value (copy), ==, "Gold");
  g_assert_cmpstr (ap_query_get_attribute_ids (copy)[0], ==, "x1");
}

static void
test_body_minimal (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autofree char *body = NULL;
  gsize length = 0;

  body = ap_query_to_request_body (query, NULL, &length);
  g_assert_cmpstr (body, ==,
                   "{\"meta\":{\"pagination\":{\"pageSize\":500}},"
                   "\"data\":[{\"includeUserDetails\":false}]}");
  g_assert_cmpuint (length, ==, strlen (body));

  g_free (body);
  body = ap_query_to_request_body (query, "", NULL);
  g_assert_cmpstr (body, ==,
                   "{\"meta\":{\"pagination\":{\"pageSize\":500}},"
                   "\"data\":[{\"includeUserDetails\":false}]}");
}

static void
test_body_full (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autofree char *body = NULL;
  const char *ids[] = { "mTmSgP1", "qZ\"2", NULL };

  ap_query_set_search (query, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE, "Gold \"VIP\" – Zürich");
  ap_query_set_attribute_ids (query, ids);
  ap_query_set_video_count (query, AP_VIDEO_COUNT_4_OR_MORE);
  ap_query_set_include_user_details (query, TRUE);
  ap_query_set_page_size (query, 250);

  body = ap_query_to_request_body (query, "eNoVzM0K", NULL);
  g_assert_cmpstr (body, ==,
                   "{\"meta\":{\"pagination\":{\"pageSize\":250,\"pageToken\":\"eNoVzM0K\"}},"
                   "\"data\":[{"
                   "\"searchBy\":{\"fieldName\":\"customAttribute\","
                   "\"value\":\"Gold \\\"VIP\\\" – Zürich\"},"
                   "\"attributeIds\":[\"mTmSgP1\",\"qZ\\\"2\"],"
                   "\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_4_or_more\"},"
                   "\"includeUserDetails\":true}]}");
}

static void
test_body_each_filter (void)
{
  static const struct {
    ApVideoCount count;
    const char *expected;  /* the "data" item */
  } cases[] = {
    { AP_VIDEO_COUNT_ALL, "{\"includeUserDetails\":false}" },
    { AP_VIDEO_COUNT_0, "{\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_0\"},"
                        "\"includeUserDetails\":false}" },
    { AP_VIDEO_COUNT_1, "{\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_1\"},"
                        "\"includeUserDetails\":false}" },
    { AP_VIDEO_COUNT_2, "{\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_2\"},"
                        "\"includeUserDetails\":false}" },
    { AP_VIDEO_COUNT_3, "{\"filterBy\":{\"fieldName\":\"type\",\"value\":\"video_count_3\"},"
                        "\"includeUserDetails\":false}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ApQuery) query = ap_query_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = NULL;

      ap_query_set_video_count (query, cases[i].count);
      node = ap_query_to_json_node (query);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      json = json_to_string (node, FALSE);
      g_assert_cmpstr (json, ==, cases[i].expected);
    }
}

static void
test_json_node (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object, *search;

  ap_query_set_search (query, AP_SEARCH_FIELD_EMAIL, "ann@example.com");
  ap_query_set_include_user_details (query, TRUE);

  node = ap_query_to_json_node (query);
  object = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  search = json_object_get_object_member (object, "searchBy");
  g_assert_cmpstr (json_object_get_string_member (search, "fieldName"), ==, "email");
  g_assert_cmpstr (json_object_get_string_member (search, "value"), ==, "ann@example.com");
  /* A JSON boolean, never a string or a number. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object,
                                                                      "includeUserDetails")),
                   ==, G_TYPE_BOOLEAN);
  g_assert_true (json_object_get_boolean_member (object, "includeUserDetails"));
  g_assert_false (json_object_has_member (object, "attributeIds"));
  g_assert_false (json_object_has_member (object, "filterBy"));
  g_assert_false (json_object_has_member (object, "userDetails"));
}

static void
test_describe (void)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  const char *ids[] = { "a1", "b2", NULL };
  g_autofree char *text = NULL;

  text = ap_query_describe (query);
  g_assert_cmpstr (text, ==, "All users, any number of videos watched");
  g_clear_pointer (&text, g_free);

  ap_query_set_search (query, AP_SEARCH_FIELD_DEPARTMENT, "Sales");
  ap_query_set_video_count (query, AP_VIDEO_COUNT_0);
  ap_query_set_include_user_details (query, TRUE);
  text = ap_query_describe (query);
  g_assert_cmpstr (text, ==, "Department contains “Sales”, 0 videos watched, "
                             "with training details");
  g_clear_pointer (&text, g_free);

  ap_query_set_search (query, AP_SEARCH_FIELD_NAME, "Ann");
  ap_query_set_video_count (query, AP_VIDEO_COUNT_1);
  ap_query_set_include_user_details (query, FALSE);
  text = ap_query_describe (query);
  g_assert_cmpstr (text, ==, "Name contains “Ann”, 1 video watched");
  g_clear_pointer (&text, g_free);

  ap_query_set_search (query, AP_SEARCH_FIELD_EMAIL, "@example.com");
  ap_query_set_video_count (query, AP_VIDEO_COUNT_4_OR_MORE);
  text = ap_query_describe (query);
  g_assert_cmpstr (text, ==, "Email contains “@example.com”, 4 or more videos watched");
  g_clear_pointer (&text, g_free);

  ap_query_set_search (query, AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE, "Gold");
  ap_query_set_attribute_ids (query, ids);
  ap_query_set_video_count (query, AP_VIDEO_COUNT_3);
  text = ap_query_describe (query);
  g_assert_cmpstr (text, ==, "Custom attribute contains “Gold” (attributes a1, b2), "
                             "3 videos watched");
}

static void
test_enum_strings (void)
{
  static const char *fields[] = { "name", "email", "department", "customAttribute" };
  static const char *counts[] = { "video_count_all", "video_count_0", "video_count_1",
                                  "video_count_2", "video_count_3", "video_count_4_or_more" };
  ApSearchField field = AP_SEARCH_FIELD_NONE;
  ApVideoCount count = AP_VIDEO_COUNT_ALL;

  g_assert_null (ap_search_field_to_string (AP_SEARCH_FIELD_NONE));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_assert_cmpstr (ap_search_field_to_string (AP_SEARCH_FIELD_NAME + i), ==, fields[i]);
      g_assert_true (ap_search_field_from_string (fields[i], &field));
      g_assert_cmpint (field, ==, AP_SEARCH_FIELD_NAME + i);
    }
  g_assert_false (ap_search_field_from_string ("Name", &field));
  g_assert_false (ap_search_field_from_string ("custom", &field));
  g_assert_false (ap_search_field_from_string ("", &field));
  g_assert_false (ap_search_field_from_string (NULL, &field));

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_assert_cmpstr (ap_video_count_to_string (AP_VIDEO_COUNT_ALL + i), ==, counts[i]);
      g_assert_true (ap_video_count_from_string (counts[i], &count));
      g_assert_cmpint (count, ==, AP_VIDEO_COUNT_ALL + i);
    }
  g_assert_false (ap_video_count_from_string ("video_count_4", &count));
  g_assert_false (ap_video_count_from_string ("video_count_5", &count));
  g_assert_false (ap_video_count_from_string (NULL, &count));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/query/defaults", test_defaults);
  g_test_add_func ("/ap/query/search-rules", test_search_rules);
  g_test_add_func ("/ap/query/attribute-rules", test_attribute_rules);
  g_test_add_func ("/ap/query/page-size", test_page_size);
  g_test_add_func ("/ap/query/properties-notify", test_properties_notify);
  g_test_add_func ("/ap/query/enum-properties", test_enum_properties);
  g_test_add_func ("/ap/query/copy", test_copy);
  g_test_add_func ("/ap/query/body-minimal", test_body_minimal);
  g_test_add_func ("/ap/query/body-full", test_body_full);
  g_test_add_func ("/ap/query/body-each-filter", test_body_each_filter);
  g_test_add_func ("/ap/query/json-node", test_json_node);
  g_test_add_func ("/ap/query/describe", test_describe);
  g_test_add_func ("/ap/query/enum-strings", test_enum_strings);

  return g_test_run ();
}
