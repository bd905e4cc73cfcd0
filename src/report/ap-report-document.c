/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-report-render"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "ap-report-private.h"
#include "ap-report-document-private.h"

/* The report document: the users, the scope they were fetched and
 * narrowed with, and the targets it is drawn onto.
 *
 * One drawing code for every target: the PDF writer draws all pages onto
 * its surface, printing draws one page at a time onto the print context.
 * Pagination measures every text once and keeps each table row's height
 * (one float a row); then it lays the report out again with those heights
 * to count the pages. The PDF is drawn in one more pass; nothing is kept
 * per page, so memory stays flat however many pages.
 *
 * Printing runs on the main loop: it paginates a slice of rows at a time
 * (the layout stops before a row and resumes there), and keeps where each
 * page that starts inside a table starts (a few numbers a page), so
 * drawing page N lays out page N's rows only. */

/* The window lists everyone needing attention; the report the first 25. */
#define MAX_ATTENTION_USERS   25
#define ALL_PAGES             G_MAXUINT


/* Scope */

ApReportScope *
ap_report_scope_new (void)
{
  return g_new0 (ApReportScope, 1);
}

ApReportScope *
ap_report_scope_copy (const ApReportScope *scope)
{
  ApReportScope *copy = ap_report_scope_new ();

  if (scope == NULL)
    return copy;

  copy->base_url = g_strdup (scope->base_url);
  copy->demo = scope->demo;
  copy->fetched = scope->fetched != NULL ? g_date_time_ref (scope->fetched) : NULL;
  copy->n_fetched = scope->n_fetched;
  copy->current_view = scope->current_view;
  copy->department = g_strdup (scope->department);
  copy->search_text = g_strdup (scope->search_text);

  return copy;
}

void
ap_report_scope_free (ApReportScope *scope)
{
  if (scope == NULL)
    return;

  g_free (scope->base_url);
  g_clear_pointer (&scope->fetched, g_date_time_unref);
  g_free (scope->department);
  g_free (scope->search_text);
  g_free (scope);
}

void
ap_report_scope_set_fetched (ApReportScope *scope,
                             GDateTime     *fetched,
                             guint          n_fetched)
{
  g_return_if_fail (scope != NULL);

  if (fetched != NULL)
    g_date_time_ref (fetched);
  g_clear_pointer (&scope->fetched, g_date_time_unref);
  scope->fetched = fetched;
  scope->n_fetched = n_fetched;
}

void
ap_report_scope_set_narrowing (ApReportScope *scope,
                               gboolean       current_view,
                               const char    *department,
                               const char    *search_text)
{
  g_return_if_fail (scope != NULL);

  scope->current_view = !!current_view;
  g_free (scope->department);
  scope->department = g_strdup (department);
  g_free (scope->search_text);
  scope->search_text = g_strdup (search_text != NULL && search_text[0] != '\0'
                                 ? search_text : NULL);
}

/* Document */

ApReportDocument *
ap_report_document_new (ApQuery             *query,
                        const ApReportScope *scope,
                        GDateTime           *generated)
{
  ApReportDocument *self;

  g_return_val_if_fail (query == NULL || AP_IS_QUERY (query), NULL);

  self = g_new0 (ApReportDocument, 1);
  self->query = query != NULL ? ap_query_copy (query) : ap_query_new ();
  self->scope = ap_report_scope_copy (scope);
  self->generated = generated != NULL ? g_date_time_ref (generated)
                                      : g_date_time_new_now_utc ();
  self->users = g_ptr_array_new_with_free_func (g_object_unref);

  return self;
}

void
ap_report_document_free (ApReportDocument *self)
{
  if (self == NULL)
    return;

  ap_render_clear (&self->render);
  g_clear_pointer (&self->analysis, ap_analysis_unref);
  g_clear_pointer (&self->sorted, g_ptr_array_unref);
  g_clear_object (&self->query);
  g_clear_pointer (&self->scope, ap_report_scope_free);
  g_clear_pointer (&self->generated, g_date_time_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_free (self);
}

void
ap_report_document_add_users (ApReportDocument *self,
                              GPtrArray        *users)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->prepared);

  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (self->users, g_object_ref (g_ptr_array_index (users, i)));
}

void
ap_report_document_set_scope (ApReportDocument    *self,
                              const ApReportScope *scope)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->scope, ap_report_scope_free);
  self->scope = ap_report_scope_copy (scope);
  self->paginated = FALSE;
}

void
ap_report_document_set_cancellable (ApReportDocument *self,
                                    GCancellable     *cancellable)
{
  self->render.cancellable = cancellable;
}

guint
ap_report_document_get_n_users (ApReportDocument *self)
{
  return self->users->len;
}

GDateTime *
ap_report_document_get_generated (ApReportDocument *self)
{
  return self->generated;
}

guint
ap_report_document_get_n_missing_glyphs (ApReportDocument *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->render.n_missing;
}

/* Preparing the data */

typedef struct
{
  ApUser *user;
  char   *department_key;  /* shared by the department's users */
  char   *name_key;
} SortEntry;

static int
compare_sort_entries (gconstpointer a,
                      gconstpointer b)
{
  const SortEntry *ea = a;
  const SortEntry *eb = b;
  gboolean a_none = ap_user_get_department (ea->user)[0] == '\0';
  gboolean b_none = ap_user_get_department (eb->user)[0] == '\0';
  int cmp;

  /* Users without a department come last, not first. */
  if (a_none != b_none)
    return a_none ? 1 : -1;
  if ((cmp = strcmp (ea->department_key, eb->department_key)) != 0)
    return cmp;
  if ((cmp = strcmp (ea->name_key, eb->name_key)) != 0)
    return cmp;

  return strcmp (ap_user_get_email (ea->user), ap_user_get_email (eb->user));
}

static void
sort_users (ApReportDocument *self)
{
  g_autoptr(GHashTable) department_keys = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                 NULL, g_free);
  guint n = self->users->len;
  SortEntry *entries = g_new (SortEntry, MAX (n, 1));

  /* Collation keys once per user, not once per comparison. */
  for (guint i = 0; i < n; i++)
    {
      ApUser *user = g_ptr_array_index (self->users, i);
      const char *department = ap_user_get_department (user);
      char *key = g_hash_table_lookup (department_keys, department);

      if (key == NULL)
        {
          key = g_utf8_collate_key (department, -1);
          g_hash_table_insert (department_keys, (gpointer) department, key);
        }
      entries[i].user = user;
      entries[i].department_key = key;
      entries[i].name_key = g_utf8_collate_key (ap_user_get_name (user), -1);
    }

  qsort (entries, n, sizeof (SortEntry), compare_sort_entries);

  self->sorted = g_ptr_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (self->sorted, entries[i].user);
      g_free (entries[i].name_key);
    }
  g_free (entries);
}

void
ap_report_document_prepare (ApReportDocument *self)
{
  g_return_if_fail (self != NULL);

  if (self->prepared)
    return;
  self->prepared = TRUE;

  /* The users are not added to after this: the analysis keeps the array. */
  self->analysis = ap_analysis_new (self->users);
  sort_users (self);
  self->n_attention = MIN (ap_analysis_get_attention (self->analysis)->len, MAX_ATTENTION_USERS);
  self->has_details = ap_analysis_get_n_records (self->analysis) > 0;
}

/* Targets */

/* Rows laid out per slice of a pagination on the main loop: a few
 * milliseconds. */
#define ROWS_PER_SLICE 1500

static void
start_pagination (ApReportDocument   *self,
                  const ApReportPage *page,
                  gboolean            record_pages)
{
  g_autofree char *generated = NULL;
  g_autoptr(GDateTime) utc = NULL;
  ApRender *r = &self->render;

  ap_report_document_prepare (self);

  if (r->context == NULL)
    {
      GCancellable *cancellable = r->cancellable;

      utc = g_date_time_to_utc (self->generated);
      generated = g_date_time_format (utc, "%Y-%m-%d %H:%M UTC");
      ap_render_init (r, self,
                      /* Translators: the footer of every page of the PDF report */
                      g_strdup_printf (_("Awareness training performance · generated %s"),
                                       generated));
      r->cancellable = cancellable;
    }

  self->page = *page;
  self->paginated = FALSE;
  self->n_pages = 0;
  ap_render_set_page (r, page);
  g_clear_pointer (&r->page_starts, g_array_unref);
  if (record_pages)
    r->page_starts = g_array_new (FALSE, TRUE, sizeof (ApCheckpoint));
  self->phase = PHASE_MEASURE;
  self->resume_from = FALSE;
}

/* One step of the pagination: @rows rows at most (0: no limit). Measure
 * every row once, then lay out again with the heights known to count the
 * pages (the first page can only name texts without a font once they are
 * all measured). TRUE when done. */
static gboolean
paginate_step (ApReportDocument *self,
               guint             rows)
{
  ApRender *r = &self->render;
  ApCheckpoint resume;

  if (self->phase == PHASE_DONE)
    return TRUE;

  r->slicing = rows > 0;
  r->rows_left = rows;
  r->measuring = self->phase == PHASE_MEASURE;
  resume = r->yield_point;
  ap_report_layout (r, self->resume_from ? &resume : NULL);
  r->measuring = FALSE;
  r->slicing = FALSE;

  self->resume_from = r->yielded;
  if (r->yielded)
    return FALSE;

  if (r->stop)
    {
      /* Cancelled while measuring: nothing to draw. */
      self->n_pages = 0;
      self->phase = PHASE_DONE;
      return TRUE;
    }

  if (self->phase == PHASE_MEASURE)
    {
      self->phase = PHASE_COUNT;
      return FALSE;
    }

  self->n_pages = r->page;
  ap_render_set_n_pages (r, self->n_pages);
  self->paginated = TRUE;
  self->phase = PHASE_DONE;
  return TRUE;
}

guint
ap_report_document_paginate (ApReportDocument   *self,
                             const ApReportPage *page)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (page != NULL && page->width > 0 && page->height > 0, 0);

  if (self->paginated && memcmp (page, &self->page, sizeof *page) == 0)
    return self->n_pages;

  start_pagination (self, page, FALSE);
  while (!paginate_step (self, 0))
    ;

  return self->n_pages;
}

gboolean
ap_report_document_paginate_step (ApReportDocument   *self,
                                  const ApReportPage *page,
                                  guint              *n_pages)
{
  g_return_val_if_fail (self != NULL, TRUE);
  g_return_val_if_fail (page != NULL && page->width > 0 && page->height > 0, TRUE);

  if (self->phase == PHASE_DONE && self->paginated &&
      memcmp (page, &self->page, sizeof *page) == 0 && self->render.page_starts != NULL)
    {
      if (n_pages != NULL)
        *n_pages = self->n_pages;
      return TRUE;
    }

  if (self->phase == PHASE_NONE || self->phase == PHASE_DONE ||
      memcmp (page, &self->page, sizeof *page) != 0)
    start_pagination (self, page, TRUE);

  if (!paginate_step (self, ROWS_PER_SLICE))
    return FALSE;

  if (n_pages != NULL)
    *n_pages = self->n_pages;
  return TRUE;
}

void
ap_report_document_draw_page (ApReportDocument *self,
                              cairo_t          *cr,
                              guint             page_nr)
{
  const ApCheckpoint *start = NULL;
  GArray *starts;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (self->paginated);

  if (page_nr >= self->n_pages)
    return;

  /* From where the page starts when that is known (a page that starts
   * inside a table), else from the beginning. */
  starts = self->render.page_starts;
  if (starts != NULL && page_nr < starts->len &&
      g_array_index (starts, ApCheckpoint, page_nr).section != AP_SECTION_NONE)
    start = &g_array_index (starts, ApCheckpoint, page_nr);

  cairo_save (cr);
  self->render.target_cr = cr;
  self->render.target = page_nr + 1;
  self->render.pdf_surface = NULL;
  ap_report_layout (&self->render, start);
  self->render.target_cr = NULL;
  self->render.target = ALL_PAGES;
  cairo_restore (cr);
}

gboolean
ap_report_document_draw_all (ApReportDocument *self,
                             cairo_t          *cr,
                             cairo_surface_t  *pdf_surface,
                             ApReportPageFunc  page_done,
                             gpointer          user_data)
{
  gboolean completed;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->paginated, FALSE);

  self->render.target_cr = cr;
  self->render.target = ALL_PAGES;
  self->render.pdf_surface = pdf_surface;
  self->render.page_done = page_done;
  self->render.page_data = user_data;
  ap_report_layout (&self->render, NULL);
  completed = !self->render.stop;
  self->render.target_cr = NULL;
  self->render.pdf_surface = NULL;
  self->render.page_done = NULL;
  self->render.page_data = NULL;

  return completed;
}
