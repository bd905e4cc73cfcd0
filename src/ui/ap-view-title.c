/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-view-title"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-view-title.h"

#if ADW_CHECK_VERSION (1, 4, 0)
# define AP_VIEW_TITLE_SQUEEZE 1
#else
# define AP_VIEW_TITLE_SQUEEZE 0
#endif

struct _ApViewTitle
{
  GtkWidget             parent_instance;

#if AP_VIEW_TITLE_SQUEEZE
  /* In order of preference; the first that fits shows. */
  GtkWidget            *wide_switcher;
  GtkWidget            *narrow_switcher;
  AdwWindowTitle       *title;
  GtkWidget            *shown;
  gboolean              switcher_enabled;
#else
  AdwViewSwitcherTitle *switcher_title;
#endif
  guint                 notify_id;
};

enum {
  PROP_0,
  PROP_TITLE_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ApViewTitle, ap_view_title, GTK_TYPE_WIDGET)

static gboolean
notify_title_visible (gpointer data)
{
  ApViewTitle *self = data;

  self->notify_id = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE_VISIBLE]);
  return G_SOURCE_REMOVE;
}

/* The title shows or hides while the header bar is allocated, and the
 * window answers by revealing its bottom switcher bar: a resize queued in
 * the middle of an allocation leaves the window's content unallocated for
 * the frame being painted (GTK warns). Told after the allocation, before
 * the next frame. */
static void
queue_notify_title_visible (ApViewTitle *self)
{
  if (self->notify_id == 0)
    self->notify_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, notify_title_visible, self, NULL);
}

#if AP_VIEW_TITLE_SQUEEZE
static void
ap_view_title_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  ApViewTitle *self = AP_VIEW_TITLE (widget);
  int min = 0, nat = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As small as the title; as wide as the wide switcher likes. */
      gtk_widget_measure (GTK_WIDGET (self->title), orientation, -1, &min, &nat, NULL, NULL);
      if (self->switcher_enabled)
        gtk_widget_measure (self->wide_switcher, orientation, -1, NULL, &nat, NULL, NULL);
    }
  else
    {
      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_min, child_nat;

          gtk_widget_measure (child, orientation, -1, &child_min, &child_nat, NULL, NULL);
          min = MAX (min, child_min);
          nat = MAX (nat, child_nat);
        }
    }

  *minimum = min;
  *natural = MAX (min, nat);
  *minimum_baseline = *natural_baseline = -1;
}

static gboolean
fits (GtkWidget *child,
      int        width)
{
  int nat;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
  return nat <= width;
}

static void
ap_view_title_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  ApViewTitle *self = AP_VIEW_TITLE (widget);
  gboolean was_title = self->shown == GTK_WIDGET (self->title);
  GtkWidget *shown = GTK_WIDGET (self->title);

  if (self->switcher_enabled && fits (self->wide_switcher, width))
    shown = self->wide_switcher;
  else if (self->switcher_enabled && fits (self->narrow_switcher, width))
    shown = self->narrow_switcher;
  self->shown = shown;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_child_visible (child, child == shown);
  gtk_widget_allocate (shown, width, height, baseline, NULL);

  if (was_title != (shown == GTK_WIDGET (self->title)))
    queue_notify_title_visible (self);
}

static GtkWidget *
switcher_new (AdwViewSwitcherPolicy policy)
{
  GtkWidget *switcher = adw_view_switcher_new ();

  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), policy);
  return switcher;
}
#else
static void
on_title_visible (ApViewTitle *self)
{
  queue_notify_title_visible (self);
}
#endif

static void
ap_view_title_dispose (GObject *object)
{
  ApViewTitle *self = AP_VIEW_TITLE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->notify_id, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ap_view_title_parent_class)->dispose (object);
}

static void
ap_view_title_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ApViewTitle *self = AP_VIEW_TITLE (object);

  switch (prop_id)
    {
    case PROP_TITLE_VISIBLE:
      g_value_set_boolean (value, ap_view_title_get_title_visible (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_view_title_class_init (ApViewTitleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_view_title_dispose;
  object_class->get_property = ap_view_title_get_property;

  properties[PROP_TITLE_VISIBLE] =
    g_param_spec_boolean ("title-visible", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

#if AP_VIEW_TITLE_SQUEEZE
  widget_class->measure = ap_view_title_measure;
  widget_class->size_allocate = ap_view_title_size_allocate;
#else
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
#endif
}

static void
ap_view_title_init (ApViewTitle *self)
{
#if AP_VIEW_TITLE_SQUEEZE
  self->wide_switcher = switcher_new (ADW_VIEW_SWITCHER_POLICY_WIDE);
  self->narrow_switcher = switcher_new (ADW_VIEW_SWITCHER_POLICY_NARROW);
  self->title = ADW_WINDOW_TITLE (adw_window_title_new (NULL, NULL));
  self->shown = GTK_WIDGET (self->title);
  self->switcher_enabled = TRUE;
  gtk_widget_set_parent (self->wide_switcher, GTK_WIDGET (self));
  gtk_widget_set_parent (self->narrow_switcher, GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->title), GTK_WIDGET (self));
#else
  GtkWidget *squeezer;

  self->switcher_title = ADW_VIEW_SWITCHER_TITLE (adw_view_switcher_title_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->switcher_title), GTK_WIDGET (self));
  /* The switcher title's squeezer crossfades from the title to the view
   * switcher, and the switcher comes with the content page and its first
   * load: 16 frames in which the header bar is drawn anew (its render
   * node differs each frame), as the first rows come. It changes at once
   * here, as it does with libadwaita 1.4 and later above. The squeezer is
   * the switcher title's only child; 1.2 has no property for its
   * transition. */
  squeezer = gtk_widget_get_first_child (GTK_WIDGET (self->switcher_title));
  if (ADW_IS_SQUEEZER (squeezer))
    adw_squeezer_set_transition_type (ADW_SQUEEZER (squeezer), ADW_SQUEEZER_TRANSITION_TYPE_NONE);
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (on_title_visible), self, G_CONNECT_SWAPPED);
#endif
}

void
ap_view_title_set_stack (ApViewTitle  *self,
                         AdwViewStack *stack)
{
  g_return_if_fail (AP_IS_VIEW_TITLE (self));
  g_return_if_fail (stack == NULL || ADW_IS_VIEW_STACK (stack));

#if AP_VIEW_TITLE_SQUEEZE
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (self->wide_switcher), stack);
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (self->narrow_switcher), stack);
#else
  adw_view_switcher_title_set_stack (self->switcher_title, stack);
#endif
}

void
ap_view_title_set_title (ApViewTitle *self,
                         const char  *title)
{
  g_return_if_fail (AP_IS_VIEW_TITLE (self));

#if AP_VIEW_TITLE_SQUEEZE
  adw_window_title_set_title (self->title, title);
#else
  adw_view_switcher_title_set_title (self->switcher_title, title);
#endif
}

const char *
ap_view_title_get_subtitle (ApViewTitle *self)
{
  g_return_val_if_fail (AP_IS_VIEW_TITLE (self), NULL);

#if AP_VIEW_TITLE_SQUEEZE
  return adw_window_title_get_subtitle (self->title);
#else
  return adw_view_switcher_title_get_subtitle (self->switcher_title);
#endif
}

void
ap_view_title_set_subtitle (ApViewTitle *self,
                            const char  *subtitle)
{
  g_return_if_fail (AP_IS_VIEW_TITLE (self));

#if AP_VIEW_TITLE_SQUEEZE
  adw_window_title_set_subtitle (self->title, subtitle);
#else
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
#endif
}

void
ap_view_title_set_view_switcher_enabled (ApViewTitle *self,
                                         gboolean     enabled)
{
  g_return_if_fail (AP_IS_VIEW_TITLE (self));

#if AP_VIEW_TITLE_SQUEEZE
  if (self->switcher_enabled == !!enabled)
    return;
  self->switcher_enabled = !!enabled;
  gtk_widget_queue_resize (GTK_WIDGET (self));
#else
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, enabled);
#endif
}

gboolean
ap_view_title_get_title_visible (ApViewTitle *self)
{
  g_return_val_if_fail (AP_IS_VIEW_TITLE (self), TRUE);

#if AP_VIEW_TITLE_SQUEEZE
  return self->shown == GTK_WIDGET (self->title);
#else
  return adw_view_switcher_title_get_title_visible (self->switcher_title);
#endif
}
