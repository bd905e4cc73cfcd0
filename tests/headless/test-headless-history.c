/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history from the command line: every complete fetch saved, listed,
 * exported again without network or credentials, and the changes between
 * two fetches of a double whose data moved on. Each test has its own
 * XDG_DATA_HOME. */
#define G_LOG_DOMAIN "test-headless-history"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ap-credentials.h"
#include "ap-mock-data.h"
#include "ap-mock-server.h"

#include "../report/report-test-util.h"
#include "headless-test-util.h"

#define N_USERS 120
#define N_DEPARTMENTS 5
#define RECORDS 3
#define SEED 7

typedef struct
{
  ApMockServer *mock;
  char         *dir;
  char         *data_home;
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
  ap_mock_server_set_dataset (fixture->mock, N_USERS, N_DEPARTMENTS, RECORDS, SEED);
  g_assert_true (ap_mock_server_start (fixture->mock, 0, &error));
  g_assert_no_error (error);

  fixture->dir = g_dir_make_tmp ("ap-headless-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->data_home = g_build_filename (fixture->dir, "data", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  report_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->data_home);

  ap_mock_server_stop (fixture->mock);
  g_clear_object (&fixture->mock);
}

/* A scheduled job's environment, with API 2.0 credentials unless
 * @with_credentials is FALSE, and our own data folder. */
static char **
make_environment (Fixture  *fixture,
                  gboolean  with_credentials)
{
  char **env = headless_test_environ (fixture->mock,
                                      with_credentials ? AP_AUTH_MODE_API2 : -1);

  return g_environ_setenv (env, "XDG_DATA_HOME", fixture->data_home, TRUE);
}

static int
run_cli (Fixture            *fixture,
         gboolean            with_credentials,
         const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = make_environment (fixture, with_credentials);
  g_autofree char *local_out = NULL;
  g_autofree char *local_err = NULL;

  g_ptr_array_add (argv, (char *) binary_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_cwd (launcher, fixture->dir);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &local_out, &local_err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  if (out != NULL)
    *out = g_steal_pointer (&local_out);
  if (err != NULL)
    *err = g_steal_pointer (&local_err);
  else if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("stderr: %s", local_err);
  return g_subprocess_get_exit_status (process);
}

static char *
read_file (Fixture    *fixture,
           const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

static void
fetch (Fixture    *fixture,
       const char *file,
       const char *extra)
{
  g_autofree char *export = g_strdup_printf ("--export=%s", file);
  const char *args[] = { export, extra, NULL };

  g_assert_cmpint (run_cli (fixture, TRUE, args, NULL, NULL), ==, 0);
}

static void
test_list_and_from_snapshot (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *fetched_csv = NULL;
  g_autofree char *stored_csv = NULL;
  g_autofree char *fetched_plain = NULL;
  g_autofree char *stored_plain = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(GRegex) time_format = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$",
                                               0, 0, NULL);
  const char *list[] = { "--list-snapshots", NULL };

  /* Empty: no line, still success. */
  g_assert_cmpint (run_cli (fixture, FALSE, list, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);

  fetch (fixture, "fetched.csv", "--details");
  fetch (fixture, "plain.csv", "--search=a");

  g_assert_cmpint (run_cli (fixture, FALSE, list, &out, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  fields = g_strsplit (lines[0], "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 4);
  g_assert_cmpstr (fields[0], ==, "1");
  g_assert_true (g_regex_match (time_format, fields[1], 0, NULL));
  g_assert_cmpstr (fields[2], ==, G_STRINGIFY (N_USERS));
  g_assert_nonnull (strstr (fields[3], "with training details"));
  g_clear_pointer (&fields, g_strfreev);
  fields = g_strsplit (lines[1], "\t", -1);
  g_assert_cmpstr (fields[0], ==, "2");
  g_assert_nonnull (strstr (fields[3], "a"));

  /* The same rows, with the double stopped and no credentials at all. */
  ap_mock_server_stop (fixture->mock);
  {
    const char *args[] = { "--from-snapshot=1", "--export=stored.csv", "--details", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, NULL), ==, 0);
  }
  fetched_csv = read_file (fixture, "fetched.csv");
  stored_csv = read_file (fixture, "stored.csv");
  g_assert_cmpstr (fetched_csv, ==, stored_csv);
  g_assert_cmpuint (count_lines (stored_csv), >, N_USERS);

  {
    const char *args[] = { "--from-snapshot=latest", "--export=stored-plain.csv", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, NULL), ==, 0);
  }
  fetched_plain = read_file (fixture, "plain.csv");
  stored_plain = read_file (fixture, "stored-plain.csv");
  g_assert_cmpstr (fetched_plain, ==, stored_plain);

  /* JSON from the stored snapshot: the users of the fetch-time CSV. */
  {
    const char *args[] = { "--from-snapshot=1", "--export=stored.json", "--details", NULL };
    g_autofree char *json = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root;

    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, NULL), ==, 0);
    json = read_file (fixture, "stored.json");
    g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "users")), ==,
                      N_USERS);
  }

  /* Usage errors and a missing snapshot. */
  {
    const char *args[] = { "--from-snapshot=99", "--export=x.csv", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "no snapshot 99"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--from-snapshot=abc", "--export=x.csv", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--from-snapshot=2", "--export=x.csv", "--details", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "without training details"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--from-snapshot=1", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, &err), ==, 2);
  }
}

typedef struct
{
  char *email;
  char *name;
  char *department;
  guint counts[3];
} Expected;

static void
expected_free (Expected *e)
{
  g_free (e->email);
  g_free (e->name);
  g_free (e->department);
  g_free (e);
}

static GHashTable *
dataset_users (ApMockDataset *dataset)
{
  GHashTable *users = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) expected_free);
  ApMockQuery query = { 0 };
  ApMockUser user;

  query.video_count = AP_MOCK_VIDEO_COUNT_ALL;
  ap_mock_user_init (&user, dataset);
  for (guint i = 0; i < ap_mock_dataset_get_n_users (dataset); i++)
    {
      Expected *e;

      ap_mock_user_generate (&user, dataset, i);
      if (!ap_mock_user_matches (&user, &query))
        continue;
      e = g_new0 (Expected, 1);
      e->email = g_strdup (user.email);
      e->name = g_strdup (user.name);
      e->department = g_strdup (user.department);
      e->counts[0] = user.num_correct;
      e->counts[1] = user.num_incorrect;
      e->counts[2] = user.num_not_watched;
      g_hash_table_insert (users, e->email, e);
    }
  ap_mock_user_clear (&user);
  return users;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const char * const *x = *(const char * const * const *) a;
  const char * const *y = *(const char * const * const *) b;
  static const char * const order[] = { "joined", "left", "changed" };
  int kx = -1, ky = -1;

  for (int i = 0; i < 3; i++)
    {
      if (g_str_equal (x[3], order[i]))
        kx = i;
      if (g_str_equal (y[3], order[i]))
        ky = i;
    }
  if (kx != ky)
    return kx - ky;
  return strcmp (x[0], y[0]);
}

static char *
count_cell (gboolean present,
            guint    value)
{
  return present ? g_strdup_printf ("%u", value) : g_strdup ("");
}

/* The rows --changes must write, from the double's own data. */
static GPtrArray *
expected_changes (guint from_epoch,
                  guint to_epoch)
{
  g_autoptr(ApMockDataset) base = ap_mock_dataset_new (N_USERS, N_DEPARTMENTS, RECORDS, SEED);
  g_autoptr(ApMockDataset) older_set = ap_mock_dataset_at_epoch (base, from_epoch);
  g_autoptr(ApMockDataset) newer_set = ap_mock_dataset_at_epoch (base, to_epoch);
  g_autoptr(GHashTable) older = dataset_users (older_set);
  g_autoptr(GHashTable) newer = dataset_users (newer_set);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GHashTableIter iter;
  Expected *e;

  g_hash_table_iter_init (&iter, newer);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    {
      Expected *old = g_hash_table_lookup (older, e->email);
      char **row;

      if (old != NULL && memcmp (old->counts, e->counts, sizeof e->counts) == 0)
        continue;
      row = g_new0 (char *, 11);
      row[0] = g_strdup (e->email);
      row[1] = g_strdup (e->name);
      row[2] = g_strdup (e->department);
      row[3] = g_strdup (old != NULL ? "changed" : "joined");
      for (guint c = 0; c < 3; c++)
        {
          row[4 + 2 * c] = count_cell (old != NULL, old != NULL ? old->counts[c] : 0);
          row[5 + 2 * c] = count_cell (TRUE, e->counts[c]);
        }
      g_ptr_array_add (rows, row);
    }
  g_hash_table_iter_init (&iter, older);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    {
      char **row;

      if (g_hash_table_contains (newer, e->email))
        continue;
      row = g_new0 (char *, 11);
      row[0] = g_strdup (e->email);
      row[1] = g_strdup (e->name);
      row[2] = g_strdup (e->department);
      row[3] = g_strdup ("left");
      for (guint c = 0; c < 3; c++)
        {
          row[4 + 2 * c] = count_cell (TRUE, e->counts[c]);
          row[5 + 2 * c] = count_cell (FALSE, 0);
        }
      g_ptr_array_add (rows, row);
    }
  g_ptr_array_sort (rows, compare_rows);
  return rows;
}

static void
assert_changes_file (Fixture    *fixture,
                     const char *name,
                     guint       from_epoch,
                     guint       to_epoch)
{
  g_autofree char *csv = read_file (fixture, name);
  g_autoptr(GPtrArray) rows = report_test_read_csv (csv, strlen (csv));
  g_autoptr(GPtrArray) expected = expected_changes (from_epoch, to_epoch);
  const char * const header[] = {
    "email", "name", "department", "change", "numCorrect_before", "numCorrect_after",
    "numIncorrect_before", "numIncorrect_after", "numNotWatched_before", "numNotWatched_after",
    NULL,
  };
  guint kinds[3] = { 0 };

  g_assert_nonnull (rows);
  g_assert_cmpstrv (g_ptr_array_index (rows, 0), header);
  g_assert_cmpuint (rows->len - 1, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      char **got = g_ptr_array_index (rows, i + 1);
      char **want = g_ptr_array_index (expected, i);

      /* Names with a formula-like start would carry an apostrophe; the
       * double's never do, so the cells compare as they are. */
      g_assert_cmpstrv (got, want);
      kinds[g_str_equal (got[3], "joined") ? 0 : g_str_equal (got[3], "left") ? 1 : 2]++;
    }
  /* The double moved on in every way. */
  g_assert_cmpuint (kinds[0], >, 0);
  g_assert_cmpuint (kinds[1], >, 0);
  g_assert_cmpuint (kinds[2], >, 0);
}

static void
test_changes (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *err = NULL;
  const char *changes[] = { "--changes", "--export=changes.csv", NULL };

  /* Nothing yet, then one snapshot: nothing to compare, exit 2. */
  g_assert_cmpint (run_cli (fixture, FALSE, changes, NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  fetch (fixture, "first.csv", NULL);
  g_assert_cmpint (run_cli (fixture, FALSE, changes, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "no earlier snapshot"));
  g_clear_pointer (&err, g_free);

  /* Users join, leave and watch videos between two fetches. */
  ap_mock_server_set_epoch (fixture->mock, 1);
  fetch (fixture, "second.csv", "--details");

  g_assert_cmpint (run_cli (fixture, FALSE, changes, NULL, NULL), ==, 0);
  assert_changes_file (fixture, "changes.csv", 0, 1);

  /* A third fetch; --since=1 compares with the first. */
  ap_mock_server_set_epoch (fixture->mock, 2);
  fetch (fixture, "third.csv", NULL);
  g_assert_cmpint (run_cli (fixture, FALSE, changes, NULL, NULL), ==, 0);
  assert_changes_file (fixture, "changes.csv", 1, 2);
  {
    const char *args[] = { "--changes", "--since=1", "--export=since.csv", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, NULL), ==, 0);
    assert_changes_file (fixture, "since.csv", 0, 2);
  }

  /* Another query has no earlier snapshot of its own. */
  fetch (fixture, "finance.csv", "--search=Finance");
  {
    const char *args[] = { "--changes", "--search=Finance", "--export=f.csv", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  /* Only CSV; --since must be a number. */
  {
    const char *args[] = { "--changes", "--export=c.json", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--changes", "--since=x", "--export=c.csv", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
}

static guint
count_snapshots (Fixture *fixture)
{
  g_autofree char *out = NULL;
  const char *list[] = { "--list-snapshots", NULL };

  g_assert_cmpint (run_cli (fixture, FALSE, list, &out, NULL), ==, 0);
  return count_lines (out);
}

static void
test_not_saved (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *history = g_build_filename (fixture->data_home, "awareness-performance",
                                               "history.sqlite3", NULL);
  struct stat st;

  /* --no-history, a failed fetch, the demo: nothing saved. */
  fetch (fixture, "a.csv", "--no-history");
  g_assert_cmpuint (count_snapshots (fixture), ==, 0);

  ap_mock_server_add_fault (fixture->mock, AP_MOCK_FAULT_FORBIDDEN, 0, 0);
  {
    const char *args[] = { "--export=b.csv", NULL };
    g_assert_cmpint (run_cli (fixture, TRUE, args, NULL, &err), ==, 1);
    g_clear_pointer (&err, g_free);
  }
  ap_mock_server_clear_faults (fixture->mock);
  {
    const char *args[] = { "--export=demo.csv", "--demo", NULL };
    g_assert_cmpint (run_cli (fixture, FALSE, args, NULL, NULL), ==, 0);
  }
  g_assert_cmpuint (count_snapshots (fixture), ==, 0);

  fetch (fixture, "c.csv", NULL);
  g_assert_cmpuint (count_snapshots (fixture), ==, 1);
  g_assert_cmpint (g_stat (history, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_damaged_history (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (fixture->data_home, "awareness-performance", NULL);
  g_autofree char *history = g_build_filename (folder, "history.sqlite3", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "--export=a.csv", NULL };

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (history, "garbage, not a database", -1, NULL));

  /* The export is made; the history's trouble is a warning that says
   * where the file went. */
  g_assert_cmpint (run_cli (fixture, TRUE, args, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "not saved in the history"));
  g_assert_nonnull (strstr (err, "moved to"));
  g_assert_cmpuint (report_test_count_files (folder), >=, 1);

  /* And the next run starts a new history. */
  fetch (fixture, "b.csv", NULL);
  g_assert_cmpuint (count_snapshots (fixture), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/ap/headless-history/list-and-from-snapshot", test_list_and_from_snapshot);
  ADD ("/ap/headless-history/changes", test_changes);
  ADD ("/ap/headless-history/not-saved", test_not_saved);
  ADD ("/ap/headless-history/damaged-history", test_damaged_history);

  return g_test_run ();
}
