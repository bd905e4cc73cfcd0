/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-ramp-model"

#include "config.h"

#include <glib/gi18n.h>

#include "ap-ramp-model.h"

struct _ApRampModel
{
  GObject     parent_instance;

  GListModel *model;
  guint       limit;

  /* While an insertion or removal is passed on in two emissions, the
   * items in between: @emit_n of them, and from @shift_from on the
   * model's items @shift further down. */
  gboolean    emitting;
  guint       emit_n;
  guint       shift_from;
  guint       shift;

  /* ap_ramp_model_drive () */
  GtkWidget  *widget;
  guint       tick_id;
  guint       step;
  guint       end;
  guint       grow_end;    /* insertions grow the limit up to this */
};

static GType
ap_ramp_model_get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (AP_RAMP_MODEL (list)->model);
}

static guint
ap_ramp_model_get_n_items (GListModel *list)
{
  ApRampModel *self = AP_RAMP_MODEL (list);

  if (self->emitting)
    return self->emit_n;
  return MIN (g_list_model_get_n_items (self->model), self->limit);
}

static gpointer
ap_ramp_model_get_item (GListModel *list,
                        guint       position)
{
  ApRampModel *self = AP_RAMP_MODEL (list);

  if (self->emitting)
    {
      if (position >= self->emit_n)
        return NULL;
      if (position >= self->shift_from)
        position += self->shift;
      return g_list_model_get_item (self->model, position);
    }
  if (position >= self->limit)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
ap_ramp_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ap_ramp_model_get_item_type;
  iface->get_n_items = ap_ramp_model_get_n_items;
  iface->get_item = ap_ramp_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ApRampModel, ap_ramp_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ap_ramp_model_list_model_init))

#define GROW_MAX_RUN 8

static void
on_items_changed (ApRampModel *self,
                  guint        position,
                  guint        removed,
                  guint        added)
{
  guint n_after, n_before;

  if (self->limit == G_MAXUINT)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  if (position >= self->limit)
    return;

  n_after = g_list_model_get_n_items (self->model);
  n_before = MIN (n_after - added + removed, self->limit);
  n_after = MIN (n_after, self->limit);

  /* An insertion below the limit: the new rows, then the rows it pushed
   * past the limit go. The rows that stay keep their widgets in a list
   * view, and rows pushed out of its range lend theirs to the new ones. */
  if (removed == 0)
    {
      guint in = MIN (added, self->limit - position);

      /* Rows pushed past the limit would lose their widgets now and get
       * new ones when the ramp reaches them: below its end the ramp makes
       * room for a few new rows instead (a page merged in brings them one
       * or two at a time; a new order inserted whole still ramps up). */
      if (in == added && in <= GROW_MAX_RUN && self->limit + in <= self->grow_end)
        {
          self->limit += in;
          n_after = MIN (g_list_model_get_n_items (self->model), self->limit);
        }

      self->emitting = TRUE;
      self->emit_n = n_before + in;
      self->shift_from = position + in;
      self->shift = added - in;
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, in);
      self->emitting = FALSE;
      if (n_before + in > n_after)
        g_list_model_items_changed (G_LIST_MODEL (self), n_after, n_before + in - n_after, 0);
      return;
    }

  /* A removal: the rows that went, then the rows that moved up from past
   * the limit. */
  if (added == 0)
    {
      guint out = MIN (removed, n_before - position);

      self->emitting = TRUE;
      self->emit_n = n_before - out;
      self->shift_from = G_MAXUINT;
      self->shift = 0;
      g_list_model_items_changed (G_LIST_MODEL (self), position, out, 0);
      self->emitting = FALSE;
      if (n_after > n_before - out)
        g_list_model_items_changed (G_LIST_MODEL (self), n_before - out, 0,
                                    n_after - (n_before - out));
      return;
    }

  /* Anything else: everything from @position to the limit, a few hundred
   * rows at most. */
  if (n_before > position || n_after > position)
    g_list_model_items_changed (G_LIST_MODEL (self), position, n_before - position,
                                n_after - position);
}

static void
stop_ticking (ApRampModel *self)
{
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (self->widget, self->tick_id);
      self->tick_id = 0;
    }
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  ApRampModel *self = user_data;

  /* Up to @end exactly: the frame that then lets everything in builds no
   * row of its own when @end is AP_RAMP_LIST_ROWS. */
  if (self->limit < self->end)
    {
      ap_ramp_model_set_limit (self, MIN (self->limit + self->step, self->end));
      return G_SOURCE_CONTINUE;
    }
  self->tick_id = 0;
  ap_ramp_model_set_limit (self, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

static void
start_ticking (ApRampModel *self)
{
  if (self->tick_id == 0 && self->limit != G_MAXUINT && gtk_widget_get_mapped (self->widget))
    self->tick_id = gtk_widget_add_tick_callback (self->widget, on_tick, self, NULL);
}

static void
on_widget_gone (gpointer  data,
                GObject  *where_the_widget_was)
{
  ApRampModel *self = data;

  self->widget = NULL;
  self->tick_id = 0;
}

static void
ap_ramp_model_dispose (GObject *object)
{
  ApRampModel *self = AP_RAMP_MODEL (object);

  if (self->widget != NULL)
    {
      stop_ticking (self);
      g_signal_handlers_disconnect_by_data (self->widget, self);
      g_object_weak_unref (G_OBJECT (self->widget), on_widget_gone, self);
      self->widget = NULL;
    }

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (ap_ramp_model_parent_class)->dispose (object);
}

static void
ap_ramp_model_class_init (ApRampModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ap_ramp_model_dispose;
}

static void
ap_ramp_model_init (ApRampModel *self)
{
}

ApRampModel *
ap_ramp_model_new (GListModel *model,
                   guint       limit)
{
  ApRampModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (AP_TYPE_RAMP_MODEL, NULL);
  self->model = g_object_ref (model);
  self->limit = limit;
  g_signal_connect_object (model, "items-changed", G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
ap_ramp_model_set_limit (ApRampModel *self,
                         guint        limit)
{
  guint n, before, after;

  g_return_if_fail (AP_IS_RAMP_MODEL (self));

  if (self->limit == limit)
    return;

  n = g_list_model_get_n_items (self->model);
  before = MIN (n, self->limit);
  after = MIN (n, limit);
  self->limit = limit;

  if (after > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, after - before);
  else if (before > after)
    g_list_model_items_changed (G_LIST_MODEL (self), after, before - after, 0);
}

guint
ap_ramp_model_get_limit (ApRampModel *self)
{
  g_return_val_if_fail (AP_IS_RAMP_MODEL (self), 0);

  return self->limit;
}

void
ap_ramp_model_drive (ApRampModel *self,
                     GtkWidget   *widget,
                     guint        step,
                     guint        end)
{
  g_return_if_fail (AP_IS_RAMP_MODEL (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (self->widget == NULL);
  g_return_if_fail (step > 0);

  self->widget = widget;
  self->step = step;
  self->end = end;
  self->grow_end = end;
  g_object_weak_ref (G_OBJECT (widget), on_widget_gone, self);
  g_signal_connect_object (widget, "map", G_CALLBACK (start_ticking), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (widget, "unmap", G_CALLBACK (stop_ticking), self, G_CONNECT_SWAPPED);
  start_ticking (self);
}

void
ap_ramp_model_restart (ApRampModel *self)
{
  g_return_if_fail (AP_IS_RAMP_MODEL (self));
  g_return_if_fail (self->widget != NULL);

  ap_ramp_model_set_limit (self, 0);
  start_ticking (self);
}

void
ap_ramp_model_set_grow_end (ApRampModel *self,
                            guint        end)
{
  g_return_if_fail (AP_IS_RAMP_MODEL (self));

  self->grow_end = end;
}
