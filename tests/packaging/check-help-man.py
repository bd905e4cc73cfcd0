#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that `awareness-performance --help-all` and the manual page agree.

Usage: check-help-man.py BINARY MAN_PAGE

Both must name the same long options, and the same short letter for each.
GApplication's own options (--help-gapplication, --gapplication-service)
are left out: the manual mentions --help-all for them.
"""

import os
import re
import subprocess
import sys

FRAMEWORK = {'help-all', 'help-gapplication', 'gapplication-service'}


def help_options(binary):
    env = dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE='C')
    env.pop('DISPLAY', None)
    env.pop('WAYLAND_DISPLAY', None)
    result = subprocess.run([binary, '--help-all'], capture_output=True, text=True,
                            env=env, timeout=30, check=False)
    if result.returncode != 0:
        raise SystemExit(f'{binary} --help-all exited with {result.returncode}:\n{result.stderr}')
    options = {}
    for line in result.stdout.splitlines():
        # "  -e, --export=FILE   Export…" or "  --demo   Use…"
        match = re.match(r'^\s+(?:-([A-Za-z?]), )?--([a-z][a-z0-9-]*)', line)
        if match:
            options[match.group(2)] = match.group(1)
    return options


def man_options(path):
    with open(path, encoding='utf-8') as page:
        text = page.read()
    section = re.search(r'^\.SH OPTIONS\n(.*?)^\.SH ', text, re.MULTILINE | re.DOTALL)
    if section is None:
        raise SystemExit(f'{path} has no OPTIONS section')
    options = {}
    lines = section.group(1).splitlines()
    for index, line in enumerate(lines):
        # A .TP tag line: ".BR \-e ", " \-\-export=\c" or ".B \-\-demo"
        if index == 0 or lines[index - 1] != '.TP':
            continue
        plain = line.replace('\\-', '-').replace('\\c', '')
        long_match = re.search(r'--([a-z][a-z0-9-]*)', plain)
        if long_match is None:
            continue
        short_match = re.search(r'(?<![-\w])-([A-Za-z?])\b', plain)
        options[long_match.group(1)] = short_match.group(1) if short_match else None
    return options


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, page = sys.argv[1:]
    from_help = {k: v for k, v in help_options(binary).items() if k not in FRAMEWORK}
    from_man = {k: v for k, v in man_options(page).items() if k not in FRAMEWORK}
    problems = []
    for name in sorted(set(from_help) - set(from_man)):
        problems.append(f'--{name} is in --help but not in the manual page')
    for name in sorted(set(from_man) - set(from_help)):
        problems.append(f'--{name} is in the manual page but not in --help')
    for name in sorted(set(from_help) & set(from_man)):
        if from_help[name] != from_man[name]:
            problems.append(f'--{name}: short option -{from_help[name]} in --help, '
                            f'-{from_man[name]} in the manual page')
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print('--help and the manual page agree on: '
          + ' '.join(f'--{name}' for name in sorted(from_help)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
