# lib.sh: sourced by the wo-charge tests and bench to run the gateway emulator.
# start_gateway [emulator options]: starts it on a free loopback port, sets
# GW (its URL), GW_PID and WO_GATEWAY_KEY; stop_gateway ends it.  Callers
# trap stop_gateway on EXIT so no emulator outlives its test.

WO_GATEWAY_KEY=sk_test_wo_$$
export WO_GATEWAY_KEY
GW_PID=

start_gateway() {
	rm -f gw.port
	python3 "$ROOT/tests/gateway/emulator.py" --key "$WO_GATEWAY_KEY" \
	    --port-file gw.port "$@" &
	GW_PID=$!
	n=0
	while [ ! -s gw.port ]; do
		n=$((n + 1))
		if [ $n -gt 500 ] || ! kill -0 "$GW_PID" 2>/dev/null; then
			echo "gateway emulator did not start" >&2
			return 1
		fi
		sleep 0.02
	done
	GW=http://127.0.0.1:$(cat gw.port)
}

stop_gateway() {
	if [ -n "$GW_PID" ]; then
		kill "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
		GW_PID=
	fi
}

# gw_control JSON: sets faults and delays (see emulator.py).
gw_control() {
	curl -sf -X POST --data-binary "$1" "$GW/_control" >/dev/null
}

# gw_ledger: the emulator's ledger, JSON on stdout.
gw_ledger() {
	curl -sf "$GW/_ledger"
}
