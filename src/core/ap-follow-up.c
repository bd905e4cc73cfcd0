/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-follow-up"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-follow-up.h"
#include "ap-user.h"

/* The room a message must leave for one address, escaped: a long one. */
#define ADDRESS_ROOM 100

/* RFC 6068: in an hfvalue, "@" and the other some-delims may stay as they
 * are; "," separates addresses, so it is allowed here and escaped inside
 * an address (where it cannot occur in practice). */
#define ADDRESS_ALLOWED "!$'()*+;:@"

/* The distinct, non-empty addresses in order, with their users. */
static GPtrArray *
collect (GPtrArray *users)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; i < users->len; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      const char *email = ap_user_get_email (user);
      char *folded;

      if (email[0] == '\0')
        continue;
      folded = g_utf8_casefold (email, -1);
      if (!g_hash_table_add (seen, folded))
        continue;
      g_ptr_array_add (result, user);
    }

  return result;
}

static gboolean
name_needs_quotes (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (strchr ("()<>[]:;@\\,.\"", *p) != NULL)
      return TRUE;
  return FALSE;
}

char *
ap_follow_up_format_addresses (GPtrArray *users,
                               gboolean   with_names)
{
  g_autoptr(GPtrArray) chosen = NULL;
  GString *out;

  g_return_val_if_fail (users != NULL, NULL);

  chosen = collect (users);
  out = g_string_new (NULL);
  for (guint i = 0; i < chosen->len; i++)
    {
      ApUser *user = g_ptr_array_index (chosen, i);
      const char *name = ap_user_get_name (user);

      if (with_names && name[0] != '\0')
        {
          if (name_needs_quotes (name))
            {
              g_string_append_c (out, '"');
              for (const char *p = name; *p != '\0'; p++)
                {
                  if (*p == '"' || *p == '\\')
                    g_string_append_c (out, '\\');
                  g_string_append_c (out, *p);
                }
              g_string_append_c (out, '"');
            }
          else
            g_string_append (out, name);
          g_string_append_printf (out, " <%s>", ap_user_get_email (user));
        }
      else
        g_string_append (out, ap_user_get_email (user));
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

guint
ap_follow_up_count_addresses (GPtrArray *users)
{
  g_autoptr(GPtrArray) chosen = NULL;

  g_return_val_if_fail (users != NULL, 0);

  chosen = collect (users);
  return chosen->len;
}

/* "&subject=…&body=…", escaped; line breaks as CRLF. */
static char *
build_tail (const char *subject,
            const char *body)
{
  GString *tail = g_string_new (NULL);

  if (subject != NULL && subject[0] != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (subject, NULL, FALSE);

      g_string_append_printf (tail, "&subject=%s", escaped);
    }
  if (body != NULL && body[0] != '\0')
    {
      g_autoptr(GString) crlf = g_string_new (NULL);
      g_autofree char *escaped = NULL;

      for (const char *p = body; *p != '\0'; p++)
        {
          if (*p == '\n' && (p == body || p[-1] != '\r'))
            g_string_append_c (crlf, '\r');
          g_string_append_c (crlf, *p);
        }
      escaped = g_uri_escape_string (crlf->str, NULL, FALSE);
      g_string_append_printf (tail, "&body=%s", escaped);
    }

  return g_string_free (tail, FALSE);
}

#define MAILTO_PREFIX "mailto:?bcc="

gboolean
ap_follow_up_mailto_fits (const char *subject,
                          const char *body,
                          gsize       max_length)
{
  g_autofree char *tail = build_tail (subject, body);

  return strlen (MAILTO_PREFIX) + strlen (tail) + ADDRESS_ROOM <= max_length;
}

GStrv
ap_follow_up_build_mailto (GPtrArray  *users,
                           const char *subject,
                           const char *body,
                           gsize       max_length)
{
  g_autoptr(GPtrArray) chosen = NULL;
  g_autoptr(GStrvBuilder) drafts = g_strv_builder_new ();
  g_autoptr(GString) uri = g_string_new (NULL);
  g_autofree char *tail = NULL;
  guint in_draft = 0;

  g_return_val_if_fail (users != NULL, NULL);

  chosen = collect (users);
  tail = build_tail (subject, body);

  for (guint i = 0; i < chosen->len; i++)
    {
      g_autofree char *address =
        g_uri_escape_string (ap_user_get_email (g_ptr_array_index (chosen, i)),
                             ADDRESS_ALLOWED, FALSE);
      gsize grown = uri->len + (in_draft > 0 ? 1 : 0) + strlen (address) + strlen (tail);

      if (in_draft > 0 && grown > max_length)
        {
          g_string_append (uri, tail);
          g_strv_builder_add (drafts, uri->str);
          in_draft = 0;
        }
      if (in_draft == 0)
        g_string_assign (uri, MAILTO_PREFIX);
      else
        g_string_append_c (uri, ',');
      g_string_append (uri, address);
      in_draft++;
    }
  if (in_draft > 0)
    {
      g_string_append (uri, tail);
      g_strv_builder_add (drafts, uri->str);
    }

  return g_strv_builder_end (drafts);
}
