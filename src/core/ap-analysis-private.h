/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-analysis.h"

/* ApAnalysis is one computation in three files: the object itself
 * (ap-analysis.c: computing on a worker, the model's snapshot, life cycle,
 * getters), the department grouping shared with the running total
 * (ap-analysis-departments.c, which also holds ApAnalysisTally), and the
 * training videos with the needs-attention list (ap-analysis-videos.c). */

G_BEGIN_DECLS

typedef struct
{
  ApAnalysisVideo  row;
  GArray          *statuses;     /* ApAnalysisStatusCount */
  GArray          *non_viewers;  /* guint, positions into users */
} Video;

struct _ApAnalysis
{
  gatomicrefcount  ref_count;

  GPtrArray       *users;        /* of ApUser, shared with the caller, never changed;
                                  * empty in a running total */
  guint64          n_users;
  gboolean         partial;      /* a running total: see ap_analysis_tally_snapshot() */
  GPtrArray       *names;        /* (nullable) a running total's department names */

  guint64          videos_sent;
  guint64          num_correct;
  guint64          num_incorrect;
  guint64          num_not_watched;
  guint64          n_records;

  GArray          *departments;  /* ApAnalysisDepartment, in default order */
  GHashTable      *department_by_name;  /* name -> position + 1 */
  guint           *user_department;     /* per user: its department's position (NULL in a
                                         * running total) */
  guint            top[3];
  guint            n_top;
  guint            bottom[3];
  guint            n_bottom;
  guint           *by_name;      /* positions of the departments by display name */

  Video           *videos;       /* in default order */
  guint            n_videos;
  GHashTable      *video_by_title;  /* title -> position + 1 */

  GPtrArray       *attention;    /* of ApUser, no references of its own */
};

static inline double
ap_analysis_percent (guint64 part,
                     guint64 whole)
{
  return whole > 0 ? 100.0 * (double) part / (double) whole : 0.0;
}

/* Departments (ap-analysis-departments.c): groups self->users by
 * department, fills the totals, the departments in default order, the top
 * and bottom three and self->user_department. */
void     ap_analysis_compute_departments (ApAnalysis    *self);

/* Videos and needs attention (ap-analysis-videos.c); both read
 * self->users. FALSE with @error set when @cancellable was cancelled. */
gboolean ap_analysis_compute_videos      (ApAnalysis    *self,
                                          GCancellable  *cancellable,
                                          GError       **error);
void     ap_analysis_compute_attention   (ApAnalysis    *self);

G_END_DECLS
