#!/usr/bin/env python3
"""emulator.py: a Stripe-compatible payment gateway on loopback, for the wo-charge tests.

It implements the part of the Stripe API that wo-charge uses, with the
semantics that matter for charging exactly once:

  POST /v1/payment_intents   form-encoded; amount, currency, customer,
                             payment_method, confirm=true, off_session=true,
                             expand[]=latest_charge.  Bearer authentication.
  POST /v1/refunds           payment_intent, amount (default: what is left).
  GET  /v1/payment_intents/ID

Idempotency-Key: the first response to a key is stored and replayed
(header Idempotent-Replayed: true) for a later request with the same
parameters; other parameters under a used key get 400 idempotency_error;
a request while another with the same key is still running gets 409
idempotency_key_in_use.  As at Stripe, a request that fails before the
endpoint runs (an injected 429, 409 or 500 here) saves no result.

Payment methods behave like Stripe's test ones: pm_card_chargeDeclined
(402 card_declined, generic_decline), pm_card_chargeDeclinedInsufficientFunds,
pm_card_visa, pm_card_mastercard; any other pm_... succeeds as a visa 4242.

Faults and delays come from the control endpoint (POST /_control with a JSON
object, or --control FILE at start):
  {"faults": ["500", "429", "409", "drop", "drop_after", "slow"], ...}
      one fault per request to /v1/, in order: a status (any number) as an
      error before the endpoint runs; "drop" closes the connection without an answer before
      the endpoint runs, "drop_after" after it ran (the charge is made, the
      answer lost); "slow" waits "slow_s" seconds after the endpoint ran.
  {"delay_before": S, "delay_after": S}  every request waits S seconds
      before the endpoint runs / before the answer is sent.
  {"slow_s": S}
  {"retry_after": S}  the Retry-After header of a 429 (default 0)
GET /_ledger returns {"charges": [...], "refunds": [...], "requests": N,
"executed": N} (requests to /v1/, and payment intent creations run):
every PaymentIntent that moved money, once each; tests read it to check
that every visit was charged exactly once.

Usage: emulator.py --key SECRET --port-file FILE [--control FILE] [--log FILE]
                   [--tls-cert PEM --tls-key PEM] [--lifetime SECONDS]
It listens on 127.0.0.1 on a free port and writes the port to FILE; with
--tls-cert it speaks https.  It exits after --lifetime seconds (900).
"""

import argparse
import hashlib
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.RLock()  # log_message may run while a handler holds it
STATE = {
    "control": {"faults": [], "delay_before": 0.0, "delay_after": 0.0,
                "slow_s": 2.0},
    "keys": {},          # idempotency key -> {"params", "status", "body"}
    "inflight": set(),   # keys whose first request is still running
    "intents": {},       # id -> PaymentIntent
    "charges": [],       # ledger of money moved, in order
    "refunds": [],
    "requests": 0,
    "executed": 0,       # endpoint runs that made or declined a payment
}
ARGS = None

CARDS = {
    "pm_card_visa": ("visa", "4242"),
    "pm_card_mastercard": ("mastercard", "4444"),
}
DECLINES = {
    "pm_card_chargeDeclined": ("generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds":
        ("insufficient_funds", "Your card has insufficient funds."),
}


FAULTS = {
    "409": (409, {"error": {"type": "idempotency_error",
                            "code": "idempotency_key_in_use",
                            "message": "There is currently another "
                            "in-progress request using this "
                            "Stripe-Idempotency-Key."}}),
    "429": (429, {"error": {"type": "rate_limit_error", "code": "rate_limit",
                            "message": "Too many requests hit the API too "
                            "quickly."}}),
}


def newid(prefix, seed):
    """Ids are derived from what created them, so runs are reproducible."""
    return prefix + hashlib.sha256(seed.encode()).hexdigest()[:24]


def error(status, etype, message, code=None, decline_code=None, param=None,
          extra=None):
    err = {"type": etype, "message": message}
    if code:
        err["code"] = code
    if decline_code:
        err["decline_code"] = decline_code
    if param:
        err["param"] = param
    if extra:
        err.update(extra)
    return status, {"error": err}


def create_intent(params, key):
    with LOCK:
        STATE["executed"] += 1
    for p in ("amount", "currency", "customer", "payment_method"):
        if p not in params:
            return error(400, "invalid_request_error",
                         "Missing required param: %s." % p,
                         code="parameter_missing", param=p)
    try:
        amount = int(params["amount"])
    except ValueError:
        return error(400, "invalid_request_error", "Invalid integer: %s"
                     % params["amount"], code="parameter_invalid_integer",
                     param="amount")
    if amount < 1:
        return error(400, "invalid_request_error",
                     "Amount must be at least 1.", code="amount_too_small",
                     param="amount")
    if params.get("confirm") != "true" or params.get("off_session") != "true":
        return error(400, "invalid_request_error",
                     "This emulator only takes confirmed off-session intents.",
                     param="confirm")
    pm = params["payment_method"]
    with LOCK:
        n = len(STATE["intents"])
    pid = newid("pi_", "%s|%d" % (key or "", n))
    chid = newid("ch_", pid)
    pi = {"id": pid, "object": "payment_intent", "amount": amount,
          "amount_received": 0, "currency": params["currency"],
          "customer": params["customer"], "payment_method": pm,
          "confirm": True, "off_session": True, "created": int(time.time()),
          "livemode": False, "latest_charge": None}
    if pm in DECLINES:
        dcode, msg = DECLINES[pm]
        pi["status"] = "requires_payment_method"
        with LOCK:
            STATE["intents"][pid] = pi
        return error(402, "card_error", msg, code="card_declined",
                     decline_code=dcode,
                     extra={"payment_intent": pi, "charge": chid})
    brand, last4 = CARDS.get(pm, ("visa", "4242"))
    charge = {"id": chid, "object": "charge", "amount": amount,
              "currency": params["currency"], "paid": True,
              "status": "succeeded", "payment_intent": pid,
              "payment_method": pm,
              "payment_method_details": {"type": "card", "card": {
                  "brand": brand, "last4": last4, "exp_month": 12,
                  "exp_year": 2034, "funding": "credit"}}}
    pi["status"] = "succeeded"
    pi["amount_received"] = amount
    pi["latest_charge"] = chid
    with LOCK:
        STATE["intents"][pid] = pi
        STATE["charges"].append({"payment_intent": pid, "amount": amount,
                                 "currency": params["currency"],
                                 "customer": params["customer"],
                                 "idempotency_key": key, "refunded": 0})
    body = dict(pi)
    if "latest_charge" in params.get("expand[]", []):
        body["latest_charge"] = charge
    return 200, body


def create_refund(params, key):
    pid = params.get("payment_intent")
    with LOCK:
        pi = STATE["intents"].get(pid)
        led = next((c for c in STATE["charges"]
                    if c["payment_intent"] == pid), None)
        if pi is None or led is None:
            return error(400, "invalid_request_error",
                         "No such payment_intent: '%s'" % pid,
                         code="resource_missing", param="payment_intent")
        left = led["amount"] - led["refunded"]
        try:
            amount = int(params.get("amount", left))
        except ValueError:
            return error(400, "invalid_request_error", "Invalid integer",
                         code="parameter_invalid_integer", param="amount")
        if amount < 1 or amount > left:
            return error(400, "invalid_request_error",
                         "Refund amount (%d) is greater than unrefunded "
                         "amount on charge (%d)" % (amount, left),
                         code="amount_too_large", param="amount")
        led["refunded"] += amount
        rid = newid("re_", "%s|%d" % (key or "", len(STATE["refunds"])))
        STATE["refunds"].append({"refund": rid, "payment_intent": pid,
                                 "amount": amount, "idempotency_key": key})
    return 200, {"id": rid, "object": "refund", "amount": amount,
                 "currency": pi["currency"], "payment_intent": pid,
                 "charge": pi["latest_charge"], "status": "succeeded"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go in two writes: without this, Nagle's
        # algorithm and the client's delayed ACK add 40 ms to each answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as fp:
                fp.write("%s %s\n" % (time.time(), fmt % args))

    def send(self, status, body, replayed=False):
        data = (json.dumps(body) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", newid("req_", repr(time.time())))
        if replayed:
            self.send_header("Idempotent-Replayed", "true")
        if status == 429:
            self.send_header("Retry-After", str(STATE["control"]
                                                .get("retry_after", 0)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass    # the client gave up or was killed; a result stays stored

    def drop(self):
        self.close_connection = True
        self.connection.close()

    def do_GET(self):
        if self.path == "/_ledger":
            with LOCK:
                self.send(200, {"charges": STATE["charges"],
                                "refunds": STATE["refunds"],
                                "requests": STATE["requests"],
                                "executed": STATE["executed"]})
            return
        if not self.authorized():
            return
        if self.path.startswith("/v1/payment_intents/"):
            with LOCK:
                pi = STATE["intents"].get(self.path.rsplit("/", 1)[1])
            if pi is not None:
                self.send(200, pi)
                return
        self.send(*error(404, "invalid_request_error",
                         "Unrecognized request URL (GET: %s)" % self.path))

    def authorized(self):
        if self.headers.get("Authorization") != "Bearer " + ARGS.key:
            self.send(*error(401, "invalid_request_error",
                             "Invalid API Key provided."))
            return False
        return True

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode()
        if self.path == "/_control":
            with LOCK:
                STATE["control"].update(json.loads(raw))
            self.send(200, {"ok": True})
            return
        if not self.authorized():
            return
        if self.path == "/v1/payment_intents":
            endpoint = create_intent
        elif self.path == "/v1/refunds":
            endpoint = create_refund
        else:
            self.send(*error(404, "invalid_request_error",
                             "Unrecognized request URL (POST: %s)"
                             % self.path))
            return
        params = {}
        for k, v in urllib.parse.parse_qsl(raw, keep_blank_values=True,
                                           strict_parsing=bool(raw)):
            if k.endswith("[]"):
                params.setdefault(k, []).append(v)
            else:
                params[k] = v
        key = self.headers.get("Idempotency-Key")
        with LOCK:
            STATE["requests"] += 1
            ctl = STATE["control"]
            fault = ctl["faults"].pop(0) if ctl["faults"] else None
            before, after = ctl["delay_before"], ctl["delay_after"]
            slow = ctl["slow_s"]
        time.sleep(before)
        if fault == "drop":
            self.drop()
            return
        if fault is not None and fault.isdigit():
            self.send(*FAULTS.get(fault, error(int(fault), "api_error",
                                               "An unknown error occurred.")))
            return
        status, body, replayed = self.idempotent(endpoint, params, key)
        if status is None:
            return
        if fault == "drop_after":
            self.drop()
            return
        time.sleep(after + (slow if fault == "slow" else 0))
        self.send(status, body, replayed)

    def idempotent(self, endpoint, params, key):
        """Runs endpoint once per key; (None, ...) when answered already."""
        if key is None:
            status, body = endpoint(params, None)
            return status, body, False
        sig = json.dumps([self.path, params], sort_keys=True)
        with LOCK:
            old = STATE["keys"].get(key)
            if old is None and key in STATE["inflight"]:
                self.send(*error(409, "idempotency_error",
                                 "There is currently another in-progress "
                                 "request using this Stripe-Idempotency-Key.",
                                 code="idempotency_key_in_use"))
                return None, None, False
            if old is None:
                STATE["inflight"].add(key)
        if old is not None:
            if old["sig"] != sig:
                self.send(*error(400, "idempotency_error",
                                 "Keys for idempotent requests can only be "
                                 "used with the same parameters they were "
                                 "first used with.",
                                 code="idempotency_key_reused"))
                return None, None, False
            return old["status"], old["body"], True
        try:
            status, body = endpoint(params, key)
            with LOCK:
                STATE["keys"][key] = {"sig": sig, "status": status,
                                      "body": body}
        finally:
            with LOCK:
                STATE["inflight"].discard(key)
        return status, body, False


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--control")
    ap.add_argument("--log")
    ap.add_argument("--tls-cert", help="serve https with this PEM chain")
    ap.add_argument("--tls-key")
    ap.add_argument("--lifetime", type=float, default=900,
                    help="exit after this many seconds, in case the test "
                    "that started it could not stop it")
    ARGS = ap.parse_args()
    if ARGS.control:
        with open(ARGS.control) as fp:
            STATE["control"].update(json.load(fp))
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if ARGS.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    timer = threading.Timer(ARGS.lifetime, os._exit, (1,))
    timer.daemon = True
    timer.start()
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as fp:
        fp.write("%d\n" % srv.server_address[1])
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
