#!/bin/sh
# wo-sim-man: every command in wo-sim(1)'s EXAMPLES runs and succeeds: each
# .Dl line, and each .Bd block as one script.
page=$ROOT/man/wo-sim.1
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page" | sed 's/\\&//g; s/\\e$/\\/' |
awk '
/^\.Dl / { n++; f = "ex." n; sub(/^\.Dl /, ""); print > f; close(f); next }
/^\.Bd / { n++; f = "ex." n; inb = 1; next }
/^\.Ed/ { close(f); inb = 0; next }
inb { print > f }'
ls ex.* >/dev/null 2>&1 || { echo "no examples in $page"; exit 1; }
for e in $(ls ex.* | sort -t. -k2 -n); do
	echo "$e:"; cat "$e"
	sh "$e" >"$e.out" 2>"$e.err" </dev/null || {
		echo "failed:"; cat "$e.err"; exit 1; }
	last=$e.out
done
# The counting example must see each hard case of the bundled session.
grep -l '"case"' ex.*.out >/dev/null || { echo "no case counts"; exit 1; }
for c in crossing-arms same-plate multi-pick long-hold misplaced \
    same-weight floor put-back; do
	grep -q "\"$c\"" $(grep -l '"case"' ex.*.out) ||
	    { echo "no $c counted"; exit 1; }
done
# The pseudo-terminal example read every scale line.
[ "$(wc -l <readings)" -eq "$(wc -l <"$TESTDATA/small/scales.log")" ] ||
    { echo "readings: $(wc -l <readings) lines"; exit 1; }
cmp entries.ndjson "$TESTDATA/small/entries.ndjson"
