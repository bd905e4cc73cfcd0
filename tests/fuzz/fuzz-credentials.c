/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-credentials"

#include "config.h"

#include <gio/gio.h>

#include "ap-credentials.h"
#include "ap-error.h"
#include "fuzz.h"

/* The credentials validator (ap_credentials_validate(), with
 * ap_base_url_check() and ap_base64_is_valid()) on any field values, and the
 * keyring reader (ap_credentials_deserialize()) on any text. Layout of an
 * input: byte 0 picks the mode (bit 0: API 1.0), then NUL-separated pieces:
 * base URL and the mode's keys. The first piece after byte 0 also goes to the
 * keyring reader whole. Credentials it accepts must survive the keyring's
 * round trip unchanged; a refusal names a field, never a key's value. */

#define N_PIECES 5

/* Whether @value looks enough like a key that finding it in a message means
 * the message quoted it, rather than the fuzzer spelling out the message's
 * own words: long, and with digits no message has in a row. */
static gboolean
looks_like_a_key (const char *value)
{
  guint digits = 0;

  if (value == NULL || strlen (value) < 16)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      digits++;
  return digits >= 3;
}

static void
check_round_trip (ApCredentials *credentials)
{
  g_autoptr(ApCredentials) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *serialized = ap_credentials_serialize (credentials);

  g_assert_nonnull (serialized);
  again = ap_credentials_deserialize (serialized, &error);
  g_assert_no_error (error);
  g_assert_true (ap_credentials_equal (credentials, again));
}

static void
check_base64 (const char *text)
{
  g_autofree guchar *decoded = NULL;
  gsize length, decoded_length, padding = 0;

  if (!ap_base64_is_valid (text))
    return;
  length = strlen (text);
  if (text[length - 1] == '=')
    padding++;
  if (text[length - 2] == '=')
    padding++;
  decoded = g_base64_decode (text, &decoded_length);
  g_assert_cmpuint (decoded_length, ==, length / 4 * 3 - padding);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ApCredentials) credentials = NULL;
  g_autoptr(ApCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) url_error = NULL;
  char *pieces[N_PIECES];
  gboolean api1;

  fuzz_init ();

  if (size < 1)
    return 0;

  api1 = data[0] & 1;
  fuzz_split (data + 1, size - 1, pieces, N_PIECES);

  /* What the keyring hands back is any text another program could store. */
  stored = ap_credentials_deserialize (pieces[0], NULL);
  if (stored != NULL)
    check_round_trip (stored);

  if (api1)
    credentials = ap_credentials_new_api1 (pieces[0], pieces[1], pieces[2], pieces[3], pieces[4]);
  else
    credentials = ap_credentials_new_api2 (pieces[0], pieces[1], pieces[2]);

  for (guint i = 0; i < N_PIECES; i++)
    check_base64 (pieces[i]);

  if (pieces[0] != NULL && !ap_base_url_check (pieces[0], &url_error))
    {
      g_assert_error (url_error, AP_ERROR, AP_ERROR_INSECURE_URL);
      g_assert_true (g_utf8_validate (url_error->message, -1, NULL));
    }

  if (!ap_credentials_validate (credentials, &error))
    {
      g_assert_true (g_error_matches (error, AP_ERROR, AP_ERROR_INVALID_CREDENTIALS) ||
                     g_error_matches (error, AP_ERROR, AP_ERROR_INSECURE_URL));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      for (guint i = 1; i < N_PIECES; i++)
        if (looks_like_a_key (pieces[i]))
          g_assert_null (strstr (error->message, pieces[i]));
      fuzz_free_pieces (pieces, N_PIECES);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_true (ap_base_url_check (ap_credentials_get_base_url (credentials), NULL));
  check_round_trip (credentials);

  fuzz_free_pieces (pieces, N_PIECES);
  return 0;
}
