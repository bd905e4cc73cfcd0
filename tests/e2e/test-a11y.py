#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End-to-end test through the accessibility tree: starts the real
# `awareness-performance --demo`, and drives and reads it only through
# AT-SPI (dogtail), as a screen reader user would meet it: wait for the
# users, search, select a user, read their training records, open the
# credentials dialog, quit.
#
# Runs inside `build-aux/dev test` (Xvfb + private D-Bus session). Needs
# Debian's python3-dogtail, so it must be started with /usr/bin/python3.
# Every wait polls against a deadline; nothing sleeps for a fixed long time.

import os
import re
import signal
import subprocess
import sys
import time

APP_NAME = "awareness-performance"   # g_get_prgname (): what AT-SPI calls the app
SEARCH = "Amara"                     # a first name the seeded demo data holds
LONG_SEARCH = "van der Berg"         # a family name that makes the longest names

app_proc = None
START = time.monotonic()


class Failure(Exception):
    pass


def log(message):
    print(f"# {time.monotonic() - START:6.1f} s  {message}", flush=True)


def fail(message):
    raise Failure(message)


def wait_for(what, probe, timeout=20.0, interval=0.1):
    """Polls probe() until it returns something truthy, or fails saying what."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Exception as error:  # the tree changes under us while we read it
            last_error = error
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            fail(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


def enable_toolkit_accessibility():
    # dogtail refuses to run unless org.gnome.desktop.interface
    # toolkit-accessibility is true. The suite's memory backend would forget
    # it at once, so this process writes it to a real keyfile in the
    # temporary HOME. (GTK 4 itself talks to AT-SPI whenever the a11y bus
    # exists; the key is for dogtail and for GTK 3 helpers.)
    os.environ["GSETTINGS_BACKEND"] = "keyfile"
    from gi.repository import Gio

    source = Gio.SettingsSchemaSource.get_default()
    if source is None or source.lookup("org.gnome.desktop.interface", True) is None:
        fail("the org.gnome.desktop.interface schema is missing; install gsettings-desktop-schemas")
    settings = Gio.Settings.new("org.gnome.desktop.interface")
    settings.set_boolean("toolkit-accessibility", True)
    Gio.Settings.sync()
    if not settings.get_boolean("toolkit-accessibility"):
        fail("could not turn on org.gnome.desktop.interface toolkit-accessibility")


def ensure_atspi_bus():
    # at-spi-bus-launcher is D-Bus activated (org.a11y.Bus) on the session
    # bus that dbus-run-session provides; asking for the address starts it.
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        fail("no D-Bus session bus; run this test inside dbus-run-session (build-aux/dev test)")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        fail("no display; run this test under xvfb-run (build-aux/dev test)")
    from gi.repository import Gio, GLib

    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    try:
        reply = bus.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress",
                              None, GLib.VariantType.new("(s)"),
                              Gio.DBusCallFlags.NONE, 10000, None)
    except GLib.Error as error:
        fail(f"the AT-SPI bus (org.a11y.Bus) did not start: {error.message}; "
             "install at-spi2-core")
    address = reply.unpack()[0]
    if not address:
        fail("the AT-SPI bus launcher gave no address")
    log(f"AT-SPI bus at {address.split(',')[0]}")


def launch_app():
    global app_proc
    build_root = os.environ.get("AP_BUILD_ROOT")
    if not build_root:
        fail("AP_BUILD_ROOT is not set; run through meson test")
    binary = os.path.join(build_root, "src", "awareness-performance")
    if not os.access(binary, os.X_OK):
        fail(f"{binary} is not built")

    env = dict(os.environ)
    for name in ("NO_AT_BRIDGE", "GTK_A11Y"):
        env.pop(name, None)
    env["GSETTINGS_BACKEND"] = "memory"
    env["GSETTINGS_SCHEMA_DIR"] = os.path.join(build_root, "data")
    # A stray instance on this bus would take our --demo and exit at once.
    app_proc = subprocess.Popen([binary, "--demo"], env=env)
    log(f"started {binary} --demo (pid {app_proc.pid})")


def stop_app():
    global app_proc
    if app_proc is None or app_proc.poll() is not None:
        return
    app_proc.terminate()
    try:
        app_proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        app_proc.kill()
        app_proc.wait(timeout=5)


def main():
    enable_toolkit_accessibility()
    ensure_atspi_bus()

    from dogtail import config
    config.logDebugToFile = False
    config.logDebugToStdOut = False
    config.searchCutoffCount = 1
    config.searchBackoffDuration = 0.1
    config.defaultDelay = 0.1
    config.actionDelay = 0.1
    config.typingDelay = 0.02
    from dogtail import rawinput, tree

    launch_app()

    def walk(node, match, first):
        """Descendants of node that match, depth first. Table rows are matched
        but never entered: their cells are read through row.children. Every
        node read is a D-Bus round trip, and GTK 4.8 exposes every row of
        every page, so searches that entered the rows would walk thousands of
        nodes on each poll."""
        found = []
        try:
            stack = list(reversed(node.children))
        except Exception:
            return found
        while stack:
            n = stack.pop()
            try:
                if n is None:
                    continue
                if match(n):
                    found.append(n)
                    if first:
                        return found
                if n.roleName == "table row":
                    continue
                stack.extend(reversed(n.children))
            except Exception:  # the tree changes under us while we read it
                continue
        return found

    def matcher(role, name=None, pattern=None):
        roles = (role,) if isinstance(role, str) else role

        def match(n):
            if n.roleName not in roles:
                return False
            if name is not None:
                return n.name == name
            if pattern is not None:
                return re.search(pattern, n.name or "") is not None
            return True
        return match

    def find(node, role, name=None, pattern=None):
        """The first descendant with that role (or one of those roles) and name (or name
        matching pattern)."""
        found = walk(node, matcher(role, name, pattern), True)
        return found[0] if found else None

    def find_all(node, role, pattern=None):
        return walk(node, matcher(role, None, pattern), False)

    def find_table(node, name):
        """A column view: “tree table” on GTK 4.8 and 4.18; “table” kept for later GTKs."""
        return find(node, ("tree table", "table"), name)

    # A push button is “push button” on GTK 4.8 and “button” on 4.18.
    CONTROL_ROLES = ("push button", "button", "toggle button", "check box", "combo box", "radio button",
                     "text", "password text", "entry", "menu button", "spin button", "slider")
    CLASS_NAME = re.compile(r"^(Gtk|Adw|Ap)[A-Z][A-Za-z]*$")

    def check_names(root, where, expected):
        """Every control, in one walk of the tree: none unnamed, doubled,
        with a mnemonic underscore, or named after its class; and each
        control a person looks for is found by its name."""
        def is_control(n):
            try:
                return n.roleName in CONTROL_ROLES
            except Exception:
                return False
        names = {}
        # walk (), not findChildren (): it skips the rows and survives nodes
        # that vanish while it reads.
        for node in walk(root, is_control, False):
            try:
                role, name = node.roleName, node.name or ""
            except Exception:
                continue
            words = name.split(" ")
            half = len(words) // 2
            if not name.strip():
                fail(f"a {role} in {where} has no accessible name")
            if CLASS_NAME.match(name):
                fail(f"a {role} in {where} is named after its class: “{name}”")
            if re.search(r"(^|\s)_\w|\w_\w", name):
                fail(f"a {role} in {where} shows a mnemonic underscore: “{name}”")
            if len(words) % 2 == 0 and half > 0 and words[:half] == words[half:]:
                fail(f"a {role} in {where} has a doubled name: “{name}”")
            names.setdefault(name, []).append(role)
        missing = [name for name in expected if name not in names]
        if missing:
            fail(f"{where} has no control named {', '.join(missing)}; it has {sorted(names)}")
        log(f"{sum(len(r) for r in names.values())} controls in {where}, each with one "
            f"proper name; found by name: {', '.join(expected)}")

    def app_probe():
        if app_proc.poll() is not None:
            fail(f"the app exited early with status {app_proc.returncode}")
        for child in tree.root.children:
            if child is not None and child.name == APP_NAME:
                return child
        return None

    app = wait_for(f"the application “{APP_NAME}” on the accessibility bus", app_probe, 30)
    frame = wait_for("the main window", lambda: find(app, "frame", "Awareness Performance"))
    log("found the main window")

    # 1. Switch to the Users view: Ctrl+F goes there and focuses “Search
    #    loaded users”. Only the visible page of a stack is in the tree on
    #    GTK 4.18 (GTK 4.8 also exposed hidden pages), so the table is looked
    #    for only once its page is on screen, as a screen reader would meet it.
    rawinput.keyCombo("<Control>f")
    search = wait_for("the focused “Search loaded users” entry",
                      lambda: (lambda e: e if e is not None and e.focused else None)(
                          find(frame, "entry", "Search loaded users")), 10)

    # 2. Demo data arrive: the users table fills and the status line counts them.
    users_table = wait_for("the “Users” table", lambda: find_table(frame, "Users"))

    def status_probe():
        label = find(frame, "label", pattern=r"^Showing \d+ of \d+ user")
        if label is None:
            return None
        m = re.match(r"^Showing (\d+) of (\d+) user", label.name)
        shown, total = int(m.group(1)), int(m.group(2))
        return (label, shown, total) if total > 0 else None

    def name_cells(limit=None):
        # Data rows only: the header row holds column headers, not cells.
        names = []
        for row in find_all(users_table, "table row"):
            cells = [c for c in row.children if c.roleName == "table cell"]
            if len(cells) >= 2 and cells[0].childCount > 0:
                names.append((row, cells[0].children[0].name, cells[1].children[0].name))
                if limit is not None and len(names) >= limit:
                    break
        return names

    wait_for("rows in the “Users” table", lambda: len(name_cells(limit=1)) > 0, 30)
    _, shown_all, total = wait_for("the “Showing N of M users” status line", status_probe, 30)
    if shown_all != total:
        fail(f"before any search the status says {shown_all} of {total} users are shown")
    log(f"users table filled: {len(find_all(users_table, 'table row')) - 1} rows on screen, "
        f"{total} users loaded")

    # 3. Search.
    rawinput.typeText(SEARCH)
    # GTK 4.8 exposes no text contents for the entry, so the typed search is
    # checked by its effect on the table and the status line.

    def narrowed_probe():
        status = status_probe()
        if status is None or status[1] >= total or status[1] == 0:
            return None
        rows = name_cells()
        if not rows or not all(SEARCH.lower() in (n + e).lower() for _, n, e in rows):
            return None
        return status[1], rows

    shown, rows = wait_for(f"the rows to narrow to users matching “{SEARCH}”", narrowed_probe)
    log(f"search “{SEARCH}” narrowed {total} users to {shown}; {len(rows)} rows on screen, "
        "all matching")

    # 4. Select the first matching user with a click on its row (GTK 4.8
    #    offers no AT-SPI selection on list views); the detail pane then
    #    shows that user and their records.
    row, user_name, user_email = rows[0]

    def detail_probe():
        # GTK 4.8 does not set the showing state on column views, so the
        # table's presence plus the user's labels in the detail pane decide.
        records = find_table(frame, "Training records")
        if records is None:
            return None
        # The detail pane (outside the tables' rows) carries the name and email.
        if find(frame, "label", user_name) is None or find(frame, "label", user_email) is None:
            return None
        return records

    cell = [c for c in row.children if c.roleName == "table cell"][0]
    x, y = cell.position
    w, h = cell.size
    if w <= 0 or h <= 0:
        fail(f"the row of {user_name} has no on-screen extents to click")
    rawinput.click(x + w // 2, y + h // 2)
    records = wait_for(f"the detail pane of {user_name}", detail_probe, 15)

    def record_rows_probe():
        rows = [r for r in find_all(records, "table row")
                if any(c.roleName == "table cell" for c in r.children)]
        if rows:
            return rows
        # A user without training shows a placeholder instead of rows.
        if find(frame, "label", "No Training Records") is not None and \
           find(frame, "label", "No Training Records").showing:
            fail(f"{user_name} has no training records in the demo data; pick another search")
        return None

    record_rows = wait_for(f"the training records of {user_name}", record_rows_probe, 15)
    first = [c for c in record_rows[0].children if c.roleName == "table cell"]
    titles = [c.children[0].name for c in first if c.childCount > 0]
    if not titles or not titles[0]:
        fail("the first training record has no title")
    log(f"selected {user_name} <{user_email}>: {len(record_rows)} training records, "
        f"first “{titles[0]}”")

    # 4b. A long name in the two-pane view: search for one, select the
    #     longest, read its records; the list must stay beside the detail
    #     (a long label must never fold the panes).
    rawinput.keyCombo("<Control>f")
    wait_for("the focused “Search loaded users” entry",
             lambda: (lambda e: e if e is not None and e.focused else None)(
                 find(frame, "entry", "Search loaded users")), 10)
    rawinput.keyCombo("<Control>a")
    rawinput.typeText(LONG_SEARCH)

    def long_rows_probe():
        rows = name_cells()
        if not rows or not all(LONG_SEARCH.lower() in n.lower() for _, n, _ in rows):
            return None
        return rows

    long_rows = wait_for(f"the rows to narrow to “{LONG_SEARCH}”", long_rows_probe)
    row, long_name, long_email = max(long_rows, key=lambda r: len(r[1]))
    cell = [c for c in row.children if c.roleName == "table cell"][0]
    x, y = cell.position
    w, h = cell.size
    rawinput.click(x + w // 2, y + h // 2)
    user_name, user_email = long_name, long_email
    records = wait_for(f"the detail pane of {long_name}", detail_probe, 15)
    long_records = wait_for(f"the training records of {long_name}", record_rows_probe, 15)
    # GTK 4.8 sets no showing state on column views: the extents decide.
    (lx, _), (lw, _) = users_table.position, users_table.size
    (rx, _), (rw, _) = records.position, records.size
    if lw <= 0 or rw <= 0 or lx + lw > rx:
        fail(f"selecting {long_name} folded the two panes: list at {lx}+{lw}, "
             f"records at {rx}+{rw}")
    log(f"selected the long name “{long_name}” ({len(long_name)} characters): "
        f"{len(long_records)} training records beside the list")

    # Every control has one proper name: the text on screen, once, without
    # a mnemonic underscore, never a GTK class name.
    check_names(frame, "the main window",
                ["Refresh", "Export a Report", "Main Menu", "Search by", "Search text",
                 "Videos watched", "Include training details", "Search loaded users",
                 "Department"])

    # 5. The credentials dialog (Ctrl+comma, as the menu item “Credentials…”).
    rawinput.keyCombo("<Control>comma")
    dialog = wait_for("the “Mimecast Credentials” dialog",
                      lambda: find(app, "dialog", "Mimecast Credentials")
                      or find(app, "frame", "Mimecast Credentials"), 10)
    # Only the group of the chosen API version is on screen: the demo signs
    # with API 1.0, a fresh dialog may show API 2.0.
    api1 = ["Access Key", "Secret Key", "Application ID", "Application Key"]
    api2 = ["Client ID", "Client Secret"]

    def field_names():
        return {t.name for t in find_all(dialog, "text") + find_all(dialog, "password text")
                + find_all(dialog, "entry")}

    def fields_probe():
        names = field_names()
        for group in (api1, api2):
            if all(name in names for name in group):
                return group
        return None

    try:
        group = wait_for("the credential fields", fields_probe, 10)
    except Failure:
        fail(f"the credentials dialog lacks its fields; it exposes {sorted(field_names())}")
    check_names(dialog, "the credentials dialog",
                ["Save", "Cancel", "Test Connection", "API Version"] + group)
    if find(dialog, "combo box", "API Version") is None and \
       find(dialog, "label", "API Version") is None:
        fail("the credentials dialog has no “API Version” choice")
    log(f"credentials dialog shows the fields {', '.join(group)} and the API version choice")

    rawinput.pressKey("Escape")
    wait_for("the credentials dialog to close",
             lambda: find(app, "dialog", "Mimecast Credentials") is None
             and find(app, "frame", "Mimecast Credentials") is None, 10)

    # 6. Quit through the app's own shortcut.
    rawinput.keyCombo("<Control>q")
    try:
        code = app_proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        fail("the app did not quit on Ctrl+Q within 10 s")
    if code != 0:
        fail(f"the app quit with status {code}")
    log("the app quit cleanly")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    status = 0
    try:
        main()
        print("PASS: accessibility end-to-end test")
    except Failure as error:
        print(f"FAIL: {error}", file=sys.stderr, flush=True)
        status = 1
    except Exception as error:
        import traceback
        traceback.print_exc()
        print(f"FAIL: unexpected error: {error}", file=sys.stderr, flush=True)
        status = 1
    finally:
        stop_app()
    sys.exit(status)
