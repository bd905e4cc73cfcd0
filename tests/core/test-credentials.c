/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-credentials"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ap-credentials.h"
#include "ap-error.h"

static const char *self_path;

/* Recognisable values: any message containing one of them leaked a secret. */
#define SECRET_KEY     "c2VjcmV0LWtleS1ieXRlcw=="   /* "secret-key-bytes" */
#define CLIENT_SECRET  "cl1ent-s3cret-VALUE"
#define APP_KEY        "app-key-VALUE-1234"
#define ACCESS_KEY     "mYtOL3XZCOwG96BOiFTZRmGcRj3ApuncxL4iOg"
#define APP_ID         "8bd6a8a5-0f5d-4cb6-a2f3-0000deadbeef"

static void
assert_no_secret (const char *message)
{
  g_assert_nonnull (message);
  g_assert_null (strstr (message, "c2VjcmV0"));
  g_assert_null (strstr (message, "cl1ent"));
  g_assert_null (strstr (message, "app-key-VALUE"));
  g_assert_null (strstr (message, "not-base64"));
}

static void
test_base64 (void)
{
  static const char *valid[] = {
    "AA==", "AAA=", "AAAA", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "+/+/", SECRET_KEY,
    "dGhpcyBpcyBhIHNlY3JldCBrZXkgd2l0aCBzb21lIGxlbmd0aA==",
  };
  static const char *invalid[] = {
    "", "A", "AA", "AAA", "AAAAA", "A===", "====", "AA=A", "AA==AA==", "=AAA",
    "AA-_", "AA A", "Zm9v\n", " Zm9v", "Zm9v ", "Zm9\xc3\xa9", "Zm9vYg", "Zm9vYg=",
    "Zm9vYg===", "Zm9v\tYg==", "Zm9v.g==",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (ap_base64_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      if (ap_base64_is_valid (invalid[i]))
        g_error ("“%s” was accepted as base64", invalid[i]);
    }
  g_assert_false (ap_base64_is_valid (NULL));
}

static void
test_api2 (void)
{
  g_autoptr(ApCredentials) creds = NULL;
  g_autoptr(ApCredentials) custom = NULL;
  g_autoptr(GError) error = NULL;

  creds = ap_credentials_new_api2 (NULL, "client-id", CLIENT_SECRET);
  g_assert_cmpint (ap_credentials_get_mode (creds), ==, AP_AUTH_MODE_API2);
  g_assert_cmpstr (ap_credentials_get_base_url (creds), ==, "https://api.services.mimecast.com");
  g_assert_cmpstr (ap_credentials_get_client_id (creds), ==, "client-id");
  g_assert_cmpstr (ap_credentials_get_client_secret (creds), ==, CLIENT_SECRET);
  g_assert_null (ap_credentials_get_access_key (creds));
  g_assert_null (ap_credentials_get_secret_key (creds));
  g_assert_true (ap_credentials_validate (creds, &error));
  g_assert_no_error (error);

  custom = ap_credentials_new_api2 ("http://127.0.0.1:8080/", "client-id", CLIENT_SECRET);
  g_assert_cmpstr (ap_credentials_get_base_url (custom), ==, "http://127.0.0.1:8080");
  g_assert_true (ap_credentials_validate (custom, NULL));
}

static void
assert_invalid (ApCredentials *creds,
                int            code,
                const char    *expected_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ap_credentials_validate (creds, &error));
  g_assert_error (error, AP_ERROR, code);
  g_assert_cmpstr (error->message, ==, expected_message);
  assert_no_secret (error->message);
}

static void
test_missing_fields (void)
{
  struct {
    ApCredentials *creds;
    const char *message;
  } cases[] = {
    { ap_credentials_new_api2 (NULL, NULL, CLIENT_SECRET), "Client ID: this field is required" },
    { ap_credentials_new_api2 (NULL, "id", ""), "Client Secret: this field is required" },
    { ap_credentials_new_api2 (NULL, "id", "  "), "Client Secret: this field is required" },
    { ap_credentials_new_api1 ("https://eu-api.mimecast.com", "", SECRET_KEY, APP_ID, APP_KEY),
      "Access Key: this field is required" },
    { ap_credentials_new_api1 ("https://eu-api.mimecast.com", ACCESS_KEY, NULL, APP_ID, APP_KEY),
      "Secret Key: this field is required" },
    { ap_credentials_new_api1 ("https://eu-api.mimecast.com", ACCESS_KEY, SECRET_KEY, NULL,
                               APP_KEY),
      "Application ID: this field is required" },
    { ap_credentials_new_api1 ("https://eu-api.mimecast.com", ACCESS_KEY, SECRET_KEY, APP_ID,
                               NULL),
      "Application Key: this field is required" },
    { ap_credentials_new_api1 (NULL, ACCESS_KEY, SECRET_KEY, APP_ID, APP_KEY),
      "Base URL: choose your region or enter the address of your Mimecast API" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      assert_invalid (cases[i].creds, AP_ERROR_INVALID_CREDENTIALS, cases[i].message);
      g_object_unref (cases[i].creds);
    }
}

static void
test_bad_values_not_echoed (void)
{
  g_autoptr(ApCredentials) bad_key = NULL;
  g_autoptr(ApCredentials) newline = NULL;
  g_autoptr(ApCredentials) app_key = NULL;
  g_autoptr(ApCredentials) url = NULL;
  g_autoptr(GError) error = NULL;

  bad_key = ap_credentials_new_api1 ("https://eu-api.mimecast.com", ACCESS_KEY,
                                     "c2VjcmV0-not-base64!", APP_ID, APP_KEY);
  g_assert_false (ap_credentials_validate (bad_key, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
  g_assert_true (g_str_has_prefix (error->message, "Secret Key: this is not valid base64"));
  assert_no_secret (error->message);
  g_clear_error (&error);

  newline = ap_credentials_new_api2 (NULL, "id", CLIENT_SECRET "\r\nX-Evil: 1");
  g_assert_false (ap_credentials_validate (newline, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
  g_assert_true (g_str_has_prefix (error->message, "Client Secret: contains line breaks"));
  assert_no_secret (error->message);
  g_clear_error (&error);

  app_key = ap_credentials_new_api1 ("https://eu-api.mimecast.com", ACCESS_KEY, SECRET_KEY,
                                     APP_ID, APP_KEY "\n");
  g_assert_false (ap_credentials_validate (app_key, &error));
  g_assert_true (g_str_has_prefix (error->message, "Application Key: contains line breaks"));
  assert_no_secret (error->message);
  g_clear_error (&error);

  /* A C1 control (NEL) is a line break too, as it is for a query's search. */
  g_clear_object (&app_key);
  app_key = ap_credentials_new_api1 ("https://eu-api.mimecast.com", ACCESS_KEY, SECRET_KEY,
                                     APP_ID, APP_KEY "\xc2\x85");
  g_assert_false (ap_credentials_validate (app_key, &error));
  g_assert_true (g_str_has_prefix (error->message, "Application Key: contains line breaks"));
  g_clear_error (&error);

  /* A password pasted into the URL is not quoted back either. */
  url = ap_credentials_new_api2 ("https://admin:app-key-VALUE@eu-api.mimecast.com", "id",
                                 CLIENT_SECRET);
  g_assert_false (ap_credentials_validate (url, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INSECURE_URL);
  assert_no_secret (error->message);
}

static void
test_api1_valid (void)
{
  g_autoptr(ApCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;

  creds = ap_credentials_new_api1 ("https://eu-api.mimecast.com//", ACCESS_KEY, SECRET_KEY,
                                   APP_ID, APP_KEY);
  g_assert_cmpint (ap_credentials_get_mode (creds), ==, AP_AUTH_MODE_API1);
  g_assert_cmpstr (ap_credentials_get_base_url (creds), ==, "https://eu-api.mimecast.com");
  g_assert_cmpstr (ap_credentials_get_access_key (creds), ==, ACCESS_KEY);
  g_assert_cmpstr (ap_credentials_get_secret_key (creds), ==, SECRET_KEY);
  g_assert_cmpstr (ap_credentials_get_app_id (creds), ==, APP_ID);
  g_assert_cmpstr (ap_credentials_get_app_key (creds), ==, APP_KEY);
  g_assert_null (ap_credentials_get_client_id (creds));
  g_assert_null (ap_credentials_get_client_secret (creds));
  g_assert_true (ap_credentials_validate (creds, &error));
  g_assert_no_error (error);
}

static void
test_url_rules (void)
{
  static const char *accepted[] = {
    "https://eu-api.mimecast.com",
    "https://eu-api.mimecast.com/",
    "HTTPS://EU-API.MIMECAST.COM",
    "https://10.1.2.3:8443",
    "https://[2001:db8::1]",
    "http://127.0.0.1",
    "http://127.0.0.1:45678",
    "http://127.1.2.3:80/",
    "http://[::1]:8080",
    "http://localhost",
    "http://LOCALHOST:9000",
  };
  static const char *refused[] = {
    "",
    "eu-api.mimecast.com",
    "http://eu-api.mimecast.com",
    "http://192.168.1.10",
    "http://10.0.0.1:8080",
    "http://[2001:db8::1]",
    "http://[::ffff:7f00:1]",
    "http://localhost.example.com",
    "http://127.0.0.1.nip.io",
    "http://2130706433",
    "ftp://127.0.0.1",
    "file:///etc/passwd",
    "https://",
    "https:///path",
    "https://user:pw@eu-api.mimecast.com",
    "https://eu-api.mimecast.com/api",
    "https://eu-api.mimecast.com?x=1",
    "https://eu-api.mimecast.com#top",
    "https://eu-api.mimecast.com\n",
    "https://eu api.mimecast.com",
    "https://eu-api.mimecast.com:notaport",
    "::::",
    "https://[::1",
    "javascript:alert(1)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!ap_base_url_check (accepted[i], &error))
        g_error ("“%s” was refused: %s", accepted[i], error->message);
    }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      if (ap_base_url_check (refused[i], &error))
        g_error ("“%s” was accepted", refused[i]);
      g_assert_error (error, AP_ERROR, AP_ERROR_INSECURE_URL);
      g_assert_true (g_str_has_prefix (error->message, "Base URL: "));
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (ap_base_url_check ("http://example.com", &error));
    g_assert_cmpstr (error->message, ==,
                     "Base URL: plain http:// is only allowed to this computer (localhost, "
                     "127.0.0.1 or ::1); use https:// so that your keys are not sent "
                     "unencrypted");
  }
}

static void
test_insecure_credentials (void)
{
  g_autoptr(ApCredentials) creds = NULL;

  creds = ap_credentials_new_api2 ("http://api.services.mimecast.com", "id", CLIENT_SECRET);
  assert_invalid (creds, AP_ERROR_INSECURE_URL,
                  "Base URL: plain http:// is only allowed to this computer (localhost, "
                  "127.0.0.1 or ::1); use https:// so that your keys are not sent unencrypted");
}

static void
clear_environment (void)
{
  static const char *names[] = {
    "MIMECAST_BASE_URL", "MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET", "MIMECAST_ACCESS_KEY",
    "MIMECAST_SECRET_KEY", "MIMECAST_APP_ID", "MIMECAST_APP_KEY",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_unsetenv (names[i]);
}

static void
assert_env_error (const char *expected_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ApCredentials) creds = ap_credentials_new_from_environment (&error);

  g_assert_null (creds);
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, expected_message);
  assert_no_secret (error->message);
}

static void
test_environment (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ApCredentials) api2 = NULL;
  g_autoptr(ApCredentials) api1 = NULL;
  g_autoptr(ApCredentials) none = NULL;

  clear_environment ();
  none = ap_credentials_new_from_environment (&error);
  g_assert_null (none);
  g_assert_no_error (error);

  /* Empty counts as unset. */
  g_setenv ("MIMECAST_CLIENT_ID", "", TRUE);
  none = ap_credentials_new_from_environment (&error);
  g_assert_null (none);
  g_assert_no_error (error);

  g_setenv ("MIMECAST_BASE_URL", "https://api.services.mimecast.com", TRUE);
  assert_env_error ("MIMECAST_BASE_URL is set, but neither MIMECAST_CLIENT_ID and "
                    "MIMECAST_CLIENT_SECRET (API 2.0) nor MIMECAST_ACCESS_KEY, "
                    "MIMECAST_SECRET_KEY, MIMECAST_APP_ID and MIMECAST_APP_KEY (API 1.0) are");
  g_unsetenv ("MIMECAST_BASE_URL");

  /* API 2.0 */
  g_setenv ("MIMECAST_CLIENT_ID", "client-id", TRUE);
  assert_env_error ("The environment variable MIMECAST_CLIENT_SECRET is not set; it is needed "
                    "together with the other MIMECAST_CLIENT_ID variables");
  g_unsetenv ("MIMECAST_CLIENT_ID");
  g_setenv ("MIMECAST_CLIENT_SECRET", CLIENT_SECRET, TRUE);
  assert_env_error ("The environment variable MIMECAST_CLIENT_ID is not set; it is needed "
                    "together with the other MIMECAST_CLIENT_ID variables");
  g_setenv ("MIMECAST_CLIENT_ID", "client-id", TRUE);
  api2 = ap_credentials_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_nonnull (api2);
  g_assert_cmpint (ap_credentials_get_mode (api2), ==, AP_AUTH_MODE_API2);
  g_assert_cmpstr (ap_credentials_get_base_url (api2), ==, AP_API2_DEFAULT_BASE_URL);
  g_assert_cmpstr (ap_credentials_get_client_id (api2), ==, "client-id");
  g_assert_cmpstr (ap_credentials_get_client_secret (api2), ==, CLIENT_SECRET);
  g_clear_object (&api2);

  g_setenv ("MIMECAST_BASE_URL", "http://127.0.0.1:4000/", TRUE);
  api2 = ap_credentials_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (ap_credentials_get_base_url (api2), ==, "http://127.0.0.1:4000");

  /* Both sets at once is ambiguous. */
  g_setenv ("MIMECAST_ACCESS_KEY", ACCESS_KEY, TRUE);
  assert_env_error ("Both API 2.0 (MIMECAST_CLIENT_ID, MIMECAST_CLIENT_SECRET) and API 1.0 "
                    "(MIMECAST_ACCESS_KEY, …) variables are set; unset one of the two sets");

  /* API 1.0 */
  clear_environment ();
  g_setenv ("MIMECAST_ACCESS_KEY", ACCESS_KEY, TRUE);
  g_setenv ("MIMECAST_SECRET_KEY", SECRET_KEY, TRUE);
  g_setenv ("MIMECAST_APP_ID", APP_ID, TRUE);
  g_setenv ("MIMECAST_APP_KEY", APP_KEY, TRUE);
  assert_env_error ("The environment variable MIMECAST_BASE_URL is not set; API 1.0 needs your "
                    "region's address, e.g. https://eu-api.mimecast.com");
  g_setenv ("MIMECAST_BASE_URL", "https://de-api.mimecast.com", TRUE);
  g_unsetenv ("MIMECAST_APP_KEY");
  assert_env_error ("The environment variable MIMECAST_APP_KEY is not set; it is needed "
                    "together with the other MIMECAST_ACCESS_KEY variables");
  g_setenv ("MIMECAST_APP_KEY", APP_KEY, TRUE);
  g_setenv ("MIMECAST_SECRET_KEY", "", TRUE);
  assert_env_error ("The environment variable MIMECAST_SECRET_KEY is not set; it is needed "
                    "together with the other MIMECAST_ACCESS_KEY variables");
  g_setenv ("MIMECAST_SECRET_KEY", SECRET_KEY, TRUE);

  api1 = ap_credentials_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_cmpint (ap_credentials_get_mode (api1), ==, AP_AUTH_MODE_API1);
  g_assert_cmpstr (ap_credentials_get_base_url (api1), ==, "https://de-api.mimecast.com");
  g_assert_cmpstr (ap_credentials_get_access_key (api1), ==, ACCESS_KEY);
  g_assert_cmpstr (ap_credentials_get_secret_key (api1), ==, SECRET_KEY);
  g_assert_cmpstr (ap_credentials_get_app_id (api1), ==, APP_ID);
  g_assert_cmpstr (ap_credentials_get_app_key (api1), ==, APP_KEY);
  g_assert_true (ap_credentials_validate (api1, NULL));

  clear_environment ();
}

/* The environment of a fresh process, as the headless export sees it. */
static void
test_environment_subprocess (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ApCredentials) creds = ap_credentials_new_from_environment (&error);

      g_assert_no_error (error);
      g_assert_nonnull (creds);
      g_assert_cmpint (ap_credentials_get_mode (creds), ==, AP_AUTH_MODE_API2);
      g_assert_cmpstr (ap_credentials_get_client_id (creds), ==, "from-env");
      g_assert_true (ap_credentials_validate (creds, NULL));
      g_print ("ok\n");
      return;
    }

  {
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) child = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_subprocess_launcher_unsetenv (launcher, "MIMECAST_ACCESS_KEY");
    g_subprocess_launcher_unsetenv (launcher, "MIMECAST_BASE_URL");
    g_subprocess_launcher_setenv (launcher, "MIMECAST_CLIENT_ID", "from-env", TRUE);
    g_subprocess_launcher_setenv (launcher, "MIMECAST_CLIENT_SECRET", CLIENT_SECRET, TRUE);
    child = g_subprocess_launcher_spawn (launcher, &error, self_path, "-q", "-p",
                                         "/ap/credentials/environment-subprocess",
                                         "--GTestSubprocess", NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (child, NULL, NULL, &out, &err, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_exited (child));
    if (g_subprocess_get_exit_status (child) != 0)
      g_error ("child failed: %s", err);
    g_assert_nonnull (strstr (out, "ok"));
    /* Nothing of the secret is ever printed. */
    g_assert_null (strstr (out, "cl1ent"));
    g_assert_null (strstr (err, "cl1ent"));
  }
}

static void
test_serialize_round_trip (void)
{
  g_autoptr(ApCredentials) api1 = NULL;
  g_autoptr(ApCredentials) api2 = NULL;
  g_autoptr(ApCredentials) back1 = NULL;
  g_autoptr(ApCredentials) back2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data1 = NULL;
  g_autofree char *data2 = NULL;

  api1 = ap_credentials_new_api1 ("https://za-api.mimecast.com", ACCESS_KEY, SECRET_KEY, APP_ID,
                                  APP_KEY);
  api2 = ap_credentials_new_api2 ("http://[::1]:9999", "ïd-ünicode", CLIENT_SECRET "\"\\");

  data1 = ap_credentials_serialize (api1);
  data2 = ap_credentials_serialize (api2);
  g_assert_true (g_str_has_prefix (data1, "{\"version\":1,\"mode\":\"api1\""));
  g_assert_true (g_str_has_prefix (data2, "{\"version\":1,\"mode\":\"api2\""));
  /* Only the members of the mode. */
  g_assert_null (strstr (data1, "clientId"));
  g_assert_null (strstr (data2, "secretKey"));

  back1 = ap_credentials_deserialize (data1, &error);
  g_assert_no_error (error);
  back2 = ap_credentials_deserialize (data2, &error);
  g_assert_no_error (error);

  g_assert_true (ap_credentials_equal (api1, back1));
  g_assert_true (ap_credentials_equal (api2, back2));
  g_assert_false (ap_credentials_equal (back1, back2));
  g_assert_cmpstr (ap_credentials_get_client_secret (back2), ==, CLIENT_SECRET "\"\\");
  g_assert_cmpstr (ap_credentials_get_secret_key (back1), ==, SECRET_KEY);
}

static void
test_equal (void)
{
  g_autoptr(ApCredentials) a = ap_credentials_new_api2 (NULL, "id", "s");
  g_autoptr(ApCredentials) b = ap_credentials_new_api2 (AP_API2_DEFAULT_BASE_URL "/", "id", "s");
  g_autoptr(ApCredentials) c = ap_credentials_new_api2 (NULL, "id", "t");
  g_autoptr(ApCredentials) d = ap_credentials_new_api2 ("https://other.example.com", "id", "s");

  g_assert_true (ap_credentials_equal (a, b));
  g_assert_true (ap_credentials_equal (a, a));
  g_assert_false (ap_credentials_equal (a, c));
  g_assert_false (ap_credentials_equal (a, d));
  g_assert_false (ap_credentials_equal (a, NULL));
  g_assert_true (ap_credentials_equal (NULL, NULL));
}

/* A base URL of only slashes (or blanks) is no URL, on every path in: once it loaded as "" and
 * came back as none after the next save (found by tests/fuzz/fuzz-credentials.c). */
static void
test_base_url_only_slashes (void)
{
  g_autoptr(ApCredentials) api1 = ap_credentials_new_api1 (" /// ", "a", "c2VjcmV0", "b", "c");
  g_autoptr(ApCredentials) api2 = ap_credentials_new_api2 ("//", "id", "secret");
  g_autoptr(ApCredentials) loaded = NULL;
  g_autoptr(ApCredentials) reloaded = NULL;
  g_autofree char *saved = NULL;

  g_assert_null (ap_credentials_get_base_url (api1));
  g_assert_cmpstr (ap_credentials_get_base_url (api2), ==, AP_API2_DEFAULT_BASE_URL);

  loaded = ap_credentials_deserialize ("{\"version\":1,\"mode\":\"api1\",\"baseUrl\":\"///\"}",
                                       NULL);
  g_assert_nonnull (loaded);
  g_assert_null (ap_credentials_get_base_url (loaded));
  saved = ap_credentials_serialize (loaded);
  reloaded = ap_credentials_deserialize (saved, NULL);
  g_assert_true (ap_credentials_equal (loaded, reloaded));
}

/* Trailing blanks and slashes in any mix come off together, so what is saved
 * loads back the same (found by tests/fuzz/fuzz-credentials.c: "x\r\r/" was
 * trimmed to "x\r\r" once and to "x" on the next load). */
static void
test_base_url_trailing_blanks_and_slashes (void)
{
  g_autoptr(ApCredentials) loaded = NULL;
  g_autoptr(ApCredentials) reloaded = NULL;
  g_autoptr(ApCredentials) api2 = ap_credentials_new_api2 ("https://eu-api.example.com/ \t//\r\n",
                                                            "id", "secret");
  g_autofree char *saved = NULL;

  g_assert_cmpstr (ap_credentials_get_base_url (api2), ==, "https://eu-api.example.com");

  loaded = ap_credentials_deserialize ("{\"version\":1,\"mode\":\"api1\","
                                       "\"baseUrl\":\"////cs`cio\\r\\r\\r\\r/\"}", NULL);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (ap_credentials_get_base_url (loaded), ==, "////cs`cio");
  saved = ap_credentials_serialize (loaded);
  reloaded = ap_credentials_deserialize (saved, NULL);
  g_assert_true (ap_credentials_equal (loaded, reloaded));
}

static void
test_deserialize_garbage (void)
{
  static const char *garbage[] = {
    "",
    "not json " CLIENT_SECRET,
    "[]",
    "{}",
    "{\"version\":2,\"mode\":\"api2\",\"clientId\":\"x\"}",
    "{\"version\":\"1\",\"mode\":\"api2\"}",
    "{\"version\":1,\"mode\":\"api3\"}",
    "{\"version\":1,\"mode\":\"api2\",\"clientId\":5}",
    "{\"version\":1,\"mode\":\"api2\",\"clientSecret\":[\"" CLIENT_SECRET "\"]}",
    "{\"version\":1,\"mode\":\"api1\",\"baseUrl\":{}}",
    "{\"version\":1,\"mode\":\"api2\",\"clientId\":\"x\"",
    /* two values: json-glib 1.6 would leak the first (the sanitizer lane sees it) */
    "[][]",
    "{\"version\":1,\"mode\":\"api2\",\"clientId\":\"x\"}{}",
  };
  g_autoptr(GString) deep = g_string_new ("{\"version\":1,\"mode\":\"api2\",\"clientId\":");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ApCredentials) creds = ap_credentials_deserialize (garbage[i], &error);

      if (creds != NULL)
        g_error ("“%s” was accepted", garbage[i]);
      g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
      g_assert_cmpstr (error->message, ==,
                       "The saved credentials could not be read; enter them again");
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ApCredentials) creds = ap_credentials_deserialize (deep->str, &error);

    g_assert_null (creds);
    g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS);
  }
}

static void
test_regions (void)
{
  static const char *ids[] = { "eu", "de", "us", "ca", "za", "au" };
  const ApRegion *regions = ap_credentials_get_regions ();
  guint n = 0;

  for (; regions[n].id != NULL; n++)
    {
      g_autofree char *expected = g_strdup_printf ("https://%s-api.mimecast.com", ids[n]);

      g_assert_cmpuint (n, <, G_N_ELEMENTS (ids));
      g_assert_cmpstr (regions[n].id, ==, ids[n]);
      g_assert_cmpstr (regions[n].base_url, ==, expected);
      g_assert_nonnull (regions[n].label);
      g_assert_cmpstr (regions[n].label, !=, "");
      g_assert_true (ap_base_url_check (regions[n].base_url, NULL));
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (ids));
  g_assert_null (regions[n].label);
  g_assert_null (regions[n].base_url);
}

static void
test_mode_strings (void)
{
  ApAuthMode mode = AP_AUTH_MODE_API2;

  g_assert_cmpstr (ap_auth_mode_to_string (AP_AUTH_MODE_API2), ==, "api2");
  g_assert_cmpstr (ap_auth_mode_to_string (AP_AUTH_MODE_API1), ==, "api1");
  g_assert_true (ap_auth_mode_from_string ("api1", &mode));
  g_assert_cmpint (mode, ==, AP_AUTH_MODE_API1);
  g_assert_true (ap_auth_mode_from_string ("api2", &mode));
  g_assert_cmpint (mode, ==, AP_AUTH_MODE_API2);
  g_assert_false (ap_auth_mode_from_string ("API1", &mode));
  g_assert_false (ap_auth_mode_from_string (NULL, &mode));
}

/* Properties are what inspectors, bindings and debug dumps show: no secret
 * may be one. */
static void
test_no_secret_properties (void)
{
  g_autoptr(ApCredentials) creds = ap_credentials_new_api1 ("https://eu-api.mimecast.com",
                                                            ACCESS_KEY, SECRET_KEY, APP_ID,
                                                            APP_KEY);
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (creds), &n_pspecs);
  g_assert_cmpuint (n_pspecs, ==, 2);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *contents = NULL;

      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (creds), pspecs[i]->name, &value);
      contents = g_strdup_value_contents (&value);
      assert_no_secret (contents);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/credentials/base64", test_base64);
  g_test_add_func ("/ap/credentials/api2", test_api2);
  g_test_add_func ("/ap/credentials/api1-valid", test_api1_valid);
  g_test_add_func ("/ap/credentials/missing-fields", test_missing_fields);
  g_test_add_func ("/ap/credentials/bad-values-not-echoed", test_bad_values_not_echoed);
  g_test_add_func ("/ap/credentials/url-rules", test_url_rules);
  g_test_add_func ("/ap/credentials/insecure", test_insecure_credentials);
  g_test_add_func ("/ap/credentials/environment", test_environment);
  g_test_add_func ("/ap/credentials/environment-subprocess", test_environment_subprocess);
  g_test_add_func ("/ap/credentials/serialize-round-trip", test_serialize_round_trip);
  g_test_add_func ("/ap/credentials/equal", test_equal);
  g_test_add_func ("/ap/credentials/deserialize-garbage", test_deserialize_garbage);
  g_test_add_func ("/ap/credentials/base-url-only-slashes", test_base_url_only_slashes);
  g_test_add_func ("/ap/credentials/base-url-trailing-blanks-and-slashes",
                   test_base_url_trailing_blanks_and_slashes);
  g_test_add_func ("/ap/credentials/regions", test_regions);
  g_test_add_func ("/ap/credentials/mode-strings", test_mode_strings);
  g_test_add_func ("/ap/credentials/no-secret-properties", test_no_secret_properties);

  return g_test_run ();
}
