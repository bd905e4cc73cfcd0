/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The double's data: every user is derived from (seed, index) alone, so a
 * page is generated on the fly and nothing of the organisation is held in
 * memory, whatever its size.
 *
 * Per record: "Completed" counts as numCorrect, "Failed" as numIncorrect,
 * "Not Started" and "Overdue" as numNotWatched (timeViewed "" or, now and
 * then, missing). So numCorrect + numIncorrect + numNotWatched equals the
 * number of records, and "videos watched" (filterBy video_count_N) is
 * numCorrect + numIncorrect. */

/* Custom attributes every user carries, for searchBy customAttribute
 * (IDs shaped like Mimecast's secure IDs). Values:
 * location:    London, Zürich, São Paulo, Kraków, 東京, New York, Dublin, Cape Town,
 *              Sydney, Montréal
 * job title:   Account Manager, Software Engineer, Accountant, Recruiter, Designer, Support Agent,
 *              Counsel, Systems Administrator, Analyst, "Director, Operations"
 * cost centre: CC-1000 … CC-1009 */
#define AP_MOCK_ATTRIBUTE_LOCATION    "eNpjYGBgYGZgZmBhY2BjAAAAzgA1"
#define AP_MOCK_ATTRIBUTE_JOB_TITLE   "eNpjYGBgYGZgZmBhY2BgAAAAzgA2"
#define AP_MOCK_ATTRIBUTE_COST_CENTRE "eNpjYGBgYGZgZmBhY2BhAAAAzgA3"
#define AP_MOCK_N_ATTRIBUTES 3

typedef enum
{
  AP_MOCK_SEARCH_NONE,
  AP_MOCK_SEARCH_NAME,
  AP_MOCK_SEARCH_EMAIL,
  AP_MOCK_SEARCH_DEPARTMENT,
  AP_MOCK_SEARCH_CUSTOM_ATTRIBUTE,
} ApMockSearch;

/* -1 means all (video_count_all); 4 means 4 or more. */
#define AP_MOCK_VIDEO_COUNT_ALL (-1)

typedef struct
{
  ApMockSearch search;
  char        *search_value;          /* as sent */
  char        *search_folded;         /* casefolded, for matching */
  char        *attribute_ids[AP_MOCK_N_ATTRIBUTES + 1];
  guint        n_attribute_ids;
  int          video_count;           /* AP_MOCK_VIDEO_COUNT_ALL or 0..4 */
  gboolean     include_user_details;
  guint        page_size;
  char        *page_token;            /* NULL on the first page */
} ApMockQuery;

void         ap_mock_query_clear        (ApMockQuery *query);

/* Refcounted and immutable: a page in flight keeps the data set it began
 * with even if the test changes it. */
typedef struct _ApMockDataset ApMockDataset;

ApMockDataset *ap_mock_dataset_new      (guint          n_users,
                                         guint          n_departments,
                                         guint          records_per_user,
                                         guint32        seed);
/* The same organisation (a new data set) @epoch fetches later: some users
 * joined, some left, some watched more videos (see ap-mock-data.c). */
ApMockDataset *ap_mock_dataset_at_epoch (ApMockDataset *dataset,
                                         guint          epoch);
guint          ap_mock_dataset_get_epoch (ApMockDataset *dataset);
ApMockDataset *ap_mock_dataset_ref      (ApMockDataset *dataset);
void           ap_mock_dataset_unref    (ApMockDataset *dataset);
guint          ap_mock_dataset_get_n_users (ApMockDataset *dataset);

typedef struct
{
  const char *title;
  const char *category;
  const char *status;
  gboolean    ack;
  gboolean    viewed;
  gboolean    time_viewed_missing;    /* unviewed and the member is left out */
  gint64      time_sent;              /* unix seconds */
  gint64      time_viewed;            /* unix seconds, when viewed */
} ApMockRecord;

typedef struct
{
  guint         index;
  char          name[96];
  char          email[96];
  const char   *department;
  const char   *attributes[AP_MOCK_N_ATTRIBUTES];
  guint         num_correct;
  guint         num_incorrect;
  guint         num_not_watched;
  guint         n_records;
  gboolean      absent;               /* left the organisation at this epoch */
  ApMockRecord *records;              /* owned, sized for the data set's maximum */
} ApMockUser;

void         ap_mock_user_init          (ApMockUser    *user,
                                         ApMockDataset *dataset);
void         ap_mock_user_clear         (ApMockUser    *user);
void         ap_mock_user_generate      (ApMockUser    *user,
                                         ApMockDataset *dataset,
                                         guint          index);
gboolean     ap_mock_user_matches       (const ApMockUser  *user,
                                         const ApMockQuery *query);

/* Users of the data set the query selects (ignores paging). */
guint        ap_mock_dataset_count_matching (ApMockDataset     *dataset,
                                             const ApMockQuery *query);

/* A hash of everything that selects users (data set and query, not the
 * page), so a page token from another query is refused. */
guint64      ap_mock_query_hash         (ApMockDataset     *dataset,
                                         const ApMockQuery *query);

typedef enum
{
  AP_MOCK_CORRUPT_NONE,
  AP_MOCK_CORRUPT_WRONG_TYPES,        /* numCorrect as a string on every user */
  AP_MOCK_CORRUPT_NEGATIVE_COUNT,     /* numIncorrect -1 on the first user */
  AP_MOCK_CORRUPT_MALFORMED,          /* a stray comma: not JSON */
} ApMockCorruption;

/* Appends one user as JSON, escaped by hand (json-glib is far too slow for
 * pages of the benchmark's size). */
void         ap_mock_user_write_json    (const ApMockUser *user,
                                         gboolean          include_user_details,
                                         ApMockCorruption  corruption,
                                         GString          *out);

/* Appends @text as the inside of a JSON string. */
void         ap_mock_json_escape_append (GString    *out,
                                         const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApMockDataset, ap_mock_dataset_unref)

G_END_DECLS
