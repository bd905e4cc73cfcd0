/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ap-report.h"
#include "ap-user.h"

/* Shared by the report tests: users with awkward strings, a strict
 * RFC 4180 reader, and small file helpers. */

static inline ApUser *
report_test_user (const char *name,
                  const char *email,
                  const char *department,
                  guint       correct,
                  guint       incorrect,
                  guint       not_watched,
                  guint       n_records)
{
  ApUser *user = ap_user_new (name, email, department, correct, incorrect, not_watched);

  if (n_records > 0)
    {
      GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n_records; i++)
        {
          g_autofree char *title = g_strdup_printf ("Video %u: “Phishing”, part %u", i, i);

          g_ptr_array_add (records,
                           ap_training_record_new (title, i % 2 ? "Security" : "Privacy, Data",
                                                   i % 3 ? "Completed" : "Not started",
                                                   i % 2 == 0,
                                                   1322907330 + i * 86400,
                                                   i % 3 ? 1322907330 + i * 86400 + 3600
                                                         : AP_TIME_NONE));
        }
      ap_user_take_records (user, records);
    }

  return user;
}

/* Strict RFC 4180: records end in CRLF, quoted fields may hold anything
 * with quotes doubled, a bare LF or CR outside quotes is an error.
 * Returns a GPtrArray of GStrv rows; NULL and a test failure when the
 * input is not valid. */
static inline GPtrArray *
report_test_read_csv (const char *text,
                      gsize       len)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      if (field->len == 0 && *p == '"')
        {
          p++;
          for (;;)
            {
              g_assert_true (p < end);  /* unterminated quote */
              if (*p == '"')
                {
                  if (p + 1 < end && p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              g_string_append_c (field, *p++);
            }
          /* After a closing quote only a separator or the record end. */
          g_assert_true (p == end || *p == ',' || *p == '\r');
          if (p == end)
            break;
        }

      if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          p++;
        }
      else if (*p == '\r')
        {
          g_assert_true (p + 1 < end && p[1] == '\n');
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (row, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
          p += 2;
        }
      else
        {
          g_assert_true (*p != '\n');  /* bare LF outside quotes */
          g_assert_true (*p != '"');   /* quote inside an unquoted field */
          g_string_append_c (field, *p++);
        }
    }

  /* Every record, the last included, ends in CRLF. */
  g_assert_cmpuint (field->len, ==, 0);
  g_assert_cmpuint (row->len, ==, 0);

  return g_steal_pointer (&rows);
}

static inline GBytes *
report_test_write (ApReportFormat  format,
                   GPtrArray      *users,
                   ApQuery        *query,
                   GDateTime      *generated)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(ApReportWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  writer = ap_report_writer_new (format, stream, query, "https://eu-api.mimecast.com",
                                 generated);
  g_assert_true (ap_report_writer_add_users (writer, users, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ap_report_writer_finish (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

static inline guint
report_test_count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;

  return n;
}

static inline void
report_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        report_test_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}
