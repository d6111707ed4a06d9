#!/bin/sh
# wo-weigh-truth: on the bundled wo-sim sessions every true pick and put-back is found once, on its plate, with its weight, and nothing else
command -v python3 >/dev/null 2>&1 || exit 77
rval=0 n=0
for s in "$TESTDATA"/small "$TESTDATA"/hard; do
	[ -f "$s/truth/events.ndjson" ] || continue
	n=$((n + 1))
	wo-weigh -r "$s" </dev/null >ev 2>err || { cat err; exit 1; }
	python3 "$ROOT/tests/cases/wo-weigh/score.py" "$s/truth/events.ndjson" \
	    ev "$(basename "$s")" || rval=1
done
[ $n -gt 0 ] || { echo "no bundled sessions in $TESTDATA"; exit 1; }
exit $rval
