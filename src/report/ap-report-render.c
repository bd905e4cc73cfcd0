/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-report-render"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <time.h>

#include "ap-chart-render.h"
#include "ap-report-private.h"
#include "ap-report-document-private.h"

/* The report a manager hands to a director: a first page with what was
 * asked, from which tenant, when it was fetched and how it was narrowed,
 * the totals and their chart; the departments; the users needing
 * attention; every user; with details, every user's training records.
 * Each section draws through ApRender (ap-report-table.c), which knows
 * whether this pass measures, draws every page or draws one. */

#define MAX_CHART_DEPARTMENTS 18


static const ApRgba tile_color = { 0.960, 0.962, 0.970, 1.0 };
static const ApRgba accent_color = { 0.208, 0.518, 0.894, 1.0 };  /* Adwaita blue 3 */

/* Formatting */

static char *
format_count (guint64 value)
{
  /* Grouped as the locale groups digits ("12,345", "12.345"). */
  return ap_chart_join_units (ap_chart_format_count (value));
}

static char *
format_share (guint64 part,
              guint64 total)
{
  if (total == 0)
    return g_strdup ("–");

  /* Translators: a percentage in the PDF report, e.g. "62.5 %" */
  return ap_chart_join_units (g_strdup_printf (_("%.1f %%"),
                                               100.0 * (double) part / (double) total));
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *utc_text = g_date_time_format (utc, "%Y-%m-%d %H:%M UTC");
  g_autofree char *local_text = NULL;

  if (g_date_time_get_utc_offset (local) == 0)
    return g_steal_pointer (&utc_text);

  /* Translators: local date and time in the PDF report, see g_date_time_format() */
  local_text = g_date_time_format (local, _("%-d %B %Y, %H:%M %Z"));
  /* Translators: "<local time> (<UTC time>)" */
  return g_strdup_printf (_("%s (%s)"), local_text, utc_text);
}

/* "2024-03-05" in UTC, without allocating: record dates repeat, so their
 * layouts come from the table's cache. */
static const char *
format_date (char   buf[16],
             gint64 unix_time)
{
  time_t t = (time_t) unix_time;
  struct tm tm;

  if (unix_time == AP_TIME_NONE || gmtime_r (&t, &tm) == NULL)
    return "—";

  strftime (buf, 16, "%Y-%m-%d", &tm);
  return buf;
}

static const char *
department_label (const char *name)
{
  return name[0] != '\0' ? name : _("No department");
}

/* Sections */

static void
draw_tile (ApRender     *r,
           double        x,
           double        y,
           double        width,
           double        height,
           const ApRgba *color,
           const char   *label,
           const char   *value,
           const char   *detail,
           double       *content_height)
{
  double inner = width - 20;
  double ty = y + 10;

  if (r->cr != NULL && content_height == NULL)
    {
      ap_chart_set_source (r->cr, &tile_color);
      cairo_rectangle (r->cr, x, y, width, height);
      cairo_fill (r->cr);
      ap_chart_set_source (r->cr, color);
      cairo_rectangle (r->cr, x, y, 4, height);
      cairo_fill (r->cr);
    }

  /* Measuring (@content_height set) never draws. */
  {
    cairo_t *cr = r->cr;

    if (content_height != NULL)
      r->cr = NULL;
    ty += ap_render_text (r, label, r->body_font, &r->palette.dim_foreground, x + 12, ty,
                          inner, PANGO_ALIGN_LEFT);
    ty += 2;
    ty += ap_render_text (r, value, r->figure_font, &r->palette.foreground, x + 12, ty, inner,
                          PANGO_ALIGN_LEFT);
    ty += 2;
    ty += ap_render_text (r, detail, r->body_font, &r->palette.dim_foreground, x + 12, ty,
                          inner, PANGO_ALIGN_LEFT);
    r->cr = cr;
  }

  if (content_height != NULL)
    *content_height = ty - y + 10;
}

static void
draw_key_values (ApRender           *r,
                 const char * const *pairs,
                 guint               n_pairs)
{
  double label_width = 0;

  for (guint i = 0; i < n_pairs; i++)
    label_width = MAX (label_width, ap_render_text_width (r, pairs[2 * i], r->bold_font));
  label_width = MIN (label_width + 14, r->width / 3);

  for (guint i = 0; i < n_pairs; i++)
    {
      double label_height, height;

      label_height = ap_render_text (r, pairs[2 * i], r->bold_font, &r->palette.dim_foreground,
                                     r->left, r->y, label_width - 8, PANGO_ALIGN_LEFT);
      height = ap_render_text (r, pairs[2 * i + 1], r->body_font, &r->palette.foreground,
                               r->left + label_width, r->y, r->width - label_width,
                               PANGO_ALIGN_LEFT);
      r->y += MAX (label_height, height) + 4;
    }
}

static char *
describe_source (ApReportDocument *doc)
{
  const char *url = doc->scope->base_url;

  if (doc->scope->demo)
    return g_strdup (_("Demo data (built-in example organisation, not a Mimecast tenant)"));
  if (url == NULL || url[0] == '\0')
    return g_strdup (_("Unknown"));

  return g_strdup (url);
}

static char *
describe_narrowing (ApReportDocument *doc)
{
  const ApReportScope *scope = doc->scope;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  if (!scope->current_view)
    return g_strdup (_("None: every user loaded"));

  if (scope->department != NULL)
    /* Translators: a local filter named in the PDF report's header */
    g_ptr_array_add (parts, g_strdup_printf (_("department is “%s”"),
                                             department_label (scope->department)));
  if (scope->search_text != NULL)
    /* Translators: a local filter named in the PDF report's header */
    g_ptr_array_add (parts, g_strdup_printf (_("name, email or department contains “%s”"),
                                             scope->search_text));
  if (parts->len == 0)
    return g_strdup (_("None: the current view, without local filters"));

  g_ptr_array_add (parts, NULL);
  /* Translators: joins local filters in the PDF report's header */
  joined = g_strjoinv (_("; "), (char **) parts->pdata);
  /* Translators: %s is a list of local filters */
  return g_strdup_printf (_("Current view only: %s"), joined);
}

static char *
describe_users (ApReportDocument *doc)
{
  g_autofree char *n_users = format_count (doc->users->len);
  g_autofree char *n_fetched = NULL;
  guint fetched = doc->scope->n_fetched;

  if (fetched == 0 || fetched == doc->users->len)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s user (all users in the fetch)",
                                         "%s users (all users in the fetch)", doc->users->len),
                            n_users);

  n_fetched = format_count (fetched);
  /* Translators: "24 of 250 users in the fetch" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s user in the fetch",
                                       "%s of %s users in the fetch", fetched),
                          n_users, n_fetched);
}

static void
draw_first_page (ApRender *r)
{
  ApReportDocument *doc = r->document;
  guint64 correct = ap_analysis_get_num_correct (doc->analysis);
  guint64 incorrect = ap_analysis_get_num_incorrect (doc->analysis);
  guint64 not_watched = ap_analysis_get_num_not_watched (doc->analysis);
  guint64 videos = correct + incorrect + not_watched;
  guint n_departments_count = ap_analysis_get_n_departments (doc->analysis);
  g_autofree char *query = ap_query_describe (doc->query);
  g_autofree char *generated = format_time (doc->generated);
  g_autofree char *fetched = NULL;
  g_autofree char *source = describe_source (doc);
  g_autofree char *narrowing = describe_narrowing (doc);
  g_autofree char *users = describe_users (doc);
  g_autofree char *n_users = format_count (doc->users->len);
  g_autofree char *n_departments = NULL;
  g_autofree char *missing = NULL;
  g_auto(GStrv) values = g_new0 (char *, 4 + 1);  /* filled in order, so g_strfreev frees all */
  g_auto(GStrv) shares = g_new0 (char *, 3 + 1);
  g_autofree char *sentence = NULL;
  g_autofree char *n_videos = format_count (videos);
  const char *pairs[16];
  const ApRgba *colors[4];
  const char *labels[4];
  double tile_w, tile_h, chart_size, text_x;
  guint n_pairs = 0;

  if (doc->scope->fetched != NULL)
    fetched = format_time (doc->scope->fetched);

  if (r->cr != NULL)
    {
      ap_chart_set_source (r->cr, &accent_color);
      cairo_rectangle (r->cr, r->left, r->y, r->width, 4);
      cairo_fill (r->cr);
    }
  r->y += 14;

  ap_render_add_outline (r, _("Summary"));
  r->y += ap_render_text (r, _("Mimecast Awareness Training"), r->bold_font, &accent_color,
                          r->left, r->y, r->width, PANGO_ALIGN_LEFT);
  r->y += 2;
  r->y += ap_render_text (r, _("Awareness training performance"), r->title_font,
                          &r->palette.foreground, r->left, r->y, r->width, PANGO_ALIGN_LEFT);
  r->y += 14;

#define PAIR(label, value) G_STMT_START { pairs[n_pairs * 2] = (label); \
                                          pairs[n_pairs++ * 2 + 1] = (value); } G_STMT_END
  PAIR (doc->scope->demo ? _("Data") : _("Tenant"), source);
  PAIR (_("Server query"), query);
  PAIR (_("Local filters"), narrowing);
  PAIR (_("Users"), users);
  if (fetched != NULL)
    PAIR (_("Data fetched"), fetched);
  PAIR (_("Report generated"), generated);
  if (r->n_missing > 0)
    {
      /* Translators: a note in the PDF report's header; %s is an example name */
      missing = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u text has characters no installed font can "
                                              "show; they appear as boxes (e.g. “%s”). Install "
                                              "the fonts for that script and export again.",
                                              "%u texts have characters no installed font can "
                                              "show; they appear as boxes (e.g. “%s”). Install "
                                              "the fonts for that script and export again.",
                                              r->n_missing),
                                 r->n_missing, r->missing_example);
      PAIR (_("Note"), missing);
    }
#undef PAIR
  draw_key_values (r, pairs, n_pairs);

  r->y += 10;
  if (r->cr != NULL)
    {
      ap_chart_set_source (r->cr, &r->palette.grid);
      cairo_set_line_width (r->cr, 0.75);
      cairo_move_to (r->cr, r->left, r->y);
      cairo_line_to (r->cr, r->left + r->width, r->y);
      cairo_stroke (r->cr);
    }
  r->y += 18;

  r->y += ap_render_text (r, _("Totals"), r->heading_font, &r->palette.foreground, r->left,
                          r->y, r->width, PANGO_ALIGN_LEFT);
  r->y += 10;

  values[0] = g_strdup (n_users);
  values[1] = format_count (correct);
  values[2] = format_count (incorrect);
  values[3] = format_count (not_watched);
  shares[0] = format_share (correct, videos);
  shares[1] = format_share (incorrect, videos);
  shares[2] = format_share (not_watched, videos);
  n_departments = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u department",
                                                "%u departments", n_departments_count),
                                   n_departments_count);
  labels[0] = _("Users");
  labels[1] = ap_chart_part_get_label (AP_CHART_PART_CORRECT);
  labels[2] = ap_chart_part_get_label (AP_CHART_PART_INCORRECT);
  labels[3] = ap_chart_part_get_label (AP_CHART_PART_NOT_WATCHED);
  colors[0] = &accent_color;
  colors[1] = &r->palette.correct;
  colors[2] = &r->palette.incorrect;
  colors[3] = &r->palette.not_watched;

  /* Tiles as tall as the tallest one's wrapped text. */
  tile_w = (r->width - 3 * 10) / 4;
  tile_h = 0;
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < 4; i++)
      {
        g_autofree char *detail = NULL;
        double height;

        if (i == 0)
          detail = g_strdup (n_departments);
        else
          /* Translators: under a total in the PDF report, e.g. "62.5 % of videos" */
          detail = g_strdup_printf (_("%s of videos"), shares[i - 1]);

        draw_tile (r, r->left + i * (tile_w + 10), r->y, tile_w, tile_h, colors[i], labels[i],
                   values[i], detail, pass == 0 ? &height : NULL);
        if (pass == 0)
          tile_h = MAX (tile_h, height);
      }
  r->y += tile_h + 20;

  /* The ring on the left, the same numbers in one sentence beside it. */
  chart_size = 150;
  if (r->cr != NULL)
    {
      cairo_save (r->cr);
      cairo_new_path (r->cr);
      ap_chart_render_breakdown (r->cr, &r->palette, r->chart_font, r->left, r->y,
                                 chart_size, chart_size, correct, incorrect, not_watched,
                                 AP_CHART_PART_NONE);
      cairo_restore (r->cr);
      cairo_new_path (r->cr);
    }

  text_x = r->left + chart_size + 28;
  if (videos > 0)
    sentence = g_strdup_printf (_("Of %s training videos sent to %s users, %s were answered "
                                  "correctly, %s incorrectly, and %s have not been watched."),
                                n_videos, n_users, shares[0], shares[1], shares[2]);
  else
    sentence = g_strdup (_("No training videos were sent to these users."));
  {
    double ty = r->y + 20;

    ty += ap_render_text (r, sentence, r->body_font, &r->palette.foreground, text_x, ty,
                          r->left + r->width - text_x, PANGO_ALIGN_LEFT);
    ty += 14;
    if (r->cr != NULL)
      {
        cairo_save (r->cr);
        cairo_new_path (r->cr);
        ap_chart_render_legend (r->cr, &r->palette, r->chart_font, text_x, ty,
                                r->left + r->width - text_x);
        cairo_restore (r->cr);
        cairo_new_path (r->cr);
      }
  }
  r->y += chart_size + 20;
}

static const ApColumn department_columns[] = {
  { N_("Department"), 1, FALSE, NULL },
  { N_("Users"), 0, TRUE, "0000000" },
  { N_("Correct"), 0, TRUE, "0000000" },
  { N_("Incorrect"), 0, TRUE, "0000000" },
  { N_("Not watched"), 0, TRUE, "0000000" },
  { N_("Share not watched"), 0, TRUE, "100.0 %" },
};

/* The heading and the chart; FALSE when there is no table to follow. */
static gboolean
departments_intro (ApRender *r)
{
  ApReportDocument *doc = r->document;
  guint n_departments = ap_analysis_get_n_departments (doc->analysis);
  g_autofree char *caption = NULL;
  guint n_chart = MIN (n_departments, MAX_CHART_DEPARTMENTS);
  double chart_height;
  double legend_height;

  /* The chart takes as many departments as fit below the totals, so the
   * first page answers "where is it worst" at a glance; too few and it
   * moves to a page of its own. The heading always stays with it. */
  legend_height = ap_chart_legend_get_height (r->chart_font);
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      double available = r->bottom - r->y - 60 - legend_height - 12;
      guint fit = n_chart;

      while (fit > 0 && ap_chart_stacked_bars_get_height (fit) > available)
        fit--;
      if (fit >= MIN (n_chart, 5) || r->y <= r->top + 30)
        {
          n_chart = MAX (fit, MIN (n_chart, 1));
          break;
        }
      ap_render_new_page (r);
    }
  chart_height = ap_chart_stacked_bars_get_height (n_chart);

  if (n_chart < n_departments)
    caption = g_strdup_printf (_("The %u departments with the largest share of videos not "
                                 "watched; all %u are in the table."),
                               n_chart, n_departments);
  else
    caption = g_strdup (_("Sorted by the share of videos not watched, largest first."));

  ap_render_heading (r, _("By department"), caption);

  if (n_departments == 0)
    {
      r->y += ap_render_text (r, _("There are no users in this report."), r->body_font,
                              &r->palette.dim_foreground, r->left, r->y, r->width,
                              PANGO_ALIGN_LEFT);
      r->y += 20;
      return FALSE;
    }

  if (r->cr != NULL)
    {
      g_autofree ApChartSeries *series = g_new0 (ApChartSeries, n_chart);

      for (guint i = 0; i < n_chart; i++)
        {
          const ApAnalysisDepartment *department = ap_analysis_get_department (doc->analysis, i);

          series[i].label = department->name;
          series[i].correct = department->num_correct;
          series[i].incorrect = department->num_incorrect;
          series[i].not_watched = department->num_not_watched;
        }
      cairo_save (r->cr);
      cairo_new_path (r->cr);
      ap_chart_render_legend (r->cr, &r->palette, r->chart_font, r->left, r->y, r->width);
      cairo_new_path (r->cr);
      ap_chart_render_stacked_bars (r->cr, &r->palette, r->chart_font, r->left,
                                    r->y + legend_height + 6, r->width, chart_height,
                                    series, n_chart, -1, AP_CHART_PART_NONE);
      cairo_restore (r->cr);
      cairo_new_path (r->cr);
    }
  r->y += legend_height + 6 + chart_height + 18;

  return TRUE;
}

static void
draw_departments (ApRender *r)
{
  ApReportDocument *doc = r->document;
  guint n_departments = ap_analysis_get_n_departments (doc->analysis);
  const ApCheckpoint *resume = ap_render_resume_point (r, AP_SECTION_DEPARTMENTS);
  const char *head = _("By department (continued)");
  ApTable table;

  if (resume != NULL)
    ap_table_resume (r, &table, department_columns, G_N_ELEMENTS (department_columns), head,
                     resume);
  else if (departments_intro (r))
    ap_table_begin (r, &table, department_columns, G_N_ELEMENTS (department_columns), head);
  else
    return;

  for (guint i = resume != NULL ? resume->cursor[0] : 0; i < n_departments && !r->stop; i++)
    {
      const ApAnalysisDepartment *department = ap_analysis_get_department (doc->analysis, i);

      ap_render_set_cursor (r, AP_SECTION_DEPARTMENTS, i, 0);
      ap_table_set_text (&table, 0, department->display_name, NULL, TRUE);
      ap_table_set_number (&table, 1, department->n_users);
      ap_table_set_number (&table, 2, department->num_correct);
      ap_table_set_number (&table, 3, department->num_incorrect);
      ap_table_set_number (&table, 4, department->num_not_watched);
      ap_table_take_text (&table, 5, format_share (department->num_not_watched,
                                                   department->videos_sent));
      ap_table_commit_row (r, &table);
    }
  ap_table_end (r, &table);
}

/* Name and email share a cell, the email under the name: both then have
 * most of the page's width and stay whole on one line in all but extreme
 * cases (which wrap, never cut). */
static const ApColumn user_columns[] = {
  { N_("Name and email"), 64, FALSE, NULL },
  { N_("Department"), 30, FALSE, NULL },
  { N_("Correct"), 0, TRUE, "00000" },
  { N_("Incorrect"), 0, TRUE, "00000" },
  { N_("Not watched"), 0, TRUE, "00000" },
};

static const ApColumn ranked_user_columns[] = {
  { "#", 0, TRUE, "00" },
  { N_("Name and email"), 64, FALSE, NULL },
  { N_("Department"), 30, FALSE, NULL },
  { N_("Correct"), 0, TRUE, "00000" },
  { N_("Incorrect"), 0, TRUE, "00000" },
  { N_("Not watched"), 0, TRUE, "00000" },
};

static void
set_user_row (ApTable *table,
              ApUser  *user,
              guint    rank)
{
  guint c = 0;

  if (rank > 0)
    ap_table_set_number (table, c++, rank);
  ap_table_set_text (table, c++, ap_user_get_name (user), ap_user_get_email (user), FALSE);
  ap_table_set_text (table, c++, department_label (ap_user_get_department (user)), NULL, TRUE);
  ap_table_set_number (table, c++, ap_user_get_num_correct (user));
  ap_table_set_number (table, c++, ap_user_get_num_incorrect (user));
  ap_table_set_number (table, c++, ap_user_get_num_not_watched (user));
}

static void
attention_rows (ApRender *r,
                ApTable  *table,
                guint     first)
{
  ApReportDocument *doc = r->document;
  GPtrArray *attention = ap_analysis_get_attention (doc->analysis);

  for (guint i = first; i < doc->n_attention && !r->stop; i++)
    {
      ap_render_set_cursor (r, AP_SECTION_ATTENTION, i, 0);
      set_user_row (table, g_ptr_array_index (attention, i), i + 1);
      ap_table_commit_row (r, table);
    }
  ap_table_end (r, table);
}

static void
draw_attention (ApRender *r)
{
  ApReportDocument *doc = r->document;
  GPtrArray *attention = ap_analysis_get_attention (doc->analysis);
  g_autofree char *caption = NULL;
  g_autofree char *n_shown = format_count (doc->n_attention);
  g_autofree char *n_all = format_count (attention->len);
  const ApCheckpoint *resume = ap_render_resume_point (r, AP_SECTION_ATTENTION);
  const char *head = _("Users needing attention (continued)");
  ApTable table;

  if (resume != NULL)
    {
      ap_table_resume (r, &table, ranked_user_columns, G_N_ELEMENTS (ranked_user_columns),
                       head, resume);
      attention_rows (r, &table, resume->cursor[0]);
      return;
    }

  if (doc->n_attention < attention->len)
    /* Translators: %s (first) is a sentence stating the rule */
    caption = g_strdup_printf (_("%s The first %s of %s."),
                               ap_analysis_get_attention_rule (), n_shown, n_all);
  else
    caption = g_strdup (ap_analysis_get_attention_rule ());

  /* At most 25 rows of about 26 points: kept on one page with the
   * heading when a page can hold them. */
  ap_render_ensure_space (r, MIN (90 + MAX (doc->n_attention, 1) * 26.0,
                                  r->bottom - r->top - 40));
  if (doc->n_attention == 0)
    {
      ap_render_heading (r, _("Users needing attention"), NULL);
      r->y += ap_render_text (r, _("Every user has watched every video and answered correctly."),
                              r->body_font, &r->palette.dim_foreground, r->left, r->y,
                              r->width, PANGO_ALIGN_LEFT);
      r->y += 20;
      return;
    }

  ap_render_heading (r, _("Users needing attention"), caption);
  ap_table_begin (r, &table, ranked_user_columns, G_N_ELEMENTS (ranked_user_columns), head);
  attention_rows (r, &table, 0);
}

static const ApColumn video_columns[] = {
  { N_("Training video"), 1, FALSE, NULL },
  { N_("Sent"), 0, TRUE, "0000000" },
  { N_("Viewed"), 0, TRUE, "0000000" },
  { N_("Not viewed"), 0, TRUE, "0000000" },
  { N_("Acknowledged"), 0, TRUE, "0000000" },
  { N_("Share viewed"), 0, TRUE, "100.0 %" },
};

/* Each title once: how many were sent, viewed, acknowledged; the
 * category and the statuses as the API sent them under the title. */
static void
draw_videos (ApRender *r)
{
  ApReportDocument *doc = r->document;
  guint n_videos = ap_analysis_get_n_videos (doc->analysis);
  const ApCheckpoint *resume = ap_render_resume_point (r, AP_SECTION_VIDEOS);
  const char *head = _("Training videos (continued)");
  ApTable table;

  if (resume != NULL)
    ap_table_resume (r, &table, video_columns, G_N_ELEMENTS (video_columns), head, resume);
  else if (doc->has_details)
    {
      ap_render_ensure_space (r, 160);
      ap_render_heading (r, _("Training videos"),
                         _("Every training video sent, the most not viewed first. Viewed: the "
                           "record has a time viewed. Under each title its category and "
                           "statuses."));
      ap_table_begin (r, &table, video_columns, G_N_ELEMENTS (video_columns), head);
    }
  else
    return;

  for (guint i = resume != NULL ? resume->cursor[0] : 0; i < n_videos && !r->stop; i++)
    {
      const ApAnalysisVideo *video = ap_analysis_get_video (doc->analysis, i);
      g_autoptr(GString) details = g_string_new (video->category);

      ap_render_set_cursor (r, AP_SECTION_VIDEOS, i, 0);

      for (guint j = 0; j < video->n_statuses; j++)
        {
          g_autofree char *count = format_count (video->statuses[j].count);

          if (details->len > 0)
            g_string_append (details, " · ");
          /* A status and its count never part: a no-break space. */
          g_string_append_printf (details, "%s\xc2\xa0%s",
                                  video->statuses[j].status[0] != '\0'
                                    ? video->statuses[j].status : _("(no status)"),
                                  count);
        }

      ap_table_set_text (&table, 0, video->title[0] != '\0' ? video->title : _("(no title)"),
                         details->str, FALSE);
      ap_table_set_number (&table, 1, video->sent);
      ap_table_set_number (&table, 2, video->viewed);
      ap_table_set_number (&table, 3, video->not_viewed);
      ap_table_set_number (&table, 4, video->acknowledged);
      ap_table_take_text (&table, 5, format_share (video->viewed, video->sent));
      ap_table_commit_row (r, &table);
    }
  ap_table_end (r, &table);
}

/* The heading; FALSE when there is no table to follow. */
static gboolean
all_users_intro (ApRender *r)
{
  ApReportDocument *doc = r->document;
  g_autofree char *n_users = format_count (doc->sorted->len);
  g_autofree char *caption = NULL;

  /* The full list starts on a page of its own: it is the part people
   * print separately or skip. */
  ap_render_new_page (r);
  caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s user. Ordered by department, then name.",
                                          "%s users. Ordered by department, then name.",
                                          doc->sorted->len),
                             n_users);
  ap_render_heading (r, _("All users"), caption);

  if (doc->sorted->len == 0)
    {
      r->y += ap_render_text (r, _("There are no users in this report."), r->body_font,
                              &r->palette.dim_foreground, r->left, r->y, r->width,
                              PANGO_ALIGN_LEFT);
      return FALSE;
    }

  return TRUE;
}

static void
draw_all_users (ApRender *r)
{
  GPtrArray *users = r->document->sorted;
  const ApCheckpoint *resume = ap_render_resume_point (r, AP_SECTION_ALL_USERS);
  const char *head = _("All users (continued)");
  ApTable table;

  if (resume != NULL)
    ap_table_resume (r, &table, user_columns, G_N_ELEMENTS (user_columns), head, resume);
  else if (all_users_intro (r))
    ap_table_begin (r, &table, user_columns, G_N_ELEMENTS (user_columns), head);
  else
    return;

  for (guint i = resume != NULL ? resume->cursor[0] : 0; i < users->len && !r->stop; i++)
    {
      ap_render_set_cursor (r, AP_SECTION_ALL_USERS, i, 0);
      set_user_row (&table, g_ptr_array_index (users, i), 0);
      ap_table_commit_row (r, &table);
      r->users_drawn = i + 1;
    }
  ap_table_end (r, &table);
}

static const ApColumn record_columns[] = {
  { N_("Training video"), 44, FALSE, NULL },
  { N_("Category"), 18, FALSE, NULL },
  { N_("Status"), 18, FALSE, NULL },
  { N_("Acknowledged"), 0, TRUE, "No" },
  { N_("Sent"), 0, TRUE, "0000-00-00" },
  { N_("Viewed"), 0, TRUE, "0000-00-00" },
};

static void
draw_records (ApRender *r)
{
  ApReportDocument *doc = r->document;
  GPtrArray *users = doc->sorted;
  const char *yes = _("Yes");
  const char *no = _("No");
  const ApCheckpoint *resume = ap_render_resume_point (r, AP_SECTION_RECORDS);
  const char *head = _("Training records (continued)");
  /* Where to start: a user, and in that user's rows 0 for the heading
   * row, 1 + j for record j (or the "no records" row). */
  guint first_user = 0, first_row = 0;
  ApTable table;

  if (resume != NULL)
    {
      ap_table_resume (r, &table, record_columns, G_N_ELEMENTS (record_columns), head, resume);
      first_user = resume->cursor[0];
      first_row = resume->cursor[1];
    }
  else if (doc->has_details)
    {
      ap_render_new_page (r);
      ap_render_heading (r, _("Training records"),
                         _("Every training video sent to each user, users in the order of "
                           "“All users”. Dates in UTC; “—” not viewed yet."));
      ap_table_begin (r, &table, record_columns, G_N_ELEMENTS (record_columns), head);
    }
  else
    return;

  for (guint i = first_user; i < users->len && !r->stop; i++)
    {
      ApUser *user = g_ptr_array_index (users, i);
      guint n_records = ap_user_get_n_records (user);
      guint row = i == first_user ? first_row : 0;
      g_autofree char *who = g_strdup_printf ("%s · %s", ap_user_get_email (user),
                                              department_label (ap_user_get_department (user)));

      if (row == 0)
        {
          ap_render_set_cursor (r, AP_SECTION_RECORDS, i, 0);
          ap_table_set_span (&table, ap_user_get_name (user), who);
          ap_table_commit_row (r, &table);
          row = 1;
        }
      else
        ap_table_set_group (&table, ap_user_get_name (user), who);

      if (n_records == 0)
        {
          ap_render_set_cursor (r, AP_SECTION_RECORDS, i, 1);
          ap_table_set_text (&table, 0, _("No training records"), NULL, TRUE);
          ap_table_commit_row (r, &table);
        }

      for (guint j = row - 1; j < n_records && !r->stop; j++)
        {
          const ApRecord *record = ap_user_get_record (user, j);
          char sent[16], viewed[16];

          ap_render_set_cursor (r, AP_SECTION_RECORDS, i, j + 1);
          ap_table_set_text (&table, 0, ap_record_get_title (record), NULL, TRUE);
          ap_table_set_text (&table, 1, ap_record_get_category (record), NULL, TRUE);
          ap_table_set_text (&table, 2, ap_record_get_status (record), NULL, TRUE);
          ap_table_set_text (&table, 3, ap_record_get_acknowledged (record) ? yes : no,
                             NULL, TRUE);
          ap_table_set_text (&table, 4,
                             format_date (sent, ap_record_get_time_sent (record)),
                             NULL, TRUE);
          ap_table_set_text (&table, 5,
                             format_date (viewed, ap_record_get_time_viewed (record)),
                             NULL, TRUE);
          ap_table_commit_row (r, &table);
        }
    }
  ap_table_end (r, &table);
}

/* In order; a resumed layout starts at its checkpoint's section. */
static void (* const sections[]) (ApRender *r) = {
  draw_first_page,
  draw_departments,
  draw_attention,
  draw_videos,
  draw_all_users,
  draw_records,
};
G_STATIC_ASSERT (G_N_ELEMENTS (sections) == AP_SECTION_RECORDS + 1);

void
ap_report_layout (ApRender           *r,
                  const ApCheckpoint *resume)
{
  guint first = 0;

  if (resume != NULL)
    {
      ap_render_resume (r, resume);
      first = resume->section;
    }
  else
    ap_render_begin (r);

  for (guint i = first; i < G_N_ELEMENTS (sections) && !r->stop; i++)
    sections[i] (r);

  ap_render_end (r);
}
