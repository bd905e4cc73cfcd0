/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-offscreen"

#include "config.h"

#include <adwaita.h>

#include "ap-offscreen.h"

#include "../ap-test-util.h"

#define WAIT_MS 10000

typedef struct
{
  GtkWindow *window;
  GtkStack  *stack;
  GtkWidget *pages[3];
} Fixture;

static const char *names[] = { "first", "second", "third" };
static gboolean have_display;

#define REQUIRE_DISPLAY() \
  G_STMT_START { \
    if (!have_display) \
      { \
        g_test_skip ("no display: run under Xvfb (build-aux/dev test)"); \
        return; \
      } \
  } G_STMT_END

static void
fixture_init (Fixture                *f,
              GtkStackTransitionType  transition)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 200, 200);
  f->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (f->stack, transition);
  gtk_stack_set_transition_duration (f->stack, 100);
  for (guint i = 0; i < G_N_ELEMENTS (f->pages); i++)
    {
      f->pages[i] = gtk_label_new (names[i]);
      gtk_stack_add_named (f->stack, f->pages[i], names[i]);
    }
  gtk_window_set_child (f->window, GTK_WIDGET (f->stack));
}

static void
fixture_clear (Fixture *f)
{
  gtk_window_destroy (f->window);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
only_shown_visible (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < G_N_ELEMENTS (f->pages); i++)
    if (gtk_widget_get_visible (f->pages[i]) !=
        (f->pages[i] == gtk_stack_get_visible_child (f->stack)))
      return FALSE;
  return TRUE;
}

/* Only the page shown stays visible, and every page can still be shown. */
static void
test_stack_no_transition (void)
{
  Fixture f = { 0 };

  REQUIRE_DISPLAY ();

  fixture_init (&f, GTK_STACK_TRANSITION_TYPE_NONE);
  ap_stack_hide_unshown_pages (f.stack);
  g_assert_true (only_shown_visible (&f));
  g_assert_true (gtk_stack_get_visible_child (f.stack) == f.pages[0]);

  gtk_window_present (f.window);
  g_assert_true (spin_until (is_mapped, f.stack, WAIT_MS));

  for (guint i = 0; i < 2 * G_N_ELEMENTS (f.pages); i++)
    {
      guint shown = (i + 1) % G_N_ELEMENTS (f.pages);

      ap_stack_show_page (f.stack, names[shown]);
      g_assert_true (gtk_stack_get_visible_child (f.stack) == f.pages[shown]);
      g_assert_true (gtk_widget_get_mapped (f.pages[shown]));
      g_assert_true (spin_until (only_shown_visible, &f, WAIT_MS));
    }

  /* Unmapped too: nothing to draw, so nothing kept. */
  gtk_widget_set_visible (GTK_WIDGET (f.window), FALSE);
  ap_stack_show_page (f.stack, "second");
  g_assert_true (spin_until (only_shown_visible, &f, WAIT_MS));
  fixture_clear (&f);
}

static gboolean
transition_over (gpointer data)
{
  Fixture *f = data;

  return !gtk_stack_get_transition_running (f->stack);
}

/* A crossfade draws the page it leaves until it ends: hidden after. */
static void
test_stack_transition (void)
{
  Fixture f = { 0 };
  GtkSettings *settings;

  REQUIRE_DISPLAY ();

  fixture_init (&f, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  settings = gtk_widget_get_settings (GTK_WIDGET (f.window));
  g_object_set (settings, "gtk-enable-animations", TRUE, NULL);
  ap_stack_hide_unshown_pages (f.stack);
  gtk_window_present (f.window);
  g_assert_true (spin_until (is_mapped, f.stack, WAIT_MS));

  ap_stack_show_page (f.stack, "third");
  g_assert_true (gtk_stack_get_transition_running (f.stack));
  /* Over the next iterations: the page left stays while the transition runs. */
  for (guint i = 0; i < 5 && gtk_stack_get_transition_running (f.stack); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      if (gtk_stack_get_transition_running (f.stack))
        g_assert_true (gtk_widget_get_visible (f.pages[0]));
    }
  g_assert_true (spin_until (transition_over, &f, WAIT_MS));
  g_assert_true (only_shown_visible (&f));
  g_assert_true (gtk_widget_get_visible (f.pages[2]));
  fixture_clear (&f);
}

/* The content of an AdwViewStack page: hidden while another page is shown,
 * while the page itself (its button) stays visible. */
static void
test_view_stack_content (void)
{
  GtkWindow *window;
  AdwViewStack *stack;
  GtkWidget *pages[2];
  GtkWidget *contents[2];

  REQUIRE_DISPLAY ();
  window = GTK_WINDOW (gtk_window_new ());
  stack = ADW_VIEW_STACK (adw_view_stack_new ());
  for (guint i = 0; i < 2; i++)
    {
      pages[i] = adw_bin_new ();
      contents[i] = gtk_label_new (names[i]);
      adw_bin_set_child (ADW_BIN (pages[i]), contents[i]);
      adw_view_stack_add_titled (stack, pages[i], names[i], names[i]);
      ap_view_stack_show_content_while_shown (stack, pages[i]);
    }
  /* The first page added is shown. */
  g_assert_true (gtk_widget_get_visible (contents[0]));
  g_assert_false (gtk_widget_get_visible (contents[1]));

  gtk_window_set_child (window, GTK_WIDGET (stack));
  adw_view_stack_set_visible_child_name (stack, "second");
  gtk_window_present (window);
  g_assert_true (spin_until (is_mapped, contents[1], WAIT_MS));
  g_assert_false (gtk_widget_get_visible (contents[0]));

  adw_view_stack_set_visible_child_name (stack, "first");
  g_assert_true (gtk_widget_get_mapped (contents[0]));
  g_assert_false (gtk_widget_get_visible (contents[1]));
  for (guint i = 0; i < 2; i++)
    g_assert_true (gtk_widget_get_visible (pages[i]));

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/ap/offscreen/stack", test_stack_no_transition);
  g_test_add_func ("/ap/offscreen/stack-transition", test_stack_transition);
  g_test_add_func ("/ap/offscreen/view-stack-content", test_view_stack_content);

  return g_test_run ();
}
