#!/bin/sh
# wo-weigh-man: wo-weigh(1) is lint-clean, and every command in its EXAMPLES runs from the source tree, exits 0 and prints something
page=$ROOT/man/wo-weigh.1
if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint -W warning "$page" || exit 1
fi
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page" | sed -n 's/^\$ //p' > cmds
[ -s cmds ] || { echo "no examples found in $page"; exit 1; }
rval=0 n=0
while IFS= read -r c; do
	n=$((n + 1))
	if ! (cd "$ROOT" && sh -c "$c") \
	    >out.$n 2>err.$n </dev/null; then
		echo "FAIL (status): $c"; cat err.$n; rval=1
	elif [ ! -s out.$n ]; then
		echo "FAIL (no output): $c"; cat err.$n; rval=1
	else
		echo "ok: $c ($(wc -l < out.$n) lines)"
	fi
done < cmds
[ $n -ge 4 ] || { echo "only $n examples"; exit 1; }
exit $rval
