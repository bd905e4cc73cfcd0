/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-follow-up-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-chart-render.h"
#include "ap-follow-up.h"
#include "ap-follow-up-ui.h"

static void
toast (GtkWidget  *widget,
       const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

guint
ap_follow_up_copy_addresses (GtkWidget *widget,
                             GPtrArray *users,
                             gboolean   with_names)
{
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  guint n;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), 0);
  g_return_val_if_fail (users != NULL, 0);

  n = ap_follow_up_count_addresses (users);
  text = ap_follow_up_format_addresses (users, with_names);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %u email address",
                                          "Copied %u email addresses", n), n);
  toast (widget, message);
  return n;
}

/* ---- the reminder window ----------------------------------------------- */

struct _ApReminderDialog
{
  AdwWindow      parent_instance;

  GPtrArray     *users;
  GStrv          uris;
  char          *note;

  GtkEntry      *subject_entry;
  GtkTextBuffer *body_buffer;
  GtkLabel      *note_label;
  GtkWidget     *open_button;
};

G_DEFINE_FINAL_TYPE (ApReminderDialog, ap_reminder_dialog, ADW_TYPE_WINDOW)

static char *
dup_body (ApReminderDialog *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->body_buffer, &start, &end);
  return gtk_text_buffer_get_text (self->body_buffer, &start, &end, FALSE);
}

static void
update (ApReminderDialog *self)
{
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_entry));
  g_autofree char *body = dup_body (self);
  guint n_people = ap_follow_up_count_addresses (self->users);
  g_autofree char *people = NULL;
  g_autofree char *number = ap_chart_format_count (n_people);
  guint n_drafts;

  g_clear_pointer (&self->uris, g_strfreev);
  g_clear_pointer (&self->note, g_free);
  self->uris = ap_follow_up_build_mailto (self->users, subject, body, AP_FOLLOW_UP_MAILTO_MAX);
  n_drafts = g_strv_length (self->uris);

  people = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person", "%s people", n_people),
                            number);
  if (n_people == 0)
    self->note = g_strdup (_("Nobody in this list has an email address."));
  else if (!ap_follow_up_mailto_fits (subject, body, AP_FOLLOW_UP_MAILTO_MAX))
    self->note = g_strdup (_("The message is too long for a mail link: shorten it."));
  else if (n_drafts == 1)
    /* Translators: %s is "N people" */
    self->note = g_strdup_printf (_("Your mail app opens one draft to %s, every address in "
                                    "Bcc. Nothing is sent until you send it."), people);
  else
    self->note = g_strdup_printf (
      /* Translators: the first %s is "N people"; the %u is the number of drafts (2 or more) */
      g_dngettext (GETTEXT_PACKAGE,
                   "Your mail app opens %u drafts to %s, every address in Bcc: mail links longer "
                   "than about 2,000 characters are cut short by some mail apps, so the list is "
                   "split. Nothing is sent until you send them.",
                   "Your mail app opens %u drafts to %s, every address in Bcc: mail links longer "
                   "than about 2,000 characters are cut short by some mail apps, so the list is "
                   "split. Nothing is sent until you send them.",
                   n_drafts),
      n_drafts, people);

  gtk_label_set_text (self->note_label, self->note);
  gtk_widget_set_sensitive (self->open_button,
                            n_people > 0 &&
                            ap_follow_up_mailto_fits (subject, body, AP_FOLLOW_UP_MAILTO_MAX));
}

/* The one place that hands a URI to the desktop: the portal-aware launcher
 * where GTK has it, gtk_show_uri() on 4.8. */
static void
open_uri (GtkWindow  *parent,
          const char *uri)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);

  gtk_uri_launcher_launch (launcher, parent, NULL, NULL, NULL);
#else
  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
#endif
}

static void
on_open_clicked (ApReminderDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  for (guint i = 0; self->uris != NULL && self->uris[i] != NULL; i++)
    open_uri (parent != NULL ? parent : GTK_WINDOW (self), self->uris[i]);
  gtk_window_close (GTK_WINDOW (self));
}

static void
ap_reminder_dialog_finalize (GObject *object)
{
  ApReminderDialog *self = AP_REMINDER_DIALOG (object);

  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->uris, g_strfreev);
  g_clear_pointer (&self->note, g_free);

  G_OBJECT_CLASS (ap_reminder_dialog_parent_class)->finalize (object);
}

static void
ap_reminder_dialog_class_init (ApReminderDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ap_reminder_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
caption (const char *text,
         GtkWidget  *mnemonic_widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), mnemonic_widget);
  return label;
}

static void
ap_reminder_dialog_init (ApReminderDialog *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *body_view = gtk_text_view_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *title = adw_window_title_new (_("Email Reminder"), NULL);

  gtk_window_set_title (GTK_WINDOW (self), _("Email Reminder"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 460);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->open_button = gtk_button_new_with_mnemonic (_("_Open in Mail App"));
  gtk_widget_add_css_class (self->open_button, "suggested-action");
  g_signal_connect_swapped (self->open_button, "clicked", G_CALLBACK (on_open_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->open_button);
  gtk_box_append (GTK_BOX (toolbar), header);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_vexpand (box, TRUE);

  self->subject_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (self->subject_entry),
                         _("Reminder: your security awareness training"));
  g_signal_connect_swapped (self->subject_entry, "changed", G_CALLBACK (update), self);
  gtk_box_append (GTK_BOX (box), caption (_("_Subject"), GTK_WIDGET (self->subject_entry)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->subject_entry));

  self->body_buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (body_view));
  gtk_text_buffer_set_text (self->body_buffer,
                            _("Hello,\n\nYou have security awareness training videos waiting "
                              "for you. Please take a few minutes this week to watch them.\n\n"
                              "Thank you"), -1);
  g_signal_connect_swapped (self->body_buffer, "changed", G_CALLBACK (update), self);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (body_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (body_view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (body_view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (body_view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (body_view), 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), body_view);
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), caption (_("_Message"), body_view));
  gtk_box_append (GTK_BOX (box), scrolled);

  self->note_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_label_set_xalign (self->note_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->note_label));

  gtk_box_append (GTK_BOX (toolbar), box);
  adw_window_set_content (ADW_WINDOW (self), toolbar);
}

ApReminderDialog *
ap_reminder_dialog_new (GtkWindow *parent,
                        GPtrArray *users)
{
  ApReminderDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (users != NULL, NULL);

  self = g_object_new (AP_TYPE_REMINDER_DIALOG, "transient-for", parent, NULL);
  self->users = g_ptr_array_ref (users);
  update (self);
  return self;
}

const char * const *
ap_reminder_dialog_get_uris (ApReminderDialog *self)
{
  g_return_val_if_fail (AP_IS_REMINDER_DIALOG (self), NULL);

  return (const char * const *) self->uris;
}

const char *
ap_reminder_dialog_get_note (ApReminderDialog *self)
{
  g_return_val_if_fail (AP_IS_REMINDER_DIALOG (self), NULL);

  return self->note;
}

void
ap_reminder_dialog_set_message (ApReminderDialog *self,
                                const char       *subject,
                                const char       *body)
{
  g_return_if_fail (AP_IS_REMINDER_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), subject != NULL ? subject : "");
  gtk_text_buffer_set_text (self->body_buffer, body != NULL ? body : "", -1);
}
