/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-parser"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "ap-error.h"
#include "ap-intern-private.h"
#include "ap-parser.h"
#include "ap-training-record.h"
#include "ap-user.h"

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

void
ap_page_free (ApPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->users, g_ptr_array_unref);
  g_free (page->next_page_token);
  g_free (page);
}

/* ---- The page reader ----------------------------------------------------
 *
 * A strict RFC 8259 pull reader specialised for the shape of a
 * get-performance-details reply. It never recurses on input: the known
 * shape is at most five levels deep (root, data, user, userDetails,
 * record) and everything else is skipped by skip_value() with an explicit
 * stack, so hostile nesting cannot exhaust the thread's stack. Strings
 * without escapes are used in place; only escaped ones are decoded.
 *
 * Counts must be JSON integers: "3.0" or "3e0" are refused, since a
 * fractional count means the reply is not what the app understands.
 */

#define PATH_MAX_SEGMENTS 8

typedef struct
{
  const char *key;      /* NULL for an array index */
  gsize       key_len;
  guint       index;
} PathSegment;

typedef struct
{
  guint32  hash;
  guint32  length;
  char    *interned;    /* GRefString, one reference held by the cache */
} InternEntry;

typedef struct
{
  const guchar *start;
  const guchar *p;
  const guchar *end;
  guint         depth;
  guint         max_depth;        /* at most AP_PARSER_MAX_DEPTH */

  PathSegment   path[PATH_MAX_SEGMENTS];
  guint         path_len;
  char          key_copies[PATH_MAX_SEGMENTS][64];

  GString      *scratch;          /* decoded escaped strings */
  GString      *name_buf;
  GString      *email_buf;
  GArray       *pending_records;  /* ApRecord of the userDetails being read */
  GArray       *user_records;     /* ApRecord of the user being read, once read whole */
  gboolean      has_records;      /* that user carried userDetails */

  InternEntry  *cache;
  guint         cache_mask;
  guint         cache_used;

  gboolean      build;            /* FALSE: only skim for the metadata */
  GError       *error;
  gboolean      error_is_value;   /* a type/value error, not malformed JSON */

  GPtrArray    *users;
  gboolean      have_data;
  char         *next_page_token;
  gint64        total_count;
  gboolean      have_status;
  gint64        status;
  gboolean      have_fail;
  char         *fail_code;
  char         *fail_message;
} Reader;

enum {
  C_PLAIN,
  C_QUOTE,
  C_BACKSLASH,
  C_CONTROL,
  C_HIGH,
};

/* Classes of bytes inside a JSON string. */
static const guint8 string_class[256] = {
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
  R16 (C_CONTROL), R16 (C_CONTROL),
  0, 0, C_QUOTE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  R16 (0), R16 (0),
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, C_BACKSLASH, 0, 0, 0,
  R16 (0), R16 (0),
  R16 (C_HIGH), R16 (C_HIGH), R16 (C_HIGH), R16 (C_HIGH),
  R16 (C_HIGH), R16 (C_HIGH), R16 (C_HIGH), R16 (C_HIGH),
#undef R16
};

static void
path_append (GString    *out,
             Reader     *r)
{
  for (guint i = 0; i < r->path_len; i++)
    {
      const PathSegment *seg = &r->path[i];

      if (seg->key == NULL && seg->index == G_MAXUINT)
        continue;  /* no element begun yet */
      if (seg->key == NULL)
        g_string_append_printf (out, "[%u]", seg->index);
      else
        {
          if (i > 0)
            g_string_append_c (out, '.');
          g_string_append_len (out, seg->key, (gssize) seg->key_len);
        }
    }
}

static inline void
path_push_key (Reader     *r,
               const char *key,
               gsize       key_len)
{
  if (r->path_len < PATH_MAX_SEGMENTS)
    {
      /* A key with escapes was decoded into the scratch buffer, which the
       * member's value may overwrite or move: keep a copy, cut to a
       * bounded length at a character boundary. Rare, so never hot. */
      if (G_UNLIKELY (key == r->scratch->str))
        {
          char *copy = r->key_copies[r->path_len];

          if (key_len >= sizeof r->key_copies[0])
            key_len = (gsize) (g_utf8_find_prev_char (key, key + sizeof r->key_copies[0]) - key);
          memcpy (copy, key, key_len);
          key = copy;
        }
      r->path[r->path_len] = (PathSegment) { key, key_len, 0 };
    }
  r->path_len++;
}

static inline void
path_push_index (Reader *r)
{
  if (r->path_len < PATH_MAX_SEGMENTS)
    r->path[r->path_len] = (PathSegment) { NULL, 0, G_MAXUINT };
  r->path_len++;
}

static inline void
path_set_index (Reader *r,
                guint   index)
{
  if (r->path_len - 1 < PATH_MAX_SEGMENTS)
    r->path[r->path_len - 1].index = index;
}

static inline void
path_pop (Reader *r)
{
  r->path_len--;
}

/* Malformed JSON at the reader's position, or a reply cut short when the
 * position is the end of the body. */
static G_NO_INLINE gboolean
fail_syntax (Reader     *r,
             const char *detail)
{
  g_autoptr(GString) where = g_string_new (NULL);
  gsize offset = (gsize) (r->p - r->start);

  if (r->error != NULL)
    return FALSE;

  path_append (where, r);

  if (r->start == r->end)
    g_set_error_literal (&r->error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                         _("The server's reply was empty; try again"));
  else if (r->p >= r->end && where->len > 0)
    g_set_error (&r->error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                 _("The server's reply was cut short inside %s after %" PRIu64
                   " bytes; try again"), where->str, (uint64_t) offset);
  else if (r->p >= r->end)
    g_set_error (&r->error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                 _("The server's reply was cut short after %" PRIu64
                   " bytes; try again"), (uint64_t) offset);
  else if (where->len > 0)
    g_set_error (&r->error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                 _("%s: the server's reply is not valid JSON at byte %" PRIu64 ": %s"),
                 where->str, (uint64_t) offset, detail);
  else
    g_set_error (&r->error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                 _("The server's reply is not valid JSON at byte %" PRIu64 ": %s"),
                 (uint64_t) offset, detail);

  return FALSE;
}

/* Well-formed JSON that does not fit the response shape: names the member,
 * e.g. "data[12].userDetails[3].timeViewed: expected a date …". */
static G_NO_INLINE gboolean
fail_value (Reader     *r,
            const char *problem)
{
  g_autoptr(GString) where = g_string_new (NULL);

  if (r->error != NULL)
    return FALSE;

  path_append (where, r);
  if (where->len > 0)
    g_set_error (&r->error, AP_ERROR, AP_ERROR_INVALID_RESPONSE, "%s: %s", where->str, problem);
  else
    g_set_error (&r->error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                 _("The server's reply is not a Mimecast report: %s"), problem);
  r->error_is_value = TRUE;

  return FALSE;
}

static inline void
skip_ws (Reader *r)
{
  const guchar *p = r->p;
  const guchar *end = r->end;

  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  r->p = p;
}

/* Length of the valid UTF-8 sequence at @p, 0 when it is invalid (overlong
 * forms, surrogates and code points above U+10FFFF included), or -1 when
 * the body ends inside it. */
static inline int
utf8_sequence (const guchar *p,
               const guchar *end)
{
  guchar c = p[0];
  guchar lo = 0x80, hi = 0xBF;
  int n;

  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    {
      n = 3;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F;
    }
  else if (c >= 0xF0 && c <= 0xF4)
    {
      n = 4;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    }
  else
    return 0;

  for (int i = 1; i < n; i++)
    {
      if (p + i >= end)
        return -1;
      if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xBF))
        return 0;
    }

  return n;
}

static inline int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads four hex digits after "\u" at r->p (which points at the 'u'). */
static gboolean
read_hex4 (Reader  *r,
           guint   *out)
{
  guint v = 0;

  for (int i = 1; i <= 4; i++)
    {
      int h;

      if (r->p + i >= r->end)
        {
          r->p = r->end;
          return fail_syntax (r, NULL);
        }
      h = hex_value (r->p[i]);
      if (h < 0)
        {
          r->p += i;
          return fail_syntax (r, _("a \\u escape needs four hexadecimal digits"));
        }
      v = (v << 4) | (guint) h;
    }

  r->p += 5;
  *out = v;
  return TRUE;
}

/* Decodes the escape at r->p (a backslash) into @out when @out is not NULL. */
static gboolean
read_escape (Reader   *r,
             GString  *out,
             gboolean *has_nul)
{
  guchar c;
  guint cp, low;

  if (r->p + 1 >= r->end)
    {
      r->p = r->end;
      return fail_syntax (r, NULL);
    }

  r->p++;
  c = *r->p;
  switch (c)
    {
    case '"': case '\\': case '/':
      break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u':
      if (!read_hex4 (r, &cp))
        return FALSE;
      if (cp >= 0xDC00 && cp <= 0xDFFF)
        {
          r->p -= 6;
          return fail_syntax (r, _("a \\u escape holds half of a character "
                                   "(a lone low surrogate)"));
        }
      if (cp >= 0xD800 && cp <= 0xDBFF)
        {
          if (r->p + 1 >= r->end && (r->p >= r->end || r->p[0] == '\\'))
            {
              r->p = r->end;
              return fail_syntax (r, NULL);
            }
          if (r->p + 1 >= r->end || r->p[0] != '\\' || r->p[1] != 'u')
            return fail_syntax (r, _("a \\u escape holds half of a character "
                                     "(a lone high surrogate)"));
          r->p++;
          if (!read_hex4 (r, &low))
            return FALSE;
          if (low < 0xDC00 || low > 0xDFFF)
            {
              r->p -= 6;
              return fail_syntax (r, _("a \\u escape holds half of a character "
                                     "(a lone high surrogate)"));
            }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
      if (cp == 0 && has_nul != NULL)
        *has_nul = TRUE;
      if (out != NULL)
        g_string_append_unichar (out, cp);
      return TRUE;
    default:
      return fail_syntax (r, _("an unknown escape sequence in a string"));
    }

  if (out != NULL)
    g_string_append_c (out, (char) c);
  r->p++;
  return TRUE;
}

#define ONES   G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS  G_GUINT64_CONSTANT (0x8080808080808080)

/* TRUE when any of the 8 bytes needs a closer look: a quote, a backslash, a
 * control character or a non-ASCII byte. */
static inline gboolean
word_is_special (guint64 v)
{
  guint64 q = v ^ (ONES * '"');
  guint64 b = v ^ (ONES * '\\');

  return ((v | ((v - ONES * 0x20) & ~v) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS) != 0;
}

/* Reads the string starting at r->p (a quote). With @decode, *@text and
 * *@length give its value: in place when it has no escapes, else in
 * r->scratch. Without, it is only validated. */
static gboolean
read_string (Reader      *r,
             gboolean     decode,
             const char **text,
             gsize       *length,
             gboolean    *has_nul)
{
  const guchar *p = r->p + 1;
  const guchar *end = r->end;
  const guchar *segment = p;
  gboolean escaped = FALSE;

  for (;;)
    {
      guint8 cls;

      while (p + 8 <= end)
        {
          guint64 v;

          memcpy (&v, p, 8);
          if (word_is_special (v))
            break;
          p += 8;
        }
      while (p < end && string_class[*p] == C_PLAIN)
        p++;

      if (G_UNLIKELY (p >= end))
        {
          r->p = end;
          return fail_syntax (r, NULL);
        }

      cls = string_class[*p];
      if (G_LIKELY (cls == C_QUOTE))
        {
          if (decode)
            {
              if (escaped)
                {
                  g_string_append_len (r->scratch, (const char *) segment, p - segment);
                  *text = r->scratch->str;
                  *length = r->scratch->len;
                }
              else
                {
                  *text = (const char *) segment;
                  *length = (gsize) (p - segment);
                }
            }
          r->p = p + 1;
          return TRUE;
        }
      else if (cls == C_BACKSLASH)
        {
          if (decode)
            {
              if (!escaped)
                g_string_truncate (r->scratch, 0);
              g_string_append_len (r->scratch, (const char *) segment, p - segment);
            }
          escaped = TRUE;
          r->p = p;
          if (!read_escape (r, decode ? r->scratch : NULL, has_nul))
            return FALSE;
          p = r->p;
          segment = p;
        }
      else if (cls == C_CONTROL)
        {
          r->p = p;
          return fail_syntax (r, _("a control character inside a string must be escaped"));
        }
      else
        {
          int n = utf8_sequence (p, end);

          if (n <= 0)
            {
              r->p = n < 0 ? end : p;
              return fail_syntax (r, _("text that is not valid UTF-8"));
            }
          p += n;
        }
    }
}

static gboolean
read_literal (Reader     *r,
              const char *word,
              gsize       length)
{
  gsize avail = (gsize) (r->end - r->p);

  if (avail >= length && memcmp (r->p, word, length) == 0)
    {
      r->p += length;
      return TRUE;
    }
  if (avail < length && memcmp (r->p, word, avail) == 0)
    {
      r->p = r->end;
      return fail_syntax (r, NULL);
    }
  return fail_syntax (r, _("expected a value"));
}

typedef struct
{
  gboolean negative;
  gboolean integer;   /* no fraction, no exponent */
  gboolean overflow;  /* more than 64 bits of integer part */
  guint64  magnitude;
} Number;

static gboolean
read_number (Reader *r,
             Number *num)
{
  const guchar *p = r->p;
  const guchar *end = r->end;

  num->negative = FALSE;
  num->integer = TRUE;
  num->overflow = FALSE;
  num->magnitude = 0;

  if (*p == '-')
    {
      num->negative = TRUE;
      p++;
    }

  if (p >= end)
    goto truncated;
  if (*p == '0')
    {
      p++;
      if (p < end && *p >= '0' && *p <= '9')
        {
          r->p = p;
          return fail_syntax (r, _("a number may not start with 0"));
        }
    }
  else if (*p >= '1' && *p <= '9')
    {
      while (p < end && *p >= '0' && *p <= '9')
        {
          guint d = *p - '0';

          if (num->magnitude > (G_MAXUINT64 - d) / 10)
            num->overflow = TRUE;
          else
            num->magnitude = num->magnitude * 10 + d;
          p++;
        }
    }
  else
    {
      r->p = p;
      return fail_syntax (r, _("expected a digit"));
    }

  if (p < end && *p == '.')
    {
      const guchar *digits = ++p;

      num->integer = FALSE;
      while (p < end && *p >= '0' && *p <= '9')
        p++;
      if (p == digits && p >= end)
        goto truncated;
      if (p == digits)
        {
          r->p = p;
          return fail_syntax (r, _("expected a digit after the decimal point"));
        }
    }

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      const guchar *digits;

      num->integer = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      digits = p;
      while (p < end && *p >= '0' && *p <= '9')
        p++;
      if (p == digits && p >= end)
        goto truncated;
      if (p == digits)
        {
          r->p = p;
          return fail_syntax (r, _("expected a digit in the exponent"));
        }
    }

  r->p = p;
  return TRUE;

truncated:
  r->p = end;
  return fail_syntax (r, NULL);
}

static inline gboolean
enter_container (Reader *r)
{
  if (G_UNLIKELY (++r->depth > r->max_depth))
    {
      g_autofree char *detail =
        g_strdup_printf (_("the reply nests more than %u levels deep"), r->max_depth);
      return fail_syntax (r, detail);
    }
  r->p++;
  return TRUE;
}

/* Iterates the members of an object whose '{' was consumed: TRUE with the
 * key and r->p at the value, FALSE with *@done at the end or with r->error. */
static inline gboolean
object_next (Reader      *r,
             gboolean    *first,
             const char **key,
             gsize       *key_length,
             gboolean    *done)
{
  *done = FALSE;
  skip_ws (r);
  if (G_UNLIKELY (r->p >= r->end))
    return fail_syntax (r, NULL);

  if (*r->p == '}')
    {
      r->p++;
      r->depth--;
      *done = TRUE;
      return FALSE;
    }

  if (!*first)
    {
      if (*r->p != ',')
        return fail_syntax (r, _("expected ',' or '}' after a member"));
      r->p++;
      skip_ws (r);
      if (r->p >= r->end)
        return fail_syntax (r, NULL);
    }
  *first = FALSE;

  if (*r->p != '"')
    return fail_syntax (r, _("expected a member name in double quotes"));
  if (!read_string (r, TRUE, key, key_length, NULL))
    return FALSE;

  skip_ws (r);
  if (r->p >= r->end)
    return fail_syntax (r, NULL);
  if (*r->p != ':')
    return fail_syntax (r, _("expected ':' after a member name"));
  r->p++;
  skip_ws (r);
  if (r->p >= r->end)
    return fail_syntax (r, NULL);

  return TRUE;
}

/* Like object_next() for an array whose '[' was consumed. */
static inline gboolean
array_next (Reader   *r,
            gboolean *first,
            gboolean *done)
{
  *done = FALSE;
  skip_ws (r);
  if (G_UNLIKELY (r->p >= r->end))
    return fail_syntax (r, NULL);

  if (*r->p == ']' && *first)
    {
      r->p++;
      r->depth--;
      *done = TRUE;
      return FALSE;
    }

  if (!*first)
    {
      if (*r->p == ']')
        {
          r->p++;
          r->depth--;
          *done = TRUE;
          return FALSE;
        }
      if (*r->p != ',')
        return fail_syntax (r, _("expected ',' or ']' after an element"));
      r->p++;
      skip_ws (r);
      if (r->p >= r->end)
        return fail_syntax (r, NULL);
    }
  *first = FALSE;

  return TRUE;
}

#define KEY_IS(key, length, literal) \
  ((length) == sizeof (literal) - 1 && memcmp ((key), (literal), sizeof (literal) - 1) == 0)

/* Validates and skips any value at r->p without recursion. */
static gboolean
skip_value (Reader *r)
{
  guint8 is_object[AP_PARSER_MAX_DEPTH + 2];
  guint base = r->depth;
  Number num;

  for (;;)
    {
      /* r->p is at a value */
      switch (*r->p)
        {
        case '{':
          if (!enter_container (r))
            return FALSE;
          is_object[r->depth - base] = TRUE;
          skip_ws (r);
          if (r->p >= r->end)
            return fail_syntax (r, NULL);
          if (*r->p == '}')
            {
              r->p++;
              r->depth--;
              break;
            }
          goto member;

        case '[':
          if (!enter_container (r))
            return FALSE;
          is_object[r->depth - base] = FALSE;
          skip_ws (r);
          if (r->p >= r->end)
            return fail_syntax (r, NULL);
          if (*r->p == ']')
            {
              r->p++;
              r->depth--;
              break;
            }
          continue;

        case '"':
          if (!read_string (r, FALSE, NULL, NULL, NULL))
            return FALSE;
          break;

        case 't':
          if (!read_literal (r, "true", 4))
            return FALSE;
          break;

        case 'f':
          if (!read_literal (r, "false", 5))
            return FALSE;
          break;

        case 'n':
          if (!read_literal (r, "null", 4))
            return FALSE;
          break;

        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          if (!read_number (r, &num))
            return FALSE;
          break;

        default:
          return fail_syntax (r, _("expected a value"));
        }

      /* a value is complete: continue the innermost container */
      for (;;)
        {
          if (r->depth == base)
            return TRUE;

          skip_ws (r);
          if (r->p >= r->end)
            return fail_syntax (r, NULL);

          if (*r->p == ',')
            {
              r->p++;
              skip_ws (r);
              if (r->p >= r->end)
                return fail_syntax (r, NULL);
              if (is_object[r->depth - base])
                goto member;
              goto value;
            }
          if (*r->p == (is_object[r->depth - base] ? '}' : ']'))
            {
              r->p++;
              r->depth--;
              continue;
            }
          return fail_syntax (r, is_object[r->depth - base]
                                 ? _("expected ',' or '}' after a member")
                                 : _("expected ',' or ']' after an element"));
        }

    member:
      if (*r->p != '"')
        return fail_syntax (r, _("expected a member name in double quotes"));
      if (!read_string (r, FALSE, NULL, NULL, NULL))
        return FALSE;
      skip_ws (r);
      if (r->p >= r->end)
        return fail_syntax (r, NULL);
      if (*r->p != ':')
        return fail_syntax (r, _("expected ':' after a member name"));
      r->p++;
      skip_ws (r);
      if (r->p >= r->end)
        return fail_syntax (r, NULL);
    value:
      ;
    }
}

/* ---- interning ---- */

static inline guint32
hash_bytes (const char *text,
            gsize       length)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < length; i++)
    h = (h ^ (guchar) text[i]) * 16777619u;
  return h;
}

static void
cache_grow (Reader *r)
{
  guint new_size = r->cache_mask == 0 ? 64 : (r->cache_mask + 1) * 2;
  InternEntry *entries = g_new0 (InternEntry, new_size);

  for (guint i = 0; r->cache != NULL && i <= r->cache_mask; i++)
    {
      InternEntry *e = &r->cache[i];
      guint j;

      if (e->interned == NULL)
        continue;
      for (j = e->hash & (new_size - 1); entries[j].interned != NULL; j = (j + 1) & (new_size - 1))
        ;
      entries[j] = *e;
    }

  g_free (r->cache);
  r->cache = entries;
  r->cache_mask = new_size - 1;
}

/* The interned GRefString for @text, or NULL for "" (missing): the page
 * has a handful of distinct departments, titles and statuses repeated
 * thousands of times, and looking them up here avoids the global lock of
 * ap_intern_string() for every repeat. */
static const char *
intern (Reader     *r,
        const char *text,
        gsize       length)
{
  guint32 hash;
  guint i;
  char *interned;

  if (length == 0)
    return NULL;

  if ((r->cache_used + 1) * 2 > r->cache_mask + 1)
    cache_grow (r);

  hash = hash_bytes (text, length);
  for (i = hash & r->cache_mask; r->cache[i].interned != NULL; i = (i + 1) & r->cache_mask)
    {
      InternEntry *e = &r->cache[i];

      if (e->hash == hash && e->length == length && memcmp (e->interned, text, length) == 0)
        return e->interned;
    }

  interned = ap_intern_string (text, length);
  r->cache[i] = (InternEntry) { hash, (guint32) length, interned };
  r->cache_used++;

  return interned;
}

/* ---- typed members ---- */

static gboolean
read_text (Reader      *r,
           const char **text,
           gsize       *length)
{
  gboolean has_nul = FALSE;

  if (*r->p == 'n')
    {
      *text = "";
      *length = 0;
      return read_literal (r, "null", 4);
    }
  if (*r->p != '"')
    {
      if (!skip_value (r))
        return FALSE;
      return fail_value (r, _("expected text"));
    }
  if (!read_string (r, TRUE, text, length, &has_nul))
    return FALSE;
  if (has_nul)
    return fail_value (r, _("the text contains a NUL character"));

  return TRUE;
}

/* Copies a string that lives in the scratch buffer, which the next escaped
 * string would overwrite. */
static void
keep_text (Reader      *r,
           GString     *buffer,
           const char **text,
           gsize        length)
{
  if (*text == r->scratch->str)
    {
      g_string_truncate (buffer, 0);
      g_string_append_len (buffer, *text, (gssize) length);
      *text = buffer->str;
    }
}

static gboolean
read_interned (Reader      *r,
               const char **interned)
{
  const char *text;
  gsize length;

  if (!read_text (r, &text, &length))
    return FALSE;
  *interned = intern (r, text, length);
  return TRUE;
}

static gboolean
read_count (Reader  *r,
            guint64  max,
            guint64 *out)
{
  Number num;

  if (*r->p == 'n')
    {
      *out = 0;
      return read_literal (r, "null", 4);
    }
  if (*r->p != '-' && (*r->p < '0' || *r->p > '9'))
    {
      if (!skip_value (r))
        return FALSE;
      return fail_value (r, _("expected a whole number"));
    }
  if (!read_number (r, &num))
    return FALSE;
  if (!num.integer)
    return fail_value (r, _("expected a whole number, not a fraction"));
  if (num.negative && num.magnitude != 0)
    return fail_value (r, _("expected a count of 0 or more, not a negative number"));
  if (num.overflow || num.magnitude > max)
    return fail_value (r, _("the number is too large"));

  *out = num.magnitude;
  return TRUE;
}

static gboolean
read_bool (Reader   *r,
           gboolean *out)
{
  switch (*r->p)
    {
    case 't':
      *out = TRUE;
      return read_literal (r, "true", 4);
    case 'f':
      *out = FALSE;
      return read_literal (r, "false", 5);
    case 'n':
      *out = FALSE;
      return read_literal (r, "null", 4);
    default:
      if (!skip_value (r))
        return FALSE;
      return fail_value (r, _("expected true or false"));
    }
}

static gboolean
read_time (Reader *r,
           gint64 *out)
{
  const char *text;
  gsize length;
  gboolean has_nul = FALSE;

  if (*r->p == 'n')
    {
      *out = AP_TIME_NONE;
      return read_literal (r, "null", 4);
    }
  if (*r->p == '"')
    {
      if (!read_string (r, TRUE, &text, &length, &has_nul))
        return FALSE;
      if (!has_nul && ap_parser_parse_time (text, length, out))
        return TRUE;
    }
  else if (!skip_value (r))
    {
      return FALSE;
    }

  return fail_value (r, _("expected a date such as 2011-12-03T10:15:30+0000"));
}

/* Expects an object at r->p (or null when @nullable, giving *@is_null). */
static gboolean
expect_container (Reader     *r,
                  guchar      open,
                  gboolean   *is_null)
{
  *is_null = FALSE;
  if (*r->p == open)
    return enter_container (r);
  if (*r->p == 'n')
    {
      *is_null = TRUE;
      return read_literal (r, "null", 4);
    }
  if (!skip_value (r))
    return FALSE;
  return fail_value (r, open == '{' ? _("expected an object") : _("expected a list"));
}

/* ---- the response shape ---- */

static gboolean
read_record (Reader *r)
{
  const char *title = NULL, *category = NULL, *status = NULL;
  gboolean ack = FALSE, first = TRUE, done, is_null;
  gint64 sent = AP_TIME_NONE, viewed = AP_TIME_NONE;
  const char *key;
  gsize key_len;

  if (!expect_container (r, '{', &is_null))
    return FALSE;
  if (is_null)
    return fail_value (r, _("expected an object"));

  while (object_next (r, &first, &key, &key_len, &done))
    {
      gboolean ok;

      path_push_key (r, key, key_len);
      if (KEY_IS (key, key_len, "title"))
        ok = read_interned (r, &title);
      else if (KEY_IS (key, key_len, "category"))
        ok = read_interned (r, &category);
      else if (KEY_IS (key, key_len, "status"))
        ok = read_interned (r, &status);
      else if (KEY_IS (key, key_len, "ack"))
        ok = read_bool (r, &ack);
      else if (KEY_IS (key, key_len, "timeSent"))
        ok = read_time (r, &sent);
      else if (KEY_IS (key, key_len, "timeViewed"))
        ok = read_time (r, &viewed);
      else
        ok = skip_value (r);
      if (!ok)
        return FALSE;
      path_pop (r);
    }
  if (!done)
    return FALSE;

  if (r->build)
    {
      ApRecord record;

      ap_record_init_interned (&record, title, category, status, ack, sent, viewed);
      g_array_append_val (r->pending_records, record);
    }
  return TRUE;
}

/* The arrays have no clear function: records moved into a user leave
 * with their references, and only these drop what is left. */
static void
drop_records (GArray *records)
{
  ap_records_clear ((ApRecord *) records->data, records->len);
  g_array_set_size (records, 0);
}

static void
drop_pending_records (Reader *r)
{
  if (r->pending_records != NULL)
    drop_records (r->pending_records);
}

static gboolean
read_user_details (Reader *r)
{
  gboolean first = TRUE, done, is_null;
  guint index = 0;

  if (!expect_container (r, '[', &is_null))
    return FALSE;
  if (is_null)
    return TRUE;

  drop_pending_records (r);
  path_push_index (r);
  while (array_next (r, &first, &done))
    {
      path_set_index (r, index++);
      if (!read_record (r))
        {
          drop_pending_records (r);
          return FALSE;
        }
    }
  if (!done)
    {
      drop_pending_records (r);
      return FALSE;
    }
  path_pop (r);

  /* A second userDetails in one user replaces the first. Both arrays are
   * the reader's own, reused for every user: the user copies its records
   * into an array of their exact size. */
  if (r->build)
    {
      GArray *read = r->pending_records;

      drop_records (r->user_records);
      r->pending_records = r->user_records;
      r->user_records = read;
    }
  r->has_records = TRUE;

  return TRUE;
}

static gboolean
read_user (Reader *r)
{
  const char *name = "", *email = "", *department = NULL;
  gsize name_len = 0, email_len = 0;
  guint64 correct = 0, incorrect = 0, not_watched = 0;
  gboolean first = TRUE, done, is_null;
  const char *key;
  gsize key_len;
  ApUser *user;

  if (!expect_container (r, '{', &is_null))
    return FALSE;
  if (is_null)
    return fail_value (r, _("expected an object"));

  r->has_records = FALSE;
  if (r->build)
    drop_records (r->user_records);
  while (object_next (r, &first, &key, &key_len, &done))
    {
      gboolean ok;

      path_push_key (r, key, key_len);
      if (KEY_IS (key, key_len, "name"))
        {
          ok = read_text (r, &name, &name_len);
          if (ok)
            keep_text (r, r->name_buf, &name, name_len);
        }
      else if (KEY_IS (key, key_len, "email"))
        {
          ok = read_text (r, &email, &email_len);
          if (ok)
            keep_text (r, r->email_buf, &email, email_len);
        }
      else if (KEY_IS (key, key_len, "department"))
        ok = read_interned (r, &department);
      else if (KEY_IS (key, key_len, "numCorrect"))
        ok = read_count (r, G_MAXUINT, &correct);
      else if (KEY_IS (key, key_len, "numIncorrect"))
        ok = read_count (r, G_MAXUINT, &incorrect);
      else if (KEY_IS (key, key_len, "numNotWatched"))
        ok = read_count (r, G_MAXUINT, &not_watched);
      else if (KEY_IS (key, key_len, "userDetails"))
        ok = read_user_details (r);
      else
        ok = skip_value (r);
      if (!ok)
        return FALSE;
      path_pop (r);
    }
  if (!done)
    return FALSE;

  if (r->build)
    {
      user = ap_user_new_interned (name, name_len, email, email_len, department,
                                   (guint) correct, (guint) incorrect, (guint) not_watched);
      if (r->has_records)
        {
          ap_user_take_record_array (user, (ApRecord *) r->user_records->data,
                                     r->user_records->len);
          g_array_set_size (r->user_records, 0);   /* the references moved */
        }
      g_ptr_array_add (r->users, user);
    }

  return TRUE;
}

static gboolean
read_data (Reader *r)
{
  gboolean first = TRUE, done, is_null;
  guint index = 0;

  r->have_data = TRUE;

  /* Once Mimecast said the request failed, the users are not wanted, and
   * the skim leaves their shape to ap_parser_parse_page(): either way the
   * value is only checked to be well-formed JSON, whatever its type, so
   * that a refusal explains itself even when "data" is not a list. */
  if (!r->build || r->have_fail)
    return skip_value (r);

  if (!expect_container (r, '[', &is_null))
    return FALSE;
  if (is_null)
    return TRUE;

  path_push_index (r);
  while (array_next (r, &first, &done))
    {
      /* Bytes alone do not bound memory: 64 MB of "{}," is ten million
       * users, each a whole object. */
      if (index >= AP_PARSER_MAX_USERS_PER_PAGE)
        {
          if (r->error == NULL)
            g_set_error (&r->error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                         _("The server sent more than %u users in one page, though Mimecast "
                           "sends at most %u; the app stopped reading it. Check the base URL."),
                         (guint) AP_PARSER_MAX_USERS_PER_PAGE, (guint) AP_PARSER_PAGE_SIZE_LIMIT);
          /* Data that does not fit, like a wrong type: a "fail" entry
           * further on explains it better. */
          r->error_is_value = TRUE;
          return FALSE;
        }
      path_set_index (r, index++);
      if (!read_user (r))
        return FALSE;
    }
  if (!done)
    return FALSE;
  path_pop (r);

  return TRUE;
}

static gboolean
read_pagination (Reader *r)
{
  gboolean first = TRUE, done, is_null;
  const char *key;
  gsize key_len;

  if (!expect_container (r, '{', &is_null))
    return FALSE;
  if (is_null)
    return TRUE;

  while (object_next (r, &first, &key, &key_len, &done))
    {
      gboolean ok;

      path_push_key (r, key, key_len);
      if (KEY_IS (key, key_len, "next"))
        {
          const char *text;
          gsize length;

          ok = read_text (r, &text, &length);
          g_clear_pointer (&r->next_page_token, g_free);
          if (ok && length > 0)
            r->next_page_token = g_strndup (text, length);
        }
      else if (KEY_IS (key, key_len, "totalCount"))
        {
          guint64 total = 0;

          r->total_count = -1;
          if (*r->p == 'n')
            ok = read_literal (r, "null", 4);
          else if ((ok = read_count (r, G_MAXINT64, &total)))
            r->total_count = (gint64) total;
        }
      else
        ok = skip_value (r);
      if (!ok)
        return FALSE;
      path_pop (r);
    }

  return done;
}

static gboolean
read_meta (Reader *r)
{
  gboolean first = TRUE, done, is_null;
  const char *key;
  gsize key_len;

  if (!expect_container (r, '{', &is_null))
    return FALSE;
  if (is_null)
    return TRUE;

  while (object_next (r, &first, &key, &key_len, &done))
    {
      gboolean ok;

      path_push_key (r, key, key_len);
      if (KEY_IS (key, key_len, "status"))
        {
          Number num;

          if (*r->p == 'n')
            {
              ok = read_literal (r, "null", 4);
            }
          else if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
            {
              ok = read_number (r, &num);
              if (ok && (!num.integer || num.overflow || num.magnitude > G_MAXINT))
                ok = fail_value (r, _("expected a status code such as 200"));
              if (ok)
                {
                  r->have_status = TRUE;
                  r->status = num.negative ? -(gint64) num.magnitude : (gint64) num.magnitude;
                }
            }
          else
            {
              ok = skip_value (r) && fail_value (r, _("expected a status code such as 200"));
            }
        }
      else if (KEY_IS (key, key_len, "pagination"))
        ok = read_pagination (r);
      else
        ok = skip_value (r);
      if (!ok)
        return FALSE;
      path_pop (r);
    }

  return done;
}

/* One entry of "fail": {"key": {...}, "errors": [{"code", "message"}]}.
 * The details are read leniently: any entry means the request failed, and
 * a detail of an unexpected type only costs the explanation. */
static gboolean
read_fail_errors (Reader *r)
{
  gboolean first = TRUE, done;

  if (*r->p != '[')
    return skip_value (r);
  if (!enter_container (r))
    return FALSE;

  while (array_next (r, &first, &done))
    {
      gboolean first_member = TRUE, member_done;
      const char *key;
      gsize key_len;

      if (*r->p != '{')
        {
          if (!skip_value (r))
            return FALSE;
          continue;
        }
      if (!enter_container (r))
        return FALSE;
      while (object_next (r, &first_member, &key, &key_len, &member_done))
        {
          gboolean is_code = KEY_IS (key, key_len, "code");
          gboolean is_message = KEY_IS (key, key_len, "message");

          if ((is_code || is_message) && *r->p == '"')
            {
              const char *text;
              gsize length;
              char **target = is_code ? &r->fail_code : &r->fail_message;

              if (!read_string (r, TRUE, &text, &length, NULL))
                return FALSE;
              if (*target == NULL && length > 0)
                {
                  /* a bounded, valid UTF-8 excerpt: it is shown to a person */
                  if (length > 400)
                    {
                      const char *cut = g_utf8_find_prev_char (text, text + 400);
                      length = (gsize) (cut - text);
                    }
                  *target = g_strndup (text, length);
                }
            }
          else if (!skip_value (r))
            {
              return FALSE;
            }
        }
      if (!member_done)
        return FALSE;
    }

  return done;
}

static gboolean
read_fail (Reader *r)
{
  gboolean first = TRUE, done, is_null;

  if (!expect_container (r, '[', &is_null))
    return FALSE;
  if (is_null)
    return TRUE;

  while (array_next (r, &first, &done))
    {
      gboolean first_member = TRUE, member_done;
      const char *key;
      gsize key_len;

      r->have_fail = TRUE;
      if (*r->p != '{')
        {
          if (!skip_value (r))
            return FALSE;
          continue;
        }
      if (!enter_container (r))
        return FALSE;
      while (object_next (r, &first_member, &key, &key_len, &member_done))
        {
          if (KEY_IS (key, key_len, "errors"))
            {
              if (!read_fail_errors (r))
                return FALSE;
            }
          else if (!skip_value (r))
            {
              return FALSE;
            }
        }
      if (!member_done)
        return FALSE;
    }

  return done;
}

static gboolean
read_root (Reader *r)
{
  gboolean first = TRUE, done;
  const char *key;
  gsize key_len;

  skip_ws (r);
  if (r->p >= r->end)
    {
      /* only whitespace is as useless as nothing */
      if (r->start != r->end)
        r->end = r->start;
      r->p = r->start;
      return fail_syntax (r, NULL);
    }

  if (*r->p != '{')
    {
      if (!skip_value (r))
        return FALSE;
      return fail_value (r, _("expected a JSON object"));
    }
  if (!enter_container (r))
    return FALSE;

  while (object_next (r, &first, &key, &key_len, &done))
    {
      gboolean ok;

      path_push_key (r, key, key_len);
      if (KEY_IS (key, key_len, "data"))
        ok = read_data (r);
      else if (KEY_IS (key, key_len, "meta"))
        ok = read_meta (r);
      else if (KEY_IS (key, key_len, "fail"))
        ok = read_fail (r);
      else
        ok = skip_value (r);
      if (!ok)
        return FALSE;
      path_pop (r);
    }
  if (!done)
    return FALSE;

  skip_ws (r);
  if (r->p < r->end)
    return fail_syntax (r, _("unexpected text after the end of the reply"));

  return TRUE;
}

static void
reader_init (Reader       *r,
             const guchar *data,
             gsize         length,
             gboolean      build)
{
  memset (r, 0, sizeof *r);
  r->start = data;
  r->p = data;
  r->end = data + length;
  r->build = build;
  r->max_depth = AP_PARSER_MAX_DEPTH;
  r->total_count = -1;
  r->scratch = g_string_sized_new (256);
  if (build)
    {
      r->name_buf = g_string_sized_new (64);
      r->email_buf = g_string_sized_new (64);
      r->pending_records = g_array_sized_new (FALSE, FALSE, sizeof (ApRecord), 32);
      r->user_records = g_array_sized_new (FALSE, FALSE, sizeof (ApRecord), 32);
      r->users = g_ptr_array_new_with_free_func (g_object_unref);
    }
}

static void
reader_clear (Reader *r)
{
  for (guint i = 0; r->cache != NULL && i <= r->cache_mask; i++)
    if (r->cache[i].interned != NULL)
      g_ref_string_release (r->cache[i].interned);
  g_free (r->cache);

  if (r->pending_records != NULL)
    {
      drop_records (r->pending_records);
      g_array_unref (r->pending_records);
      drop_records (r->user_records);
      g_array_unref (r->user_records);
    }
  if (r->name_buf != NULL)
    g_string_free (r->name_buf, TRUE);
  if (r->email_buf != NULL)
    g_string_free (r->email_buf, TRUE);
  g_string_free (r->scratch, TRUE);
  g_clear_pointer (&r->users, g_ptr_array_unref);
  g_free (r->next_page_token);
  g_free (r->fail_code);
  g_free (r->fail_message);
  g_clear_error (&r->error);
}

/* The error for a non-empty "fail" array, or a function-level status that
 * is not a success. */
static gboolean
reader_check_failure (Reader  *r,
                      GError **error)
{
  if (r->have_fail)
    {
      if (r->fail_message != NULL && r->fail_code != NULL)
        g_set_error (error, AP_ERROR, AP_ERROR_API_FAILURE,
                     _("Mimecast refused the request: %s (%s)"), r->fail_message, r->fail_code);
      else if (r->fail_message != NULL)
        g_set_error (error, AP_ERROR, AP_ERROR_API_FAILURE,
                     _("Mimecast refused the request: %s"), r->fail_message);
      else if (r->fail_code != NULL)
        g_set_error (error, AP_ERROR, AP_ERROR_API_FAILURE,
                     _("Mimecast refused the request (%s)"), r->fail_code);
      else
        g_set_error_literal (error, AP_ERROR, AP_ERROR_API_FAILURE,
                             _("Mimecast refused the request without giving a reason"));
      return FALSE;
    }

  if (r->have_status && (r->status < 200 || r->status > 299))
    {
      g_set_error (error, AP_ERROR, AP_ERROR_API_FAILURE,
                   _("Mimecast refused the request (status %" PRId64 ")"),
                   (int64_t) r->status);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_size (GBytes  *body,
            GError **error)
{
  if (g_bytes_get_size (body) > AP_PARSER_MAX_BODY_SIZE)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                   _("The server's reply is larger than %u MB, more than any Mimecast reply "
                     "should be; try a narrower search"),
                   (guint) (AP_PARSER_MAX_BODY_SIZE / (1024 * 1024)));
      return FALSE;
    }
  return TRUE;
}

gboolean
ap_json_check (const char *data,
               gsize       length,
               guint       max_depth,
               GError    **error)
{
  Reader r;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (max_depth >= 1 && max_depth <= AP_PARSER_MAX_DEPTH, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length > AP_PARSER_MAX_BODY_SIZE)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE,
                   _("The server's reply is larger than %u MB, more than any Mimecast reply "
                     "should be; try a narrower search"),
                   (guint) (AP_PARSER_MAX_BODY_SIZE / (1024 * 1024)));
      return FALSE;
    }

  /* The page reader's own grammar, without building anything: exactly one
   * value, surrounded by nothing but whitespace. */
  reader_init (&r, (const guchar *) data, length, FALSE);
  r.max_depth = max_depth;
  skip_ws (&r);
  ok = r.p < r.end ? skip_value (&r) : fail_syntax (&r, NULL);
  if (ok)
    {
      skip_ws (&r);
      if (r.p < r.end)
        ok = fail_syntax (&r, _("unexpected text after the end of the reply"));
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&r.error));

  reader_clear (&r);
  return ok;
}

gboolean
ap_parser_scan_meta (GBytes  *body,
                     char   **next_page_token,
                     gint64  *total_count,
                     GError **error)
{
  Reader r;
  gsize length;
  const guchar *data;
  gboolean ok;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (next_page_token != NULL)
    *next_page_token = NULL;
  if (total_count != NULL)
    *total_count = -1;

  if (!check_size (body, error))
    return FALSE;

  data = g_bytes_get_data (body, &length);
  reader_init (&r, data, length, FALSE);

  ok = read_root (&r);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&r.error));
  else
    ok = reader_check_failure (&r, error);

  if (ok)
    {
      if (next_page_token != NULL)
        *next_page_token = g_steal_pointer (&r.next_page_token);
      if (total_count != NULL)
        *total_count = r.total_count;
    }

  reader_clear (&r);
  return ok;
}

ApPage *
ap_parser_parse_page (GBytes  *body,
                      GError **error)
{
  Reader r;
  gsize length;
  const guchar *data;
  ApPage *page = NULL;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_size (body, error))
    return NULL;

  data = g_bytes_get_data (body, &length);
  reader_init (&r, data, length, TRUE);

  if (!read_root (&r))
    {
      /* A reply that says the request failed explains more than a detail
       * of its data that does not fit. */
      g_autoptr(GError) meta_error = NULL;

      /* Our own GError: @error may be NULL, and the two must be compared. */
      if (r.error_is_value && !ap_parser_scan_meta (body, NULL, NULL, &meta_error) &&
          g_error_matches (meta_error, AP_ERROR, AP_ERROR_API_FAILURE))
        g_propagate_error (error, g_steal_pointer (&meta_error));
      else
        g_propagate_error (error, g_steal_pointer (&r.error));
    }
  else if (reader_check_failure (&r, error))
    {
      if (!r.have_data)
        {
          g_set_error_literal (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE,
                               _("The server's reply has no \"data\" list, so it is not a "
                                 "Mimecast performance report; check the server address"));
        }
      else
        {
          page = g_new0 (ApPage, 1);
          page->users = g_steal_pointer (&r.users);
          page->next_page_token = g_steal_pointer (&r.next_page_token);
          page->total_count = r.total_count;
        }
    }

  reader_clear (&r);
  return page;
}
