#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The manual page must format without a single groff or man warning.
set -u
page="$1"

warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z -K utf8 "$page" 2>&1)
if [ -n "$warnings" ]; then
  printf 'groff:\n%s\n' "$warnings" >&2
  exit 1
fi
if command -v man >/dev/null 2>&1; then
  # man(1) adds its own checks (e.g. lines too long to fit); stdout is the
  # formatted page, stderr the warnings.
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    printf 'man:\n%s\n' "$warnings" >&2
    exit 1
  fi
fi
for section in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT 'EXIT STATUS' FILES EXAMPLES BUGS; do
  grep -q "^\\.SH \"\\{0,1\\}$section\"\\{0,1\\}\$" "$page" ||
    { echo "the manual page has no $section section" >&2; exit 1; }
done
exit 0
