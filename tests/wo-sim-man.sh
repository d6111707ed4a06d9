#!/bin/sh
# wo-sim-man: every command in wo-sim(1)'s EXAMPLES runs and succeeds.
set -e
page=$ROOT/man/wo-sim.1
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /s/^\.Dl //p' "$page" | sed 's/\\&//g' >examples
[ -s examples ] || { echo "no examples in $page"; exit 1; }
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	echo "example $n: $cmd"
	sh -c "$cmd" >out.$n 2>err.$n </dev/null || {
		echo "failed:"; cat err.$n; exit 1; }
done <examples
# The counting example must see each hard case of the bundled session.
for c in crossing-arms same-plate multi-pick long-hold misplaced \
    same-weight floor put-back; do
	grep -q "\"$c\"" out.$n || { echo "no $c in:"; cat out.$n; exit 1; }
done
