# Every man page passes mandoc -Tlint at warning level and has the sections
# STYLE.md asks for; every tool present has its page.
set -u
command -v mandoc >/dev/null || { echo "mandoc is missing"; exit 1; }
fail=0
for m in "$ROOT"/man/*.[0-9]; do
	if ! mandoc -Tlint -W warning "$m"; then
		fail=1
	fi
	for s in NAME SYNOPSIS DESCRIPTION EXAMPLES "SEE ALSO"; do
		case ${m##*/} in
		*.[57]) [ "$s" = SYNOPSIS ] && continue ;;
		esac
		grep -q "^\.Sh $s\$" "$m" || {
			echo "${m##*/}: no $s section"
			fail=1
		}
	done
done
for t in "$WO_BIN"/wo-*; do
	[ -x "$t" ] || continue
	[ -f "$ROOT/man/${t##*/}.1" ] || {
		echo "${t##*/} has no man page"
		fail=1
	}
done
exit $fail
