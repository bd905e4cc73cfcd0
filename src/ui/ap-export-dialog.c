/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-a11y.h"
#include "ap-chart-render.h"
#include "ap-export-dialog.h"
#include "ap-export-flow-private.h"
#include "ap-report-enums.h"
#include "ap-resources.h"
#include "ap-ui-enums.h"

struct _ApExportDialog
{
  AdwWindow       parent_instance;

  AdwActionRow   *all_row;
  AdwActionRow   *csv_details_row;
  AdwActionRow   *csv_row;
  AdwActionRow   *json_row;
  AdwActionRow   *pdf_row;
  AdwActionRow   *view_row;

  /* Delayed: a format chosen and then cancelled is not remembered. */
  GSettings      *settings;
  ApExportFlow   *flow;         /* handed on by export, ended by cancel */
  ApReportFormat  format;
  ApExportScope   scope;
};

G_DEFINE_FINAL_TYPE (ApExportDialog, ap_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_FORMAT,
  PROP_SCOPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* A missing schema (a test or an uninstalled build) must not abort. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "export-format"))
    return NULL;

  return g_settings_new (BASE_APPLICATION_ID);
}

static void
ap_export_dialog_update_actions (ApExportDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.export", self->flow != NULL);
}

/* The number of users each choice writes, under its title. */
static void
set_counts (ApExportDialog *self,
            guint           n_view,
            guint           n_all)
{
  g_autofree char *view_count = ap_chart_format_count (n_view);
  g_autofree char *all_count = ap_chart_format_count (n_all);
  g_autofree char *view_subtitle = NULL;
  g_autofree char *all_subtitle = NULL;

  view_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s user, filtered and sorted as shown",
                                                "%s users, filtered and sorted as shown",
                                                n_view),
                                   view_count);
  all_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s user", "%s users", n_all),
                                  all_count);
  adw_action_row_set_subtitle (self->view_row, view_subtitle);
  adw_action_row_set_subtitle (self->all_row, all_subtitle);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ApExportDialog *self = AP_EXPORT_DIALOG (widget);
  ApExportFlow *flow = g_steal_pointer (&self->flow);

  if (flow == NULL)
    return;

  flow->format = self->format;
  flow->scope = self->scope == AP_EXPORT_SCOPE_VIEW ? flow->view : flow->all;
  /* Everything loaded is not narrowed by the window's filters. */
  if (flow->scope == flow->all && flow->all != flow->view)
    ap_report_scope_set_narrowing (flow->report_scope, FALSE, NULL, NULL);
  if (self->settings != NULL)
    g_settings_apply (self->settings);

  ap_export_dialog_update_actions (self);
  gtk_window_destroy (GTK_WINDOW (self));
  ap_export_flow_choose_file (flow);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
ap_export_dialog_dispose (GObject *object)
{
  ApExportDialog *self = AP_EXPORT_DIALOG (object);

  /* Closed without Export (Cancel, Escape, the window going away): the
   * flow ends as backed out. */
  if (self->flow != NULL)
    ap_export_flow_finish (g_steal_pointer (&self->flow), NULL);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (ap_export_dialog_parent_class)->dispose (object);
}

static void
ap_export_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ApExportDialog *self = AP_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_SCOPE:
      g_value_set_enum (value, self->scope);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_export_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ApExportDialog *self = AP_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      {
        ApReportFormat format = g_value_get_enum (value);

        /* The per-department and per-video CSVs are the headless exporter's. */
        if (format > AP_REPORT_FORMAT_PDF || format == self->format)
          return;
        self->format = format;
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    case PROP_SCOPE:
      if (self->scope != (ApExportScope) g_value_get_enum (value))
        {
          self->scope = g_value_get_enum (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_export_dialog_class_init (ApExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_export_dialog_dispose;
  object_class->get_property = ap_export_dialog_get_property;
  object_class->set_property = ap_export_dialog_set_property;

  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL,
                       AP_TYPE_REPORT_FORMAT, AP_REPORT_FORMAT_PDF,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCOPE] =
    g_param_spec_enum ("scope", NULL, NULL,
                       AP_TYPE_EXPORT_SCOPE, AP_EXPORT_SCOPE_VIEW,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Referenced, so a static link keeps the resources the template is in. */
  g_assert (ap_get_resource () != NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "ap-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ApExportDialog, all_row);
  gtk_widget_class_bind_template_child (widget_class, ApExportDialog, csv_details_row);
  gtk_widget_class_bind_template_child (widget_class, ApExportDialog, csv_row);
  gtk_widget_class_bind_template_child (widget_class, ApExportDialog, json_row);
  gtk_widget_class_bind_template_child (widget_class, ApExportDialog, pdf_row);
  gtk_widget_class_bind_template_child (widget_class, ApExportDialog, view_row);

  gtk_widget_class_install_property_action (widget_class, "export.format", "format");
  gtk_widget_class_install_property_action (widget_class, "export.scope", "scope");
  gtk_widget_class_install_action (widget_class, "export.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "export.cancel", NULL);
}

static void
ap_export_dialog_init (ApExportDialog *self)
{
  self->format = AP_REPORT_FORMAT_PDF;
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The same names as the save dialog's file types. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->csv_row),
                                 ap_report_format_get_label (AP_REPORT_FORMAT_CSV));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->csv_details_row),
                                 ap_report_format_get_label (AP_REPORT_FORMAT_CSV_DETAILS));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->json_row),
                                 ap_report_format_get_label (AP_REPORT_FORMAT_JSON));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->pdf_row),
                                 ap_report_format_get_label (AP_REPORT_FORMAT_PDF));
}

ApExportDialog *
ap_export_dialog_new (GtkWindow           *parent,
                      GListModel          *view,
                      GListModel          *all,
                      ApQuery             *query,
                      const ApReportScope *scope,
                      AdwToastOverlay     *toasts)
{
  ApExportDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (view), NULL);
  g_return_val_if_fail (all == NULL || G_IS_LIST_MODEL (all), NULL);
  g_return_val_if_fail (query == NULL || AP_IS_QUERY (query), NULL);
  g_return_val_if_fail (ADW_IS_TOAST_OVERLAY (toasts), NULL);

  self = g_object_new (AP_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->flow = ap_export_flow_new (parent, view, all, query, scope, toasts);
  ap_export_dialog_update_actions (self);

  self->settings = dup_settings ();
  if (self->settings != NULL)
    {
      g_settings_delay (self->settings);
      g_settings_bind (self->settings, "export-format", self, "format",
                       G_SETTINGS_BIND_DEFAULT);
    }

  set_counts (self, g_list_model_get_n_items (self->flow->view),
              g_list_model_get_n_items (self->flow->all));

  ap_a11y_name_buttons (GTK_WIDGET (self));
  return self;
}

void
ap_export_dialog_present (GtkWindow           *parent,
                          GListModel          *view,
                          GListModel          *all,
                          ApQuery             *query,
                          const ApReportScope *scope,
                          AdwToastOverlay     *toasts)
{
  ApExportDialog *self = ap_export_dialog_new (parent, view, all, query, scope, toasts);

  if (self != NULL)
    gtk_window_present (GTK_WINDOW (self));
}
