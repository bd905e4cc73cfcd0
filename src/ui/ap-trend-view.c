/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-trend-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-a11y.h"
#include "ap-chart.h"
#include "ap-error.h"
#include "ap-offscreen.h"
#include "ap-trend-view.h"

struct _ApTrendView
{
  GtkWidget     parent_instance;

  ApChart      *chart;
  GtkDropDown  *department_dropdown;
  GtkLabel     *empty_label;
  GtkStack     *stack;
  GtkLabel     *title_label;

  ApHistory    *history;
  gint64        snapshot_id;
  char         *department;     /* NULL: the organisation */
  GStrv         departments;    /* what the drop-down lists after its first entry */
  GtkStringList *options;
  GCancellable *cancellable;
  gboolean      syncing;
};

G_DEFINE_FINAL_TYPE (ApTrendView, ap_trend_view, GTK_TYPE_WIDGET)

static void ap_trend_view_load (ApTrendView *self);

static void
ap_trend_view_show_message (ApTrendView *self,
                            const char  *text)
{
  gtk_label_set_text (self->empty_label, text);
  ap_stack_show_page (self->stack, "message");
}

/* The drop-down lists the shown snapshot's departments; rebuilt only when
 * they differ, so a pick survives a new fetch that has the same ones. */
static void
ap_trend_view_sync_departments (ApTrendView *self,
                                GStrv        departments)
{
  guint selected = 0;

  if (departments == NULL ||
      (self->departments != NULL &&
       g_strv_equal ((const char * const *) self->departments,
                     (const char * const *) departments)))
    return;

  g_strfreev (self->departments);
  self->departments = g_strdupv (departments);

  self->syncing = TRUE;
  gtk_string_list_splice (self->options, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->options)), NULL);
  gtk_string_list_append (self->options, _("Whole organisation"));
  for (guint i = 0; departments[i] != NULL; i++)
    {
      gtk_string_list_append (self->options, *departments[i] ? departments[i]
                                                             : _("No department"));
      if (g_strcmp0 (self->department, departments[i]) == 0)
        selected = i + 1;
    }
  gtk_drop_down_set_selected (self->department_dropdown, selected);
  self->syncing = FALSE;

  /* The department picked is not in this snapshot: back to everyone */
  if (selected == 0 && self->department != NULL)
    ap_trend_view_set_department (self, NULL);
}

static void
on_trend_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ApTrendView) self = user_data;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GArray) shown = NULL;
  g_auto(GStrv) departments = NULL;
  g_autoptr(GError) error = NULL;

  points = ap_history_trend_finish (AP_HISTORY (object), result, &departments, &error);
  if (ap_error_is_cancelled (error) || self->cancellable == NULL)
    return;
  g_clear_object (&self->cancellable);

  if (points == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The trend could not be read from the "
                                                 "history: %s"), error->message);
      ap_trend_view_show_message (self, text);
      return;
    }

  ap_trend_view_sync_departments (self, departments);
  if (self->cancellable != NULL)
    return;   /* the department changed: its trend is on the way */

  /* A snapshot where the department had nobody is no point at 0 % */
  shown = g_array_new (FALSE, FALSE, sizeof (ApChartTrendPoint));
  for (guint i = 0; i < points->len; i++)
    {
      const ApTrendPoint *p = &g_array_index (points, ApTrendPoint, i);
      ApChartTrendPoint point = {
        .time = p->fetched_at,
        .correct = p->num_correct,
        .incorrect = p->num_incorrect,
        .not_watched = p->num_not_watched,
      };

      if (p->num_correct + p->num_incorrect + p->num_not_watched > 0)
        g_array_append_val (shown, point);
    }

  ap_chart_set_trend (self->chart, (const ApChartTrendPoint *) shown->data, shown->len);
  if (shown->len >= 2)
    ap_stack_show_page (self->stack, "chart");
  else if (self->department != NULL && points->len >= 2)
    ap_trend_view_show_message (self, _("This department had no videos in the earlier "
                                        "fetches of this query: there is no trend to "
                                        "show for it yet."));
  else
    ap_trend_view_show_message (self, _("The trend appears once this query has been "
                                        "fetched twice. Every complete fetch is kept; "
                                        "refresh another day to see how the results move."));
}

static void
ap_trend_view_load (ApTrendView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->history == NULL || self->snapshot_id == 0)
    return;

  self->cancellable = g_cancellable_new ();
  ap_history_trend_async (self->history, self->snapshot_id, self->department,
                          self->cancellable, on_trend_loaded, g_object_ref (self));
}

static void
on_department_selected (ApTrendView *self)
{
  guint position = gtk_drop_down_get_selected (self->department_dropdown);
  const char *department = NULL;

  if (self->syncing)
    return;
  if (position != GTK_INVALID_LIST_POSITION && position > 0 && self->departments != NULL &&
      position <= g_strv_length (self->departments))
    department = self->departments[position - 1];
  ap_trend_view_set_department (self, department);
}

static void
ap_trend_view_dispose (GObject *object)
{
  ApTrendView *self = AP_TREND_VIEW (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->history);
  g_clear_object (&self->options);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_TREND_VIEW);
  /* Children the template does not bind (the heading's box) are ours to drop */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ap_trend_view_parent_class)->dispose (object);
}

static void
ap_trend_view_finalize (GObject *object)
{
  ApTrendView *self = AP_TREND_VIEW (object);

  g_clear_pointer (&self->department, g_free);
  g_clear_pointer (&self->departments, g_strfreev);

  G_OBJECT_CLASS (ap_trend_view_parent_class)->finalize (object);
}

static void
ap_trend_view_class_init (ApTrendViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_trend_view_dispose;
  object_class->finalize = ap_trend_view_finalize;

  g_type_ensure (AP_TYPE_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ap-trend-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ApTrendView, chart);
  gtk_widget_class_bind_template_child (widget_class, ApTrendView, department_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ApTrendView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, ApTrendView, stack);
  gtk_widget_class_bind_template_child (widget_class, ApTrendView, title_label);
}

static void
ap_trend_view_init (ApTrendView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ap_stack_hide_unshown_pages (self->stack);

  self->options = gtk_string_list_new (NULL);
  gtk_string_list_append (self->options, _("Whole organisation"));
  gtk_drop_down_set_model (self->department_dropdown, G_LIST_MODEL (self->options));
  ap_a11y_label_drop_down (self->department_dropdown, _("Department of the trend"));
  g_signal_connect_object (self->department_dropdown, "notify::selected",
                           G_CALLBACK (on_department_selected), self, G_CONNECT_SWAPPED);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->title_label, NULL,
                                  -1);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
ap_trend_view_new (void)
{
  return g_object_new (AP_TYPE_TREND_VIEW, NULL);
}

void
ap_trend_view_set_snapshot (ApTrendView *self,
                            ApHistory   *history,
                            gint64       snapshot_id)
{
  g_return_if_fail (AP_IS_TREND_VIEW (self));
  g_return_if_fail (history == NULL || AP_IS_HISTORY (history));

  if (history == NULL)
    snapshot_id = 0;
  if (self->history == history && self->snapshot_id == snapshot_id)
    return;

  g_set_object (&self->history, history);
  self->snapshot_id = snapshot_id;
  gtk_widget_set_visible (GTK_WIDGET (self), snapshot_id != 0);
  ap_trend_view_load (self);
}

void
ap_trend_view_set_department (ApTrendView *self,
                              const char  *department)
{
  g_return_if_fail (AP_IS_TREND_VIEW (self));

  if (g_strcmp0 (self->department, department) == 0)
    return;

  g_free (self->department);
  self->department = g_strdup (department);

  self->syncing = TRUE;
  if (department == NULL)
    gtk_drop_down_set_selected (self->department_dropdown, 0);
  else if (self->departments != NULL)
    for (guint i = 0; self->departments[i] != NULL; i++)
      if (g_strcmp0 (self->departments[i], department) == 0)
        gtk_drop_down_set_selected (self->department_dropdown, i + 1);
  self->syncing = FALSE;

  ap_trend_view_load (self);
}

gboolean
ap_trend_view_is_loading (ApTrendView *self)
{
  g_return_val_if_fail (AP_IS_TREND_VIEW (self), FALSE);

  return self->cancellable != NULL;
}
