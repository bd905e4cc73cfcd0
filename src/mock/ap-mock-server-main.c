/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "ap-mock-server.h"

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_uint (const char *text,
            guint      *value)
{
  guint64 parsed;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &parsed, NULL))
    return FALSE;
  *value = (guint) parsed;
  return TRUE;
}

/* NAME[:PARAM[:RESET]], e.g. "rate-limit:2:500" or "latency:150". */
static gboolean
add_fault_spec (ApMockServer *server,
                const char   *spec,
                GError      **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, ":", 3);
  ApMockFault fault;
  guint param = 0, reset_ms = 0;

  if (parts[0] == NULL || !ap_mock_fault_from_string (parts[0], &fault))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown fault “%s”; known: latency, rate-limit, server-error, forbidden, "
                   "keys-expired, unauthorized, fail-array, truncated-body, malformed-json, "
                   "wrong-types, negative-count, deep-nesting, huge-body, drop-connection, hang, "
                   "redirect, redirect-token, endless-pages, distinct-strings, empty-users",
                   parts[0] != NULL ? parts[0] : "");
      return FALSE;
    }
  if ((parts[1] != NULL && !parse_uint (parts[1], &param)) ||
      (parts[1] != NULL && parts[2] != NULL && !parse_uint (parts[2], &reset_ms)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Fault “%s”: PARAM and RESET must be whole numbers", spec);
      return FALSE;
    }
  ap_mock_server_add_fault (server, fault, param, reset_ms);
  return TRUE;
}

static void
print_export (const char *name,
              const char *value,
              gboolean    commented)
{
  g_autofree char *quoted = g_shell_quote (value);

  g_print ("%sexport %s=%s\n", commented ? "# " : "", name, quoted);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ApMockServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) faults = NULL;
  g_autofree char *mode = NULL;
  int port = 0, users = 250, departments = 8, records = 6, seed = 1, epoch = 0;
  int latency_ms = 0, token_lifetime = AP_MOCK_DEFAULT_TOKEN_LIFETIME;
  gboolean api1;
  const char *base_url;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any free port)", "PORT" },
    { "users", 0, 0, G_OPTION_ARG_INT, &users, "Number of users (250)", "N" },
    { "departments", 0, 0, G_OPTION_ARG_INT, &departments, "Number of departments (8)", "N" },
    { "records", 0, 0, G_OPTION_ARG_INT, &records,
      "Average training records per user, 0 to 2×N each (6)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the data set (1)", "N" },
    { "epoch", 0, 0, G_OPTION_ARG_INT, &epoch,
      "Serve the data set N fetches later: users joined, left, watched more (0)", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms, "Milliseconds added to every reply",
      "MS" },
    { "token-lifetime", 0, 0, G_OPTION_ARG_INT, &token_lifetime,
      "Seconds an API 2.0 token lives (1800)", "S" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      "Inject a fault, e.g. rate-limit:2:500, server-error:3, hang:5 (repeatable)",
      "NAME[:PARAM[:RESET]]" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode,
      "Which credentials the export lines set: api2 (default) or api1", "MODE" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— a Mimecast double for benchmarks and manual tests");
  g_option_context_set_summary (context,
                                "Serves get-performance-details and /oauth/token on a loopback "
                                "port with seeded data until SIGINT or SIGTERM. The first line "
                                "says where it listens; the lines after it are shell export "
                                "lines for the credentials it accepts, e.g.\n"
                                "  eval \"$(grep ^export OUTPUT)\"");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("ap-mock-server: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > G_MAXUINT16 || users < 0 || departments < 0 || records < 0 ||
      latency_ms < 0 || token_lifetime < 0 || epoch < 0)
    {
      g_printerr ("ap-mock-server: numbers must not be negative, and the port at most 65535\n");
      return 2;
    }
  if (mode != NULL && !g_str_equal (mode, "api1") && !g_str_equal (mode, "api2"))
    {
      g_printerr ("ap-mock-server: --mode must be api1 or api2\n");
      return 2;
    }
  api1 = mode != NULL && g_str_equal (mode, "api1");

  server = ap_mock_server_new ();
  ap_mock_server_set_dataset (server, users, departments, records, (guint32) seed);
  if (epoch > 0)
    ap_mock_server_set_epoch (server, epoch);
  ap_mock_server_set_token_lifetime (server, token_lifetime);
  if (latency_ms > 0)
    ap_mock_server_add_fault (server, AP_MOCK_FAULT_LATENCY, latency_ms, 0);
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    if (!add_fault_spec (server, faults[i], &error))
      {
        g_printerr ("ap-mock-server: %s\n", error->message);
        return 2;
      }

  if (!ap_mock_server_start (server, port, &error))
    {
      g_printerr ("ap-mock-server: %s\n", error->message);
      return 1;
    }

  base_url = ap_mock_server_get_base_url (server);
  g_print ("listening on %s\n", base_url);
  /* These are the double's own fake keys: they open nothing else. The
   * other mode's lines are commented out, since the app refuses both sets
   * at once. */
  print_export ("MIMECAST_BASE_URL", base_url, FALSE);
  print_export ("MIMECAST_CLIENT_ID", AP_MOCK_CLIENT_ID, api1);
  print_export ("MIMECAST_CLIENT_SECRET", AP_MOCK_CLIENT_SECRET, api1);
  print_export ("MIMECAST_ACCESS_KEY", AP_MOCK_ACCESS_KEY, !api1);
  print_export ("MIMECAST_SECRET_KEY", AP_MOCK_SECRET_KEY, !api1);
  print_export ("MIMECAST_APP_ID", AP_MOCK_APP_ID, !api1);
  print_export ("MIMECAST_APP_KEY", AP_MOCK_APP_KEY, !api1);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  ap_mock_server_stop (server);
  return EXIT_SUCCESS;
}
