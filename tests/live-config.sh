#!/bin/sh
# live-config: scripts/live checks its config file, saying which line is
# wrong and why (exit 2), prints the pipeline with --check, refuses a state
# directory another run holds, and stops the whole pipeline (exit 1) when a
# stage fails.
L=$ROOT/scripts/live
S=$TESTDATA/small
unset WO_GATEWAY_KEY
failed=0

# A good config, which the cases below spoil one line at a time.
printf 'sk_test_x\n' > key
cat > good.conf <<EOF
# a store
store $S/store.json
accounts $S/accounts.json

camera c1 http://10.0.0.11/video.cgi?fps=5&res=640x480
snapshot c2 https://10.0.0.12/snap.jpg
fps 2
scale /dev/ttyUSB0
scale /dev/ttyUSB1
baud 115200
gate gate
gateway https://api.stripe.com
key_file key
smtp smtps://mail.example.org:465
from receipts@shop.example
state st
options wo-detect -t 0.3
options wo-track -b 5
options wo-detect -j 2
EOF

check() {	# name want-stderr sed-script: good.conf spoilt, exit status 2
	sed -e "$3" good.conf > t.conf
	"$L" --check t.conf > out 2> err
	got=$?
	if [ "$got" -ne 2 ] || [ "$(cat err)" != "$2" ] || [ -s out ]; then
		echo "FAIL $1: status $got"
		echo "  got:  $(cat err)"
		echo "  want: $2"
		failed=1
	fi
}

check unknown "live: t.conf:7: unknown key: fsp" 's/^fps/fsp/'
check store-twice "live: t.conf:16: store given twice (first on line 2)" \
    "16s|.*|store $S/store.json|"
check store-missing "live: t.conf:2: store nofile.json: cannot read" \
    '2s/.*/store nofile.json/'
check store-words "live: t.conf:2: store: expects one file" \
    '2s/.*/store a.json b.json/'
check accounts-none "live: t.conf:3: accounts: expects one file" \
    '3s/.*/accounts/'
check camera-url "live: t.conf:6: snapshot c2 ftp://x/c2: not an http or https URL" \
    '6s|.*|snapshot c2 ftp://x/c2|'
check camera-twice "live: t.conf:6: camera c1: named twice" \
    's/snapshot c2/snapshot c1/'
check camera-name "live: t.conf:6: camera name .c: letters, digits, '-', '_' and '.', not starting with '.'" \
    's/snapshot c2/snapshot .c/'
check camera-words "live: t.conf:5: camera: expects a camera name and a URL" \
    '5s/^camera c1 /camera /'
check fps-zero "live: t.conf:7: fps 0: not a number above 0, at most 1000" \
    's/^fps 2/fps 0/'
check fps-word "live: t.conf:7: fps fast: not a number above 0, at most 1000" \
    's/^fps 2/fps fast/'
check baud "live: t.conf:10: baud 9600x: not a whole number above 0" \
    's/^baud .*/baud 9600x/'
check scale-twice "live: t.conf:9: scale /dev/ttyUSB0: given twice" \
    's/USB1/USB0/'
touch plain
check gate-file "live: t.conf:11: gate plain: exists and is not a FIFO" \
    's/^gate gate/gate plain/'
check gateway-scheme "live: t.conf:12: gateway ftp://pay: not an http or https URL" \
    's|^gateway .*|gateway ftp://pay|'
check smtp-scheme "live: t.conf:14: smtp http://mail: not an smtp or smtps URL" \
    's|^smtp .*|smtp http://mail|'
check from-brackets "live: t.conf:15: from <a@b>: a plain address, without angle brackets" \
    's/^from .*/from <a@b>/'
check from-bare "live: t.conf:15: from shop: not an address" \
    's/^from .*/from shop/'
check spool-max "live: t.conf:16: spool_max 12Q: not a size (bytes, or with K, M, G or T)" \
    '16s/.*/spool_max 12Q/'
check model-dir "live: t.conf:16: model nodir: not a directory" \
    '16s/.*/model nodir/'
check options-tool "live: t.conf:18: options wo-foo: not a stage of the pipeline (wo-capture wo-detect wo-weigh wo-track wo-cart wo-charge wo-receipt)" \
    's/wo-track -b 5/wo-foo -x/'
check options-empty "live: t.conf:18: options: expects a tool and its arguments" \
    's/wo-track -b 5/wo-track/'
check both-deliveries "live: t.conf:16: receipts: smtp is given too (line 14); give one" \
    '16s/.*/receipts out/; $a state st'
check from-without-smtp "live: t.conf:15: from: only for smtp" \
    's/^smtp .*/receipts out/'
check no-delivery "live: t.conf: no receipt delivery (smtp or receipts) given" \
    '/^smtp /d; /^from /d'
check no-camera "live: t.conf: no camera (camera or snapshot) given" \
    '/^camera /d; /^snapshot /d'
check no-scale "live: t.conf: no scale port (scale) given" '/^scale /d'
check no-state "live: t.conf: no state directory (state) given" '/^state /d'
for k in store accounts gate gateway; do
	check no-$k "live: t.conf: no $k given" "/^$k /d"
done

# A config with nothing wrong: the pipeline, relative paths made absolute
# and odd characters quoted.
"$L" --check good.conf > out 2> err || { echo "FAIL good: $(cat err)"; failed=1; }
cat > want <<EOF
WO_GATEWAY_KEY_FILE=$PWD/key \\
wo-capture -o $PWD/st/spool -e $PWD/gate -f 2 -u 'c1=http://10.0.0.11/video.cgi?fps=5&res=640x480' -s c2=https://10.0.0.12/snap.jpg < /dev/null |
    wo-detect -t 0.3 -j 2 |
    wo-weigh -s $S/store.json -b 115200 -p /dev/ttyUSB0 -p /dev/ttyUSB1 |
    wo-track -s $S/store.json -b 5 |
    wo-cart -s $S/store.json -S $PWD/st/cart.state |
    wo-charge -a $S/accounts.json -g https://api.stripe.com -j $PWD/st/charge.journal -q $PWD/st/review.ndjson |
    wo-receipt -s $S/store.json -a $S/accounts.json --smtp smtps://mail.example.org:465 --from receipts@shop.example -j $PWD/st/receipt.journal >> $PWD/st/events.ndjson
EOF
cmp -s out want || { echo "FAIL good:"; diff want out; failed=1; }
[ -e gate ] && { echo "FAIL good: --check made the gate"; failed=1; }

# The example config is valid, once its files are there.
sed -e "s|/etc/walkout/store.json|$S/store.json|" \
    -e "s|/etc/walkout/accounts.json|$S/accounts.json|" \
    -e "s|/etc/walkout/gateway.key|$PWD/key|" \
    -e "s|/run/walkout/gate|$PWD/gate|" \
    "$ROOT/scripts/live.conf.example" > example.conf
"$L" --check example.conf > out 2> err ||
    { echo "FAIL example: $(cat err)"; failed=1; }
grep -q "^    wo-cart -s $S/store.json -S /var/lib/walkout/cart.state -r 0.8 |\$" out ||
    { echo "FAIL example: no wo-cart -r"; cat out; failed=1; }

# Without key_file the key comes from the environment.
grep -v '^key_file ' good.conf > nokey.conf
"$L" --check nokey.conf > out 2> err
[ $? -eq 2 ] && [ "$(cat err)" = "live: nokey.conf: no gateway key: give key_file or set WO_GATEWAY_KEY" ] ||
    { echo "FAIL no-key: $(cat err)"; failed=1; }
WO_GATEWAY_KEY=sk_test_x "$L" --check nokey.conf > out 2> err ||
    { echo "FAIL key-env: $(cat err)"; failed=1; }

# Usage errors.
"$L" > out 2> err
[ $? -eq 2 ] && [ "$(cat err)" = "usage: scripts/live [--check] CONFIG" ] ||
    { echo "FAIL no-args"; failed=1; }
"$L" --help > out 2> err
[ $? -eq 0 ] && [ "$(cat out)" = "usage: scripts/live [--check] CONFIG" ] ||
    { echo "FAIL help"; failed=1; }
"$L" nofile.conf > out 2> err
[ $? -eq 2 ] && [ "$(cat err)" = "live: nofile.conf: cannot read" ] ||
    { echo "FAIL unreadable: $(cat err)"; failed=1; }

# A state directory in use by another run is refused, before anything runs.
mkdir -p st
(exec 8>>st/live.lock && flock 8 && exec sleep 30) & F=$!
i=0
until ! flock -n st/live.lock true; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
"$L" good.conf > out 2> err
st=$?
kill $F; wait $F 2>/dev/null
[ $st -eq 1 ] && [ "$(cat err)" = "live: $PWD/st: in use by another scripts/live" ] ||
    { echo "FAIL lock: status $st: $(cat err)"; failed=1; }
[ -e gate ] && { echo "FAIL lock: the gate was made"; failed=1; }

# A stage that fails stops the pipeline: every other stage is stopped in
# order and the status is 1.  Cameras and scales that are not there are
# only retried, so wo-track's bad option is what ends it.
cat > fail.conf <<EOF
store $S/store.json
accounts $S/accounts.json
camera c1 http://127.0.0.1:1/c1.mjpg
scale nopty
gate gate
gateway http://127.0.0.1:1
key_file key
receipts out
state st
options wo-track --no-such-option
EOF
timeout 60 "$L" fail.conf > out 2> err
st=$?
grep -q '^live: .*wo-track.* stopped unexpectedly; stopping the pipeline$' err &&
    grep -q '^live: wo-track exited with status 2$' err && [ $st -eq 1 ] ||
    { echo "FAIL stage-fails: status $st:"; cat err; failed=1; }
[ -p gate ] || { echo "FAIL stage-fails: no gate FIFO"; failed=1; }
[ -f st/events.ndjson ] || { echo "FAIL stage-fails: no events log"; failed=1; }
exit $failed
