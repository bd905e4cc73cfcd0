/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-parser"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ap-parser.h"
#include "ap-user.h"

/* Generates a realistic organisation (default 100,000 users with ten
 * training records each, in pages of 500 as the API sends them), parses
 * every page with ap_parser_parse_page() and with json-glib walking the
 * same objects, and reports MB/s for both, the ratio, and the memory the
 * parsed users take. --dump DIR writes the pages for bench-python.py. */

static const char *first_names[] = {
  "Anna", "Ben", "Chloé", "Dmitri", "Emma", "François", "Greta", "Hiroshi", "Ines", "Jonas",
  "Katarzyna", "Liam", "Mia", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Søren", "Tomás",
};
static const char *last_names[] = {
  "Andersen", "Becker", "Castillo", "Dubois", "Eriksson", "Fischer", "García", "Huber",
  "Ivanova", "Jansen", "Kowalski", "Lefèvre", "Müller", "Novak", "O'Brien", "Petrović",
  "Rossi", "Schmidt", "Tanaka", "Weiß",
};
static const char *departments[] = {
  "Sales", "Marketing", "Finance", "Human Resources", "Engineering", "Legal", "Support",
  "Operations", "Procurement", "IT", "Research & Development", "Logistics", "Facilities",
  "Customer Success", "Executive Office", "Quality Assurance", "Security", "Training",
  "Product Management", "Public Relations", "Accounts Payable", "Accounts Receivable",
  "Payroll", "Data Science", "Design", "Compliance", "Internal Audit", "Business Development",
  "Partnerships", "Field Services",
};
static const char *titles[] = {
  "The Phishing Phantom: Spotting Fake Emails", "Password Pandemonium", "Social Engineering 101",
  "Tailgating Troubles", "USB Drop Attack", "Business Email Compromise", "Ransomware Rampage",
  "Safe Browsing Basics", "Clean Desk Policy", "Working Remotely, Securely",
  "Data Classification", "Insider Threats", "Mobile Device Security", "Smishing and Vishing",
  "Cloud Sharing Slip-ups", "Travel Security", "GDPR in Practice", "Incident Reporting",
  "Multi-Factor Authentication", "Wire Fraud Warnings", "Shoulder Surfing",
  "Fake Invoice Fiasco", "Suspicious Attachments", "QR Code Quandary", "Deepfake Deception",
  "Physical Security", "Secure Printing", "Privacy at Home", "Public Wi-Fi Perils",
  "Gift Card Scams", "Account Takeover", "Software Updates Matter", "Backups Save the Day",
  "Oversharing Online", "Vendor Impersonation", "CEO Fraud", "Watering Hole Attacks",
  "Password Managers", "Secure Disposal", "Reporting Phishing",
};
static const char *categories[] = {
  "Phishing", "Passwords", "Social Engineering", "Physical Security", "Data Protection",
  "Compliance", "Remote Work", "Fraud",
};
static const char *viewed_statuses[] = { "Completed", "Incorrect", "In Progress" };

static void
append_time (GString *out,
             gint64   t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  g_string_append_printf (out, "%04d-%02d-%02dT%02d:%02d:%02d+0000",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt));
}

static GBytes *
generate_page (GRand *rand,
               guint  first_user,
               guint  n_users,
               guint  records_per_user,
               guint  page_index,
               guint  total_users,
               gboolean last)
{
  GString *out = g_string_sized_new ((gsize) n_users * 2300);

  g_string_append (out, "{\"fail\":[],\"meta\":{\"status\":200,\"pagination\":{");
  if (!last)
    g_string_append_printf (out, "\"next\":\"page-%u-c2VjcmV0LXRva2Vu\",", page_index + 1);
  g_string_append_printf (out, "\"pageSize\":%u,\"totalCount\":%u}},\"data\":[", n_users,
                          total_users);

  for (guint i = 0; i < n_users; i++)
    {
      const char *first = first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
      const char *last_name = last_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (last_names))];
      guint id = first_user + i;

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out,
                              "{\"numCorrect\":%d,\"numNotWatched\":%d,\"name\":\"%s %s\","
                              "\"numIncorrect\":%d,\"department\":\"%s\",\"userDetails\":[",
                              g_rand_int_range (rand, 0, 40), g_rand_int_range (rand, 0, 12),
                              first, last_name, g_rand_int_range (rand, 0, 10),
                              departments[g_rand_int_range (rand, 0, G_N_ELEMENTS (departments))]);
      for (guint k = 0; k < records_per_user; k++)
        {
          gint64 sent = 1640995200 + g_rand_int_range (rand, 0, 63072000);
          gboolean viewed = g_rand_int_range (rand, 0, 4) != 0;

          if (k > 0)
            g_string_append_c (out, ',');
          g_string_append_printf (out, "{\"category\":\"%s\",\"timeSent\":\"",
                                  categories[g_rand_int_range (rand, 0,
                                                               G_N_ELEMENTS (categories))]);
          append_time (out, sent);
          g_string_append_printf (out, "\",\"title\":\"%s\",\"ack\":%s,\"timeViewed\":\"",
                                  titles[g_rand_int_range (rand, 0, G_N_ELEMENTS (titles))],
                                  viewed ? "true" : "false");
          if (viewed)
            append_time (out, sent + g_rand_int_range (rand, 60, 1209600));
          g_string_append_printf (out, "\",\"status\":\"%s\"}",
                                  viewed ? viewed_statuses[g_rand_int_range (rand, 0, 3)]
                                         : "Not Watched");
        }
      g_string_append_printf (out, "],\"email\":\"%s.%s.%u@example.com\"}",
                              first, last_name, id);
    }

  g_string_append (out, "]}");
  return g_string_free_to_bytes (out);
}

/* The json-glib way: a DOM, then the same objects. */
static GPtrArray *
parse_with_json_glib (GBytes  *body,
                      GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  JsonObject *root;
  JsonArray *array;

  if (!ap_json_check (data, length, AP_PARSER_MAX_DEPTH, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return NULL;

  root = json_node_get_object (json_parser_get_root (parser));
  array = json_object_get_array_member (root, "data");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *u = json_array_get_object_element (array, i);
      ApUser *user = ap_user_new (json_object_get_string_member_with_default (u, "name", ""),
                                  json_object_get_string_member_with_default (u, "email", ""),
                                  json_object_get_string_member_with_default (u, "department", ""),
                                  json_object_get_int_member_with_default (u, "numCorrect", 0),
                                  json_object_get_int_member_with_default (u, "numIncorrect", 0),
                                  json_object_get_int_member_with_default (u, "numNotWatched", 0));
      JsonArray *details = json_object_get_array_member (u, "userDetails");

      if (details != NULL)
        {
          guint n = json_array_get_length (details);
          GPtrArray *records = g_ptr_array_new_full (n, g_object_unref);

          for (guint k = 0; k < n; k++)
            {
              JsonObject *d = json_array_get_object_element (details, k);
              const char *sent = json_object_get_string_member_with_default (d, "timeSent", "");
              const char *viewed = json_object_get_string_member_with_default (d, "timeViewed", "");
              gint64 ts, tv;

              if (!ap_parser_parse_time (sent, strlen (sent), &ts) ||
                  !ap_parser_parse_time (viewed, strlen (viewed), &tv))
                {
                  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad date");
                  g_ptr_array_unref (records);
                  g_object_unref (user);
                  return NULL;
                }
              g_ptr_array_add (records,
                               ap_training_record_new (
                                 json_object_get_string_member_with_default (d, "title", ""),
                                 json_object_get_string_member_with_default (d, "category", ""),
                                 json_object_get_string_member_with_default (d, "status", ""),
                                 json_object_get_boolean_member_with_default (d, "ack", FALSE),
                                 ts, tv));
            }
          ap_user_take_records (user, records);
        }
      g_ptr_array_add (users, user);
    }

  return g_steal_pointer (&users);
}

static gsize
rss_bytes (void)
{
  g_autofree char *contents = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL) ||
      sscanf (contents, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
}

int
main (int   argc,
      char *argv[])
{
  int users_total = 100000;
  int page_size = 500;
  int records = 10;
  int rounds = 3;
  g_autofree char *dump = NULL;
  gboolean skip_json_glib = FALSE;
  GOptionEntry entries[] = {
    { "users", 'u', 0, G_OPTION_ARG_INT, &users_total, "Users in the organisation", "N" },
    { "page-size", 'p', 0, G_OPTION_ARG_INT, &page_size, "Users per page", "N" },
    { "records", 'r', 0, G_OPTION_ARG_INT, &records, "Training records per user", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Timed rounds (best is reported)", "N" },
    { "dump", 'd', 0, G_OPTION_ARG_FILENAME, &dump, "Write the pages into DIR", "DIR" },
    { "no-json-glib", 0, 0, G_OPTION_ARG_NONE, &skip_json_glib, "Only time ap-parser", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240229);
  gsize total_bytes = 0, rss_before, rss_after = 0;
  guint n_pages, parsed_users = 0, parsed_records = 0;
  double best_ours = G_MAXDOUBLE, best_glib = G_MAXDOUBLE;
  double mb;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      users_total <= 0 || page_size <= 0 || records < 0 || rounds <= 0)
    {
      g_printerr ("bench-parser: %s\n", error != NULL ? error->message : "invalid option value");
      return 2;
    }

  n_pages = (guint) ((users_total + page_size - 1) / page_size);
  for (guint i = 0; i < n_pages; i++)
    {
      guint first = i * (guint) page_size;
      guint n = MIN ((guint) page_size, (guint) users_total - first);
      GBytes *page = generate_page (rand, first, n, (guint) records, i, (guint) users_total,
                                    i + 1 == n_pages);

      total_bytes += g_bytes_get_size (page);
      g_ptr_array_add (pages, page);
    }
  mb = (double) total_bytes / 1e6;
  g_print ("generated %u users x %d records in %u pages: %.1f MB\n",
           users_total, records, n_pages, mb);

  if (dump != NULL)
    {
      g_mkdir_with_parents (dump, 0755);
      for (guint i = 0; i < n_pages; i++)
        {
          g_autofree char *name = g_strdup_printf ("page-%05u.json", i);
          g_autofree char *path = g_build_filename (dump, name, NULL);
          gsize length;
          const char *data = g_bytes_get_data (g_ptr_array_index (pages, i), &length);

          if (!g_file_set_contents (path, data, (gssize) length, &error))
            {
              g_printerr ("bench-parser: %s\n", error->message);
              return 1;
            }
        }
      g_print ("wrote the pages to %s\n", dump);
    }

  /* Memory: the first round's users are kept, as the app keeps them. */
  rss_before = rss_bytes ();
  for (int round = 0; round < rounds; round++)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) ap_page_free);
      gint64 start = g_get_monotonic_time ();
      double seconds;

      for (guint i = 0; i < n_pages; i++)
        {
          ApPage *page = ap_parser_parse_page (g_ptr_array_index (pages, i), &error);

          if (page == NULL)
            {
              g_printerr ("bench-parser: page %u: %s\n", i, error->message);
              return 1;
            }
          g_ptr_array_add (all, page);
        }
      seconds = (double) (g_get_monotonic_time () - start) / 1e6;
      best_ours = MIN (best_ours, seconds);

      if (round == 0)
        {
          rss_after = rss_bytes ();
          for (guint i = 0; i < all->len; i++)
            {
              ApPage *page = g_ptr_array_index (all, i);

              parsed_users += page->users->len;
              for (guint k = 0; k < page->users->len; k++)
                parsed_records += ap_user_get_n_records (g_ptr_array_index (page->users, k));
            }
          kept = g_steal_pointer (&all);
        }
    }

  g_print ("ap-parser:  %.3f s  %7.1f MB/s  (%u users, %u records)\n",
           best_ours, mb / best_ours, parsed_users, parsed_records);

  /* the skim the client runs first, to request the next page early */
  {
    double best_scan = G_MAXDOUBLE;

    for (int round = 0; round < rounds; round++)
      {
        gint64 start = g_get_monotonic_time ();

        for (guint i = 0; i < n_pages; i++)
          {
            g_autofree char *token = NULL;
            gint64 total;

            if (!ap_parser_scan_meta (g_ptr_array_index (pages, i), &token, &total, &error))
              {
                g_printerr ("bench-parser: page %u: %s\n", i, error->message);
                return 1;
              }
          }
        best_scan = MIN (best_scan, (double) (g_get_monotonic_time () - start) / 1e6);
      }
    g_print ("scan-meta:  %.3f s  %7.1f MB/s\n", best_scan, mb / best_scan);
  }
  g_print ("memory:     %.1f MB resident for the parsed users, %.0f bytes per user "
           "(with its %d records)\n",
           (double) (rss_after - rss_before) / 1e6,
           (double) (rss_after - rss_before) / parsed_users, records);
  g_clear_pointer (&kept, g_ptr_array_unref);

  if (!skip_json_glib)
    {
      for (int round = 0; round < MIN (rounds, 2); round++)
        {
          gint64 start = g_get_monotonic_time ();
          double seconds;

          for (guint i = 0; i < n_pages; i++)
            {
              g_autoptr(GPtrArray) users = parse_with_json_glib (g_ptr_array_index (pages, i),
                                                                 &error);
              if (users == NULL)
                {
                  g_printerr ("bench-parser: json-glib, page %u: %s\n", i, error->message);
                  return 1;
                }
            }
          seconds = (double) (g_get_monotonic_time () - start) / 1e6;
          best_glib = MIN (best_glib, seconds);
        }
      g_print ("json-glib:  %.3f s  %7.1f MB/s\n", best_glib, mb / best_glib);
      g_print ("ratio:      ap-parser is %.1f times as fast as json-glib\n",
               best_glib / best_ours);
    }

  return 0;
}
