#!/usr/bin/python3
"""server.py: a loopback SMTP server for the tests, on Debian's aiosmtpd.

Listens on 127.0.0.1 (port 0: a free one), writes the port to PORTFILE once
it accepts connections, and stores every message it accepts in DIR as
NNNN.eml (the data as received) with NNNN.env (the envelope, JSON), each
written under a temporary name and renamed.  Faults for the tests:
--reject ADDR answers RCPT TO:<ADDR> with 550, --tempfail N answers the
first N DATA commands with 451.  It stops on SIGTERM or after --lifetime
seconds, so a test that dies cannot leave it running.
"""

import argparse
import asyncio
import json
import os
import signal

from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, directory, reject, tempfail):
        self.dir = directory
        self.reject = set(reject)
        self.tempfail = tempfail
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail > 0:
            self.tempfail -= 1
            return "451 4.3.0 try again later"
        self.n += 1
        base = os.path.join(self.dir, "%04d" % self.n)
        env = {"from": envelope.mail_from, "to": envelope.rcpt_tos}
        for ext, data in (("eml", envelope.original_content),
                          ("env", json.dumps(env).encode())):
            tmp = os.path.join(self.dir, ".tmp.%s" % ext)
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, "%s.%s" % (base, ext))
        return "250 2.0.0 OK queued as %04d" % self.n


def main():
    ap = argparse.ArgumentParser(description="loopback SMTP test server")
    ap.add_argument("-d", dest="dir", required=True)
    ap.add_argument("-p", dest="portfile", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--tempfail", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=120)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    handler = Store(a.dir, a.reject, a.tempfail)
    loop = asyncio.new_event_loop()
    srv = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="smtp.test.invalid"),
        host="127.0.0.1", port=a.port))
    port = srv.sockets[0].getsockname()[1]
    with open(a.portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(a.portfile + ".tmp", a.portfile)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    loop.call_later(a.lifetime, loop.stop)
    loop.run_forever()
    srv.close()


if __name__ == "__main__":
    main()
