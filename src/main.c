/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "awareness-performance"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ap-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ApApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Awareness Performance"));

  app = ap_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
