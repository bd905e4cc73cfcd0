#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# desktop-file-validate exits non-zero on errors only; warnings fail too.
# Hints (suggestions of extra categories) are allowed.
set -u
validate="$1"
desktop="$2"

output=$("$validate" "$desktop" 2>&1)
rc=$?
printf '%s\n' "$output"
[ "$rc" -eq 0 ] || exit 1
if printf '%s\n' "$output" | grep -E ': (error|warning): ' >/dev/null; then
  exit 1
fi
# The translated file must still name the app and its icon.
grep -q '^Name=Awareness Performance$' "$desktop" || { echo "no Name" >&2; exit 1; }
grep -q '^Exec=awareness-performance$' "$desktop" || { echo "no Exec" >&2; exit 1; }
grep -q "^Icon=$(basename "$desktop" .desktop)\$" "$desktop" ||
  { echo "Icon is not the application ID" >&2; exit 1; }
exit 0
