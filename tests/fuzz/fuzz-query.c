/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-query"

#include "config.h"

#include <json-glib/json-glib.h>

#include "ap-error.h"
#include "ap-query.h"
#include "fuzz.h"

/* The query validator (ap_query_validate()) on any search value, attribute
 * IDs, filter and page size, as the query bar or the command line can hand
 * them over (invalid UTF-8 included). Layout of an input: byte 0 the search
 * field, byte 1 the video count, bytes 2-3 the page size, byte 4 flags, then
 * NUL-separated pieces: the search value, up to five attribute IDs and a page
 * token. A query it accepts must serialize to a JSON body that says exactly
 * what was set, and describe itself in valid UTF-8; one it refuses must say
 * why in valid UTF-8. */

#define N_PIECES 7

static void
check_filter (JsonObject *item,
              const char *member,
              const char *field_name,
              const char *value)
{
  JsonObject *filter;

  if (field_name == NULL)
    {
      g_assert_false (json_object_has_member (item, member));
      return;
    }
  filter = json_object_get_object_member (item, member);
  g_assert_nonnull (filter);
  g_assert_cmpstr (json_object_get_string_member (filter, "fieldName"), ==, field_name);
  g_assert_cmpstr (json_object_get_string_member (filter, "value"), ==, value);
}

static void
check_body (ApQuery    *query,
            const char *page_token)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  const char * const *ids = ap_query_get_attribute_ids (query);
  ApVideoCount count = ap_query_get_video_count (query);
  JsonObject *root, *pagination, *item;
  JsonArray *array;
  gsize length;

  body = ap_query_to_request_body (query, page_token, &length);
  g_assert_cmpuint (strlen (body), ==, length);
  g_assert_true (json_parser_load_from_data (parser, body, (gssize) length, &error));
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  pagination = json_object_get_object_member (json_object_get_object_member (root, "meta"),
                                              "pagination");
  g_assert_cmpint (json_object_get_int_member (pagination, "pageSize"), ==,
                   ap_query_get_page_size (query));
  if (page_token != NULL && page_token[0] != '\0')
    g_assert_cmpstr (json_object_get_string_member (pagination, "pageToken"), ==, page_token);
  else
    g_assert_false (json_object_has_member (pagination, "pageToken"));

  array = json_object_get_array_member (root, "data");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  item = json_array_get_object_element (array, 0);

  check_filter (item, "searchBy", ap_search_field_to_string (ap_query_get_search_field (query)),
                ap_query_get_search_value (query));
  check_filter (item, "filterBy", count == AP_VIDEO_COUNT_ALL ? NULL : "type",
                ap_video_count_to_string (count));
  g_assert_cmpint (json_object_get_boolean_member (item, "includeUserDetails"), ==,
                   ap_query_get_include_user_details (query));

  if (ids == NULL)
    {
      g_assert_false (json_object_has_member (item, "attributeIds"));
    }
  else
    {
      JsonArray *sent = json_object_get_array_member (item, "attributeIds");

      g_assert_cmpuint (json_array_get_length (sent), ==, g_strv_length ((char **) ids));
      for (guint i = 0; ids[i] != NULL; i++)
        g_assert_cmpstr (json_array_get_string_element (sent, i), ==, ids[i]);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ApQuery) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  char *pieces[N_PIECES];
  const char *token;
  ApSearchField parsed_field;
  ApVideoCount parsed_count;
  guint n;

  fuzz_init ();

  if (size < 5)
    return 0;

  query = ap_query_new ();
  n = fuzz_split (data + 5, size - 5, pieces, N_PIECES);
  ap_query_set_search (query, data[0] % 5, (data[4] & 2) ? NULL : pieces[0]);
  ap_query_set_video_count (query, data[1] % 6);
  ap_query_set_page_size (query, (guint) data[2] | ((guint) data[3] << 8));
  ap_query_set_include_user_details (query, data[4] & 1);
  if (n > 1)
    {
      /* pieces[1 .. n-2] are IDs (NULL-terminated by the slot after them),
       * the last piece the page token. */
      g_autofree char *last = g_steal_pointer (&pieces[n - 1]);

      ap_query_set_attribute_ids (query, (const char * const *) &pieces[1]);
      pieces[n - 1] = g_steal_pointer (&last);
    }
  token = n > 1 ? pieces[n - 1] : NULL;

  /* The names the command line takes must round-trip. */
  if (ap_search_field_from_string (pieces[0], &parsed_field))
    g_assert_cmpstr (ap_search_field_to_string (parsed_field), ==, pieces[0]);
  if (ap_video_count_from_string (pieces[0], &parsed_count))
    g_assert_cmpstr (ap_video_count_to_string (parsed_count), ==, pieces[0]);

  if (!ap_query_validate (query, &error))
    {
      g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      fuzz_free_pieces (pieces, N_PIECES);
      return 0;
    }
  g_assert_no_error (error);

  description = ap_query_describe (query);
  g_assert_true (g_utf8_validate (description, -1, NULL));

  /* A page token comes from a page the parser read, so it is valid UTF-8. */
  check_body (query, token != NULL && g_utf8_validate (token, -1, NULL) ? token : NULL);

  fuzz_free_pieces (pieces, N_PIECES);
  return 0;
}
