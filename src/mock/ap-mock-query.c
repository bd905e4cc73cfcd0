/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ap-mock-server-private.h"

/* The request body checked as Mimecast checks it: every problem found
 * becomes one "fail" entry of an HTTP 200 reply, not only the first. */

static void
problem_clear (gpointer data)
{
  ApMockProblem *problem = data;

  g_free (problem->message);
}

GArray *
ap_mock_problems_new (void)
{
  GArray *problems = g_array_new (FALSE, FALSE, sizeof (ApMockProblem));

  g_array_set_clear_func (problems, problem_clear);
  return problems;
}

void
ap_mock_problems_add (GArray     *problems,
                      const char *code,
                      const char *format,
                      ...)
{
  ApMockProblem problem = { code, NULL };
  va_list args;

  va_start (args, format);
  problem.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (problems, problem);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
parse_filter_object (JsonObject *item,
                     const char *member,
                     JsonObject **out,
                     GArray     *problems)
{
  JsonNode *node = json_object_get_member (item, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ap_mock_problems_add (problems, "err_validation_invalid_type", "%s must be an object",
                            member);
      return;
    }
  *out = json_node_get_object (node);
}

/* The data item and meta.pagination of a request, checked as Mimecast
 * checks them. Problems become "fail" entries of an HTTP 200 reply. */
static void
parse_pagination (JsonObject  *pagination,
                  ApMockQuery *query,
                  GArray      *problems)
{
  JsonNode *size = json_object_get_member (pagination, "pageSize");
  JsonNode *token = json_object_get_member (pagination, "pageToken");

  if (size != NULL)
    {
      gint64 value;

      if (!JSON_NODE_HOLDS_VALUE (size) || json_node_get_value_type (size) != G_TYPE_INT64)
        ap_mock_problems_add (problems, "err_validation_invalid_page_size",
                              "meta.pagination.pageSize must be a whole number");
      else if ((value = json_node_get_int (size)) < 1 || value > 500)
        ap_mock_problems_add (problems, "err_validation_invalid_page_size",
                              "meta.pagination.pageSize must be from 1 to 500");
      else
        query->page_size = (guint) value;
    }
  if (token != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (token) || json_node_get_value_type (token) != G_TYPE_STRING)
        ap_mock_problems_add (problems, "err_validation_invalid_page_token",
                              "meta.pagination.pageToken must be a string");
      else if (*json_node_get_string (token) != '\0')
        query->page_token = g_strdup (json_node_get_string (token));
    }
}

/* meta.pagination: not part of the query's key. */
static void
parse_meta (JsonObject  *object,
            ApMockQuery *query,
            GArray      *problems)
{
  JsonNode *node = json_object_get_member (object, "meta");

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ap_mock_problems_add (problems, "err_validation_invalid_type", "meta must be an object");
      return;
    }
  node = json_object_get_member (json_node_get_object (node), "pagination");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    parse_pagination (json_node_get_object (node), query, problems);
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    ap_mock_problems_add (problems, "err_validation_invalid_type",
                          "meta.pagination must be an object");
}

static void
parse_search (JsonObject  *search,
              ApMockQuery *query,
              GArray      *problems)
{
  static const struct
  {
    const char  *name;
    ApMockSearch search;
  } fields[] = {
    { "name", AP_MOCK_SEARCH_NAME },
    { "email", AP_MOCK_SEARCH_EMAIL },
    { "department", AP_MOCK_SEARCH_DEPARTMENT },
    { "customAttribute", AP_MOCK_SEARCH_CUSTOM_ATTRIBUTE },
  };
  const char *field = member_string (search, "fieldName");
  const char *value = member_string (search, "value");

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (field, fields[i].name) == 0)
      query->search = fields[i].search;
  if (query->search == AP_MOCK_SEARCH_NONE)
    ap_mock_problems_add (problems, "err_validation_invalid_search_field",
                          "searchBy.fieldName must be name, email, department or customAttribute");

  if (value == NULL || *value == '\0')
    ap_mock_problems_add (problems, "err_validation_blank_value",
                          "searchBy.value must be a non-empty string");
  else if (!g_utf8_validate (value, -1, NULL))
    ap_mock_problems_add (problems, "err_validation_invalid_value", "searchBy.value is not UTF-8");
  else
    {
      query->search_value = g_strdup (value);
      query->search_folded = g_utf8_casefold (value, -1);
    }
}

static void
parse_filter (JsonObject  *filter,
              ApMockQuery *query,
              GArray      *problems)
{
  static const char * const counts[] = {
    "video_count_0", "video_count_1", "video_count_2", "video_count_3",
    "video_count_4_or_more",
  };
  const char *field = member_string (filter, "fieldName");
  const char *value = member_string (filter, "value");
  gboolean known = FALSE;

  if (g_strcmp0 (field, "type") != 0)
    ap_mock_problems_add (problems, "err_validation_invalid_filter_field",
                          "filterBy.fieldName must be \"type\"");
  if (g_strcmp0 (value, "video_count_all") == 0)
    known = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (g_strcmp0 (value, counts[i]) == 0)
      {
        query->video_count = (int) i;
        known = TRUE;
      }
  if (!known)
    ap_mock_problems_add (problems, "err_validation_invalid_filter_value",
                          "filterBy.value must be video_count_0, video_count_1, video_count_2, "
                          "video_count_3, video_count_4_or_more or video_count_all");
}

static void
parse_attribute_ids (JsonNode    *node,
                     ApMockQuery *query,
                     GArray      *problems)
{
  JsonArray *ids;
  guint n;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      ap_mock_problems_add (problems, "err_validation_invalid_type",
                            "attributeIds must be an array");
      return;
    }
  ids = json_node_get_array (node);
  n = json_array_get_length (ids);
  if (n > AP_MOCK_N_ATTRIBUTES)
    ap_mock_problems_add (problems, "err_validation_too_many_attribute_ids",
                          "attributeIds can hold at most 3 IDs");
  for (guint i = 0; i < n && i < AP_MOCK_N_ATTRIBUTES; i++)
    {
      JsonNode *id = json_array_get_element (ids, i);

      if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING ||
          *json_node_get_string (id) == '\0')
        {
          ap_mock_problems_add (problems, "err_validation_invalid_attribute_id",
                                "attributeIds must hold non-empty strings");
          break;
        }
      query->attribute_ids[query->n_attribute_ids++] = g_strdup (json_node_get_string (id));
    }
}

/* data[0]: what selects the users (searchBy, filterBy, attributeIds) and
 * what each one carries (includeUserDetails). */
static void
parse_item (JsonObject  *item,
            ApMockQuery *query,
            GArray      *problems)
{
  JsonObject *search, *filter;
  JsonNode *node;

  parse_filter_object (item, "searchBy", &search, problems);
  parse_filter_object (item, "filterBy", &filter, problems);
  if (search != NULL)
    parse_search (search, query, problems);
  if (filter != NULL)
    parse_filter (filter, query, problems);

  parse_attribute_ids (json_object_get_member (item, "attributeIds"), query, problems);
  if (query->search == AP_MOCK_SEARCH_CUSTOM_ATTRIBUTE && query->n_attribute_ids == 0)
    ap_mock_problems_add (problems, "err_validation_missing_attribute_ids",
                          "attributeIds is required when searchBy.fieldName is customAttribute");

  node = json_object_get_member (item, "includeUserDetails");
  if (node == NULL)
    return;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    ap_mock_problems_add (problems, "err_validation_invalid_type",
                          "includeUserDetails must be true or false");
  else
    query->include_user_details = json_node_get_boolean (node);
}

/* The data item and meta.pagination of a request. @key: data[0] as sent,
 * for the "fail" entries. */
void
ap_mock_query_parse (JsonNode    *root,
                     ApMockQuery *query,
                     JsonNode   **key,
                     GArray      *problems)
{
  JsonObject *object;
  JsonNode *data, *node;
  JsonArray *items;

  memset (query, 0, sizeof *query);
  query->video_count = AP_MOCK_VIDEO_COUNT_ALL;
  query->page_size = AP_MOCK_DEFAULT_PAGE_SIZE;
  *key = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      ap_mock_problems_add (problems, "err_validation_invalid_request",
                            "The request must be an object");
      return;
    }
  object = json_node_get_object (root);
  parse_meta (object, query, problems);

  data = json_object_get_member (object, "data");
  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data) ||
      json_array_get_length (items = json_node_get_array (data)) == 0)
    {
      ap_mock_problems_add (problems, "err_validation_missing_data",
                            "data must be an array of one item");
      return;
    }
  node = json_array_get_element (items, 0);
  *key = json_node_ref (node);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ap_mock_problems_add (problems, "err_validation_invalid_type", "data[0] must be an object");
      return;
    }
  parse_item (json_node_get_object (node), query, problems);
}

/* The page token: where the scan resumes, how many users matched before it,
 * and the query's hash. Opaque to clients; base64 so it looks it. */
char *
ap_mock_page_token_encode (guint   scan_index,
                           guint   matched,
                           guint64 hash)
{
  g_autofree char *text = g_strdup_printf ("%u:%u:%016" G_GINT64_MODIFIER "x",
                                           scan_index, matched, hash);

  return g_base64_encode ((const guchar *) text, strlen (text));
}

gboolean
ap_mock_page_token_decode (const char *token,
                           guint64     hash,
                           guint       n_users,
                           guint      *scan_index,
                           guint      *matched)
{
  gsize length = 0;
  g_autofree guchar *raw = g_base64_decode (token, &length);
  g_autofree char *text = g_strndup ((const char *) raw, length);
  g_autofree char *again = NULL;
  guint64 token_hash;
  guint a, b;
  int consumed = -1;

  if (raw == NULL || length == 0 ||
      sscanf (text, "%u:%u:%16" G_GINT64_MODIFIER "x%n", &a, &b, &token_hash, &consumed) != 3 ||
      consumed < 0 || text[consumed] != '\0')
    return FALSE;
  /* g_base64_decode() accepts nearly anything: only our own exact
   * encoding of these numbers is a token. */
  again = ap_mock_page_token_encode (a, b, token_hash);
  if (!g_str_equal (again, token) || token_hash != hash || a > n_users || b > a)
    return FALSE;
  *scan_index = a;
  *matched = b;
  return TRUE;
}

void
ap_mock_reply_set_fail (ApMockReply *reply,
                        JsonNode    *key,
                        GArray      *problems)
{
  GString *body = g_string_new ("{\"meta\":{\"status\":200},\"data\":[],\"fail\":[{\"key\":");

  if (key != NULL)
    {
      g_autofree char *text = json_to_string (key, FALSE);

      g_string_append (body, text);
    }
  else
    g_string_append (body, "{}");
  g_string_append (body, ",\"errors\":[");
  for (guint i = 0; i < problems->len; i++)
    {
      ApMockProblem *problem = &g_array_index (problems, ApMockProblem, i);

      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, "{\"code\":\"");
      ap_mock_json_escape_append (body, problem->code);
      g_string_append (body, "\",\"message\":\"");
      ap_mock_json_escape_append (body, problem->message);
      g_string_append (body, "\",\"retryable\":false}");
    }
  g_string_append (body, "]}]}");
  reply->status = SOUP_STATUS_OK;
  ap_mock_reply_take_string (reply, body);
}
