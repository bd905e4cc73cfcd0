#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The baseline the benchmark compares against: a plain Python client written
the way the reference page's sample is (requests + json + csv, HMAC-SHA1
signing), paging through get-performance-details and writing the same CSV
with details as `awareness-performance --export --details`."""

import base64
import csv
import datetime
import hashlib
import hmac
import json
import os
import sys
import uuid

import requests

URI = "/api/awareness-training/company/get-performance-details"
COLUMNS = ["name", "email", "department", "numCorrect", "numIncorrect", "numNotWatched",
           "title", "category", "status", "ack", "timeSent", "timeViewed"]


def headers():
    request_id = str(uuid.uuid4())
    date = datetime.datetime.utcnow().strftime("%a, %d %b %Y %H:%M:%S") + " UTC"
    data_to_sign = ":".join([date, request_id, URI, os.environ["MIMECAST_APP_KEY"]])
    digest = hmac.new(base64.b64decode(os.environ["MIMECAST_SECRET_KEY"]),
                      data_to_sign.encode(), digestmod=hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode()
    return {
        "Authorization": "MC " + os.environ["MIMECAST_ACCESS_KEY"] + ":" + signature,
        "x-mc-app-id": os.environ["MIMECAST_APP_ID"],
        "x-mc-date": date,
        "x-mc-req-id": request_id,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def main():
    url = os.environ["MIMECAST_BASE_URL"] + URI
    session = requests.Session()
    token = None
    users = 0
    with open(sys.argv[1], "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        while True:
            pagination = {"pageSize": 500}
            if token:
                pagination["pageToken"] = token
            body = {"meta": {"pagination": pagination},
                    "data": [{"includeUserDetails": True}]}
            reply = session.post(url, headers=headers(), data=json.dumps(body))
            reply.raise_for_status()
            page = json.loads(reply.content)
            if page.get("fail"):
                raise SystemExit("fail: %r" % page["fail"])
            for user in page["data"]:
                base = [user.get("name", ""), user.get("email", ""), user.get("department", ""),
                        user.get("numCorrect", 0), user.get("numIncorrect", 0),
                        user.get("numNotWatched", 0)]
                records = user.get("userDetails") or []
                if not records:
                    writer.writerow(base + [""] * 6)
                for record in records:
                    writer.writerow(base + [record.get("title", ""), record.get("category", ""),
                                            record.get("status", ""),
                                            "true" if record.get("ack") else "false",
                                            record.get("timeSent", ""),
                                            record.get("timeViewed", "")])
                users += 1
            token = page.get("meta", {}).get("pagination", {}).get("next")
            if not token:
                break
    print(users, file=sys.stderr)


if __name__ == "__main__":
    main()
