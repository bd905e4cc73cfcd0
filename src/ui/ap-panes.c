/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-panes"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-panes.h"

#if ADW_CHECK_VERSION (1, 4, 0)
# define AP_PANES_SPLIT_VIEW 1
#else
# define AP_PANES_SPLIT_VIEW 0
#endif

struct _ApPanes
{
  GtkWidget               parent_instance;

  GtkWidget              *list;
  GtkWidget              *detail;
#if AP_PANES_SPLIT_VIEW
  AdwNavigationSplitView *split_view;
  /* Pages between "showing" and "shown": the slide is running. */
  guint                   n_sliding;
#else
  AdwLeaflet             *leaflet;
  guint                   folded_idle_id;
  guint                   showing_idle_id;
#endif
};

enum {
  PROP_0,
  PROP_LIST,
  PROP_DETAIL,
  PROP_FOLDED,
  PROP_SHOWING_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ApPanes, ap_panes, GTK_TYPE_WIDGET)

static void
on_folded (ApPanes *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
}

#if !AP_PANES_SPLIT_VIEW
static gboolean
notify_folded (gpointer user_data)
{
  ApPanes *self = user_data;

  self->folded_idle_id = 0;
  on_folded (self);
  return G_SOURCE_REMOVE;
}

/* The leaflet decides that it folds while it is allocated; what listeners
 * then change (sizes, visibility) would arrive too late for the frame
 * being drawn, and GTK would draw a window that is not laid out. */
static void
on_leaflet_folded (ApPanes *self)
{
  if (self->folded_idle_id == 0)
    self->folded_idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, notify_folded, self, NULL);
}
#endif

static void
on_showing_detail (ApPanes *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWING_DETAIL]);
}

#if !AP_PANES_SPLIT_VIEW
static gboolean
notify_showing_detail (gpointer user_data)
{
  ApPanes *self = user_data;

  self->showing_idle_id = 0;
  on_showing_detail (self);
  return G_SOURCE_REMOVE;
}

/* Folding while allocated also changes the visible child; the window then
 * shows or hides its back button, which must not happen mid-allocation. */
static void
on_leaflet_visible_child (ApPanes *self)
{
  if (self->showing_idle_id == 0)
    self->showing_idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, notify_showing_detail, self,
                                             NULL);
}
#endif

#if AP_PANES_SPLIT_VIEW
static void
on_page_showing (ApPanes *self)
{
  self->n_sliding++;
}

static void
on_page_shown (ApPanes *self)
{
  if (self->n_sliding > 0)
    self->n_sliding--;
}

static AdwNavigationPage *
ap_panes_page_new (ApPanes    *self,
                   GtkWidget  *child,
                   const char *title,
                   const char *tag)
{
  AdwNavigationPage *page = adw_navigation_page_new_with_tag (child, title, tag);

  g_signal_connect_object (page, "showing", G_CALLBACK (on_page_showing), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "shown", G_CALLBACK (on_page_shown), self, G_CONNECT_SWAPPED);
  return page;
}
#endif

static void
ap_panes_dispose (GObject *object)
{
  ApPanes *self = AP_PANES (object);

#if AP_PANES_SPLIT_VIEW
  g_clear_pointer ((GtkWidget **) &self->split_view, gtk_widget_unparent);
#else
  g_clear_handle_id (&self->folded_idle_id, g_source_remove);
  g_clear_handle_id (&self->showing_idle_id, g_source_remove);
  g_clear_pointer ((GtkWidget **) &self->leaflet, gtk_widget_unparent);
#endif
  self->list = NULL;
  self->detail = NULL;

  G_OBJECT_CLASS (ap_panes_parent_class)->dispose (object);
}

static void
ap_panes_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ApPanes *self = AP_PANES (object);

  switch (prop_id)
    {
    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;
    case PROP_DETAIL:
      g_value_set_object (value, self->detail);
      break;
    case PROP_FOLDED:
      g_value_set_boolean (value, ap_panes_get_folded (self));
      break;
    case PROP_SHOWING_DETAIL:
      g_value_set_boolean (value, ap_panes_get_showing_detail (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_panes_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  ApPanes *self = AP_PANES (object);

  switch (prop_id)
    {
    case PROP_LIST:
      ap_panes_set_list (self, g_value_get_object (value));
      break;
    case PROP_DETAIL:
      ap_panes_set_detail (self, g_value_get_object (value));
      break;
    case PROP_SHOWING_DETAIL:
      ap_panes_set_showing_detail (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_panes_class_init (ApPanesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_panes_dispose;
  object_class->get_property = ap_panes_get_property;
  object_class->set_property = ap_panes_set_property;

  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_object ("detail", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOWING_DETAIL] =
    g_param_spec_boolean ("showing-detail", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ap_panes_init (ApPanes *self)
{
#if AP_PANES_SPLIT_VIEW
  self->split_view = ADW_NAVIGATION_SPLIT_VIEW (adw_navigation_split_view_new ());
  /* The list's width is set in pixels by the window (ap_panes_set_list_width). */
  adw_navigation_split_view_set_sidebar_width_unit (self->split_view, ADW_LENGTH_UNIT_PX);
  adw_navigation_split_view_set_sidebar_width_fraction (self->split_view, 1.0);
  gtk_widget_set_parent (GTK_WIDGET (self->split_view), GTK_WIDGET (self));
  g_signal_connect_object (self->split_view, "notify::collapsed", G_CALLBACK (on_folded), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->split_view, "notify::show-content",
                           G_CALLBACK (on_showing_detail), self, G_CONNECT_SWAPPED);
#else
  GtkWidget *separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);

  self->leaflet = ADW_LEAFLET (adw_leaflet_new ());
  adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
  adw_leaflet_set_fold_threshold_policy (self->leaflet, ADW_FOLD_THRESHOLD_POLICY_MINIMUM);
  adw_leaflet_append (self->leaflet, separator);
  adw_leaflet_page_set_navigatable (adw_leaflet_get_page (self->leaflet, separator), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->leaflet), GTK_WIDGET (self));
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (on_leaflet_folded),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::visible-child",
                           G_CALLBACK (on_leaflet_visible_child), self, G_CONNECT_SWAPPED);
#endif
}

void
ap_panes_set_list (ApPanes   *self,
                   GtkWidget *list)
{
  g_return_if_fail (AP_IS_PANES (self));
  g_return_if_fail (GTK_IS_WIDGET (list));
  g_return_if_fail (self->list == NULL);

  self->list = list;
#if AP_PANES_SPLIT_VIEW
  adw_navigation_split_view_set_sidebar (self->split_view,
                                         ap_panes_page_new (self, list, _("Users"), "list"));
#else
  adw_leaflet_insert_child_after (self->leaflet, list, NULL);
  adw_leaflet_page_set_name (adw_leaflet_get_page (self->leaflet, list), "list");
  /* The separator came first, so a leaflet folded from the start showed
   * it, an empty grey pane, until a user was opened and closed. */
  adw_leaflet_set_visible_child (self->leaflet, list);
#endif
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIST]);
}

void
ap_panes_set_detail (ApPanes   *self,
                     GtkWidget *detail)
{
  g_return_if_fail (AP_IS_PANES (self));
  g_return_if_fail (GTK_IS_WIDGET (detail));
  g_return_if_fail (self->detail == NULL);

  self->detail = detail;
#if AP_PANES_SPLIT_VIEW
  adw_navigation_split_view_set_content (self->split_view,
                                         ap_panes_page_new (self, detail, _("User"), "detail"));
#else
  adw_leaflet_append (self->leaflet, detail);
  adw_leaflet_page_set_name (adw_leaflet_get_page (self->leaflet, detail), "detail");
#endif
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
}

void
ap_panes_set_side_by_side (ApPanes  *self,
                           gboolean  side_by_side)
{
  g_return_if_fail (AP_IS_PANES (self));

#if AP_PANES_SPLIT_VIEW
  adw_navigation_split_view_set_collapsed (self->split_view, !side_by_side);
#else
  adw_leaflet_set_can_unfold (self->leaflet, side_by_side);
#endif
}

gboolean
ap_panes_get_folded (ApPanes *self)
{
  g_return_val_if_fail (AP_IS_PANES (self), FALSE);

#if AP_PANES_SPLIT_VIEW
  return adw_navigation_split_view_get_collapsed (self->split_view);
#else
  return adw_leaflet_get_folded (self->leaflet);
#endif
}

gboolean
ap_panes_get_showing_detail (ApPanes *self)
{
  g_return_val_if_fail (AP_IS_PANES (self), FALSE);

#if AP_PANES_SPLIT_VIEW
  return adw_navigation_split_view_get_show_content (self->split_view);
#else
  return g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "detail") == 0;
#endif
}

void
ap_panes_set_showing_detail (ApPanes  *self,
                             gboolean  showing_detail)
{
  g_return_if_fail (AP_IS_PANES (self));

#if AP_PANES_SPLIT_VIEW
  adw_navigation_split_view_set_show_content (self->split_view, showing_detail);
#else
  adw_leaflet_set_visible_child_name (self->leaflet, showing_detail ? "detail" : "list");
#endif
}

void
ap_panes_set_list_width (ApPanes *self,
                         int      width)
{
  g_return_if_fail (AP_IS_PANES (self));

#if AP_PANES_SPLIT_VIEW
  /* Both bounds, so that the fraction (all of it) never decides. */
  adw_navigation_split_view_set_min_sidebar_width (self->split_view, MAX (width, 0));
  adw_navigation_split_view_set_max_sidebar_width (self->split_view, MAX (width, 0));
#else
  /* The list expands; the detail keeps its own width. */
#endif
}

gboolean
ap_panes_get_transition_running (ApPanes *self)
{
  g_return_val_if_fail (AP_IS_PANES (self), FALSE);

#if AP_PANES_SPLIT_VIEW
  return self->n_sliding > 0;
#else
  return adw_leaflet_get_child_transition_running (self->leaflet);
#endif
}
