/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "ap-chart-private.h"
#include "ap-chart-render.h"
#include "ap-chart-trend.h"
#include "ap-ui-enums.h"

#define BREAKDOWN_MIN_SIZE 120
#define BREAKDOWN_NAT_SIZE 200
#define BARS_MIN_WIDTH     240
#define BARS_NAT_WIDTH     480
#define TREND_MIN_HEIGHT   140
#define TREND_NAT_HEIGHT   200

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

enum {
  DEPARTMENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ApChart, ap_chart, GTK_TYPE_WIDGET)

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

const PangoFontDescription *
ap_chart_widget_font (ApChart *self)
{
  return pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (self)));
}

/* The data, the size or the style changed: the base is drawn anew. */
static void
invalidate_base (ApChart *self)
{
  g_clear_pointer (&self->base, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

char *
ap_chart_describe_series (const ApChartSeries *s)
{
  g_autofree char *counts = ap_chart_describe_counts (s->correct, s->incorrect, s->not_watched);
  const char *name = *s->label ? s->label : _("No department");

  /* Translators: a department and its counts, e.g. "Sales: Correct 10 (10 %), …" */
  return g_strdup_printf (_("%s: %s"), name, counts);
}

static void
update_accessible (ApChart *self)
{
  g_autofree char *description = NULL;
  const char *label = NULL;

  switch (self->kind)
    {
    case AP_CHART_KIND_BREAKDOWN:
      label = _("Training results");
      description = ap_chart_describe_counts (self->correct, self->incorrect, self->not_watched);
      break;

    case AP_CHART_KIND_DEPARTMENTS:
      {
        GString *text = g_string_new (NULL);

        label = _("Departments, by share not watched");
        for (guint i = 0; i < self->series->len; i++)
          {
            g_autofree char *row =
              ap_chart_describe_series (&g_array_index (self->series, ApChartSeries, i));

            if (text->len > 0)
              g_string_append (text, "; ");
            g_string_append (text, row);
          }
        if (text->len == 0)
          g_string_append (text, _("No data"));
        description = g_string_free (text, FALSE);
      }
      break;

    case AP_CHART_KIND_TREND:
      {
        GString *text = g_string_new (NULL);

        label = _("Trend of the results over the saved fetches");
        for (guint i = 0; i < self->trend->len; i++)
          {
            g_autofree char *point =
              ap_chart_describe_trend_point (&g_array_index (self->trend, ApChartTrendPoint, i));

            if (text->len > 0)
              g_string_append (text, "; ");
            g_string_append (text, point);
          }
        if (text->len == 0)
          g_string_append (text, _("No data"));
        description = g_string_free (text, FALSE);
      }
      break;

    case AP_CHART_KIND_LEGEND:
    default:
      label = _("Legend");
      description = g_strdup_printf ("%s, %s, %s",
                                     ap_chart_part_get_label (AP_CHART_PART_CORRECT),
                                     ap_chart_part_get_label (AP_CHART_PART_INCORRECT),
                                     ap_chart_part_get_label (AP_CHART_PART_NOT_WATCHED));
      break;
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
reload_from_analysis (ApChart *self)
{
  g_array_set_size (self->series, 0);

  if (self->analysis == NULL)
    {
      self->correct = self->incorrect = self->not_watched = 0;
      return;
    }

  self->correct = ap_analysis_get_num_correct (self->analysis);
  self->incorrect = ap_analysis_get_num_incorrect (self->analysis);
  self->not_watched = ap_analysis_get_num_not_watched (self->analysis);

  if (self->kind != AP_CHART_KIND_DEPARTMENTS)
    return;

  for (guint i = 0; i < ap_analysis_get_n_departments (self->analysis); i++)
    {
      const ApAnalysisDepartment *department = ap_analysis_get_department (self->analysis, i);
      ApChartSeries s = {
        .label = department->name,
        .correct = department->num_correct,
        .incorrect = department->num_incorrect,
        .not_watched = department->num_not_watched,
      };

      g_array_append_val (self->series, s);
    }
}

static void
on_analysis_changed (ApChart *self)
{
  guint old_len = self->series->len;

  reload_from_analysis (self);

  if (self->focus_row >= (int) self->series->len)
    self->focus_row = (int) self->series->len - 1;

  update_accessible (self);
  if (old_len != self->series->len)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  invalidate_base (self);
}

/* Everything but the hover: what the cache keeps. */
static void
draw_base (ApChart *self,
           cairo_t *cr,
           double   width,
           double   height,
           gboolean dark)
{
  const PangoFontDescription *font = ap_chart_widget_font (self);
  ApChartPalette palette;

  ap_chart_palette_init (&palette, dark);

  switch (self->kind)
    {
    case AP_CHART_KIND_BREAKDOWN:
      ap_chart_render_breakdown (cr, &palette, font, 0, 0, width, height,
                                 self->correct, self->incorrect, self->not_watched,
                                 AP_CHART_PART_NONE);
      break;

    case AP_CHART_KIND_DEPARTMENTS:
      ap_chart_render_stacked_bars (cr, &palette, font, 0, 0, width, height,
                                    (const ApChartSeries *) self->series->data,
                                    self->series->len, -1, AP_CHART_PART_NONE);
      break;

    case AP_CHART_KIND_TREND:
      ap_chart_render_trend (cr, &palette, font, 0, 0, width, height,
                             (const ApChartTrendPoint *) self->trend->data, self->trend->len);
      break;

    case AP_CHART_KIND_LEGEND:
    default:
      ap_chart_render_legend (cr, &palette, font,
                              MAX (0, (width - ap_chart_legend_get_width (font)) / 2.0),
                              MAX (0, (height - ap_chart_legend_get_height (font)) / 2.0),
                              width);
      break;
    }
}

/* The part, row or snapshot under the pointer, or the one keyboard focus
 * is on (a click's focus does not linger); FALSE when there is none. */
static gboolean
find_highlight (ApChart     *self,
                int         *row,
                ApChartPart *part)
{
  *row = -1;
  *part = AP_CHART_PART_NONE;

  switch (self->kind)
    {
    case AP_CHART_KIND_BREAKDOWN:
      if (self->pointer_inside)
        *part = ap_chart_hit_part (self, self->pointer_x, self->pointer_y);
      return *part != AP_CHART_PART_NONE;

    case AP_CHART_KIND_DEPARTMENTS:
    case AP_CHART_KIND_TREND:
      if (self->pointer_inside)
        *row = self->kind == AP_CHART_KIND_TREND
               ? ap_chart_hit_trend (self, self->pointer_x, self->pointer_y)
               : ap_chart_hit_row (self, self->pointer_x, self->pointer_y, part);
      if (*row < 0 && gtk_widget_has_visible_focus (GTK_WIDGET (self)))
        *row = self->focus_row;
      return *row >= 0 && *row < ap_chart_n_focus_rows (self);

    case AP_CHART_KIND_LEGEND:
    default:
      return FALSE;
    }
}

static void
draw_highlight (ApChart *self,
                cairo_t *cr,
                double   width,
                double   height,
                gboolean dark)
{
  ApChartPalette palette;
  ApChartPart part;
  int row;

  if (!find_highlight (self, &row, &part))
    return;

  ap_chart_palette_init (&palette, dark);
  if (self->kind == AP_CHART_KIND_BREAKDOWN)
    ap_chart_render_breakdown_highlight (cr, &palette, 0, 0, width, height, self->correct,
                                         self->incorrect, self->not_watched, part);
  else if (self->kind == AP_CHART_KIND_DEPARTMENTS)
    ap_chart_render_stacked_bars_highlight (cr, &palette, 0, 0, width, height,
                                            (const ApChartSeries *) self->series->data,
                                            self->series->len, row, part);
  else
    ap_chart_render_trend_highlight (cr, &palette, ap_chart_widget_font (self), 0, 0, width, height,
                                     (const ApChartTrendPoint *) self->trend->data,
                                     self->trend->len, row);
}

static void
ap_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  ApChart *self = AP_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean dark = is_dark ();
  ApChartPart part;
  int row;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  if (self->base == NULL || self->base_width != width || self->base_height != height ||
      self->base_dark != dark)
    {
      GtkSnapshot *base = gtk_snapshot_new ();

      g_clear_pointer (&self->base, gsk_render_node_unref);
      cr = gtk_snapshot_append_cairo (base, &GRAPHENE_RECT_INIT (0, 0, width, height));
      draw_base (self, cr, width, height, dark);
      cairo_destroy (cr);
      self->base = gtk_snapshot_free_to_node (base);
      self->base_width = width;
      self->base_height = height;
      self->base_dark = dark;
    }
  if (self->base != NULL)
    gtk_snapshot_append_node (snapshot, self->base);

  if (find_highlight (self, &row, &part))
    {
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      draw_highlight (self, cr, width, height, dark);
      cairo_destroy (cr);
    }
}

static void
ap_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  ApChart *self = AP_CHART (widget);

  switch (self->kind)
    {
    case AP_CHART_KIND_BREAKDOWN:
      *minimum = BREAKDOWN_MIN_SIZE;
      *natural = BREAKDOWN_NAT_SIZE;
      break;

    case AP_CHART_KIND_DEPARTMENTS:
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          *minimum = BARS_MIN_WIDTH;
          *natural = BARS_NAT_WIDTH;
        }
      else
        {
          *minimum = *natural = (int) ceil (ap_chart_stacked_bars_get_height (self->series->len));
        }
      break;

    case AP_CHART_KIND_TREND:
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          *minimum = BARS_MIN_WIDTH;
          *natural = BARS_NAT_WIDTH;
        }
      else
        {
          *minimum = TREND_MIN_HEIGHT;
          *natural = TREND_NAT_HEIGHT;
        }
      break;

    case AP_CHART_KIND_LEGEND:
    default:
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        *minimum = *natural = (int) ceil (ap_chart_legend_get_width (ap_chart_widget_font (self)));
      else
        *minimum = *natural = (int) ceil (ap_chart_legend_get_height (ap_chart_widget_font (self)));
      break;
    }
}

/* A new font or colours: the base is drawn again */
static void
ap_chart_css_changed (GtkWidget         *widget,
                      GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (ap_chart_parent_class)->css_changed (widget, change);
  invalidate_base (AP_CHART (widget));
}

static void
ap_chart_finalize (GObject *object)
{
  ApChart *self = AP_CHART (object);

  g_clear_pointer (&self->series, g_array_unref);
  /* after the series, whose labels point into it */
  g_clear_pointer (&self->analysis, ap_analysis_unref);
  g_clear_pointer (&self->trend, g_array_unref);
  g_clear_pointer (&self->base, gsk_render_node_unref);

  G_OBJECT_CLASS (ap_chart_parent_class)->finalize (object);
}

static void
ap_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ApChart *self = AP_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  ApChart *self = AP_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_chart_constructed (GObject *object)
{
  ApChart *self = AP_CHART (object);

  G_OBJECT_CLASS (ap_chart_parent_class)->constructed (object);

  /* The department bars can be activated, the snapshots of a trend read
   * one by one: only they take focus */
  gtk_widget_set_focusable (GTK_WIDGET (self), self->kind == AP_CHART_KIND_DEPARTMENTS ||
                                               self->kind == AP_CHART_KIND_TREND);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), self->kind != AP_CHART_KIND_LEGEND);
  if (self->kind == AP_CHART_KIND_DEPARTMENTS)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  update_accessible (self);
}

static void
ap_chart_class_init (ApChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ap_chart_constructed;
  object_class->finalize = ap_chart_finalize;
  object_class->get_property = ap_chart_get_property;
  object_class->set_property = ap_chart_set_property;

  widget_class->snapshot = ap_chart_snapshot;
  widget_class->measure = ap_chart_measure;
  widget_class->css_changed = ap_chart_css_changed;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       AP_TYPE_CHART_KIND, AP_CHART_KIND_BREAKDOWN,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DEPARTMENT_ACTIVATED] =
    g_signal_new ("department-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ap_chart_init (ApChart *self)
{
  self->series = g_array_new (FALSE, FALSE, sizeof (ApChartSeries));
  self->trend = g_array_new (FALSE, FALSE, sizeof (ApChartTrendPoint));
  self->focus_row = -1;

  ap_chart_init_input (self);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (invalidate_base), self, G_CONNECT_SWAPPED);
}

GtkWidget *
ap_chart_new (ApChartKind kind)
{
  g_return_val_if_fail (kind >= AP_CHART_KIND_BREAKDOWN && kind <= AP_CHART_KIND_TREND, NULL);

  return g_object_new (AP_TYPE_CHART, "kind", kind, NULL);
}

void
ap_chart_set_counts (ApChart *self,
                     guint64  correct,
                     guint64  incorrect,
                     guint64  not_watched)
{
  g_return_if_fail (AP_IS_CHART (self));

  if (self->correct == correct && self->incorrect == incorrect &&
      self->not_watched == not_watched)
    return;

  self->correct = correct;
  self->incorrect = incorrect;
  self->not_watched = not_watched;
  update_accessible (self);
  invalidate_base (self);
}

void
ap_chart_set_trend (ApChart                 *self,
                    const ApChartTrendPoint *points,
                    guint                    n_points)
{
  g_return_if_fail (AP_IS_CHART (self));
  g_return_if_fail (points != NULL || n_points == 0);

  if (self->trend->len == n_points &&
      (n_points == 0 || memcmp (self->trend->data, points, n_points * sizeof *points) == 0))
    return;

  g_array_set_size (self->trend, 0);
  g_array_append_vals (self->trend, points, n_points);
  if (self->focus_row >= (int) n_points)
    self->focus_row = (int) n_points - 1;
  update_accessible (self);
  invalidate_base (self);
}

void
ap_chart_set_analysis (ApChart    *self,
                       ApAnalysis *analysis)
{
  g_return_if_fail (AP_IS_CHART (self));

  if (self->analysis == analysis)
    return;

  g_clear_pointer (&self->analysis, ap_analysis_unref);
  if (analysis != NULL)
    self->analysis = ap_analysis_ref (analysis);

  on_analysis_changed (self);
}

/* ---- test hooks -------------------------------------------------------- */

guint
_ap_chart_get_n_series (ApChart *self)
{
  g_return_val_if_fail (AP_IS_CHART (self), 0);

  return self->series->len;
}

const ApChartSeries *
_ap_chart_get_series (ApChart *self,
                      guint    row)
{
  g_return_val_if_fail (AP_IS_CHART (self), NULL);
  g_return_val_if_fail (row < self->series->len, NULL);

  return &g_array_index (self->series, ApChartSeries, row);
}
