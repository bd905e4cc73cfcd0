/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-parser-differential"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "ap-error.h"
#include "ap-parser.h"
#include "ap-user.h"

/* The hand-written page parser (ap-parser.c) against json-glib: thousands of
 * generated pages, valid ones and mutated ones, each read by both; they must
 * agree on accepting it, on refusing it as Mimecast's own refusal (a "fail"
 * entry or a failing status), and on every field of every user and record.
 *
 * The reference is json-glib's DOM walked by the rules ap-parser.h states.
 * json-glib 1.6 is lenient where RFC 8259 is not (it takes comments, single
 * quotes, leading zeros, hex numbers, raw control characters, unknown escapes,
 * lone surrogates and text after the root), so a small recursive checker of
 * the RFC's grammar stands in front of it and decides well-formedness. The
 * same checker hands json-glib a copy with the two things it gets wrong in
 * well-formed JSON made unambiguous: a "\u0000" inside a string (json-glib
 * cuts the string there) becomes U+FFFF, which the generator never writes,
 * and an integer beyond 64 bits (json-glib wraps it round) becomes 1e999.
 * Pages with a repeated member name are left out: JSON leaves their meaning
 * open (json-glib keeps the last, the parser reads each in turn).
 *
 * Deterministic: one fixed seed, so a failure names the page to replay. */

#define SEED 20261202u
#define N_VALID 3000
#define N_VALUE_MUTATED 3000
#define N_BYTE_MUTATED 6000
#define NUL_MARK "\xef\xbf\xbf"  /* U+FFFF */

/* ---- the generator ---- */

typedef struct
{
  GRand   *rand;
  GString *out;
  guint    bad_percent;  /* chance of an invalid variant at each choice */
} Gen;

static gboolean
chance (Gen   *g,
        guint  percent)
{
  return (guint) g_rand_int_range (g->rand, 0, 100) < percent;
}

static guint
pick (Gen   *g,
      guint  n)
{
  return (guint) g_rand_int_range (g->rand, 0, (gint32) n);
}

static gboolean
bad (Gen *g)
{
  return g->bad_percent > 0 && chance (g, g->bad_percent);
}

static void
ws (Gen *g)
{
  static const char spaces[] = " \t\r\n";

  if (chance (g, 15))
    for (guint n = 1 + pick (g, 3); n > 0; n--)
      g_string_append_c (g->out, spaces[pick (g, 4)]);
}

static const char * const valid_pieces[] = {
  "Anna", "M\\u00fcller", "Müller", "O'Brien", "東京", "😀", "\\ud83d\\ude00", "\\\"quoted\\\"",
  "back\\\\slash", "\\/", "\\b\\f\\n\\r\\t", "\\u2028", "R&D", "Søren Weiß", " ", "a.b@example.com",
  "\\u00E9", "Ω", "\\u0041", "Completed", "Not Started", "Phishing", "x",
};

/* Valid text as the inside of a JSON string, or now and then text a string
 * must not hold. */
static void
gen_text_inside (Gen *g)
{
  static const char * const bad_pieces[] = {
    "\\u0000", "\\ud800", "\\udc00x", "\\ud83dx", "\\x", "\\U0041", "\\u12g4", "\t", "\x01",
    "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
  };

  for (guint n = pick (g, 4); n > 0; n--)
    {
      if (bad (g))
        g_string_append (g->out, bad_pieces[pick (g, G_N_ELEMENTS (bad_pieces))]);
      else
        g_string_append (g->out, valid_pieces[pick (g, G_N_ELEMENTS (valid_pieces))]);
    }
}

static void
gen_string (Gen *g)
{
  g_string_append_c (g->out, '"');
  gen_text_inside (g);
  g_string_append_c (g->out, '"');
}

static void gen_any (Gen *g, guint depth);

/* A value of another type than the member wants. */
static void
gen_wrong (Gen        *g,
           const char *avoid)
{
  static const char * const values[] = {
    "5", "-1", "1.5", "true", "false", "[]", "{}", "\"x\"", "[1,2]", "{\"a\":null}", "0",
  };
  const char *v;

  do
    v = values[pick (g, G_N_ELEMENTS (values))];
  while (avoid != NULL && strchr (avoid, v[0]) != NULL);
  g_string_append (g->out, v);
}

static void
gen_any (Gen   *g,
         guint  depth)
{
  static const char * const numbers[] = {
    "0", "-0", "7", "-12", "3.25", "1e5", "-0.5E-3", "2E+2", "123456789012345678901234567890",
    "1.5e400", "4294967296", "9223372036854775807", "-9223372036854775808",
  };
  guint kind = pick (g, depth > 3 ? 5 : 7);

  switch (kind)
    {
    case 0: g_string_append (g->out, numbers[pick (g, G_N_ELEMENTS (numbers))]); break;
    case 1: gen_string (g); break;
    case 2: g_string_append (g->out, "true"); break;
    case 3: g_string_append (g->out, "false"); break;
    case 4: g_string_append (g->out, "null"); break;
    case 5:
      g_string_append_c (g->out, '[');
      for (guint i = 0, n = pick (g, 4); i < n; i++)
        {
          if (i > 0)
            g_string_append_c (g->out, ',');
          ws (g);
          gen_any (g, depth + 1);
          ws (g);
        }
      g_string_append_c (g->out, ']');
      break;
    default:
      g_string_append_c (g->out, '{');
      for (guint i = 0, n = pick (g, 3); i < n; i++)
        {
          if (i > 0)
            g_string_append_c (g->out, ',');
          g_string_append_printf (g->out, "\"k%u\":", i);
          gen_any (g, depth + 1);
        }
      g_string_append_c (g->out, '}');
      break;
    }
}

/* Nesting from 55 to 70 levels around the parser's limit of 64. */
static void
gen_deep (Gen *g)
{
  guint levels = 55 + pick (g, 16);

  for (guint i = 0; i < levels; i++)
    g_string_append (g->out, i % 2 ? "{\"d\":" : "[");
  g_string_append (g->out, "1");
  for (guint i = levels; i > 0; i--)
    g_string_append (g->out, (i - 1) % 2 ? "}" : "]");
}

typedef void (*GenMember) (Gen *g);

typedef struct
{
  const char *key;
  GenMember   gen;
} Member;

/* The members in a random order, some left out, now and then one the parser
 * does not know; known keys are sometimes spelled with escapes. */
static void
gen_object (Gen          *g,
            const Member *members,
            guint         n_members)
{
  guint order[16];
  gboolean first = TRUE;

  g_assert (n_members <= G_N_ELEMENTS (order));
  for (guint i = 0; i < n_members; i++)
    order[i] = i;
  for (guint i = n_members; i > 1; i--)
    {
      guint j = pick (g, i), t = order[i - 1];

      order[i - 1] = order[j];
      order[j] = t;
    }

  g_string_append_c (g->out, '{');
  ws (g);
  for (guint i = 0; i < n_members; i++)
    {
      const Member *m = &members[order[i]];

      if (chance (g, 4))
        continue;
      if (!first)
        g_string_append_c (g->out, ',');
      first = FALSE;
      ws (g);
      if (chance (g, 5))
        g_string_append_printf (g->out, "\"\\u%04x%s\"", (guint) m->key[0], m->key + 1);
      else
        g_string_append_printf (g->out, "\"%s\"", m->key);
      ws (g);
      g_string_append_c (g->out, ':');
      ws (g);
      m->gen (g);
      ws (g);
    }
  if (chance (g, 10))
    {
      static const char * const unknown[] = { "extra", "Name", "EMAIL", "names", "", "x y" };

      if (!first)
        g_string_append_c (g->out, ',');
      g_string_append_printf (g->out, "\"%s\":", unknown[pick (g, G_N_ELEMENTS (unknown))]);
      if (chance (g, 5))
        gen_deep (g);
      else
        gen_any (g, 0);
    }
  g_string_append_c (g->out, '}');
}

static void
gen_count (Gen *g)
{
  static const char * const valid[] = { "0", "1", "7", "42", "-0", "4294967295", "null", "12" };
  static const char * const invalid[] = {
    "-1", "1.0", "1e0", "4294967296", "99999999999999999999999", "\"3\"", "true", "[]", "{}",
    "01", "+1", ".5", "0x10",
  };

  if (bad (g))
    g_string_append (g->out, invalid[pick (g, G_N_ELEMENTS (invalid))]);
  else
    g_string_append (g->out, valid[pick (g, G_N_ELEMENTS (valid))]);
}

static void
gen_text_member (Gen *g)
{
  if (chance (g, 5))
    g_string_append (g->out, "null");
  else if (bad (g))
    gen_wrong (g, "\"");
  else
    gen_string (g);
}

static void
gen_ack (Gen *g)
{
  static const char * const valid[] = { "true", "false", "null" };

  if (bad (g))
    gen_wrong (g, "tfn");
  else
    g_string_append (g->out, valid[pick (g, G_N_ELEMENTS (valid))]);
}

static void
gen_time (Gen *g)
{
  static const char * const valid[] = {
    "\"2011-12-03T10:15:30+0000\"", "\"2011-12-03T10:15:30+00:00\"", "\"2011-12-03T10:15:30Z\"",
    "\"2024-02-29T23:59:59.999-0530\"", "\"2024-02-29T23:59:59,5+14:00\"", "\"\"", "null",
    "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"1969-12-31T23:59:59-0000\"",
    "\"2000-01-01T00:00:00.123456789Z\"", "\"2011-12-03T10:15:30+2359\"",
  };
  static const char * const invalid[] = {
    "\"String\"", "\"Date String\"", "\"2011-13-03T10:15:30Z\"", "\"2011-02-30T10:15:30Z\"",
    "\"2011-12-03T10:15:30\"", "\"2011-12-03T10:15:30+2400\"", "\"2011-12-03T10:15:60Z\"",
    "\"0000-01-01T00:00:00Z\"", "\"0001-01-01T00:30:00+0100\"", "\"9999-12-31T23:59:59-0100\"",
    "\"2011-12-03 10:15:30Z\"", "\"2011-12-03T10:15:30.Z\"", "\"2011-12-03T10:15:30+1\"",
    "\"2011-12-03T10:15:30Z\\u0000\"", "\"20111203T101530Z\"", "1322907330", "true",
    "\"2100-02-29T00:00:00Z\"", "\"2011-12-03T24:00:00Z\"", "\"2011-12-03T10:15:30+0060\"",
  };

  if (bad (g))
    g_string_append (g->out, invalid[pick (g, G_N_ELEMENTS (invalid))]);
  else
    g_string_append (g->out, valid[pick (g, G_N_ELEMENTS (valid))]);
}

static const Member record_members[] = {
  { "category", gen_text_member }, { "timeSent", gen_time }, { "title", gen_text_member },
  { "ack", gen_ack }, { "timeViewed", gen_time }, { "status", gen_text_member },
};

static void
gen_record (Gen *g)
{
  if (bad (g))
    gen_wrong (g, "{");
  else
    gen_object (g, record_members, G_N_ELEMENTS (record_members));
}

static void
gen_list (Gen       *g,
          guint      max,
          GenMember  element)
{
  g_string_append_c (g->out, '[');
  for (guint i = 0, n = pick (g, max + 1); i < n; i++)
    {
      if (i > 0)
        g_string_append_c (g->out, ',');
      ws (g);
      element (g);
      ws (g);
    }
  g_string_append_c (g->out, ']');
}

static void
gen_user_details (Gen *g)
{
  if (chance (g, 10))
    g_string_append (g->out, "null");
  else if (bad (g))
    gen_wrong (g, "[n");
  else
    gen_list (g, 4, gen_record);
}

static const Member user_members[] = {
  { "numCorrect", gen_count }, { "numNotWatched", gen_count }, { "name", gen_text_member },
  { "numIncorrect", gen_count }, { "department", gen_text_member },
  { "userDetails", gen_user_details }, { "email", gen_text_member },
};

static void
gen_user (Gen *g)
{
  if (bad (g))
    gen_wrong (g, "{");
  else
    gen_object (g, user_members, G_N_ELEMENTS (user_members));
}

static void
gen_data (Gen *g)
{
  if (chance (g, 3))
    g_string_append (g->out, "null");
  else if (bad (g) && chance (g, 20))
    {
      /* More users than a page may hold (or exactly as many). */
      guint n = AP_PARSER_MAX_USERS_PER_PAGE + pick (g, 2);

      g_string_append_c (g->out, '[');
      for (guint i = 0; i < n; i++)
        g_string_append (g->out, i > 0 ? ",{}" : "{}");
      g_string_append_c (g->out, ']');
    }
  else if (bad (g))
    gen_wrong (g, "[n");
  else
    gen_list (g, 6, gen_user);
}

static void
gen_next (Gen *g)
{
  static const char * const valid[] = {
    "\"MzozOjYxODllNGJhNTMzOTk1MDQ=\"", "\"\"", "null", "\"page-2\"", "\"t\\u00f6ken\\/2\"",
  };

  if (bad (g))
    {
      if (chance (g, 50))
        g_string_append (g->out, "\"a\\u0000b\"");
      else
        gen_wrong (g, "\"n");
    }
  else
    g_string_append (g->out, valid[pick (g, G_N_ELEMENTS (valid))]);
}

static void
gen_total (Gen *g)
{
  static const char * const valid[] = { "0", "7", "null", "9223372036854775807", "-0", "1500" };
  static const char * const invalid[] = {
    "-1", "1.5", "9223372036854775808", "1e3", "\"7\"", "[]", "18446744073709551616",
  };

  if (bad (g))
    g_string_append (g->out, invalid[pick (g, G_N_ELEMENTS (invalid))]);
  else
    g_string_append (g->out, valid[pick (g, G_N_ELEMENTS (valid))]);
}

static void
gen_page_size (Gen *g)
{
  gen_any (g, 3);
}

static const Member pagination_members[] = {
  { "pageSize", gen_page_size }, { "next", gen_next }, { "totalCount", gen_total },
};

static void
gen_pagination (Gen *g)
{
  if (chance (g, 5))
    g_string_append (g->out, "null");
  else if (bad (g))
    gen_wrong (g, "{n");
  else
    gen_object (g, pagination_members, G_N_ELEMENTS (pagination_members));
}

static void
gen_status (Gen *g)
{
  static const char * const passing[] = { "200", "200", "200", "null", "201", "299" };
  static const char * const failing[] = {
    "500", "199", "300", "-0", "0", "-200", "2147483647", "-2147483647",
  };
  static const char * const invalid[] = {
    "200.0", "2e2", "\"200\"", "true", "2147483648", "-2147483648", "99999999999999999999",
  };

  if (bad (g))
    g_string_append (g->out, invalid[pick (g, G_N_ELEMENTS (invalid))]);
  else if (chance (g, 6))
    g_string_append (g->out, failing[pick (g, G_N_ELEMENTS (failing))]);
  else
    g_string_append (g->out, passing[pick (g, G_N_ELEMENTS (passing))]);
}

static const Member meta_members[] = {
  { "status", gen_status }, { "pagination", gen_pagination },
};

static void
gen_meta (Gen *g)
{
  if (chance (g, 3))
    g_string_append (g->out, "null");
  else if (bad (g))
    gen_wrong (g, "{n");
  else
    gen_object (g, meta_members, G_N_ELEMENTS (meta_members));
}

static void
gen_fail (Gen *g)
{
  static const char * const refusals[] = {
    "[{\"key\":{\"x\":1},\"errors\":[{\"code\":\"err_xdk_client_update_required\","
    "\"message\":\"The client must be updated\",\"retryable\":false}]}]",
    "[{\"errors\":[{\"code\":\"\",\"message\":\"no code\"}]}]",
    "[{\"errors\":[{\"message\":5},{\"code\":\"second\"}]}]",
    "[{\"errors\":5}]", "[5]", "[null]", "[{}]", "[{\"errors\":[[],{\"code\":\"c\"}]}]",
  };

  if (chance (g, 5))
    g_string_append (g->out, "null");
  else if (chance (g, 6))
    g_string_append (g->out, refusals[pick (g, G_N_ELEMENTS (refusals))]);
  else if (bad (g))
    gen_wrong (g, "[n");
  else
    g_string_append (g->out, "[]");
}

static const Member root_members[] = {
  { "fail", gen_fail }, { "meta", gen_meta }, { "data", gen_data },
};

static GString *
gen_page (GRand *rand,
          guint  bad_percent)
{
  Gen g = { rand, g_string_new (NULL), bad_percent };

  ws (&g);
  if (bad (&g) && chance (&g, 20))
    gen_wrong (&g, "{");
  else
    gen_object (&g, root_members, G_N_ELEMENTS (root_members));
  ws (&g);
  return g.out;
}

/* Byte-level damage: what a broken proxy or a cut connection does. */
static void
mutate_bytes (GRand   *rand,
              GString *text)
{
  static const char interesting[] = "{}[],:\"\\ 0-.eE+tfnu9\x01\x7f\x80\xc3\xff";

  for (guint n = 1 + (guint) g_rand_int_range (rand, 0, 3); n > 0 && text->len > 0; n--)
    {
      gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) text->len);
      char c = g_rand_boolean (rand) ? interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)]
                                     : (char) g_rand_int_range (rand, 0, 256);

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0: text->str[at] = c; break;
        case 1: g_string_erase (text, (gssize) at, 1); break;
        case 2: g_string_insert_c (text, (gssize) at, c); break;
        case 3: g_string_truncate (text, at); break;
        case 4:
          {
            gsize len = MIN ((gsize) g_rand_int_range (rand, 1, 16), text->len - at);
            g_autofree char *slice = g_strndup (text->str + at, len);

            g_string_insert_len (text, (gssize) at, slice, (gssize) len);
          }
          break;
        default:
          if (at + 1 < text->len)
            {
              char t = text->str[at];

              text->str[at] = text->str[at + 1];
              text->str[at + 1] = t;
            }
          break;
        }
    }
}

/* ---- the strict checker in front of json-glib ---- */

typedef struct
{
  const guchar *p;
  const guchar *end;
  guint         depth;
  GString      *copy;          /* for json-glib */
  gboolean      duplicate;     /* a member name repeats within an object */
  gboolean      has_mark;      /* the text holds U+FFFF itself */
} Strict;

static gboolean strict_value (Strict *s);

static void
strict_ws (Strict *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    g_string_append_c (s->copy, (char) *s->p++);
}

static int
strict_hex4 (Strict *s)
{
  int v = 0;

  if (s->end - s->p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int c = s->p[i];

      if (!g_ascii_isxdigit (c))
        return -1;
      v = v * 16 + g_ascii_xdigit_value (c);
    }
  s->p += 4;
  return v;
}

/* A string, copied for json-glib; its decoded value goes to @value when not NULL. */
static gboolean
strict_string (Strict  *s,
               GString *value)
{
  if (s->p >= s->end || *s->p != '"')
    return FALSE;
  g_string_append_c (s->copy, '"');
  s->p++;

  for (;;)
    {
      const guchar *start = s->p;
      int cp;

      if (s->p >= s->end)
        return FALSE;
      if (*s->p == '"')
        {
          g_string_append_c (s->copy, '"');
          s->p++;
          return TRUE;
        }
      if (*s->p < 0x20)
        return FALSE;
      if (*s->p != '\\')
        {
          /* one character, validated by GLib */
          gsize n = *s->p < 0x80 ? 1 : *s->p < 0xe0 ? 2 : *s->p < 0xf0 ? 3 : 4;

          if ((gsize) (s->end - s->p) < n || !g_utf8_validate ((const char *) s->p, (gssize) n, NULL))
            return FALSE;
          if (n == 3 && memcmp (s->p, NUL_MARK, 3) == 0)
            s->has_mark = TRUE;
          s->p += n;
          g_string_append_len (s->copy, (const char *) start, (gssize) n);
          if (value != NULL)
            g_string_append_len (value, (const char *) start, (gssize) n);
          continue;
        }

      s->p++;
      if (s->p >= s->end)
        return FALSE;
      switch (*s->p++)
        {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
          cp = strict_hex4 (s);
          if (cp < 0 || (cp >= 0xdc00 && cp <= 0xdfff))
            return FALSE;
          if (cp >= 0xd800 && cp <= 0xdbff)
            {
              int low;

              if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
                return FALSE;
              s->p += 2;
              low = strict_hex4 (s);
              if (low < 0xdc00 || low > 0xdfff)
                return FALSE;
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            }
          break;
        default:
          return FALSE;
        }

      if (cp == 0xffff)
        s->has_mark = TRUE;
      if (cp == 0)
        g_string_append (s->copy, NUL_MARK);
      else
        g_string_append_len (s->copy, (const char *) start, s->p - start);
      if (value != NULL)
        g_string_append_unichar (value, cp == 0 ? 0xffff : (gunichar) cp);
    }
}

static gboolean
strict_number (Strict *s)
{
  const guchar *start = s->p, *digits;
  gboolean integer = TRUE;
  gsize n_digits;

  if (*s->p == '-')
    s->p++;
  digits = s->p;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return FALSE;
  if (*s->p == '0')
    s->p++;
  else
    while (s->p < s->end && g_ascii_isdigit (*s->p))
      s->p++;
  n_digits = (gsize) (s->p - digits);
  if (s->p < s->end && *s->p == '.')
    {
      integer = FALSE;
      s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      integer = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }

  /* json-glib wraps integers beyond 64 bits round; beyond them means "not a
   * count we take" either way, so it gets a number that says so. */
  if (integer && (n_digits > 19 ||
                  (n_digits == 19 && memcmp (digits, "9223372036854775807", 19) > 0)))
    g_string_append (s->copy, *start == '-' ? "-1e999" : "1e999");
  else
    g_string_append_len (s->copy, (const char *) start, s->p - start);
  return TRUE;
}

static gboolean
strict_literal (Strict     *s,
                const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (s->end - s->p) < n || memcmp (s->p, word, n) != 0)
    return FALSE;
  g_string_append (s->copy, word);
  s->p += n;
  return TRUE;
}

static gboolean
strict_container (Strict *s,
                  gboolean object)
{
  g_autoptr(GHashTable) names = object ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL)
                                       : NULL;
  gboolean first = TRUE;

  if (++s->depth > AP_PARSER_MAX_DEPTH)
    return FALSE;
  g_string_append_c (s->copy, (char) *s->p++);
  strict_ws (s);
  if (s->p < s->end && *s->p == (object ? '}' : ']'))
    {
      g_string_append_c (s->copy, (char) *s->p++);
      s->depth--;
      return TRUE;
    }

  for (;;)
    {
      if (!first)
        {
          strict_ws (s);
          if (s->p >= s->end)
            return FALSE;
          if (*s->p == (object ? '}' : ']'))
            {
              g_string_append_c (s->copy, (char) *s->p++);
              s->depth--;
              return TRUE;
            }
          if (*s->p != ',')
            return FALSE;
          g_string_append_c (s->copy, (char) *s->p++);
          strict_ws (s);
        }
      first = FALSE;

      if (object)
        {
          GString *name = g_string_new (NULL);

          if (!strict_string (s, name))
            {
              g_string_free (name, TRUE);
              return FALSE;
            }
          if (!g_hash_table_add (names, g_string_free (name, FALSE)))
            s->duplicate = TRUE;
          strict_ws (s);
          if (s->p >= s->end || *s->p != ':')
            return FALSE;
          g_string_append_c (s->copy, (char) *s->p++);
          strict_ws (s);
        }
      if (!strict_value (s))
        return FALSE;
    }
}

static gboolean
strict_value (Strict *s)
{
  if (s->p >= s->end)
    return FALSE;
  switch (*s->p)
    {
    case '{': return strict_container (s, TRUE);
    case '[': return strict_container (s, FALSE);
    case '"': return strict_string (s, NULL);
    case 't': return strict_literal (s, "true");
    case 'f': return strict_literal (s, "false");
    case 'n': return strict_literal (s, "null");
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return strict_number (s);
      return FALSE;
    }
}

/* ---- the reference reader: json-glib's DOM by the rules of ap-parser.h ---- */

typedef enum
{
  REF_ACCEPTED,
  REF_REFUSED,           /* malformed, or not the shape of a reply */
  REF_API_FAILURE,       /* Mimecast said the request failed */
  REF_NOT_COMPARED,      /* a repeated member name, or U+FFFF in the text */
} RefOutcome;

typedef struct
{
  char    *title, *category, *status;
  gboolean ack;
  gint64   sent, viewed;
} RefRecord;

typedef struct
{
  char      *name, *email, *department;
  guint64    correct, incorrect, not_watched;
  gboolean   has_details;
  GPtrArray *records;
} RefUser;

typedef struct
{
  GPtrArray *users;
  char      *next;
  gint64     total;
} RefPage;

static void
ref_record_free (RefRecord *r)
{
  g_free (r->title);
  g_free (r->category);
  g_free (r->status);
  g_free (r);
}

static void
ref_user_free (RefUser *u)
{
  g_free (u->name);
  g_free (u->email);
  g_free (u->department);
  g_clear_pointer (&u->records, g_ptr_array_unref);
  g_free (u);
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* null or absent: "", a string without NUL: itself, anything else: FALSE. */
static gboolean
ref_text (JsonObject  *object,
          const char  *member,
          char       **out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = g_strdup ("");
      return TRUE;
    }
  if (!holds (node, G_TYPE_STRING) || strstr (json_node_get_string (node), NUL_MARK) != NULL)
    return FALSE;
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
ref_count (JsonObject *object,
           const char *member,
           guint64     max,
           guint64    *out)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!holds (node, G_TYPE_INT64) || json_node_get_int (node) < 0 ||
      (guint64) json_node_get_int (node) > max)
    return FALSE;
  *out = (guint64) json_node_get_int (node);
  return TRUE;
}

/* The format ap-parser.h promises, read by GRegex and GDateTime. */
static gboolean
ref_time (JsonObject *object,
          const char *member,
          gint64     *out)
{
  static GRegex *format;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) shown = NULL;
  g_autofree char *fraction = NULL;
  g_autofree char *seconds = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *whole = NULL;
  JsonNode *node = json_object_get_member (object, member);
  const char *text;

  if (format == NULL)
    format = g_regex_new ("^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:)([0-9]{2})"
                          "([.,][0-9]+)?(Z|[+-]([0-9]{2}):?[0-9]{2})$", 0, 0, NULL);

  *out = AP_TIME_NONE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!holds (node, G_TYPE_STRING))
    return FALSE;
  text = json_node_get_string (node);
  if (text[0] == '\0')
    return TRUE;
  if (!g_regex_match (format, text, 0, &match))
    return FALSE;

  /* GLib takes a leap second (:60) and zones of ±24:00; the app takes
   * neither. It drops the fraction, which GLib would round. */
  seconds = g_match_info_fetch (match, 2);
  zone = g_match_info_fetch (match, 5);
  if (atoi (seconds) > 59 || (zone[0] != '\0' && atoi (zone) > 23))
    return FALSE;
  fraction = g_match_info_fetch (match, 3);
  {
    g_autofree char *head = g_match_info_fetch (match, 1);
    g_autofree char *tz = g_match_info_fetch (match, 4);

    whole = g_strconcat (head, seconds, tz, NULL);
  }
  parsed = g_date_time_new_from_iso8601 (whole, NULL);
  if (parsed == NULL)
    return FALSE;
  /* Only times GDateTime can hold in UTC, so that every one can be shown. */
  shown = g_date_time_new_from_unix_utc (g_date_time_to_unix (parsed));
  if (shown == NULL)
    return FALSE;
  *out = g_date_time_to_unix (parsed);
  return TRUE;
}

static gboolean
ref_record (JsonNode  *node,
            RefRecord *r)
{
  JsonObject *o;
  JsonNode *ack;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  o = json_node_get_object (node);
  if (!ref_text (o, "title", &r->title) || !ref_text (o, "category", &r->category) ||
      !ref_text (o, "status", &r->status) || !ref_time (o, "timeSent", &r->sent) ||
      !ref_time (o, "timeViewed", &r->viewed))
    return FALSE;
  ack = json_object_get_member (o, "ack");
  if (ack != NULL && !JSON_NODE_HOLDS_NULL (ack) && !holds (ack, G_TYPE_BOOLEAN))
    return FALSE;
  r->ack = ack != NULL && holds (ack, G_TYPE_BOOLEAN) && json_node_get_boolean (ack);
  return TRUE;
}

static gboolean
ref_user (JsonNode *node,
          RefUser  *u)
{
  JsonObject *o;
  JsonNode *details;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  o = json_node_get_object (node);
  if (!ref_text (o, "name", &u->name) || !ref_text (o, "email", &u->email) ||
      !ref_text (o, "department", &u->department) ||
      !ref_count (o, "numCorrect", G_MAXUINT, &u->correct) ||
      !ref_count (o, "numIncorrect", G_MAXUINT, &u->incorrect) ||
      !ref_count (o, "numNotWatched", G_MAXUINT, &u->not_watched))
    return FALSE;

  details = json_object_get_member (o, "userDetails");
  if (details == NULL || JSON_NODE_HOLDS_NULL (details))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (details))
    return FALSE;
  u->has_details = TRUE;
  u->records = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_record_free);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (details)); i++)
    {
      RefRecord *r = g_new0 (RefRecord, 1);

      g_ptr_array_add (u->records, r);
      if (!ref_record (json_array_get_element (json_node_get_array (details), i), r))
        return FALSE;
    }
  return TRUE;
}

/* fail and meta: their shape first, then whether they say the request failed. */
static RefOutcome
ref_metadata (JsonObject *root,
              RefPage    *page)
{
  JsonNode *fail = json_object_get_member (root, "fail");
  JsonNode *meta = json_object_get_member (root, "meta");
  gboolean failed = FALSE;

  page->total = -1;
  if (fail != NULL && !JSON_NODE_HOLDS_NULL (fail))
    {
      if (!JSON_NODE_HOLDS_ARRAY (fail))
        return REF_REFUSED;
      /* any entry at all, whatever it holds */
      failed = json_array_get_length (json_node_get_array (fail)) > 0;
    }

  if (meta != NULL && !JSON_NODE_HOLDS_NULL (meta))
    {
      JsonObject *m;
      JsonNode *status, *pagination;

      if (!JSON_NODE_HOLDS_OBJECT (meta))
        return REF_REFUSED;
      m = json_node_get_object (meta);
      status = json_object_get_member (m, "status");
      if (status != NULL && !JSON_NODE_HOLDS_NULL (status))
        {
          gint64 code;

          if (!holds (status, G_TYPE_INT64))
            return REF_REFUSED;
          code = json_node_get_int (status);
          if (code > G_MAXINT || code < -G_MAXINT)
            return REF_REFUSED;
          if (code < 200 || code > 299)
            failed = TRUE;
        }

      pagination = json_object_get_member (m, "pagination");
      if (pagination != NULL && !JSON_NODE_HOLDS_NULL (pagination))
        {
          JsonObject *p;
          guint64 total;

          if (!JSON_NODE_HOLDS_OBJECT (pagination))
            return REF_REFUSED;
          p = json_node_get_object (pagination);
          if (!ref_text (p, "next", &page->next))
            return REF_REFUSED;
          if (page->next[0] == '\0')
            g_clear_pointer (&page->next, g_free);
          if (json_object_has_member (p, "totalCount") &&
              !JSON_NODE_HOLDS_NULL (json_object_get_member (p, "totalCount")))
            {
              if (!ref_count (p, "totalCount", G_MAXINT64, &total))
                return REF_REFUSED;
              page->total = (gint64) total;
            }
        }
    }

  return failed ? REF_API_FAILURE : REF_ACCEPTED;
}

static RefOutcome
ref_parse (const char *text,
           gsize       length,
           RefPage    *page)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GString) copy = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Strict s = { (const guchar *) text, (const guchar *) text + length, 0, copy, FALSE, FALSE };
  JsonObject *root;
  JsonNode *data;
  RefOutcome outcome;
  gboolean ok;

  strict_ws (&s);
  ok = strict_value (&s);
  strict_ws (&s);
  if (s.duplicate || s.has_mark)
    return REF_NOT_COMPARED;
  if (!ok || s.p != s.end)
    return REF_REFUSED;

  if (!json_parser_load_from_data (parser, copy->str, (gssize) copy->len, &error))
    g_error ("json-glib refused well-formed JSON: %s", error->message);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return REF_REFUSED;
  root = json_node_get_object (json_parser_get_root (parser));

  outcome = ref_metadata (root, page);
  if (outcome != REF_ACCEPTED)
    return outcome;

  data = json_object_get_member (root, "data");
  if (data == NULL)
    return REF_REFUSED;
  page->users = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_user_free);
  if (JSON_NODE_HOLDS_NULL (data))
    return REF_ACCEPTED;
  if (!JSON_NODE_HOLDS_ARRAY (data) ||
      json_array_get_length (json_node_get_array (data)) > AP_PARSER_MAX_USERS_PER_PAGE)
    return REF_REFUSED;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (data)); i++)
    {
      RefUser *u = g_new0 (RefUser, 1);

      g_ptr_array_add (page->users, u);
      if (!ref_user (json_array_get_element (json_node_get_array (data), i), u))
        return REF_REFUSED;
    }
  return REF_ACCEPTED;
}

/* ---- the comparison ---- */

typedef struct
{
  guint accepted, refused, api_failures, not_compared, users, records;
} Tally;

static void
dump_page (const char *what,
           guint       index,
           GString    *text)
{
  g_autofree char *escaped = g_strescape (text->str, NULL);

  g_test_message ("%s page %u (%" G_GSIZE_FORMAT " bytes): %s", what, index, text->len, escaped);
}

static void
compare_page (const char *what,
              guint       index,
              GString    *text,
              Tally      *tally)
{
  g_autoptr(GBytes) body = g_bytes_new (text->str, text->len);
  g_autoptr(GError) error = NULL;
  g_autoptr(ApPage) page = NULL;
  RefPage ref = { NULL, NULL, -1 };
  RefOutcome outcome;

  outcome = ref_parse (text->str, text->len, &ref);
  if (outcome == REF_NOT_COMPARED)
    {
      tally->not_compared++;
      return;
    }

  page = ap_parser_parse_page (body, &error);

  if ((page != NULL) != (outcome == REF_ACCEPTED) ||
      (outcome == REF_API_FAILURE) != g_error_matches (error, AP_ERROR, AP_ERROR_API_FAILURE))
    {
      dump_page (what, index, text);
      g_test_message ("json-glib: %s; ap-parser: %s",
                      outcome == REF_ACCEPTED ? "accepted" :
                      outcome == REF_API_FAILURE ? "Mimecast's refusal" : "refused",
                      page != NULL ? "accepted" : error->message);
      g_test_fail ();
    }
  else if (page == NULL)
    {
      if (outcome == REF_API_FAILURE)
        tally->api_failures++;
      else
        tally->refused++;
    }
  else
    {
      g_assert_cmpstr (page->next_page_token, ==, ref.next);
      g_assert_cmpint (page->total_count, ==, ref.total);
      if (page->users->len != ref.users->len)
        dump_page (what, index, text);
      g_assert_cmpuint (page->users->len, ==, ref.users->len);
      for (guint i = 0; i < ref.users->len; i++)
        {
          ApUser *user = g_ptr_array_index (page->users, i);
          RefUser *u = g_ptr_array_index (ref.users, i);

          g_assert_cmpstr (ap_user_get_name (user), ==, u->name);
          g_assert_cmpstr (ap_user_get_email (user), ==, u->email);
          g_assert_cmpstr (ap_user_get_department (user), ==, u->department);
          g_assert_cmpuint (ap_user_get_num_correct (user), ==, u->correct);
          g_assert_cmpuint (ap_user_get_num_incorrect (user), ==, u->incorrect);
          g_assert_cmpuint (ap_user_get_num_not_watched (user), ==, u->not_watched);
          g_assert_cmpint (ap_user_get_has_details (user), ==, u->has_details);
          g_assert_cmpuint (ap_user_get_n_records (user), ==, u->records ? u->records->len : 0);
          for (guint k = 0; u->records != NULL && k < u->records->len; k++)
            {
              const ApRecord *record = ap_user_get_record (user, k);
              RefRecord *r = g_ptr_array_index (u->records, k);

              g_assert_cmpstr (ap_record_get_title (record), ==, r->title);
              g_assert_cmpstr (ap_record_get_category (record), ==, r->category);
              g_assert_cmpstr (ap_record_get_status (record), ==, r->status);
              g_assert_cmpint (ap_record_get_acknowledged (record), ==, r->ack);
              g_assert_cmpint (ap_record_get_time_sent (record), ==, r->sent);
              g_assert_cmpint (ap_record_get_time_viewed (record), ==, r->viewed);
              tally->records++;
            }
          tally->users++;
        }
      tally->accepted++;
    }

  g_clear_pointer (&ref.users, g_ptr_array_unref);
  g_free (ref.next);
}

static void
report (const char  *what,
        const Tally *t)
{
  g_test_message ("%s: %u accepted (%u users, %u records), %u refused, %u refused by Mimecast, "
                  "%u not compared", what, t->accepted, t->users, t->records, t->refused,
                  t->api_failures, t->not_compared);
}

static void
test_valid_pages (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  Tally tally = { 0 };

  for (guint i = 0; i < N_VALID; i++)
    {
      g_autoptr(GString) text = gen_page (rand, 0);

      compare_page ("valid", i, text, &tally);
    }
  report ("valid pages", &tally);

  /* Nothing invalid was generated: only Mimecast's refusals ("fail",
   * status) and the nesting limit may refuse. */
  g_assert_cmpuint (tally.accepted, >=, N_VALID * 7 / 10);
  g_assert_cmpuint (tally.users, >=, N_VALID);
  g_assert_cmpuint (tally.records, >=, N_VALID);
  g_assert_cmpuint (tally.api_failures, >=, N_VALID / 50);
  g_assert_cmpuint (tally.not_compared, ==, 0);
}

static void
test_value_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED + 1);
  Tally tally = { 0 };

  for (guint i = 0; i < N_VALUE_MUTATED; i++)
    {
      g_autoptr(GString) text = gen_page (rand, 1 + i % 8);

      compare_page ("value-mutated", i, text, &tally);
    }
  report ("pages with wrong values", &tally);

  g_assert_cmpuint (tally.accepted, >=, N_VALUE_MUTATED / 10);
  g_assert_cmpuint (tally.refused, >=, N_VALUE_MUTATED / 3);
  g_assert_cmpuint (tally.api_failures, >=, N_VALUE_MUTATED / 50);
  g_assert_cmpuint (tally.not_compared, <=, N_VALUE_MUTATED / 100);
}

static void
test_byte_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED + 2);
  Tally tally = { 0 };

  for (guint i = 0; i < N_BYTE_MUTATED; i++)
    {
      g_autoptr(GString) text = gen_page (rand, i % 2 ? 0 : 3);

      mutate_bytes (rand, text);
      compare_page ("byte-mutated", i, text, &tally);
    }
  report ("pages with damaged bytes", &tally);

  g_assert_cmpuint (tally.accepted, >=, N_BYTE_MUTATED / 20);
  g_assert_cmpuint (tally.refused, >=, N_BYTE_MUTATED / 2);
  g_assert_cmpuint (tally.not_compared, <=, N_BYTE_MUTATED / 100);
}

/* Pages the generator reaches too rarely to count on. */
static void
test_fixed_pages (void)
{
  static const char * const fixed[] = {
    /* a refusal explains more than any data that does not fit, wherever it is */
    "{\"data\":{},\"fail\":[{\"errors\":[{\"code\":\"c\",\"message\":\"m\"}]}]}",
    "{\"fail\":[{}],\"data\":5}",
    "{\"data\":\"x\",\"meta\":{\"status\":500}}",
    "{\"meta\":{\"status\":401},\"data\":{\"a\":[1,{}]}}",
    "{\"data\":[{\"numCorrect\":1.5}],\"meta\":{\"status\":400}}",
    /* but not over metadata that does not fit */
    "{\"data\":{},\"fail\":[{}],\"meta\":[]}",
    "{\"data\":{},\"fail\":{}}",
    /* no data at all */
    "{\"meta\":{\"status\":200}}",
    "{\"fail\":[{}]}",
    "{}",
    "[]",
    "",
    " ",
  };
  Tally tally = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    {
      g_autoptr(GString) text = g_string_new (fixed[i]);

      compare_page ("fixed", i, text, &tally);
    }

  /* More users than a page may hold, before and after Mimecast's refusal. */
  for (guint failing = 0; failing < 3; failing++)
    for (guint extra = 0; extra < 2; extra++)
      {
        g_autoptr(GString) text = g_string_new ("{");

        if (failing == 1)
          g_string_append (text, "\"fail\":[{}],");
        g_string_append (text, "\"data\":[");
        for (guint i = 0; i < AP_PARSER_MAX_USERS_PER_PAGE + extra; i++)
          g_string_append (text, i > 0 ? ",{}" : "{}");
        g_string_append (text, "]");
        if (failing == 2)
          g_string_append (text, ",\"fail\":[{}]");
        g_string_append (text, "}");
        compare_page ("too many users", failing * 2 + extra, text, &tally);
      }
  report ("fixed pages", &tally);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/parser-differential/fixed-pages", test_fixed_pages);
  g_test_add_func ("/ap/parser-differential/valid-pages", test_valid_pages);
  g_test_add_func ("/ap/parser-differential/value-mutations", test_value_mutations);
  g_test_add_func ("/ap/parser-differential/byte-mutations", test_byte_mutations);

  return g_test_run ();
}
