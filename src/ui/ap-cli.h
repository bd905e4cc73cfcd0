/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The command line, shared by the desktop app and the headless export.
 *
 * ap_cli_add_options() registers every option on @app (call it from the
 * application's init): --export=FILE, --format=csv|json|pdf, --details,
 * --search-by=FIELD, --search=VALUE, --attribute-id=ID (repeatable),
 * --filter=video_count_N, --demo, --version.
 *
 * ap_cli_handle_local_options() is the application's handle-local-options
 * handler body: with --export it runs the whole export without a display
 * (never initialising GTK) and returns the exit code (0 success, 1 runtime
 * failure with one line on stderr, 2 usage error); with --version it prints
 * and returns 0; otherwise -1 so the GUI starts. --demo alone is left for
 * the GUI to read from the options dict ("demo" key). */
void ap_cli_add_options         (GApplication *app);
int  ap_cli_handle_local_options (GApplication *app,
                                  GVariantDict *options);

G_END_DECLS
