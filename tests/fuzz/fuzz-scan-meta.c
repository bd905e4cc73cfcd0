/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-scan-meta"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ap-error.h"
#include "ap-parser.h"
#include "fuzz.h"

/* The skim that reads a page's metadata before its users
 * (ap_parser_scan_meta()) and the strict JSON check put in front of
 * json-glib (ap_json_check()), on any bytes: no crash, no read past the body,
 * messages a person can be shown, the same answer whether or not the caller
 * wants the metadata, nothing accepted that nests deeper than the parser's
 * limit, and everything the check accepts read by json-glib without a
 * complaint or a leak (what it guards). */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) nesting_error = NULL;
  g_autofree char *next = NULL;
  gint64 total = 0;
  gboolean ok, nesting_ok;

  fuzz_init ();

  body = g_bytes_new_static (data, size);
  ok = ap_parser_scan_meta (body, &next, &total, &error);
  g_assert_cmpint (ok, ==, ap_parser_scan_meta (body, NULL, NULL, NULL));

  nesting_ok = ap_json_check ((const char *) data, size, AP_PARSER_MAX_DEPTH, &nesting_error);
  if (!nesting_ok)
    {
      g_assert_error (nesting_error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
      g_assert_true (g_utf8_validate (nesting_error->message, -1, NULL));
    }
  else
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      g_assert_true (json_parser_load_from_data (parser, (const char *) data, (gssize) size,
                                                 NULL));
      g_assert_nonnull (json_parser_get_root (parser));
    }

  if (!ok)
    {
      g_assert_error (error, AP_ERROR, error->code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (next);
      g_assert_cmpint (total, ==, -1);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_true (nesting_ok);
  g_assert_cmpint (total, >=, -1);
  if (next != NULL)
    {
      g_assert_cmpuint (strlen (next), >, 0);
      g_assert_true (g_utf8_validate (next, -1, NULL));
    }

  return 0;
}
