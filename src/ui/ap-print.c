/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-print"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ap-analysis.h"
#include "ap-alert.h"
#include "ap-print.h"

/* The report's own margins; a printer's unprintable border counts
 * towards them, and the footer needs room below the text. */
#define MARGIN_SIDE   46.0
#define MARGIN_TOP    44.0
#define MARGIN_BOTTOM 58.0
#define MARGIN_MIN    12.0
#define FOOTER_ROOM   36.0

typedef struct
{
  ApReportDocument *document;
  ApReportPage      page;
  gboolean          prepared;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  ap_report_document_free (job->document);
  g_free (job);
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  PrintJob *job = user_data;
  GtkPageSetup *setup = gtk_print_context_get_page_setup (context);
  ApReportPage *page = &job->page;

  /* The context is the printable area of the page setup, in points
   * (GTK_UNIT_POINTS): paper size and orientation as chosen. */
  page->width = gtk_print_context_get_width (context);
  page->height = gtk_print_context_get_height (context);
  page->left = MAX (MARGIN_SIDE - gtk_page_setup_get_left_margin (setup, GTK_UNIT_POINTS),
                    MARGIN_MIN);
  page->right = MAX (MARGIN_SIDE - gtk_page_setup_get_right_margin (setup, GTK_UNIT_POINTS),
                     MARGIN_MIN);
  page->top = MAX (MARGIN_TOP - gtk_page_setup_get_top_margin (setup, GTK_UNIT_POINTS),
                   MARGIN_MIN);
  page->bottom = MAX (MARGIN_BOTTOM - gtk_page_setup_get_bottom_margin (setup, GTK_UNIT_POINTS),
                      FOOTER_ROOM);
}

/* A slice at a time (a few thousand rows), so a report of 100,000 users
 * never holds up the main loop; GTK calls again until it is done. */
static gboolean
on_paginate (GtkPrintOperation *operation,
             GtkPrintContext   *context,
             gpointer           user_data)
{
  PrintJob *job = user_data;
  guint n_pages;

  if (!job->prepared ||
      !ap_report_document_paginate_step (job->document, &job->page, &n_pages))
    return FALSE;

  gtk_print_operation_set_n_pages (operation, n_pages);
  return TRUE;
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           user_data)
{
  PrintJob *job = user_data;

  /* Lays out this page's rows only: it starts from where the page does. */
  ap_report_document_draw_page (job->document, gtk_print_context_get_cairo_context (context),
                                page_nr);
}

/* Ordering 100,000 users and computing the departments takes a few
 * tenths of a second: done on a worker while the print dialog is open. */
static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PrintJob *job = task_data;

  ap_report_document_prepare (job->document);
  g_task_return_boolean (task, TRUE);
}

static void
on_prepared (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PrintJob *job = g_object_get_data (source_object, "ap-print-job");

  job->prepared = TRUE;
}

GtkPrintOperation *
ap_print_operation_new (GListModel          *users,
                        ApQuery             *query,
                        const ApReportScope *scope)
{
  g_autoptr(GPtrArray) snapshot = NULL;
  g_autoptr(GTask) task = NULL;
  GtkPrintOperation *operation;
  PrintJob *job;

  g_return_val_if_fail (G_IS_LIST_MODEL (users), NULL);
  g_return_val_if_fail (query == NULL || AP_IS_QUERY (query), NULL);

  snapshot = ap_analysis_snapshot_model (users);
  job = g_new0 (PrintJob, 1);
  job->document = ap_report_document_new (query, scope, NULL);
  ap_report_document_add_users (job->document, snapshot);

  operation = gtk_print_operation_new ();
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("Awareness training performance"));
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), job);
  g_signal_connect (operation, "paginate", G_CALLBACK (on_paginate), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), job);
  g_object_set_data_full (G_OBJECT (operation), "ap-print-job", job,
                          (GDestroyNotify) print_job_free);

  /* The task holds the operation, so the job outlives the worker. */
  task = g_task_new (operation, NULL, on_prepared, NULL);
  g_task_set_source_tag (task, ap_print_operation_new);
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, prepare_thread);

  return operation;
}

static void
on_print_done (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               gpointer                 user_data)
{
  GtkWindow *parent = user_data;
  g_autoptr(GError) error = NULL;

  if (result != GTK_PRINT_OPERATION_RESULT_ERROR)
    return;

  gtk_print_operation_get_error (operation, &error);
  if (error != NULL && parent != NULL &&
      g_object_get_data (G_OBJECT (operation), "ap-error-shown") == NULL)
    {
      GtkWidget *alert = ap_alert_new (_("The Report Was Not Printed"), error->message);

      g_object_set_data (G_OBJECT (operation), "ap-error-shown", GINT_TO_POINTER (TRUE));
      ap_alert_add_response (alert, "close", _("_Close"));
      ap_alert_present (alert, GTK_WIDGET (parent));
    }
}

void
ap_print_report (GtkWindow           *parent,
                 GListModel          *users,
                 ApQuery             *query,
                 const ApReportScope *scope)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  operation = ap_print_operation_new (users, query, scope);
  /* Non-blocking: the dialog runs while the window stays responsive. */
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect_object (operation, "done", G_CALLBACK (on_print_done), parent, 0);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent,
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    on_print_done (operation, GTK_PRINT_OPERATION_RESULT_ERROR, parent);
}
