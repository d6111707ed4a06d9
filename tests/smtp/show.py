#!/usr/bin/python3
"""show.py: print the messages server.py stored in DIR, decoded, for tests.

Each message: its envelope, its headers that matter, then every MIME part
with its type, disposition and decoded content (line ends as LF), so that
a test compares what a mail reader would show, not the boundaries.
"""

import email
import email.policy
import json
import os
import sys

HEADERS = ("Date", "From", "To", "Subject", "Message-ID", "Mime-Version")


def main():
    d = sys.argv[1]
    for name in sorted(f for f in os.listdir(d) if f.endswith(".eml")):
        base = name[:-4]
        with open(os.path.join(d, base + ".env")) as f:
            env = json.load(f)
        with open(os.path.join(d, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.SMTP)
        print("== %s" % base)
        print("MAIL FROM: %s" % env["from"])
        for r in env["to"]:
            print("RCPT TO: %s" % r)
        for h in HEADERS:
            print("%s: %s" % (h, msg.get(h)))
        for part in msg.walk():
            disp = part.get_content_disposition() or ""
            fn = part.get_filename() or ""
            print(" ".join(w for w in ("--", part.get_content_type(), disp,
                                       fn) if w))
            if part.is_multipart():
                continue
            body = part.get_payload(decode=True).decode("utf-8")
            body = body.replace("\r\n", "\n")
            sys.stdout.write(body if body.endswith("\n") else body + "\n")


if __name__ == "__main__":
    main()
