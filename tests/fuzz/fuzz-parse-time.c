/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-parse-time"

#include "config.h"

#include <glib.h>

#include "ap-parser.h"
#include "ap-training-record.h"
#include "fuzz.h"

/* ap_parser_parse_time() on any bytes (not NUL-terminated, as it gets them
 * from a page): never a read past @size, and every time it accepts is the
 * time GLib's own ISO 8601 reader finds in the same text, and comes back
 * unchanged through ap_time_format_iso_utc(). */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GDateTime) reference = NULL;
  g_autoptr(GString) whole_seconds = NULL;
  char iso[AP_TIME_ISO_LEN];
  gint64 t = 0, again;

  fuzz_init ();

  if (!ap_parser_parse_time ((const char *) data, size, &t))
    return 0;

  if (size == 0)
    {
      g_assert_cmpint (t, ==, AP_TIME_NONE);
      return 0;
    }

  /* GLib reads the fraction as a double, which can round 59.999… up to a
   * minute; the app drops it, so the reference gets the text without it. */
  whole_seconds = g_string_new_len ((const char *) data, (gssize) size);
  if (whole_seconds->str[19] == '.' || whole_seconds->str[19] == ',')
    {
      gsize end = 20;

      while (end < whole_seconds->len && g_ascii_isdigit (whole_seconds->str[end]))
        end++;
      g_string_erase (whole_seconds, 19, (gssize) (end - 19));
    }
  reference = g_date_time_new_from_iso8601 (whole_seconds->str, NULL);
  g_assert_nonnull (reference);
  g_assert_cmpint (g_date_time_to_unix (reference), ==, t);

  ap_time_format_iso_utc (t, iso);
  g_assert_true (ap_parser_parse_time (iso, strlen (iso), &again));
  g_assert_cmpint (again, ==, t);

  return 0;
}
