/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-user-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-user-store.h"

/* A flat array rather than a GListStore: pages arrive as whole batches, and
 * one items-changed per batch keeps filter and sort models from redoing
 * their work for every user. The batches hold the references, each in an
 * array of its own that never changes once appended: a model over the
 * store can keep a batch (one reference) instead of a reference to each
 * of its users, and clearing drops one reference a batch. */
struct _ApUserStore
{
  GObject    parent_instance;
  GPtrArray *users;     /* every user in order, no references: the index */
  GPtrArray *batches;   /* GPtrArray of ApUser, holding the references */
};

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
ap_user_store_get_item_type (GListModel *model)
{
  return AP_TYPE_USER;
}

static guint
ap_user_store_get_n_items (GListModel *model)
{
  return AP_USER_STORE (model)->users->len;
}

static gpointer
ap_user_store_get_item (GListModel *model,
                        guint       position)
{
  ApUserStore *self = AP_USER_STORE (model);

  if (position >= self->users->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->users, position));
}

static void
ap_user_store_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ap_user_store_get_item_type;
  iface->get_n_items = ap_user_store_get_n_items;
  iface->get_item = ap_user_store_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ApUserStore, ap_user_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ap_user_store_list_model_init))

static void
ap_user_store_finalize (GObject *object)
{
  ApUserStore *self = AP_USER_STORE (object);

  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->batches, g_ptr_array_unref);

  G_OBJECT_CLASS (ap_user_store_parent_class)->finalize (object);
}

static void
ap_user_store_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ApUserStore *self = AP_USER_STORE (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->users->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ap_user_store_class_init (ApUserStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ap_user_store_finalize;
  object_class->get_property = ap_user_store_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ap_user_store_init (ApUserStore *self)
{
  self->users = g_ptr_array_new ();
  self->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

ApUserStore *
ap_user_store_new (void)
{
  return g_object_new (AP_TYPE_USER_STORE, NULL);
}

void
ap_user_store_append_batch (ApUserStore *self,
                            GPtrArray   *users)
{
  GPtrArray *batch;

  g_return_if_fail (AP_IS_USER_STORE (self));
  g_return_if_fail (users != NULL);

  if (users->len == 0)
    return;

  for (guint i = 0; i < users->len; i++)
    g_return_if_fail (AP_IS_USER (g_ptr_array_index (users, i)));

  batch = g_ptr_array_new_full (users->len, g_object_unref);
  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (batch, g_object_ref (g_ptr_array_index (users, i)));
  ap_user_store_take_batch (self, batch);
}

void
ap_user_store_take_batch (ApUserStore *self,
                          GPtrArray   *users)
{
  guint position;

  g_return_if_fail (AP_IS_USER_STORE (self));
  g_return_if_fail (users != NULL);

  if (users->len == 0)
    {
      g_ptr_array_unref (users);
      return;
    }

  position = self->users->len;
  g_ptr_array_set_size (self->users, position + users->len);
  memcpy (self->users->pdata + position, users->pdata, users->len * sizeof (gpointer));
  g_ptr_array_add (self->batches, users);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, users->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

GPtrArray *
ap_user_store_ref_batch (ApUserStore *self,
                         guint        position,
                         guint        n)
{
  GPtrArray *last;

  g_return_val_if_fail (AP_IS_USER_STORE (self), NULL);

  if (self->batches->len == 0)
    return NULL;

  last = g_ptr_array_index (self->batches, self->batches->len - 1);
  if (n != last->len || position != self->users->len - last->len)
    return NULL;
  return g_ptr_array_ref (last);
}

void
ap_user_store_clear (ApUserStore *self)
{
  g_autoptr(GPtrArray) old = NULL;
  guint removed;

  g_return_if_fail (AP_IS_USER_STORE (self));

  removed = self->users->len;
  if (removed == 0)
    return;

  /* Swap first so handlers of items-changed already see an empty store,
   * and the users are released only after the signal. */
  old = g_steal_pointer (&self->batches);
  self->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_ptr_array_set_size (self->users, 0);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

ApUser *
ap_user_store_peek (ApUserStore *self,
                    guint        position)
{
  g_return_val_if_fail (AP_IS_USER_STORE (self), NULL);
  g_return_val_if_fail (position < self->users->len, NULL);

  return g_ptr_array_index (self->users, position);
}
