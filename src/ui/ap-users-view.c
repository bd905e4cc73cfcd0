/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-users-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-chart-render.h"
#include "ap-offscreen.h"
#include "ap-users-view-private.h"
#include "ap-window-private.h"

enum {
  PROP_0,
  PROP_SELECTED_USER,
  N_PROPS
};

enum {
  USER_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ApUsersView, ap_users_view, GTK_TYPE_WIDGET)

typedef struct
{
  const char       *id;       /* the value of the sort-column setting */
  gsize             offset;   /* of the column in ApUsersView */
  ApUserSortColumn  sort;
} ColumnInfo;

static const ColumnInfo columns[] = {
  { "name", G_STRUCT_OFFSET (ApUsersView, name_column), AP_USER_SORT_NAME },
  { "email", G_STRUCT_OFFSET (ApUsersView, email_column), AP_USER_SORT_EMAIL },
  { "department", G_STRUCT_OFFSET (ApUsersView, department_column), AP_USER_SORT_DEPARTMENT },
  { "correct", G_STRUCT_OFFSET (ApUsersView, correct_column), AP_USER_SORT_CORRECT },
  { "incorrect", G_STRUCT_OFFSET (ApUsersView, incorrect_column), AP_USER_SORT_INCORRECT },
  { "not-watched", G_STRUCT_OFFSET (ApUsersView, not_watched_column),
    AP_USER_SORT_NOT_WATCHED },
};

#define COLUMN_AT(self, i) (*(GtkColumnViewColumn **) G_STRUCT_MEMBER_P ((self), columns[i].offset))

void
ap_users_view_update_status (ApUsersView *self)
{
  g_autofree char *shown = NULL;
  g_autofree char *total = NULL;
  g_autofree char *users = NULL;
  g_autofree char *departments = NULL;
  g_autofree char *status = NULL;
  g_autofree char *group = ap_users_view_describe_group (self);
  guint n_shown = g_list_model_get_n_items (ap_users_view_get_visible_users (self));
  guint n_total = self->store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;
  /* Who left is out of the data shown: counted apart */
  guint n_of = self->change_group == AP_CHANGE_GROUP_LEFT
               ? self->n_in_group[AP_CHANGE_GROUP_LEFT] : n_total;
  guint n_departments = 0;
  const char *page;

  if (self->analysis != NULL)
    n_departments = ap_analysis_get_n_departments (self->analysis);

  shown = ap_chart_format_count (n_shown);
  total = ap_chart_format_count (n_of);
  users = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Showing %s of %s user",
                                        "Showing %s of %s users", n_of),
                           shown, total);
  departments = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u department",
                                              "%u departments", n_departments),
                                 n_departments);
  /* Translators: joins "Showing N of M users" and "K departments" */
  status = g_strdup_printf (_("%s · %s"), users, departments);
  if (self->list_model != NULL && ap_user_list_model_get_streaming (self->list_model) && n_total > 0)
    {
      g_autofree char *loading = g_steal_pointer (&status);

      /* Translators: after "Showing N of M users · K departments" while
       * the pages of a fetch arrive: new users are added at the end */
      status = g_strdup_printf (_("%s · sorted when loading ends"), loading);
    }
  if (group != NULL)
    {
      g_autofree char *narrowed = g_steal_pointer (&status);

      /* Translators: joins "Showing N of M users · K departments" and the
       * change group, e.g. "watched videos since the fetch of 25/11/26 14:02" */
      status = g_strdup_printf (_("%s · %s"), narrowed, group);
    }
  gtk_label_set_label (self->status_label, status);

  if (n_total == 0 && self->loading)
    page = self->compact ? "rows" : "list";
  else if (n_total == 0)
    page = self->fetched ? "no-users" : "empty";
  else if (n_shown == 0 && ap_users_view_get_pending (self) == 0)
    page = "no-match";
  else
    page = self->compact ? "rows" : "list";

  ap_stack_show_page (self->stack, page);
  gtk_widget_set_sensitive (self->filter_bar, n_total > 0);
}

/* The list keeps its top row in place while rows move. After a new fetch
 * or a new sort order that row is arbitrary, so start from the top. */
static void
on_store_items_changed (ApUsersView *self,
                        guint        position,
                        guint        removed,
                        guint        added)
{
  /* Position 0: the store was cleared, or its first rows arrived. */
  if (position == 0)
    self->scroll_to_top = TRUE;
}

/* Only the list on screen has the rows: a list view builds row widgets
 * for its rows whether it is shown or not, and building them twice made
 * the first frames of a load twice as long. The selection is shared, so it
 * stays when the layout changes. */
static void
ap_users_view_attach_shown_list (ApUsersView *self)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (self->selection);

  if (self->compact)
    {
      gtk_column_view_set_model (self->column_view, NULL);
      gtk_list_view_set_model (self->rows_view, model);
    }
  else
    {
      gtk_list_view_set_model (self->rows_view, NULL);
      gtk_column_view_set_model (self->column_view, model);
    }
}

/* GTK 4.8 has no gtk_column_view_scroll_to(); its inner list view has the
 * scroll action, which moves the anchor (an adjustment change would be
 * undone by the next layout). */
static void
ap_users_view_scroll_to (ApUsersView *self,
                         guint        position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (child))
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
    }
}

static gboolean
ap_users_view_scroll_to_top_when_settled (gpointer user_data)
{
  ApUsersView *self = user_data;

  self->settle_id = 0;

  /* Wait until the rows are filtered and sorted, or the top row is still
   * arbitrary. */
  if (!self->scroll_to_top ||
      ap_users_view_get_pending (self) > 0 ||
      g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return G_SOURCE_REMOVE;

  self->scroll_to_top = FALSE;
  if (gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION)
    return G_SOURCE_REMOVE;

  ap_users_view_scroll_to (self, 0);
  gtk_widget_activate_action (GTK_WIDGET (self->rows_view), "list.scroll-to-item", "u", 0);
  return G_SOURCE_REMOVE;
}

/* The models start their incremental work from idles of their own, so
 * look once they had a chance to: a low-priority idle runs after them. */
void
ap_users_view_on_models_settling (ApUsersView *self)
{
  if (self->settle_id == 0)
    self->settle_id = g_idle_add_full (G_PRIORITY_LOW, ap_users_view_scroll_to_top_when_settled,
                                       self, NULL);
}

static void
on_column_view_activate (ApUsersView *self,
                         guint        position)
{
  g_autoptr(ApUser) user = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (user != NULL)
    g_signal_emit (self, signals[USER_ACTIVATED], 0, user);
}

static void
on_selected_item_changed (ApUsersView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_USER]);
}

/* The column and direction the list is sorted by. GTK 4.8 has no getter, so
 * without one, ask the sorter about two probe users that differ on every
 * column: the primary column alone decides their order. */
static GtkColumnViewColumn *
ap_users_view_find_sort (ApUsersView *self,
                         gboolean    *descending)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
#if GTK_CHECK_VERSION (4, 10, 0)
  GtkColumnViewColumn *column =
    gtk_column_view_sorter_get_primary_sort_column (GTK_COLUMN_VIEW_SORTER (sorter));

  *descending = gtk_column_view_sorter_get_primary_sort_order (GTK_COLUMN_VIEW_SORTER (sorter))
                == GTK_SORT_DESCENDING;
  return column;
#else
  g_autoptr(ApUser) low = ap_user_new ("a", "a", "a", 0, 0, 0);
  g_autoptr(ApUser) high = ap_user_new ("b", "b", "b", 1, 1, 1);
  GtkOrdering all = gtk_sorter_compare (sorter, low, high);

  *descending = all == GTK_ORDERING_LARGER;
  if (all == GTK_ORDERING_EQUAL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(ApUser) a = ap_user_new (i == 0 ? "a" : "b", i == 1 ? "a" : "b",
                                         i == 2 ? "a" : "b", i == 3 ? 0 : 1,
                                         i == 4 ? 0 : 1, i == 5 ? 0 : 1);
      g_autoptr(ApUser) b = ap_user_new (i == 0 ? "b" : "a", i == 1 ? "b" : "a",
                                         i == 2 ? "b" : "a", i == 3 ? 1 : 0,
                                         i == 4 ? 1 : 0, i == 5 ? 1 : 0);

      if (gtk_sorter_compare (sorter, a, b) == all)
        return COLUMN_AT (self, i);
    }

  return NULL;
#endif
}

static void
on_sorter_changed (ApUsersView *self)
{
  GtkColumnViewColumn *column;
  gboolean descending = FALSE;

  self->scroll_to_top = TRUE;

  column = ap_users_view_find_sort (self, &descending);

  /* The column view's sorter holds the state the headers show; the model
   * sorts by its own keys, never through the sorter. */
  if (self->list_model != NULL)
    {
      ApUserSortColumn sort = AP_USER_SORT_NONE;

      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        if (COLUMN_AT (self, i) == column)
          sort = columns[i].sort;
      ap_user_list_model_set_sort (self->list_model, sort, descending);
    }

  if (self->settings == NULL || self->restoring_sort)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (COLUMN_AT (self, i) == column)
        {
          g_settings_set_string (self->settings, "sort-column", columns[i].id);
          g_settings_set_boolean (self->settings, "sort-descending", descending);
          break;
        }
    }
}

static void
ap_users_view_dispose (GObject *object)
{
  GtkWidget *child;
  ApUsersView *self = AP_USERS_VIEW (object);

  /* Tearing the list down changes its sorter and models: nothing of that
   * may reach the settings or schedule work. */
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  if (self->sort_model != NULL)
    g_signal_handlers_disconnect_by_data (self->sort_model, self);
  if (self->list_model != NULL)
    g_signal_handlers_disconnect_by_data (self->list_model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  g_clear_handle_id (&self->status_id, g_source_remove);
  g_clear_handle_id (&self->search_id, g_source_remove);
  if (self->ramp_id != 0 && self->ramp_widget != NULL)
    gtk_widget_remove_tick_callback (self->ramp_widget, self->ramp_id);
  self->ramp_id = 0;
  g_clear_object (&self->reselect);

  gtk_widget_dispose_template (GTK_WIDGET (self), AP_TYPE_USERS_VIEW);
  ap_users_view_dispose_changes (self);
  /* Children the template does not bind (separators) are ours to drop. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->ramp);
  g_clear_object (&self->list_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->search_filter);
  g_clear_object (&self->department_filter);
  g_clear_object (&self->departments);
  g_clear_object (&self->store);
  g_clear_pointer (&self->analysis, ap_analysis_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ap_users_view_parent_class)->dispose (object);
}

static void
ap_users_view_finalize (GObject *object)
{
  ApUsersView *self = AP_USERS_VIEW (object);

  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->department, g_free);

  G_OBJECT_CLASS (ap_users_view_parent_class)->finalize (object);
}

static void
ap_users_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ApUsersView *self = AP_USERS_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_USER:
      g_value_set_object (value, ap_users_view_get_selected_user (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_users_view_class_init (ApUsersViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_users_view_dispose;
  object_class->finalize = ap_users_view_finalize;
  object_class->get_property = ap_users_view_get_property;

  properties[PROP_SELECTED_USER] =
    g_param_spec_object ("selected-user", NULL, NULL, AP_TYPE_USER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A row was activated (Enter, double click): the window shows the
   * detail pane when the two panes do not fit side by side. */
  signals[USER_ACTIVATED] =
    g_signal_new ("user-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AP_TYPE_USER);

  g_type_ensure (AP_TYPE_USER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/awarenessperf/AwarenessPerformance/"
                                               "ap-users-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, column_view);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, correct_column);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, department_column);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, department_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, email_column);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, incorrect_column);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, name_column);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, not_watched_column);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, rows_view);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, stack);
  gtk_widget_class_bind_template_child (widget_class, ApUsersView, status_label);
  ap_users_view_bind_cell_callbacks (widget_class);
  ap_users_view_bind_filter_callbacks (widget_class);
}

/* A page can arrive as hundreds of insertions: count once per frame. */
static gboolean
ap_users_view_update_status_idle (gpointer user_data)
{
  ApUsersView *self = user_data;

  self->status_id = 0;
  ap_users_view_update_status (self);
  return G_SOURCE_REMOVE;
}

static void
ap_users_view_queue_status (ApUsersView *self)
{
  /* Before GTK's layout and drawing, which run at G_PRIORITY_HIGH_IDLE + 10 and + 20. */
  if (self->status_id == 0)
    self->status_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, ap_users_view_update_status_idle,
                                       self, NULL);
}

/* The list on screen: the grid, or the rows of a narrow window. */
static GtkWidget *
ap_users_view_shown_list (ApUsersView *self)
{
  return self->compact ? GTK_WIDGET (self->rows_view) : GTK_WIDGET (self->column_view);
}

/* A new order or a wide search change arrives as a removal then an
 * insertion (see ApUserListModel), so the selection loses its user in
 * between: remember it before the selection hears of the removal (this
 * handler runs first) and select it again after the insertion. */
static void
on_list_items_changed_before (ApUsersView *self,
                              guint        position,
                              guint        removed,
                              guint        added)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (removed > 0 && added == 0 && self->reselect == NULL &&
      selected != GTK_INVALID_LIST_POSITION && selected >= position &&
      selected < position + removed)
    self->reselect = gtk_single_selection_get_selected_item (self->selection) != NULL
                     ? g_object_ref (gtk_single_selection_get_selected_item (self->selection))
                     : NULL;
}

/* A list view builds AP_RAMP_LIST_ROWS rows at once for the first items,
 * each a row, six cells and their labels: one long frame. Shown
 * through an ApRampModel that grows by RAMP_STEP rows a frame, the first rows
 * appear at once and the rest are built over the next frames. A new row
 * costs GTK 4.8 about 1 ms of style and size computation (bench/ui/run
 * with BENCH_UI_GAPS), and every row built makes GTK measure the rows
 * already built again, so a frame builds few. While a fetch streams in,
 * its pages join the end (ap_users_view_set_streaming ()), past the rows
 * built; pages merged into the order later bring rows of their own. */
#define RAMP_STEP 5
#define RAMP_END AP_RAMP_LIST_ROWS

static gboolean
ap_users_view_ramp_tick (GtkWidget     *widget,
                         GdkFrameClock *frame_clock,
                         gpointer       user_data)
{
  ApUsersView *self = user_data;
  guint limit = ap_ramp_model_get_limit (self->ramp);

  /* The frame that takes the first load's status page away repaints the
   * whole list area: the rows (and the first drawing of their glyphs)
   * wait for the one after it. */
  if (self->uncovered_frame >= 0 &&
      gdk_frame_clock_get_frame_counter (frame_clock) == self->uncovered_frame + 1)
    return G_SOURCE_CONTINUE;
  self->uncovered_frame = -1;

  /* Every row the list builds is built before everything comes in: the
   * frame that lets everything in (with a new scrollbar range and height
   * for the list) builds no row. When it built the last few, each row
   * before them was measured again: 11-14 ms on GTK 4.8, against 4-5. */
  if (limit < RAMP_END)
    {
      ap_ramp_model_set_limit (self->ramp, MIN (limit + RAMP_STEP, RAMP_END));
      return G_SOURCE_CONTINUE;
    }

  self->ramp_id = 0;
  ap_ramp_model_set_limit (self->ramp, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

static void
ap_users_view_end_ramp (ApUsersView *self)
{
  if (self->ramp_id != 0)
    {
      gtk_widget_remove_tick_callback (self->ramp_widget, self->ramp_id);
      self->ramp_id = 0;
    }
  ap_ramp_model_set_limit (self->ramp, G_MAXUINT);
}

static void
ap_users_view_update_ramp (ApUsersView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list_model));

  /* Frames tick only for a list on screen; elsewhere nothing is built. */
  if (!gtk_widget_get_mapped (ap_users_view_shown_list (self)))
    {
      if (ap_ramp_model_get_limit (self->ramp) != G_MAXUINT)
        ap_users_view_end_ramp (self);
      return;
    }

  if (n == 0)
    {
      /* Emptied (a new fetch): the next rows ramp up again. */
      if (self->ramp_id != 0)
        {
          gtk_widget_remove_tick_callback (self->ramp_widget, self->ramp_id);
          self->ramp_id = 0;
        }
      ap_ramp_model_set_limit (self->ramp, RAMP_STEP);
    }
  else if (self->ramp_id == 0 && ap_ramp_model_get_limit (self->ramp) < G_MAXUINT)
    {
      self->ramp_widget = ap_users_view_shown_list (self);
      self->ramp_id = gtk_widget_add_tick_callback (self->ramp_widget, ap_users_view_ramp_tick,
                                                    self, NULL);
    }
}

static void
on_list_items_changed_after (ApUsersView *self,
                             guint        position,
                             guint        removed,
                             guint        added)
{
  g_autoptr(ApUser) user = NULL;
  guint found;

  ap_users_view_queue_status (self);
  ap_users_view_update_ramp (self);

  if (self->reselect == NULL)
    return;

  user = g_steal_pointer (&self->reselect);
  found = ap_user_list_model_find (self->list_model, user);
  if (found != G_MAXUINT)
    gtk_single_selection_set_selected (self->selection, found);
}

/* The new rows are in, before the old ones: moving there makes the list
 * rebind its row widgets to them (cheap) before the old rows are removed,
 * which would destroy the widgets and build 200 rows anew (GTK 4.8 keeps
 * about 200 rows around the visible ones). */
static void
on_list_replacing (ApUsersView *self,
                   guint        position,
                   guint        n_new,
                   guint        n_old)
{
  ap_users_view_scroll_to (self, position);
}

static void
ap_users_view_init (ApUsersView *self)
{
  self->uncovered_frame = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  ap_stack_hide_unshown_pages (self->stack);
  ap_users_view_init_filters (self);

  if (g_strcmp0 (g_getenv ("AP_USERS_MODEL"), "gtk") == 0)
    {
      ap_users_view_init_gtk_models (self);
    }
  else
    {
      self->list_model = ap_user_list_model_new ();
      g_signal_connect_object (self->list_model, "items-changed",
                               G_CALLBACK (on_list_items_changed_before), self,
                               G_CONNECT_SWAPPED);
      self->ramp = ap_ramp_model_new (G_LIST_MODEL (self->list_model), RAMP_STEP);
      ap_ramp_model_set_grow_end (self->ramp, RAMP_END);
      self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->ramp)));
      g_signal_connect_object (self->list_model, "items-changed",
                               G_CALLBACK (on_list_items_changed_after), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        {
          g_autoptr(GtkListItemFactory) factory = ap_users_view_cell_factory_new (columns[i].sort);

          gtk_column_view_column_set_factory (COLUMN_AT (self, i), factory);
        }
      /* A search costs a few milliseconds: no need to wait for a pause. */
      gtk_search_entry_set_search_delay (self->search_entry, 0);

      g_signal_connect_object (self->column_view, "unmap",
                               G_CALLBACK (ap_users_view_end_ramp), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->rows_view, "unmap",
                               G_CALLBACK (ap_users_view_end_ramp), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list_model, "replacing",
                               G_CALLBACK (on_list_replacing), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list_model, "notify::pending",
                               G_CALLBACK (ap_users_view_update_status), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list_model, "notify::pending",
                               G_CALLBACK (ap_users_view_on_models_settling), self,
                               G_CONNECT_SWAPPED);
    }

  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  ap_users_view_attach_shown_list (self);

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selected_item_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate",
                           G_CALLBACK (on_column_view_activate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->rows_view, "activate",
                           G_CALLBACK (on_column_view_activate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed), self, G_CONNECT_SWAPPED);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
  ap_users_view_init_changes (self);

  ap_users_view_update_status (self);
}

GtkWidget *
ap_users_view_new (void)
{
  return g_object_new (AP_TYPE_USERS_VIEW, NULL);
}

void
ap_users_view_set_model (ApUsersView *self,
                         ApUserStore *store)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));
  g_return_if_fail (store == NULL || AP_IS_USER_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  g_set_object (&self->store, store);

  if (store != NULL)
    g_signal_connect_object (store, "items-changed",
                             G_CALLBACK (on_store_items_changed), self, G_CONNECT_SWAPPED);

  if (self->list_model != NULL)
    ap_user_list_model_set_store (self->list_model, store);
  else
    gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (store));
  ap_users_view_sync_departments (self);
}

void
ap_users_view_set_analysis (ApUsersView *self,
                            ApAnalysis  *analysis)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));

  if (self->analysis == analysis)
    return;

  if (analysis != NULL)
    ap_analysis_ref (analysis);
  g_clear_pointer (&self->analysis, ap_analysis_unref);
  self->analysis = analysis;
  ap_users_view_sync_departments (self);
}

void
ap_users_view_set_settings (ApUsersView *self,
                            GSettings   *settings)
{
  g_autofree char *id = NULL;
  gboolean descending;

  g_return_if_fail (AP_IS_USERS_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);

  id = g_settings_get_string (settings, "sort-column");
  descending = g_settings_get_boolean (settings, "sort-descending");

  self->restoring_sort = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (g_strcmp0 (columns[i].id, id) == 0)
      gtk_column_view_sort_by_column (self->column_view, COLUMN_AT (self, i),
                                      descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  self->restoring_sort = FALSE;
}

void
ap_users_view_set_fetched (ApUsersView *self,
                           gboolean     fetched)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));

  self->fetched = !!fetched;
  ap_users_view_update_status (self);
}

void
ap_users_view_set_loading (ApUsersView *self,
                           gboolean     loading)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));

  if (self->loading == !!loading)
    return;
  self->loading = !!loading;

  /* Uncovered before its rows are in (the store has the first page, the
   * list is still keying it): the list waits empty, and the frame that
   * shows it need not build and draw rows as well, see
   * ap_users_view_ramp_tick (). */
  self->uncovered_frame = -1;
  if (!self->loading && self->ramp != NULL &&
      g_list_model_get_n_items (G_LIST_MODEL (self->list_model)) == 0 &&
      gtk_widget_get_mapped (ap_users_view_shown_list (self)))
    {
      self->uncovered_frame =
        gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (ap_users_view_shown_list (self)));
      ap_ramp_model_set_limit (self->ramp, 0);
    }

  ap_users_view_update_status (self);
}

void
ap_users_view_set_streaming (ApUsersView *self,
                             gboolean     streaming)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));

  if (self->list_model == NULL)
    return;
  ap_user_list_model_set_streaming (self->list_model, streaming);
  ap_users_view_update_status (self);
}

void
ap_users_view_set_department (ApUsersView *self,
                              const char  *department)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));

  if (g_strcmp0 (self->department, department) != 0)
    {
      g_free (self->department);
      self->department = g_strdup (department);
      ap_users_view_apply_department (self);
    }

  ap_users_view_select_department_option (self);
}

const char *
ap_users_view_get_department (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return self->department;
}

const char *
ap_users_view_get_search_text (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

void
ap_users_view_focus_search (ApUsersView *self)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

GListModel *
ap_users_view_get_visible_users (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  if (self->change_group == AP_CHANGE_GROUP_LEFT)
    return G_LIST_MODEL (self->left_sorted);
  if (self->list_model != NULL)
    return G_LIST_MODEL (self->list_model);
  return G_LIST_MODEL (self->sort_model);
}

ApUser *
ap_users_view_get_selected_user (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

GtkColumnView *
ap_users_view_get_column_view (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return self->column_view;
}

GtkColumnViewColumn *
ap_users_view_get_column (ApUsersView *self,
                          const char  *id)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (g_strcmp0 (columns[i].id, id) == 0)
      return COLUMN_AT (self, i);

  return NULL;
}

/* Work the list still owes: pages waiting for keys, a sort, a filter. */
guint
ap_users_view_get_pending (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), 0);

  if (self->list_model != NULL)
    return ap_user_list_model_get_pending (self->list_model) + (self->ramp_id != 0 ? 1 : 0) +
           (self->search_id != 0 ? 1 : 0);
  return gtk_filter_list_model_get_pending (self->filter_model) +
         gtk_sort_list_model_get_pending (self->sort_model);
}

GtkSingleSelection *
ap_users_view_get_selection (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return self->selection;
}

GtkEditable *
ap_users_view_get_search_entry (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

const char *
ap_users_view_get_status_text (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

/* Narrow windows get rows (name, department, what is left to watch)
 * instead of a grid that would be clipped. */
void
ap_users_view_set_compact (ApUsersView *self,
                           gboolean     compact)
{
  g_return_if_fail (AP_IS_USERS_VIEW (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  /* Narrow: the search and the department each get the whole width, so
   * neither the placeholder nor the department's name is cut off. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->filter_bar),
                                  compact ? GTK_ORIENTATION_VERTICAL
                                          : GTK_ORIENTATION_HORIZONTAL);
  if (self->ramp != NULL)
    ap_users_view_end_ramp (self);
  ap_users_view_attach_shown_list (self);
  ap_users_view_update_status (self);
}

const char *
ap_users_view_get_visible_page (ApUsersView *self)
{
  g_return_val_if_fail (AP_IS_USERS_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
