# make install PREFIX=... puts every built tool and every man page in place,
# and the installed tools run.
set -u
b=${WO_BIN%/bin}
make -s -C "$ROOT" B="$b" install PREFIX="$PWD/inst" >log 2>&1 || {
	cat log
	exit 1
}
fail=0
for t in "$WO_BIN"/wo-*; do
	[ -x "$t" ] || continue
	n=${t##*/}
	[ -x "inst/bin/$n" ] || { echo "$n not installed"; fail=1; continue; }
	"inst/bin/$n" --version >/dev/null || { echo "$n --version failed"; fail=1; }
done
for m in "$ROOT"/man/*.[0-9]; do
	s=${m##*.}
	[ -f "inst/share/man/man$s/${m##*/}" ] || { echo "${m##*/} not installed"; fail=1; }
done
# The installed wo-detect finds the installed model through WO_MODEL_DIR.
if [ -x inst/bin/wo-detect ]; then
	f=$(ls "$TESTDATA"/small/cams/c1/*.jpg | head -1)
	printf '{"type":"frame","ts":1,"cam":"c1","path":"%s","width":320,"height":240}\n' "$f" |
	    WO_MODEL_DIR=$PWD/inst/share/walkout/models inst/bin/wo-detect -j 1 >det ||
	    { echo "installed wo-detect failed with the installed model"; fail=1; }
	grep -q '"objects":\[' det || { echo "installed wo-detect wrote no objects"; fail=1; }
fi
exit $fail
