/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-people-list"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-offscreen.h"
#include "ap-a11y.h"
#include "ap-chart-render.h"
#include "ap-follow-up.h"
#include "ap-follow-up-ui.h"
#include "ap-people-list.h"
#include "ap-ramp-model.h"
#include "ap-table-private.h"
#include "ap-user.h"

struct _ApPeopleList
{
  GtkWidget      parent_instance;

  GPtrArray     *users;
  ApArrayModel  *store;
  ApRampModel   *ramp;
  GtkSortListModel *sorted;

  GtkLabel      *title_label;
  GtkLabel      *count_label;
  GtkLabel      *description_label;
  AdwStatusPage *empty_page;
  GtkStack      *stack;
  GtkColumnView *view;
};

G_DEFINE_FINAL_TYPE (ApPeopleList, ap_people_list, GTK_TYPE_WIDGET)

static void
update_actions (ApPeopleList *self)
{
  /* Whether anyone has an address is left to the actions themselves:
   * counting distinct addresses here would cost the main thread a pass
   * over every user each time the list changes. */
  gboolean any = self->users != NULL && self->users->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.copy", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.copy-with-names", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.remind", any);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ApPeopleList *self = AP_PEOPLE_LIST (widget);

  if (self->users != NULL)
    ap_follow_up_copy_addresses (widget, self->users,
                                 g_str_equal (action_name, "people.copy-with-names"));
}

static void
remind_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ApPeopleList *self = AP_PEOPLE_LIST (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  ApReminderDialog *dialog;

  if (self->users == NULL)
    return;
  dialog = ap_reminder_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->users);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- cells ------------------------------------------------------------- */

static char *
text_name (gpointer item)
{
  return g_strdup (ap_user_get_name (item));
}

static char *
text_email (gpointer item)
{
  return g_strdup (ap_user_get_email (item));
}

static char *
text_department (gpointer item)
{
  const char *department = ap_user_get_department (item);

  return g_strdup (department[0] != '\0' ? department : _("No department"));
}

static char *
text_not_watched (gpointer item)
{
  return ap_chart_format_count (ap_user_get_num_not_watched (item));
}

static char *
text_incorrect (gpointer item)
{
  return ap_chart_format_count (ap_user_get_num_incorrect (item));
}

static char *
text_correct (gpointer item)
{
  return ap_chart_format_count (ap_user_get_num_correct (item));
}

static int
compare_name (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_utf8_collate (ap_user_get_name ((ApUser *) a), ap_user_get_name ((ApUser *) b));
}

static int
compare_email (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_utf8_collate (ap_user_get_email ((ApUser *) a), ap_user_get_email ((ApUser *) b));
}

static int
compare_department (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_utf8_collate (ap_user_get_department ((ApUser *) a),
                         ap_user_get_department ((ApUser *) b));
}

#define COMPARE_UINT(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

static int
compare_not_watched (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (ap_user_get_num_not_watched ((ApUser *) a),
                       ap_user_get_num_not_watched ((ApUser *) b));
}

static int
compare_incorrect (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (ap_user_get_num_incorrect ((ApUser *) a),
                       ap_user_get_num_incorrect ((ApUser *) b));
}

static int
compare_correct (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (ap_user_get_num_correct ((ApUser *) a),
                       ap_user_get_num_correct ((ApUser *) b));
}

/* ---- rows appear over a few frames ------------------------------------ */

/* GTK 4.8's list views build about 200 rows at once, each with six cells:
 * some 60 ms of the main thread. As in the Users view, an ApRampModel lets
 * a few rows in a frame until the screen is full, then everything; and
 * only while the list is on screen: a list on a page nobody looks at has
 * no rows, so handing it new people costs next to nothing. */
#define RAMP_STEP 2
#define RAMP_END AP_RAMP_LIST_ROWS

/* ---- life cycle -------------------------------------------------------- */

static void
ap_people_list_dispose (GObject *object)
{
  ApPeopleList *self = AP_PEOPLE_LIST (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_object (&self->sorted);
  g_clear_object (&self->ramp);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ap_people_list_parent_class)->dispose (object);
}

static void
ap_people_list_class_init (ApPeopleListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_people_list_dispose;

  gtk_widget_class_install_action (widget_class, "people.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "people.copy-with-names", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "people.remind", NULL, remind_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ap_people_list_init (ApPeopleList *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  /* A flow box, so the two buttons stack on a phone-sized window */
  GtkWidget *buttons = gtk_flow_box_new ();
  GtkWidget *copy = adw_split_button_new ();
  GtkWidget *remind = gtk_button_new_with_mnemonic (_("Email _Reminder…"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkSingleSelection *selection;

  self->store = ap_array_model_new (AP_TYPE_USER);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0);
  gtk_label_set_wrap (self->title_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "title-4");
  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->count_label, 0);
  gtk_label_set_wrap (self->count_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->title_label));
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->count_label));
  gtk_widget_set_hexpand (titles, TRUE);

  adw_split_button_set_label (ADW_SPLIT_BUTTON (copy), _("_Copy Email Addresses"));
  adw_split_button_set_use_underline (ADW_SPLIT_BUTTON (copy), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "people.copy");
  g_menu_append (menu, _("Copy as “Name <email>”"), "people.copy-with-names");
  adw_split_button_set_menu_model (ADW_SPLIT_BUTTON (copy), G_MENU_MODEL (menu));
  /* Its arrow is otherwise exposed as "GtkMenuButton" */
  ap_a11y_label_first (copy, GTK_TYPE_MENU_BUTTON, _("More Ways to Copy"));
  gtk_widget_set_tooltip_text (copy, _("One address per line, to paste into a mail"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remind), "people.remind");
  gtk_widget_set_tooltip_text (remind, _("Prepare a reminder in your mail app; nothing is sent "
                                         "until you send it"));
  gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (buttons, GTK_ALIGN_FILL);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (buttons), 1);
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), copy);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), remind);
  gtk_widget_set_focusable (gtk_widget_get_parent (copy), FALSE);
  gtk_widget_set_focusable (gtk_widget_get_parent (remind), FALSE);

  /* The title, then the buttons under it: a flow box inside a flow box
   * allocated the buttons less than they need on a wide window. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (header), GTK_ORIENTATION_VERTICAL);
  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (header), buttons);
  gtk_box_append (GTK_BOX (box), header);

  self->description_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->description_label, 0);
  gtk_label_set_wrap (self->description_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->description_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->description_label));

  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (self->view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");
  ap_table_add_column (self->view, _("Name"), text_name, compare_name, FALSE, TRUE);
  ap_table_add_column (self->view, _("Email"), text_email, compare_email, FALSE, TRUE);
  ap_table_add_column (self->view, _("Department"), text_department, compare_department,
                       FALSE, TRUE);
  ap_table_add_column (self->view, _("Not watched"), text_not_watched, compare_not_watched,
                       TRUE, FALSE);
  ap_table_add_column (self->view, _("Incorrect"), text_incorrect, compare_incorrect, TRUE,
                       FALSE);
  ap_table_add_column (self->view, _("Correct"), text_correct, compare_correct, TRUE, FALSE);
  self->ramp = ap_ramp_model_new (G_LIST_MODEL (self->store), 0);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->ramp)),
                                          g_object_ref (gtk_column_view_get_sorter (self->view)));
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  ap_ramp_model_drive (self->ramp, GTK_WIDGET (self->view), RAMP_STEP, RAMP_END);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->view));
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_set_margin_bottom (scrolled, 12);

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "object-select-symbolic");
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  gtk_widget_set_parent (box, GTK_WIDGET (self));
  ap_stack_hide_unshown_pages (self->stack);
  ap_people_list_set_users (self, NULL);
}

GtkWidget *
ap_people_list_new (void)
{
  return g_object_new (AP_TYPE_PEOPLE_LIST, NULL);
}

void
ap_people_list_set_heading (ApPeopleList *self,
                            const char   *title,
                            const char   *description,
                            const char   *empty_text)
{
  g_return_if_fail (AP_IS_PEOPLE_LIST (self));

  gtk_label_set_text (self->title_label, title);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          description != NULL && description[0] != '\0');
  gtk_label_set_text (self->description_label, description != NULL ? description : "");
  adw_status_page_set_title (self->empty_page, empty_text);
}

void
ap_people_list_set_users (ApPeopleList *self,
                          GPtrArray    *users)
{
  g_autofree char *count = NULL;
  g_autofree char *number = NULL;
  guint n;

  g_return_if_fail (AP_IS_PEOPLE_LIST (self));

  g_clear_pointer (&self->users, g_ptr_array_unref);
  if (users != NULL)
    self->users = g_ptr_array_ref (users);
  n = users != NULL ? users->len : 0;

  /* GTK 4.8's list machinery spends tens of milliseconds of the main
   * thread taking in 100,000 rows at once; nobody reads that many. A long
   * list shows its first rows in the rule's order, unsortable (sorting a
   * part would mislead), while the follow-up actions act on everyone. */
  if (n > AP_PEOPLE_LIST_SHOWN_MAX)
    {
      g_autoptr(GPtrArray) shown = g_ptr_array_sized_new (AP_PEOPLE_LIST_SHOWN_MAX);

      for (guint i = 0; i < AP_PEOPLE_LIST_SHOWN_MAX; i++)
        g_ptr_array_add (shown, g_ptr_array_index (users, i));
      ap_ramp_model_restart (self->ramp);
      gtk_sort_list_model_set_sorter (self->sorted, NULL);
      ap_array_model_set (self->store, shown);
    }
  else
    {
      ap_ramp_model_restart (self->ramp);
      gtk_sort_list_model_set_sorter (self->sorted, gtk_column_view_get_sorter (self->view));
      ap_array_model_set (self->store, users);
    }

  number = ap_chart_format_count (n);
  if (n > AP_PEOPLE_LIST_SHOWN_MAX)
    {
      g_autofree char *shown = ap_chart_format_count (AP_PEOPLE_LIST_SHOWN_MAX);

      /* Translators: e.g. "89,334 people; the first 1,000 are listed, follow-up reaches
       * everyone" */
      count = g_strdup_printf (_("%s people; the first %s are listed, follow-up reaches "
                                 "everyone"), number, shown);
    }
  else
    /* Translators: %s is a number, e.g. "2,237 people" */
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person", "%s people", n),
                             number);
  gtk_label_set_text (self->count_label, count);
  ap_stack_show_page (self->stack, n > 0 ? "list" : "empty");
  update_actions (self);
}

GPtrArray *
ap_people_list_get_users (ApPeopleList *self)
{
  g_return_val_if_fail (AP_IS_PEOPLE_LIST (self), NULL);

  return self->users;
}

GListModel *
ap_people_list_get_model (ApPeopleList *self)
{
  g_return_val_if_fail (AP_IS_PEOPLE_LIST (self), NULL);

  return G_LIST_MODEL (self->store);
}

GtkWindow *
ap_people_list_window_new (GtkWindow  *parent,
                           const char *title,
                           const char *description,
                           GPtrArray  *users)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *list = ap_people_list_new ();

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 520);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  ap_people_list_set_heading (AP_PEOPLE_LIST (list), title, description, _("Nobody"));
  ap_people_list_set_users (AP_PEOPLE_LIST (list), users);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), list);
  gtk_widget_set_vexpand (overlay, TRUE);
  gtk_box_append (GTK_BOX (box), overlay);
  adw_window_set_content (ADW_WINDOW (window), box);
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape,
                                                                                    0),
                                                            gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (window, shortcuts);
  }

  return GTK_WINDOW (window);
}
