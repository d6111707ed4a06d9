#!/bin/sh
# wo-detect bench: frames per second of wo-detect with the bundled model on
# 320x240 JPEG frames, with one worker and with one per core, against the
# same model in Darknet's own loop (`darknet detector test`, which also
# draws and saves each picture); and where wo-detect's time goes, down to
# each layer of the network.
set -e
frames=600
ls "$TESTDATA"/small/cams/*/*.jpg >list1
: >list
while [ "$(wc -l <list)" -lt $frames ]; do cat list1 >>list; done
head -n $frames list >list1 && mv list1 list
awk '{ printf "{\"type\":\"frame\",\"ts\":%d,\"cam\":\"c1\",\"path\":\"%s\"}\n",
    NR, $0 }' list >in
now() { date +%s.%N; }
rate() {
	awk -v n=$frames -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", n / (b - a) }'
}
cores=$(nproc)

for j in 1 $cores; do
	t0=$(now)
	wo-detect -j $j --stats <in >out 2>stats$j
	t1=$(now)
	echo "wo-detect -j $j: $(rate "$t0" "$t1") frames/s"
done
for s in decode resize network nms json; do
	awk -v s=$s '$2 == s { print "wo-detect -j 1 " s ": " $3 " ms/frame" }' stats1
done
# The same with Darknet's own matrix product, im2col and activations.
t0=$(now)
wo-detect -j 1 --stats --darknet-kernels <in >out 2>statsd
t1=$(now)
echo "wo-detect -j 1 --darknet-kernels: $(rate "$t0" "$t1") frames/s"
awk '$2 == "network" { print "wo-detect -j 1 --darknet-kernels network: " \
    $3 " ms/frame" }' statsd

# Darknet's loop reads image paths on standard input and draws its labels
# from data/labels, relative to the working directory.
ln -s /usr/share/darknet/data data
printf 'classes=3\nnames=%s/models/store.names\n' "$ROOT" >store.data
t0=$(now)
darknet detector test store.data "$ROOT/models/store.cfg" \
    "$ROOT/models/store.weights" -out pred <list >dn.out 2>dn.err
t1=$(now)
echo "darknet detector test: $(rate "$t0" "$t1") frames/s"
tr ':' '\n' <dn.out | awk '/Predicted in/ { s += $3; n++ } END {
	if (n) printf "darknet network alone: %.3f ms/frame\n", 1000 * s / n }'

# Inside the network: each layer's time, from bench/layers.c, which runs
# the layers one by one as Darknet's forward_network does, with
# wo-detect's kernels and then with Darknet's.
dn=/usr/lib/darknet
cc -O2 -I$dn/include -I"$ROOT/lib" -I"$ROOT/cmd/wo-detect" \
    $(pkg-config --cflags openblas jansson) -o layers "$ROOT/bench/layers.c" \
    "$ROOT/cmd/wo-detect/kernels.c" "$WO_BIN/../libwo.a" -L$dn \
    -Wl,-rpath,$dn -ldarknet $(pkg-config --libs openblas jansson) -lm
./layers "$ROOT/models/store.cfg" "$ROOT/models/store.weights" 50 2>/dev/null
./layers "$ROOT/models/store.cfg" "$ROOT/models/store.weights" 50 darknet \
    2>/dev/null | sed 's/^/darknet kernels: /'
