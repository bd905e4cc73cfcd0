/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-json-writer"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ap-report-private.h"

/* The JSON export is written user by user rather than built as a JsonNode
 * tree, so memory stays flat however large the organisation. Members use
 * the API's own names, so scripts written against the API read it as is:
 *
 *   {"generated": "2026-11-29T05:30:00Z", "query": {...},
 *    "users": [{"name", "email", "department", "numCorrect", "numIncorrect",
 *               "numNotWatched", "userDetails": [{"title", "category",
 *               "status", "ack", "timeSent", "timeViewed"}]}]}
 *
 * "userDetails" appears only for users whose response carried it; times
 * are UTC ISO 8601 strings, "" when not sent or not viewed. */

static const char hex_digits[] = "0123456789abcdef";

void
ap_json_writer_write_string (ApReportBuffer *buffer,
                             const char     *value)
{
  g_autofree char *valid = NULL;
  const char *run;
  const char *p;

  if (value == NULL)
    value = "";

  /* Server strings are valid UTF-8 after parsing; anything else must not
   * make the whole file unreadable. */
  if (G_UNLIKELY (!g_utf8_validate (value, -1, NULL)))
    value = valid = g_utf8_make_valid (value, -1);

  ap_report_buffer_append_c (buffer, '"');

  run = value;
  for (p = value; *p != '\0'; p++)
    {
      guchar c = *p;
      char escape[6];

      if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\'))
        continue;

      ap_report_buffer_append (buffer, run, p - run);
      run = p + 1;

      switch (c)
        {
        case '"':
          ap_report_buffer_append_literal (buffer, "\\\"");
          break;
        case '\\':
          ap_report_buffer_append_literal (buffer, "\\\\");
          break;
        case '\n':
          ap_report_buffer_append_literal (buffer, "\\n");
          break;
        case '\r':
          ap_report_buffer_append_literal (buffer, "\\r");
          break;
        case '\t':
          ap_report_buffer_append_literal (buffer, "\\t");
          break;
        case '\b':
          ap_report_buffer_append_literal (buffer, "\\b");
          break;
        case '\f':
          ap_report_buffer_append_literal (buffer, "\\f");
          break;
        default:
          escape[0] = '\\';
          escape[1] = 'u';
          escape[2] = '0';
          escape[3] = '0';
          escape[4] = hex_digits[c >> 4];
          escape[5] = hex_digits[c & 0xf];
          ap_report_buffer_append (buffer, escape, sizeof escape);
          break;
        }
    }
  ap_report_buffer_append (buffer, run, p - run);

  ap_report_buffer_append_c (buffer, '"');
}

static void
write_time (ApReportBuffer *buffer,
            gint64          unix_time)
{
  char iso[AP_TIME_ISO_LEN];

  /* ap_time_format_iso_utc() gives "" for AP_TIME_NONE. */
  ap_time_format_iso_utc (unix_time, iso);
  ap_report_buffer_append_c (buffer, '"');
  ap_report_buffer_append (buffer, iso, strlen (iso));
  ap_report_buffer_append_c (buffer, '"');
}

void
ap_json_writer_write_begin (ApReportBuffer *buffer,
                            GDateTime      *generated,
                            ApQuery        *query)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (generated);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) query_node = NULL;
  g_autofree char *query_json = NULL;
  g_autofree char *generated_iso = NULL;
  gsize query_len;

  generated_iso = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  if (query != NULL)
    query_node = ap_query_to_json_node (query);
  if (query_node == NULL)
    query_node = json_node_init_object (json_node_alloc (), json_object_new ());

  json_generator_set_root (generator, query_node);
  query_json = json_generator_to_data (generator, &query_len);

  ap_report_buffer_append_literal (buffer, "{\n  \"generated\": ");
  ap_json_writer_write_string (buffer, generated_iso);
  ap_report_buffer_append_literal (buffer, ",\n  \"query\": ");
  ap_report_buffer_append (buffer, query_json, query_len);
  ap_report_buffer_append_literal (buffer, ",\n  \"users\": [");
}

static void
write_record (ApReportBuffer   *buffer,
              const ApRecord   *record)
{
  ap_report_buffer_append_literal (buffer, "{\"title\": ");
  ap_json_writer_write_string (buffer, ap_record_get_title (record));
  ap_report_buffer_append_literal (buffer, ", \"category\": ");
  ap_json_writer_write_string (buffer, ap_record_get_category (record));
  ap_report_buffer_append_literal (buffer, ", \"status\": ");
  ap_json_writer_write_string (buffer, ap_record_get_status (record));
  if (ap_record_get_acknowledged (record))
    ap_report_buffer_append_literal (buffer, ", \"ack\": true");
  else
    ap_report_buffer_append_literal (buffer, ", \"ack\": false");
  ap_report_buffer_append_literal (buffer, ", \"timeSent\": ");
  write_time (buffer, ap_record_get_time_sent (record));
  ap_report_buffer_append_literal (buffer, ", \"timeViewed\": ");
  write_time (buffer, ap_record_get_time_viewed (record));
  ap_report_buffer_append_c (buffer, '}');
}

void
ap_json_writer_write_user (ApReportBuffer *buffer,
                           ApUser         *user,
                           gboolean        first)
{
  if (first)
    ap_report_buffer_append_literal (buffer, "\n    {\n      \"name\": ");
  else
    ap_report_buffer_append_literal (buffer, ",\n    {\n      \"name\": ");
  ap_json_writer_write_string (buffer, ap_user_get_name (user));
  ap_report_buffer_append_literal (buffer, ",\n      \"email\": ");
  ap_json_writer_write_string (buffer, ap_user_get_email (user));
  ap_report_buffer_append_literal (buffer, ",\n      \"department\": ");
  ap_json_writer_write_string (buffer, ap_user_get_department (user));
  ap_report_buffer_append_literal (buffer, ",\n      \"numCorrect\": ");
  ap_report_buffer_append_uint (buffer, ap_user_get_num_correct (user));
  ap_report_buffer_append_literal (buffer, ",\n      \"numIncorrect\": ");
  ap_report_buffer_append_uint (buffer, ap_user_get_num_incorrect (user));
  ap_report_buffer_append_literal (buffer, ",\n      \"numNotWatched\": ");
  ap_report_buffer_append_uint (buffer, ap_user_get_num_not_watched (user));

  if (ap_user_get_has_details (user))
    {
      guint n_records = ap_user_get_n_records (user);

      ap_report_buffer_append_literal (buffer, ",\n      \"userDetails\": [");
      for (guint i = 0; i < n_records; i++)
        {
          if (i > 0)
            ap_report_buffer_append_c (buffer, ',');
          ap_report_buffer_append_literal (buffer, "\n        ");
          write_record (buffer, ap_user_get_record (user, i));
        }
      if (n_records > 0)
        ap_report_buffer_append_literal (buffer, "\n      ]");
      else
        ap_report_buffer_append_c (buffer, ']');
    }

  ap_report_buffer_append_literal (buffer, "\n    }");
}

void
ap_json_writer_write_end (ApReportBuffer *buffer,
                          gboolean        empty)
{
  if (empty)
    ap_report_buffer_append_literal (buffer, "]\n}\n");
  else
    ap_report_buffer_append_literal (buffer, "\n  ]\n}\n");
}
