/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-user-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-offscreen.h"
#include "ap-chart.h"
#include "ap-chart-render.h"
#include "ap-error.h"
#include "ap-history.h"
#include "ap-user-detail.h"
#include "ap-window-private.h"
#include "ap-wrap-label.h"

struct _ApUserDetail
{
  GtkWidget         parent_instance;

  GtkWidget        *chart_box;
  GtkLabel         *correct_value;
  GtkLabel         *department_label;
  GtkLabel         *email_label;
  GtkBox           *header_box;
  GtkWidget        *history_box;
  GtkGrid          *history_grid;
  GtkLabel         *incorrect_value;
  GtkLabel         *name_label;
  GtkLabel         *not_watched_value;
  GtkColumnViewColumn *acknowledged_column;
  GtkColumnViewColumn *category_column;
  GtkColumnViewColumn *sent_column;
  GtkStack         *records_stack;
  GtkColumnView    *records_view;
  GtkStack         *stack;

  GtkWidget        *chart;
  GtkSortListModel *sort_model;
  ApUser           *user;

  ApHistory        *history;            /* (nullable) */
  gint64            snapshot_id;
  GCancellable     *history_cancellable;
};

enum {
  PROP_0,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ApUserDetail, ap_user_detail, GTK_TYPE_WIDGET)

/* In the user's locale and time zone: the locale decides the order and
 * separators. The cell shows the date; its tooltip adds the time. */
static char *
format_local_time (GDateTime  *utc,
                   const char *format)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, format);
}

/* Mimecast sends the status in English. The ones it is known to send are
 * shown in the person's language; any other is shown as sent, since a
 * guess would be worse than the original word. */
static char *
format_status (gpointer    unused,
               const char *status)
{
  static const struct {
    const char *sent;
    const char *label;
  } statuses[] = {
    { "Completed", N_("Completed") },
    { "Overdue", N_("Overdue") },
    { "Not Started", N_("Not Started") },
    { "In Progress", N_("In Progress") },
    { "Failed", N_("Failed") },
    { "Passed", N_("Passed") },
  };

  if (status == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (g_ascii_strcasecmp (status, statuses[i].sent) == 0)
      return g_strdup (_(statuses[i].label));

  return g_strdup (status);
}

static char *
format_sent (gpointer   unused,
             GDateTime *time_sent)
{
  if (time_sent == NULL)
    return g_strdup (_("Not sent"));
  return format_local_time (time_sent, "%x");
}

static char *
format_sent_full (gpointer   unused,
                  GDateTime *time_sent)
{
  if (time_sent == NULL)
    return g_strdup (_("Not sent"));
  return format_local_time (time_sent, "%x %X");
}

static char *
format_viewed (gpointer   unused,
               GDateTime *time_viewed)
{
  if (time_viewed == NULL)
    return g_strdup (_("Not viewed"));
  return format_local_time (time_viewed, "%x");
}

static char *
format_viewed_full (gpointer   unused,
                    GDateTime *time_viewed)
{
  if (time_viewed == NULL)
    return g_strdup (_("Not viewed"));
  return format_local_time (time_viewed, "%x %X");
}

static char *
format_yes_no (gpointer unused,
               gboolean acknowledged)
{
  return g_strdup (acknowledged ? _("Yes") : _("No"));
}

static gint64
record_time_sent (ApTrainingRecord *record)
{
  return ap_training_record_get_time_sent (record);
}

static gint64
record_time_viewed (ApTrainingRecord *record)
{
  return ap_training_record_get_time_viewed (record);
}

/* ---- the user in the saved fetches ------------------------------------ */

#define HISTORY_ROWS 8   /* the newest; a compact table, not an archive */

static void
history_add_cell (ApUserDetail *self,
                  const char   *text,
                  int           column,
                  int           row,
                  int           width,
                  gboolean      number,
                  gboolean      dim)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1 : 0);
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (self->history_grid, label, column, row, width, 1);
}

static void
ap_user_detail_clear_history (ApUserDetail *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_grid))) != NULL)
    gtk_grid_remove (self->history_grid, child);
  gtk_widget_set_visible (self->history_box, FALSE);
}

static void
on_user_history_loaded (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ApUserDetail) self = user_data;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) description = g_string_new (NULL);
  int row = 1;

  points = ap_history_user_history_finish (AP_HISTORY (object), result, &error);
  if (ap_error_is_cancelled (error) || self->history_cancellable == NULL)
    return;
  g_clear_object (&self->history_cancellable);
  ap_user_detail_clear_history (self);
  /* One snapshot is nothing to compare; a history that cannot be read is
   * said where the whole window's history is (the Overview's trend) */
  if (points == NULL || points->len < 2)
    return;

  history_add_cell (self, _("Fetched"), 0, 0, 1, FALSE, TRUE);
  history_add_cell (self, _("Correct"), 1, 0, 1, TRUE, TRUE);
  history_add_cell (self, _("Incorrect"), 2, 0, 1, TRUE, TRUE);
  history_add_cell (self, _("Not watched"), 3, 0, 1, TRUE, TRUE);

  for (guint i = points->len; i > 0 && row <= HISTORY_ROWS; i--, row++)
    {
      const ApTrendPoint *p = &g_array_index (points, ApTrendPoint, i - 1);
      g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (p->fetched_at);
      g_autofree char *when = g_date_time_format (then, "%x %H:%M");
      g_autofree char *line = NULL;

      history_add_cell (self, when, 0, row, 1, FALSE, FALSE);
      if (p->n_users == 0)
        {
          /* Translators: a user's history: they were not among the users of that fetch */
          history_add_cell (self, _("Not in this fetch"), 1, row, 3, FALSE, TRUE);
          /* Translators: a user's history for screen readers, e.g. "25/11/26 14:02: not in this fetch" */
          line = g_strdup_printf (_("%s: not in this fetch"), when);
        }
      else
        {
          g_autofree char *correct = ap_chart_format_count (p->num_correct);
          g_autofree char *incorrect = ap_chart_format_count (p->num_incorrect);
          g_autofree char *not_watched = ap_chart_format_count (p->num_not_watched);

          history_add_cell (self, correct, 1, row, 1, TRUE, FALSE);
          history_add_cell (self, incorrect, 2, row, 1, TRUE, FALSE);
          history_add_cell (self, not_watched, 3, row, 1, TRUE, FALSE);
          /* Translators: a user's history for screen readers */
          line = g_strdup_printf (_("%s: %s correct, %s incorrect, %s not watched"), when,
                                  correct, incorrect, not_watched);
        }
      if (description->len > 0)
        g_string_append (description, "; ");
      g_string_append (description, line);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->history_grid),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str, -1);
  gtk_widget_set_visible (self->history_box, TRUE);
}

/* The user's counts in the snapshots of the shown query, off the main
 * thread; what was shown for the previous user goes at once. */
static void
ap_user_detail_load_history (ApUserDetail *self)
{
  if (self->history_cancellable != NULL)
    g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  ap_user_detail_clear_history (self);

  if (self->history == NULL || self->snapshot_id == 0 || self->user == NULL)
    return;

  self->history_cancellable = g_cancellable_new ();
  ap_history_user_history_async (self->history, self->snapshot_id, ap_user_get_email (self->user),
                                 self->history_cancellable, on_user_history_loaded,
                                 g_object_ref (self));
}

static void
ap_user_detail_update (ApUserDetail *self)
{
  g_autofree char *correct = NULL;
  g_autofree char *incorrect = NULL;
  g_autofree char *not_watched = NULL;
  g_autofree char *description = NULL;
  const char *department;
  const char *records_page;
  guint n_correct, n_incorrect, n_not_watched;

  if (self->user == NULL)
    {
      gtk_sort_list_model_set_model (self->sort_model, NULL);
      ap_stack_show_page (self->stack, "empty");
      return;
    }

  n_correct = ap_user_get_num_correct (self->user);
  n_incorrect = ap_user_get_num_incorrect (self->user);
  n_not_watched = ap_user_get_num_not_watched (self->user);

  gtk_label_set_label (self->name_label, ap_user_get_name (self->user));
  gtk_label_set_label (self->email_label, ap_user_get_email (self->user));
  department = ap_user_get_department (self->user);
  gtk_label_set_label (self->department_label,
                       *department != '\0' ? department : _("No department"));

  correct = ap_chart_format_count (n_correct);
  incorrect = ap_chart_format_count (n_incorrect);
  not_watched = ap_chart_format_count (n_not_watched);
  gtk_label_set_label (self->correct_value, correct);
  gtk_label_set_label (self->incorrect_value, incorrect);
  gtk_label_set_label (self->not_watched_value, not_watched);

  ap_chart_set_counts (AP_CHART (self->chart), n_correct, n_incorrect, n_not_watched);
  description = g_strdup_printf (_("%s: %s correct, %s incorrect, %s not watched"),
                                 ap_user_get_name (self->user), correct, incorrect, not_watched);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);

  gtk_sort_list_model_set_model (self->sort_model, ap_user_get_records (self->user));

  if (!ap_user_get_has_details (self->user))
    records_page = "no-details";
  else if (ap_user_get_n_records (self->user) == 0)
    records_page = "no-records";
  else
    records_page = "records";

  ap_stack_show_page (self->records_stack, records_page);
  ap_stack_show_page (self->stack, "user");
}

static void
ap_user_detail_dispose (GObject *object)
{
  ApUserDetail *self = AP_USER_DETAIL (object);

  if (self->history_cancellable != NULL)
    g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  g_clear_object (&self->history);
  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_USER_DETAIL);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->user);

  G_OBJECT_CLASS (ap_user_detail_parent_class)->dispose (object);
}

static void
ap_user_detail_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ApUserDetail *self = AP_USER_DETAIL (object);

  switch (prop_id)
    {
    case PROP_USER:
      g_value_set_object (value, self->user);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_user_detail_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ApUserDetail *self = AP_USER_DETAIL (object);

  switch (prop_id)
    {
    case PROP_USER:
      ap_user_detail_set_user (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_user_detail_class_init (ApUserDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_user_detail_dispose;
  object_class->get_property = ap_user_detail_get_property;
  object_class->set_property = ap_user_detail_set_property;

  properties[PROP_USER] =
    g_param_spec_object ("user", NULL, NULL, AP_TYPE_USER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (AP_TYPE_TRAINING_RECORD);
  g_type_ensure (AP_TYPE_WRAP_LABEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/awarenessperf/AwarenessPerformance/"
                                               "ap-user-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, acknowledged_column);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, category_column);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, chart_box);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, correct_value);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, department_label);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, email_label);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, header_box);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, history_box);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, history_grid);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, incorrect_value);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, not_watched_value);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, records_stack);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, records_view);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, sent_column);
  gtk_widget_class_bind_template_child (widget_class, ApUserDetail, stack);
  gtk_widget_class_bind_template_callback (widget_class, format_sent);
  gtk_widget_class_bind_template_callback (widget_class, format_status);
  gtk_widget_class_bind_template_callback (widget_class, format_sent_full);
  gtk_widget_class_bind_template_callback (widget_class, format_viewed);
  gtk_widget_class_bind_template_callback (widget_class, format_viewed_full);
  gtk_widget_class_bind_template_callback (widget_class, format_yes_no);
  gtk_widget_class_bind_template_callback (widget_class, record_time_sent);
  gtk_widget_class_bind_template_callback (widget_class, record_time_viewed);
}

static void
ap_user_detail_init (ApUserDetail *self)
{
  GtkNoSelection *selection;
  GtkSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  ap_stack_hide_unshown_pages (self->stack);
  ap_stack_hide_unshown_pages (self->records_stack);

  self->chart = ap_chart_new (AP_CHART_KIND_BREAKDOWN);
  gtk_widget_set_hexpand (self->chart, TRUE);
  gtk_widget_set_vexpand (self->chart, TRUE);
  gtk_box_append (GTK_BOX (self->chart_box), self->chart);

  sorter = gtk_column_view_get_sorter (self->records_view);
  self->sort_model = gtk_sort_list_model_new (NULL, g_object_ref (sorter));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_column_view_set_model (self->records_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  ap_user_detail_update (self);
}

GtkWidget *
ap_user_detail_new (void)
{
  return g_object_new (AP_TYPE_USER_DETAIL, NULL);
}

void
ap_user_detail_set_user (ApUserDetail *self,
                         ApUser       *user)
{
  g_return_if_fail (AP_IS_USER_DETAIL (self));
  g_return_if_fail (user == NULL || AP_IS_USER (user));

  if (!g_set_object (&self->user, user))
    return;

  ap_user_detail_update (self);
  ap_user_detail_load_history (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

void
ap_user_detail_set_history (ApUserDetail *self,
                            ApHistory    *history,
                            gint64        snapshot_id)
{
  g_return_if_fail (AP_IS_USER_DETAIL (self));
  g_return_if_fail (history == NULL || AP_IS_HISTORY (history));

  if (history == NULL)
    snapshot_id = 0;
  if (self->history == history && self->snapshot_id == snapshot_id)
    return;

  g_set_object (&self->history, history);
  self->snapshot_id = snapshot_id;
  ap_user_detail_load_history (self);
}

gboolean
ap_user_detail_is_loading_history (ApUserDetail *self)
{
  g_return_val_if_fail (AP_IS_USER_DETAIL (self), FALSE);

  return self->history_cancellable != NULL;
}

ApUser *
ap_user_detail_get_user (ApUserDetail *self)
{
  g_return_val_if_fail (AP_IS_USER_DETAIL (self), NULL);

  return self->user;
}

GtkColumnView *
ap_user_detail_get_records_view (ApUserDetail *self)
{
  g_return_val_if_fail (AP_IS_USER_DETAIL (self), NULL);

  return self->records_view;
}

const char *
ap_user_detail_get_visible_page (ApUserDetail *self)
{
  g_return_val_if_fail (AP_IS_USER_DETAIL (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0)
    return "empty";
  return gtk_stack_get_visible_child_name (self->records_stack);
}

/* Narrow: the title, the status and when it was viewed; the category,
 * acknowledgement and sent date only where there is room for them. */
void
ap_user_detail_set_compact (ApUserDetail *self,
                            gboolean      compact)
{
  g_return_if_fail (AP_IS_USER_DETAIL (self));

  gtk_column_view_column_set_visible (self->category_column, !compact);
  gtk_column_view_column_set_visible (self->acknowledged_column, !compact);
  gtk_column_view_column_set_visible (self->sent_column, !compact);
}

/* Phone-sized: the chart above the name and counts, not beside them. */
void
ap_user_detail_set_narrow (ApUserDetail *self,
                           gboolean      narrow)
{
  g_return_if_fail (AP_IS_USER_DETAIL (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->header_box),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
}
