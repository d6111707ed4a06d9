# lib.sh: what the wo-receipt SMTP tests share: a loopback SMTP server
# (server.py on Debian's aiosmtpd), started and always stopped by the test.
PY=/usr/bin/python3
SMTPD=$ROOT/tests/smtp
D=$TESTDATA/receipt
$PY -c 'import aiosmtpd' 2>/dev/null || {
	echo "python3-aiosmtpd is not installed"
	exit 77
}
set -u
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	exit 1
}

# smtp_start DIR [OPTIONS]: a server storing messages in DIR; sets port, spid.
smtp_start() {
	dir=$1
	shift
	rm -f "$dir.port"
	$PY "$SMTPD/server.py" -d "$dir" -p "$dir.port" --lifetime 100 "$@" &
	spid=$!
	pids="$pids $spid"
	i=0
	while [ ! -s "$dir.port" ]; do
		i=$((i + 1))
		[ $i -le 200 ] || fail "SMTP server did not start"
		kill -0 $spid 2>/dev/null || fail "SMTP server died"
		sleep 0.05
	done
	port=$(cat "$dir.port")
}

smtp_stop() {
	kill $spid
	wait $spid
}

# A port nothing listens on now, for a server that comes up later.
free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0));
print(s.getsockname()[1])'
}

# nmsg DIR: how many messages the server stored.
nmsg() {
	ls "$1" | grep -c '\.eml$'
}
