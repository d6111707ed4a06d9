#!/bin/sh
# wo-eval.sh: how fast wo-eval scores checkouts, track positions and detected frames.
# A synthetic session is made with awk: 2000 shoppers' receipts and checkouts,
# 20 shoppers tracked over 6000 frames with jitter and a broken track, and
# 2000 frames of 3 true and 4 detected boxes.  Figures only, no assertions.
set -e
n_co=2000 n_fr=6000 n_sh=20 n_det=2000
mkdir -p s/truth/labels/c1
: >s/truth/receipts.ndjson

awk -v n=$n_co 'BEGIN {
	for (i = 0; i < n; i++) {
		a = sprintf("acct-%08x", i)
		printf "{\"account\":\"%s\",\"items\":[{\"sku\":\"p%d\",\"qty\":%d},{\"sku\":\"q%d\",\"qty\":1}]}\n", a, i % 13, 1 + i % 3, i % 7 >"s/truth/receipts.ndjson"
		printf "{\"type\":\"checkout\",\"ts\":%d,\"visit\":\"v-%d\",\"account\":\"%s\",\"items\":[{\"sku\":\"p%d\",\"qty\":%d},{\"sku\":\"q%d\",\"qty\":1}],\"review\":%s}\n", i, i, a, i % 13, 1 + i % 2, (i + 1) % 7, i % 5 ? "false" : "true" >"checkouts.ndjson"
	}
}'
awk -v n=$n_fr -v k=$n_sh 'BEGIN {
	srand(1)
	for (f = 0; f < n; f++)
		for (i = 0; i < k; i++) {
			x = i * 0.9 + sin(f / 50 + i); y = 4 + cos(f / 70 + i) * 3
			printf "{\"ts\":%.3f,\"account\":\"acct-%08x\",\"x\":%.3f,\"y\":%.3f}\n", f / 10, i, x, y >"s/truth/tracks.ndjson"
			if (rand() < 0.05)
				continue
			t = i + (f > n / 2 && i == 3 ? 100 : 0)
			printf "{\"type\":\"track\",\"ts\":%.3f,\"track\":%d,\"account\":null,\"x\":%.3f,\"y\":%.3f}\n", f / 10, t, x + rand() * 0.3, y + rand() * 0.3 >"tracks.ndjson"
		}
}'
awk -v n=$n_det 'BEGIN {
	srand(2)
	for (f = 0; f < n; f++) {
		lab = sprintf("s/truth/labels/c1/%d.txt", f * 100)
		printf "0 0.5 0.5 0.2 0.4\n1 0.3 0.3 0.05 0.05\n2 0.7 0.2 0.06 0.08\n" >lab
		close(lab)
		j = rand() * 4
		printf "{\"type\":\"frame\",\"ts\":%.1f,\"cam\":\"c1\",\"path\":\"cams/c1/%d.jpg\",\"width\":320,\"height\":240,\"objects\":[{\"class\":\"person\",\"conf\":%.3f,\"x\":%.1f,\"y\":72,\"w\":64,\"h\":96},{\"class\":\"hand\",\"conf\":%.3f,\"x\":88,\"y\":%.1f,\"w\":16,\"h\":12},{\"class\":\"item\",\"conf\":%.3f,\"x\":214,\"y\":38,\"w\":19,\"h\":19},{\"class\":\"person\",\"conf\":%.3f,\"x\":10,\"y\":10,\"w\":40,\"h\":40}]}\n", f / 10, f * 100, rand(), 128 + j, rand(), 66 + j, rand(), rand() / 2 >"frames.ndjson"
	}
}'

now() { date +%s.%N; }
rate() {	# label count unit file
	t0=$(now)
	wo-eval -j s <"$4" >/dev/null
	t1=$(now)
	awk -v l="$1" -v n="$2" -v u="$3" -v a="$t0" -v b="$t1" \
	    'BEGIN { printf "%s: %.0f %s\n", l, n / (b - a), u }'
}
rate "receipts" $n_co checkouts/s checkouts.ndjson
rate "tracks" $(wc -l <tracks.ndjson) positions/s tracks.ndjson
rate "detections" $n_det frames/s frames.ndjson
