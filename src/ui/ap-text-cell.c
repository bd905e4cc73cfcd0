/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-text-cell"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-text-cell.h"

struct _ApTextCell
{
  GtkWidget    parent_instance;

  char        *text;
  PangoLayout *layout;          /* made at the first draw */
  float        xalign;
  int          line_height;
  guint        line_height_serial;  /* of the pango context it was read from */
};

G_DEFINE_FINAL_TYPE (ApTextCell, ap_text_cell, GTK_TYPE_WIDGET)

/* What every cell of one font shares: its line height, the widths of
 * the short texts seen, and their layouts (counts repeat: "0" to "20", and
 * departments). A new cell would otherwise ask pango for the font's
 * metrics, which shapes a sample text, and shape its own text: a few
 * hundred new cells are a long frame; and when a search or a sort rebinds
 * the rows on screen, half their cells draw a text drawn before. One font
 * at a time: a table uses one or two, and a new font starts over. */
typedef struct
{
  PangoFontDescription *font;
  PangoFontMap         *font_map;    /* compared, not held */
  PangoLanguage        *language;
  int                   line_height;
  GHashTable           *widths;      /* short text -> natural width + 1 */
  GHashTable           *layouts;     /* short text -> PangoLayout, one line, no width */
} FontCache;

static FontCache font_cache;

#define MAX_CACHED_TEXT 16
#define MAX_CACHED_WIDTHS 4096
#define MAX_CACHED_LAYOUTS 256

static FontCache *
font_cache_for (PangoContext *context)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  PangoFontMap *font_map = pango_context_get_font_map (context);
  PangoLanguage *language = pango_context_get_language (context);
  PangoFontMetrics *metrics;

  if (font_cache.font != NULL && font_cache.font_map == font_map &&
      font_cache.language == language && pango_font_description_equal (font_cache.font, font))
    return &font_cache;

  g_clear_pointer (&font_cache.font, pango_font_description_free);
  g_clear_pointer (&font_cache.widths, g_hash_table_unref);
  g_clear_pointer (&font_cache.layouts, g_hash_table_unref);
  font_cache.font = pango_font_description_copy (font);
  font_cache.font_map = font_map;
  font_cache.language = language;
  font_cache.widths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  font_cache.layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  metrics = pango_context_get_metrics (context, NULL, NULL);
  font_cache.line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (metrics));
  if (font_cache.line_height <= 0)
    font_cache.line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (metrics) +
                                                pango_font_metrics_get_descent (metrics));
  pango_font_metrics_unref (metrics);

  return &font_cache;
}

static void
ap_text_cell_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  ApTextCell *self = AP_TEXT_CELL (widget);
  PangoContext *context = gtk_widget_get_pango_context (widget);
  FontCache *cache;
  gpointer cached;

  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      /* The line height from the font alone: no text to lay out. */
      if (self->line_height_serial != pango_context_get_serial (context))
        {
          self->line_height = font_cache_for (context)->line_height;
          self->line_height_serial = pango_context_get_serial (context);
        }
      *minimum = *natural = self->line_height;
      return;
    }

  /* Ellipsized: no minimum width; the text's width when someone asks. */
  *minimum = 0;
  *natural = 0;
  if (self->text == NULL || *self->text == '\0')
    return;

  cache = font_cache_for (context);
  if (g_hash_table_lookup_extended (cache->widths, self->text, NULL, &cached))
    {
      *natural = GPOINTER_TO_INT (cached) - 1;
      return;
    }

  {
    g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->text);

    pango_layout_get_pixel_size (layout, natural, NULL);
  }

  if (strlen (self->text) <= MAX_CACHED_TEXT &&
      g_hash_table_size (cache->widths) < MAX_CACHED_WIDTHS)
    g_hash_table_insert (cache->widths, g_strdup (self->text), GINT_TO_POINTER (*natural + 1));
}

/* (nullable) The shared layout of a short text (unlimited width), made
 * with @widget's context the first time. */
static PangoLayout *
shared_layout (GtkWidget  *widget,
               const char *text)
{
  FontCache *cache;
  PangoLayout *layout;

  if (strlen (text) > MAX_CACHED_TEXT)
    return NULL;

  cache = font_cache_for (gtk_widget_get_pango_context (widget));
  layout = g_hash_table_lookup (cache->layouts, text);
  if (layout == NULL && g_hash_table_size (cache->layouts) < MAX_CACHED_LAYOUTS &&
      strchr (text, '\n') == NULL)
    {
      layout = gtk_widget_create_pango_layout (widget, text);
      pango_layout_set_single_paragraph_mode (layout, TRUE);
      g_hash_table_insert (cache->layouts, g_strdup (text), layout);
    }
  return layout;
}

static void
ap_text_cell_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  ApTextCell *self = AP_TEXT_CELL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int text_width, text_height;
  PangoLayout *layout;
  GdkRGBA color;

  if (self->text == NULL || *self->text == '\0' || width <= 0)
    return;

  /* A short text that fits is drawn from the shared layout, shaped once:
   * the same glyphs an ellipsizing layout of this width would have. */
  layout = shared_layout (widget, self->text);
  if (layout != NULL)
    {
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      if (text_width > width)
        layout = NULL;
    }

  if (layout == NULL)
    {
      if (self->layout == NULL)
        {
          self->layout = gtk_widget_create_pango_layout (widget, NULL);
          pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
          pango_layout_set_single_paragraph_mode (self->layout, TRUE);
        }
      pango_layout_set_text (self->layout, self->text, -1);
      pango_layout_set_width (self->layout, width * PANGO_SCALE);
      pango_layout_get_pixel_size (self->layout, &text_width, &text_height);
      layout = self->layout;
    }

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
#endif

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (MAX (0, (width - text_width) * self->xalign),
                                                MAX (0, (height - text_height) / 2)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
ap_text_cell_finalize (GObject *object)
{
  ApTextCell *self = AP_TEXT_CELL (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (ap_text_cell_parent_class)->finalize (object);
}

static void
ap_text_cell_class_init (ApTextCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ap_text_cell_finalize;
  widget_class->measure = ap_text_cell_measure;
  widget_class->snapshot = ap_text_cell_snapshot;

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
ap_text_cell_init (ApTextCell *self)
{
}

GtkWidget *
ap_text_cell_new (float xalign)
{
  ApTextCell *self = g_object_new (AP_TYPE_TEXT_CELL, NULL);

  self->xalign = CLAMP (xalign, 0.0, 1.0);
  return GTK_WIDGET (self);
}

void
ap_text_cell_set_text (ApTextCell *self,
                       const char *text)
{
  g_return_if_fail (AP_IS_TEXT_CELL (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->text != NULL ? self->text : "", -1);
  /* The size does not depend on the text: a redraw is enough. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
