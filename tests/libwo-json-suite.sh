# libwo's event reader against a JSON test suite of our own (tests/json):
# every n_ file (malformed JSON, bad UTF-8, huge numbers, NUL escapes, deep
# nesting, ...) is refused with exactly one diagnostic naming the file and
# line 1 and nothing on stdout; every y_ file passes unchanged and silently.
set -u
fail=0
for f in "$ROOT"/tests/json/n_*.json; do
	wo-evcat "$f" >out 2>err
	n=$(wc -l <err)
	if [ -s out ] || [ "$n" -ne 1 ] || ! grep -q "^wo-evcat: $f:1: " err; then
		echo "not rejected as it should be: ${f##*/}"
		cat out err
		fail=1
	fi
done
for f in "$ROOT"/tests/json/y_*.json; do
	wo-evcat "$f" >out 2>err
	if [ -s err ] || ! cmp -s out "$f"; then
		echo "not accepted unchanged: ${f##*/}"
		cat err
		fail=1
	fi
done
exit $fail
