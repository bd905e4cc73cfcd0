/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-follow-up"

#include "config.h"

#include <string.h>

#include "ap-follow-up.h"
#include "ap-user.h"

static GPtrArray *
make_users (guint n)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("User %u", i);
      g_autofree char *email = g_strdup_printf ("user.%03u@example.com", i);

      g_ptr_array_add (users, ap_user_new (name, email, "IT", 0, 0, 1));
    }
  return users;
}

static void
test_addresses (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *plain = NULL;
  g_autofree char *named = NULL;

  g_ptr_array_add (users, ap_user_new ("Ann Lee", "ann@example.com", "", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("Lee, Bob", "bob@example.com", "", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("No Mail", "", "", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("Ann again", "ANN@example.com", "", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("", "nameless@example.com", "", 0, 0, 0));
  g_ptr_array_add (users, ap_user_new ("Say \"Hi\"", "hi@example.com", "", 0, 0, 0));

  plain = ap_follow_up_format_addresses (users, FALSE);
  g_assert_cmpstr (plain, ==,
                   "ann@example.com\nbob@example.com\nnameless@example.com\nhi@example.com\n");
  named = ap_follow_up_format_addresses (users, TRUE);
  g_assert_cmpstr (named, ==,
                   "Ann Lee <ann@example.com>\n"
                   "\"Lee, Bob\" <bob@example.com>\n"
                   "nameless@example.com\n"
                   "\"Say \\\"Hi\\\"\" <hi@example.com>\n");
  g_assert_cmpuint (ap_follow_up_count_addresses (users), ==, 4);
}

static void
test_mailto_one (void)
{
  g_autoptr(GPtrArray) users = make_users (2);
  g_auto(GStrv) uris = ap_follow_up_build_mailto (users, "Training & you", "Hello,\nplease watch.",
                                                  AP_FOLLOW_UP_MAILTO_MAX);

  g_assert_cmpuint (g_strv_length (uris), ==, 1);
  g_assert_cmpstr (uris[0], ==,
                   "mailto:?bcc=user.000@example.com,user.001@example.com"
                   "&subject=Training%20%26%20you&body=Hello%2C%0D%0Aplease%20watch.");
}

/* Splitting: every URI within the limit, every address exactly once, in
 * order, each draft carrying the subject and body; as few drafts as the
 * limit allows (the next address would not have fitted). */
static void
test_mailto_split (void)
{
  g_autoptr(GPtrArray) users = make_users (300);
  const char *subject = "Reminder: security training";
  const char *body = "Hi,\n\nplease watch the training videos sent to you this month.\n\nThanks";
  g_auto(GStrv) uris = ap_follow_up_build_mailto (users, subject, body, AP_FOLLOW_UP_MAILTO_MAX);
  guint next = 0;
  guint n = g_strv_length (uris);
  /* "user.000@example.com" is 20 characters; with its comma 21 */
  gsize tail_len = strlen ("&subject=Reminder%3A%20security%20training&body=Hi%2C%0D%0A%0D%0A"
                           "please%20watch%20the%20training%20videos%20sent%20to%20you%20this%20"
                           "month.%0D%0A%0D%0AThanks");
  gsize per_draft = (AP_FOLLOW_UP_MAILTO_MAX - strlen ("mailto:?bcc=") - tail_len + 1) / 21;

  g_assert_cmpuint (n, ==, (300 + per_draft - 1) / per_draft);
  g_assert_cmpuint (n, >, 1);

  for (guint i = 0; i < n; i++)
    {
      const char *uri = uris[i];
      const char *end = strchr (uri, '&');
      g_autofree char *list = NULL;
      g_auto(GStrv) addresses = NULL;

      g_assert_cmpuint (strlen (uri), <=, AP_FOLLOW_UP_MAILTO_MAX);
      g_assert_true (g_str_has_prefix (uri, "mailto:?bcc="));
      g_assert_true (g_str_has_suffix (uri, "Thanks"));
      g_assert_nonnull (end);
      list = g_strndup (uri + strlen ("mailto:?bcc="), end - uri - strlen ("mailto:?bcc="));
      addresses = g_strsplit (list, ",", -1);
      for (guint j = 0; addresses[j] != NULL; j++, next++)
        {
          g_autofree char *want = g_strdup_printf ("user.%03u@example.com", next);

          g_assert_cmpstr (addresses[j], ==, want);
        }
      if (i + 1 < n)
        g_assert_cmpuint (strlen (uri) + 21, >, AP_FOLLOW_UP_MAILTO_MAX);
    }
  g_assert_cmpuint (next, ==, 300);
}

static void
test_mailto_edges (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) users = make_users (3);
  g_auto(GStrv) empty = ap_follow_up_build_mailto (none, "s", "b", AP_FOLLOW_UP_MAILTO_MAX);
  g_auto(GStrv) bare = ap_follow_up_build_mailto (users, NULL, "", AP_FOLLOW_UP_MAILTO_MAX);
  g_autofree char *huge = g_strnfill (3000, 'x');
  g_auto(GStrv) tiny = NULL;

  g_assert_cmpuint (g_strv_length (empty), ==, 0);
  g_assert_cmpuint (g_strv_length (bare), ==, 1);
  g_assert_cmpstr (bare[0], ==, "mailto:?bcc=user.000@example.com,user.001@example.com,"
                                "user.002@example.com");

  /* A body too long for any address: one address per draft, and the caller
   * is told beforehand. */
  g_assert_true (ap_follow_up_mailto_fits ("s", "b", AP_FOLLOW_UP_MAILTO_MAX));
  g_assert_false (ap_follow_up_mailto_fits ("s", huge, AP_FOLLOW_UP_MAILTO_MAX));
  tiny = ap_follow_up_build_mailto (users, "s", huge, AP_FOLLOW_UP_MAILTO_MAX);
  g_assert_cmpuint (g_strv_length (tiny), ==, 3);

  /* Addresses with characters a URI reserves are escaped */
  {
    g_autoptr(GPtrArray) odd = g_ptr_array_new_with_free_func (g_object_unref);
    g_auto(GStrv) uris = NULL;

    g_ptr_array_add (odd, ap_user_new ("Odd", "a&b?c=d#e%f@example.com", "", 0, 0, 0));
    uris = ap_follow_up_build_mailto (odd, NULL, NULL, AP_FOLLOW_UP_MAILTO_MAX);
    g_assert_cmpstr (uris[0], ==, "mailto:?bcc=a%26b%3Fc%3Dd%23e%25f@example.com");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/follow-up/addresses", test_addresses);
  g_test_add_func ("/ap/follow-up/mailto-one", test_mailto_one);
  g_test_add_func ("/ap/follow-up/mailto-split", test_mailto_split);
  g_test_add_func ("/ap/follow-up/mailto-edges", test_mailto_edges);

  return g_test_run ();
}
