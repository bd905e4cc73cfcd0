/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-parse-page"

#include "config.h"

#include <gio/gio.h>

#include "ap-error.h"
#include "ap-parser.h"
#include "ap-user.h"
#include "fuzz.h"

/* ap_parser_parse_page() on any bytes: it must return a page or an AP_ERROR
 * whose message can be shown (valid UTF-8), never crash, hang or read past
 * the body; what it builds must be text a label can show; and the fast skim
 * (ap_parser_scan_meta()) must agree with it on every page it accepts. */

static void
check_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
check_time (gint64 t)
{
  g_autoptr(GDateTime) shown = NULL;
  char iso[AP_TIME_ISO_LEN];
  gint64 again;

  if (t == AP_TIME_NONE)
    return;
  shown = g_date_time_new_from_unix_utc (t);
  g_assert_nonnull (shown);
  /* Within what GDateTime can show, and written back the same. */
  ap_time_format_iso_utc (t, iso);
  g_assert_true (ap_parser_parse_time (iso, strlen (iso), &again));
  g_assert_cmpint (again, ==, t);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) meta_error = NULL;
  g_autoptr(ApPage) page = NULL;
  g_autofree char *next = NULL;
  gint64 total;
  gboolean meta_ok;

  fuzz_init ();

  body = g_bytes_new_static (data, size);
  page = ap_parser_parse_page (body, &error);
  meta_ok = ap_parser_scan_meta (body, &next, &total, &meta_error);

  if (page == NULL)
    {
      g_assert_error (error, AP_ERROR, error->code);
      check_text (error->message);
      /* A refusal the skim already sees is the same refusal. */
      if (!meta_ok && g_error_matches (meta_error, AP_ERROR, AP_ERROR_API_FAILURE))
        g_assert_cmpstr (error->message, ==, meta_error->message);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_no_error (meta_error);
  g_assert_true (meta_ok);
  g_assert_cmpstr (next, ==, page->next_page_token);
  g_assert_cmpint (total, ==, page->total_count);
  g_assert_true (page->next_page_token == NULL || page->next_page_token[0] != '\0');
  g_assert_cmpint (page->total_count, >=, -1);
  if (page->next_page_token != NULL)
    check_text (page->next_page_token);

  g_assert_cmpuint (page->users->len, <=, AP_PARSER_MAX_USERS_PER_PAGE);
  for (guint i = 0; i < page->users->len; i++)
    {
      ApUser *user = g_ptr_array_index (page->users, i);

      check_text (ap_user_get_name (user));
      check_text (ap_user_get_email (user));
      check_text (ap_user_get_department (user));
      for (guint k = 0; k < ap_user_get_n_records (user); k++)
        {
          const ApRecord *record = ap_user_get_record (user, k);

          check_text (ap_record_get_title (record));
          check_text (ap_record_get_category (record));
          check_text (ap_record_get_status (record));
          check_time (ap_record_get_time_sent (record));
          check_time (ap_record_get_time_viewed (record));
        }
    }

  return 0;
}
