/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-analysis"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-analysis-private.h"
#include "ap-compat.h"

/* The department grouping: one tally of departments in order of first
 * appearance, finished into the default order with the top and bottom
 * three; a full analysis groups all its users at once, a running total
 * (ApAnalysisTally) user by user as pages arrive. */

static const char *
department_display_name (const char *name)
{
  return name[0] != '\0' ? name : _("No department");
}

typedef struct
{
  const ApAnalysisDepartment *rows;
  char                      **collate_keys;
} DepartmentOrder;

static int
compare_names (const DepartmentOrder *order,
               guint                  a,
               guint                  b)
{
  int cmp = strcmp (order->collate_keys[a], order->collate_keys[b]);

  if (cmp != 0)
    return cmp;
  return strcmp (order->rows[a].name, order->rows[b].name);
}

static int
compare_department_name (gconstpointer a,
                         gconstpointer b,
                         gpointer      user_data)
{
  return compare_names (user_data, *(const guint *) a, *(const guint *) b);
}

static int
compare_department_default (gconstpointer a,
                            gconstpointer b,
                            gpointer      user_data)
{
  const DepartmentOrder *order = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  const ApAnalysisDepartment *da = &order->rows[ia];
  const ApAnalysisDepartment *db = &order->rows[ib];

  if (da->has_sent != db->has_sent)
    return da->has_sent ? -1 : 1;
  if (da->pct_not_watched != db->pct_not_watched)
    return da->pct_not_watched > db->pct_not_watched ? -1 : 1;
  return compare_names (order, ia, ib);
}

static int
compare_department_best (gconstpointer a,
                         gconstpointer b,
                         gpointer      user_data)
{
  const DepartmentOrder *order = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  double pa = order->rows[ia].pct_correct;
  double pb = order->rows[ib].pct_correct;

  if (pa != pb)
    return pa > pb ? -1 : 1;
  return compare_names (order, ia, ib);
}

static int
compare_department_worst (gconstpointer a,
                          gconstpointer b,
                          gpointer      user_data)
{
  const DepartmentOrder *order = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  double pa = order->rows[ia].pct_correct;
  double pb = order->rows[ib].pct_correct;

  if (pa != pb)
    return pa < pb ? -1 : 1;
  return compare_names (order, ia, ib);
}

/* The grouping shared by a full analysis and a running total: departments
 * in order of first appearance, and the totals. */
typedef struct
{
  GHashTable *first_seen;  /* name -> position + 1 in rows */
  GArray     *rows;        /* ApAnalysisDepartment */
  guint64     n_users;
  guint64     num_correct;
  guint64     num_incorrect;
  guint64     num_not_watched;
} Tally;

static void
tally_init (Tally *tally)
{
  tally->first_seen = g_hash_table_new (g_str_hash, g_str_equal);
  tally->rows = g_array_new (FALSE, TRUE, sizeof (ApAnalysisDepartment));
  tally->n_users = tally->num_correct = tally->num_incorrect = tally->num_not_watched = 0;
}

static void
tally_clear (Tally *tally)
{
  g_clear_pointer (&tally->first_seen, g_hash_table_unref);
  g_clear_pointer (&tally->rows, g_array_unref);
}

/* Counts @user in its department and the totals; returns the department's
 * position in order of first appearance. A department seen for the first
 * time is named by a copy kept in @names when that is not NULL (a running
 * total outlives the users it counted), else by the user's own string. */
static guint
tally_add_user (Tally     *tally,
                ApUser    *user,
                GPtrArray *names)
{
  const char *name = ap_user_get_department (user);
  gpointer found = g_hash_table_lookup (tally->first_seen, name);
  ApAnalysisDepartment *row;
  guint correct = ap_user_get_num_correct (user);
  guint incorrect = ap_user_get_num_incorrect (user);
  guint not_watched = ap_user_get_num_not_watched (user);

  if (found == NULL)
    {
      ApAnalysisDepartment empty = { 0, };

      if (names != NULL)
        {
          name = g_strdup (name);
          g_ptr_array_add (names, (gpointer) name);
        }
      empty.name = name;
      empty.display_name = department_display_name (name);
      g_array_append_val (tally->rows, empty);
      found = GUINT_TO_POINTER (tally->rows->len);
      g_hash_table_insert (tally->first_seen, (gpointer) name, found);
    }
  row = &g_array_index (tally->rows, ApAnalysisDepartment, GPOINTER_TO_UINT (found) - 1);
  row->n_users++;
  row->num_correct += correct;
  row->num_incorrect += incorrect;
  row->num_not_watched += not_watched;

  tally->n_users++;
  tally->num_correct += correct;
  tally->num_incorrect += incorrect;
  tally->num_not_watched += not_watched;

  return GPOINTER_TO_UINT (found) - 1;
}

/* Takes the tally's totals and departments (in order of first appearance;
 * the tally is left as it was), puts the departments in default order,
 * picks the top and bottom three, and maps self->user_department (when
 * there is one) from order of appearance to the default order. */
static void
finish_departments (ApAnalysis *self,
                    const Tally *tally)
{
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, FALSE, sizeof (ApAnalysisDepartment),
                                              tally->rows->len);
  g_autofree guint *order = NULL;
  g_autofree guint *position_of = NULL;
  g_autofree guint *by_correct = NULL;
  DepartmentOrder sort_data;
  guint n_sent = 0;

  g_array_append_vals (rows, tally->rows->data, tally->rows->len);
  self->n_users = tally->n_users;
  self->num_correct = tally->num_correct;
  self->num_incorrect = tally->num_incorrect;
  self->num_not_watched = tally->num_not_watched;
  self->videos_sent = self->num_correct + self->num_incorrect + self->num_not_watched;

  sort_data.rows = (const ApAnalysisDepartment *) rows->data;
  sort_data.collate_keys = g_new0 (char *, rows->len + 1);
  order = g_new (guint, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    {
      ApAnalysisDepartment *row = &g_array_index (rows, ApAnalysisDepartment, i);

      row->videos_sent = row->num_correct + row->num_incorrect + row->num_not_watched;
      row->has_sent = row->videos_sent > 0;
      row->pct_correct = ap_analysis_percent (row->num_correct, row->videos_sent);
      row->pct_incorrect = ap_analysis_percent (row->num_incorrect, row->videos_sent);
      row->pct_not_watched = ap_analysis_percent (row->num_not_watched, row->videos_sent);
      sort_data.collate_keys[i] = g_utf8_collate_key (row->display_name, -1);
      order[i] = i;
    }

  ap_sort_array (order, rows->len, sizeof (guint), compare_department_default, &sort_data);

  self->departments = g_array_sized_new (FALSE, FALSE, sizeof (ApAnalysisDepartment), rows->len);
  self->department_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  position_of = g_new (guint, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    {
      ApAnalysisDepartment *row = &g_array_index (rows, ApAnalysisDepartment, order[i]);

      g_array_append_vals (self->departments, row, 1);
      g_hash_table_insert (self->department_by_name, (gpointer) row->name,
                           GUINT_TO_POINTER (i + 1));
      position_of[order[i]] = i;
    }
  if (self->user_department != NULL)
    for (guint i = 0; i < self->users->len; i++)
      self->user_department[i] = position_of[self->user_department[i]];

  self->by_name = g_new (guint, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    self->by_name[i] = i;
  ap_sort_array (self->by_name, rows->len, sizeof (guint), compare_department_name, &sort_data);
  for (guint i = 0; i < rows->len; i++)
    self->by_name[i] = position_of[self->by_name[i]];

  by_correct = g_new (guint, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    if (g_array_index (rows, ApAnalysisDepartment, i).has_sent)
      by_correct[n_sent++] = i;

  ap_sort_array (by_correct, n_sent, sizeof (guint), compare_department_best, &sort_data);
  self->n_top = MIN (n_sent, 3);
  for (guint i = 0; i < self->n_top; i++)
    self->top[i] = position_of[by_correct[i]];

  ap_sort_array (by_correct, n_sent, sizeof (guint), compare_department_worst, &sort_data);
  self->n_bottom = MIN (n_sent, 3);
  for (guint i = 0; i < self->n_bottom; i++)
    self->bottom[i] = position_of[by_correct[i]];

  g_strfreev (sort_data.collate_keys);
}

/* Groups the users by department, then finishes as above. */
void
ap_analysis_compute_departments (ApAnalysis *self)
{
  Tally tally;

  tally_init (&tally);
  self->user_department = g_new (guint, MAX (self->users->len, 1));
  for (guint i = 0; i < self->users->len; i++)
    self->user_department[i] = tally_add_user (&tally, g_ptr_array_index (self->users, i), NULL);
  finish_departments (self, &tally);
  tally_clear (&tally);
}

/* ---- running totals ---------------------------------------------------- */

struct _ApAnalysisTally
{
  Tally      tally;
  GPtrArray *names;   /* the departments' names, shared with the snapshots */
};

ApAnalysisTally *
ap_analysis_tally_new (void)
{
  ApAnalysisTally *self = g_new0 (ApAnalysisTally, 1);

  tally_init (&self->tally);
  self->names = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
ap_analysis_tally_free (ApAnalysisTally *self)
{
  if (self == NULL)
    return;

  tally_clear (&self->tally);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_free (self);
}

void
ap_analysis_tally_add (ApAnalysisTally *self,
                       ApUser          *user)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (AP_IS_USER (user));

  tally_add_user (&self->tally, user, self->names);
}

void
ap_analysis_tally_clear (ApAnalysisTally *self)
{
  g_return_if_fail (self != NULL);

  tally_clear (&self->tally);
  tally_init (&self->tally);
  /* Snapshots taken so far keep the old names */
  g_ptr_array_unref (self->names);
  self->names = g_ptr_array_new_with_free_func (g_free);
}

ApAnalysis *
ap_analysis_tally_snapshot (ApAnalysisTally *self)
{
  ApAnalysis *analysis;

  g_return_val_if_fail (self != NULL, NULL);

  analysis = g_new0 (ApAnalysis, 1);
  g_atomic_ref_count_init (&analysis->ref_count);
  analysis->partial = TRUE;
  analysis->users = g_ptr_array_new ();
  analysis->names = g_ptr_array_ref (self->names);
  finish_departments (analysis, &self->tally);
  analysis->video_by_title = g_hash_table_new (g_str_hash, g_str_equal);
  analysis->attention = g_ptr_array_new ();

  return analysis;
}
