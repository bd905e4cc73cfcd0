/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-query-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-a11y.h"
#include "ap-query-bar.h"

struct _ApQueryBar
{
  GtkWidget        parent_instance;

  GtkEntry        *attribute_entry1;
  GtkEntry        *attribute_entry2;
  GtkEntry        *attribute_entry3;
  GtkWidget       *attributes_child;
  GtkRevealer     *details_revealer;
  GtkSwitch       *details_switch;
  GtkLabel        *error_label;
  GtkDropDown     *field_dropdown;
  GtkWidget       *query_caption;
  GtkEntry        *search_entry;
  GtkRevealer     *stale_revealer;
  GtkToggleButton *summary_button;
  GtkLabel        *summary_label;
  GtkDropDown     *video_dropdown;

  GSettings       *settings;
  gboolean         valid;
  gboolean         restoring;
  gboolean         compact;
  gboolean         stale;
};

enum {
  PROP_0,
  PROP_VALID,
  PROP_COMPACT,
  PROP_STALE,
  N_PROPS
};

enum {
  ACTIVATE,
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ApQueryBar, ap_query_bar, GTK_TYPE_WIDGET)

/* Dropdown positions, in the order of the .ui string lists. */
static const ApSearchField search_fields[] = {
  AP_SEARCH_FIELD_NAME,
  AP_SEARCH_FIELD_EMAIL,
  AP_SEARCH_FIELD_DEPARTMENT,
  AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE,
};

static const ApVideoCount video_counts[] = {
  AP_VIDEO_COUNT_ALL,
  AP_VIDEO_COUNT_0,
  AP_VIDEO_COUNT_1,
  AP_VIDEO_COUNT_2,
  AP_VIDEO_COUNT_3,
  AP_VIDEO_COUNT_4_OR_MORE,
};

static ApSearchField
ap_query_bar_get_field (ApQueryBar *self)
{
  guint position = gtk_drop_down_get_selected (self->field_dropdown);

  if (position >= G_N_ELEMENTS (search_fields))
    return AP_SEARCH_FIELD_NAME;
  return search_fields[position];
}

static ApVideoCount
ap_query_bar_get_video_count (ApQueryBar *self)
{
  guint position = gtk_drop_down_get_selected (self->video_dropdown);

  if (position >= G_N_ELEMENTS (video_counts))
    return AP_VIDEO_COUNT_ALL;
  return video_counts[position];
}

static GtkEntry **
ap_query_bar_attribute_entries (ApQueryBar *self,
                                GtkEntry   *entries[AP_QUERY_MAX_ATTRIBUTE_IDS])
{
  entries[0] = self->attribute_entry1;
  entries[1] = self->attribute_entry2;
  entries[2] = self->attribute_entry3;
  return entries;
}

static GStrv
ap_query_bar_dup_attribute_ids (ApQueryBar *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GtkEntry *entries[AP_QUERY_MAX_ATTRIBUTE_IDS];

  ap_query_bar_attribute_entries (self, entries);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (entries[i]));
      g_autofree char *id = g_strstrip (g_strdup (text));

      if (*id != '\0')
        g_strv_builder_add (builder, id);
    }

  return g_strv_builder_end (builder);
}

static void
ap_query_bar_update_placeholder (ApQueryBar *self)
{
  const char *placeholder = NULL;

  switch (ap_query_bar_get_field (self))
    {
    case AP_SEARCH_FIELD_EMAIL:
      placeholder = _("Email contains…");
      break;
    case AP_SEARCH_FIELD_DEPARTMENT:
      placeholder = _("Department contains…");
      break;
    case AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE:
      placeholder = _("Attribute value");
      break;
    case AP_SEARCH_FIELD_NAME:
    case AP_SEARCH_FIELD_NONE:
    default:
      placeholder = _("Name contains…");
      break;
    }

  gtk_entry_set_placeholder_text (self->search_entry, placeholder);
}

static void
ap_query_bar_save (ApQueryBar *self)
{
  g_auto(GStrv) ids = NULL;
  ApSearchField field;

  if (self->settings == NULL || self->restoring)
    return;

  field = ap_query_bar_get_field (self);
  ids = ap_query_bar_dup_attribute_ids (self);

  g_settings_set_string (self->settings, "search-field", ap_search_field_to_string (field));
  g_settings_set_string (self->settings, "search-text",
                         gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  g_settings_set_strv (self->settings, "attribute-ids", (const char * const *) ids);
  g_settings_set_string (self->settings, "video-count",
                         ap_video_count_to_string (ap_query_bar_get_video_count (self)));
  g_settings_set_boolean (self->settings, "include-details",
                          gtk_switch_get_active (self->details_switch));
}

static void
ap_query_bar_changed (ApQueryBar *self)
{
  g_autoptr(ApQuery) query = NULL;
  g_autoptr(GError) error = NULL;
  gboolean custom;
  gboolean valid;

  g_assert (AP_IS_QUERY_BAR (self));

  custom = ap_query_bar_get_field (self) == AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE;
  gtk_widget_set_visible (self->attributes_child, custom);
  ap_query_bar_update_placeholder (self);

  query = ap_query_bar_build_query (self);
  valid = ap_query_validate (query, &error);

  {
    g_autofree char *summary = ap_query_describe (query);

    gtk_label_set_label (self->summary_label, summary);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), summary);
  }

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !valid);
  gtk_label_set_label (self->error_label, valid ? "" : error->message);
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");

  if (valid != self->valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }

  ap_query_bar_save (self);

  if (!self->restoring)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Narrow: one line says what is asked; the fields fold out on demand. */
static void
ap_query_bar_update_compact (ApQueryBar *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->summary_button), self->compact);
  gtk_widget_set_visible (self->query_caption, !self->compact);
  gtk_revealer_set_reveal_child (self->details_revealer,
                                 !self->compact ||
                                 gtk_toggle_button_get_active (self->summary_button));
}

static void
on_entry_activate (ApQueryBar *self)
{
  g_signal_emit (self, signals[ACTIVATE], 0);
}

static void
ap_query_bar_dispose (GObject *object)
{
  GtkWidget *child;
  ApQueryBar *self = AP_QUERY_BAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_QUERY_BAR);
  /* Children the template does not bind (separators) are ours to drop. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ap_query_bar_parent_class)->dispose (object);
}

static void
ap_query_bar_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ApQueryBar *self = AP_QUERY_BAR (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;
    case PROP_STALE:
      g_value_set_boolean (value, self->stale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_query_bar_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ApQueryBar *self = AP_QUERY_BAR (object);

  switch (prop_id)
    {
    case PROP_COMPACT:
      ap_query_bar_set_compact (self, g_value_get_boolean (value));
      break;
    case PROP_STALE:
      ap_query_bar_set_stale (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_query_bar_class_init (ApQueryBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_query_bar_dispose;
  object_class->get_property = ap_query_bar_get_property;
  object_class->set_property = ap_query_bar_set_property;

  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* One summary line instead of the fields, for narrow windows. */
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The fields differ from what the data on screen was fetched with. */
  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Any field changed (not while restoring the saved query). */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/awarenessperf/AwarenessPerformance/"
                                               "ap-query-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, attribute_entry1);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, attribute_entry2);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, attribute_entry3);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, attributes_child);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, details_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, details_switch);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, error_label);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, field_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, query_caption);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, stale_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, summary_button);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ApQueryBar, video_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SEARCH);
}

static void
ap_query_bar_init (ApQueryBar *self)
{
  GtkEntry *entries[AP_QUERY_MAX_ATTRIBUTE_IDS];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->valid = TRUE;

  g_signal_connect_object (self->field_dropdown, "notify::selected",
                           G_CALLBACK (ap_query_bar_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->video_dropdown, "notify::selected",
                           G_CALLBACK (ap_query_bar_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->details_switch, "notify::active",
                           G_CALLBACK (ap_query_bar_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "changed",
                           G_CALLBACK (ap_query_bar_changed), self, G_CONNECT_SWAPPED);
  ap_query_bar_attribute_entries (self, entries);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_signal_connect_object (entries[i], "changed",
                             G_CALLBACK (ap_query_bar_changed), self, G_CONNECT_SWAPPED);
  ap_a11y_label_drop_down (self->field_dropdown, _("Search by"));
  ap_a11y_label_drop_down (self->video_dropdown, _("Videos watched"));

  g_signal_connect_object (self->summary_button, "toggled",
                           G_CALLBACK (ap_query_bar_update_compact), self, G_CONNECT_SWAPPED);

  ap_query_bar_changed (self);
  ap_query_bar_update_compact (self);
}

GtkWidget *
ap_query_bar_new (void)
{
  return g_object_new (AP_TYPE_QUERY_BAR, NULL);
}

void
ap_query_bar_set_settings (ApQueryBar *self,
                           GSettings  *settings)
{
  g_autofree char *field_name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *video_name = NULL;
  g_auto(GStrv) ids = NULL;
  GtkEntry *entries[AP_QUERY_MAX_ATTRIBUTE_IDS];
  ApSearchField field = AP_SEARCH_FIELD_NAME;
  ApVideoCount video_count = AP_VIDEO_COUNT_ALL;

  g_return_if_fail (AP_IS_QUERY_BAR (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);

  field_name = g_settings_get_string (settings, "search-field");
  text = g_settings_get_string (settings, "search-text");
  ids = g_settings_get_strv (settings, "attribute-ids");
  video_name = g_settings_get_string (settings, "video-count");

  if (!ap_search_field_from_string (field_name, &field) || field == AP_SEARCH_FIELD_NONE)
    field = AP_SEARCH_FIELD_NAME;
  if (!ap_video_count_from_string (video_name, &video_count))
    video_count = AP_VIDEO_COUNT_ALL;

  self->restoring = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (search_fields); i++)
    if (search_fields[i] == field)
      gtk_drop_down_set_selected (self->field_dropdown, i);
  for (guint i = 0; i < G_N_ELEMENTS (video_counts); i++)
    if (video_counts[i] == video_count)
      gtk_drop_down_set_selected (self->video_dropdown, i);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  ap_query_bar_attribute_entries (self, entries);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    gtk_editable_set_text (GTK_EDITABLE (entries[i]),
                           ids != NULL && i < g_strv_length (ids) ? ids[i] : "");
  gtk_switch_set_active (self->details_switch,
                         g_settings_get_boolean (settings, "include-details"));

  self->restoring = FALSE;

  ap_query_bar_changed (self);
}

ApQuery *
ap_query_bar_build_query (ApQueryBar *self)
{
  g_autoptr(ApQuery) query = NULL;
  g_autofree char *text = NULL;
  ApSearchField field;

  g_return_val_if_fail (AP_IS_QUERY_BAR (self), NULL);

  query = ap_query_new ();
  field = ap_query_bar_get_field (self);
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  if (field == AP_SEARCH_FIELD_CUSTOM_ATTRIBUTE)
    {
      g_auto(GStrv) ids = ap_query_bar_dup_attribute_ids (self);

      ap_query_set_search (query, field, *text != '\0' ? text : NULL);
      ap_query_set_attribute_ids (query, (const char * const *) ids);
    }
  else if (*text != '\0')
    {
      ap_query_set_search (query, field, text);
    }
  else
    {
      /* An empty search means everyone: the API wants no searchBy then. */
      ap_query_set_search (query, AP_SEARCH_FIELD_NONE, NULL);
    }

  ap_query_set_video_count (query, ap_query_bar_get_video_count (self));
  ap_query_set_include_user_details (query, gtk_switch_get_active (self->details_switch));

  return g_steal_pointer (&query);
}

gboolean
ap_query_bar_get_valid (ApQueryBar *self)
{
  g_return_val_if_fail (AP_IS_QUERY_BAR (self), FALSE);

  return self->valid;
}

void
ap_query_bar_set_include_details (ApQueryBar *self,
                                  gboolean    include)
{
  g_return_if_fail (AP_IS_QUERY_BAR (self));

  gtk_switch_set_active (self->details_switch, include);
}

void
ap_query_bar_set_compact (ApQueryBar *self,
                          gboolean    compact)
{
  g_return_if_fail (AP_IS_QUERY_BAR (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  gtk_toggle_button_set_active (self->summary_button, FALSE);
  ap_query_bar_update_compact (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

gboolean
ap_query_bar_get_compact (ApQueryBar *self)
{
  g_return_val_if_fail (AP_IS_QUERY_BAR (self), FALSE);

  return self->compact;
}

void
ap_query_bar_set_stale (ApQueryBar *self,
                        gboolean    stale)
{
  g_return_if_fail (AP_IS_QUERY_BAR (self));

  stale = !!stale;
  if (self->stale == stale)
    return;

  self->stale = stale;
  gtk_revealer_set_reveal_child (self->stale_revealer, stale);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
}

gboolean
ap_query_bar_get_stale (ApQueryBar *self)
{
  g_return_val_if_fail (AP_IS_QUERY_BAR (self), FALSE);

  return self->stale;
}
