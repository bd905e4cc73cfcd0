/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* O_TMPFILE */
/* The headless export end to end: the real executable against the double,
 * both authentication schemes, exit codes, and that a failure never leaves a
 * partial file or touches an existing one. */
#define G_LOG_DOMAIN "test-headless"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap-credentials.h"
#include "ap-mock-data.h"
#include "ap-mock-server.h"

#include "../report/report-test-util.h"
#include "headless-test-util.h"

#define N_USERS 120

typedef struct
{
  ApMockServer *mock;
  char         *dir;
} Fixture;

static const char *
binary_path (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (g_getenv ("AP_BUILD_ROOT"), "src", "awareness-performance", NULL);
  return path;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->mock = ap_mock_server_new ();
  ap_mock_server_set_dataset (fixture->mock, N_USERS, 5, 3, 7);
  g_assert_true (ap_mock_server_start (fixture->mock, 0, &error));
  g_assert_no_error (error);

  fixture->dir = g_dir_make_tmp ("ap-headless-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);

  ap_mock_server_stop (fixture->mock);
  g_clear_object (&fixture->mock);
}

static char **
make_environment (Fixture *fixture,
                  int      mode)
{
  return headless_test_environ (fixture->mock, mode);
}

/* Runs the executable; returns its exit status, stderr in @err. */
static int
run_cli (char               **env,
         const char * const  *args,
         char               **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, (char *) binary_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, env);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, err, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* The last non-empty stderr line: the one-line reason. */
static char *
last_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const char *last = "";

  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      last = lines[i];

  return g_strdup (last);
}

static void
export_csv (Fixture    *fixture,
            ApAuthMode  mode)
{
  g_auto(GStrv) env = make_environment (fixture, mode);
  g_autofree char *target = g_build_filename (fixture->dir, "users.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *args[] = { arg, NULL };
  g_autofree char *err = NULL;
  gsize length = 0;
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = run_cli (env, args, &err);
  g_assert_cmpint (status, ==, 0);

  g_file_get_contents (target, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (contents, length, NULL));

  rows = report_test_read_csv (contents, length);
  g_assert_cmpuint (rows->len, ==, N_USERS + 1);
  header = g_strjoinv (",", g_ptr_array_index (rows, 0));
  g_assert_cmpstr (header, ==, "name,email,department,numCorrect,numIncorrect,numNotWatched");
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      g_assert_cmpuint (g_strv_length (row), ==, 6);
      g_assert_true (strchr (row[1], '@') != NULL);
      for (guint j = 3; j < 6; j++)
        {
          guint64 n;
          g_assert_true (g_ascii_string_to_unsigned (row[j], 10, 0, G_MAXUINT, &n, NULL));
        }
    }

  /* Exactly one file: no temporary left behind. */
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
}

static void
test_csv_api1 (Fixture       *fixture,
               gconstpointer  data)
{
  export_csv (fixture, AP_AUTH_MODE_API1);
}

static void
test_csv_api2 (Fixture       *fixture,
               gconstpointer  data)
{
  export_csv (fixture, AP_AUTH_MODE_API2);
}

static JsonNode *
export_json (Fixture            *fixture,
             ApAuthMode          mode,
             const char * const *extra)
{
  g_auto(GStrv) env = make_environment (fixture, mode);
  g_autofree char *target = g_build_filename (fixture->dir, "users.json", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (args, arg);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (char *) extra[i]);
  g_ptr_array_add (args, NULL);

  status = run_cli (env, (const char * const *) args->pdata, &err);
  g_assert_cmpint (status, ==, 0);

  json_parser_load_from_mapped_file (parser, target, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static void
test_json_both_modes (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) api1 = export_json (fixture, AP_AUTH_MODE_API1, NULL);
  g_autoptr(JsonNode) api2 = export_json (fixture, AP_AUTH_MODE_API2, NULL);
  JsonObject *root = json_node_get_object (api2);
  JsonArray *users;

  g_assert_true (json_object_has_member (root, "generated"));
  g_assert_true (json_object_has_member (root, "query"));
  users = json_object_get_array_member (root, "users");
  g_assert_cmpuint (json_array_get_length (users), ==, N_USERS);

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      g_assert_true (json_object_has_member (user, "name"));
      g_assert_true (json_object_has_member (user, "email"));
      g_assert_true (json_object_has_member (user, "department"));
      g_assert_true (json_object_has_member (user, "numCorrect"));
      g_assert_true (json_object_has_member (user, "numIncorrect"));
      g_assert_true (json_object_has_member (user, "numNotWatched"));
    }

  /* Both schemes see the same organisation. */
  json_object_remove_member (json_node_get_object (api1), "generated");
  json_object_remove_member (root, "generated");
  g_assert_true (json_node_equal (api1, api2));
}

static void
test_details_and_search (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *extra[] = { "--details", "--search-by=department", "--search=a", NULL };
  g_autoptr(JsonNode) root = export_json (fixture, AP_AUTH_MODE_API2, extra);
  g_autofree char *body = ap_mock_server_dup_last_request_body (fixture->mock);
  JsonObject *object = json_node_get_object (root);
  JsonObject *query = json_object_get_object_member (object, "query");
  JsonArray *users = json_object_get_array_member (object, "users");
  guint expected = ap_mock_server_count_matching (fixture->mock, body);
  guint with_records = 0;

  g_assert_cmpuint (json_array_get_length (users), ==, expected);
  g_assert_cmpuint (expected, <, N_USERS);
  g_assert_true (json_object_get_boolean_member (query, "includeUserDetails"));

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      g_autofree char *department =
        g_utf8_strdown (json_object_get_string_member (user, "department"), -1);

      g_assert_nonnull (strstr (department, "a"));
      if (json_object_has_member (user, "userDetails") &&
          json_array_get_length (json_object_get_array_member (user, "userDetails")) > 0)
        with_records++;
    }
  g_assert_cmpuint (with_records, >, 0);
}

static void
test_csv_details_rows (Fixture       *fixture,
                       gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API1);
  g_autofree char *target = g_build_filename (fixture->dir, "details.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *args[] = { arg, "--details", "--format=csv", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gsize length = 0;
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  g_autofree char *err = NULL;
  JsonArray *users;
  guint expected_rows = 0;

  g_assert_cmpint (run_cli (env, args, &err), ==, 0);
  g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
  rows = report_test_read_csv (contents, length);

  header = g_strjoinv (",", g_ptr_array_index (rows, 0));
  g_assert_cmpstr (header, ==,
                   "name,email,department,numCorrect,numIncorrect,numNotWatched,"
                   "title,category,status,ack,timeSent,timeViewed");

  /* One row per record; a user without records still has one row. */
  {
    const char *extra[] = { "--details", NULL };
    root = export_json (fixture, AP_AUTH_MODE_API1, extra);
  }
  users = json_object_get_array_member (json_node_get_object (root), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      guint n = json_object_has_member (user, "userDetails")
                ? json_array_get_length (json_object_get_array_member (user, "userDetails"))
                : 0;
      expected_rows += MAX (n, 1);
    }
  g_assert_cmpuint (rows->len - 1, ==, expected_rows);

  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      g_assert_cmpuint (g_strv_length (row), ==, 12);
      g_assert_true (g_str_equal (row[9], "true") || g_str_equal (row[9], "false") ||
                     (row[9][0] == '\0' && row[6][0] == '\0'));
      /* YYYY-MM-DDTHH:MM:SSZ or empty */
      g_assert_true (row[11][0] == '\0' ||
                     (strlen (row[11]) == 20 && row[11][10] == 'T' && row[11][19] == 'Z'));
    }
}

static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, -1);
  g_autofree char *target = g_build_filename (fixture->dir, "demo.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *args[] = { "--demo", arg, NULL };
  g_autofree char *err = NULL;
  gsize length = 0;
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_cmpint (run_cli (env, args, &err), ==, 0);
  g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
  rows = report_test_read_csv (contents, length);
  g_assert_cmpuint (rows->len, >, 100);
}

static void
assert_usage_error (Fixture            *fixture,
                    const char * const *args,
                    const char         *needle)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API2);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (env, args, &err), ==, 2);
  g_assert_nonnull (strstr (err, needle));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_requests (fixture->mock), ==, 0);
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *target = g_build_filename (fixture->dir, "x.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *bad_format[] = { arg, "--format=xlsx", NULL };
  const char *bad_field[] = { arg, "--search-by=phone", "--search=1", NULL };
  const char *bad_filter[] = { arg, "--filter=video_count_9", NULL };
  const char *attribute_without_custom[] = { arg, "--attribute-id=abc", NULL };
  const char *custom_without_ids[] = { arg, "--search-by=customAttribute", "--search=x", NULL };
  const char *without_export[] = { "--format=csv", NULL };
  const char *unknown[] = { arg, "--frobnicate", NULL };
  const char *bad_report[] = { arg, "--report=managers", NULL };
  /* Without --details there are no records to count */
  const char *videos_without_details[] = { arg, "--report=videos", NULL };
  const char *report_as_pdf[] = { arg, "--report=departments", "--format=pdf", NULL };

  assert_usage_error (fixture, bad_format, "xlsx");
  assert_usage_error (fixture, bad_field, "phone");
  assert_usage_error (fixture, bad_filter, "video_count_9");
  assert_usage_error (fixture, attribute_without_custom, "attributeIds");
  assert_usage_error (fixture, custom_without_ids, "attributeIds");
  assert_usage_error (fixture, without_export, "--export");
  assert_usage_error (fixture, unknown, "frobnicate");
  assert_usage_error (fixture, bad_report, "managers");
  assert_usage_error (fixture, videos_without_details, "--details");
  assert_usage_error (fixture, report_as_pdf, "--format=csv");
}

typedef struct
{
  ApMockFault fault;
  guint       param;
  const char *needle;   /* in the one-line reason, case-insensitive */
} FaultCase;

static void
test_faults (Fixture       *fixture,
             gconstpointer  data)
{
  static const FaultCase cases[] = {
    { AP_MOCK_FAULT_FORBIDDEN, 0, "Awareness Training | Dashboard | Read" },
    { AP_MOCK_FAULT_KEYS_EXPIRED, 0, "expired" },
    { AP_MOCK_FAULT_UNAUTHORIZED, 0, "" },
    { AP_MOCK_FAULT_FAIL_ARRAY, 0, "" },
    { AP_MOCK_FAULT_MALFORMED_JSON, 2, "page 2" },
    { AP_MOCK_FAULT_TRUNCATED_BODY, 2, "" },
    { AP_MOCK_FAULT_WRONG_TYPES, 1, "numCorrect" },
    { AP_MOCK_FAULT_NEGATIVE_COUNT, 1, "" },
    { AP_MOCK_FAULT_DEEP_NESTING, 100000, "" },
    { AP_MOCK_FAULT_HUGE_BODY, 80, "" },
  };
  g_autofree char *target = g_build_filename (fixture->dir, "report.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *previous = "an earlier report\n";

  /* Enough users for three pages of 500, so page 2 exists. */
  ap_mock_server_set_dataset (fixture->mock, 1200, 5, 3, 7);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API1);
      const char *args[] = { arg, NULL };
      g_autofree char *err = NULL;
      g_autofree char *line = NULL;
      g_autofree char *line_lower = NULL;
      g_autofree char *needle_lower = g_ascii_strdown (cases[i].needle, -1);
      g_autofree char *contents = NULL;

      g_test_message ("fault %d", cases[i].fault);
      g_assert_true (g_file_set_contents (target, previous, -1, NULL));

      ap_mock_server_clear_faults (fixture->mock);
      ap_mock_server_add_fault (fixture->mock, cases[i].fault, cases[i].param, 0);

      g_assert_cmpint (run_cli (env, args, &err), ==, 1);

      line = last_line (err);
      g_assert_true (g_str_has_prefix (line, "awareness-performance: "));
      line_lower = g_ascii_strdown (line, -1);
      g_assert_nonnull (strstr (line_lower, needle_lower));

      /* The earlier file is untouched and nothing else was left. */
      g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, previous);
      g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
    }
}

static void
test_insecure_url (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API2);
  g_autofree char *target = g_build_filename (fixture->dir, "x.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *args[] = { arg, NULL };
  g_autofree char *err = NULL;

  env = g_environ_setenv (env, "MIMECAST_BASE_URL", "http://mimecast.example.com", TRUE);
  g_assert_cmpint (run_cli (env, args, &err), ==, 1);
  g_assert_nonnull (strstr (err, "http"));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_requests (fixture->mock), ==, 0);
}

static void
test_no_keyring (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, -1);
  g_autofree char *target = g_build_filename (fixture->dir, "x.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *args[] = { arg, NULL };
  g_autofree char *err = NULL;
  g_autofree char *line = NULL;

  /* No credentials in the environment and no session bus: a clear reason. */
  env = g_environ_setenv (env, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  g_assert_cmpint (run_cli (env, args, &err), ==, 1);
  line = last_line (err);
  g_assert_nonnull (strstr (line, "keyring"));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
}

static void
test_unwritable_target (Fixture       *fixture,
                        gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API2);
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-folder", "x.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", missing, NULL);
  const char *args[] = { arg, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (env, args, &err), ==, 1);
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
  g_assert_cmpuint (ap_mock_server_get_n_requests (fixture->mock), ==, 0);
}

static void
test_sigterm (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API2);
  g_autofree char *target = g_build_filename (fixture->dir, "slow.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char * const argv[] = { binary_path (), arg, NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  ap_mock_server_set_dataset (fixture->mock, 2500, 5, 3, 7);
  ap_mock_server_add_fault (fixture->mock, AP_MOCK_FAULT_LATENCY, 300, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, env);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  /* Wait until the export is under way, then stop it as a scheduler would. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (ap_mock_server_get_n_requests (fixture->mock) < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_cmpuint (ap_mock_server_get_n_requests (fixture->mock), >=, 2);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
}

/* --report=departments and --report=videos, read back and compared with
 * numbers worked out here from the double's own generator (the same data
 * set as the fixture's server), not through the app's analysis. */

typedef struct
{
  guint64 users, correct, incorrect, not_watched;
} DeptCount;

typedef struct
{
  char    *category;
  guint64  sent, viewed, acknowledged;
} VideoCount;

static void
video_count_free (VideoCount *count)
{
  g_free (count->category);
  g_free (count);
}

static char *
pct (guint64 part,
     guint64 whole)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (whole == 0)
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (text, sizeof text, "%.1f", 100.0 * part / whole));
}

static GPtrArray *
export_report (Fixture    *fixture,
               const char *report,
               gboolean    details,
               const char *locale)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API2);
  g_autofree char *target = g_build_filename (fixture->dir, "report.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  g_autofree char *report_arg = g_strconcat ("--report=", report, NULL);
  const char *args[] = { arg, report_arg, details ? "--details" : NULL, NULL };
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (locale != NULL)
    env = g_environ_setenv (env, "LC_ALL", locale, TRUE);
  g_assert_cmpint (run_cli (env, args, &err), ==, 0);
  g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
  g_unlink (target);
  return report_test_read_csv (contents, length);
}

static void
test_report_departments (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ApMockDataset) dataset = ap_mock_dataset_new (N_USERS, 5, 3, 7);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *header = NULL;
  ApMockUser user;
  double last_share = G_MAXDOUBLE;
  guint64 total_users = 0;

  ap_mock_user_init (&user, dataset);
  for (guint i = 0; i < N_USERS; i++)
    {
      DeptCount *count;

      ap_mock_user_generate (&user, dataset, i);
      count = g_hash_table_lookup (expected, user.department);
      if (count == NULL)
        {
          count = g_new0 (DeptCount, 1);
          g_hash_table_insert (expected, g_strdup (user.department), count);
        }
      count->users++;
      count->correct += user.num_correct;
      count->incorrect += user.num_incorrect;
      count->not_watched += user.num_not_watched;
    }
  ap_mock_user_clear (&user);

  /* Under a locale whose decimal mark is a comma: the file keeps "." */
  rows = export_report (fixture, "departments", FALSE, "de_DE.UTF-8");
  header = g_strjoinv (",", g_ptr_array_index (rows, 0));
  g_assert_cmpstr (header, ==, "department,users,videosSent,numCorrect,numIncorrect,"
                               "numNotWatched,pctCorrect,pctIncorrect,pctNotWatched");
  g_assert_cmpuint (rows->len - 1, ==, g_hash_table_size (expected));

  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      DeptCount *count = g_hash_table_lookup (expected, row[0]);
      guint64 sent;
      g_autofree char *users = NULL, *sent_text = NULL, *c = NULL, *in = NULL, *nw = NULL;
      g_autofree char *pc = NULL, *pi = NULL, *pn = NULL;
      double share;

      g_assert_nonnull (count);
      g_assert_cmpuint (g_strv_length (row), ==, 9);
      sent = count->correct + count->incorrect + count->not_watched;
      users = g_strdup_printf ("%" G_GUINT64_FORMAT, count->users);
      sent_text = g_strdup_printf ("%" G_GUINT64_FORMAT, sent);
      c = g_strdup_printf ("%" G_GUINT64_FORMAT, count->correct);
      in = g_strdup_printf ("%" G_GUINT64_FORMAT, count->incorrect);
      nw = g_strdup_printf ("%" G_GUINT64_FORMAT, count->not_watched);
      pc = pct (count->correct, sent);
      pi = pct (count->incorrect, sent);
      pn = pct (count->not_watched, sent);
      g_assert_cmpstr (row[1], ==, users);
      g_assert_cmpstr (row[2], ==, sent_text);
      g_assert_cmpstr (row[3], ==, c);
      g_assert_cmpstr (row[4], ==, in);
      g_assert_cmpstr (row[5], ==, nw);
      g_assert_cmpstr (row[6], ==, pc);
      g_assert_cmpstr (row[7], ==, pi);
      g_assert_cmpstr (row[8], ==, pn);
      g_assert_null (strchr (row[8], ','));

      /* The window's order: the largest share not watched first */
      share = sent > 0 ? (double) count->not_watched / sent : -1;
      g_assert_cmpfloat (share, <=, last_share);
      last_share = share;
      total_users += count->users;
      g_hash_table_remove (expected, row[0]);
    }
  g_assert_cmpuint (total_users, ==, N_USERS);
}

static void
test_report_videos (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ApMockDataset) dataset = ap_mock_dataset_new (N_USERS, 5, 3, 7);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) video_count_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *header = NULL;
  ApMockUser user;
  guint64 last_not_viewed = G_MAXUINT64;

  ap_mock_user_init (&user, dataset);
  for (guint i = 0; i < N_USERS; i++)
    {
      ap_mock_user_generate (&user, dataset, i);
      for (guint r = 0; r < user.n_records; r++)
        {
          ApMockRecord *record = &user.records[r];
          VideoCount *count = g_hash_table_lookup (expected, record->title);

          if (count == NULL)
            {
              count = g_new0 (VideoCount, 1);
              count->category = g_strdup (record->category);
              g_hash_table_insert (expected, g_strdup (record->title), count);
            }
          count->sent++;
          count->viewed += record->viewed ? 1 : 0;
          count->acknowledged += record->ack ? 1 : 0;
        }
    }
  ap_mock_user_clear (&user);

  rows = export_report (fixture, "videos", TRUE, NULL);
  header = g_strjoinv (",", g_ptr_array_index (rows, 0));
  g_assert_cmpstr (header, ==, "title,category,sent,viewed,notViewed,acknowledged,pctViewed");
  g_assert_cmpuint (rows->len - 1, ==, g_hash_table_size (expected));
  g_assert_cmpuint (rows->len, >, 2);

  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      VideoCount *count = g_hash_table_lookup (expected, row[0]);
      g_autofree char *line = NULL;
      g_autofree char *want = NULL;
      g_autofree char *pv = NULL;
      guint64 not_viewed;

      g_assert_nonnull (count);
      not_viewed = count->sent - count->viewed;
      pv = pct (count->viewed, count->sent);
      want = g_strdup_printf ("%s|%" G_GUINT64_FORMAT "|%" G_GUINT64_FORMAT "|%" G_GUINT64_FORMAT
                              "|%" G_GUINT64_FORMAT "|%s",
                              count->category, count->sent, count->viewed, not_viewed,
                              count->acknowledged, pv);
      line = g_strjoinv ("|", row + 1);
      g_assert_cmpstr (line, ==, want);

      /* The window's order: the most not viewed first */
      g_assert_cmpuint (not_viewed, <=, last_not_viewed);
      last_not_viewed = not_viewed;
      g_hash_table_remove (expected, row[0]);
    }
}

/* SIGKILL mid-export: nothing can clean up, so nothing may be left to clean:
 * the old report is untouched (content and mode), and where the file system
 * has O_TMPFILE no temporary file exists at all; elsewhere the one left is
 * 0600, and removed by a later export once a day old. */
static void
test_sigkill (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API1);
  g_autofree char *target = g_build_filename (fixture->dir, "killed.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char * const argv[] = { binary_path (), arg, NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gboolean has_tmpfile = FALSE;
  struct stat st;
  gint64 deadline;

#ifdef O_TMPFILE
  {
    int fd = open (fixture->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

    has_tmpfile = fd >= 0;
    if (fd >= 0)
      close (fd);
  }
#endif

  g_assert_true (g_file_set_contents (target, "OLD", -1, NULL));
  g_assert_cmpint (g_chmod (target, 0600), ==, 0);

  ap_mock_server_set_dataset (fixture->mock, 2500, 5, 3, 7);
  ap_mock_server_add_fault (fixture->mock, AP_MOCK_FAULT_LATENCY, 300, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, env);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  /* Page 1 is written (the temporary file holds rows) when page 3 is asked. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (ap_mock_server_get_n_requests (fixture->mock) < 3 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_cmpuint (ap_mock_server_get_n_requests (fixture->mock), >=, 3);

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);

  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "OLD");
  g_assert_cmpint (stat (target, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);

  if (has_tmpfile)
    {
      g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 1);
    }
  else
    {
      g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
      const char *name;

      g_test_message ("no O_TMPFILE here: a named temporary file is left");
      g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 2);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

          g_assert_cmpint (stat (path, &st), ==, 0);
          g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
        }
    }
}

/* A report replaced by an export keeps its mode; a new one follows the umask. */
static void
test_modes (Fixture       *fixture,
            gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API2);
  g_autofree char *existing = g_build_filename (fixture->dir, "existing.csv", NULL);
  g_autofree char *fresh = g_build_filename (fixture->dir, "fresh.csv", NULL);
  g_autofree char *arg1 = g_strconcat ("--export=", existing, NULL);
  g_autofree char *arg2 = g_strconcat ("--export=", fresh, NULL);
  const char *args1[] = { arg1, NULL };
  const char *args2[] = { arg2, NULL };
  g_autofree char *err1 = NULL;
  g_autofree char *err2 = NULL;
  mode_t old_umask;
  struct stat st;

  g_assert_true (g_file_set_contents (existing, "OLD", -1, NULL));
  g_assert_cmpint (g_chmod (existing, 0600), ==, 0);

  old_umask = umask (027);   /* the child inherits it */
  g_assert_cmpint (run_cli (env, args1, &err1), ==, 0);
  g_assert_cmpint (run_cli (env, args2, &err2), ==, 0);
  umask (old_umask);

  g_assert_cmpint (stat (existing, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpuint (st.st_size, >, 3);
  g_assert_cmpint (stat (fresh, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0640);
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 2);
}

/* A redirect is refused in one clear line, and no file is created. */
static void
test_redirect (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(GStrv) env = make_environment (fixture, AP_AUTH_MODE_API1);
  g_autofree char *target = g_build_filename (fixture->dir, "x.csv", NULL);
  g_autofree char *arg = g_strconcat ("--export=", target, NULL);
  const char *args[] = { arg, NULL };
  g_autofree char *err = NULL;
  g_autofree char *line = NULL;

  ap_mock_server_set_redirect_target (fixture->mock, "http://elsewhere.invalid");
  ap_mock_server_add_fault (fixture->mock, AP_MOCK_FAULT_REDIRECT, 307, 0);
  g_assert_cmpint (run_cli (env, args, &err), ==, 1);
  line = last_line (err);
  g_assert_cmpstr (line, ==, "awareness-performance: The server answered with a redirect to "
                             "elsewhere.invalid (HTTP 307). The app does not follow redirects "
                             "with your credentials; check the base URL.");
  g_assert_cmpuint (ap_mock_server_get_n_requests (fixture->mock), ==, 1);
  g_assert_cmpuint (report_test_count_files (fixture->dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/ap/headless/csv-api1", test_csv_api1);
  ADD ("/ap/headless/csv-api2", test_csv_api2);
  ADD ("/ap/headless/json-both-modes", test_json_both_modes);
  ADD ("/ap/headless/details-and-search", test_details_and_search);
  ADD ("/ap/headless/csv-details-rows", test_csv_details_rows);
  ADD ("/ap/headless/demo", test_demo);
  ADD ("/ap/headless/usage-errors", test_usage_errors);
  ADD ("/ap/headless/report-departments", test_report_departments);
  ADD ("/ap/headless/report-videos", test_report_videos);
  ADD ("/ap/headless/faults", test_faults);
  ADD ("/ap/headless/insecure-url", test_insecure_url);
  ADD ("/ap/headless/no-keyring", test_no_keyring);
  ADD ("/ap/headless/unwritable-target", test_unwritable_target);
  ADD ("/ap/headless/sigterm", test_sigterm);
  ADD ("/ap/headless/sigkill", test_sigkill);
  ADD ("/ap/headless/modes", test_modes);
  ADD ("/ap/headless/redirect", test_redirect);

  return g_test_run ();
}
