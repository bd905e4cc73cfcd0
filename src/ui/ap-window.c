/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-a11y.h"
#include "ap-error.h"
#include "ap-offscreen.h"
#include "ap-resources.h"
#include "ap-window-private.h"

/* Side by side, the detail pane is this wide and the list takes the rest;
 * alone, the detail shows every record column from this width on. */
#define DETAIL_PANE_WIDTH 440
#define DETAIL_FULL_WIDTH 640

G_DEFINE_FINAL_TYPE (ApWindow, ap_window, ADW_TYPE_APPLICATION_WINDOW)

static void ap_window_update_stale       (ApWindow *self);
static void ap_window_update_back_button (ApWindow *self);

gboolean
_ap_window_is_disposed (ApWindow *self)
{
  return self->store == NULL;
}

void
_ap_window_toast (ApWindow   *self,
                  const char *title)
{
  g_autoptr(AdwToast) toast = adw_toast_new (title);

  g_set_object (&self->last_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
}

gboolean
_ap_window_has_data (ApWindow *self)
{
  return self->shown_query != NULL ||
         g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0;
}

/* What fixes an error: editing the credentials (keys, secret, base URL),
 * trying again, both or neither. */
static void
ap_window_error_fixes (ApWindow     *self,
                       const GError *error,
                       gboolean     *edit,
                       gboolean     *retry)
{
  *edit = ap_error_is_credentials (error) || ap_error_is_address (error) ||
          g_error_matches (error, AP_ERROR, AP_ERROR_TLS);
  *retry = self->client != NULL && !ap_error_is_credentials (error) &&
           !g_error_matches (error, AP_ERROR, AP_ERROR_INVALID_QUERY);
}

static const char *
ap_window_error_title (const GError *error)
{
  if (ap_error_is_credentials (error))
    return _("Credentials Not Accepted");

  if (error->domain == AP_ERROR)
    switch ((ApErrorCode) error->code)
      {
      case AP_ERROR_TLS:
        return _("Secure Connection Failed");
      case AP_ERROR_FORBIDDEN:
        return _("Permission Missing");
      case AP_ERROR_RATE_LIMITED:
        return _("Too Many Requests");
      case AP_ERROR_CONNECTION_REFUSED:
      case AP_ERROR_HOST_NOT_FOUND:
      case AP_ERROR_NOT_FOUND:
      case AP_ERROR_INSECURE_URL:
      case AP_ERROR_REDIRECTED:
      case AP_ERROR_NETWORK:
      case AP_ERROR_TIMEOUT:
      case AP_ERROR_PROXY:
        return _("Could Not Connect");
      default:
        break;
      }

  return _("Could Not Load Users");
}

static const char *
ap_window_error_icon (const GError *error)
{
  if (ap_error_is_credentials (error) || g_error_matches (error, AP_ERROR, AP_ERROR_FORBIDDEN))
    return "dialog-password-symbolic";
  if (g_error_matches (error, AP_ERROR, AP_ERROR_TLS))
    return "security-low-symbolic";
  if (g_strcmp0 (ap_window_error_title (error), _("Could Not Connect")) == 0)
    return "network-error-symbolic";
  return "dialog-warning-symbolic";
}

/* While the first load runs, a status page with a spinner covers the
 * data page, which is already on screen under it: the table (or the
 * narrow list) and its headers are built, styled and laid out while the
 * window waits for Mimecast, and the first page only adds rows. Shown as
 * a page of the content stack instead, the table was built, styled and
 * laid out in the frame after the first page, then faded in over 200 ms:
 * frames of 20-45 ms of the main thread's CPU time on GTK 4.8 (see
 * docs/performance.md, issue 12). The covered page takes no pointer, no
 * focus and is hidden from assistive technologies. */
static void
ap_window_show_first_load (ApWindow *self,
                           gboolean  first_load)
{
  GtkWidget *covered = GTK_WIDGET (self->content_stack);

  gtk_widget_set_visible (GTK_WIDGET (self->first_load_page), first_load);
  gtk_spinner_set_spinning (self->first_load_spinner, first_load);
  gtk_widget_set_can_focus (covered, !first_load);
  gtk_widget_set_can_target (covered, !first_load);
  gtk_accessible_update_state (GTK_ACCESSIBLE (covered), GTK_ACCESSIBLE_STATE_HIDDEN,
                               first_load, -1);
  ap_users_view_set_loading (self->users_view, first_load);
}

/* One place decides what stands in the content area: the rows when there
 * are any, else a spinner while the first load runs, else the error that
 * stopped it as a status page. The banner carries an error only when the
 * rows stay visible under it, so no message is ever shown twice. */
void
_ap_window_update_content (ApWindow *self)
{
  gboolean in_content = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack),
                                   "content") == 0;
  gboolean first_load = FALSE;
  const char *page = "data";

  if (!_ap_window_has_data (self))
    {
      if (self->fetching)
        first_load = TRUE;
      else if (self->last_error != NULL && in_content)
        page = "failed";
    }

  ap_stack_show_page (self->content_stack, page);
  ap_window_show_first_load (self, first_load);
  ap_window_update_stale (self);
  gtk_revealer_set_reveal_child (self->error_revealer,
                                 self->last_error != NULL && !g_str_equal (page, "failed"));
}

/* A strip that slides in moves everything under it a few pixels a frame,
 * so each frame of the slide repaints the whole content area: 10-20 ms of
 * the main thread under the cairo renderer. Where nothing under the strip
 * is seen moving (a page appearing with it, a status page), it appears at
 * once; over rows that stay, it still slides. */
void
_ap_window_reveal_at_once (GtkRevealer *revealer)
{
  guint duration = gtk_revealer_get_transition_duration (revealer);

  gtk_revealer_set_transition_duration (revealer, 0);
  gtk_revealer_set_reveal_child (revealer, TRUE);
  gtk_revealer_set_transition_duration (revealer, duration);
}

void
_ap_window_hide_error (ApWindow *self)
{
  g_clear_error (&self->last_error);
  _ap_window_update_content (self);
}

void
_ap_window_show_error (ApWindow     *self,
                       const GError *error)
{
  gboolean edit, retry;

  g_assert (error != NULL);

  g_clear_error (&self->last_error);
  self->last_error = g_error_copy (error);
  ap_window_error_fixes (self, error, &edit, &retry);

  gtk_label_set_label (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_action_button), edit);
  gtk_widget_set_visible (GTK_WIDGET (self->error_retry_button), retry);

  adw_status_page_set_title (self->failed_page, ap_window_error_title (error));
  adw_status_page_set_description (self->failed_page, error->message);
  adw_status_page_set_icon_name (self->failed_page, ap_window_error_icon (error));
  gtk_widget_set_visible (GTK_WIDGET (self->failed_edit_button), edit);
  gtk_widget_set_visible (GTK_WIDGET (self->failed_retry_button), retry);
  /* The fix that helps most is the one that looks like it. */
  if (edit)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->failed_edit_button), "suggested-action");
      gtk_widget_remove_css_class (GTK_WIDGET (self->failed_retry_button), "suggested-action");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->failed_retry_button), "suggested-action");
    }

  _ap_window_update_content (self);
}

/* The bottom switcher stands in for the title's when the window is narrow,
 * and only where there are views to switch. It slides in; it goes at once,
 * hidden, so that its widgets take no part in restyling the window (see
 * ap-offscreen.h). */
static void
ap_window_update_switcher_bar (ApWindow *self)
{
  gboolean content = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack),
                                "content") == 0;
  gboolean narrow = ap_view_title_get_title_visible (self->view_title);

  gtk_widget_set_visible (GTK_WIDGET (self->switcher_bar), content && narrow);
  adw_view_switcher_bar_set_reveal (self->switcher_bar, content && narrow);
}

void
_ap_window_show_page (ApWindow   *self,
                      const char *name)
{
  gboolean content = g_strcmp0 (name, "content") == 0;

  /* At once, not crossfaded: the content page comes with a first load,
   * and a crossfade would repaint the whole window every frame for 200 ms
   * just as the first rows are built and drawn (issue 12). */
  ap_stack_show_page (self->main_stack, name);
  /* A hidden spinner that spins still restyles every frame. */
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (name, "loading"));
  ap_view_title_set_view_switcher_enabled (self->view_title, content);
  ap_window_update_switcher_bar (self);
  ap_window_update_back_button (self);
  _ap_window_update_content (self);
}

static gboolean
ap_query_equal (ApQuery *a,
                ApQuery *b)
{
  g_autofree char *body_a = ap_query_to_request_body (a, NULL, NULL);
  g_autofree char *body_b = ap_query_to_request_body (b, NULL, NULL);

  return g_strcmp0 (body_a, body_b) == 0;
}

/* The query bar asks Mimecast; nothing it holds narrows the rows on screen
 * until Refresh. Changing it does not refetch by itself: a fetch of a large
 * organisation with details takes a while and spends the API's rate limit,
 * and rows that change under the person while they type would be worse
 * than a clear "Filters changed — Refresh to apply". */
static void
ap_window_update_stale (ApWindow *self)
{
  g_autoptr(ApQuery) query = NULL;
  gboolean stale = FALSE;

  if (self->shown_query != NULL && !self->fetching)
    {
      query = ap_query_bar_build_query (self->query_bar);
      stale = !ap_query_equal (query, self->shown_query);
    }

  ap_query_bar_set_stale (self->query_bar, stale);
}

static void
on_query_bar_activate (ApWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.fetch", NULL);
}

static void
on_error_dismiss_clicked (ApWindow *self)
{
  _ap_window_hide_error (self);
}

static void
on_change_group_activated (ApWindow *self,
                           guint     group)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "users");
  ap_panes_set_showing_detail (self->panes, FALSE);
  ap_users_view_set_change_group (self->users_view, group);
}

static void
on_department_activated (ApWindow   *self,
                         const char *department)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "users");
  ap_panes_set_showing_detail (self->panes, FALSE);
  ap_users_view_set_department (self->users_view, department);
}

static void
on_user_activated (ApWindow *self,
                   ApUser   *user)
{
  if (ap_panes_get_folded (self->panes))
    ap_panes_set_showing_detail (self->panes, TRUE);
}

/* The back button belongs in the header bar, and only where there is a
 * way back: the detail page of a folded users view. */
static void
ap_window_update_back_button (ApWindow *self)
{
  gboolean back = ap_panes_get_folded (self->panes) &&
                  ap_panes_get_showing_detail (self->panes) &&
                  g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                             "users") == 0 &&
                  g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "content") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back);
}

/* With one pane, a click on a user is the way to their detail, which then
 * has the whole width. */
static void
on_panes_folded (ApWindow *self)
{
  gboolean folded = ap_panes_get_folded (self->panes);

  gtk_column_view_set_single_click_activate (ap_users_view_get_column_view (self->users_view),
                                             folded);
  adw_clamp_set_maximum_size (self->detail_clamp, folded ? G_MAXINT / 2 : DETAIL_PANE_WIDTH);
  adw_clamp_set_tightening_threshold (self->detail_clamp,
                                      folded ? G_MAXINT / 2 : DETAIL_PANE_WIDTH);
  ap_user_detail_set_compact (self->user_detail,
                              !folded || self->layout_width < DETAIL_FULL_WIDTH);
  ap_window_update_back_button (self);
}

/* The layout follows the window's width, not the natural width of what
 * it shows: a long name must never fold the two panes. libadwaita 1.2 has
 * no breakpoints, so the width is read at allocation and applied from an
 * idle (changing the layout inside an allocation would be too late for
 * this frame and warn). */
/* Narrow: the header bar's buttons are icons, centred loosely, so the
 * title and the window's own buttons still fit in 360 px. */
static AdwCenteringPolicy
header_centering (gpointer unused,
                  gboolean compact)
{
  return compact ? ADW_CENTERING_POLICY_LOOSE : ADW_CENTERING_POLICY_STRICT;
}

static void
ap_window_set_fetch_button_compact (ApWindow *self,
                                    gboolean  compact)
{
  if (compact)
    {
      gtk_button_set_icon_name (self->fetch_button, "view-refresh-symbolic");
      /* An icon alone needs a name; with its text it has one already. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->fetch_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh"),
                                      -1);
    }
  else
    {
      GtkWidget *content = adw_button_content_new ();

      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "view-refresh-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Refresh"));
      adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
      gtk_button_set_child (self->fetch_button, content);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->fetch_button),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
}

static gboolean
ap_window_apply_layout (gpointer user_data)
{
  ApWindow *self = user_data;
  gboolean narrow = self->layout_width < AP_WINDOW_NARROW_WIDTH;
  gboolean two_pane = self->layout_width >= AP_WINDOW_TWO_PANE_WIDTH;

  self->layout_id = 0;

  ap_panes_set_side_by_side (self->panes, two_pane);
  ap_panes_set_list_width (self->panes, self->layout_width - DETAIL_PANE_WIDTH - 1);
  ap_user_detail_set_compact (self->user_detail,
                              !ap_panes_get_folded (self->panes) ||
                              self->layout_width < DETAIL_FULL_WIDTH);
  if (narrow != ap_query_bar_get_compact (self->query_bar) ||
      gtk_button_get_child (self->fetch_button) == NULL)
    ap_window_set_fetch_button_compact (self, narrow);
  ap_query_bar_set_compact (self->query_bar, narrow);
  ap_users_view_set_compact (self->users_view, narrow);
  ap_user_detail_set_narrow (self->user_detail, narrow);
  /* Banners put their buttons under the text rather than beside it. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->demo_banner),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->error_banner),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  /* Long translations of the two fixes stack rather than widen the window. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->error_actions),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  /* The fixes matter more than Dismiss where only they fit. */
  gtk_widget_set_visible (GTK_WIDGET (self->error_dismiss_button), !narrow);

  return G_SOURCE_REMOVE;
}

/* Before the first allocation (and whenever the size is set), the default
 * width is the best guess: a window asked to be 360 px wide must not be
 * held wider by the wide layout's minimum. */
static void
on_default_width_changed (ApWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width <= 0 || gtk_widget_get_realized (GTK_WIDGET (self)) || width == self->layout_width)
    return;

  self->layout_width = width;
  g_clear_handle_id (&self->layout_id, g_source_remove);
  ap_window_apply_layout (self);
}

static void
ap_window_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  ApWindow *self = AP_WINDOW (widget);

  GTK_WIDGET_CLASS (ap_window_parent_class)->size_allocate (widget, width, height, baseline);

  if (width != self->layout_width)
    {
      self->layout_width = width;
      if (self->layout_id == 0)
        self->layout_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, ap_window_apply_layout,
                                           self, NULL);
    }
}

static void
on_back_clicked (ApWindow *self)
{
  ap_panes_set_showing_detail (self->panes, FALSE);
}

static gboolean
ap_window_close_request (GtkWindow *window)
{
  ApWindow *self = AP_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);

  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  _ap_window_cancel_fetch (self);

  return GTK_WINDOW_CLASS (ap_window_parent_class)->close_request (window);
}

static void
ap_window_dispose (GObject *object)
{
  ApWindow *self = AP_WINDOW (object);

  /* Stale callbacks see the bumped serial and a disposed window. */
  self->fetch_serial++;
  if (self->fetch_cancellable != NULL)
    g_cancellable_cancel (self->fetch_cancellable);
  if (self->keyring_cancellable != NULL)
    g_cancellable_cancel (self->keyring_cancellable);
  if (self->history_cancellable != NULL)
    g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  if (self->changes_cancellable != NULL)
    g_cancellable_cancel (self->changes_cancellable);
  g_clear_object (&self->changes_cancellable);
  g_clear_object (&self->history_saver);
  g_clear_object (&self->history);
  g_clear_object (&self->fetch_cancellable);
  g_clear_object (&self->keyring_cancellable);
  _ap_window_stop_pulse (self);
  g_clear_handle_id (&self->layout_id, g_source_remove);

  if (self->credentials_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->credentials_dialog),
                                    (gpointer *) &self->credentials_dialog);
      gtk_window_destroy (self->credentials_dialog);
      self->credentials_dialog = NULL;
    }

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);

  if (self->mock != NULL)
    ap_mock_server_stop (self->mock);
  g_clear_object (&self->mock);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_WINDOW);

  g_clear_object (&self->credentials);
  g_clear_object (&self->shown_query);
  g_clear_pointer (&self->fetched_at, g_date_time_unref);
  g_clear_object (&self->last_toast);
  g_clear_error (&self->last_error);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ap_window_parent_class)->dispose (object);
}

static void
ap_window_class_init (ApWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ap_window_dispose;
  widget_class->size_allocate = ap_window_size_allocate;
  window_class->close_request = ap_window_close_request;

  /* The resources live in the static library: referencing them makes
   * every program with a window link them in, and their constructor
   * registers them before the templates load. */
  g_assert (ap_get_resource () != NULL);

  g_type_ensure (AP_TYPE_OVERVIEW_PAGE);
  g_type_ensure (AP_TYPE_PANES);
  g_type_ensure (AP_TYPE_QUERY_BAR);
  g_type_ensure (AP_TYPE_USER_DETAIL);
  g_type_ensure (AP_TYPE_USERS_VIEW);
  g_type_ensure (AP_TYPE_VIEW_TITLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/awarenessperf/AwarenessPerformance/"
                                               "ap-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ApWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, detail_clamp);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, fetch_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_action_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_actions);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_banner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_dismiss_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_retry_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, failed_edit_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, failed_retry_button);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, first_load_page);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, first_load_spinner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, panes);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, query_bar);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, user_detail);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, users_view);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ApWindow, view_title);
  gtk_widget_class_bind_template_callback (widget_class, ap_window_update_back_button);
  gtk_widget_class_bind_template_callback (widget_class, header_centering);
  gtk_widget_class_bind_template_callback (widget_class, ap_window_update_switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_change_group_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_department_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_panes_folded);
  gtk_widget_class_bind_template_callback (widget_class, on_error_dismiss_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_query_bar_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_user_activated);

  _ap_window_class_init_actions (widget_class);
}

static void
ap_window_init (ApWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ap_stack_hide_unshown_pages (self->main_stack);
  ap_stack_hide_unshown_pages (self->content_stack);
  ap_view_title_set_stack (self->view_title, self->view_stack);
  ap_view_title_set_title (self->view_title, _("Awareness Performance"));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  self->store = ap_user_store_new ();

  ap_users_view_set_model (self->users_view, self->store);
  ap_users_view_set_settings (self->users_view, self->settings);
  _ap_window_setup_analysis (self);
  /* The views not shown keep their content hidden (ap-offscreen.h); the
   * users view, the one a first load shows, stays. */
  for (const char *const *name = (const char *[]) { "overview", "videos", "attention", NULL };
       *name != NULL; name++)
    ap_view_stack_show_content_while_shown (self->view_stack,
                                            adw_view_stack_get_child_by_name (self->view_stack,
                                                                              *name));
  ap_query_bar_set_settings (self->query_bar, self->settings);

  g_signal_connect_object (self->query_bar, "notify::valid",
                           G_CALLBACK (_ap_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->query_bar, "changed",
                           G_CALLBACK (ap_window_update_stale), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "items-changed",
                           G_CALLBACK (_ap_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (ap_window_update_back_button), self, G_CONNECT_SWAPPED);

  ap_window_set_fetch_button_compact (self, FALSE);
  ap_a11y_name_buttons (GTK_WIDGET (self));
  g_signal_connect_object (self, "notify::default-width",
                           G_CALLBACK (on_default_width_changed), self, G_CONNECT_SWAPPED);
  on_default_width_changed (self);
  _ap_window_show_page (self, "loading");
  _ap_window_update_actions (self);
}

ApWindow *
ap_window_new (AdwApplication *application)
{
  g_return_val_if_fail (application == NULL || ADW_IS_APPLICATION (application), NULL);

  return g_object_new (AP_TYPE_WINDOW, "application", application, NULL);
}

gboolean
ap_window_is_fetching (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), FALSE);

  return self->fetching;
}

guint
ap_window_get_n_fetches_done (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), 0);

  return self->n_fetches_done;
}

ApUsersView *
ap_window_get_users_view (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  return self->users_view;
}

ApUserDetail *
ap_window_get_user_detail (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  return self->user_detail;
}

const GError *
ap_window_get_shown_error (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->error_revealer) &&
      g_strcmp0 (ap_window_get_content_page (self), "failed") != 0)
    return NULL;
  return self->last_error;
}

const char *
ap_window_get_error_action (ApWindow *self)
{
  gboolean edit, retry;

  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  if (ap_window_get_shown_error (self) == NULL)
    return NULL;

  ap_window_error_fixes (self, self->last_error, &edit, &retry);
  if (edit)
    return gtk_actionable_get_action_name (GTK_ACTIONABLE (self->error_action_button));
  if (retry)
    return gtk_actionable_get_action_name (GTK_ACTIONABLE (self->error_retry_button));
  return NULL;
}

const char *
ap_window_get_content_page (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (self->first_load_page)))
    return "first-load";
  return gtk_stack_get_visible_child_name (self->content_stack);
}

AdwToast *
ap_window_get_last_toast (ApWindow *self)
{
  g_return_val_if_fail (AP_IS_WINDOW (self), NULL);

  return self->last_toast;
}
