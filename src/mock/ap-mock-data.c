/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ap-mock"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-mock-data.h"

struct _ApMockDataset
{
  guint     n_users;
  guint     n_departments;
  guint     records_per_user;
  guint32   seed;
  guint     base_users;       /* n_users before any epoch's joiners */
  guint     epoch;
  char    **departments;      /* n_departments strings */
  char    **departments_folded;
};

typedef struct
{
  const char *display;
  const char *ascii;          /* for the email address */
} Name;

static const Name first_names[] = {
  { "Zoë", "zoe" }, { "Łukasz", "lukasz" }, { "José", "jose" }, { "Amélie", "amelie" },
  { "Søren", "soren" }, { "Björn", "bjorn" }, { "Chloé", "chloe" }, { "François", "francois" },
  { "Małgorzata", "malgorzata" }, { "Inês", "ines" }, { "Olivia", "olivia" }, { "Liam", "liam" },
  { "Noah", "noah" }, { "Emma", "emma" }, { "Sophia", "sophia" }, { "James", "james" },
  { "Amara", "amara" }, { "Priya", "priya" }, { "Mohammed", "mohammed" }, { "Fatima", "fatima" },
  { "Mateo", "mateo" }, { "Anaïs", "anais" }, { "Jürgen", "jurgen" }, { "Siobhán", "siobhan" },
  { "Ørjan", "orjan" }, { "Robert \"Bob\"", "bob" }, { "Mary-Jane", "maryjane" },
  { "Aoife", "aoife" }, { "Dmitri", "dmitri" }, { "Ngozi", "ngozi" }, { "Kai", "kai" },
  { "Élodie", "elodie" },
};

static const Name last_names[] = {
  { "Müller", "muller" }, { "Kowalski", "kowalski" }, { "García", "garcia" },
  { "Nguyễn", "nguyen" }, { "O'Brien", "obrien" }, { "Smith", "smith" }, { "Johnson", "johnson" },
  { "Dubois", "dubois" }, { "Rossi", "rossi" }, { "Jensen", "jensen" }, { "Ærø", "aero" },
  { "Dvořák", "dvorak" }, { "Østergaard", "ostergaard" }, { "Silva", "silva" },
  { "Novak", "novak" }, { "Yılmaz", "yilmaz" }, { "Williams", "williams" }, { "Brown", "brown" },
  { "Taylor", "taylor" }, { "Patel", "patel" }, { "Andersson", "andersson" },
  { "Schäfer", "schafer" }, { "van der Berg", "vanderberg" }, { "Fernández", "fernandez" },
  { "Lefèvre", "lefevre" }, { "Popescu", "popescu" }, { "Ivanova", "ivanova" },
  { "Papadopoulos", "papadopoulos" }, { "MacDonald", "macdonald" }, { "Okafor", "okafor" },
};

/* Family name first, no space: the whole name is one entry. */
static const Name east_asian_names[] = {
  { "王芳", "wang.fang" }, { "李娜", "li.na" }, { "张伟", "zhang.wei" },
  { "佐藤花子", "sato.hanako" }, { "김민준", "kim.minjun" }, { "陳美玲", "chen.meiling" },
};

static const char * const department_names[] = {
  "Sales, EMEA", "Engineering", "Finance", "Human Resources", "Marketing",
  "Customer Success", "Legal & Compliance", "IT Operations", "Research \"Skunkworks\"",
  "Support, APAC", "Produktion München", "Logistique – Île-de-France",
};

typedef struct
{
  const char *title;
  const char *category;
} Module;

static const Module modules[] = {
  { "Phishing Fundamentals", "Phishing" },
  { "Spear Phishing: Know the Signs", "Phishing" },
  { "Business Email Compromise", "Phishing" },
  { "Password Hygiene", "Account Security" },
  { "Multi-Factor Authentication", "Account Security" },
  { "Social Engineering by Phone", "Social Engineering" },
  { "Tailgating and Physical Security", "Physical Security" },
  { "Safe Browsing", "Internet Safety" },
  { "Ransomware: What to Do", "Malware" },
  { "USB Drops and Removable Media", "Malware" },
  { "Data Protection & GDPR", "Compliance" },
  { "Working Remotely, Securely", "Remote Work" },
  { "Clean Desk Policy", "Physical Security" },
  { "Social Media Oversharing", "Internet Safety" },
  { "Invoice Fraud", "Phishing" },
  { "Insider Threats", "Compliance" },
  { "Wi-Fi on the Road", "Remote Work" },
  { "Recognising Malicious Attachments", "Malware" },
  { "Gift Card Scams", "Social Engineering" },
  { "Incident Reporting", "Compliance" },
};

static const char * const locations[] = {
  "London", "Zürich", "São Paulo", "Kraków", "東京", "New York", "Dublin", "Cape Town",
  "Sydney", "Montréal",
};

static const char * const job_titles[] = {
  "Account Manager", "Software Engineer", "Accountant", "Recruiter", "Designer",
  "Support Agent", "Counsel", "Systems Administrator", "Analyst", "Director, Operations",
};

static const char * const cost_centres[] = {
  "CC-1000", "CC-1001", "CC-1002", "CC-1003", "CC-1004",
  "CC-1005", "CC-1006", "CC-1007", "CC-1008", "CC-1009",
};

static const char * const attribute_ids[AP_MOCK_N_ATTRIBUTES] = {
  AP_MOCK_ATTRIBUTE_LOCATION, AP_MOCK_ATTRIBUTE_JOB_TITLE, AP_MOCK_ATTRIBUTE_COST_CENTRE,
};

/* 2024-01-08T09:00:00Z: the first training campaign. */
#define CAMPAIGN_START G_GINT64_CONSTANT (1704704400)

/* splitmix64: tiny, fast and good enough to make data look random. */
static inline guint64
rng_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline guint
rng_below (guint64 *state,
           guint    n)
{
  return (guint) (rng_next (state) % n);
}

void
ap_mock_query_clear (ApMockQuery *query)
{
  g_clear_pointer (&query->search_value, g_free);
  g_clear_pointer (&query->search_folded, g_free);
  for (guint i = 0; i < query->n_attribute_ids; i++)
    g_clear_pointer (&query->attribute_ids[i], g_free);
  query->n_attribute_ids = 0;
  g_clear_pointer (&query->page_token, g_free);
}

ApMockDataset *
ap_mock_dataset_new (guint   n_users,
                     guint   n_departments,
                     guint   records_per_user,
                     guint32 seed)
{
  ApMockDataset *dataset = g_atomic_rc_box_new0 (ApMockDataset);

  dataset->n_users = n_users;
  dataset->base_users = n_users;
  dataset->n_departments = MAX (n_departments, 1);
  dataset->records_per_user = MIN (records_per_user, 1000);
  dataset->seed = seed;
  dataset->departments = g_new0 (char *, dataset->n_departments + 1);
  dataset->departments_folded = g_new0 (char *, dataset->n_departments + 1);
  for (guint i = 0; i < dataset->n_departments; i++)
    {
      guint base = i % G_N_ELEMENTS (department_names);
      guint round = i / G_N_ELEMENTS (department_names);

      if (round == 0)
        dataset->departments[i] = g_strdup (department_names[base]);
      else
        dataset->departments[i] = g_strdup_printf ("%s %u", department_names[base], round + 1);
      dataset->departments_folded[i] = g_utf8_casefold (dataset->departments[i], -1);
    }

  return dataset;
}

ApMockDataset *
ap_mock_dataset_ref (ApMockDataset *dataset)
{
  return g_atomic_rc_box_acquire (dataset);
}

static void
dataset_clear (gpointer data)
{
  ApMockDataset *dataset = data;

  g_strfreev (dataset->departments);
  g_strfreev (dataset->departments_folded);
}

void
ap_mock_dataset_unref (ApMockDataset *dataset)
{
  g_atomic_rc_box_release_full (dataset, dataset_clear);
}

guint
ap_mock_dataset_get_n_users (ApMockDataset *dataset)
{
  return dataset->n_users;
}

/* Per epoch, MAX (1, n / 50) users join (new indices past the end), every
 * 53rd of the original users leaves (for good), and every 17th watches one
 * more video it had not watched. */
#define EPOCH_LEAVE_MODULUS 53
#define EPOCH_WATCH_MODULUS 17

ApMockDataset *
ap_mock_dataset_at_epoch (ApMockDataset *dataset,
                          guint          epoch)
{
  ApMockDataset *moved = ap_mock_dataset_new (dataset->base_users, dataset->n_departments,
                                              dataset->records_per_user, dataset->seed);

  moved->epoch = epoch;
  moved->n_users = moved->base_users + epoch * MAX (1, moved->base_users / 50);
  return moved;
}

guint
ap_mock_dataset_get_epoch (ApMockDataset *dataset)
{
  return dataset->epoch;
}

static void
apply_epochs (ApMockUser    *user,
              ApMockDataset *dataset)
{
  guint index = user->index;

  for (guint k = 1; k <= dataset->epoch; k++)
    {
      if (index < dataset->base_users && index % EPOCH_LEAVE_MODULUS == (k * 7) % EPOCH_LEAVE_MODULUS)
        user->absent = TRUE;

      if (index % EPOCH_WATCH_MODULUS == k % EPOCH_WATCH_MODULUS)
        for (guint j = 0; j < user->n_records; j++)
          {
            ApMockRecord *record = &user->records[j];

            if (record->viewed)
              continue;
            record->status = "Completed";
            record->viewed = TRUE;
            record->time_viewed_missing = FALSE;
            record->time_viewed = record->time_sent + 3 * 86400;
            user->num_not_watched--;
            user->num_correct++;
            break;
          }
    }
}

void
ap_mock_user_init (ApMockUser    *user,
                   ApMockDataset *dataset)
{
  memset (user, 0, sizeof *user);
  user->records = g_new0 (ApMockRecord, 2 * dataset->records_per_user + 1);
}

void
ap_mock_user_clear (ApMockUser *user)
{
  g_clear_pointer (&user->records, g_free);
}

static void
generate_name (ApMockUser *user,
               guint64    *rng)
{
  guint style = rng_below (rng, 40);

  if (style < 3)
    {
      const Name *name = &east_asian_names[rng_below (rng, G_N_ELEMENTS (east_asian_names))];

      g_strlcpy (user->name, name->display, sizeof user->name);
      g_snprintf (user->email, sizeof user->email, "%s.%u@example.com",
                  name->ascii, user->index);
    }
  else
    {
      const Name *first = &first_names[rng_below (rng, G_N_ELEMENTS (first_names))];
      const Name *last = &last_names[rng_below (rng, G_N_ELEMENTS (last_names))];

      /* Some directories list people as "Family, Given": a comma in a name. */
      if (style < 5)
        g_snprintf (user->name, sizeof user->name, "%s, %s", last->display, first->display);
      else
        g_snprintf (user->name, sizeof user->name, "%s %s", first->display, last->display);
      g_snprintf (user->email, sizeof user->email, "%s.%s.%u@example.com",
                  first->ascii, last->ascii, user->index);
    }
}

void
ap_mock_user_generate (ApMockUser    *user,
                       ApMockDataset *dataset,
                       guint          index)
{
  guint64 rng = ((guint64) dataset->seed << 32) ^ (index * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D));
  guint max_records = 2 * dataset->records_per_user;
  guint first_module, step;

  /* Mix once so neighbouring indices do not start from similar states. */
  rng_next (&rng);

  user->index = index;
  user->absent = FALSE;
  generate_name (user, &rng);
  user->department = dataset->departments[rng_below (&rng, dataset->n_departments)];
  user->attributes[0] = locations[rng_below (&rng, G_N_ELEMENTS (locations))];
  user->attributes[1] = job_titles[rng_below (&rng, G_N_ELEMENTS (job_titles))];
  user->attributes[2] = cost_centres[rng_below (&rng, G_N_ELEMENTS (cost_centres))];

  user->n_records = rng_below (&rng, max_records + 1);
  user->num_correct = user->num_incorrect = user->num_not_watched = 0;
  first_module = rng_below (&rng, G_N_ELEMENTS (modules));
  /* 7 is prime to the number of modules: titles repeat only past 20 records. */
  step = 7;

  for (guint j = 0; j < user->n_records; j++)
    {
      ApMockRecord *record = &user->records[j];
      const Module *module = &modules[(first_module + j * step) % G_N_ELEMENTS (modules)];
      guint outcome = rng_below (&rng, 100);

      record->title = module->title;
      record->category = module->category;
      record->time_sent = CAMPAIGN_START + (gint64) j * 14 * 86400 + rng_below (&rng, 8 * 3600);
      record->time_viewed_missing = FALSE;

      if (outcome < 55)
        {
          record->status = "Completed";
          record->viewed = TRUE;
          record->ack = outcome < 50;
          user->num_correct++;
        }
      else if (outcome < 70)
        {
          record->status = "Failed";
          record->viewed = TRUE;
          record->ack = outcome < 62;
          user->num_incorrect++;
        }
      else
        {
          record->status = outcome < 88 ? "Not Started" : "Overdue";
          record->viewed = FALSE;
          record->ack = FALSE;
          record->time_viewed_missing = outcome % 8 == 0;
          user->num_not_watched++;
        }

      if (record->viewed)
        record->time_viewed = record->time_sent + 600 + rng_below (&rng, 10 * 86400);
      else
        record->time_viewed = 0;
    }

  if (dataset->epoch > 0)
    apply_epochs (user, dataset);
}

static gboolean
folded_contains (const char *text,
                 const char *needle_folded)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);

  return strstr (folded, needle_folded) != NULL;
}

gboolean
ap_mock_user_matches (const ApMockUser  *user,
                      const ApMockQuery *query)
{
  if (user->absent)
    return FALSE;

  if (query->video_count != AP_MOCK_VIDEO_COUNT_ALL)
    {
      guint watched = user->num_correct + user->num_incorrect;

      if (query->video_count >= 4 ? watched < 4 : watched != (guint) query->video_count)
        return FALSE;
    }

  switch (query->search)
    {
    case AP_MOCK_SEARCH_NONE:
      return TRUE;
    case AP_MOCK_SEARCH_NAME:
      return folded_contains (user->name, query->search_folded);
    case AP_MOCK_SEARCH_EMAIL:
      return folded_contains (user->email, query->search_folded);
    case AP_MOCK_SEARCH_DEPARTMENT:
      return folded_contains (user->department, query->search_folded);
    case AP_MOCK_SEARCH_CUSTOM_ATTRIBUTE:
      for (guint i = 0; i < query->n_attribute_ids; i++)
        for (guint k = 0; k < AP_MOCK_N_ATTRIBUTES; k++)
          if (g_str_equal (query->attribute_ids[i], attribute_ids[k]) &&
              folded_contains (user->attributes[k], query->search_folded))
            return TRUE;
      return FALSE;
    default:
      g_assert_not_reached ();
    }
}

guint
ap_mock_dataset_count_matching (ApMockDataset     *dataset,
                                const ApMockQuery *query)
{
  ApMockUser user;
  guint count = 0;

  if (query->search == AP_MOCK_SEARCH_NONE && query->video_count == AP_MOCK_VIDEO_COUNT_ALL &&
      dataset->epoch == 0)
    return dataset->n_users;

  ap_mock_user_init (&user, dataset);
  for (guint i = 0; i < dataset->n_users; i++)
    {
      ap_mock_user_generate (&user, dataset, i);
      if (ap_mock_user_matches (&user, query))
        count++;
    }
  ap_mock_user_clear (&user);

  return count;
}

static guint64
fnv1a (guint64     hash,
       const void *data,
       gsize       length)
{
  const guchar *p = data;

  for (gsize i = 0; i < length; i++)
    {
      hash ^= p[i];
      hash *= G_GUINT64_CONSTANT (0x100000001B3);
    }
  return hash;
}

static guint64
fnv1a_string (guint64     hash,
              const char *text)
{
  /* The terminating NUL separates fields, so "ab"+"c" differs from "a"+"bc". */
  return text != NULL ? fnv1a (hash, text, strlen (text) + 1) : fnv1a (hash, "\xff", 1);
}

guint64
ap_mock_query_hash (ApMockDataset     *dataset,
                    const ApMockQuery *query)
{
  guint64 hash = G_GUINT64_CONSTANT (0xCBF29CE484222325);
  guint32 numbers[] = {
    dataset->n_users, dataset->n_departments, dataset->records_per_user, dataset->seed,
    dataset->epoch,
    query->search, (guint32) query->video_count, query->include_user_details,
  };

  hash = fnv1a (hash, numbers, sizeof numbers);
  hash = fnv1a_string (hash, query->search_value);
  for (guint i = 0; i < query->n_attribute_ids; i++)
    hash = fnv1a_string (hash, query->attribute_ids[i]);
  return hash;
}

void
ap_mock_json_escape_append (GString    *out,
                            const char *text)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = text;
  const char *p;

  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\'))
        continue;

      g_string_append_len (out, run, p - run);
      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else
        {
          char escape[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

          g_string_append_len (out, escape, sizeof escape);
        }
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
}

static void
append_uint (GString *out,
             guint    value)
{
  char buffer[16];
  char *p = buffer + sizeof buffer;

  do
    {
      *--p = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);
  g_string_append_len (out, p, buffer + sizeof buffer - p);
}

static void
append_digits (char *p,
               guint value,
               guint width)
{
  for (guint i = width; i > 0; i--)
    {
      p[i - 1] = (char) ('0' + value % 10);
      value /= 10;
    }
}

/* "2024-01-08T09:00:00+0000", the API's own shape; faster than GDateTime,
 * which matters at two timestamps for each of a million records. */
static void
append_time (GString *out,
             gint64   unix_time)
{
  char text[24];
  gint64 days = unix_time / 86400;
  guint seconds = (guint) (unix_time % 86400);
  gint64 era, z;
  guint doe, yoe, doy, mp, day, month;
  gint64 year;

  /* Howard Hinnant's days-to-civil algorithm. */
  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  year = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2)
    year++;

  append_digits (text, (guint) year, 4);
  text[4] = '-';
  append_digits (text + 5, month, 2);
  text[7] = '-';
  append_digits (text + 8, day, 2);
  text[10] = 'T';
  append_digits (text + 11, seconds / 3600, 2);
  text[13] = ':';
  append_digits (text + 14, seconds / 60 % 60, 2);
  text[16] = ':';
  append_digits (text + 17, seconds % 60, 2);
  memcpy (text + 19, "+0000", 5);
  g_string_append_len (out, text, sizeof text);
}

void
ap_mock_user_write_json (const ApMockUser *user,
                         gboolean          include_user_details,
                         ApMockCorruption  corruption,
                         GString          *out)
{
  g_string_append (out, "{\"name\":\"");
  ap_mock_json_escape_append (out, user->name);
  g_string_append (out, corruption == AP_MOCK_CORRUPT_MALFORMED ? "\",,\"email\":\""
                                                                : "\",\"email\":\"");
  ap_mock_json_escape_append (out, user->email);
  g_string_append (out, "\",\"department\":\"");
  ap_mock_json_escape_append (out, user->department);
  g_string_append (out, "\",\"numCorrect\":");
  if (corruption == AP_MOCK_CORRUPT_WRONG_TYPES)
    {
      g_string_append_c (out, '"');
      append_uint (out, user->num_correct);
      g_string_append_c (out, '"');
    }
  else
    append_uint (out, user->num_correct);
  g_string_append (out, ",\"numIncorrect\":");
  if (corruption == AP_MOCK_CORRUPT_NEGATIVE_COUNT)
    g_string_append (out, "-1");
  else
    append_uint (out, user->num_incorrect);
  g_string_append (out, ",\"numNotWatched\":");
  append_uint (out, user->num_not_watched);

  if (include_user_details)
    {
      g_string_append (out, ",\"userDetails\":[");
      for (guint j = 0; j < user->n_records; j++)
        {
          const ApMockRecord *record = &user->records[j];

          if (j > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"category\":\"");
          ap_mock_json_escape_append (out, record->category);
          g_string_append (out, "\",\"timeSent\":\"");
          append_time (out, record->time_sent);
          g_string_append (out, "\",\"title\":\"");
          ap_mock_json_escape_append (out, record->title);
          g_string_append (out, record->ack ? "\",\"ack\":true" : "\",\"ack\":false");
          if (record->viewed)
            {
              g_string_append (out, ",\"timeViewed\":\"");
              append_time (out, record->time_viewed);
              g_string_append_c (out, '"');
            }
          else if (!record->time_viewed_missing)
            g_string_append (out, ",\"timeViewed\":\"\"");
          g_string_append (out, ",\"status\":\"");
          ap_mock_json_escape_append (out, record->status);
          g_string_append (out, "\"}");
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}
