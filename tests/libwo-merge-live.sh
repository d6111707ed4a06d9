# libwo's merge with a live source: a silent FIFO holds stdin back no longer
# than the lag, events from both come out in ts order, and the end of both
# ends the merge.  The FIFO's writer speaks only once it has seen stdin's
# events in the output, so a merge that waited on the silent FIFO would
# deadlock here and fail by the harness's time limit, not by a clock.
set -u
mkfifo gate
now=$(date +%s)
t1=$((now - 100)) t2=$((now - 99))
(
	exec 3>gate
	i=0
	while ! grep -q '"ts":'"$t2" out 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
		[ $i -gt 300 ] && exit 1
	done
	printf '{"type":"entry","ts":%s.5}\n' "$((now + 1))" >&3
	sleep 0.2
	exec 3>&-
) &
writer=$!
trap 'kill $writer 2>/dev/null' EXIT
printf '{"type":"frame","ts":%s}\n{"type":"frame","ts":%s}\n' $t1 $t2 |
    wo-mergecat -l 0.2 gate > out
rc=$?
wait $writer || { echo "the writer never saw stdin's events"; exit 1; }
[ $rc -eq 0 ] || { echo "wo-mergecat exit $rc"; exit 1; }
printf '{"type":"frame","ts":%s}\n{"type":"frame","ts":%s}\n{"type":"entry","ts":%s.5}\n' \
    $t1 $t2 $((now + 1)) > want
cmp want out || { diff want out; exit 1; }
