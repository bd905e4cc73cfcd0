#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Times Python's json.loads on the pages bench-parser wrote with --dump DIR.

This is what a Python requests + json client does with every reply
(r.json() is json.loads on the body), so it is the figure the app's parser
must beat. A second figure adds a walk that converts the dates, as a
client that used the data would.
"""

import datetime
import pathlib
import sys
import time


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-python.py DIR (the --dump DIR of bench-parser)")
    import json

    pages = [p.read_bytes() for p in sorted(pathlib.Path(sys.argv[1]).glob("page-*.json"))]
    if not pages:
        sys.exit("no page-*.json in " + sys.argv[1])
    megabytes = sum(len(p) for p in pages) / 1e6

    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for body in pages:
            json.loads(body)
        best = min(best, time.perf_counter() - start)
    print(f"python json.loads:          {best:.3f} s  {megabytes / best:7.1f} MB/s"
          f"  ({megabytes:.1f} MB in {len(pages)} pages)")

    start = time.perf_counter()
    users = records = 0
    for body in pages:
        for user in json.loads(body)["data"]:
            users += 1
            for detail in user.get("userDetails") or ():
                records += 1
                for key in ("timeSent", "timeViewed"):
                    value = detail.get(key)
                    if value:
                        datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    seconds = time.perf_counter() - start
    print(f"python json.loads + dates:  {seconds:.3f} s  {megabytes / seconds:7.1f} MB/s"
          f"  ({users} users, {records} records)")


if __name__ == "__main__":
    main()
