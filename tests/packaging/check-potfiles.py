#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in names every file with translatable strings.

Fails when a C file under src/ calls a gettext macro, or a .ui file marks a
property translatable="yes", and POTFILES.in does not list it; when
POTFILES.in lists a file that does not exist; and when it is not sorted.
Also checks the data files whose strings go through po/.

Usage: check-potfiles.py SOURCE_ROOT
"""

import pathlib
import re
import sys

# _("…"), N_("…"), C_("ctx", "…"), NC_(…), ngettext (…), g_dngettext (…),
# g_dpgettext2 (…) and friends: the keywords meson's glib preset extracts.
C_KEYWORDS = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext|g_dgettext|g_dcgettext|g_dngettext'
    r'|g_dpgettext|g_dpgettext2)\s*\(\s*(?:"|[A-Za-z_])')
UI_TRANSLATABLE = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']', re.IGNORECASE)

# Data files that carry strings translated through po/.
DATA_PATTERNS = ('*.desktop.in', '*.metainfo.xml.in', '*.gschema.xml')


def strip_c_comments_and_strings(text):
    """Drop comments so a commented-out _() does not count, keep the code."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.DOTALL)
    return re.sub(r'//[^\n]*', ' ', text)


def needs_translation(path):
    text = path.read_text(encoding='utf-8', errors='replace')
    if path.suffix in ('.c', '.h'):
        return C_KEYWORDS.search(strip_c_comments_and_strings(text)) is not None
    if path.suffix == '.ui':
        return UI_TRANSLATABLE.search(text) is not None
    return True


def wanted_files(root):
    wanted = set()
    for pattern in ('*.c', '*.h', '*.ui'):
        for path in (root / 'src').rglob(pattern):
            if needs_translation(path):
                wanted.add(path.relative_to(root).as_posix())
    for pattern in DATA_PATTERNS:
        for path in (root / 'data').glob(pattern):
            wanted.add(path.relative_to(root).as_posix())
    return wanted


def listed_files(root):
    lines = (root / 'po' / 'POTFILES.in').read_text(encoding='utf-8').splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith('#')]


def skipped_files(root):
    skip = root / 'po' / 'POTFILES.skip'
    if not skip.exists():
        return set()
    return {line.strip() for line in skip.read_text(encoding='utf-8').splitlines()
            if line.strip() and not line.lstrip().startswith('#')}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1]).resolve()
    listed = listed_files(root)
    wanted = wanted_files(root)
    skipped = skipped_files(root)
    problems = []

    for name in sorted(wanted - set(listed) - skipped):
        problems.append(f'{name} has translatable strings but is not in po/POTFILES.in')
    for name in listed:
        if not (root / name).is_file():
            problems.append(f'po/POTFILES.in lists {name}, which does not exist')
    duplicates = sorted({name for name in listed if listed.count(name) > 1})
    for name in duplicates:
        problems.append(f'po/POTFILES.in lists {name} more than once')
    if listed != sorted(listed):
        problems.append('po/POTFILES.in is not sorted; expected order:\n  '
                        + '\n  '.join(sorted(set(listed))))

    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f'{len(problems)} problem(s) in po/POTFILES.in', file=sys.stderr)
        return 1
    print(f'po/POTFILES.in lists all {len(listed)} files with translatable strings')
    return 0


if __name__ == '__main__':
    sys.exit(main())
