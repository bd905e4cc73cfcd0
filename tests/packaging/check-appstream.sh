#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Validate the built (translated) metainfo offline, pedantic. Any error,
# warning or info line fails the test; so does any pedantic hint but one:
#  - cid-contains-uppercase-letter: the application ID is fixed (settings,
#    keyring items and the Flatpak are keyed by it) and has upper-case
#    letters, like most GNOME app IDs. It is a pedantic hint, not a warning.
# The metainfo names its developer in AppStream 1.0's <developer id><name>
# block only (1.0 deprecates <developer_name>). AppStream before 1.0, such as
# Debian 12's 0.16, does not know that element yet and says so as an info,
# "unknown-tag developer"; that info is allowed there and nowhere else.
set -u
appstreamcli="$1"
metainfo="$2"

version=$("$appstreamcli" --version 2>/dev/null | sed -n 's/^AppStream version: *//p')
major=${version%%.*}
case "$major" in
  ''|*[!0-9]*) echo "cannot tell appstreamcli's version from: $("$appstreamcli" --version 2>&1)" >&2
               exit 1 ;;
esac
echo "AppStream $version"

output=$("$appstreamcli" validate --no-net --pedantic --explain "$metainfo" 2>&1)
rc=$?
printf '%s\n' "$output"

unexpected=$(printf '%s\n' "$output" | grep -E '^[EWIP]: ' |
  grep -v -E '^P: [^ ]+: cid-contains-uppercase-letter$')
if [ "$major" -lt 1 ]; then
  unexpected=$(printf '%s\n' "$unexpected" | grep -v -E '^I: [^ ]+: unknown-tag developer$')
fi
if [ "$rc" -ne 0 ]; then
  echo "appstreamcli validate failed with exit status $rc" >&2
  exit 1
fi
if [ -n "$unexpected" ]; then
  echo "appstreamcli validate reported:" >&2
  printf '%s\n' "$unexpected" >&2
  exit 1
fi
exit 0
