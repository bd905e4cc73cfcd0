/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ap-client.h"
#include "ap-history.h"
#include "ap-mock-server.h"
#include "ap-overview-page.h"
#include "ap-panes.h"
#include "ap-query-bar.h"
#include "ap-report.h"
#include "ap-user-detail.h"
#include "ap-user-store.h"
#include "ap-users-view.h"
#include "ap-view-title.h"
#include "ap-window.h"

G_BEGIN_DECLS

/* Shared by the window's files (ap-window.c, -actions, -analysis, -fetch,
 * -history), and test accessors for tests/ui. Not installed, not API. */

struct _ApWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  GtkButton            *back_button;
  GtkStack             *content_stack;
  GtkBox               *demo_banner;
  GtkRevealer          *demo_revealer;
  AdwClamp             *detail_clamp;
  GtkButton            *fetch_button;
  GtkButton            *error_action_button;
  GtkBox               *error_actions;
  GtkBox               *error_banner;
  GtkButton            *error_dismiss_button;
  GtkLabel             *error_label;
  GtkButton            *error_retry_button;
  GtkRevealer          *error_revealer;
  GtkButton            *failed_edit_button;
  AdwStatusPage        *failed_page;
  GtkButton            *failed_retry_button;
  AdwStatusPage        *first_load_page;
  GtkSpinner           *first_load_spinner;
  GtkSpinner           *loading_spinner;
  GtkStack             *main_stack;
  ApOverviewPage       *overview_page;
  ApPanes              *panes;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkRevealer          *progress_revealer;
  ApQueryBar           *query_bar;
  AdwViewSwitcherBar   *switcher_bar;
  AdwToastOverlay      *toast_overlay;
  ApUserDetail         *user_detail;
  ApUsersView          *users_view;
  AdwViewStack         *view_stack;
  ApViewTitle          *view_title;

  GSettings            *settings;
  ApUserStore          *store;
  ApCredentials        *credentials;
  ApClient             *client;
  ApMockServer         *mock;
  ApQuery              *shown_query;
  GDateTime            *fetched_at;      /* when the shown data's fetch ended */
  GCancellable         *fetch_cancellable;
  GCancellable         *keyring_cancellable;
  AdwToast             *last_toast;
  GtkWindow            *credentials_dialog;
  GError               *last_error;
  guint                 fetch_serial;
  guint                 pulse_id;
  guint                 n_fetches_done;
  ApHistory            *history;             /* (nullable) while history is on */
  ApHistorySaver       *history_saver;       /* the fetch under way, saved if it completes */
  GCancellable         *history_cancellable; /* opening the latest snapshot */
  gint64                shown_snapshot_id;   /* 0 when the rows are not (yet) saved */
  GCancellable         *changes_cancellable; /* comparing with the previous snapshot */
  guint                 n_changes[3];        /* joined, left, changed; see has_changes */
  guint                 has_changes : 1;
  guint                 layout_id;
  int                   layout_width;
  guint                 fetching : 1;
};

/* ap-window-analysis.c: the Training videos and Needs attention pages, and
 * the analysis that feeds them and the Overview */
typedef struct _ApVideosPage ApVideosPage;
typedef struct _ApPeopleList ApPeopleList;
void          _ap_window_setup_analysis     (ApWindow       *self);
ApVideosPage *_ap_window_get_videos_page    (ApWindow       *self);
ApPeopleList *_ap_window_get_attention_list (ApWindow       *self);

/* ap-window-actions.c */
void      _ap_window_class_init_actions  (GtkWidgetClass *widget_class);
void      _ap_window_update_actions      (ApWindow       *self);

/* ap-window.c: what stands in the content area, errors, toasts */
gboolean  _ap_window_is_disposed         (ApWindow       *self);
gboolean  _ap_window_has_data            (ApWindow       *self);
void      _ap_window_update_content      (ApWindow       *self);
/* "welcome", "loading" or "content" */
void      _ap_window_show_page           (ApWindow       *self,
                                          const char     *name);
void      _ap_window_show_error          (ApWindow       *self,
                                          const GError   *error);
void      _ap_window_hide_error          (ApWindow       *self);
void      _ap_window_reveal_at_once      (GtkRevealer    *revealer);
void      _ap_window_toast               (ApWindow       *self,
                                          const char     *title);

/* ap-window-history.c: saving each complete fetch, opening the latest */
void      _ap_window_history_begin       (ApWindow       *self,
                                          ApQuery        *query);
/* @complete: saved when TRUE, rolled back otherwise */
void      _ap_window_history_end         (ApWindow       *self,
                                          gboolean        complete);
/* The latest snapshot at once, else a fetch */
void      _ap_window_open_latest         (ApWindow       *self);

/* ap-window-fetch.c: the fetch and the credentials it uses */
void      _ap_window_fetch               (ApWindow       *self,
                                          ApQuery        *query);
void      _ap_window_fetch_from_query_bar (ApWindow      *self);
void      _ap_window_cancel_fetch        (ApWindow       *self);
void      _ap_window_stop_pulse          (ApWindow       *self);
void      _ap_window_show_credentials    (ApWindow       *self);

/* Tests: demo mode on a mock the test configured (data set, faults). */
void          ap_window_start_demo_with_server (ApWindow     *self,
                                                ApMockServer *mock);
gboolean      ap_window_is_fetching            (ApWindow     *self);
/* completed fetches, successful or not */
guint         ap_window_get_n_fetches_done     (ApWindow     *self);
ApUsersView  *ap_window_get_users_view         (ApWindow     *self);
ApUserDetail *ap_window_get_user_detail        (ApWindow     *self);
/* (nullable) the error shown, in the banner over the data or as the
 * status page in its place */
const GError *ap_window_get_shown_error        (ApWindow     *self);
/* the action that fixes the shown error: "win.credentials" when editing
 * them does, else "win.fetch" (Retry), or NULL when neither helps */
const char   *ap_window_get_error_action       (ApWindow     *self);
/* Below this width the window is narrow: one-line query bar, list rows */
#define AP_WINDOW_NARROW_WIDTH   600
/* From this width the users view shows list and detail side by side */
#define AP_WINDOW_TWO_PANE_WIDTH 860

/* "first-load", "failed" or "data": what stands in the content area */
const char   *ap_window_get_content_page       (ApWindow     *self);
/* The snapshot the rows come from or were saved as (0: none), and the
 * "Data from …" line shown over them (NULL when fresh). */
gint64        ap_window_get_shown_snapshot_id  (ApWindow     *self);
const char   *ap_window_get_data_age           (ApWindow     *self);
/* Users who joined, left and changed counts since the previous snapshot of
 * the same query; FALSE while unknown or when there is none. */
gboolean      ap_window_get_changes            (ApWindow     *self,
                                                guint        *joined,
                                                guint        *left,
                                                guint        *changed);
/* (nullable) the last toast shown */
AdwToast     *ap_window_get_last_toast         (ApWindow     *self);

/* ap-users-view.c */
GtkColumnView       *ap_users_view_get_column_view (ApUsersView *self);
GtkColumnViewColumn *ap_users_view_get_column      (ApUsersView *self,
                                                    const char  *id);
guint                ap_users_view_get_pending     (ApUsersView *self);
GtkSingleSelection  *ap_users_view_get_selection   (ApUsersView *self);
GtkEditable         *ap_users_view_get_search_entry (ApUsersView *self);
const char          *ap_users_view_get_status_text (ApUsersView *self);
/* "empty", "no-users", "no-match", "list" (the grid) or "rows" (narrow) */
const char          *ap_users_view_get_visible_page (ApUsersView *self);

/* ap-user-detail.c */
GtkColumnView *ap_user_detail_get_records_view (ApUserDetail *self);
const char    *ap_user_detail_get_visible_page (ApUserDetail *self);

G_END_DECLS
