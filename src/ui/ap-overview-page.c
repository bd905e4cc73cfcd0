/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-offscreen.h"
#include "ap-chart.h"
#include "ap-chart-render.h"
#include "ap-overview-page.h"
#include "ap-people-list.h"
#include "ap-table-private.h"
#include "ap-trend-view.h"

struct _ApOverviewPage
{
  GtkWidget  parent_instance;

  ApAnalysis *analysis;
  GtkSortListModel *departments_sorted;

  GtkBox    *bottom_box;
  ApChart   *breakdown_chart;
  GtkFlowBox *changes_box;
  GtkLabel  *correct_label;
  GtkLabel  *correct_percent_label;
  ApChart   *departments_chart;
  GtkLabel  *departments_count_label;
  GtkColumnView *departments_view;
  GtkLabel  *freshness_label;
  GtkLabel  *incorrect_label;
  GtkLabel  *incorrect_percent_label;
  GtkLabel  *not_watched_label;
  GtkLabel  *not_watched_percent_label;
  GtkStack  *stack;
  GtkBox    *top_box;
  ApTrendView *trend_view;
  GtkLabel  *users_label;
};

enum {
  DEPARTMENT_ACTIVATED,
  CHANGE_GROUP_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ApOverviewPage, ap_overview_page, GTK_TYPE_WIDGET)

static void
set_count (GtkLabel *label,
           guint64   count)
{
  g_autofree char *text = ap_chart_format_count (count);

  gtk_label_set_text (label, text);
}

static void
set_share (GtkLabel *label,
           guint64   count,
           guint64   total,
           guint     percent)
{
  g_autofree char *share = NULL;
  g_autofree char *text = NULL;

  if (total == 0)
    {
      gtk_label_set_text (label, "–");
      return;
    }

  share = ap_chart_format_percent (count, total, percent);
  /* Translators: under a count in the Overview, e.g. "60 % of videos" */
  text = g_strdup_printf (_("%s of videos"), share);
  gtk_label_set_text (label, text);
}

static void
ap_overview_page_update (ApOverviewPage *self)
{
  guint64 n_users = 0, correct = 0, incorrect = 0, not_watched = 0, total;
  guint n_departments = 0;
  guint percent[3];
  g_autofree char *departments = NULL;

  if (self->analysis != NULL)
    {
      n_users = ap_analysis_get_n_users (self->analysis);
      correct = ap_analysis_get_num_correct (self->analysis);
      incorrect = ap_analysis_get_num_incorrect (self->analysis);
      not_watched = ap_analysis_get_num_not_watched (self->analysis);
      n_departments = ap_analysis_get_n_departments (self->analysis);
    }
  total = correct + incorrect + not_watched;

  ap_stack_show_page (self->stack, n_users > 0 ? "data" : "empty");

  ap_chart_compute_percentages (correct, incorrect, not_watched, percent);
  set_count (self->users_label, n_users);
  set_count (self->correct_label, correct);
  set_count (self->incorrect_label, incorrect);
  set_count (self->not_watched_label, not_watched);
  set_share (self->correct_percent_label, correct, total, percent[0]);
  set_share (self->incorrect_percent_label, incorrect, total, percent[1]);
  set_share (self->not_watched_percent_label, not_watched, total, percent[2]);

  departments = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %u department",
                                              "in %u departments", n_departments),
                                 n_departments);
  gtk_label_set_text (self->departments_count_label, departments);
}

/* ---- the department table --------------------------------------------- */

#define DEPARTMENT(item) ap_analysis_row_get_department (AP_ANALYSIS_ROW (item))
#define COMPARE_UINT(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

static char *
text_department (gpointer item)
{
  return g_strdup (DEPARTMENT (item)->display_name);
}

static char *
text_users (gpointer item)
{
  return ap_chart_format_count (DEPARTMENT (item)->n_users);
}

static char *
text_sent (gpointer item)
{
  const ApAnalysisDepartment *row = DEPARTMENT (item);

  if (!row->has_sent)
    return g_strdup (_("Nothing sent"));
  return ap_chart_format_count (row->videos_sent);
}

static char *
text_pct_correct (gpointer item)
{
  return ap_table_format_percent (DEPARTMENT (item)->pct_correct, DEPARTMENT (item)->has_sent,
                                  "–");
}

static char *
text_pct_incorrect (gpointer item)
{
  return ap_table_format_percent (DEPARTMENT (item)->pct_incorrect, DEPARTMENT (item)->has_sent,
                                  "–");
}

static char *
text_pct_not_watched (gpointer item)
{
  return ap_table_format_percent (DEPARTMENT (item)->pct_not_watched,
                                  DEPARTMENT (item)->has_sent, "–");
}

static int
compare_department (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_utf8_collate (DEPARTMENT ((gpointer) a)->display_name,
                         DEPARTMENT ((gpointer) b)->display_name);
}

static int
compare_users (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (DEPARTMENT ((gpointer) a)->n_users, DEPARTMENT ((gpointer) b)->n_users);
}

static int
compare_sent (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (DEPARTMENT ((gpointer) a)->videos_sent,
                       DEPARTMENT ((gpointer) b)->videos_sent);
}

/* Departments with nothing sent sort below every percentage. */
static int
compare_pct (const ApAnalysisDepartment *a,
             const ApAnalysisDepartment *b,
             double                      pa,
             double                      pb)
{
  if (a->has_sent != b->has_sent)
    return a->has_sent ? 1 : -1;
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

static int
compare_pct_correct (gconstpointer a, gconstpointer b, gpointer data)
{
  const ApAnalysisDepartment *da = DEPARTMENT ((gpointer) a), *db = DEPARTMENT ((gpointer) b);

  return compare_pct (da, db, da->pct_correct, db->pct_correct);
}

static int
compare_pct_incorrect (gconstpointer a, gconstpointer b, gpointer data)
{
  const ApAnalysisDepartment *da = DEPARTMENT ((gpointer) a), *db = DEPARTMENT ((gpointer) b);

  return compare_pct (da, db, da->pct_incorrect, db->pct_incorrect);
}

static int
compare_pct_not_watched (gconstpointer a, gconstpointer b, gpointer data)
{
  const ApAnalysisDepartment *da = DEPARTMENT ((gpointer) a), *db = DEPARTMENT ((gpointer) b);

  return compare_pct (da, db, da->pct_not_watched, db->pct_not_watched);
}

static void
on_department_row_activated (ApOverviewPage *self,
                             guint           position)
{
  g_autoptr(ApAnalysisRow) row = g_list_model_get_item (G_LIST_MODEL (self->departments_sorted),
                                                        position);

  g_autoptr(GPtrArray) users = NULL;
  g_autofree char *description = NULL;
  GtkRoot *root;
  GtkWindow *window;

  if (row == NULL)
    return;

  /* The department's people, with the follow-up actions; the chart's bars
   * filter the Users view instead. */
  users = ap_analysis_dup_department_users (ap_analysis_row_get_analysis (row),
                                            ap_analysis_row_get_position (row));
  if (users == NULL)
    return;
  if (DEPARTMENT (row)->has_sent)
    {
      g_autofree char *sent = text_sent (row);
      g_autofree char *correct = text_pct_correct (row);
      g_autofree char *incorrect = text_pct_incorrect (row);
      g_autofree char *not_watched = text_pct_not_watched (row);

      /* Translators: under a department's name in the window listing its people */
      description = g_strdup_printf (_("Videos sent: %s. Correct %s, incorrect %s, not "
                                       "watched %s."),
                                     sent, correct, incorrect, not_watched);
    }
  else
    description = g_strdup (_("No video was sent to this department."));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  window = ap_people_list_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                      DEPARTMENT (row)->display_name, description, users);
  gtk_window_present (window);
}

static void
clear_ranking (GtkBox *box)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box));

  /* The first child is the heading */
  child = child != NULL ? gtk_widget_get_next_sibling (child) : NULL;
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      gtk_box_remove (box, child);
      child = next;
    }
}

static void
fill_ranking (GtkBox       *box,
              ApAnalysis   *analysis,
              const guint  *positions,
              guint         n)
{
  clear_ranking (box);

  for (guint i = 0; i < n; i++)
    {
      const ApAnalysisDepartment *row = ap_analysis_get_department (analysis, positions[i]);
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *name = gtk_label_new (NULL);
      GtkWidget *value = gtk_label_new (NULL);
      g_autofree char *rank = g_strdup_printf ("%u. %s", i + 1, row->display_name);
      g_autofree char *pct = ap_table_format_percent (row->pct_correct, TRUE, "");

      gtk_label_set_text (GTK_LABEL (name), rank);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_label_set_text (GTK_LABEL (value), pct);
      gtk_widget_add_css_class (value, "numeric");
      gtk_box_append (GTK_BOX (line), name);
      gtk_box_append (GTK_BOX (line), value);
      gtk_widget_set_margin_start (line, 12);
      gtk_widget_set_margin_end (line, 12);
      if (i + 1 == n)
        gtk_widget_set_margin_bottom (line, 12);
      gtk_box_append (box, line);
    }
  if (n == 0)
    {
      GtkWidget *none = gtk_label_new (_("No department was sent any video."));

      gtk_label_set_xalign (GTK_LABEL (none), 0);
      gtk_widget_add_css_class (none, "dim-label");
      gtk_widget_set_margin_start (none, 12);
      gtk_widget_set_margin_bottom (none, 12);
      gtk_box_append (box, none);
    }
}

static void
on_department_activated (ApOverviewPage *self,
                         const char     *name,
                         ApChart        *chart)
{
  g_signal_emit (self, signals[DEPARTMENT_ACTIVATED], 0, name);
}

/* ---- what changed ------------------------------------------------------ */

static void
on_change_clicked (GtkButton      *button,
                   ApOverviewPage *self)
{
  g_signal_emit (self, signals[CHANGE_GROUP_ACTIVATED], 0,
                 GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "change-group")));
}

static void
add_change (ApOverviewPage *self,
            GtkWidget      *child)
{
  gtk_flow_box_append (self->changes_box, child);
  gtk_widget_set_focusable (gtk_widget_get_parent (child), FALSE);
}

static char *
format_change_count (ApChangeGroup group,
                     guint         n)
{
  switch (group)
    {
    case AP_CHANGE_GROUP_JOINED:
      /* Translators: a button on the Overview: users who joined since the last fetch */
      return g_strdup_printf (_("%u joined"), n);
    case AP_CHANGE_GROUP_LEFT:
      /* Translators: a button on the Overview: users who left since the last fetch */
      return g_strdup_printf (_("%u left"), n);
    case AP_CHANGE_GROUP_CHANGED:
      /* Translators: a button on the Overview: users whose counts changed */
      return g_strdup_printf (_("%u changed"), n);
    case AP_CHANGE_GROUP_WATCHED:
      /* Translators: a button on the Overview: users who watched videos since the last fetch */
      return g_strdup_printf (_("%u watched videos"), n);
    case AP_CHANGE_GROUP_ALL:
    default:
      return g_strdup_printf ("%u", n);
    }
}

void
ap_overview_page_set_changes (ApOverviewPage *self,
                              GPtrArray      *changes,
                              gint64          since)
{
  guint counts[AP_N_CHANGE_GROUPS] = { 0 };
  GtkWidget *child;

  g_return_if_fail (AP_IS_OVERVIEW_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->changes_box))) != NULL)
    gtk_flow_box_remove (self->changes_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->changes_box), changes != NULL);
  if (changes == NULL)
    return;

  for (guint i = 0; i < changes->len; i++)
    for (guint group = AP_CHANGE_GROUP_JOINED; group < AP_N_CHANGE_GROUPS; group++)
      if (ap_user_change_in_group (g_ptr_array_index (changes, i), group))
        counts[group]++;

  {
    g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (since);
    g_autofree char *when = then != NULL ? g_date_time_format (then, "%x %H:%M") : g_strdup ("");
    g_autofree char *text = changes->len > 0
                            /* Translators: before the buttons "4 joined", "5 left", … */
                            ? g_strdup_printf (_("Since the fetch of %s:"), when)
                            : g_strdup_printf (_("No change since the fetch of %s"), when);
    GtkWidget *label = gtk_label_new (text);

    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    add_change (self, label);
  }
  if (changes->len == 0)
    return;

  for (guint group = AP_CHANGE_GROUP_JOINED; group < AP_N_CHANGE_GROUPS; group++)
    {
      g_autofree char *text = format_change_count (group, counts[group]);
      GtkWidget *button = gtk_button_new_with_label (text);

      g_object_set_data (G_OBJECT (button), "change-group", GUINT_TO_POINTER (group));
      gtk_widget_set_sensitive (button, counts[group] > 0);
      gtk_widget_set_tooltip_text (button, _("Show these users in the Users list"));
      g_signal_connect (button, "clicked", G_CALLBACK (on_change_clicked), self);
      add_change (self, button);
    }
}

static void
ap_overview_page_dispose (GObject *object)
{
  ApOverviewPage *self = AP_OVERVIEW_PAGE (object);

  g_clear_object (&self->departments_sorted);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_OVERVIEW_PAGE);
  /* after the template: the rows and charts point into it */
  g_clear_pointer (&self->analysis, ap_analysis_unref);

  G_OBJECT_CLASS (ap_overview_page_parent_class)->dispose (object);
}

static void
ap_overview_page_class_init (ApOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_overview_page_dispose;

  signals[DEPARTMENT_ACTIVATED] =
    g_signal_new ("department-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A change count was clicked: the window shows Users narrowed to that
   * group (an ApChangeGroup) */
  signals[CHANGE_GROUP_ACTIVATED] =
    g_signal_new ("change-group-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (AP_TYPE_CHART);
  g_type_ensure (AP_TYPE_TREND_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ap-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, bottom_box);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, breakdown_chart);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, changes_box);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, correct_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, correct_percent_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, departments_chart);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, departments_count_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, departments_view);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, freshness_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, incorrect_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, incorrect_percent_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, not_watched_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, not_watched_percent_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, top_box);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, trend_view);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, users_label);
  gtk_widget_class_bind_template_callback (widget_class, on_department_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_department_row_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ap_overview_page_init (ApOverviewPage *self)
{
  GtkSingleSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  ap_stack_hide_unshown_pages (self->stack);

  ap_table_add_column (self->departments_view, _("Department"), text_department,
                       compare_department, FALSE, TRUE);
  ap_table_add_column (self->departments_view, _("Users"), text_users, compare_users, TRUE,
                       FALSE);
  ap_table_add_column (self->departments_view, _("Videos sent"), text_sent, compare_sent, TRUE,
                       FALSE);
  ap_table_add_column (self->departments_view, _("Correct (%)"), text_pct_correct,
                       compare_pct_correct, TRUE, FALSE);
  ap_table_add_column (self->departments_view, _("Incorrect (%)"), text_pct_incorrect,
                       compare_pct_incorrect, TRUE, FALSE);
  ap_table_add_column (self->departments_view, _("Not watched (%)"), text_pct_not_watched,
                       compare_pct_not_watched, TRUE, FALSE);
  self->departments_sorted =
    gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->departments_view)));
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->departments_sorted)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->departments_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  ap_overview_page_set_analysis (self, NULL, NULL);
}

GtkWidget *
ap_overview_page_new (void)
{
  return g_object_new (AP_TYPE_OVERVIEW_PAGE, NULL);
}

void
ap_overview_page_set_history (ApOverviewPage *self,
                              ApHistory      *history,
                              gint64          snapshot_id)
{
  g_return_if_fail (AP_IS_OVERVIEW_PAGE (self));

  ap_trend_view_set_snapshot (self->trend_view, history, snapshot_id);
}

void
ap_overview_page_set_analysis (ApOverviewPage *self,
                               ApAnalysis     *analysis,
                               const char     *freshness)
{
  g_autoptr(GListModel) rows = NULL;
  const guint *positions;
  guint n;

  g_return_if_fail (AP_IS_OVERVIEW_PAGE (self));

  /* The totals, the ring, the bars and the table: all from this analysis */
  ap_chart_set_analysis (self->breakdown_chart, analysis);
  ap_chart_set_analysis (self->departments_chart, analysis);
  if (analysis != NULL)
    ap_analysis_ref (analysis);
  g_clear_pointer (&self->analysis, ap_analysis_unref);
  self->analysis = analysis;
  ap_overview_page_update (self);

  gtk_label_set_text (self->freshness_label, freshness != NULL ? freshness : "");
  gtk_widget_set_visible (GTK_WIDGET (self->freshness_label),
                          freshness != NULL && freshness[0] != '\0');

  /* The table and the rankings wait for the finished analysis: refilling
   * them for every running total would cost a few milliseconds ten times a
   * second while pages arrive, and they would show numbers still growing. */
  if (analysis != NULL && !ap_analysis_is_partial (analysis))
    {
      rows = ap_analysis_row_list_departments (analysis);
      gtk_sort_list_model_set_model (self->departments_sorted, rows);
      n = ap_analysis_get_top_departments (analysis, &positions);
      fill_ranking (self->top_box, analysis, positions, n);
      n = ap_analysis_get_bottom_departments (analysis, &positions);
      fill_ranking (self->bottom_box, analysis, positions, n);
    }
  else if (gtk_sort_list_model_get_model (self->departments_sorted) != NULL)
    {
      gtk_sort_list_model_set_model (self->departments_sorted, NULL);
      clear_ranking (self->top_box);
      clear_ranking (self->bottom_box);
    }
}
