/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-pdf-report"

/* nl_langinfo (_NL_PAPER_WIDTH) is a GNU extension. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include <glib/gi18n.h>
#include <cairo-pdf.h>
#include <locale.h>
#include <pango/pangocairo.h>
#ifdef __GLIBC__
#include <langinfo.h>
#endif

#include "ap-chart-render.h"
#include "ap-error.h"
#include "ap-report-private.h"

/* The report's PDF target: the document (ap-report-render.c) drawn onto
 * a cairo PDF surface streamed into the writer's buffer, a page at a time
 * with cairo_show_page(), so nothing is kept per page. */

#define POINTS_PER_MM (72.0 / 25.4)
#define A4_WIDTH      (210.0 * POINTS_PER_MM)
#define A4_HEIGHT     (297.0 * POINTS_PER_MM)
#define LETTER_WIDTH  612.0
#define LETTER_HEIGHT 792.0

#define MARGIN_SIDE   46.0
#define MARGIN_TOP    44.0
#define MARGIN_BOTTOM 58.0

/* Paper */

void
ap_pdf_paper_size_for_locale (const char *locale,
                              double     *width,
                              double     *height)
{
  /* Where US Letter is the norm; everywhere else uses A4. */
  static const char * const letter_territories[] = {
    "US", "CA", "MX", "CL", "CO", "CR", "DO", "GT", "NI", "PA", "PH", "PR", "SV", "VE", "BZ",
  };
  const char *territory = NULL;
  gboolean letter = FALSE;

  if (locale != NULL)
    territory = strchr (locale, '_');

  if (territory != NULL)
    {
      gsize len = strcspn (territory + 1, ".@");

      for (guint i = 0; i < G_N_ELEMENTS (letter_territories); i++)
        if (len == 2 && strncmp (territory + 1, letter_territories[i], 2) == 0)
          letter = TRUE;
    }

  *width = letter ? LETTER_WIDTH : A4_WIDTH;
  *height = letter ? LETTER_HEIGHT : A4_HEIGHT;
}

static void
size_from_millimetres (guint   width_mm,
                       guint   height_mm,
                       double *width,
                       double *height)
{
  /* The C library rounds to whole millimetres: snap to the exact sizes. */
  if (width_mm == 216 && height_mm == 279)
    {
      *width = LETTER_WIDTH;
      *height = LETTER_HEIGHT;
    }
  else if (width_mm == 210 && height_mm == 297)
    {
      *width = A4_WIDTH;
      *height = A4_HEIGHT;
    }
  else
    {
      *width = width_mm * POINTS_PER_MM;
      *height = height_mm * POINTS_PER_MM;
    }
}

void
ap_pdf_paper_size (double *width,
                   double *height)
{
  const char *paper_locale = setlocale (LC_PAPER, NULL);

  /* With setlocale() called for LC_PAPER, the C library knows the paper.
   * Without it (a process that never called setlocale) we only see "C",
   * so read the environment the way setlocale() would. */
#ifdef __GLIBC__
  if (paper_locale != NULL && strcmp (paper_locale, "C") != 0 &&
      strcmp (paper_locale, "POSIX") != 0)
    {
      union { unsigned int word; char *string; } width_mm, height_mm;

      width_mm.string = nl_langinfo (_NL_PAPER_WIDTH);
      height_mm.string = nl_langinfo (_NL_PAPER_HEIGHT);
      if (width_mm.word >= 50 && width_mm.word <= 2000 &&
          height_mm.word >= 50 && height_mm.word <= 2000)
        {
          size_from_millimetres (width_mm.word, height_mm.word, width, height);
          return;
        }
    }
#endif

  paper_locale = g_getenv ("LC_ALL");
  if (paper_locale == NULL || paper_locale[0] == '\0')
    paper_locale = g_getenv ("LC_PAPER");
  if (paper_locale == NULL || paper_locale[0] == '\0')
    paper_locale = g_getenv ("LANG");

  ap_pdf_paper_size_for_locale (paper_locale, width, height);
}

/* The PDF */

typedef struct
{
  ApReportBuffer    *buffer;
  GCancellable      *cancellable;
  cairo_t           *cr;
  ApPdfProgressFunc  progress;
  gpointer           progress_data;
} PdfTarget;

static cairo_status_t
write_to_buffer (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  ApReportBuffer *buffer = closure;

  if (buffer->error == NULL)
    ap_report_buffer_append (buffer, (const char *) data, length);

  return buffer->error == NULL ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static gboolean
on_page_done (guint    page_nr,
              guint    users_drawn,
              gpointer user_data)
{
  PdfTarget *target = user_data;

  cairo_show_page (target->cr);
  if (target->progress != NULL)
    target->progress (users_drawn, target->progress_data);

  return !g_cancellable_is_cancelled (target->cancellable) && target->buffer->error == NULL;
}

static void
set_metadata (cairo_surface_t *surface,
              GDateTime       *generated)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (generated);
  g_autofree char *date = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  _("Awareness training performance"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  "Awareness Performance " PACKAGE_VERSION);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

gboolean
ap_pdf_report_write (ApReportDocument   *document,
                     ApReportBuffer     *buffer,
                     ApPdfProgressFunc   progress,
                     gpointer            progress_data,
                     GCancellable       *cancellable,
                     GError            **error)
{
  ApReportPage page = { 0 };
  cairo_surface_t *surface;
  cairo_status_t status;
  PdfTarget target = { 0 };
  gboolean completed;
  gboolean ok = TRUE;

  ap_pdf_paper_size (&page.width, &page.height);
  page.left = page.right = MARGIN_SIDE;
  page.top = MARGIN_TOP;
  page.bottom = MARGIN_BOTTOM;

  surface = cairo_pdf_surface_create_for_stream (write_to_buffer, buffer, page.width,
                                                 page.height);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  set_metadata (surface, ap_report_document_get_generated (document));

  target.buffer = buffer;
  target.cancellable = cancellable;
  target.cr = cairo_create (surface);
  target.progress = progress;
  target.progress_data = progress_data;

  ap_report_document_set_cancellable (document, cancellable);
  completed = ap_report_document_paginate (document, &page) > 0 &&
              !g_cancellable_is_cancelled (cancellable) &&
              ap_report_document_draw_all (document, target.cr, surface, on_page_done, &target);
  ap_report_document_set_cancellable (document, NULL);

  cairo_destroy (target.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (buffer->error != NULL)
    ok = FALSE;
  else if (g_cancellable_set_error_if_cancelled (cancellable, error))
    ok = FALSE;
  else if (!completed || status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_WRITE, _("The PDF report could not be made: %s"),
                   cairo_status_to_string (status));
      ok = FALSE;
    }

  if (ok && progress != NULL)
    progress (ap_report_document_get_n_users (document), progress_data);

  return ok;
}
