#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check a Flatpak manifest as flatpak-builder reads it, offline.

Usage: check-flatpak-manifest.py FLATPAK_BUILDER MANIFEST EXPECTED_APP_ID [DEVELOPMENT]

The manifest goes through `flatpak-builder --show-manifest`, so what is
checked is what flatpak-builder would build, not just the JSON text.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

REQUIRED_ARGS = ['--share=network', '--share=ipc', '--socket=wayland',
                 '--socket=fallback-x11', '--device=dri']
COMMAND = 'awareness-performance'

# What each GNOME runtime carries. A runtime not in this table fails the check until a row is
# added for it, so a bump is always compared with what the code needs.
RUNTIMES = {
    # version: (GTK, libadwaita)
    '45': ((4, 12), (1, 4)),
    '46': ((4, 14), (1, 5)),
    '47': ((4, 16), (1, 6)),
    '48': ((4, 18), (1, 7)),
    '49': ((4, 20), (1, 8)),
    '50': ((4, 22), (1, 9)),
}
# GNOME runtimes get about a year of support: each reaches end of life soon after the second
# release that follows it (47 did on 2025-10-15), and Flathub then warns every user of an app on
# it. Raise this as runtimes retire.
OLDEST_SUPPORTED_RUNTIME = 50


def code_minimum(meson_build, name):
    """The version the code needs: `dependency('NAME', version: '>= X.Y')` in meson.build."""
    with open(meson_build, encoding='utf-8') as f:
        text = f.read()
    m = re.search(r"dependency\('" + re.escape(name) + r"',\s*version:\s*'>=\s*([0-9.]+)'", text)
    if m is None:
        return None
    return tuple(int(part) for part in m.group(1).split('.')[:2])


def show(version):
    return '.'.join(str(part) for part in version)


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    builder, manifest_path, app_id = sys.argv[1:4]
    development = len(sys.argv) == 5 and sys.argv[4] == 'development'

    # flatpak-builder creates its .flatpak-builder state folder in the
    # current directory even for --show-manifest: keep that out of the tree.
    with tempfile.TemporaryDirectory(prefix='ap-flatpak-') as scratch:
        shown = subprocess.run([builder, '--show-manifest', os.path.abspath(manifest_path)],
                               capture_output=True, text=True, check=False, cwd=scratch)
    if shown.returncode != 0:
        print(f'flatpak-builder cannot read {manifest_path}:\n{shown.stderr}', file=sys.stderr)
        return 1
    manifest = json.loads(shown.stdout)
    problems = []

    found_id = manifest.get('id', manifest.get('app-id'))
    if found_id != app_id:
        problems.append(f'app ID is {found_id!r}, expected {app_id!r}')
    if manifest.get('command') != COMMAND:
        problems.append(f'command is {manifest.get("command")!r}, expected {COMMAND!r}')
    if manifest.get('runtime') != 'org.gnome.Platform':
        problems.append(f'runtime is {manifest.get("runtime")!r}, expected org.gnome.Platform')
    if manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append(f'sdk is {manifest.get("sdk")!r}, expected org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    if not version.isdigit() or int(version) < OLDEST_SUPPORTED_RUNTIME:
        problems.append(f'runtime-version {version!r} is not a supported GNOME runtime '
                        f'({OLDEST_SUPPORTED_RUNTIME} or later)')
    if version not in RUNTIMES:
        problems.append(f'runtime-version {version!r} is not in the table of runtimes in '
                        f'{os.path.basename(__file__)}: add its GTK and libadwaita versions')
    else:
        meson_build = os.path.join(os.path.dirname(os.path.abspath(manifest_path)), '..',
                                   'meson.build')
        for (name, label), shipped in zip((('gtk4', 'GTK'), ('libadwaita-1', 'libadwaita')),
                                          RUNTIMES[version]):
            needed = code_minimum(meson_build, name)
            if needed is None:
                problems.append(f'meson.build names no minimum version for {name}')
            elif shipped < needed:
                problems.append(f'GNOME {version} has {label} {show(shipped)}, '
                                f'the code needs {show(needed)}')
            else:
                print(f'GNOME {version}: {label} {show(shipped)} >= {show(needed)} needed')

    finish_args = manifest.get('finish-args', [])
    for arg in finish_args:
        if arg.startswith('--filesystem'):
            problems.append(f'{arg}: exports go through the file chooser portal, '
                            'no filesystem access is needed')
        if arg.startswith('--talk-name=org.freedesktop.secrets'):
            problems.append(f'{arg}: libsecret uses the Secret portal inside the sandbox')
        if arg == '--device=all':
            problems.append(f'{arg}: only --device=dri is needed')
    for arg in REQUIRED_ARGS:
        if arg not in finish_args:
            problems.append(f'finish-args lacks {arg}')
    for arg in finish_args:
        if arg not in REQUIRED_ARGS:
            problems.append(f'finish-args holds {arg}, which least privilege does not allow')

    modules = [m for m in manifest.get('modules', []) if isinstance(m, dict)]
    app_modules = [m for m in modules if m.get('name') == 'awareness-performance']
    if len(app_modules) != 1:
        problems.append('there must be exactly one module named awareness-performance')
    else:
        module = app_modules[0]
        if module.get('buildsystem') != 'meson':
            problems.append('the awareness-performance module must build with meson')
        sources = module.get('sources', [])
        if not any(s.get('type') == 'dir' and s.get('path') == '..' for s in sources):
            problems.append('the awareness-performance module must build the local checkout '
                            '(a dir source with path "..")')
        opts = module.get('config-opts', [])
        if development and '-Ddevelopment=true' not in opts:
            problems.append('the .Devel manifest must pass -Ddevelopment=true')
        if not development and '-Ddevelopment=true' in opts:
            problems.append('the release manifest must not pass -Ddevelopment=true')

    for problem in problems:
        print(f'{manifest_path}: {problem}', file=sys.stderr)
    if problems:
        return 1
    print(f'{manifest_path}: {found_id}, finish-args {" ".join(finish_args)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
