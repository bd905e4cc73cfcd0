/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-a11y"

#include "config.h"

#include "ap-a11y.h"

void
ap_a11y_name_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  /* The label property GtkButton sets is what doubles the name: without
   * it the name comes from the visible text, once, without the underscore. */
  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    ap_a11y_name_buttons (child);
}

static GtkWidget *
find_first (GtkWidget *root,
            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_first (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Newer GTKs label a drop-down by the item it shows (a labelled-by
 * relation, which outranks the label property) and renew that relation
 * when the selection changes: drop it again so the control keeps its name. */
static void
drop_down_keep_name (GtkDropDown *drop_down,
                     GParamSpec  *pspec,
                     gpointer     user_data)
{
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (drop_down),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

void
ap_a11y_label_drop_down (GtkDropDown *drop_down,
                         const char  *label)
{
  GtkWidget *button;

  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));
  g_return_if_fail (label != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  drop_down_keep_name (drop_down, NULL, NULL);
  g_signal_connect (drop_down, "notify::selected", G_CALLBACK (drop_down_keep_name), NULL);
  g_signal_connect (drop_down, "notify::model", G_CALLBACK (drop_down_keep_name), NULL);

  button = find_first (GTK_WIDGET (drop_down), GTK_TYPE_TOGGLE_BUTTON);
  if (button != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
}

void
ap_a11y_label_first (GtkWidget  *root,
                     GType       type,
                     const char *label)
{
  GtkWidget *found;

  g_return_if_fail (GTK_IS_WIDGET (root));
  g_return_if_fail (label != NULL);

  found = find_first (root, type);
  if (found != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (found),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
}


void
ap_a11y_label_buttons_in (GtkWidget  *root,
                          const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  g_return_if_fail (label != NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (child)) ==
          GTK_ACCESSIBLE_ROLE_BUTTON)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                        -1);
      ap_a11y_label_buttons_in (child, label);
    }
}
