/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-videos-page"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "ap-offscreen.h"
#include "ap-chart-render.h"
#include "ap-people-list.h"
#include "ap-table-private.h"
#include "ap-ramp-model.h"
#include "ap-videos-page.h"

/* ---- the chart: viewed / not viewed per title -------------------------- */

/* The departments chart's renderer with "correct" as viewed and "not
 * watched" as not viewed (nothing is "incorrect" per video: the API counts
 * that per user), so both charts look alike; its own legend says so. */
#define AP_TYPE_VIDEOS_CHART (ap_videos_chart_get_type ())
G_DECLARE_FINAL_TYPE (ApVideosChart, ap_videos_chart, AP, VIDEOS_CHART, GtkWidget)

struct _ApVideosChart
{
  GtkWidget  parent_instance;
  GArray    *series;  /* ApChartSeries, labels owned by the analysis */
  ApAnalysis *analysis;
  int        hover_row;
};

G_DEFINE_FINAL_TYPE (ApVideosChart, ap_videos_chart, GTK_TYPE_WIDGET)

#define LEGEND_HEIGHT 28.0

static double
chart_height (ApVideosChart *self)
{
  return ap_chart_stacked_bars_get_height (self->series->len) + LEGEND_HEIGHT;
}

static void
draw_legend (cairo_t                    *cr,
             const ApChartPalette       *palette,
             const PangoFontDescription *font,
             PangoLayout                *layout,
             double                      y)
{
  const ApRgba *colours[] = { &palette->correct, &palette->not_watched };
  const char *labels[] = { _("Viewed"), _("Not viewed") };
  double x = 0;

  pango_layout_set_font_description (layout, font);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      int w, h;

      cairo_set_source_rgba (cr, colours[i]->red, colours[i]->green, colours[i]->blue,
                             colours[i]->alpha);
      cairo_rectangle (cr, x, y + 8, 12, 12);
      cairo_fill (cr);
      pango_layout_set_text (layout, labels[i], -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_set_source_rgba (cr, palette->foreground.red, palette->foreground.green,
                             palette->foreground.blue, palette->foreground.alpha);
      cairo_move_to (cr, x + 18, y + 14 - h / 2.0);
      pango_cairo_show_layout (cr, layout);
      x += 18 + w + 24;
    }
}

static void
ap_videos_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  ApVideosChart *self = AP_VIDEOS_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  const PangoFontDescription *font =
    pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  ApChartPalette palette;
  cairo_t *cr;

  if (self->series->len == 0 || width <= 0 || height <= 0)
    return;

  ap_chart_palette_init (&palette, adw_style_manager_get_dark (adw_style_manager_get_default ()));
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_legend (cr, &palette, font, layout, 0);
  ap_chart_render_stacked_bars (cr, &palette, font, 0, LEGEND_HEIGHT, width,
                                height - LEGEND_HEIGHT,
                                (const ApChartSeries *) self->series->data, self->series->len,
                                self->hover_row, AP_CHART_PART_NONE);
  cairo_destroy (cr);
}

static void
ap_videos_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  ApVideosChart *self = AP_VIDEOS_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 480;
    }
  else
    *minimum = *natural = (int) ceil (chart_height (self));
}

static int
row_at (ApVideosChart *self,
        double         x,
        double         y)
{
  return ap_chart_stacked_bars_hit_test (gtk_widget_get_width (GTK_WIDGET (self)),
                                         gtk_widget_get_height (GTK_WIDGET (self)) - LEGEND_HEIGHT,
                                         (const ApChartSeries *) self->series->data,
                                         self->series->len, x, y - LEGEND_HEIGHT, NULL);
}

static char *
describe_video (const ApAnalysisVideo *video)
{
  /* Translators: a chart's tooltip and accessible text, e.g.
   * "Phishing: 40 of 75 viewed (53.3 %), 35 not viewed, 30 acknowledged" */
  return g_strdup_printf (_("%s: %" PRIu64 " of %" PRIu64 " viewed (%.1f %%), %" PRIu64
                            " not viewed, %" PRIu64 " acknowledged"),
                          video->title, (uint64_t) video->viewed, (uint64_t) video->sent,
                          video->pct_viewed, (uint64_t) video->not_viewed,
                          (uint64_t) video->acknowledged);
}

static gboolean
on_chart_tooltip (ApVideosChart *self,
                  int            x,
                  int            y,
                  gboolean       keyboard_mode,
                  GtkTooltip    *tooltip)
{
  int row = row_at (self, x, y);
  g_autofree char *text = NULL;

  if (row < 0 || self->analysis == NULL)
    return FALSE;
  text = describe_video (ap_analysis_get_video (self->analysis, row));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_chart_motion (ApVideosChart *self,
                 double         x,
                 double         y)
{
  int row = row_at (self, x, y);

  if (row != self->hover_row)
    {
      self->hover_row = row;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_chart_leave (ApVideosChart *self)
{
  self->hover_row = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ap_videos_chart_finalize (GObject *object)
{
  ApVideosChart *self = AP_VIDEOS_CHART (object);

  g_clear_pointer (&self->series, g_array_unref);
  g_clear_pointer (&self->analysis, ap_analysis_unref);

  G_OBJECT_CLASS (ap_videos_chart_parent_class)->finalize (object);
}

static void
ap_videos_chart_class_init (ApVideosChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ap_videos_chart_finalize;
  widget_class->snapshot = ap_videos_chart_snapshot;
  widget_class->measure = ap_videos_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ap_videos_chart_init (ApVideosChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->series = g_array_new (FALSE, FALSE, sizeof (ApChartSeries));
  self->hover_row = -1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (self, "query-tooltip", G_CALLBACK (on_chart_tooltip), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_chart_motion), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (on_chart_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

static void
ap_videos_chart_set_analysis (ApVideosChart *self,
                              ApAnalysis    *analysis)
{
  g_autoptr(GString) description = g_string_new (NULL);
  guint n = analysis != NULL ? ap_analysis_get_n_videos (analysis) : 0;

  g_clear_pointer (&self->analysis, ap_analysis_unref);
  if (analysis != NULL)
    self->analysis = ap_analysis_ref (analysis);
  g_array_set_size (self->series, 0);
  for (guint i = 0; i < n; i++)
    {
      const ApAnalysisVideo *video = ap_analysis_get_video (analysis, i);
      ApChartSeries series = { video->title, video->viewed, 0, video->not_viewed };
      g_autofree char *line = describe_video (video);

      g_array_append_val (self->series, series);
      g_string_append_printf (description, "%s%s", i > 0 ? "; " : "", line);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Training videos, viewed and not viewed"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
  self->hover_row = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* ---- the page ---------------------------------------------------------- */

struct _ApVideosPage
{
  GtkWidget      parent_instance;

  ApAnalysis    *analysis;
  GtkSortListModel *sorted;
  ApRampModel   *ramp;          /* the rows the table shows, a few more a frame */

  GtkStack      *stack;
  GtkColumnView *view;
  ApVideosChart *chart;
  GtkLabel      *summary_label;
};

G_DEFINE_FINAL_TYPE (ApVideosPage, ap_videos_page, GTK_TYPE_WIDGET)

#define VIDEO(item) ap_analysis_row_get_video (AP_ANALYSIS_ROW (item))
#define COMPARE_UINT(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

static char *
text_title (gpointer item)
{
  return g_strdup (VIDEO (item)->title);
}

static char *
text_category (gpointer item)
{
  return g_strdup (VIDEO (item)->category);
}

static char *
text_sent (gpointer item)
{
  return ap_chart_format_count (VIDEO (item)->sent);
}

static char *
text_viewed (gpointer item)
{
  return ap_chart_format_count (VIDEO (item)->viewed);
}

static char *
text_not_viewed (gpointer item)
{
  return ap_chart_format_count (VIDEO (item)->not_viewed);
}

static char *
text_acknowledged (gpointer item)
{
  return ap_chart_format_count (VIDEO (item)->acknowledged);
}

static char *
text_pct_viewed (gpointer item)
{
  return ap_table_format_percent (VIDEO (item)->pct_viewed, TRUE, "");
}

static char *
text_statuses (gpointer item)
{
  const ApAnalysisVideo *video = VIDEO (item);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < video->n_statuses; i++)
    {
      const char *status = video->statuses[i].status;
      g_autofree char *count = ap_chart_format_count (video->statuses[i].count);

      if (i > 0)
        g_string_append (text, " · ");
      /* Translators: a status the API sent and how many records have it */
      g_string_append_printf (text, _("%s %s"),
                              status[0] != '\0' ? status : _("(no status)"), count);
    }
  return g_string_free (text, FALSE);
}

static int
compare_title (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_utf8_collate (VIDEO ((gpointer) a)->title, VIDEO ((gpointer) b)->title);
}

static int
compare_category (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_utf8_collate (VIDEO ((gpointer) a)->category, VIDEO ((gpointer) b)->category);
}

static int
compare_sent (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (VIDEO ((gpointer) a)->sent, VIDEO ((gpointer) b)->sent);
}

static int
compare_viewed (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (VIDEO ((gpointer) a)->viewed, VIDEO ((gpointer) b)->viewed);
}

static int
compare_not_viewed (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (VIDEO ((gpointer) a)->not_viewed, VIDEO ((gpointer) b)->not_viewed);
}

static int
compare_acknowledged (gconstpointer a, gconstpointer b, gpointer data)
{
  return COMPARE_UINT (VIDEO ((gpointer) a)->acknowledged, VIDEO ((gpointer) b)->acknowledged);
}

static int
compare_pct_viewed (gconstpointer a, gconstpointer b, gpointer data)
{
  double pa = VIDEO ((gpointer) a)->pct_viewed, pb = VIDEO ((gpointer) b)->pct_viewed;

  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

GtkWindow *
ap_videos_page_open_row (ApVideosPage *self,
                         guint         position)
{
  g_autoptr(ApAnalysisRow) row = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autofree char *title = NULL;
  const ApAnalysisVideo *video;
  GtkRoot *root;
  GtkWindow *window;

  g_return_val_if_fail (AP_IS_VIDEOS_PAGE (self), NULL);

  row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  if (row == NULL)
    return NULL;
  video = ap_analysis_row_get_video (row);
  users = ap_analysis_dup_non_viewers (ap_analysis_row_get_analysis (row),
                                       ap_analysis_row_get_position (row));
  /* Translators: the title of the window listing who has not viewed a video */
  title = g_strdup_printf (_("Not Viewed: %s"), video->title);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  window = ap_people_list_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, title,
                                      _("People who were sent this video and have not viewed "
                                        "it yet."),
                                      users);
  gtk_window_present (window);
  return window;
}

static void
on_activate (ApVideosPage *self,
             guint         position)
{
  ap_videos_page_open_row (self, position);
}

static void
ap_videos_page_dispose (GObject *object)
{
  ApVideosPage *self = AP_VIDEOS_PAGE (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->ramp);
  g_clear_object (&self->sorted);
  g_clear_pointer (&self->analysis, ap_analysis_unref);

  G_OBJECT_CLASS (ap_videos_page_parent_class)->dispose (object);
}

static void
ap_videos_page_class_init (ApVideosPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ap_videos_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ap_videos_page_init (ApVideosPage *self)
{
  GtkWidget *empty = adw_status_page_new ();
  GtkWidget *fetch = gtk_button_new_with_mnemonic (_("Refresh With _Details"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *heading = gtk_label_new (_("Training Videos"));
  GtkWidget *chart_card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *table_card;
  GtkSingleSelection *selection;

  self->stack = GTK_STACK (gtk_stack_new ());

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "video-x-generic-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Training Records"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Which videos go unwatched comes from each user’s training "
                                     "records. Fetch again with details to see them."));
  gtk_widget_set_halign (fetch, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (fetch, "pill");
  gtk_widget_add_css_class (fetch, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (fetch), "win.fetch-with-details");
  adw_status_page_set_child (ADW_STATUS_PAGE (empty), fetch);
  gtk_stack_add_named (self->stack, empty, "empty");

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-2");
  gtk_box_append (GTK_BOX (box), heading);
  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary_label, 0);
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->summary_label));

  gtk_widget_add_css_class (chart_card, "card");
  self->chart = g_object_new (AP_TYPE_VIDEOS_CHART, NULL);
  gtk_widget_set_margin_top (GTK_WIDGET (self->chart), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->chart), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->chart), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->chart), 12);
  gtk_box_append (GTK_BOX (chart_card), GTK_WIDGET (self->chart));

  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");
  gtk_column_view_set_single_click_activate (self->view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Training videos"), -1);
  gtk_column_view_column_set_fixed_width (
    ap_table_add_column (self->view, _("Title"), text_title, compare_title, FALSE, FALSE), 220);
  gtk_column_view_column_set_fixed_width (
    ap_table_add_column (self->view, _("Category"), text_category, compare_category, FALSE,
                         FALSE), 120);
  ap_table_add_column (self->view, _("Sent"), text_sent, compare_sent, TRUE, FALSE);
  ap_table_add_column (self->view, _("Viewed"), text_viewed, compare_viewed, TRUE, FALSE);
  ap_table_add_column (self->view, _("Not viewed"), text_not_viewed, compare_not_viewed, TRUE,
                       FALSE);
  ap_table_add_column (self->view, _("Acknowledged"), text_acknowledged, compare_acknowledged,
                       TRUE, FALSE);
  ap_table_add_column (self->view, _("Viewed (%)"), text_pct_viewed, compare_pct_viewed, TRUE,
                       FALSE);
  ap_table_add_column (self->view, _("Status"), text_statuses, NULL, FALSE, TRUE);
  self->sorted = gtk_sort_list_model_new (NULL,
                                          g_object_ref (gtk_column_view_get_sorter (self->view)));
  /* GTK 4.8 builds a row's eight cells at once; 20 rows at a time took
   * 7-10 ms of the frame that handed a new analysis over, on a page maybe
   * not even shown. The rows come in a few a frame, only on screen. */
  self->ramp = ap_ramp_model_new (G_LIST_MODEL (self->sorted), 0);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->ramp)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  ap_ramp_model_drive (self->ramp, GTK_WIDGET (self->view), 4, 40);
  g_signal_connect_swapped (self->view, "activate", G_CALLBACK (on_activate), self);
  /* Unsorted, the rows keep the analysis's order: the most not viewed first */
  table_card = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (table_card), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (table_card), GTK_WIDGET (self->view));
  gtk_widget_add_css_class (table_card, "card");
  gtk_box_append (GTK_BOX (box), table_card);
  gtk_box_append (GTK_BOX (box), chart_card);

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1200);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_stack_add_named (self->stack, scrolled, "data");

  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));
  ap_stack_hide_unshown_pages (self->stack);
  ap_videos_page_set_analysis (self, NULL);
}

GtkWidget *
ap_videos_page_new (void)
{
  return g_object_new (AP_TYPE_VIDEOS_PAGE, NULL);
}

void
ap_videos_page_set_analysis (ApVideosPage *self,
                             ApAnalysis   *analysis)
{
  g_autoptr(GListModel) rows = NULL;
  guint n;

  g_return_if_fail (AP_IS_VIDEOS_PAGE (self));

  g_clear_pointer (&self->analysis, ap_analysis_unref);
  if (analysis != NULL)
    self->analysis = ap_analysis_ref (analysis);
  n = analysis != NULL ? ap_analysis_get_n_videos (analysis) : 0;

  rows = analysis != NULL ? ap_analysis_row_list_videos (analysis) : NULL;
  ap_ramp_model_restart (self->ramp);
  gtk_sort_list_model_set_model (self->sorted, rows);
  ap_videos_chart_set_analysis (self->chart, analysis);
  ap_stack_show_page (self->stack, n > 0 ? "data" : "empty");

  if (n > 0)
    {
      g_autofree char *records = ap_chart_format_count (ap_analysis_get_n_records (analysis));
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u training video in %s records fetched with details. "
                                      "The most not viewed first; select one to see who has "
                                      "not viewed it.",
                                      "%u training videos in %s records fetched with details. "
                                      "The most not viewed first; select one to see who has "
                                      "not viewed it.",
                                      n),
                         n, records);
      gtk_label_set_text (self->summary_label, text);
    }
}

const char *
ap_videos_page_get_state (ApVideosPage *self)
{
  g_return_val_if_fail (AP_IS_VIDEOS_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GListModel *
ap_videos_page_get_rows (ApVideosPage *self)
{
  g_return_val_if_fail (AP_IS_VIDEOS_PAGE (self), NULL);

  return G_LIST_MODEL (self->sorted);
}
