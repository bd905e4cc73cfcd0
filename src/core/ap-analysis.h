/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ap-user.h"

G_BEGIN_DECLS

/* ApAnalysis: what a manager looks at next, computed once from a list of
 * users so that the overview, the training videos page, the needs-attention
 * list, the PDF and the headless reports cannot disagree.
 *
 * An ApAnalysis is immutable once made and reference counted (a boxed
 * type), so any thread may read it and hand it on. Computing reads only the
 * users' immutable fields (an ApUser and its records never change after
 * the parser shares them), never their GListModel of records, so it is safe
 * on a worker thread while the main thread shows the same users.
 *
 * Every row, array and string it returns belongs to the analysis and lives
 * as long as it does: read them, do not free them.
 *
 * Definitions (also the headless reports' columns):
 * - a department's videos_sent = num_correct + num_incorrect +
 *   num_not_watched summed over its users; each pct_* is that count as a
 *   percentage of videos_sent, and is meaningless (has_sent is FALSE) when
 *   nothing was sent;
 * - a training video is one title among the users' records (details); sent
 *   is its number of records, viewed those with a timeViewed, not_viewed the
 *   rest, acknowledged those with ack; statuses are counted exactly as the
 *   API sends them, unknown ones included ("" when a record has none);
 * - needs attention: see ap_analysis_get_attention_rule().
 */

typedef struct _ApAnalysis ApAnalysis;

#define AP_TYPE_ANALYSIS (ap_analysis_get_type ())
GType ap_analysis_get_type (void) G_GNUC_CONST;

typedef struct
{
  const char *name;          /* as the API sent it; "" for users without one */
  const char *display_name;  /* name, or the translated "No department" for "" */
  guint64     n_users;
  guint64     videos_sent;
  guint64     num_correct;
  guint64     num_incorrect;
  guint64     num_not_watched;
  gboolean    has_sent;      /* videos_sent > 0; the pct_* are 0 otherwise */
  double      pct_correct;   /* 0..100, of videos_sent */
  double      pct_incorrect;
  double      pct_not_watched;
} ApAnalysisDepartment;

typedef struct
{
  const char *status;  /* as the API sent it, "" when missing */
  guint64     count;
} ApAnalysisStatusCount;

typedef struct
{
  const char                  *title;
  const char                  *category;      /* the first non-empty one seen for the title */
  guint64                      sent;          /* records with this title */
  guint64                      viewed;        /* ... with a timeViewed */
  guint64                      not_viewed;    /* sent - viewed */
  guint64                      acknowledged;  /* ... with ack */
  double                       pct_viewed;    /* 0..100, of sent (never 0 sent) */
  guint                        n_statuses;
  const ApAnalysisStatusCount *statuses;      /* most frequent first, then by status */
} ApAnalysisVideo;

/* Computes on the calling thread. @users is a GPtrArray of ApUser; the
 * analysis keeps a reference to the array (not a copy), so the caller must
 * not change it afterwards: pass a snapshot. */
ApAnalysis *ap_analysis_new             (GPtrArray           *users);

/* The same on a worker thread (GTask), for the window: @users as above.
 * Cancelling fails with G_IO_ERROR_CANCELLED. */
void        ap_analysis_compute_async   (GPtrArray           *users,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* The window's way: a snapshot of @model (a GListModel of ApUser) taken on
 * the calling thread's main context in slices of a few milliseconds, so
 * even 100,000 users never stall it; then the computation on a worker.
 * Should the model change while the snapshot is taken, it starts again. */
void        ap_analysis_compute_model_async (GListModel      *model,
                                             GCancellable    *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer         user_data);
/* (transfer full) for both of the above */
ApAnalysis *ap_analysis_compute_finish  (GAsyncResult        *result,
                                         GError             **error);

/* A snapshot of every ApUser of @model, for the functions above (transfer
 * full; the array holds a reference on each user). Cheap: one ref per user. */
GPtrArray  *ap_analysis_snapshot_model  (GListModel          *model);

ApAnalysis *ap_analysis_ref             (ApAnalysis          *self);
void        ap_analysis_unref           (ApAnalysis          *self);

/* TRUE for a running total (ap_analysis_tally_snapshot()): totals and
 * departments only, no users, videos or needs attention */
gboolean    ap_analysis_is_partial      (ApAnalysis          *self);

/* (transfer none) the users it was computed from (empty when partial) */
GPtrArray  *ap_analysis_get_users       (ApAnalysis          *self);

/* Totals over all users */
guint64     ap_analysis_get_n_users     (ApAnalysis          *self);
guint64     ap_analysis_get_videos_sent (ApAnalysis          *self);
guint64     ap_analysis_get_num_correct (ApAnalysis          *self);
guint64     ap_analysis_get_num_incorrect   (ApAnalysis      *self);
guint64     ap_analysis_get_num_not_watched (ApAnalysis      *self);
/* Training records over all users: 0 when the data was fetched without details */
guint64     ap_analysis_get_n_records   (ApAnalysis          *self);

/* Departments in the window's default order: the highest % not watched
 * first, departments with nothing sent last, then by display name. */
guint                       ap_analysis_get_n_departments (ApAnalysis *self);
const ApAnalysisDepartment *ap_analysis_get_department    (ApAnalysis *self,
                                                           guint       position);
/* (nullable) by name as the API sent it ("" for no department) */
const ApAnalysisDepartment *ap_analysis_lookup_department (ApAnalysis *self,
                                                           const char *name);
/* (transfer container) the department's users (GPtrArray of ApUser, in the
 * order of the users given), or NULL when @position is out of range or the
 * analysis is partial */
GPtrArray                  *ap_analysis_dup_department_users (ApAnalysis *self,
                                                              guint       position);

/* The console's "top three" and "bottom three" departments by % correct,
 * among those with something sent: best first for the top, worst first for
 * the bottom, ties by display name. Each holds at most 3 positions into
 * the departments above (fewer when fewer departments had something sent;
 * with fewer than six, the two lists share departments). */
guint       ap_analysis_get_top_departments    (ApAnalysis  *self,
                                                const guint **positions);
guint       ap_analysis_get_bottom_departments (ApAnalysis  *self,
                                                const guint **positions);
/* The departments by display name, ties by name as the API sent it: as
 * many positions into the departments above as ap_analysis_get_n_departments()
 * (an order that stays put as a running total grows) */
const guint *ap_analysis_get_departments_by_name (ApAnalysis *self);

/* Training videos in the window's default order: the most not viewed
 * first, then by title. Empty without details. */
guint                  ap_analysis_get_n_videos  (ApAnalysis *self);
const ApAnalysisVideo *ap_analysis_get_video     (ApAnalysis *self,
                                                  guint       position);
/* (nullable) position of @title among the videos, or -1 */
int                    ap_analysis_find_video    (ApAnalysis *self,
                                                  const char *title);
/* (transfer container) the users who were sent the video at @position and
 * have not viewed it: every record of theirs with that title lacks a
 * timeViewed (GPtrArray of ApUser, in the order of the users given). A user
 * sent the same title twice counts twice in not_viewed above, once here. */
GPtrArray             *ap_analysis_dup_non_viewers (ApAnalysis *self,
                                                    guint       position);

/* Users needing attention, in order (GPtrArray of ApUser, transfer none):
 * see the rule below. The PDF shows the first ones; the window all. */
GPtrArray  *ap_analysis_get_attention       (ApAnalysis *self);
/* The rule, as a translated sentence to show beside the list. Users with
 * at least one video not watched or answered incorrectly; the most videos
 * not watched first, then the most answered incorrectly, then by name, then
 * by email. */
const char *ap_analysis_get_attention_rule  (void);

/* ApAnalysisTally: the running total while a fetch adds pages, so the
 * Overview's numbers grow as they arrive. The same grouping as a full
 * analysis (one code path: the totals and departments of a snapshot are
 * those ap_analysis_new() gives for the same users), fed a user at a time
 * on one thread, at a cost per user added, not per user so far. A snapshot
 * is a partial ApAnalysis (ap_analysis_is_partial()) that outlives the
 * users it counted. */
typedef struct _ApAnalysisTally ApAnalysisTally;

ApAnalysisTally *ap_analysis_tally_new         (void);
void             ap_analysis_tally_free        (ApAnalysisTally *self);
void             ap_analysis_tally_add         (ApAnalysisTally *self,
                                                ApUser          *user);
void             ap_analysis_tally_clear       (ApAnalysisTally *self);
/* (transfer full) the totals and departments of the users added so far,
 * departments in default order with the top and bottom three */
ApAnalysis      *ap_analysis_tally_snapshot    (ApAnalysisTally *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApAnalysis, ap_analysis_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApAnalysisTally, ap_analysis_tally_free)

G_END_DECLS
