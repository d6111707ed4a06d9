#!/bin/sh
# wo-weigh bench: readings per second through the parser and the settle
# filter on one core, replaying a generated scales.log of 8 plates at 50 Hz
# with noise, drift, spikes and a change every few seconds; then precision
# and recall of the changes found in sessions made by wo-sim.
n=${WO_BENCH_READINGS:-2000000}
mkdir s
cat > s/store.json <<'JSON'
{"store": "bench", "currency": "usd", "tax_rate": 0.08,
 "floor": {"w": 10.0, "h": 8.0},
 "catalog": [{"sku": "cola-330", "name": "Cola", "price": 199,
   "unit_g": 350.0, "sd_g": 3.0}],
 "plates": [
  {"id": "A1", "sku": "cola-330", "x": 1, "y": 0, "w": 0.5, "h": 0.4},
  {"id": "A2", "sku": "cola-330", "x": 2, "y": 0, "w": 0.5, "h": 0.4},
  {"id": "A3", "sku": "cola-330", "x": 3, "y": 0, "w": 0.5, "h": 0.4},
  {"id": "A4", "sku": "cola-330", "x": 4, "y": 0, "w": 0.5, "h": 0.4},
  {"id": "B1", "sku": "cola-330", "x": 1, "y": 2, "w": 0.5, "h": 0.4},
  {"id": "B2", "sku": "cola-330", "x": 2, "y": 2, "w": 0.5, "h": 0.4},
  {"id": "B3", "sku": "cola-330", "x": 3, "y": 2, "w": 0.5, "h": 0.4},
  {"id": "B4", "sku": "cola-330", "x": 4, "y": 2, "w": 0.5, "h": 0.4}],
 "cameras": [], "gates": []}
JSON
awk -v n="$n" 'BEGIN {
	split("A1 A2 A3 A4 B1 B2 B3 B4", p, " ");
	srand(1);
	for (i = 0; i < n; i++) {
		k = i % 8 + 1; t = int(i / 8) / 50;
		if (int(t / 7 + k) % 2 == 0) w = 1750; else w = 2100;
		g = w + 0.01 * t + (rand() + rand() + rand() - 1.5) * 2;
		if (rand() < 0.001) g += 400;
		printf "%.3f %s %.1f\n", 1790000000 + t + k / 1000, p[k], g;
	}
}' > s/scales.log

now() { date +%s.%N; }
t0=$(now)
wo-weigh -r s < /dev/null > ev 2> /dev/null || exit 1
t1=$(now)
wo-weigh --raw -r s < /dev/null > /dev/null 2>&1 || exit 1
t2=$(now)
awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v e="$(grep -c . ev)" 'BEGIN {
	printf "readings: %d readings\n", n;
	printf "weight events: %d events\n", e;
	printf "throughput: %.0f readings/s\n", n / (b - a);
	printf "throughput with --raw: %.0f readings/s\n", n / (c - b);
}'

# Precision and recall of the changes on freshly simulated sessions, scored
# against their truth by the same rules as tests/wo-weigh-truth.sh, once
# strictly (touches on a plate that overlap are one change) and once taking
# touches on a plate less than 0.5 s apart as one change, which no scale
# can tell apart.
command -v wo-sim >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 ||
    exit 0
score=$ROOT/tests/cases/wo-weigh/score.py
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
	case $seed in
	[1-4])	p=small D=0.5 ;;
	*)	p=large D=1 ;;
	esac
	wo-sim -o sim$seed -s "$seed" -p $p -n 8 -d 120 -D $D -r 1 -g 64x48 \
	    >/dev/null 2>&1 || exit 1
	wo-weigh -r sim$seed < /dev/null > w$seed 2> /dev/null || exit 1
	python3 "$score" sim$seed/truth/events.ndjson w$seed s$seed |
	    tail -1 >> strict
	python3 "$score" sim$seed/truth/events.ndjson w$seed s$seed 0.5 |
	    tail -1 >> near
done
for f in strict near; do
	awk -v f=$f '{ c += $3; tp += $5; e += $7; fp += $9 }
	END {
		if (f == "strict")
			printf "simulated sessions: %d sessions\n", NR;
		printf "true changes (%s): %d changes\n", f, c;
		printf "precision (%s): %.4f ratio\n", f, (e - fp) / e;
		printf "recall (%s): %.4f ratio\n", f, tp / c;
	}' $f
done
