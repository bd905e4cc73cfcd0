/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-table"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-table-private.h"

struct _ApAnalysisRow
{
  GObject     parent_instance;
  ApAnalysis *analysis;
  guint       position;
};

G_DEFINE_FINAL_TYPE (ApAnalysisRow, ap_analysis_row, G_TYPE_OBJECT)

static void
ap_analysis_row_finalize (GObject *object)
{
  ApAnalysisRow *self = AP_ANALYSIS_ROW (object);

  g_clear_pointer (&self->analysis, ap_analysis_unref);

  G_OBJECT_CLASS (ap_analysis_row_parent_class)->finalize (object);
}

static void
ap_analysis_row_class_init (ApAnalysisRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ap_analysis_row_finalize;
}

static void
ap_analysis_row_init (ApAnalysisRow *self)
{
}

ApAnalysisRow *
ap_analysis_row_new (ApAnalysis *analysis,
                     guint       position)
{
  ApAnalysisRow *self;

  g_return_val_if_fail (analysis != NULL, NULL);

  self = g_object_new (AP_TYPE_ANALYSIS_ROW, NULL);
  self->analysis = ap_analysis_ref (analysis);
  self->position = position;
  return self;
}

ApAnalysis *
ap_analysis_row_get_analysis (ApAnalysisRow *self)
{
  g_return_val_if_fail (AP_IS_ANALYSIS_ROW (self), NULL);

  return self->analysis;
}

guint
ap_analysis_row_get_position (ApAnalysisRow *self)
{
  g_return_val_if_fail (AP_IS_ANALYSIS_ROW (self), 0);

  return self->position;
}

const ApAnalysisDepartment *
ap_analysis_row_get_department (ApAnalysisRow *self)
{
  g_return_val_if_fail (AP_IS_ANALYSIS_ROW (self), NULL);

  return ap_analysis_get_department (self->analysis, self->position);
}

const ApAnalysisVideo *
ap_analysis_row_get_video (ApAnalysisRow *self)
{
  g_return_val_if_fail (AP_IS_ANALYSIS_ROW (self), NULL);

  return ap_analysis_get_video (self->analysis, self->position);
}

static GListModel *
list_rows (ApAnalysis *analysis,
           guint       n)
{
  GListStore *store = g_list_store_new (AP_TYPE_ANALYSIS_ROW);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, ap_analysis_row_new (analysis, i));
  g_list_store_splice (store, 0, 0, rows->pdata, rows->len);
  return G_LIST_MODEL (store);
}

GListModel *
ap_analysis_row_list_departments (ApAnalysis *analysis)
{
  g_return_val_if_fail (analysis != NULL, NULL);

  return list_rows (analysis, ap_analysis_get_n_departments (analysis));
}

GListModel *
ap_analysis_row_list_videos (ApAnalysis *analysis)
{
  g_return_val_if_fail (analysis != NULL, NULL);

  return list_rows (analysis, ap_analysis_get_n_videos (analysis));
}

/* ---- ApArrayModel ------------------------------------------------------ */

struct _ApArrayModel
{
  GObject    parent_instance;
  GType      item_type;
  GPtrArray *items;
};

static GType
ap_array_model_get_item_type (GListModel *model)
{
  return AP_ARRAY_MODEL (model)->item_type;
}

static guint
ap_array_model_get_n_items (GListModel *model)
{
  ApArrayModel *self = AP_ARRAY_MODEL (model);

  return self->items != NULL ? self->items->len : 0;
}

static gpointer
ap_array_model_get_item (GListModel *model,
                         guint       position)
{
  ApArrayModel *self = AP_ARRAY_MODEL (model);

  if (self->items == NULL || position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ap_array_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ap_array_model_get_item_type;
  iface->get_n_items = ap_array_model_get_n_items;
  iface->get_item = ap_array_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ApArrayModel, ap_array_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ap_array_model_list_model_init))

static void
ap_array_model_finalize (GObject *object)
{
  ApArrayModel *self = AP_ARRAY_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (ap_array_model_parent_class)->finalize (object);
}

static void
ap_array_model_class_init (ApArrayModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ap_array_model_finalize;
}

static void
ap_array_model_init (ApArrayModel *self)
{
}

ApArrayModel *
ap_array_model_new (GType item_type)
{
  ApArrayModel *self = g_object_new (AP_TYPE_ARRAY_MODEL, NULL);

  self->item_type = item_type;
  return self;
}

void
ap_array_model_set (ApArrayModel *self,
                    GPtrArray    *items)
{
  guint removed, added;

  g_return_if_fail (AP_IS_ARRAY_MODEL (self));

  removed = self->items != NULL ? self->items->len : 0;
  added = items != NULL ? items->len : 0;
  g_clear_pointer (&self->items, g_ptr_array_unref);
  if (items != NULL)
    self->items = g_ptr_array_ref (items);
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, added);
}

/* ---- columns ----------------------------------------------------------- */

typedef struct
{
  ApTableTextFunc text;
  gboolean        numeric;
} ColumnData;

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            ColumnData               *data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), data->numeric ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), data->numeric ? PANGO_ELLIPSIZE_NONE
                                                            : PANGO_ELLIPSIZE_END);
  if (data->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           ColumnData               *data)
{
  g_autofree char *text = data->text (gtk_list_item_get_item (item));
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), text);
  if (!data->numeric)
    gtk_widget_set_tooltip_text (label, text);
}

GtkColumnViewColumn *
ap_table_add_column (GtkColumnView    *view,
                     const char       *title,
                     ApTableTextFunc   text,
                     GCompareDataFunc  compare,
                     gboolean          numeric,
                     gboolean          expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  ColumnData *data = g_new0 (ColumnData, 1);

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  data->text = text;
  data->numeric = numeric;
  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_cell), data,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), data);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (compare != NULL)
    {
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare, NULL, NULL));

      gtk_column_view_column_set_sorter (column, sorter);
    }
  gtk_column_view_append_column (view, column);
  g_object_unref (column);

  return column;
}

char *
ap_table_format_percent (double      value,
                         gboolean    known,
                         const char *none_text)
{
  if (!known)
    return g_strdup (none_text);
  /* Translators: a percentage with one decimal, e.g. "12.5 %" */
  return g_strdup_printf (_("%.1f %%"), value);
}
