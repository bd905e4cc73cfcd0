#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the translations in po/.

Usage: check-po.py SOURCE_ROOT [--against-sources]

Every po/*.po must pass `msgfmt --check` with no untranslated and no fuzzy
message, declare its plural forms, and be named in po/LINGUAS (and every
LINGUAS entry must have its .po). With --against-sources the strings are
extracted afresh from the files in po/POTFILES.in (with the keywords of
meson's glib preset) and merged into each .po without fuzzy matching: any
string added to the sources and not yet translated fails the check.
"""

import pathlib
import re
import subprocess
import sys
import tempfile

# The keywords of meson's i18n.gettext(preset: 'glib').
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
]
PLURAL_FORMS = {
    'de': 'nplurals=2; plural=(n != 1);',
}
STATS = re.compile(r'(\d+) (translated|fuzzy|untranslated)')


def statistics(po_path):
    result = subprocess.run(['msgfmt', '--check', '--statistics', '-o', '/dev/null',
                             str(po_path)], capture_output=True, text=True, check=False)
    counts = {'translated': 0, 'fuzzy': 0, 'untranslated': 0}
    for number, kind in STATS.findall(result.stderr):
        counts[kind] = int(number)
    return result, counts


def check_file(po_path, label, problems):
    result, counts = statistics(po_path)
    if result.returncode != 0:
        problems.append(f'{label}: msgfmt --check failed:\n{result.stderr}')
        return
    if counts['translated'] == 0:
        problems.append(f'{label}: no translated message')
    if counts['fuzzy']:
        problems.append(f'{label}: {counts["fuzzy"]} fuzzy message(s)')
    if counts['untranslated']:
        problems.append(f'{label}: {counts["untranslated"]} untranslated message(s)')
    print(f'{label}: {result.stderr.strip()}')


def untranslated_ids(po_path):
    """The msgids msgattrib finds untranslated or fuzzy, for the failure message."""
    result = subprocess.run(['msgattrib', '--untranslated', '--no-wrap', '--no-location',
                             str(po_path)], capture_output=True, text=True, check=False)
    return [line[len('msgid '):] for line in result.stdout.splitlines()
            if line.startswith('msgid ') and line != 'msgid ""']


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1]).resolve()
    against_sources = len(sys.argv) == 3 and sys.argv[2] == '--against-sources'
    po_dir = root / 'po'
    problems = []

    linguas = set()
    for line in (po_dir / 'LINGUAS').read_text(encoding='utf-8').splitlines():
        linguas.update(word for word in line.split('#')[0].split())
    po_files = sorted(po_dir.glob('*.po'))
    languages = {path.stem for path in po_files}
    for lang in sorted(linguas - languages):
        problems.append(f'po/LINGUAS names {lang}, but po/{lang}.po does not exist')
    for lang in sorted(languages - linguas):
        problems.append(f'po/{lang}.po exists, but po/LINGUAS does not name {lang}')

    for po_path in po_files:
        header = po_path.read_text(encoding='utf-8')
        expected = PLURAL_FORMS.get(po_path.stem)
        plural = re.search(r'"Plural-Forms: *([^\\"]*)', header)
        if plural is None:
            problems.append(f'po/{po_path.name}: no Plural-Forms header')
        elif expected and plural.group(1).strip() != expected:
            problems.append(f'po/{po_path.name}: Plural-Forms is {plural.group(1)!r}, '
                            f'expected {expected!r}')
        check_file(po_path, f'po/{po_path.name}', problems)

    if against_sources:
        with tempfile.TemporaryDirectory(prefix='ap-po-') as tmp:
            pot = pathlib.Path(tmp) / 'current.pot'
            extracted = subprocess.run(
                ['xgettext', *XGETTEXT_ARGS, '--directory', str(root),
                 '--files-from', str(po_dir / 'POTFILES.in'), '--output', str(pot)],
                capture_output=True, text=True, check=False)
            if extracted.returncode != 0:
                problems.append(f'xgettext failed:\n{extracted.stderr}')
            else:
                for po_path in po_files:
                    merged = pathlib.Path(tmp) / po_path.name
                    subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching',
                                    '--output-file', str(merged), str(po_path), str(pot)],
                                   check=True)
                    before = len(problems)
                    check_file(merged, f'po/{po_path.name} against the current sources',
                               problems)
                    if len(problems) > before:
                        missing = untranslated_ids(merged)
                        problems.append('not translated yet (run `meson compile -C BUILDDIR '
                                        'awareness-performance-update-po` and translate):\n  '
                                        + '\n  '.join(missing[:40])
                                        + ('\n  …' if len(missing) > 40 else ''))

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
