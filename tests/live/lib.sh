# tests/live/lib.sh: what the scripts/live tests share, sourced by them:
# the peers on loopback, the gate, and starting, stopping and watching
# scripts/live and its stages.  The sourcing test sets the trap that calls
# live_cleanup.
command -v socat >/dev/null 2>&1 || exit 77
command -v python3 >/dev/null 2>&1 || exit 77
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || exit 77
pids= L=

live_cleanup() {
	[ -n "$L" ] && kill -TERM "$L" 2>/dev/null && wait "$L"
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait
}

fail() {
	echo "FAIL: $*"
	for f in live.err play.err; do
		[ -s "$f" ] && { echo "--- $f"; tail -15 "$f"; }
	done
	exit 1
}

. "$ROOT/tests/lib/waitfor.sh"

freeport() {
	python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The peers: a pseudo-terminal pair for the scales (sim, the controller's
# end; scales, wo-weigh's), the gateway emulator and the SMTP server; their
# ports in gw.port and smtp.port, the gateway's key in the file key.
peers() {
	socat pty,raw,echo=0,link=sim pty,raw,echo=0,link=scales 2>/dev/null &
	pids="$pids $!"
	python3 "$ROOT/tests/gateway/emulator.py" --key sk_test_live \
	    --port-file gw.port --lifetime 150 &
	pids="$pids $!"
	/usr/bin/python3 "$ROOT/tests/smtp/server.py" -d mail -p smtp.port \
	    --lifetime 150 2>smtp.err &
	pids="$pids $!"
	waitfor "socat made no pseudo-terminals" test -e sim -a -e scales
	waitfor "the gateway emulator did not start" test -s gw.port
	waitfor "the SMTP server did not start" test -s smtp.port
	echo sk_test_live > key
}

ledger() {	# file: the gateway's ledger into file
	curl -s "http://127.0.0.1:$(cat gw.port)/_ledger" > "$1" ||
	    fail "the gateway's ledger"
}

# The gate: entry events stamped when they arrive, as a gate controller
# stamps a scan; any other line goes as it is.
cat > gate.py <<'PY'
import json, sys, time
with open(sys.argv[1], "w") as out:
    for l in sys.stdin:
        e = json.loads(l)
        if e.get("type") == "entry":
            e["ts"] = round(time.time(), 3)
        out.write(json.dumps(e, separators=(",", ":")) + "\n")
        out.flush()
PY

# Whether a process has the scale end of the pair open: lines sent before
# wo-weigh opens the port are lost.
opened() {
	t=$(readlink -f scales)
	for f in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "$t" ] && return 0
	done
	return 1
}

# A command started in the background ignores SIGINT, and a shell cannot
# trap what it was started ignoring: python gives scripts/live back the
# default, as a terminal's foreground job has it.
live() {	# config
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$ROOT/scripts/live" "$1" \
	    2>>live.err &
	L=$!
}

gone() { ! kill -0 "$L" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$L/stat"; }

stop() {	# signal: stop scripts/live, which must exit 0
	kill -"$1" "$L"
	waitfor "scripts/live did not stop on SIG$1" gone
	wait "$L" || fail "scripts/live exit status $?"
	L=
}

# The stages of scripts/live $L, "pid:starttime" each, into $stages: its
# children named wo-*, told from a later process given the same pid by
# their start time.
stages() {
	stages=
	for f in /proc/[0-9]*/stat; do
		s=$(sed -n 's/^\([0-9]*\) (\(wo-[^)]*\)) . \([0-9]*\) .*/\1 \3/p' \
		    "$f" 2>/dev/null)
		[ -n "$s" ] && [ "${s#* }" = "$L" ] || continue
		stages="$stages ${s% *}:$(sed 's/.*) //' "$f" | cut -d' ' -f20)"
	done
}

# Whether none of $stages still runs.
ended() {
	for s in $stages; do
		p=${s%:*}
		[ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null |
		    cut -d' ' -f20)" = "${s#*:}" ] || continue
		grep -q '^[0-9]* (.*) Z' "/proc/$p/stat" 2>/dev/null || return 1
	done
	return 0
}
