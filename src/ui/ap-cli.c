/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "ap-cli.h"
#include "ap-credentials.h"
#include "ap-error.h"
#include "ap-headless-export.h"
#include "ap-history.h"
#include "ap-history-settings.h"
#include "ap-keyring.h"
#include "ap-mock-server.h"
#include "ap-query.h"
#include "ap-report.h"

#define EXIT_RUNTIME_FAILURE 1
#define EXIT_USAGE           2

static const GOptionEntry cli_options[] = {
  { "export", 'e', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Export a report to FILE without opening a window"), N_("FILE") },
  { "format", 'f', 0, G_OPTION_ARG_STRING, NULL,
    N_("Report format: csv, json or pdf (default: from the file name, else csv)"), N_("FORMAT") },
  { "report", 'r', 0, G_OPTION_ARG_STRING, NULL,
    N_("What to export: users (default), departments or videos (CSV, one row per department or "
       "training video, as the window shows them; videos needs --details)"), N_("REPORT") },
  { "details", 'd', 0, G_OPTION_ARG_NONE, NULL,
    N_("Include each user’s training records (CSV: one row per record)"), NULL },
  { "search-by", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Search field: name, email, department or customAttribute"), N_("FIELD") },
  { "search", 's', 0, G_OPTION_ARG_STRING, NULL,
    N_("Search value for --search-by"), N_("VALUE") },
  { "attribute-id", 'a', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Custom attribute ID for --search-by=customAttribute (up to 3)"), N_("ID") },
  { "filter", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Video count filter: video_count_0 … video_count_3, video_count_4_or_more or video_count_all"),
    N_("FILTER") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use built-in demonstration data instead of a Mimecast account (never saved in the history)"),
    NULL },
  { "no-history", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Do not save this fetch in the history"), NULL },
  { "list-snapshots", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("List the saved snapshots, oldest first: ID, fetched at, users, query"), NULL },
  { "from-snapshot", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --export: export a saved snapshot (an ID or “latest”) instead of fetching"),
    N_("ID") },
  { "changes", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --export: a CSV of the users who joined, left or changed since the previous snapshot "
       "of the same query"), NULL },
  { "since", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --changes: compare with this snapshot instead of the previous one"), N_("ID") },
  { "version", 'v', 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  ApCredentials *credentials;
  GError       *error;
  guint         users_written;
  gboolean      succeeded;
} CliRun;

void
ap_cli_add_options (GApplication *app)
{
  g_return_if_fail (G_IS_APPLICATION (app));

  g_application_add_main_option_entries (app, cli_options);
  g_application_set_option_context_parameter_string (app, NULL);
  g_application_set_option_context_summary (app,
    _("Review Mimecast Awareness Training performance: who watched the training videos, "
      "who answered correctly and who did not watch at all."));
  g_application_set_option_context_description (app,
    _("Credentials come from the keyring, or from the environment when set: MIMECAST_BASE_URL and "
      "either MIMECAST_CLIENT_ID and MIMECAST_CLIENT_SECRET (API 2.0) or MIMECAST_ACCESS_KEY, "
      "MIMECAST_SECRET_KEY, MIMECAST_APP_ID and MIMECAST_APP_KEY (API 1.0).\n\n"
      "Every complete fetch is saved in the history ($XDG_DATA_HOME/awareness-performance/"
      "history.sqlite3) unless --no-history is given or history "
      "is turned off in the settings.\n\n"
      "Exit status: 0 on success, 1 when the export failed, 2 on a usage error or when --changes "
      "has no earlier snapshot to compare with."));
}

static int
usage_error (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "%s: %s\n", g_get_prgname (), message);
  fprintf (stderr, _("Run “%s --help” to see the options.\n"), g_get_prgname ());
  return EXIT_USAGE;
}

static int
runtime_error (const GError *error)
{
  /* One line, whatever the message holds. */
  g_autofree char *line = g_strdelimit (g_strdup (error->message), "\r\n", ' ');

  fprintf (stderr, "%s: %s\n", g_get_prgname (), line);
  return EXIT_RUNTIME_FAILURE;
}

static gboolean
on_signal (gpointer user_data)
{
  CliRun *run = user_data;

  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CliRun *run = user_data;

  run->credentials = ap_keyring_lookup_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CliRun *run = user_data;

  run->succeeded = ap_headless_export_finish (result, &run->users_written, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
guess_format (const char     *path,
              const char     *format_name,
              gboolean        details,
              ApReportFormat *format)
{
  if (format_name == NULL)
    {
      g_autofree char *lower = g_ascii_strdown (path, -1);

      if (g_str_has_suffix (lower, ".json"))
        format_name = "json";
      else if (g_str_has_suffix (lower, ".pdf"))
        format_name = "pdf";
      else
        format_name = "csv";
    }

  return ap_report_format_from_string (format_name, details, format);
}

static ApQuery *
build_query (GVariantDict  *options,
             gboolean       details,
             GError       **error)
{
  g_autoptr(ApQuery) query = ap_query_new ();
  g_autofree char *search_by = NULL;
  g_autofree char *search = NULL;
  g_autofree char *filter = NULL;
  g_auto(GStrv) attribute_ids = NULL;
  ApSearchField field = AP_SEARCH_FIELD_NONE;
  ApVideoCount video_count = AP_VIDEO_COUNT_ALL;

  g_variant_dict_lookup (options, "search-by", "s", &search_by);
  g_variant_dict_lookup (options, "search", "s", &search);
  g_variant_dict_lookup (options, "filter", "s", &filter);
  g_variant_dict_lookup (options, "attribute-id", "^as", &attribute_ids);

  if (search_by != NULL && !ap_search_field_from_string (search_by, &field))
    {
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                   _("--search-by must be name, email, department or customAttribute, not “%s”"),
                   search_by);
      return NULL;
    }
  if (search != NULL && search_by == NULL)
    field = AP_SEARCH_FIELD_NAME;

  if (filter != NULL && !ap_video_count_from_string (filter, &video_count))
    {
      g_set_error (error, AP_ERROR, AP_ERROR_INVALID_QUERY,
                   _("--filter must be one of video_count_0, video_count_1, video_count_2, "
                     "video_count_3, video_count_4_or_more or video_count_all, not “%s”"),
                   filter);
      return NULL;
    }

  ap_query_set_search (query, field, search);
  if (attribute_ids != NULL)
    ap_query_set_attribute_ids (query, (const char * const *) attribute_ids);
  ap_query_set_video_count (query, video_count);
  ap_query_set_include_user_details (query, details);

  if (!ap_query_validate (query, error))
    return NULL;

  return g_steal_pointer (&query);
}

static gboolean
parse_snapshot_id (const char *text,
                   gint64     *id)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

static gboolean
has_query_options (GVariantDict *options)
{
  static const char * const query_options[] = {
    "search-by", "search", "attribute-id", "filter",
  };

  for (guint i = 0; i < G_N_ELEMENTS (query_options); i++)
    if (g_variant_dict_contains (options, query_options[i]))
      return TRUE;
  return FALSE;
}

static int
list_snapshots (void)
{
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = ap_history_list_snapshots (history, NULL, &error);
  if (list == NULL)
    return runtime_error (error);

  for (guint i = 0; i < list->len; i++)
    {
      ApSnapshotInfo *info = g_ptr_array_index (list, i);
      g_autofree char *description = ap_query_describe (info->query);
      char when[AP_TIME_ISO_LEN];

      g_strdelimit (description, "\t\r\n", ' ');
      ap_time_format_iso_utc (info->fetched_at, when);
      printf ("%" G_GINT64_FORMAT "\t%s\t%u\t%s\n", info->id, when, info->n_users, description);
    }
  return 0;
}

static int
export_snapshot (const char     *which,
                 const char     *export_path,
                 ApReportFormat  format,
                 gboolean        details)
{
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  g_autoptr(ApSnapshotInfo) info = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (g_strcmp0 (which, "latest") == 0)
    {
      info = ap_history_find_latest (history, NULL, NULL, &error);
      if (info == NULL && error == NULL)
        g_set_error_literal (&error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NOT_FOUND,
                             _("The history holds no snapshot yet"));
    }
  else if (!parse_snapshot_id (which, &id))
    return usage_error (_("--from-snapshot must be a snapshot ID or “latest”, not “%s”"), which);
  else
    info = ap_history_get_snapshot (history, id, &error);
  if (info == NULL)
    return runtime_error (error);

  if (details && !ap_query_get_include_user_details (info->query))
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, info->id);

      g_set_error (&error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NOT_FOUND,
                   _("Snapshot %s was fetched without training details; "
                     "export it without --details"), number);
      return runtime_error (error);
    }

  file = g_file_new_for_commandline_arg (export_path);
  if (!ap_headless_export_snapshot (history, info, file, format, NULL, &error))
    return runtime_error (error);
  return 0;
}

static int
export_changes (GVariantDict *options,
                const char   *export_path)
{
  g_autoptr(ApHistory) history = ap_history_new (NULL);
  g_autoptr(ApSnapshotInfo) newer = NULL;
  g_autoptr(ApSnapshotInfo) older = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  g_autoptr(ApQuery) query = NULL;

  g_variant_dict_lookup (options, "since", "s", &since);

  if (since != NULL)
    {
      gint64 id;

      if (!parse_snapshot_id (since, &id))
        return usage_error (_("--since must be a snapshot ID, not “%s”"), since);
      older = ap_history_get_snapshot (history, id, &error);
      if (older == NULL)
        {
          if (g_error_matches (error, AP_HISTORY_ERROR, AP_HISTORY_ERROR_NOT_FOUND))
            return usage_error ("%s", error->message);
          return runtime_error (error);
        }
      newer = ap_history_find_latest (history, older->base_url, older->query, &error);
      if (newer != NULL && newer->id == older->id)
        g_clear_pointer (&newer, ap_snapshot_info_free);
      if (newer == NULL && error == NULL)
        return usage_error (_("There is no snapshot of the same query newer than snapshot %s"),
                            since);
    }
  else
    {
      /* The query options pick the query; without them, the newest snapshot's. */
      if (has_query_options (options))
        {
          query = build_query (options, FALSE, &error);
          if (query == NULL)
            return usage_error ("%s", error->message);
        }
      newer = ap_history_find_latest (history, NULL, query, &error);
      if (newer == NULL && error == NULL)
        return usage_error (_("The history holds no snapshot of this query yet: there is nothing "
                              "to compare"));
      if (newer != NULL)
        {
          older = ap_history_find_previous (history, newer->id, &error);
          if (older == NULL && error == NULL)
            {
              g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, newer->id);

              return usage_error (_("There is no earlier snapshot of this query than snapshot "
                                    "%s: fetch again later to see what changed"), number);
            }
        }
    }
  if (error != NULL)
    return runtime_error (error);

  changes = ap_history_diff (history, older->id, newer->id, &error);
  if (changes == NULL)
    return runtime_error (error);

  file = g_file_new_for_commandline_arg (export_path);
  if (!ap_headless_export_changes (changes, file, &error))
    return runtime_error (error);
  return 0;
}

int
ap_cli_handle_local_options (GApplication *app,
                             GVariantDict *options)
{
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(ApMockServer) mock = NULL;
  g_autoptr(ApQuery) query = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *report = NULL;
  g_autofree char *from_snapshot = NULL;
  g_autoptr(ApHistory) history = NULL;
  const char *export_path = NULL;
  gboolean changes = FALSE;
  ApReportFormat format;
  gboolean details = FALSE;
  gboolean demo = FALSE;
  CliRun run = { 0 };
  guint sigint_id, sigterm_id;

  g_return_val_if_fail (G_IS_APPLICATION (app), EXIT_USAGE);
  g_return_val_if_fail (options != NULL, EXIT_USAGE);

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("%s %s\n", "awareness-performance", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "export", "^&ay", &export_path);
  g_variant_dict_lookup (options, "format", "s", &format_name);
  g_variant_dict_lookup (options, "report", "s", &report);
  g_variant_dict_lookup (options, "from-snapshot", "s", &from_snapshot);
  details = g_variant_dict_contains (options, "details");
  demo = g_variant_dict_contains (options, "demo");
  changes = g_variant_dict_contains (options, "changes");

  if (g_variant_dict_contains (options, "list-snapshots"))
    {
      static const char * const not_with_list[] = {
        "export", "format", "details", "search-by", "search", "attribute-id", "filter",
        "from-snapshot", "changes", "since", "demo", "no-history", "report",
      };

      for (guint i = 0; i < G_N_ELEMENTS (not_with_list); i++)
        if (g_variant_dict_contains (options, not_with_list[i]))
          return usage_error (_("--list-snapshots is used alone, without --%s"), not_with_list[i]);
      return list_snapshots ();
    }

  if (g_variant_dict_contains (options, "since") && !changes)
    return usage_error (_("--since is only used with --changes"));

  if (export_path == NULL)
    {
      static const char * const export_only[] = {
        "format", "report", "details", "search-by", "search", "attribute-id", "filter",
        "from-snapshot", "changes", "no-history",
      };

      for (guint i = 0; i < G_N_ELEMENTS (export_only); i++)
        if (g_variant_dict_contains (options, export_only[i]))
          return usage_error (_("--%s is only used with --export=FILE"), export_only[i]);

      /* Let the desktop app start. */
      return -1;
    }

  if (*export_path == '\0')
    return usage_error (_("--export needs a file name"));

  if (report == NULL || g_str_equal (report, "users"))
    {
      if (!guess_format (export_path, format_name, details, &format))
        return usage_error (_("--format must be csv, json or pdf, not “%s”"), format_name);
    }
  else if (g_str_equal (report, "departments") || g_str_equal (report, "videos"))
    {
      if (format_name != NULL && g_ascii_strcasecmp (format_name, "csv") != 0)
        return usage_error (_("--report=%s writes CSV: leave out --format or use --format=csv"),
                            report);
      if (g_str_equal (report, "videos") && !details)
        return usage_error (_("--report=videos needs --details: the training videos are "
                              "counted from each user’s training records, which only a fetch "
                              "with details returns"));
      format = g_str_equal (report, "videos") ? AP_REPORT_FORMAT_CSV_VIDEOS
                                              : AP_REPORT_FORMAT_CSV_DEPARTMENTS;
    }
  else
    return usage_error (_("--report must be users, departments or videos, not “%s”"), report);

  if (changes)
    {
      static const char * const not_with_changes[] = {
        "from-snapshot", "details", "demo", "no-history", "report",
      };

      for (guint i = 0; i < G_N_ELEMENTS (not_with_changes); i++)
        if (g_variant_dict_contains (options, not_with_changes[i]))
          return usage_error (_("--changes is not used with --%s"), not_with_changes[i]);
      if (format != AP_REPORT_FORMAT_CSV)
        return usage_error (_("--changes writes CSV only"));
      if (g_variant_dict_contains (options, "since") && has_query_options (options))
        return usage_error (_("--since picks the query itself; leave out the query options"));
      return export_changes (options, export_path);
    }

  if (from_snapshot != NULL)
    {
      static const char * const not_with_snapshot[] = {
        "search-by", "search", "attribute-id", "filter", "demo", "no-history", "report",
      };

      for (guint i = 0; i < G_N_ELEMENTS (not_with_snapshot); i++)
        if (g_variant_dict_contains (options, not_with_snapshot[i]))
          return usage_error (_("--from-snapshot is not used with --%s: the snapshot has its "
                                "own query"), not_with_snapshot[i]);
      return export_snapshot (from_snapshot, export_path, format, details);
    }

  query = build_query (options, details, &error);
  if (query == NULL)
    return usage_error ("%s", error->message);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.cancellable = cancellable;

  if (demo)
    {
      mock = ap_mock_server_new ();
      ap_mock_server_set_demo_dataset (mock);
      if (!ap_mock_server_start (mock, 0, &error))
        return runtime_error (error);
      run.credentials = ap_mock_server_dup_credentials (mock, AP_AUTH_MODE_API2);
    }
  else
    {
      run.credentials = ap_credentials_new_from_environment (&error);
      if (error != NULL)
        return runtime_error (error);

      if (run.credentials == NULL)
        {
          ap_keyring_lookup_async (cancellable, lookup_cb, &run);
          g_main_loop_run (loop);

          if (run.credentials == NULL)
            {
              if (g_error_matches (run.error, AP_ERROR, AP_ERROR_NO_CREDENTIALS))
                {
                  g_clear_error (&run.error);
                  g_set_error_literal (&run.error, AP_ERROR, AP_ERROR_NO_CREDENTIALS,
                                       _("No Mimecast credentials: save them in the app, or set "
                                         "MIMECAST_BASE_URL and the MIMECAST_* keys"));
                }
              error = g_steal_pointer (&run.error);
              return runtime_error (error);
            }
        }
    }

  sigint_id = g_unix_signal_add (SIGINT, on_signal, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &run);

  /* Demonstration data is made up: it never enters the history. */
  if (!demo && !g_variant_dict_contains (options, "no-history"))
    history = ap_history_new_from_settings ();

  file = g_file_new_for_commandline_arg (export_path);
  ap_headless_export_with_history_async (run.credentials, query, file, format, history, FALSE,
                                         demo, cancellable, export_cb, &run);
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_object (&run.credentials);

  if (!run.succeeded)
    {
      error = g_steal_pointer (&run.error);
      return runtime_error (error);
    }

  return 0;
}
