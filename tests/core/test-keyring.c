/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-keyring"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "ap-error.h"
#include "ap-keyring.h"

#define TEST_TIMEOUT_SECONDS 20
#define CHILD_TIMEOUT_USEC   (30 * G_USEC_PER_SEC)

#define CLIENT_SECRET "kEyRiNg-ClIeNt-SeCrEt-7d1f"
#define SECRET_KEY    "a2V5cmluZy1zZWNyZXQta2V5LWJ5dGVz"  /* "keyring-secret-key-bytes" */
#define APP_KEY       "kEyRiNg-app-key-41c2"

/* A bus with no service directories at all: nothing can be activated, so
 * org.freedesktop.secrets is unknown on it. */
static const char bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <auth>EXTERNAL</auth>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

/* ---- helpers ---- */

static gboolean
test_timeout_cb (gpointer user_data)
{
  g_error ("Test timed out after %d s", TEST_TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  gboolean       done;
  gboolean       ok;
  ApCredentials *credentials;
  GError        *error;
} Result;

static void
result_clear (Result *result)
{
  g_clear_object (&result->credentials);
  g_clear_error (&result->error);
  result->done = FALSE;
  result->ok = FALSE;
}

static void
run_until (Result *result)
{
  guint timeout_id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, NULL);

  while (!result->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

static void
store_cb (GObject      *source,
          GAsyncResult *async_result,
          gpointer      user_data)
{
  Result *result = user_data;

  g_assert_false (result->done);
  result->ok = ap_keyring_store_finish (async_result, &result->error);
  g_assert_true (result->ok == (result->error == NULL));
  result->done = TRUE;
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *async_result,
           gpointer      user_data)
{
  Result *result = user_data;

  g_assert_false (result->done);
  result->credentials = ap_keyring_lookup_finish (async_result, &result->error);
  result->ok = result->credentials != NULL;
  g_assert_true (result->ok == (result->error == NULL));
  result->done = TRUE;
}

static void
clear_cb (GObject      *source,
          GAsyncResult *async_result,
          gpointer      user_data)
{
  Result *result = user_data;

  g_assert_false (result->done);
  result->ok = ap_keyring_clear_finish (async_result, &result->error);
  g_assert_true (result->ok == (result->error == NULL));
  result->done = TRUE;
}

static void
store (ApCredentials *credentials,
       GCancellable  *cancellable,
       Result        *result)
{
  result_clear (result);
  ap_keyring_store_async (credentials, cancellable, store_cb, result);
  run_until (result);
}

static void
lookup (GCancellable *cancellable,
        Result       *result)
{
  result_clear (result);
  ap_keyring_lookup_async (cancellable, lookup_cb, result);
  run_until (result);
}

static void
clear (GCancellable *cancellable,
       Result       *result)
{
  result_clear (result);
  ap_keyring_clear_async (cancellable, clear_cb, result);
  run_until (result);
}

static gboolean
bytes_contain (const char *data,
               gsize       length,
               const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (data + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

/* TRUE when @needle occurs in any file under @dir, recursively. */
static gboolean
tree_contains (const char *dir,
               const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return FALSE;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (path, needle))
            return TRUE;
          continue;
        }
      if (g_file_get_contents (path, &contents, &length, NULL) &&
          bytes_contain (contents, length, needle))
        return TRUE;
    }

  return FALSE;
}

/* The bus folder holds only the config and the socket. */
static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

/* The real keyring of a logged-in person must never be touched by a test:
 * only a throw-away HOME, as build-aux/dev test makes, is used. */
static gboolean
in_throwaway_session (void)
{
  const char *home = g_get_home_dir ();

  if (!g_str_has_prefix (home, g_get_tmp_dir ()) && !g_str_has_prefix (home, "/tmp/"))
    {
      g_test_skip ("HOME is not a temporary folder; run through `build-aux/dev test`, which "
                   "starts a throw-away gnome-keyring, rather than touch a real keyring");
      return FALSE;
    }
  return TRUE;
}

/* A HOME and XDG folders of its own, empty, so that any file a fallback
 * would write can be found. */
static char *
isolate_home (void)
{
  g_autoptr(GError) error = NULL;
  char *home = g_dir_make_tmp ("ap-keyring-home-XXXXXX", &error);

  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  return home;
}

static void
assert_unavailable_everywhere (const char *home)
{
  g_autoptr(ApCredentials) creds = ap_credentials_new_api2 (NULL, "client-id", CLIENT_SECRET);
  Result result = { 0 };

  store (creds, NULL, &result);
  g_assert_false (result.ok);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_KEYRING_UNAVAILABLE);
  g_assert_cmpstr (result.error->message, ==,
                   "No keyring service is available; credentials were not saved");

  lookup (NULL, &result);
  g_assert_null (result.credentials);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_KEYRING_UNAVAILABLE);
  g_assert_cmpstr (result.error->message, ==,
                   "No keyring service is available; saved credentials could not be read");

  clear (NULL, &result);
  g_assert_false (result.ok);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_KEYRING_UNAVAILABLE);
  g_assert_cmpstr (result.error->message, ==,
                   "No keyring service is available; saved credentials could not be removed");

  /* No file fallback: the empty HOME stayed empty. */
  g_assert_cmpuint (count_entries (home), ==, 0);
  result_clear (&result);
}

/* ---- tests ---- */

static void
test_round_trip (void)
{
  g_autoptr(ApCredentials) api1 = NULL;
  g_autoptr(ApCredentials) api2 = NULL;
  Result result = { 0 };

  if (!in_throwaway_session ())
    return;

  api1 = ap_credentials_new_api1 ("https://eu-api.mimecast.com", "access-key", SECRET_KEY,
                                  "app-id", APP_KEY);
  api2 = ap_credentials_new_api2 ("http://127.0.0.1:8080", "client-id", CLIENT_SECRET);

  clear (NULL, &result);
  g_assert_no_error (result.error);

  store (api1, NULL, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);

  lookup (NULL, &result);
  g_assert_no_error (result.error);
  g_assert_true (ap_credentials_equal (result.credentials, api1));

  /* A second store replaces the first: one item, the newest. */
  store (api2, NULL, &result);
  g_assert_no_error (result.error);
  lookup (NULL, &result);
  g_assert_no_error (result.error);
  g_assert_true (ap_credentials_equal (result.credentials, api2));
  g_assert_cmpstr (ap_credentials_get_client_secret (result.credentials), ==, CLIENT_SECRET);

  /* Held by the keyring daemon, encrypted: never in plain text in a file. */
  g_assert_false (tree_contains (g_get_home_dir (), CLIENT_SECRET));
  g_assert_false (tree_contains (g_get_home_dir (), SECRET_KEY));

  clear (NULL, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);

  lookup (NULL, &result);
  g_assert_null (result.credentials);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_NO_CREDENTIALS);
  g_assert_true (ap_error_is_credentials (result.error));

  /* Clearing what is not there is fine. */
  clear (NULL, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);

  result_clear (&result);
}

static void
test_lookup_empty (void)
{
  Result result = { 0 };

  if (!in_throwaway_session ())
    return;

  clear (NULL, &result);
  g_assert_no_error (result.error);

  lookup (NULL, &result);
  g_assert_null (result.credentials);
  g_assert_error (result.error, AP_ERROR, AP_ERROR_NO_CREDENTIALS);
  g_assert_cmpstr (result.error->message, ==,
                   "No Mimecast credentials are saved yet. Enter them in Credentials to sign in.");

  result_clear (&result);
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ApCredentials) creds = ap_credentials_new_api2 (NULL, "client-id", CLIENT_SECRET);
  Result result = { 0 };

  if (!in_throwaway_session ())
    return;

  g_cancellable_cancel (cancellable);

  store (creds, cancellable, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  lookup (cancellable, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  clear (cancellable, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  result_clear (&result);
}

static void
test_no_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *bus_dir = g_dir_make_tmp ("ap-keyring-bus-XXXXXX", &error);
      g_autofree char *config_path = NULL;
      g_autofree char *config = NULL;
      g_autofree char *config_arg = NULL;
      g_autofree char *address = NULL;
      g_autofree char *home = NULL;
      g_autoptr(GSubprocess) daemon = NULL;
      g_autoptr(GDataInputStream) out = NULL;

      g_assert_no_error (error);
      config = g_strdup_printf (bus_config, bus_dir);
      config_path = g_build_filename (bus_dir, "bus.conf", NULL);
      g_file_set_contents (config_path, config, -1, &error);
      g_assert_no_error (error);

      config_arg = g_strconcat ("--config-file=", config_path, NULL);
      daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 "dbus-daemon", config_arg, "--print-address=1", "--nofork",
                                 NULL);
      g_assert_no_error (error);

      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
      address = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (address);
      g_strstrip (address);
      g_assert_true (g_str_has_prefix (address, "unix:"));

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      g_unsetenv ("SECRET_BACKEND");
      home = isolate_home ();

      assert_unavailable_everywhere (home);

      g_subprocess_force_exit (daemon);
      g_subprocess_wait (daemon, NULL, NULL);
      g_rmdir (home);
      remove_tree (bus_dir);
      return;
    }

  g_test_trap_subprocess (NULL, CHILD_TIMEOUT_USEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *home = NULL;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
      g_unsetenv ("SECRET_BACKEND");
      home = isolate_home ();

      assert_unavailable_everywhere (home);

      g_rmdir (home);
      return;
    }

  g_test_trap_subprocess (NULL, CHILD_TIMEOUT_USEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/keyring/round-trip", test_round_trip);
  g_test_add_func ("/ap/keyring/lookup-empty", test_lookup_empty);
  g_test_add_func ("/ap/keyring/cancelled", test_cancelled);
  g_test_add_func ("/ap/keyring/no-service", test_no_service);
  g_test_add_func ("/ap/keyring/no-bus", test_no_bus);

  return g_test_run ();
}
