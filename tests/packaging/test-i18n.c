/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-i18n"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <locale.h>

#include "ap-resources.h"
#include "ap-window.h"

/* The app in German: the catalogue built from po/de.po is bound from the
 * build tree (the installed LOCALEDIR does not exist yet), and the real
 * main window must show German view names. */

static gboolean german_available;

static void
collect_widgets (GtkWidget *widget,
                 GPtrArray *out)
{
  g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, out);
}

static gboolean
window_has_status_title (GtkWidget  *window,
                         const char *title)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  collect_widgets (window, widgets);
  for (guint i = 0; i < widgets->len; i++)
    if (ADW_IS_STATUS_PAGE (widgets->pdata[i]) &&
        g_strcmp0 (adw_status_page_get_title (widgets->pdata[i]), title) == 0)
      return TRUE;
  return FALSE;
}

static AdwViewStack *
find_view_stack (GtkWidget *window)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  collect_widgets (window, widgets);
  for (guint i = 0; i < widgets->len; i++)
    if (ADW_IS_VIEW_STACK (widgets->pdata[i]))
      return widgets->pdata[i];
  return NULL;
}

static void
test_catalogue (void)
{
  if (!german_available)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed");
      return;
    }

  /* A plain string, a context string and both plural forms. */
  g_assert_cmpstr (_("_Overview"), ==, "_Übersicht");
  g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "shortcut window", "Quit"), ==, "Beenden");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u department", "%u departments", 1), ==,
                   "%u Abteilung");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u department", "%u departments", 5), ==,
                   "%u Abteilungen");
}

static void
test_window_in_german (void)
{
  g_autoptr(GtkSelectionModel) pages = NULL;
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  AdwViewStack *stack;
  ApWindow *window;   /* kept until exit, see below */

  if (!german_available)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed");
      return;
    }

  window = ap_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));

  /* The product name stays as it is in every language. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Awareness Performance");

  stack = find_view_stack (GTK_WIDGET (window));
  g_assert_nonnull (stack);
  pages = adw_view_stack_get_pages (stack);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      g_ptr_array_add (titles, g_strdup (adw_view_stack_page_get_title (page)));
    }
  g_ptr_array_add (titles, NULL);
  g_assert_true (g_strv_contains ((const char * const *) titles->pdata, "_Übersicht"));
  g_assert_true (g_strv_contains ((const char * const *) titles->pdata, "_Benutzer"));

  g_assert_true (window_has_status_title (GTK_WIDGET (window),
                                          "Willkommen bei Awareness Performance"));

  /* The window stays until the process ends: tearing it down is the window
   * tests' business, this one only reads what it shows. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *catalogue_dir = NULL;
  g_autofree char *mo_file = NULL;
  const char *build_root = g_getenv ("AP_BUILD_ROOT");

  /* Before gtk_test_init(), which sets the locale from the environment. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  german_available = setlocale (LC_ALL, "de_DE.UTF-8") != NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Referencing the bundle links its object from the static library, whose
   * constructor registers the window's templates. */
  g_assert_nonnull (ap_get_resource ());

  g_assert_nonnull (build_root);
  catalogue_dir = g_build_filename (build_root, "po", NULL);
  mo_file = g_build_filename (catalogue_dir, "de", "LC_MESSAGES",
                              GETTEXT_PACKAGE ".mo", NULL);
  g_assert_true (g_file_test (mo_file, G_FILE_TEST_IS_REGULAR));
  bindtextdomain (GETTEXT_PACKAGE, catalogue_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/ap/i18n/catalogue", test_catalogue);
  g_test_add_func ("/ap/i18n/window-in-german", test_window_in_german);

  return g_test_run ();
}
