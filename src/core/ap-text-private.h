/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks shared by every validator of text a person types (credentials,
 * queries): one definition, so the fields cannot drift apart. */

/* NULL, empty or only ASCII white space. */
static inline gboolean
ap_text_is_blank (const char *str)
{
  if (str == NULL)
    return TRUE;
  for (; *str != '\0'; str++)
    if (!g_ascii_isspace (*str))
      return FALSE;
  return TRUE;
}

/* C0 controls, DEL, and C1 controls (U+0080 to U+009F, 0xC2 0x80-0x9F in
 * UTF-8). Every field ends up in an HTTP header, a form or a request body,
 * and a log line: a line break there could smuggle a header in or make the
 * line ambiguous. Byte by byte, so it holds for text not yet known to be
 * UTF-8. */
static inline gboolean
ap_text_has_control_characters (const char *str)
{
  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
      return TRUE;
  return FALSE;
}

G_END_DECLS
