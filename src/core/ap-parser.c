/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-parser"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-error.h"
#include "ap-parser.h"
#include "ap-training-record.h"

/* Unix seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range
 * GDateTime can represent, so every stored time can be shown. */
#define AP_TIME_MIN G_GINT64_CONSTANT (-62135596800)
#define AP_TIME_MAX G_GINT64_CONSTANT (253402300799)

/* Howard Hinnant's days_from_civil: proleptic Gregorian date to days since
 * 1970-01-01, with no tables and no allocation (the parser calls this twice
 * per training record). */
static inline gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static inline gboolean
read_digits (const char *s,
             guint       n,
             guint      *out)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return FALSE;
      v = v * 10 + (guint) (s[i] - '0');
    }

  *out = v;
  return TRUE;
}

static inline guint
days_in_month (guint y,
               guint m)
{
  static const guint8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    return 29;
  return days[m - 1];
}

gboolean
ap_parser_parse_time (const char *text,
                      gsize       length,
                      gint64     *unix_time)
{
  guint year, month, day, hour, minute, second;
  gint64 t, offset = 0;
  gsize i;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (unix_time != NULL, FALSE);

  if (length == 0)
    {
      *unix_time = AP_TIME_NONE;
      return TRUE;
    }

  /* YYYY-MM-DDTHH:MM:SS is 19 bytes, and a zone designator is mandatory:
   * a time without one would silently be read in some unknown zone. */
  if (length < 20 ||
      !read_digits (text, 4, &year) || text[4] != '-' ||
      !read_digits (text + 5, 2, &month) || text[7] != '-' ||
      !read_digits (text + 8, 2, &day) || text[10] != 'T' ||
      !read_digits (text + 11, 2, &hour) || text[13] != ':' ||
      !read_digits (text + 14, 2, &minute) || text[16] != ':' ||
      !read_digits (text + 17, 2, &second))
    return FALSE;

  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month (year, month) ||
      hour > 23 || minute > 59 || second > 59)
    return FALSE;

  i = 19;
  if (text[i] == '.' || text[i] == ',')
    {
      gsize start = ++i;

      /* The fraction is dropped: the API and the app work in whole seconds. */
      while (i < length && text[i] >= '0' && text[i] <= '9')
        i++;
      if (i == start)
        return FALSE;
    }

  if (i >= length)
    return FALSE;

  if (text[i] == 'Z')
    {
      i++;
    }
  else if (text[i] == '+' || text[i] == '-')
    {
      gboolean negative = text[i] == '-';
      guint oh, om;

      i++;
      if (i + 2 > length || !read_digits (text + i, 2, &oh))
        return FALSE;
      i += 2;
      if (i < length && text[i] == ':')
        i++;
      if (i + 2 > length || !read_digits (text + i, 2, &om))
        return FALSE;
      i += 2;
      if (oh > 23 || om > 59)
        return FALSE;
      offset = (gint64) oh * 3600 + (gint64) om * 60;
      if (negative)
        offset = -offset;
    }
  else
    {
      return FALSE;
    }

  if (i != length)
    return FALSE;

  t = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  if (t < AP_TIME_MIN || t > AP_TIME_MAX)
    return FALSE;

  *unix_time = t;
  return TRUE;
}

gboolean
ap_json_check_nesting (const char *data,
                       gsize       length,
                       guint       max_depth,
                       GError    **error)
{
  const char *p, *end;
  guint depth = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length > AP_PARSER_MAX_BODY_SIZE)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                   _("The server's reply is larger than %u MB, more than any Mimecast reply "
                     "should be; try a narrower search"),
                   (guint) (AP_PARSER_MAX_BODY_SIZE / (1024 * 1024)));
      return FALSE;
    }

  p = data;
  end = data + length;
  while (p < end)
    {
      const char *q;

      switch (*p)
        {
        case '"':
          /* A bracket inside a string is text, and so is a quote after a
           * backslash: only an unescaped quote ends the string. */
          for (q = p + 1; q < end; q++)
            {
              if (*q == '\\')
                q++;
              else if (*q == '"')
                break;
            }
          p = q < end ? q + 1 : end;
          continue;

        case '[':
        case '{':
          if (++depth > max_depth)
            {
              g_set_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                           _("The server's reply nests more than %u levels deep at byte %"
                             G_GSIZE_FORMAT ", which no Mimecast reply does; it was not read"),
                           max_depth, (gsize) (p - data));
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        default:
          /* Skip bytes that cannot change the depth in bulk. */
          q = p + 1;
          while (q < end && *q != '"' && *q != '[' && *q != '{' && *q != ']' && *q != '}')
            q++;
          p = q;
          continue;
        }
      p++;
    }

  return TRUE;
}

void
ap_page_free (ApPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->users, g_ptr_array_unref);
  g_free (page->next_page_token);
  g_free (page);
}
