#!/bin/sh
# pipeline bench: the whole walkout pipeline on the bundled session and on a
# generated busy one: its speed as a multiple of real time, each stage's
# share of the CPU and peak memory in the pipe, each stage's throughput
# alone on recorded input, exit-to-receipt latency at the recorded pace, and
# how the figures grow with shoppers, cameras and duration.
#
# The stages after wo-detect are also run on the detections the truth
# labels give (tests/oracle-detect), since how much work tracking and carts
# have depends on what the detector finds; those figures say "truth".
# WO_BENCH_BUSY and WO_BENCH_QUIET are the wo-sim options of the generated
# sessions; WO_BENCH_SWEEP=0 leaves out the sweep, which takes the longest.
set -e
BUSY=${WO_BENCH_BUSY:--p large -n 20 -d 60 -s 7}
QUIET=${WO_BENCH_QUIET:--p large -n 5 -d 60 -s 7}
SWEEP=${WO_BENCH_SWEEP:-1}
DETECT_ALONE=600	# frames wo-detect runs alone on; its rate hardly varies
STAMP=$ROOT/bench/stamp
ORACLE=$ROOT/tests/oracle-detect
TIME=/usr/bin/time
. "$ROOT/tests/gateway/lib.sh"
trap 'rval=$?; set +e; stop_gateway; exit $rval' EXIT
trap 'exit 1' INT TERM
start_gateway
now() { date +%s.%N; }
lines() { wc -l < "$1" | tr -d ' '; }

# span FILE: the seconds of session that FILE's frame events cover.
span() {
	awk '/"type":"frame"/ {
		t = $0; sub(/.*"ts":/, "", t); sub(/[,}].*/, "", t); t += 0
		if (n++ == 0) lo = t
		else if (step == 0 && t > lo) step = t - lo
		hi = t
	} END { printf "%.3f", hi - lo + step }' "$1"
}

# pipe DIR SESSION DETECTOR [wo-capture options]: the whole pipeline over
# SESSION into DIR: each stage's input kept as DIR/STAGE.in, its wall, CPU
# and peak memory appended to DIR/times, wall clock stamps of the exit
# events into wo-cart and of the receipts out of wo-receipt in DIR/*.log.
pipe() {
	pd=$1 ps=$2 pdet=$3
	shift 3
	rm -rf "$pd"
	mkdir -p "$pd/receipts"
	pt="$TIME -a -o $pd/times -f"
	pf="%e %U %S %M"
	pt0=$(now)
	$pt "wo-capture $pf" wo-capture -r "$ps" "$@" < /dev/null |
	    tee "$pd/wo-detect.in" | $pt "wo-detect $pf" $pdet |
	    tee "$pd/wo-weigh.in" | $pt "wo-weigh $pf" wo-weigh -r "$ps" 2>/dev/null |
	    tee "$pd/wo-track.in" | $pt "wo-track $pf" wo-track -s "$ps/store.json" |
	    "$STAMP" exit "$pd/exit.log" | tee "$pd/wo-cart.in" |
	    $pt "wo-cart $pf" wo-cart -s "$ps/store.json" -S "$pd/cart.state" |
	    tee "$pd/wo-charge.in" |
	    $pt "wo-charge $pf" wo-charge -a "$ps/accounts.json" -g "$GW" \
	    -j "$pd/charge.journal" -q "$pd/review.ndjson" |
	    tee "$pd/wo-receipt.in" |
	    $pt "wo-receipt $pf" wo-receipt -s "$ps/store.json" \
	    -a "$ps/accounts.json" -o "$pd/receipts" -j "$pd/receipt.journal" |
	    "$STAMP" receipt "$pd/receipt.log" > "$pd/out"
	pt1=$(now)
	echo "$pt0 $pt1" > "$pd/wall"
}

# speed LABEL DIR: the pipeline's wall time against the session's length,
# and each stage's CPU time, share and peak memory in the pipe.
speed() {
	sdur=$(span "$2/wo-detect.in")
	awk -v l="$1" -v dur="$sdur" \
	    -v fr="$(grep -c '"type":"frame"' "$2/wo-detect.in")" '
	NR == FNR { wall = $2 - $1; next }
	{ cpu[$1] = $3 + $4; rss[$1] = $5; tot += $3 + $4; st[n++] = $1 }
	END {
		printf "%s session: %.1f s, %d frames\n", l, dur, fr
		printf "%s pipeline wall: %.1f s\n", l, wall
		printf "%s pipeline speed: %.2f x real time\n", l, dur / wall
		for (i = 0; i < n; i++) {
			s = st[i]
			printf "%s %s cpu: %.2f s (%.1f %%)\n", l, s, cpu[s],
			    (tot > 0 ? 100 * cpu[s] / tot : 0)
			printf "%s %s peak rss: %d KB\n", l, s, rss[s]
		}
	}' "$2/wall" "$2/times"
}

# latency LABEL DIR: from an exit event into wo-cart to its receipt out of
# wo-receipt, matched by account.
latency() {
	awk -v l="$1" '
	NR == FNR { if (!($2 in ex)) ex[$2] = $1; next }
	($2 in ex) && !($2 in seen) { seen[$2] = 1; v[n++] = $1 - ex[$2] }
	END {
		if (n == 0) { printf "%s exit-to-receipt: none (no receipts)\n", l; exit }
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
				x = v[j]; v[j] = v[j - 1]; v[j - 1] = x
			}
		printf "%s exit-to-receipt visits: %d\n", l, n
		printf "%s exit-to-receipt p50: %.1f ms\n", l, 1000 * v[int((n - 1) / 2)]
		printf "%s exit-to-receipt max: %.1f ms\n", l, 1000 * v[n - 1]
	}' "$2/exit.log" "$2/receipt.log"
}

# alone LABEL STAGE INPUT N UNIT COMMAND...: one stage by itself on
# recorded input, its rate in N events (or frames) a second and its peak
# memory.
alone() {
	al=$1 ast=$2 ain=$3 an=$4 aunit=$5
	shift 5
	# time(1)'s wall clock is in hundredths, too coarse for the fast ones.
	at0=$(now)
	$TIME -o alone.t -f "%M" "$@" < "$ain" > /dev/null
	at1=$(now)
	awk -v l="$al" -v st="$ast" -v n="$an" -v u="$aunit" -v t0="$at0" \
	    -v t1="$at1" '{
		printf "%s %s alone: %.0f %s/s (%d in %.3f s)\n", l, st,
		    n / (t1 - t0), u, n, t1 - t0
		printf "%s %s alone peak rss: %d KB\n", l, st, $1
	}' alone.t
}

# stages LABEL SESSION REAL TRUTH: every stage alone, wo-capture and
# wo-detect on the session's frames, the others on the truth run's input.
stages() {
	sl=$1 ss=$2 sr=$3 so=$4
	rm -rf solo
	mkdir -p solo/receipts
	alone "$sl" wo-capture /dev/null "$(lines "$sr/wo-detect.in")" events \
	    wo-capture -r "$ss"
	head -n $DETECT_ALONE "$sr/wo-detect.in" > solo/frames
	alone "$sl" wo-detect solo/frames \
	    "$(grep -c '"type":"frame"' solo/frames)" frames wo-detect
	# wo-weigh's work is mostly the scale readings it reads itself.
	alone "$sl truth" wo-weigh "$so/wo-weigh.in" \
	    "$(($(lines "$so/wo-weigh.in") + $(lines "$ss/scales.log")))" events \
	    wo-weigh -r "$ss"
	alone "$sl truth" wo-track "$so/wo-track.in" \
	    "$(lines "$so/wo-track.in")" events wo-track -s "$ss/store.json"
	alone "$sl truth" wo-cart "$so/wo-cart.in" \
	    "$(lines "$so/wo-cart.in")" events \
	    wo-cart -s "$ss/store.json" -S solo/cart.state
	alone "$sl truth" wo-charge "$so/wo-charge.in" \
	    "$(lines "$so/wo-charge.in")" events \
	    wo-charge -a "$ss/accounts.json" -g "$GW" -j solo/charge.journal \
	    -q solo/review.ndjson
	alone "$sl truth" wo-receipt "$so/wo-receipt.in" \
	    "$(lines "$so/wo-receipt.in")" events \
	    wo-receipt -s "$ss/store.json" -a "$ss/accounts.json" \
	    -o solo/receipts -j solo/receipt.journal
}

# session LABEL SESSION: the figures of one session.
session() {
	el=$1 es=$2
	pipe "$el.real" "$es" wo-detect
	speed "$el" "$el.real"
	latency "$el" "$el.real"
	grep -c '"type":"checkout"' "$el.real/out" |
	    sed "s/^/$el checkouts: /; s/\$/ visits/"
	# The truth run goes at the recorded pace, as a store's events come,
	# so its latency is that of a live store.
	pipe "$el.truth" "$es" "$ORACLE $es" -x 1
	latency "$el truth" "$el.truth"
	grep -c '"type":"checkout"' "$el.truth/out" |
	    sed "s/^/$el truth checkouts: /; s/\$/ visits/"
	stages "$el" "$es" "$el.real" "$el.truth"
}

session small "$TESTDATA/small"
# shellcheck disable=SC2086
wo-sim -o busy -j "$(nproc)" $BUSY 2> busy.err
session busy "$PWD/busy"

[ "$SWEEP" = 0 ] && exit 0
# The sweep: from the busy session, one thing changed at a time.
wo-sim -o quiet -j "$(nproc)" $QUIET 2> quiet.err
sweep() {	# LABEL SESSION [wo-capture options]
	wl=$1 ws=$2
	shift 2
	pipe "sweep.real" "$ws" wo-detect "$@"
	speed "sweep $wl" sweep.real | grep -e 'speed:' -e 'wo-detect cpu' \
	    -e 'session:'
	pipe "sweep.truth" "$ws" "$ORACLE $ws" "$@"
	speed "sweep $wl truth" sweep.truth |
	    grep -e 'wo-track cpu' -e 'wo-cart cpu' -e 'wo-track peak' \
	    -e 'wo-cart peak'
}
sweep "shoppers=5" "$PWD/quiet"
sweep "cameras=2" "$PWD/busy" -c c1 -c c2
sweep "seconds=30" "$PWD/busy" --to 30
speed "sweep base truth" busy.truth | grep -e 'wo-track cpu' \
    -e 'wo-cart cpu' -e 'wo-track peak' -e 'wo-cart peak'
