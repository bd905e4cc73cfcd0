#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Install the build into a staging folder and check the standard layout.

Usage: check-install.py MESON BUILD_ROOT PREFIX APPLICATION_ID BASE_ID

Runs `meson install --no-rebuild --destdir TMP` (the test runs while meson
test holds the build dir, so it must not rebuild) and looks for every file
the freedesktop standards expect.
"""

import os
import pathlib
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    meson, build_root, prefix, app_id, base_id = sys.argv[1:]

    with tempfile.TemporaryDirectory(prefix='ap-install-') as destdir:
        env = dict(os.environ)
        env.pop('DESTDIR', None)
        installed = subprocess.run(
            [meson, 'install', '-C', build_root, '--no-rebuild', '--quiet',
             '--skip-subprojects', '--destdir', destdir],
            capture_output=True, text=True, env=env, check=False)
        if installed.returncode != 0:
            print(installed.stdout, installed.stderr, sep='\n', file=sys.stderr)
            print('meson install failed', file=sys.stderr)
            return 1

        root = pathlib.Path(destdir + prefix)
        expected = [
            'bin/awareness-performance',
            f'share/applications/{app_id}.desktop',
            f'share/metainfo/{app_id}.metainfo.xml',
            f'share/icons/hicolor/scalable/apps/{app_id}.svg',
            f'share/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg',
            f'share/glib-2.0/schemas/{base_id}.gschema.xml',
            'share/locale/de/LC_MESSAGES/awareness-performance.mo',
            'share/man/man1/awareness-performance.1',
        ]
        if app_id != base_id:
            # A development build carries the release icons too.
            expected += [f'share/icons/hicolor/scalable/apps/{base_id}.svg',
                         f'share/icons/hicolor/symbolic/apps/{base_id}-symbolic.svg']
        problems = [f'missing {path}' for path in expected if not (root / path).is_file()]

        binary = root / 'bin/awareness-performance'
        if binary.is_file() and not os.access(binary, os.X_OK):
            problems.append('bin/awareness-performance is not executable')
        # Nothing outside the prefix, and nothing a user should not get.
        for path in pathlib.Path(destdir).rglob('*'):
            if path.is_file() and not str(path).startswith(str(root) + os.sep):
                problems.append(f'installed outside the prefix: {path.relative_to(destdir)}')
            if path.suffix in ('.a', '.h', '.pc'):
                problems.append(f'installed a development file: {path.relative_to(destdir)}')

        listing = sorted(str(p.relative_to(root)) for p in root.rglob('*') if p.is_file())
        print('\n'.join(listing))
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
