/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define AP_QUERY_MAX_PAGE_SIZE     500
#define AP_QUERY_DEFAULT_PAGE_SIZE 500
#define AP_QUERY_MAX_ATTRIBUTE_IDS 3

typedef enum
{
  AP_SEARCH_FIELD_NONE,              /* no searchBy member is sent */
  AP_SEARCH_FIELD_NAME,              /* "name" */
  AP_SEARCH_FIELD_EMAIL,             /* "email" */
  AP_SEARCH_FIELD_DEPARTMENT,        /* "department" */
  AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE,  /* "customAttribute"; attributeIds required */
} ApSearchField;

typedef enum
{
  AP_VIDEO_COUNT_ALL,        /* "video_count_all" (the API default) */
  AP_VIDEO_COUNT_0,          /* "video_count_0" */
  AP_VIDEO_COUNT_1,          /* "video_count_1" */
  AP_VIDEO_COUNT_2,          /* "video_count_2" */
  AP_VIDEO_COUNT_3,          /* "video_count_3" */
  AP_VIDEO_COUNT_4_OR_MORE,  /* "video_count_4_or_more" */
} ApVideoCount;

#define AP_TYPE_QUERY (ap_query_get_type ())
G_DECLARE_FINAL_TYPE (ApQuery, ap_query, AP, QUERY, GObject)

/* Properties: "search-field" (ApSearchField), "search-value" (string),
 * "attribute-ids" (GStrv), "video-count" (ApVideoCount), "include-user-details"
 * (boolean, default FALSE as in the API), "page-size" (uint, default 500). */

ApQuery            *ap_query_new                      (void);
ApQuery            *ap_query_copy                     (ApQuery       *self);

ApSearchField       ap_query_get_search_field         (ApQuery       *self);
const char         *ap_query_get_search_value         (ApQuery       *self);
/* value may be NULL to clear it */
void                ap_query_set_search               (ApQuery       *self,
                                                       ApSearchField  field,
                                                       const char    *value);
const char * const *ap_query_get_attribute_ids        (ApQuery       *self);
void                ap_query_set_attribute_ids        (ApQuery       *self,
                                                       const char * const *ids);
ApVideoCount        ap_query_get_video_count          (ApQuery       *self);
void                ap_query_set_video_count          (ApQuery       *self,
                                                       ApVideoCount   video_count);
gboolean            ap_query_get_include_user_details (ApQuery       *self);
void                ap_query_set_include_user_details (ApQuery       *self,
                                                       gboolean       include);
guint               ap_query_get_page_size            (ApQuery       *self);
void                ap_query_set_page_size            (ApQuery       *self,
                                                       guint          page_size);

/* Refuses invalid input before any request: AP_ERROR_INVALID_QUERY with a
 * message naming the field and the rule (e.g. "searchBy: a value is needed
 * when searching by email", "attributeIds: at most 3 IDs can be given"). */
gboolean            ap_query_validate                 (ApQuery       *self,
                                                       GError       **error);

/* The full request body, {"meta":{"pagination":{"pageSize":N[,"pageToken":T]}},
 * "data":[{...}]}, with only the members that are set. (transfer full) */
char               *ap_query_to_request_body          (ApQuery       *self,
                                                       const char    *page_token,
                                                       gsize         *length);
/* The "data" item alone, as the API names it; used for the JSON export's
 * "query" member. (transfer full) */
JsonNode           *ap_query_to_json_node             (ApQuery       *self);
/* One line a person reads, e.g. "Department contains “Sales”, 0 videos watched,
 * with training details". Translated. (transfer full) */
char               *ap_query_describe                 (ApQuery       *self);

const char         *ap_search_field_to_string         (ApSearchField  field);   /* API name or NULL */
gboolean            ap_search_field_from_string       (const char    *str,
                                                       ApSearchField *field);
const char         *ap_video_count_to_string          (ApVideoCount   video_count);
gboolean            ap_video_count_from_string        (const char    *str,
                                                       ApVideoCount  *video_count);

G_END_DECLS
