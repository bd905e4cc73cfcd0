/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-keyring"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "ap-error.h"
#include "ap-keyring.h"

/* One item per user: the attribute only tells our item apart from anything
 * else a future version might store under the same schema. Named after the
 * base ID so that development and release builds share the credentials. */
static const SecretSchema credentials_schema = {
  BASE_APPLICATION_ID, SECRET_SCHEMA_NONE,
  {
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

#define KIND_CREDENTIALS "api-credentials"

typedef enum
{
  OPERATION_STORE,
  OPERATION_LOOKUP,
  OPERATION_CLEAR,
} Operation;

static gboolean
is_unavailable_error (const GError *error)
{
  /* No session bus at all: g_bus_get() fails with a G_IO_ERROR (no such
   * socket, refused, cannot autolaunch). Cancellation is not this. */
  if (error->domain == G_IO_ERROR)
    return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* A bus without org.freedesktop.secrets, or whose activation fails. */
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          return TRUE;
        default:
          break;
        }
    }

  /* Remote errors GDBus has no mapping for keep only their text. */
  return error->message != NULL &&
         strstr (error->message, "was not provided by any .service files") != NULL;
}

/* Consumes @error; G_IO_ERROR_CANCELLED passes through unchanged. */
static void
return_mapped_error (GTask     *task,
                     GError    *error,
                     Operation  operation)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == AP_ERROR)
    {
      g_task_return_error (task, error);
      return;
    }

  /* libsecret's messages carry no secrets; they are kept for the log and,
   * for the rare refusals, in the message as the only detail there is. */
  g_debug ("Keyring operation failed: %s (%s, %d)", error->message,
           g_quark_to_string (error->domain), error->code);

  if (is_unavailable_error (error))
    {
      switch (operation)
        {
        case OPERATION_STORE:
          g_task_return_new_error (task, AP_ERROR, AP_ERROR_KEYRING_UNAVAILABLE, "%s",
                                   _("No keyring service is available; credentials were not "
                                     "saved"));
          break;
        case OPERATION_LOOKUP:
          g_task_return_new_error (task, AP_ERROR, AP_ERROR_KEYRING_UNAVAILABLE, "%s",
                                   _("No keyring service is available; saved credentials "
                                     "could not be read"));
          break;
        case OPERATION_CLEAR:
          g_task_return_new_error (task, AP_ERROR, AP_ERROR_KEYRING_UNAVAILABLE, "%s",
                                   _("No keyring service is available; saved credentials "
                                     "could not be removed"));
          break;
        default:
          g_assert_not_reached ();
        }
    }
  else
    {
      switch (operation)
        {
        case OPERATION_STORE:
          g_task_return_new_error (task, AP_ERROR, AP_ERROR_KEYRING,
                                   _("The keyring did not save the credentials (%s). Unlock "
                                     "the keyring and try again."), error->message);
          break;
        case OPERATION_LOOKUP:
          g_task_return_new_error (task, AP_ERROR, AP_ERROR_KEYRING,
                                   _("The keyring did not give out the saved credentials (%s). "
                                     "Unlock the keyring and try again."), error->message);
          break;
        case OPERATION_CLEAR:
          g_task_return_new_error (task, AP_ERROR, AP_ERROR_KEYRING,
                                   _("The keyring did not remove the saved credentials (%s). "
                                     "Unlock the keyring and try again."), error->message);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  g_error_free (error);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_mapped_error (task, error, OPERATION_STORE);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ap_keyring_store_async:
 *
 * Replaces whatever was stored before. The credentials are stored as they
 * are: validating them is the caller's business.
 */
void
ap_keyring_store_async (ApCredentials       *credentials,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *secret;

  g_return_if_fail (AP_IS_CREDENTIALS (credentials));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_keyring_store_async);

  secret = ap_credentials_serialize (credentials);
  /* libsecret copies the secret into its own non-pageable memory before
   * this returns, so ours is wiped and freed at once. */
  secret_password_store (&credentials_schema, SECRET_COLLECTION_DEFAULT,
                         _("Awareness Performance: Mimecast API credentials"),
                         secret, cancellable, store_cb, g_steal_pointer (&task),
                         "kind", KIND_CREDENTIALS,
                         NULL);
  secret_password_free (secret);
}

gboolean
ap_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_keyring_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ApCredentials) credentials = NULL;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      return_mapped_error (task, error, OPERATION_LOOKUP);
      return;
    }

  if (secret == NULL)
    {
      g_task_return_new_error (task, AP_ERROR, AP_ERROR_NO_CREDENTIALS, "%s",
                               _("No Mimecast credentials are saved yet. Enter them in "
                                 "Credentials to sign in."));
      return;
    }

  credentials = ap_credentials_deserialize (secret, &error);
  secret_password_free (secret);

  if (credentials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&credentials), g_object_unref);
}

void
ap_keyring_lookup_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_keyring_lookup_async);

  secret_password_lookup (&credentials_schema, cancellable, lookup_cb, task,
                          "kind", KIND_CREDENTIALS,
                          NULL);
}

/**
 * ap_keyring_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the stored credentials, unvalidated;
 *   NULL with AP_ERROR_NO_CREDENTIALS when none are stored, or
 *   AP_ERROR_INVALID_CREDENTIALS when what is stored cannot be read
 */
ApCredentials *
ap_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_keyring_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error means there was nothing to remove: that is the
   * state the caller asked for. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    return_mapped_error (task, error, OPERATION_CLEAR);
  else
    g_task_return_boolean (task, TRUE);
}

void
ap_keyring_clear_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ap_keyring_clear_async);

  secret_password_clear (&credentials_schema, cancellable, clear_cb, task,
                         "kind", KIND_CREDENTIALS,
                         NULL);
}

gboolean
ap_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ap_keyring_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
