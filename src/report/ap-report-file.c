/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* O_TMPFILE, linkat (AT_EMPTY_PATH) */
#define G_LOG_DOMAIN "ap-report"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gfiledescriptorbased.h>
#include <gio/gunixoutputstream.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap-error.h"
#include "ap-report-private.h"

/* Atomic files.
 *
 * g_file_replace() would be the obvious tool, but for a file that does not
 * exist yet GLocalFileOutputStream writes straight into the target name,
 * and a cancelled close leaves that half-written file behind. So the report
 * always goes to a temporary file of our own in the target's folder (hence
 * the same file system), renamed over the target on commit only: a report is
 * either complete or untouched. The document portal allows this too: it is
 * how GLib saves existing files.
 *
 * The temporary file holds names and emails, so it is 0600 while it is
 * written; on commit it takes the mode of the file it replaces, or, for a
 * new report, the mode the umask gives (0666 & ~umask). Where the file system
 * has O_TMPFILE, it has no name until the commit links it in: a kill leaves
 * nothing behind. Elsewhere it is ".NAME.XXXXXX.part", and such files of
 * ours older than a day (left by a kill) are removed when writing into that
 * folder. */

#define TARGET_KEY "ap-report-target"
#define STATE_KEY  "ap-report-state"

#define STALE_PART_AGE_S (24 * 60 * 60)

typedef struct
{
  GFile   *temp;        /* the named temporary file; NULL with O_TMPFILE or once done */
  char    *folder;      /* native path of the target's folder, NULL when not native */
  char    *basename;
  guint    mode;        /* for the finished report */
  gboolean anonymous;   /* O_TMPFILE: no name until committed */
  gboolean pending;     /* neither committed nor aborted */
} TempState;

static void
temp_state_free (TempState *state)
{
  g_clear_object (&state->temp);
  g_free (state->folder);
  g_free (state->basename);
  g_free (state);
}

GFile *
ap_report_file_get_target (GOutputStream *stream)
{
  return g_object_get_data (G_OBJECT (stream), TARGET_KEY);
}

static char *
make_temp_name (const char *basename)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  g_autofree char *prefix = NULL;
  char suffix[7];
  const char *end;

  /* Leave room in NAME_MAX (255 bytes) for the dot and the suffix. */
  end = basename + strlen (basename);
  if (end - basename > 200)
    {
      end = basename + 200;
      if (g_utf8_validate (basename, -1, NULL))
        end = g_utf8_find_prev_char (basename, end + 1);
    }
  prefix = g_strndup (basename, end - basename);

  for (guint i = 0; i < 6; i++)
    suffix[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  suffix[6] = '\0';

  return g_strdup_printf (".%s.%s.part", prefix, suffix);
}

/* TRUE for ".NAME.XXXXXX.part" as make_temp_name() builds them. */
static gboolean
is_our_temp_name (const char *name)
{
  gsize length = strlen (name);
  const char *suffix;

  if (length < strlen (".N.XXXXXX.part") || name[0] != '.' ||
      !g_str_has_suffix (name, ".part"))
    return FALSE;

  suffix = name + length - strlen ("XXXXXX.part");
  if (suffix[-1] != '.')
    return FALSE;
  for (guint i = 0; i < 6; i++)
    if (!g_ascii_islower (suffix[i]) && !g_ascii_isdigit (suffix[i]))
      return FALSE;

  return TRUE;
}

/* What a new file gets: 0666 less the umask. The umask can only be read by
 * setting it, which races with other threads creating files, so it comes
 * from /proc when there is one. */
static guint
new_file_mode (void)
{
  g_autofree char *status = NULL;
  const char *line;
  guint64 mask = 022;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "\nUmask:")) != NULL)
    {
      line += strlen ("\nUmask:");
      while (*line == ' ' || *line == '\t')
        line++;
      mask = g_ascii_strtoull (line, NULL, 8) & 0777;
    }

  return 0666 & ~(guint) mask;
}

/* Temporary files of ours that a kill left behind, a day or more ago (a
 * younger one may be another export still running). Best effort. */
static void
remove_stale_parts (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (!is_our_temp_name (name))
        continue;

      path = g_build_filename (folder, name, NULL);
      if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != getuid () ||
          now - (gint64) st.st_mtime < STALE_PART_AGE_S)
        continue;

      if (unlink (path) == 0)
        g_debug ("Removed %s, a temporary report file left over by an earlier run", path);
    }
}

static GError *
error_from_errno (int saved_errno)
{
  return g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                              g_strerror (saved_errno));
}

static GOutputStream *
stream_new (GOutputStream *base,
            GFile         *file,
            TempState     *state)
{
  g_object_set_data_full (G_OBJECT (base), TARGET_KEY, g_object_ref (file), g_object_unref);
  g_object_set_data_full (G_OBJECT (base), STATE_KEY, state, (GDestroyNotify) temp_state_free);
  state->pending = TRUE;
  return base;
}

/* A native folder: an O_TMPFILE, else a named 0600 file. */
static GOutputStream *
open_native (GFile       *file,
             TempState   *state,
             GError     **error)
{
  int fd;

  remove_stale_parts (state->folder);

#ifdef O_TMPFILE
  fd = open (state->folder, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      state->anonymous = TRUE;
      return stream_new (g_unix_output_stream_new (fd, TRUE), file, state);
    }
  /* EOPNOTSUPP, EISDIR (old kernels), or a real failure that the named
   * file meets again and reports. */
#endif

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_name = make_temp_name (state->basename);
      g_autofree char *path = g_build_filename (state->folder, temp_name, NULL);
      int saved_errno;

      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          state->temp = g_file_new_for_path (path);
          return stream_new (g_unix_output_stream_new (fd, TRUE), file, state);
        }

      saved_errno = errno;
      if (saved_errno != EEXIST)
        {
          g_propagate_error (error, error_from_errno (saved_errno));
          return NULL;
        }
    }

  g_propagate_error (error, error_from_errno (EEXIST));
  return NULL;
}

/* Any other GFile (a GVfs mount): GIO's private (0600) file. */
static GOutputStream *
open_other (GFile         *file,
            GFile         *folder,
            TempState     *state,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_name = make_temp_name (state->basename);
      g_autoptr(GFile) temp = g_file_get_child (folder, temp_name);
      GFileOutputStream *stream;

      stream = g_file_create (temp, G_FILE_CREATE_PRIVATE, cancellable, &local_error);
      if (stream != NULL)
        {
          state->temp = g_steal_pointer (&temp);
          return stream_new (G_OUTPUT_STREAM (stream), file, state);
        }

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        break;
      g_clear_error (&local_error);
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * ap_report_file_open:
 * @file: the report's final name
 *
 * Returns: (transfer full) (nullable): a stream on a temporary file beside
 *   @file; give it to ap_report_file_commit() or ap_report_file_abort()
 */
GOutputStream *
ap_report_file_open (GFile         *file,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *basename = NULL;
  TempState *state;
  GOutputStream *stream;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  folder = g_file_get_parent (file);
  basename = g_file_get_basename (file);
  if (folder == NULL || basename == NULL)
    {
      g_set_error (error, AP_ERROR, AP_ERROR_WRITE,
                   _("“%s” is not a regular file. Choose another name for the report."),
                   g_file_peek_path (file) != NULL ? g_file_peek_path (file) : "/");
      return NULL;
    }

  state = g_new0 (TempState, 1);
  state->basename = g_steal_pointer (&basename);
  state->mode = new_file_mode ();

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_UNIX_MODE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info != NULL)
    {
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        {
          g_autoptr(GError) not_regular =
            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "");

          temp_state_free (state);
          g_propagate_error (error, ap_report_map_io_error (not_regular, file));
          return NULL;
        }
      /* Replacing a report keeps who may read it. */
      if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_MODE))
        state->mode = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE) & 07777;
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      temp_state_free (state);
      g_propagate_error (error, ap_report_map_io_error (local_error, file));
      return NULL;
    }
  g_clear_error (&local_error);

  state->folder = g_file_get_path (folder);
  if (state->folder != NULL)
    stream = open_native (file, state, &local_error);
  else
    stream = open_other (file, folder, state, cancellable, &local_error);

  if (stream == NULL)
    {
      temp_state_free (state);
      g_propagate_error (error, ap_report_map_io_error (local_error, file));
      return NULL;
    }

  return stream;
}

/* Gives the anonymous file a name of ours (linkat() cannot replace), to be
 * renamed over the target. Must run before the descriptor is closed. */
static gboolean
link_anonymous (GOutputStream  *stream,
                TempState      *state,
                GError        **error)
{
  int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream));
  g_autofree char *proc_path = g_strdup_printf ("/proc/self/fd/%d", fd);

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_name = make_temp_name (state->basename);
      g_autofree char *path = g_build_filename (state->folder, temp_name, NULL);

      /* Through /proc, as AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; that one
       * where /proc is missing. */
      if (linkat (AT_FDCWD, proc_path, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ||
          (errno == ENOENT && linkat (fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0))
        {
          state->temp = g_file_new_for_path (path);
          return TRUE;
        }
      if (errno != EEXIST)
        {
          g_propagate_error (error, error_from_errno (errno));
          return FALSE;
        }
    }

  g_propagate_error (error, error_from_errno (EEXIST));
  return FALSE;
}

/**
 * ap_report_file_commit:
 * @stream: a stream from ap_report_file_open()
 *
 * Closes @stream and renames the temporary file over the target, with the
 * target's mode. On failure the temporary file is removed and the target
 * left as it was.
 */
gboolean
ap_report_file_commit (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  TempState *state;
  GFile *target;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  target = g_object_get_data (G_OBJECT (stream), TARGET_KEY);
  state = g_object_get_data (G_OBJECT (stream), STATE_KEY);
  g_return_val_if_fail (target != NULL && state != NULL && state->pending, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    goto failed;

  if (G_IS_FILE_DESCRIPTOR_BASED (stream))
    {
      int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream));

      /* The rename must never expose a file whose blocks are not on disk yet. */
      if (fsync (fd) != 0 && errno != EINVAL && errno != EROFS)
        {
          local_error = error_from_errno (errno);
          goto failed;
        }
      if (fchmod (fd, state->mode) != 0)
        {
          local_error = error_from_errno (errno);
          goto failed;
        }
    }

  if (state->anonymous && !link_anonymous (stream, state, &local_error))
    goto failed;

  if (!g_output_stream_close (stream, cancellable, &local_error))
    goto failed;

  if (!g_file_move (state->temp, target,
                    G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    cancellable, NULL, NULL, &local_error))
    goto failed;

  /* Not native: the mode after the fact, where the backend has modes. */
  if (!G_IS_FILE_DESCRIPTOR_BASED (stream))
    g_file_set_attribute_uint32 (target, G_FILE_ATTRIBUTE_UNIX_MODE, state->mode,
                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  g_clear_object (&state->temp);
  state->pending = FALSE;
  return TRUE;

failed:
  {
    g_autoptr(GFile) keep_target = g_object_ref (target);

    ap_report_file_abort (stream);
    g_propagate_error (error, ap_report_map_io_error (local_error, keep_target));
    return FALSE;
  }
}

/**
 * ap_report_file_abort:
 * @stream: a stream from ap_report_file_open()
 *
 * Closes @stream and removes the temporary file; the target is untouched.
 * Does nothing after a successful commit, so it is safe in cleanup paths.
 */
void
ap_report_file_abort (GOutputStream *stream)
{
  TempState *state;

  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));

  state = g_object_get_data (G_OBJECT (stream), STATE_KEY);
  if (state == NULL || !state->pending)
    return;
  state->pending = FALSE;

  if (!g_output_stream_is_closed (stream))
    g_output_stream_close (stream, NULL, NULL);

  if (state->temp != NULL)
    g_file_delete (state->temp, NULL, NULL);
  g_clear_object (&state->temp);
}
