/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-parser"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ap-error.h"
#include "ap-parser.h"
#include "ap-user.h"

static const char valid_page[] =
  "{\"fail\":[],\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":2,"
  "\"next\":\"eyJwYWdlIjoyfQ==\",\"totalCount\":1234}},"
  "\"data\":[{\"numCorrect\":7,\"numNotWatched\":2,\"name\":\"Anna M\\u00fcller\","
  "\"numIncorrect\":1,\"department\":\"Sales\",\"userDetails\":["
  "{\"category\":\"Phishing\",\"timeSent\":\"2011-12-03T10:15:30+0000\","
  "\"title\":\"Spot the Phish\",\"ack\":true,\"timeViewed\":\"2011-12-04T08:00:00+01:00\","
  "\"status\":\"Completed\"},"
  "{\"category\":\"Passwords\",\"timeSent\":\"2012-02-29T23:59:59Z\","
  "\"title\":\"Password Pandemonium\",\"ack\":false,\"timeViewed\":\"\","
  "\"status\":\"Not Watched\"}],"
  "\"email\":\"anna@example.com\"},"
  "{\"name\":\"Søren Weiß\",\"email\":\"soren@example.com\",\"department\":\"Sales\","
  "\"numCorrect\":4294967295,\"numIncorrect\":0,\"numNotWatched\":0,\"extra\":{\"a\":[1,2.5e3,"
  "null,true,false,\"x\"]}}]}";

static ApPage *
parse_text (const char  *text,
            gsize        length,
            GError     **error)
{
  g_autoptr(GBytes) body = g_bytes_new (text, length);

  return ap_parser_parse_page (body, error);
}

static ApPage *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  ApPage *page = parse_text (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_nonnull (page->users);
  return page;
}

static char *
parse_error (const char *json,
             gsize       length,
             int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ApPage) page = parse_text (json, length, &error);

  g_assert_null (page);
  g_assert_error (error, AP_ERROR, code);
  return g_strdup (error->message);
}

#define assert_parse_error(json, code, expected) \
  G_STMT_START { \
    g_autofree char *_msg = parse_error ((json), strlen (json), (code)); \
    g_assert_cmpstr (_msg, ==, (expected)); \
  } G_STMT_END

static ApUser *
page_user (ApPage *page,
           guint   i)
{
  g_assert_cmpuint (i, <, page->users->len);
  return g_ptr_array_index (page->users, i);
}

static void
test_valid_page (void)
{
  g_autoptr(ApPage) page = parse_ok (valid_page);
  ApUser *anna, *soren;
  const ApRecord *rec;

  g_assert_cmpstr (page->next_page_token, ==, "eyJwYWdlIjoyfQ==");
  g_assert_cmpint (page->total_count, ==, 1234);
  g_assert_cmpuint (page->users->len, ==, 2);

  anna = page_user (page, 0);
  g_assert_cmpstr (ap_user_get_name (anna), ==, "Anna Müller");
  g_assert_cmpstr (ap_user_get_email (anna), ==, "anna@example.com");
  g_assert_cmpstr (ap_user_get_department (anna), ==, "Sales");
  g_assert_cmpuint (ap_user_get_num_correct (anna), ==, 7);
  g_assert_cmpuint (ap_user_get_num_incorrect (anna), ==, 1);
  g_assert_cmpuint (ap_user_get_num_not_watched (anna), ==, 2);
  g_assert_true (ap_user_get_has_details (anna));
  g_assert_cmpuint (ap_user_get_n_records (anna), ==, 2);

  rec = ap_user_get_record (anna, 0);
  g_assert_cmpstr (ap_record_get_title (rec), ==, "Spot the Phish");
  g_assert_cmpstr (ap_record_get_category (rec), ==, "Phishing");
  g_assert_cmpstr (ap_record_get_status (rec), ==, "Completed");
  g_assert_true (ap_record_get_acknowledged (rec));
  g_assert_cmpint (ap_record_get_time_sent (rec), ==, 1322907330);
  g_assert_cmpint (ap_record_get_time_viewed (rec), ==, 1322982000);

  rec = ap_user_get_record (anna, 1);
  g_assert_cmpstr (ap_record_get_title (rec), ==, "Password Pandemonium");
  g_assert_false (ap_record_get_acknowledged (rec));
  g_assert_cmpint (ap_record_get_time_sent (rec), ==, 1330559999);
  g_assert_cmpint (ap_record_get_time_viewed (rec), ==, AP_TIME_NONE);

  soren = page_user (page, 1);
  g_assert_cmpstr (ap_user_get_name (soren), ==, "Søren Weiß");
  g_assert_cmpuint (ap_user_get_num_correct (soren), ==, G_MAXUINT);
  g_assert_false (ap_user_get_has_details (soren));
  g_assert_cmpuint (ap_user_get_n_records (soren), ==, 0);

  /* interned: one copy per distinct value */
  g_assert_true (ap_user_get_department (anna) == ap_user_get_department (soren));
}

static void
test_missing_optional (void)
{
  g_autoptr(ApPage) page = parse_ok ("{\"data\":[{},"
                                     "{\"name\":null,\"email\":null,\"department\":null,"
                                     "\"numCorrect\":null,\"userDetails\":null},"
                                     "{\"name\":\"x\",\"userDetails\":[]},"
                                     "{\"userDetails\":[{},{\"ack\":null,\"timeSent\":null,"
                                     "\"timeViewed\":null,\"title\":null,\"status\":\"\"}]}]}");
  const ApRecord *rec;

  g_assert_null (page->next_page_token);
  g_assert_cmpint (page->total_count, ==, -1);
  g_assert_cmpuint (page->users->len, ==, 4);

  for (guint i = 0; i < 2; i++)
    {
      ApUser *user = page_user (page, i);

      g_assert_cmpstr (ap_user_get_name (user), ==, "");
      g_assert_cmpstr (ap_user_get_email (user), ==, "");
      g_assert_cmpstr (ap_user_get_department (user), ==, "");
      g_assert_cmpuint (ap_user_get_num_correct (user), ==, 0);
      g_assert_false (ap_user_get_has_details (user));
    }

  /* an empty userDetails list means details were asked for: none exist */
  g_assert_true (ap_user_get_has_details (page_user (page, 2)));
  g_assert_cmpuint (ap_user_get_n_records (page_user (page, 2)), ==, 0);

  g_assert_cmpuint (ap_user_get_n_records (page_user (page, 3)), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      rec = ap_user_get_record (page_user (page, 3), i);
      g_assert_cmpstr (ap_record_get_title (rec), ==, "");
      g_assert_cmpstr (ap_record_get_category (rec), ==, "");
      g_assert_cmpstr (ap_record_get_status (rec), ==, "");
      g_assert_false (ap_record_get_acknowledged (rec));
      g_assert_cmpint (ap_record_get_time_sent (rec), ==, AP_TIME_NONE);
      g_assert_cmpint (ap_record_get_time_viewed (rec), ==, AP_TIME_NONE);
    }

  /* empty data, null data and an empty next token are all a last page */
  {
    g_autoptr(ApPage) empty = parse_ok ("{\"data\":[],\"meta\":{\"pagination\":{\"next\":\"\"}}}");
    g_autoptr(ApPage) null_data = parse_ok ("{\"data\":null,\"meta\":null}");

    g_assert_cmpuint (empty->users->len, ==, 0);
    g_assert_null (empty->next_page_token);
    g_assert_cmpuint (null_data->users->len, ==, 0);
  }
}

static void
test_unicode (void)
{
  /* Escapes in name, email and department one after another: each must
   * survive the next one being decoded. */
  g_autoptr(ApPage) page =
    parse_ok ("{\"data\":[{\"name\":\"Jos\\u00e9 \\\"Pep\\\" \\ud83d\\ude00\\t\\/\\\\\","
              "\"email\":\"j\\u006fse@example.com\","
              "\"department\":\"R\\u0026D\","
              "\"userDetails\":[{\"title\":\"\\u65e5\\u672c\\u8a9e\",\"category\":\"日本語\","
              "\"status\":\"\\u00c9t\\u00e9\"}]},"
              "{\"name\":\"Zoë 𝄞 Ελληνικά\",\"department\":\"R&D\"}]}");
  ApUser *jose = page_user (page, 0);
  const ApRecord *rec = ap_user_get_record (jose, 0);

  g_assert_cmpstr (ap_user_get_name (jose), ==, "José \"Pep\" \xf0\x9f\x98\x80\t/\\");
  g_assert_cmpstr (ap_user_get_email (jose), ==, "jose@example.com");
  g_assert_cmpstr (ap_user_get_department (jose), ==, "R&D");
  g_assert_cmpstr (ap_record_get_title (rec), ==, "日本語");
  g_assert_cmpstr (ap_record_get_category (rec), ==, "日本語");
  g_assert_cmpstr (ap_record_get_status (rec), ==, "Été");
  g_assert_true (ap_record_get_title (rec) == ap_record_get_category (rec));
  g_assert_cmpstr (ap_user_get_name (page_user (page, 1)), ==, "Zoë 𝄞 Ελληνικά");
  /* escaped and plain spellings intern to the same string */
  g_assert_true (ap_user_get_department (jose) == ap_user_get_department (page_user (page, 1)));
}

static void
test_duplicate_members (void)
{
  /* JSON allows repeats; the last one counts and nothing leaks */
  g_autoptr(ApPage) page =
    parse_ok ("{\"data\":[{\"name\":\"a\",\"name\":\"b\",\"userDetails\":[{},{}],"
              "\"userDetails\":[{\"title\":\"t\"}]}],\"data\":[{\"name\":\"c\"}]}");

  g_assert_cmpuint (page->users->len, ==, 2);
  g_assert_cmpstr (ap_user_get_name (page_user (page, 0)), ==, "b");
  g_assert_cmpuint (ap_user_get_n_records (page_user (page, 0)), ==, 1);
  g_assert_cmpstr (ap_user_get_name (page_user (page, 1)), ==, "c");
}

typedef struct
{
  const char *json;
  const char *message;
} ErrorCase;

static void
test_value_errors (void)
{
  static const ErrorCase cases[] = {
    { "{\"data\":[{\"numCorrect\":-1}]}",
      "data[0].numCorrect: expected a count of 0 or more, not a negative number" },
    { "{\"data\":[{},{\"numIncorrect\":3.0}]}",
      "data[1].numIncorrect: expected a whole number, not a fraction" },
    { "{\"data\":[{\"numNotWatched\":1e2}]}",
      "data[0].numNotWatched: expected a whole number, not a fraction" },
    { "{\"data\":[{\"numCorrect\":4294967296}]}",
      "data[0].numCorrect: the number is too large" },
    { "{\"data\":[{\"numCorrect\":123456789012345678901234567890}]}",
      "data[0].numCorrect: the number is too large" },
    { "{\"data\":[{\"numCorrect\":\"3\"}]}",
      "data[0].numCorrect: expected a whole number" },
    { "{\"data\":[{\"name\":42}]}", "data[0].name: expected text" },
    { "{\"data\":[{\"email\":[\"a\"]}]}", "data[0].email: expected text" },
    { "{\"data\":[{\"department\":{}}]}", "data[0].department: expected text" },
    { "{\"data\":[{\"name\":\"a\\u0000b\"}]}", "data[0].name: the text contains a NUL character" },
    /* an escaped member name survives the decoding of its escaped value */
    { "{\"data\":[{\"n\\u0061me\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u0000\"}]}",
      "data[0].name: the text contains a NUL character" },
    { "{\"data\":[{\"userD\\u0065tails\":[{\"time\\u0056iewed\":\"\\u0031\"}]}]}",
      "data[0].userDetails[0].timeViewed: expected a date such as 2011-12-03T10:15:30+0000" },
    { "{\"data\":[{\"userDetails\":{}}]}", "data[0].userDetails: expected a list" },
    { "{\"data\":[{\"userDetails\":[1]}]}", "data[0].userDetails[0]: expected an object" },
    { "{\"data\":[{\"userDetails\":[null]}]}", "data[0].userDetails[0]: expected an object" },
    { "{\"data\":[{},{},{},{},{},{},{},{},{},{},{},{},{\"userDetails\":[{},{},{},"
      "{\"timeViewed\":\"2011-12-03\"}]}]}",
      "data[12].userDetails[3].timeViewed: expected a date such as 2011-12-03T10:15:30+0000" },
    { "{\"data\":[{\"userDetails\":[{\"timeSent\":12}]}]}",
      "data[0].userDetails[0].timeSent: expected a date such as 2011-12-03T10:15:30+0000" },
    { "{\"data\":[{\"userDetails\":[{\"timeSent\":\"2011-02-29T00:00:00Z\"}]}]}",
      "data[0].userDetails[0].timeSent: expected a date such as 2011-12-03T10:15:30+0000" },
    { "{\"data\":[{\"userDetails\":[{\"ack\":\"yes\"}]}]}",
      "data[0].userDetails[0].ack: expected true or false" },
    { "{\"data\":[{\"userDetails\":[{\"ack\":1}]}]}",
      "data[0].userDetails[0].ack: expected true or false" },
    { "{\"data\":[{\"userDetails\":[{\"title\":true}]}]}",
      "data[0].userDetails[0].title: expected text" },
    { "{\"data\":{}}", "data: expected a list" },
    { "{\"data\":[\"x\"]}", "data[0]: expected an object" },
    { "{\"data\":[],\"meta\":[]}", "meta: expected an object" },
    { "{\"data\":[],\"meta\":{\"status\":\"ok\"}}",
      "meta.status: expected a status code such as 200" },
    { "{\"data\":[],\"meta\":{\"pagination\":{\"next\":5}}}",
      "meta.pagination.next: expected text" },
    { "{\"data\":[],\"meta\":{\"pagination\":{\"totalCount\":-5}}}",
      "meta.pagination.totalCount: expected a count of 0 or more, not a negative number" },
    { "{\"data\":[],\"fail\":{}}", "fail: expected a list" },
    { "[]", "The server's reply is not a Mimecast report: expected a JSON object" },
    { "\"data\"", "The server's reply is not a Mimecast report: expected a JSON object" },
    { "{\"meta\":{\"status\":200}}",
      "The server's reply has no \"data\" list, so it is not a Mimecast performance report; "
      "check the server address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u: %s", i, cases[i].json);
      assert_parse_error (cases[i].json, AP_ERROR_INVALID_RESPONSE, cases[i].message);
    }
}

/* Syntax errors name the byte; @marker is where in @json it points. */
typedef struct
{
  const char *json;
  const char *marker;
  const char *prefix;
  const char *detail;
} SyntaxCase;

static void
test_syntax_errors (void)
{
  static const SyntaxCase cases[] = {
    { "{\"data\":[{\"name\":\"a\" \"email\":\"b\"}]}", "\"email", "data[0]: ",
      "expected ',' or '}' after a member" },
    { "{\"data\":[{\"name\":\"a\",}]}", "}]", "data[0]: ",
      "expected a member name in double quotes" },
    { "{\"data\":[{},]}", "]}", "data[1]: ", "expected a value" },
    { "{\"data\":[{} {}]}", "{}]", "data[0]: ", "expected ',' or ']' after an element" },
    { "{\"data\" []}", "[]", "", "expected ':' after a member name" },
    { "{\"data\":[{\"numCorrect\":01}]}", "1}", "data[0].numCorrect: ",
      "a number may not start with 0" },
    { "{\"data\":[{\"numCorrect\":+1}]}", "+1", "data[0].numCorrect: ",
      "expected a value" },
    { "{\"data\":[{\"x\":1.}]}", "}]", "data[0].x: ", "expected a digit after the decimal point" },
    { "{\"data\":[{\"x\":.5}]}", ".5", "data[0].x: ", "expected a value" },
    { "{\"data\":[{\"x\":1e+}]}", "}]", "data[0].x: ", "expected a digit in the exponent" },
    { "{\"data\":[{\"x\":-}]}", "}]", "data[0].x: ", "expected a digit" },
    { "{\"data\":[{\"x\":tru}]}", "tru", "data[0].x: ", "expected a value" },
    { "{\"data\":[{\"x\":True}]}", "True", "data[0].x: ", "expected a value" },
    { "{\"data\":[{\"x\":nul,\"y\":1}]}", "nul", "data[0].x: ", "expected a value" },
    { "{\"data\":[{\"x\":NaN}]}", "NaN", "data[0].x: ", "expected a value" },
    { "{\"data\":[{\"x\":'a'}]}", "'a'", "data[0].x: ", "expected a value" },
    { "{\"data\":[{\"name\":\"a\tb\"}]}", "\tb", "data[0].name: ",
      "a control character inside a string must be escaped" },
    { "{\"data\":[{\"name\":\"a\\xb\"}]}", "xb", "data[0].name: ",
      "an unknown escape sequence in a string" },
    { "{\"data\":[{\"name\":\"a\\u12G4\"}]}", "G4", "data[0].name: ",
      "a \\u escape needs four hexadecimal digits" },
    { "{\"data\":[{\"name\":\"\\udc00\"}]}", "\\udc00", "data[0].name: ",
      "a \\u escape holds half of a character (a lone low surrogate)" },
    { "{\"data\":[{\"name\":\"\\ud800x\"}]}", "x\"", "data[0].name: ",
      "a \\u escape holds half of a character (a lone high surrogate)" },
    { "{\"data\":[{\"name\":\"\\ud800\\u0041\"}]}", "\\u0041", "data[0].name: ",
      "a \\u escape holds half of a character (a lone high surrogate)" },
    { "{\"data\":[{\"name\":\"\xc3\x28\"}]}", "\xc3", "data[0].name: ",
      "text that is not valid UTF-8" },
    { "{\"data\":[{\"name\":\"\xc0\x80\"}]}", "\xc0", "data[0].name: ",
      "text that is not valid UTF-8" },
    { "{\"data\":[{\"name\":\"\xed\xa0\x80\"}]}", "\xed", "data[0].name: ",
      "text that is not valid UTF-8" },
    { "{\"data\":[{\"name\":\"\xf4\x90\x80\x80\"}]}", "\xf4", "data[0].name: ",
      "text that is not valid UTF-8" },
    { "{\"data\":[{\"name\":\"\x80\"}]}", "\x80", "data[0].name: ",
      "text that is not valid UTF-8" },
    { "{\"data\":[{\"x\":\"\xff\"}]}", "\xff", "data[0].x: ", "text that is not valid UTF-8" },
    { "{\"data\":[]} x", "x", "", "unexpected text after the end of the reply" },
    { "{\"data\":[]}{}", "{}", "", "unexpected text after the end of the reply" },
    { "\xef\xbb\xbf{\"data\":[]}", "\xef", "", "expected a value" },
    { "{\"data\":[{\"name\":\"a\"]}", "]}", "data[0]: ", "expected ',' or '}' after a member" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *at = strstr (cases[i].json, cases[i].marker);
      g_autofree char *expected = NULL;
      g_autofree char *message = NULL;

      g_autofree char *escaped = g_strescape (cases[i].json, NULL);

      g_test_message ("case %u: %s", i, escaped);
      g_assert_nonnull (at);
      if (cases[i].prefix[0] != '\0')
        expected = g_strdup_printf ("%sthe server's reply is not valid JSON at byte %"
                                    G_GSIZE_FORMAT ": %s", cases[i].prefix,
                                    (gsize) (at - cases[i].json), cases[i].detail);
      else
        expected = g_strdup_printf ("The server's reply is not valid JSON at byte %"
                                    G_GSIZE_FORMAT ": %s",
                                    (gsize) (at - cases[i].json), cases[i].detail);
      message = parse_error (cases[i].json, strlen (cases[i].json), AP_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (message, ==, expected);
    }
}

static void
test_empty_and_cut (void)
{
  assert_parse_error ("", AP_ERROR_INVALID_RESPONSE, "The server's reply was empty; try again");
  assert_parse_error (" \n\t ", AP_ERROR_INVALID_RESPONSE,
                      "The server's reply was empty; try again");
  assert_parse_error ("{\"data\":[", AP_ERROR_INVALID_RESPONSE,
                      "The server's reply was cut short inside data after 9 bytes; try again");
  assert_parse_error ("{\"data\":[{\"userDetails\":[{\"title\":\"Spot", AP_ERROR_INVALID_RESPONSE,
                      "The server's reply was cut short inside data[0].userDetails[0].title "
                      "after 39 bytes; try again");
  assert_parse_error ("{", AP_ERROR_INVALID_RESPONSE,
                      "The server's reply was cut short after 1 bytes; try again");

  /* an embedded NUL byte is not the end of the body */
  {
    g_autofree char *message = parse_error ("{\"data\":[]}\0", 12, AP_ERROR_INVALID_RESPONSE);
    g_assert_cmpstr (message, ==, "The server's reply is not valid JSON at byte 11: "
                                  "unexpected text after the end of the reply");
  }
}

static void
test_fail (void)
{
  assert_parse_error ("{\"fail\":[{\"key\":{\"x\":1},\"errors\":["
                      "{\"code\":\"err_validation_blank\","
                      "\"message\":\"Field searchBy.value is blank\",\"retryable\":false}]}],"
                      "\"meta\":{\"status\":400},\"data\":[]}",
                      AP_ERROR_API_FAILURE,
                      "Mimecast refused the request: Field searchBy.value is blank "
                      "(err_validation_blank)");
  assert_parse_error ("{\"fail\":[{\"errors\":[{\"message\":\"No access\"}]}]}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request: No access");
  assert_parse_error ("{\"fail\":[{\"errors\":[{\"code\":\"err_x\"}]}]}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request (err_x)");
  assert_parse_error ("{\"fail\":[{}],\"data\":[]}", AP_ERROR_API_FAILURE,
                      "Mimecast refused the request without giving a reason");
  assert_parse_error ("{\"fail\":[{\"errors\":[{\"code\":5,\"message\":[]}]}]}",
                      AP_ERROR_API_FAILURE,
                      "Mimecast refused the request without giving a reason");
  /* the first error of several is reported */
  assert_parse_error ("{\"fail\":[{\"errors\":[{\"code\":\"a\",\"message\":\"first\"},"
                      "{\"code\":\"b\",\"message\":\"second\"}]},{\"errors\":[]}]}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request: first (a)");
  /* a failure explains more than data that does not fit, wherever it is */
  assert_parse_error ("{\"fail\":[{\"errors\":[{\"code\":\"c\",\"message\":\"m\"}]}],"
                      "\"data\":[{\"numCorrect\":\"x\"}]}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request: m (c)");
  assert_parse_error ("{\"data\":[{\"numCorrect\":-4}],"
                      "\"fail\":[{\"errors\":[{\"code\":\"c\",\"message\":\"m\"}]}]}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request: m (c)");
  /* also when "data" is not even a list, or holds more users than a page
   * may (both found by tests/models/test-parser-differential.c) */
  assert_parse_error ("{\"data\":{},\"fail\":[{\"errors\":[{\"code\":\"c\",\"message\":\"m\"}]}]}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request: m (c)");
  assert_parse_error ("{\"meta\":{\"status\":401},\"data\":\"x\"}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request (status 401)");
  {
    g_autoptr(GString) json = g_string_new ("{\"data\":[{}");

    for (guint i = 0; i < AP_PARSER_MAX_USERS_PER_PAGE; i++)
      g_string_append (json, ",{}");
    g_string_append (json, "],\"fail\":[{\"errors\":[{\"code\":\"c\",\"message\":\"m\"}]}]}");
    assert_parse_error (json->str, AP_ERROR_API_FAILURE, "Mimecast refused the request: m (c)");
  }
  /* but malformed JSON is malformed, failure or not */
  {
    g_autofree char *message =
      parse_error ("{\"fail\":[{\"errors\":[{\"code\":\"c\",\"message\":\"m\"}]}],\"data\":[}",
                   59, AP_ERROR_INVALID_RESPONSE);
    g_assert_nonnull (strstr (message, "not valid JSON"));
  }
  /* a function-level status that is not a success */
  assert_parse_error ("{\"fail\":[],\"meta\":{\"status\":500},\"data\":[]}",
                      AP_ERROR_API_FAILURE, "Mimecast refused the request (status 500)");

  /* an empty fail list is success */
  {
    g_autoptr(ApPage) page = parse_ok ("{\"fail\":[],\"meta\":{\"status\":200},\"data\":[{}]}");
    g_assert_cmpuint (page->users->len, ==, 1);
  }

  /* a long message is cut to a bounded, valid UTF-8 excerpt */
  {
    g_autoptr(GString) json = g_string_new ("{\"fail\":[{\"errors\":[{\"message\":\"");
    g_autofree char *message = NULL;

    for (guint i = 0; i < 1000; i++)
      g_string_append (json, "é");
    g_string_append (json, "\"}]}]}");
    message = parse_error (json->str, json->len, AP_ERROR_API_FAILURE);
    g_assert_true (g_utf8_validate (message, -1, NULL));
    g_assert_cmpuint (strlen (message), <, 500);
  }
}

static char *
nested (const char *before,
        guint       levels,
        const char *after)
{
  GString *s = g_string_new (before);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, ']');
  g_string_append (s, after);
  return g_string_free (s, FALSE);
}

static void
test_deep_nesting (void)
{
  g_autofree char *deep = nested ("{\"data\":[{\"x\":", 100000, "}]}");
  g_autofree char *deep_data = nested ("{\"data\":", 100000, "}");
  g_autofree char *deep_fail = nested ("{\"fail\":[{\"errors\":", 100000, "}]}");
  g_autofree char *ok_depth = nested ("{\"data\":[{\"x\":", AP_PARSER_MAX_DEPTH - 3, "}]}");
  g_autofree char *too_deep = nested ("{\"data\":[{\"x\":", AP_PARSER_MAX_DEPTH - 2, "}]}");
  g_autofree char *objects = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  GString *s;

  message = parse_error (deep, strlen (deep), AP_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (message, ==, "data[0].x: the server's reply is not valid JSON at byte 75: "
                                "the reply nests more than 64 levels deep");
  g_clear_pointer (&message, g_free);

  message = parse_error (deep_data, strlen (deep_data), AP_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (message, "nests more than 64 levels deep"));
  g_clear_pointer (&message, g_free);

  message = parse_error (deep_fail, strlen (deep_fail), AP_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (message, "nests more than 64 levels deep"));
  g_clear_pointer (&message, g_free);

  /* the root, data and the user are three levels: 61 more fit, 62 do not */
  {
    g_autoptr(ApPage) page = parse_ok (ok_depth);
    g_assert_cmpuint (page->users->len, ==, 1);
  }
  message = parse_error (too_deep, strlen (too_deep), AP_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (message, "nests more than 64 levels deep"));
  g_clear_pointer (&message, g_free);

  /* objects nest the same way */
  s = g_string_new ("{\"data\":[],\"x\":");
  for (guint i = 0; i < 100000; i++)
    g_string_append (s, "{\"a\":");
  g_string_append (s, "1");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (s, '}');
  g_string_append_c (s, '}');
  objects = g_string_free (s, FALSE);
  message = parse_error (objects, strlen (objects), AP_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (message, "nests more than 64 levels deep"));

  {
    g_autoptr(GBytes) body = g_bytes_new (deep, strlen (deep));
    g_assert_false (ap_parser_scan_meta (body, NULL, NULL, &error));
    g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
  }
}

static void
test_too_large (void)
{
  gsize size = AP_PARSER_MAX_BODY_SIZE + 1;
  char *data = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) at_limit = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ApPage) page = NULL;
  g_autofree char *token = NULL;
  gint64 total = 0;

  /* valid JSON padded with whitespace: only the size is wrong */
  memset (data, ' ', size);
  memcpy (data, "{\"data\":[]}", 11);
  body = g_bytes_new_take (data, size);

  page = ap_parser_parse_page (body, &error);
  g_assert_null (page);
  g_assert_error (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "The server's reply is larger than 64 MB, more than any "
                                       "Mimecast reply should be; try a narrower search");
  g_clear_error (&error);

  g_assert_false (ap_parser_scan_meta (body, &token, &total, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_null (token);
  g_clear_error (&error);

  g_assert_false (ap_json_check (data, size, 64, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_clear_error (&error);

  /* exactly at the limit is fine */
  at_limit = g_bytes_new_from_bytes (body, 0, AP_PARSER_MAX_BODY_SIZE);
  page = ap_parser_parse_page (at_limit, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
}

static void
check_prefixes (const char *text,
                gsize       length)
{
  for (gsize n = 0; n < length; n++)
    {
      g_autoptr(GBytes) body = g_bytes_new (text, n);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) scan_error = NULL;
      g_autoptr(ApPage) page = ap_parser_parse_page (body, &error);

      if (page != NULL)
        g_error ("a prefix of %" G_GSIZE_FORMAT " bytes parsed as a page", n);
      g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
      if (strstr (error->message, n == 0 ? "was empty" : "was cut short") == NULL)
        g_error ("prefix of %" G_GSIZE_FORMAT " bytes: %s", n, error->message);

      g_assert_false (ap_parser_scan_meta (body, NULL, NULL, &scan_error));
      g_assert_error (scan_error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
    }
}

static void
test_truncation (void)
{
  static const char escapes[] =
    "{\"data\":[{\"name\":\"\\ud83d\\ude00 \\u00e9 é 日本 𝄞 \\n\",\"numCorrect\":123,"
    "\"numIncorrect\":0,\"x\":[-1.5e+10,true,false,null,{}],\"userDetails\":[{\"ack\":false}]}],"
    "\"meta\":{\"pagination\":{\"next\":\"t\",\"totalCount\":77}}}";

  check_prefixes (valid_page, strlen (valid_page));
  check_prefixes (escapes, strlen (escapes));
}

static void
test_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x5eed);
  static const char interesting[] = "{}[]\",:\\-0123456789eE.tfnu \x80\xc3\xff\x00";
  gsize length = strlen (valid_page);
  guint n_ok = 0;

  for (guint round = 0; round < 20000; round++)
    {
      g_autofree char *text = g_malloc (length + 8);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) scan_error = NULL;
      g_autoptr(ApPage) page = NULL;
      g_autofree char *token = NULL;
      gsize n = length;
      guint changes = (guint) g_rand_int_range (rand, 1, 4);
      gint64 total = 0;
      gboolean scanned;

      memcpy (text, valid_page, length);
      for (guint c = 0; c < changes; c++)
        {
          gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) n);
          char byte = g_rand_boolean (rand)
            ? interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)]
            : (char) g_rand_int_range (rand, 0, 256);

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              text[at] = byte;
              break;
            case 1:
              memmove (text + at + 1, text + at, n - at);
              text[at] = byte;
              n++;
              break;
            default:
              memmove (text + at, text + at + 1, n - at - 1);
              n--;
              break;
            }
        }

      body = g_bytes_new (text, n);
      page = ap_parser_parse_page (body, &error);
      scanned = ap_parser_scan_meta (body, &token, &total, &scan_error);
      if (page != NULL)
        {
          n_ok++;
          g_assert_no_error (error);
          /* what the page parser accepts, the skim accepts with the same meta */
          g_assert_no_error (scan_error);
          g_assert_true (scanned);
          g_assert_cmpstr (token, ==, page->next_page_token);
          g_assert_cmpint (total, ==, page->total_count);
          for (guint i = 0; i < page->users->len; i++)
            g_assert_true (g_utf8_validate (ap_user_get_name (page_user (page, i)), -1, NULL));
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == AP_ERROR);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          if (!scanned)
            g_assert_nonnull (scan_error);
        }
    }

  g_test_message ("%u of 20000 mutated pages still parsed", n_ok);
}

static void
test_scan_meta (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static (valid_page, strlen (valid_page));
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 total = 0;

  g_assert_true (ap_parser_scan_meta (body, &token, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "eyJwYWdlIjoyfQ==");
  g_assert_cmpint (total, ==, 1234);
  g_clear_pointer (&token, g_free);

  /* NULL outs are allowed */
  g_assert_true (ap_parser_scan_meta (body, NULL, NULL, &error));

  /* last page: no token, no total */
  {
    static const char last_page[] = "{\"data\":[{}],\"meta\":{\"status\":200}}";
    g_autoptr(GBytes) last = g_bytes_new_static (last_page, strlen (last_page));

    g_assert_true (ap_parser_scan_meta (last, &token, &total, &error));
    g_assert_no_error (error);
    g_assert_null (token);
    g_assert_cmpint (total, ==, -1);
  }

  /* a failure, wherever it stands */
  {
    static const char failed[] =
      "{\"data\":[{\"name\":\"x\"}],\"meta\":{\"pagination\":{\"next\":\"n\"}},"
      "\"fail\":[{\"errors\":[{\"code\":\"err_quota\",\"message\":\"Quota exceeded\"}]}]}";
    g_autoptr(GBytes) fail = g_bytes_new_static (failed, strlen (failed));

    g_assert_false (ap_parser_scan_meta (fail, &token, &total, &error));
    g_assert_error (error, AP_ERROR, AP_ERROR_API_FAILURE);
    g_assert_cmpstr (error->message, ==, "Mimecast refused the request: Quota exceeded "
                                         "(err_quota)");
    g_assert_null (token);
    g_clear_error (&error);
  }

  /* malformed data is found even though users are not built */
  {
    static const char broken[] = "{\"meta\":{\"pagination\":{\"next\":\"n\"}},"
                                 "\"data\":[{\"name\":\"x\xff\"}]}";
    g_autoptr(GBytes) bad = g_bytes_new_static (broken, strlen (broken));

    g_assert_false (ap_parser_scan_meta (bad, &token, &total, &error));
    g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
    g_assert_null (token);
    g_clear_error (&error);
  }

  /* bad meta is a bad reply */
  {
    static const char bad_meta[] = "{\"meta\":{\"pagination\":{\"totalCount\":\"many\"}},"
                                   "\"data\":[]}";
    g_autoptr(GBytes) bad = g_bytes_new_static (bad_meta, strlen (bad_meta));

    g_assert_false (ap_parser_scan_meta (bad, &token, &total, &error));
    g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
    g_assert_cmpstr (error->message, ==, "meta.pagination.totalCount: expected a whole number");
    g_clear_error (&error);
  }
}

typedef struct
{
  const char *text;
  gboolean    valid;
  gint64      expected;
} TimeCase;

static void
test_times (void)
{
  static const TimeCase cases[] = {
    { "2011-12-03T10:15:30+0000", TRUE, 1322907330 },
    { "2011-12-03T10:15:30+00:00", TRUE, 1322907330 },
    { "2011-12-03T10:15:30Z", TRUE, 1322907330 },
    { "2011-12-03T10:15:30.5Z", TRUE, 1322907330 },
    { "2011-12-03T10:15:30.123456789+0000", TRUE, 1322907330 },
    { "2011-12-03T11:15:30+0100", TRUE, 1322907330 },
    { "2011-12-03T11:15:30+01:00", TRUE, 1322907330 },
    { "2011-12-03T04:45:30-05:30", TRUE, 1322907330 },
    { "2011-12-03T04:45:30-0530", TRUE, 1322907330 },
    { "2011-12-03T00:15:30-1000", TRUE, 1322907330 },
    { "1970-01-01T00:00:00Z", TRUE, 0 },
    { "1969-12-31T23:59:59Z", TRUE, -1 },
    { "2000-02-29T12:00:00Z", TRUE, 951825600 },
    { "2100-03-01T00:00:00Z", TRUE, 4107542400 },
    { "0001-01-01T00:00:00Z", TRUE, G_GINT64_CONSTANT (-62135596800) },
    { "9999-12-31T23:59:59Z", TRUE, G_GINT64_CONSTANT (253402300799) },
    { "", TRUE, AP_TIME_NONE },
    { "0001-01-01T00:00:00+0100", FALSE, 0 },  /* before year 1 */
    { "9999-12-31T23:59:59-0100", FALSE, 0 },  /* after year 9999 */
    { "0000-01-01T00:00:00Z", FALSE, 0 },
    { "2011-12-03T10:15:30", FALSE, 0 },       /* no zone: unknown time */
    { "2011-12-03T10:15:30z", FALSE, 0 },
    { "2011-12-03 10:15:30Z", FALSE, 0 },
    { "2011-12-03t10:15:30Z", FALSE, 0 },
    { "2011-12-03", FALSE, 0 },
    { "2011-13-03T10:15:30Z", FALSE, 0 },
    { "2011-00-03T10:15:30Z", FALSE, 0 },
    { "2011-02-29T10:15:30Z", FALSE, 0 },
    { "1900-02-29T10:15:30Z", FALSE, 0 },
    { "2011-04-31T10:15:30Z", FALSE, 0 },
    { "2011-12-00T10:15:30Z", FALSE, 0 },
    { "2011-12-03T24:00:00Z", FALSE, 0 },
    { "2011-12-03T10:60:30Z", FALSE, 0 },
    { "2011-12-03T10:15:60Z", FALSE, 0 },
    { "2011-12-03T10:15:30.Z", FALSE, 0 },
    { "2011-12-03T10:15:30+01", FALSE, 0 },
    { "2011-12-03T10:15:30+2400", FALSE, 0 },
    { "2011-12-03T10:15:30+0160", FALSE, 0 },
    { "2011-12-03T10:15:30+00:0", FALSE, 0 },
    { "2011-12-03T10:15:30+00000", FALSE, 0 },
    { "2011-12-03T10:15:30Z ", FALSE, 0 },
    { " 2011-12-03T10:15:30Z", FALSE, 0 },
    { "2011-1-03T10:15:30Z", FALSE, 0 },
    { "+2011-12-03T10:15:30Z", FALSE, 0 },
    { "２０11-12-03T10:15:30Z", FALSE, 0 },
    { "yesterday", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 t = 42;
      gboolean ok = ap_parser_parse_time (cases[i].text, strlen (cases[i].text), &t);

      g_test_message ("time %s", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (ok)
        g_assert_cmpint (t, ==, cases[i].expected);
    }

  /* the length is honoured: no NUL terminator needed */
  {
    gint64 t = 0;
    g_assert_true (ap_parser_parse_time ("2011-12-03T10:15:30Zjunk", 20, &t));
    g_assert_cmpint (t, ==, 1322907330);
  }

  /* agrees with GDateTime across the whole range */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (7);

    for (guint i = 0; i < 20000; i++)
      {
        gint64 unix_time = (gint64) (g_rand_double (rand) * 315537897599.0) - 62135596800;
        gint offset_minutes = g_rand_int_range (rand, -14 * 60, 14 * 60 + 1);
        g_autoptr(GTimeZone) tz = g_time_zone_new_offset (offset_minutes * 60);
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
        g_autoptr(GDateTime) local = NULL;
        g_autofree char *text = NULL;
        gint64 parsed = 0;

        if (utc == NULL)
          continue;
        local = g_date_time_to_timezone (utc, tz);
        if (local == NULL || g_date_time_get_year (local) < 1 ||
            g_date_time_get_year (local) > 9999)
          continue;
        /* %Y does not pad years before 1000, so the fields are formatted here */
        text = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d%s%02d",
                                g_date_time_get_year (local), g_date_time_get_month (local),
                                g_date_time_get_day_of_month (local),
                                g_date_time_get_hour (local), g_date_time_get_minute (local),
                                g_date_time_get_second (local), offset_minutes < 0 ? '-' : '+',
                                ABS (offset_minutes) / 60, i % 2 ? ":" : "",
                                ABS (offset_minutes) % 60);
        if (!ap_parser_parse_time (text, strlen (text), &parsed))
          g_error ("could not parse %s", text);
        g_assert_cmpint (parsed, ==, unix_time);
      }
  }
}

static void
test_json_check (void)
{
  static const char with_strings[] = "{\"a\":\"[[[[{{{{\\\"[[[[\",\"b\":[\"]]]]\\\\\",[1]]}";
  static const char *const valid[] = {
    "{}", "[]", "0", "-0", "1.5e-3", "-12E+4", "true", "false", "null", "\"\"",
    " \t\r\n{\"a\":[[],{}]} \n", "\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
    "\"\xc3\xa9\xe2\x80\x94\xf0\x9f\x98\x80\"", "[1,[2,[3,{\"x\":null}]]]",
  };
  static const char *const invalid[] = {
    "", " \n", "[][]", "{} \n{\"a\":1}", "1 []", "\"[\"{}", "null{}", "{}}", "1 2",
    "/**/{}", "{}//", "[1,]", "{\"a\":1,}", "{'a':1}", "{a:1}", "[01]", "[1.]", "[.5]",
    "[+1]", "[1e]", "[NaN]", "[Infinity]", "[tru]", "[True]", "\"\\x41\"", "\"\\u12\"",
    "\"tab\there\"", "\"\xc3\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "[\"a\" \"b\"]",
    "{\"a\" 1}", "{\"a\":}", "[", "{\"a\":[}]", "\"abc\\", "[\"[[[",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = nested ("", 100000, "");

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_assert_true (ap_json_check (valid[i], strlen (valid[i]), 64, &error));
      g_assert_no_error (error);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_assert_false (ap_json_check (invalid[i], strlen (invalid[i]), 64, &error));
      g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }

  /* brackets in strings, escaped quotes and escaped backslashes don't count */
  g_assert_true (ap_json_check (with_strings, strlen (with_strings), 3, &error));
  g_assert_no_error (error);
  g_assert_false (ap_json_check (with_strings, strlen (with_strings), 2, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The server's reply is not valid JSON at byte 36: "
                                       "the reply nests more than 2 levels deep");
  g_clear_error (&error);

  g_assert_false (ap_json_check (deep, strlen (deep), AP_PARSER_MAX_DEPTH, &error));
  g_assert_error (error, AP_ERROR, AP_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  /* 32 deep and closed: within a limit of 32, not of 31 */
  {
    g_autofree char *closed = nested ("", 32, "");

    g_assert_true (ap_json_check (closed, 64, 32, NULL));
    g_assert_false (ap_json_check (closed, 64, 31, NULL));
    /* the length is obeyed: the first 63 bytes are cut short */
    g_assert_false (ap_json_check (closed, 63, 32, &error));
    g_assert_cmpstr (error->message, ==, "The server's reply was cut short after 63 bytes; "
                                         "try again");
    g_clear_error (&error);
  }
  g_assert_true (ap_json_check (valid_page, strlen (valid_page), AP_PARSER_MAX_DEPTH, NULL));

  /* json-glib 1.6 leaks the first of two top-level values and reads "/" as
   * a comment, through which it reads a second value (both found by
   * tests/fuzz/fuzz-credentials.c through the keyring reader) */
  g_assert_false (ap_json_check ("[][]", 4, 64, &error));
  g_assert_cmpstr (error->message, ==, "The server's reply is not valid JSON at byte 2: "
                                       "unexpected text after the end of the reply");
  g_clear_error (&error);
  g_assert_false (ap_json_check ("[/[][[/[]][][", 13, 64, &error));
  g_assert_cmpstr (error->message, ==, "The server's reply is not valid JSON at byte 1: "
                                       "expected a value");
  g_clear_error (&error);
}

static gpointer
parse_in_thread (gpointer data)
{
  GBytes *body = data;
  GPtrArray *pages = g_ptr_array_new_with_free_func ((GDestroyNotify) ap_page_free);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      ApPage *page = ap_parser_parse_page (body, &error);

      g_assert_no_error (error);
      g_ptr_array_add (pages, page);
    }
  return pages;
}

static void
test_threads (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static (valid_page, strlen (valid_page));
  GThread *threads[4];
  GPtrArray *results[G_N_ELEMENTS (threads)];
  const char *department = NULL;

  /* pages are parsed on workers, several at once */
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("parser", parse_in_thread, body);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    results[t] = g_thread_join (threads[t]);

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      for (guint i = 0; i < results[t]->len; i++)
        {
          ApPage *page = g_ptr_array_index (results[t], i);
          ApUser *anna = page_user (page, 0);

          g_assert_cmpuint (page->users->len, ==, 2);
          g_assert_cmpuint (ap_user_get_n_records (anna), ==, 2);
          /* interning is shared across threads too */
          if (department == NULL)
            department = ap_user_get_department (anna);
          g_assert_true (ap_user_get_department (anna) == department);
        }
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_ptr_array_unref (results[t]);
}

/* Every public entry point accepts error == NULL on every failure path;
 * a wrong-typed member under a failing status once crashed
 * ap_parser_parse_page() at g_error_matches (*error, …). */
static void
test_null_error (void)
{
  static const struct {
    const char *json;
    gboolean    meta_ok;   /* what ap_parser_scan_meta() makes of it */
  } bad[] = {
    /* wrong type and a failing status: the page falls back to the meta scan */
    { "{\"meta\":{\"status\":500},\"data\":[{\"numCorrect\":\"7\"}],\"fail\":[]}", FALSE },
    { "{\"meta\":{\"status\":200},\"data\":[{\"numCorrect\":\"7\"}],\"fail\":[]}", TRUE },
    { "{\"meta\":{\"status\":200},\"data\":[{\"numCorrect\":\"7\"}],"
      "\"fail\":[{\"errors\":[{\"code\":\"err\",\"message\":\"no\"}]}]}", FALSE },
    { "{\"meta\":{\"status\":401},\"data\":[],\"fail\":[]}", FALSE },
    { "{\"meta\":{\"status\":\"x\"},\"data\":[],\"fail\":[]}", FALSE },
    { "{\"data\":[,]}", FALSE },
    { "", FALSE },
    { "{", FALSE },
  };
  gsize size = AP_PARSER_MAX_BODY_SIZE + 1;
  char *data;
  g_autoptr(GBytes) huge = NULL;
  gint64 unix_time = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (bad[i].json, strlen (bad[i].json));
      g_autofree char *token = NULL;
      gint64 total = 0;

      g_test_message ("%s", bad[i].json);
      g_assert_null (ap_parser_parse_page (body, NULL));
      g_assert_cmpint (ap_parser_scan_meta (body, &token, &total, NULL), ==, bad[i].meta_ok);
      g_assert_cmpint (ap_parser_scan_meta (body, NULL, NULL, NULL), ==, bad[i].meta_ok);
    }

  g_assert_false (ap_json_check ("[[[[[[[[[]]]]]]]]]", 18, 4, NULL));
  g_assert_false (ap_parser_parse_time ("yesterday", 9, &unix_time));

  data = g_malloc (size);
  memset (data, ' ', size);
  memcpy (data, "{\"data\":[]}", 11);
  huge = g_bytes_new_take (data, size);
  g_assert_null (ap_parser_parse_page (huge, NULL));
  g_assert_false (ap_parser_scan_meta (huge, NULL, NULL, NULL));
  g_assert_false (ap_json_check (data, size, 64, NULL));
}

/* Bytes alone do not bound a page: "{}" users are cheap to send and not to
 * hold. One user over the margin is refused, with a message that says so. */
static void
test_users_per_page (void)
{
  GString *json = g_string_new ("{\"meta\":{\"status\":200},\"fail\":[],\"data\":[");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ApPage) page = NULL;

  for (guint i = 0; i < AP_PARSER_MAX_USERS_PER_PAGE; i++)
    g_string_append (json, i > 0 ? ",{}" : "{}");
  g_string_append (json, "]}");

  page = parse_ok (json->str);
  g_assert_cmpuint (page->users->len, ==, AP_PARSER_MAX_USERS_PER_PAGE);
  g_clear_pointer (&page, ap_page_free);

  g_string_truncate (json, json->len - 2);
  g_string_append (json, ",{}]}");
  body = g_string_free_to_bytes (json);
  page = ap_parser_parse_page (body, &error);
  g_assert_null (page);
  g_assert_error (error, AP_ERROR, AP_ERROR_RESPONSE_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "The server sent more than 1000 users in one page, though "
                                       "Mimecast sends at most 500; the app stopped reading it. "
                                       "Check the base URL.");
  g_assert_null (ap_parser_parse_page (body, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ap/parser/valid-page", test_valid_page);
  g_test_add_func ("/ap/parser/missing-optional", test_missing_optional);
  g_test_add_func ("/ap/parser/unicode", test_unicode);
  g_test_add_func ("/ap/parser/duplicate-members", test_duplicate_members);
  g_test_add_func ("/ap/parser/value-errors", test_value_errors);
  g_test_add_func ("/ap/parser/syntax-errors", test_syntax_errors);
  g_test_add_func ("/ap/parser/empty-and-cut", test_empty_and_cut);
  g_test_add_func ("/ap/parser/fail", test_fail);
  g_test_add_func ("/ap/parser/deep-nesting", test_deep_nesting);
  g_test_add_func ("/ap/parser/too-large", test_too_large);
  g_test_add_func ("/ap/parser/truncation", test_truncation);
  g_test_add_func ("/ap/parser/mutations", test_mutations);
  g_test_add_func ("/ap/parser/scan-meta", test_scan_meta);
  g_test_add_func ("/ap/parser/times", test_times);
  g_test_add_func ("/ap/parser/json-check", test_json_check);
  g_test_add_func ("/ap/parser/threads", test_threads);
  g_test_add_func ("/ap/parser/null-error", test_null_error);
  g_test_add_func ("/ap/parser/users-per-page", test_users_per_page);

  return g_test_run ();
}
