/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-wrap-label"

#include "config.h"

#include "ap-wrap-label.h"

struct _ApWrapLabel
{
  GtkWidget  parent_instance;

  GtkLabel  *label;
  int        width;      /* last allocated; 0 before the first */
  int        answered;   /* the height given when asked without a width; -1 none */
  guint      resize_id;
};

G_DEFINE_FINAL_TYPE (ApWrapLabel, ap_wrap_label, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
height_for_width (ApWrapLabel *self,
                  int          width,
                  int         *natural)
{
  int min_width, minimum;

  if (width >= 0)
    {
      gtk_widget_measure (GTK_WIDGET (self->label), GTK_ORIENTATION_HORIZONTAL, -1,
                          &min_width, NULL, NULL, NULL);
      width = MAX (width, min_width);
    }
  gtk_widget_measure (GTK_WIDGET (self->label), GTK_ORIENTATION_VERTICAL, width,
                      &minimum, natural, NULL, NULL);
  return minimum;
}

static void
ap_wrap_label_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  ApWrapLabel *self = AP_WRAP_LABEL (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Whatever the height: a cell that asks for the width that fits a
       * given height would otherwise get the whole text on one line. */
      gtk_widget_measure (GTK_WIDGET (self->label), GTK_ORIENTATION_HORIZONTAL, -1,
                          minimum, natural, NULL, NULL);
      return;
    }

  if (for_size < 0)
    {
      /* Before the first allocation: the label's own guess. */
      *minimum = height_for_width (self, self->width > 0 ? self->width : -1, natural);
      *natural = MAX (*natural, *minimum);
      self->answered = *minimum;
      return;
    }
  *minimum = height_for_width (self, for_size, natural);
}

static gboolean
resize_cb (gpointer data)
{
  ApWrapLabel *self = data;

  self->resize_id = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
ap_wrap_label_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  ApWrapLabel *self = AP_WRAP_LABEL (widget);

  gtk_widget_allocate (GTK_WIDGET (self->label), width, height, baseline, NULL);
  if (width == self->width)
    return;
  self->width = width;
  /* A new width: if the row sized this cell without one, its height was
   * for the old width. Asked again after this frame's layout (a resize
   * queued inside an allocation would come too late for it). */
  if (self->answered >= 0 && self->resize_id == 0 &&
      height_for_width (self, width, NULL) != self->answered)
    self->resize_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, resize_cb, self, NULL);
}

static void
ap_wrap_label_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ApWrapLabel *self = AP_WRAP_LABEL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, ap_wrap_label_get_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_wrap_label_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ApWrapLabel *self = AP_WRAP_LABEL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      ap_wrap_label_set_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_wrap_label_dispose (GObject *object)
{
  ApWrapLabel *self = AP_WRAP_LABEL (object);

  g_clear_handle_id (&self->resize_id, g_source_remove);
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (ap_wrap_label_parent_class)->dispose (object);
}

static GtkSizeRequestMode
ap_wrap_label_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
ap_wrap_label_class_init (ApWrapLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_wrap_label_dispose;
  object_class->get_property = ap_wrap_label_get_property;
  object_class->set_property = ap_wrap_label_set_property;
  widget_class->measure = ap_wrap_label_measure;
  widget_class->size_allocate = ap_wrap_label_size_allocate;
  widget_class->get_request_mode = ap_wrap_label_get_request_mode;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Read as the label it shows; the GtkLabel inside is not read twice. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
ap_wrap_label_init (ApWrapLabel *self)
{
  self->answered = -1;
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_width_chars (self->label, 12);
  gtk_label_set_max_width_chars (self->label, 40);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                               -1);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
}

GtkWidget *
ap_wrap_label_new (void)
{
  return g_object_new (AP_TYPE_WRAP_LABEL, NULL);
}

void
ap_wrap_label_set_label (ApWrapLabel *self,
                         const char  *text)
{
  g_return_if_fail (AP_IS_WRAP_LABEL (self));

  if (g_strcmp0 (text, gtk_label_get_label (self->label)) == 0)
    return;
  gtk_label_set_label (self->label, text != NULL ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text != NULL ? text : "", -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

const char *
ap_wrap_label_get_label (ApWrapLabel *self)
{
  g_return_val_if_fail (AP_IS_WRAP_LABEL (self), NULL);

  return gtk_label_get_label (self->label);
}
