/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-chart.h"
#include "ap-chart-render.h"
#include "ap-overview-page-private.h"

struct _ApOverviewPage
{
  GtkWidget  parent_instance;

  ApSummary *summary;

  ApChart   *breakdown_chart;
  GtkLabel  *correct_label;
  GtkLabel  *correct_percent_label;
  ApChart   *departments_chart;
  GtkLabel  *departments_count_label;
  GtkLabel  *incorrect_label;
  GtkLabel  *incorrect_percent_label;
  GtkLabel  *not_watched_label;
  GtkLabel  *not_watched_percent_label;
  GtkStack  *stack;
  GtkLabel  *users_label;
};

enum {
  DEPARTMENT_ACTIVATED,
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

  if (self->summary != NULL)
    {
      n_users = ap_summary_get_n_users (self->summary);
      correct = ap_summary_get_num_correct (self->summary);
      incorrect = ap_summary_get_num_incorrect (self->summary);
      not_watched = ap_summary_get_num_not_watched (self->summary);
      n_departments = g_list_model_get_n_items (ap_summary_get_departments (self->summary));
    }
  total = correct + incorrect + not_watched;

  gtk_stack_set_visible_child_name (self->stack, n_users > 0 ? "data" : "empty");

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

static void
on_department_activated (ApOverviewPage *self,
                         const char     *name,
                         ApChart        *chart)
{
  g_signal_emit (self, signals[DEPARTMENT_ACTIVATED], 0, name);
}

static void
ap_overview_page_dispose (GObject *object)
{
  ApOverviewPage *self = AP_OVERVIEW_PAGE (object);

  if (self->summary != NULL)
    g_signal_handlers_disconnect_by_func (self->summary, ap_overview_page_update, self);
  g_clear_object (&self->summary);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_OVERVIEW_PAGE);

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

  g_type_ensure (AP_TYPE_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ap-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, breakdown_chart);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, correct_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, correct_percent_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, departments_chart);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, departments_count_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, incorrect_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, incorrect_percent_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, not_watched_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, not_watched_percent_label);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ApOverviewPage, users_label);
  gtk_widget_class_bind_template_callback (widget_class, on_department_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ap_overview_page_init (ApOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  ap_overview_page_update (self);
}

GtkWidget *
ap_overview_page_new (void)
{
  return g_object_new (AP_TYPE_OVERVIEW_PAGE, NULL);
}

void
ap_overview_page_set_summary (ApOverviewPage *self,
                              ApSummary      *summary)
{
  g_return_if_fail (AP_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (summary == NULL || AP_IS_SUMMARY (summary));

  if (self->summary == summary)
    return;

  if (self->summary != NULL)
    g_signal_handlers_disconnect_by_func (self->summary, ap_overview_page_update, self);
  g_set_object (&self->summary, summary);
  if (self->summary != NULL)
    g_signal_connect_swapped (self->summary, "changed", G_CALLBACK (ap_overview_page_update), self);

  ap_chart_set_summary (self->breakdown_chart, summary);
  ap_chart_set_summary (self->departments_chart, summary);
  ap_overview_page_update (self);
}

ApChart *
_ap_overview_page_get_breakdown_chart (ApOverviewPage *self)
{
  g_return_val_if_fail (AP_IS_OVERVIEW_PAGE (self), NULL);

  return self->breakdown_chart;
}

ApChart *
_ap_overview_page_get_departments_chart (ApOverviewPage *self)
{
  g_return_val_if_fail (AP_IS_OVERVIEW_PAGE (self), NULL);

  return self->departments_chart;
}

const char *
_ap_overview_page_get_visible_state (ApOverviewPage *self)
{
  g_return_val_if_fail (AP_IS_OVERVIEW_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
_ap_overview_page_get_total_text (ApOverviewPage *self,
                                  ApChartPart     part)
{
  g_return_val_if_fail (AP_IS_OVERVIEW_PAGE (self), NULL);

  switch (part)
    {
    case AP_CHART_PART_CORRECT:
      return gtk_label_get_text (self->correct_label);
    case AP_CHART_PART_INCORRECT:
      return gtk_label_get_text (self->incorrect_label);
    case AP_CHART_PART_NOT_WATCHED:
      return gtk_label_get_text (self->not_watched_label);
    case AP_CHART_PART_NONE:
    default:
      return gtk_label_get_text (self->users_label);
    }
}
