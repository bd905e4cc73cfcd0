/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ap-analysis.h"

G_BEGIN_DECLS

/* One row of an ApAnalysis (a department or a training video) as a
 * GObject, for the list models of the Overview's department table and the
 * Training videos page. Holds a reference on the analysis. */
#define AP_TYPE_ANALYSIS_ROW (ap_analysis_row_get_type ())
G_DECLARE_FINAL_TYPE (ApAnalysisRow, ap_analysis_row, AP, ANALYSIS_ROW, GObject)

ApAnalysisRow              *ap_analysis_row_new            (ApAnalysis    *analysis,
                                                            guint          position);
ApAnalysis                 *ap_analysis_row_get_analysis   (ApAnalysisRow *self);
guint                       ap_analysis_row_get_position   (ApAnalysisRow *self);
const ApAnalysisDepartment *ap_analysis_row_get_department (ApAnalysisRow *self);
const ApAnalysisVideo      *ap_analysis_row_get_video      (ApAnalysisRow *self);

/* (transfer full) a GListStore of ApAnalysisRow, one per department or video */
GListModel *ap_analysis_row_list_departments (ApAnalysis *analysis);
GListModel *ap_analysis_row_list_videos      (ApAnalysis *analysis);

/* A read-only GListModel over a GPtrArray of GObjects, replaced in one
 * step: unlike GListStore, setting 100,000 items costs no per-item work on
 * the main thread (the array is referenced, items are reffed on get_item). */
#define AP_TYPE_ARRAY_MODEL (ap_array_model_get_type ())
G_DECLARE_FINAL_TYPE (ApArrayModel, ap_array_model, AP, ARRAY_MODEL, GObject)

ApArrayModel *ap_array_model_new   (GType         item_type);
/* @items: (nullable) referenced, must not change afterwards */
void          ap_array_model_set   (ApArrayModel *self,
                                    GPtrArray    *items);

/* The text of a cell: (transfer full) */
typedef char *(*ApTableTextFunc) (gpointer item);

/* Adds a column whose cells are labels (numeric ones right-aligned with
 * tabular figures), sortable by @compare (a GCompareDataFunc on the items,
 * NULL for none). Returns the column (transfer none). */
GtkColumnViewColumn *ap_table_add_column (GtkColumnView    *view,
                                          const char       *title,
                                          ApTableTextFunc   text,
                                          GCompareDataFunc  compare,
                                          gboolean          numeric,
                                          gboolean          expand);

/* "12.5 %" in the locale's number format; @known FALSE gives @none_text */
char *ap_table_format_percent (double      value,
                               gboolean    known,
                               const char *none_text);

G_END_DECLS
