/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers of the window's display tests: frames, screenshots, the test
 * session's keyring. Include after ../ap-test-util.h. */

#include <adwaita.h>

#include "ap-keyring.h"

/* ---- screenshots ------------------------------------------------------- */

static inline gboolean
frames_pass (gpointer data)
{
  guint *count = data;

  return ++*count > 40;
}

static inline void
settle (void)
{
  guint count = 0;

  spin_until (frames_pass, &count, 2000);
}

static inline void
save_png (GtkWidget  *widget,
          const char *dir,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  /* A window between two frames may have nothing to draw yet */
  for (guint attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      if (snapshot == NULL)
        {
          settle ();
          snapshot = gtk_snapshot_new ();
        }
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_print ("# saved %s (%dx%d)\n", path, width, height);
}

/* The first scrolled window shown under @widget */
static inline GtkScrolledWindow *
find_scroller (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return GTK_SCROLLED_WINDOW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scroller (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* ---- the keyring ------------------------------------------------------- */

static inline gboolean
task_done (gpointer data)
{
  return *(gboolean *) data;
}

static inline void
keyring_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == ap_keyring_store_async)
    ap_keyring_store_finish (result, &error);
  else
    ap_keyring_clear_finish (result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The window finds them at start, as it would a user's */
static inline void
store_credentials (ApCredentials *credentials)
{
  gboolean done = FALSE;

  ap_keyring_store_async (credentials, NULL, keyring_cb, &done);
  g_assert_true (spin_until (task_done, &done, 20000));
}

static inline void
clear_credentials (void)
{
  gboolean done = FALSE;

  ap_keyring_clear_async (NULL, keyring_cb, &done);
  g_assert_true (spin_until (task_done, &done, 20000));
}
