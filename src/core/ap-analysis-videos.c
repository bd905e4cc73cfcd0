/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-analysis"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-analysis-private.h"

/* The training videos (sent, viewed, statuses, non-viewers per title) and
 * the needs-attention list, with the rule that orders it. */

/* How many users between two looks at the cancellable */
#define CANCEL_CHECK_INTERVAL 4096

/* ---- training videos --------------------------------------------------- */

typedef struct
{
  guint    video;   /* position among the videos in order of first appearance */
  gboolean viewed;
} UserTitle;

static int
compare_user_title (gconstpointer a,
                    gconstpointer b)
{
  const UserTitle *ua = a;
  const UserTitle *ub = b;

  if (ua->video != ub->video)
    return ua->video < ub->video ? -1 : 1;
  return 0;
}

static int
compare_status_count (gconstpointer a,
                      gconstpointer b)
{
  const ApAnalysisStatusCount *sa = a;
  const ApAnalysisStatusCount *sb = b;

  if (sa->count != sb->count)
    return sa->count > sb->count ? -1 : 1;
  return strcmp (sa->status, sb->status);
}

static int
compare_video_default (gconstpointer a,
                       gconstpointer b)
{
  const Video *va = a;
  const Video *vb = b;
  int cmp;

  if (va->row.not_viewed != vb->row.not_viewed)
    return va->row.not_viewed > vb->row.not_viewed ? -1 : 1;
  cmp = g_utf8_collate (va->row.title, vb->row.title);
  if (cmp != 0)
    return cmp;
  return strcmp (va->row.title, vb->row.title);
}

static void
video_count_status (Video      *video,
                    const char *status)
{
  ApAnalysisStatusCount fresh = { status, 1 };

  /* A title has a handful of statuses: a linear look beats a hash table. */
  for (guint i = 0; i < video->statuses->len; i++)
    {
      ApAnalysisStatusCount *count = &g_array_index (video->statuses, ApAnalysisStatusCount, i);

      if (count->status == status || strcmp (count->status, status) == 0)
        {
          count->count++;
          return;
        }
    }
  g_array_append_val (video->statuses, fresh);
}

gboolean
ap_analysis_compute_videos (ApAnalysis    *self,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GHashTable) first_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) videos = g_array_new (FALSE, TRUE, sizeof (Video));
  g_autoptr(GArray) titles = g_array_new (FALSE, FALSE, sizeof (UserTitle));

  for (guint i = 0; i < self->users->len; i++)
    {
      ApUser *user = g_ptr_array_index (self->users, i);
      guint n = ap_user_get_n_records (user);

      if (i % CANCEL_CHECK_INTERVAL == 0 && g_cancellable_set_error_if_cancelled (cancellable,
                                                                               error))
        {
          for (guint v = 0; v < videos->len; v++)
            {
              g_array_unref (g_array_index (videos, Video, v).statuses);
              g_array_unref (g_array_index (videos, Video, v).non_viewers);
            }
          return FALSE;
        }

      g_array_set_size (titles, 0);
      for (guint r = 0; r < n; r++)
        {
          const ApRecord *record = ap_user_get_record (user, r);
          const char *title = ap_record_get_title (record);
          const char *category = ap_record_get_category (record);
          gboolean viewed = ap_record_get_time_viewed (record) != AP_TIME_NONE;
          gpointer found = g_hash_table_lookup (first_seen, title);
          UserTitle user_title;
          Video *video;

          if (found == NULL)
            {
              Video fresh = { { title, category, }, };

              fresh.statuses = g_array_new (FALSE, FALSE, sizeof (ApAnalysisStatusCount));
              fresh.non_viewers = g_array_new (FALSE, FALSE, sizeof (guint));
              g_array_append_val (videos, fresh);
              found = GUINT_TO_POINTER (videos->len);
              g_hash_table_insert (first_seen, (gpointer) title, found);
            }
          video = &g_array_index (videos, Video, GPOINTER_TO_UINT (found) - 1);
          if (video->row.category[0] == '\0')
            video->row.category = category;
          video->row.sent++;
          if (viewed)
            video->row.viewed++;
          if (ap_record_get_acknowledged (record))
            video->row.acknowledged++;
          video_count_status (video, ap_record_get_status (record));

          user_title.video = GPOINTER_TO_UINT (found) - 1;
          user_title.viewed = viewed;
          g_array_append_val (titles, user_title);
        }
      self->n_records += n;

      /* A user is a non-viewer of a title when none of their records with
       * that title was viewed. */
      if (titles->len > 1)
        g_array_sort (titles, compare_user_title);
      for (guint t = 0; t < titles->len;)
        {
          guint video = g_array_index (titles, UserTitle, t).video;
          gboolean viewed = FALSE;

          for (; t < titles->len && g_array_index (titles, UserTitle, t).video == video; t++)
            viewed |= g_array_index (titles, UserTitle, t).viewed;
          if (!viewed)
            g_array_append_val (g_array_index (videos, Video, video).non_viewers, i);
        }
    }

  for (guint v = 0; v < videos->len; v++)
    {
      Video *video = &g_array_index (videos, Video, v);

      video->row.not_viewed = video->row.sent - video->row.viewed;
      video->row.pct_viewed = ap_analysis_percent (video->row.viewed, video->row.sent);
      g_array_sort (video->statuses, compare_status_count);
      video->row.n_statuses = video->statuses->len;
      video->row.statuses = (const ApAnalysisStatusCount *) video->statuses->data;
    }
  g_array_sort (videos, compare_video_default);

  self->n_videos = videos->len;
  self->videos = (Video *) g_array_free (g_steal_pointer (&videos), FALSE);
  self->video_by_title = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint v = 0; v < self->n_videos; v++)
    g_hash_table_insert (self->video_by_title, (gpointer) self->videos[v].row.title,
                         GUINT_TO_POINTER (v + 1));

  return TRUE;
}

/* ---- needs attention --------------------------------------------------- */

static int
compare_attention (gconstpointer a,
                   gconstpointer b)
{
  ApUser *ua = *(ApUser * const *) a;
  ApUser *ub = *(ApUser * const *) b;
  guint na = ap_user_get_num_not_watched (ua);
  guint nb = ap_user_get_num_not_watched (ub);
  int cmp;

  if (na != nb)
    return na > nb ? -1 : 1;
  na = ap_user_get_num_incorrect (ua);
  nb = ap_user_get_num_incorrect (ub);
  if (na != nb)
    return na > nb ? -1 : 1;
  cmp = strcmp (ap_user_get_name (ua), ap_user_get_name (ub));
  if (cmp != 0)
    return cmp;
  return strcmp (ap_user_get_email (ua), ap_user_get_email (ub));
}

void
ap_analysis_compute_attention (ApAnalysis *self)
{
  self->attention = g_ptr_array_new ();

  for (guint i = 0; i < self->users->len; i++)
    {
      ApUser *user = g_ptr_array_index (self->users, i);

      if (ap_user_get_num_not_watched (user) > 0 || ap_user_get_num_incorrect (user) > 0)
        g_ptr_array_add (self->attention, user);
    }
  /* g_ptr_array_sort is stable: equal users keep the order given. */
  g_ptr_array_sort (self->attention, compare_attention);
}

const char *
ap_analysis_get_attention_rule (void)
{
  return _("Everyone with a video not watched or answered incorrectly: the most videos not "
           "watched first, then the most answered incorrectly, then by name.");
}
