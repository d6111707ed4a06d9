#!/bin/sh
# wo-cart killed (SIGKILL) mid-session and restarted on its state file (-S)
# writes the same cart lines, alerts and checkouts as a run never
# interrupted: the busy bundled session, tracked from its truth labels, is
# cut just after several weight changes whose neighbours are attributed by
# hands seen before the cut, and just after an item was seen left on the
# floor.
fail() { echo "wo-cart-restart: $*"; exit 1; }
S=$TESTDATA/hard
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; exec 3>&-' EXIT
wo-capture -r "$S" | "$ROOT/tests/oracle-detect" "$S" |
    wo-weigh -r "$S" 2>/dev/null | wo-track -E -s "$S/store.json" >trk ||
    fail "tracking failed"
sel() { grep -e '"cart"' -e '"alert"' -e '"checkout"' "$@"; }
wo-cart -s "$S/store.json" <trk >full || fail "uninterrupted run failed"
sel full >want
[ "$(grep -c '"checkout"' want)" -ge 10 ] || fail "too few checkouts"
# Every fifth weight change is a cut, and so is the floor event that
# showed an item left on the floor (its state must survive too).
cuts=$(grep -n '"type":"weight"' trk | awk -F: 'NR % 5 == 3 { print $1 }')
[ -n "$cuts" ] || fail "no weight events"
ft=$(grep '"floor-item"' full | head -1 | jq -r .ts)
[ -n "$ft" ] || fail "no item found on the floor"
fk=$(grep -n '"type":"floor"' trk | jq -R -r --argjson t "$ft" \
    'split(":") as $p | ($p[1:] | join(":") | fromjson) as $e |
    select($e.ts == $t) | $p[0]')
[ -n "$fk" ] || fail "no floor event at $ft"
for k in $cuts $fk; do
	rm -f st fifo
	mkfifo fifo
	wo-cart -s "$S/store.json" -S st <fifo >part1 &
	pid=$!
	exec 3>fifo
	head -n "$k" trk >&3
	if [ "$k" = "$fk" ]; then
		key='"state":1'
	else
		key=$(sed -n "${k}p" trk | jq -r '"\(.plate) \(.ts)"' |
		    awk '{ printf "\"%s@%.3f\"", $1, $2 }')
	fi
	# The state is saved once the change is accounted for.
	i=0
	until grep -q "$key" st 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 400 ] || fail "cut at line $k: state never saved"
		sleep 0.05
	done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	pid=
	exec 3>&-
	tail -n +"$((k + 1))" trk | wo-cart -s "$S/store.json" -S st >part2 ||
	    fail "cut at line $k: restart failed"
	cat part1 part2 | sel >got
	diff want got >/dev/null || {
		diff want got | head -10
		fail "cut at line $k: the restarted run differs"
	}
done
exit 0
