/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-csv-writer"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-report-private.h"

/* RFC 4180: fields separated by commas, records ended by CRLF, a field
 * quoted when it holds a comma, a quote, CR or LF (inner quotes doubled).
 * We also quote a field with a leading or trailing space, which some
 * spreadsheets would otherwise trim.
 *
 * Formula injection (OWASP "CSV Injection"): names and departments come from
 * the server, and a spreadsheet runs a cell that starts with =, +, -, @, tab
 * or CR as a formula. Such a cell gets a leading apostrophe, which
 * spreadsheets show as text and never evaluate. */

#define CSV_HEADER "name,email,department,numCorrect,numIncorrect,numNotWatched"
#define CSV_DETAILS_HEADER ",title,category,status,ack,timeSent,timeViewed"
#define CSV_EOL "\r\n"
#define CSV_CHANGES_HEADER \
  "email,name,department,change,numCorrect_before,numCorrect_after,numIncorrect_before," \
  "numIncorrect_after,numNotWatched_before,numNotWatched_after"

static const char utf8_bom[] = "\xEF\xBB\xBF";

static inline gboolean
needs_quotes_byte (guchar c)
{
  return c == ',' || c == '"' || c == '\r' || c == '\n';
}

static inline gboolean
is_formula_start (char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void
ap_csv_writer_write_cell (ApReportBuffer *buffer,
                          const char     *value)
{
  g_autofree char *valid = NULL;
  gboolean quote = FALSE;
  gboolean prefix;
  const char *run;
  gsize len;

  if (value == NULL || value[0] == '\0')
    return;

  len = strlen (value);
  if (G_UNLIKELY (!g_utf8_validate_len (value, len, NULL)))
    {
      valid = g_utf8_make_valid (value, len);
      value = valid;
      len = strlen (valid);
    }

  prefix = is_formula_start (value[0]);
  if (value[0] == ' ' || value[len - 1] == ' ')
    quote = TRUE;
  for (gsize i = 0; !quote && i < len; i++)
    quote = needs_quotes_byte (value[i]);

  if (!quote && !prefix)
    {
      ap_report_buffer_append (buffer, value, len);
      return;
    }

  if (quote)
    ap_report_buffer_append_c (buffer, '"');
  if (prefix)
    ap_report_buffer_append_c (buffer, '\'');

  run = value;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        {
          ap_report_buffer_append (buffer, run, p - run + 1);
          ap_report_buffer_append_c (buffer, '"');
          run = p + 1;
        }
    }
  ap_report_buffer_append (buffer, run, value + len - run);

  if (quote)
    ap_report_buffer_append_c (buffer, '"');
}

void
ap_csv_writer_write_header (ApReportBuffer *buffer,
                            gboolean        details,
                            gboolean        bom)
{
  if (bom)
    ap_report_buffer_append (buffer, utf8_bom, sizeof utf8_bom - 1);

  ap_report_buffer_append_literal (buffer, CSV_HEADER);
  if (details)
    ap_report_buffer_append_literal (buffer, CSV_DETAILS_HEADER);
  ap_report_buffer_append_literal (buffer, CSV_EOL);
}

static void
write_user_columns (ApReportBuffer *buffer,
                    ApUser         *user)
{
  ap_csv_writer_write_cell (buffer, ap_user_get_name (user));
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, ap_user_get_email (user));
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, ap_user_get_department (user));
  ap_report_buffer_append_c (buffer, ',');
  ap_report_buffer_append_uint (buffer, ap_user_get_num_correct (user));
  ap_report_buffer_append_c (buffer, ',');
  ap_report_buffer_append_uint (buffer, ap_user_get_num_incorrect (user));
  ap_report_buffer_append_c (buffer, ',');
  ap_report_buffer_append_uint (buffer, ap_user_get_num_not_watched (user));
}

static void
write_time (ApReportBuffer *buffer,
            gint64          unix_time)
{
  char iso[AP_TIME_ISO_LEN];

  if (unix_time == AP_TIME_NONE)
    return;

  ap_time_format_iso_utc (unix_time, iso);
  ap_report_buffer_append (buffer, iso, strlen (iso));
}

static void
write_record_columns (ApReportBuffer   *buffer,
                      const ApRecord   *record)
{
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, ap_record_get_title (record));
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, ap_record_get_category (record));
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, ap_record_get_status (record));
  ap_report_buffer_append_c (buffer, ',');
  if (ap_record_get_acknowledged (record))
    ap_report_buffer_append_literal (buffer, "true");
  else
    ap_report_buffer_append_literal (buffer, "false");
  ap_report_buffer_append_c (buffer, ',');
  write_time (buffer, ap_record_get_time_sent (record));
  ap_report_buffer_append_c (buffer, ',');
  write_time (buffer, ap_record_get_time_viewed (record));
}

void
ap_csv_writer_write_user (ApReportBuffer *buffer,
                          ApUser         *user,
                          gboolean        details,
                          GString        *scratch)
{
  ApReportBuffer columns;
  guint n_records;

  if (!details)
    {
      write_user_columns (buffer, user);
      ap_report_buffer_append_literal (buffer, CSV_EOL);
      return;
    }

  n_records = ap_user_get_n_records (user);
  if (n_records == 0)
    {
      write_user_columns (buffer, user);
      ap_report_buffer_append_literal (buffer, ",,,,,," CSV_EOL);
      return;
    }

  /* The user's six columns are quoted once and repeated on each record
   * row, built in a buffer without a stream over the scratch string, which
   * fails rather than grow when a user's columns are unusually long. */
  g_string_set_size (scratch, MAX (scratch->allocated_len, 4096) - 1);
  memset (&columns, 0, sizeof columns);
  columns.data = scratch->str;
  columns.size = scratch->len;
  write_user_columns (&columns, user);

  if (G_UNLIKELY (columns.error != NULL))
    {
      /* Fields too long for the scratch buffer: write them directly. */
      g_clear_error (&columns.error);
      for (guint i = 0; i < n_records; i++)
        {
          write_user_columns (buffer, user);
          write_record_columns (buffer, ap_user_get_record (user, i));
          ap_report_buffer_append_literal (buffer, CSV_EOL);
        }
      return;
    }

  for (guint i = 0; i < n_records; i++)
    {
      ap_report_buffer_append (buffer, columns.data, columns.len);
      write_record_columns (buffer, ap_user_get_record (user, i));
      ap_report_buffer_append_literal (buffer, CSV_EOL);
    }
}

static void
write_optional_count (ApReportBuffer *buffer,
                      gboolean        present,
                      guint           value)
{
  ap_report_buffer_append_c (buffer, ',');
  if (present)
    ap_report_buffer_append_uint (buffer, value);
}

void
ap_csv_writer_write_changes_header (ApReportBuffer *buffer)
{
  ap_report_buffer_append_literal (buffer, CSV_CHANGES_HEADER CSV_EOL);
}

void
ap_csv_writer_write_change (ApReportBuffer     *buffer,
                            const ApUserChange *change)
{
  gboolean before = change->kind != AP_USER_CHANGE_JOINED;
  gboolean after = change->kind != AP_USER_CHANGE_LEFT;

  ap_csv_writer_write_cell (buffer, change->email);
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, change->name);
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, change->department);
  ap_report_buffer_append_c (buffer, ',');
  ap_csv_writer_write_cell (buffer, ap_user_change_kind_to_string (change->kind));
  for (guint c = 0; c < 3; c++)
    {
      write_optional_count (buffer, before, change->before[c]);
      write_optional_count (buffer, after, change->after[c]);
    }
  ap_report_buffer_append_literal (buffer, CSV_EOL);
}
