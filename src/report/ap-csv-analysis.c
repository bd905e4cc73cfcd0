/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-csv-analysis"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-report-private.h"

/* The headless --report=departments and --report=videos: the numbers of the
 * window's Overview and Training videos pages, from the same ApAnalysis.
 * Cells from the server (names, titles, categories) go through
 * ap_csv_writer_write_cell(), so the quoting and the formula-injection
 * rule are those of every other CSV. Percentages carry one decimal with "."
 * whatever the locale (g_ascii_formatd), and are empty when nothing was
 * sent: 0.0 would claim a measurement. */

#define DEPARTMENTS_HEADER \
  "department,users,videosSent,numCorrect,numIncorrect,numNotWatched," \
  "pctCorrect,pctIncorrect,pctNotWatched"
#define VIDEOS_HEADER "title,category,sent,viewed,notViewed,acknowledged,pctViewed"
#define CSV_EOL "\r\n"

static const char utf8_bom[] = "\xEF\xBB\xBF";

static void
write_uint_cell (ApReportBuffer *buffer,
                 guint64         value)
{
  ap_report_buffer_append_c (buffer, ',');
  ap_report_buffer_append_uint (buffer, value);
}

static void
write_pct_cell (ApReportBuffer *buffer,
                gboolean        known,
                double          value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  ap_report_buffer_append_c (buffer, ',');
  if (!known)
    return;
  g_ascii_formatd (text, sizeof text, "%.1f", value);
  ap_report_buffer_append (buffer, text, strlen (text));
}

void
ap_csv_writer_write_departments (ApReportBuffer *buffer,
                                 ApAnalysis     *analysis,
                                 gboolean        bom)
{
  guint n = ap_analysis_get_n_departments (analysis);

  if (bom)
    ap_report_buffer_append (buffer, utf8_bom, sizeof utf8_bom - 1);
  ap_report_buffer_append_literal (buffer, DEPARTMENTS_HEADER CSV_EOL);

  for (guint i = 0; i < n; i++)
    {
      const ApAnalysisDepartment *row = ap_analysis_get_department (analysis, i);

      ap_csv_writer_write_cell (buffer, row->display_name);
      write_uint_cell (buffer, row->n_users);
      write_uint_cell (buffer, row->videos_sent);
      write_uint_cell (buffer, row->num_correct);
      write_uint_cell (buffer, row->num_incorrect);
      write_uint_cell (buffer, row->num_not_watched);
      write_pct_cell (buffer, row->has_sent, row->pct_correct);
      write_pct_cell (buffer, row->has_sent, row->pct_incorrect);
      write_pct_cell (buffer, row->has_sent, row->pct_not_watched);
      ap_report_buffer_append_literal (buffer, CSV_EOL);
    }
}

void
ap_csv_writer_write_videos (ApReportBuffer *buffer,
                            ApAnalysis     *analysis,
                            gboolean        bom)
{
  guint n = ap_analysis_get_n_videos (analysis);

  if (bom)
    ap_report_buffer_append (buffer, utf8_bom, sizeof utf8_bom - 1);
  ap_report_buffer_append_literal (buffer, VIDEOS_HEADER CSV_EOL);

  for (guint i = 0; i < n; i++)
    {
      const ApAnalysisVideo *row = ap_analysis_get_video (analysis, i);

      ap_csv_writer_write_cell (buffer, row->title);
      ap_report_buffer_append_c (buffer, ',');
      ap_csv_writer_write_cell (buffer, row->category);
      write_uint_cell (buffer, row->sent);
      write_uint_cell (buffer, row->viewed);
      write_uint_cell (buffer, row->not_viewed);
      write_uint_cell (buffer, row->acknowledged);
      write_pct_cell (buffer, row->sent > 0, row->pct_viewed);
      ap_report_buffer_append_literal (buffer, CSV_EOL);
    }
}
