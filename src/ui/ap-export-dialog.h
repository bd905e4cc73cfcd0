/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ap-query.h"

G_BEGIN_DECLS

/* The export flow (Ctrl+E): format and scope choice, then the save dialog
 * (GtkFileChooserNative on GTK 4.8, GtkFileDialog on GTK >= 4.10, branched
 * in one place; both go through the portal inside Flatpak), writing on a
 * worker thread with progress and Cancel, then a toast with "Open" on
 * @toasts. @view is the filtered and sorted users view, @all every loaded
 * user; both GListModels of ApUser. */
void ap_export_dialog_present (GtkWindow       *parent,
                               GListModel      *view,
                               GListModel      *all,
                               ApQuery         *query,
                               const char      *base_url,
                               AdwToastOverlay *toasts);

G_END_DECLS
