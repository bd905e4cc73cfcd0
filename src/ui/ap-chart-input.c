/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-chart-private.h"

/* How the chart answers a person: the pointer (hover, click), the
 * keyboard (a row or snapshot at a time) and tooltips. Each only stores
 * where it is and queues a draw: the base render stays as it is. */

int
ap_chart_hit_trend (ApChart *self,
                    double   x,
                    double   y)
{
  return ap_chart_trend_hit_test (ap_chart_widget_font (self),
                                  gtk_widget_get_width (GTK_WIDGET (self)),
                                  gtk_widget_get_height (GTK_WIDGET (self)),
                                  (const ApChartTrendPoint *) self->trend->data, self->trend->len,
                                  x, y);
}

/* The number of rows (departments, snapshots) keys move through */
int
ap_chart_n_focus_rows (ApChart *self)
{
  if (self->kind == AP_CHART_KIND_DEPARTMENTS)
    return self->series->len;
  if (self->kind == AP_CHART_KIND_TREND)
    return self->trend->len;
  return 0;
}

int
ap_chart_hit_row (ApChart     *self,
                  double       x,
                  double       y,
                  ApChartPart *part)
{
  return ap_chart_stacked_bars_hit_test (gtk_widget_get_width (GTK_WIDGET (self)),
                                         gtk_widget_get_height (GTK_WIDGET (self)),
                                         (const ApChartSeries *) self->series->data,
                                         self->series->len, x, y, part);
}

ApChartPart
ap_chart_hit_part (ApChart *self,
                   double   x,
                   double   y)
{
  return ap_chart_breakdown_hit_test (gtk_widget_get_width (GTK_WIDGET (self)),
                                      gtk_widget_get_height (GTK_WIDGET (self)),
                                      self->correct, self->incorrect, self->not_watched,
                                      x, y);
}

static void
activate_row (ApChart *self,
              int      row)
{
  if (row < 0 || (guint) row >= self->series->len)
    return;

  g_signal_emit_by_name (self, "department-activated",
                 g_array_index (self->series, ApChartSeries, row).label);
}

static void
on_motion (ApChart                  *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (ApChart                  *self,
          GtkEventControllerMotion *motion)
{
  self->pointer_inside = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_released (ApChart         *self,
             int              n_press,
             double           x,
             double           y,
             GtkGestureClick *gesture)
{
  _ap_chart_click (self, x, y);
}

static gboolean
on_key_pressed (ApChart               *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  int n = ap_chart_n_focus_rows (self);
  int row = self->focus_row;
  gboolean trend = self->kind == AP_CHART_KIND_TREND;

  if (n == 0)
    return GDK_EVENT_PROPAGATE;

  /* Departments are rows, snapshots run left to right */
  if (keyval == (trend ? GDK_KEY_Left : GDK_KEY_Up) ||
      keyval == (trend ? GDK_KEY_KP_Left : GDK_KEY_KP_Up))
    keyval = GDK_KEY_Up;
  else if (keyval == (trend ? GDK_KEY_Right : GDK_KEY_Down) ||
           keyval == (trend ? GDK_KEY_KP_Right : GDK_KEY_KP_Down))
    keyval = GDK_KEY_Down;
  else if (keyval == GDK_KEY_Up || keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Up ||
           keyval == GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Up:
      row = row <= 0 ? 0 : row - 1;
      break;
    case GDK_KEY_Down:
      row = row < 0 ? 0 : MIN (row + 1, n - 1);
      break;
    case GDK_KEY_Home:
      row = 0;
      break;
    case GDK_KEY_End:
      row = n - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
      if (trend)
        return GDK_EVENT_PROPAGATE;
      activate_row (self, row < 0 ? 0 : row);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  if (row != self->focus_row)
    {
      self->focus_row = row;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      /* The tooltip follows the keyboard to the new row */
      gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
    }
  return GDK_EVENT_STOP;
}

static void
on_focus_changed (ApChart *self)
{
  if (self->focus_row < 0 && ap_chart_n_focus_rows (self) > 0)
    self->focus_row = self->kind == AP_CHART_KIND_TREND ? ap_chart_n_focus_rows (self) - 1 : 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_query_tooltip (ApChart    *self,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip)
{
  g_autofree char *text = NULL;

  if (keyboard_mode && self->kind == AP_CHART_KIND_DEPARTMENTS && self->focus_row >= 0 &&
      (guint) self->focus_row < self->series->len)
    text = ap_chart_describe_series (&g_array_index (self->series, ApChartSeries, self->focus_row));
  else if (keyboard_mode && self->kind == AP_CHART_KIND_TREND && self->focus_row >= 0 &&
           (guint) self->focus_row < self->trend->len)
    text = ap_chart_describe_trend_point (&g_array_index (self->trend, ApChartTrendPoint,
                                                          self->focus_row));
  else
    text = _ap_chart_dup_tooltip_at (self, x, y);

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
ap_chart_init_input (ApChart *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (gesture, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect_swapped (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}

/* ---- test hooks -------------------------------------------------------- */

void
_ap_chart_click (ApChart *self,
                 double   x,
                 double   y)
{
  int row;

  g_return_if_fail (AP_IS_CHART (self));

  if (self->kind != AP_CHART_KIND_DEPARTMENTS)
    return;

  row = ap_chart_hit_row (self, x, y, NULL);
  if (row < 0)
    return;

  self->focus_row = row;
  activate_row (self, row);
}

char *
_ap_chart_dup_tooltip_at (ApChart *self,
                          double   x,
                          double   y)
{
  g_return_val_if_fail (AP_IS_CHART (self), NULL);

  if (self->kind == AP_CHART_KIND_BREAKDOWN)
    {
      ApChartPart part = ap_chart_hit_part (self, x, y);
      guint64 counts[3] = { self->correct, self->incorrect, self->not_watched };
      guint64 total = self->correct + self->incorrect + self->not_watched;
      g_autofree char *count = NULL;
      g_autofree char *total_text = NULL;
      g_autofree char *percent = NULL;
      guint shares[3];

      if (part == AP_CHART_PART_NONE)
        return NULL;

      ap_chart_compute_percentages (self->correct, self->incorrect, self->not_watched, shares);
      count = ap_chart_format_count (counts[part]);
      total_text = ap_chart_format_count (total);
      percent = ap_chart_format_percent (counts[part], total, shares[part]);
      /* Translators: e.g. "Incorrect: 30 of 200 (15 %)" */
      return g_strdup_printf (_("%s: %s of %s (%s)"), ap_chart_part_get_label (part),
                              count, total_text, percent);
    }

  if (self->kind == AP_CHART_KIND_DEPARTMENTS)
    {
      int row = ap_chart_hit_row (self, x, y, NULL);

      if (row < 0)
        return NULL;
      return ap_chart_describe_series (&g_array_index (self->series, ApChartSeries, row));
    }

  if (self->kind == AP_CHART_KIND_TREND)
    {
      int index = ap_chart_hit_trend (self, x, y);

      if (index < 0)
        return NULL;
      return ap_chart_describe_trend_point (&g_array_index (self->trend, ApChartTrendPoint, index));
    }

  return NULL;
}

int
_ap_chart_get_focus_row (ApChart *self)
{
  g_return_val_if_fail (AP_IS_CHART (self), -1);

  return self->focus_row;
}
