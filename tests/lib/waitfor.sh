# tests/lib/waitfor.sh: a bounded wait by polling, for the scripted tests
# that start peers and stages: sourced; the sourcing test defines fail.

waitfor() {	# what test...: a bounded wait, 30 s, polling
	w=$1
	shift
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "$w"
		sleep 0.1
	done
}
