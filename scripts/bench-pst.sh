#!/usr/bin/env bash
# Outlook stores at volume: the shared Outlook fixtures (.pst and .msg) repeated
# COPIES times (hard links, so no disk is used) and scanned, at two sizes, to show
# that peak RSS stays flat while the bytes grow.
#
#   scripts/bench-pst.sh [SMALL] [LARGE] [RUNS]   default: 100 and 2000 copies, 3 runs
#
# Prints, per size: total bytes, messages, median wall time, MB/s and peak RSS.
# Needs ../shared/fixtures/outlook, python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${1:-100}
LARGE=${2:-2000}
RUNS=${3:-3}
FIX=../shared/fixtures/outlook
[ -f "$FIX/support.pst" ] || { echo "needs $FIX"; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)"; exit 2; }
BENCH_DIR=${BENCH_DIR:-target/bench}
mkdir -p "$BENCH_DIR"
cargo build --release --quiet
BIN=target/release/gdpr-audit

make_copies() { # $1 = copies; prints the directory
  local dir="$BENCH_DIR/outlook-$1"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    for i in $(seq "$1"); do
      for f in "$FIX"/*.pst "$FIX"/*.msg; do
        ln "$f" "$dir/$i-$(basename "$f")" 2>/dev/null || cp "$f" "$dir/$i-$(basename "$f")"
      done
    done
    touch "$dir/.done"
  fi
  echo "$dir"
}

TIMES="$BENCH_DIR/pst.times"
: > "$TIMES"
D1=$(make_copies "$SMALL")
D2=$(make_copies "$LARGE")
for _ in $(seq "$RUNS"); do
  for d in "$D1" "$D2"; do
    /usr/bin/time -f "$d %e %M" -a -o "$TIMES" "$BIN" scan "$d" --format json \
      --quiet --fail-on none --output "$BENCH_DIR/pst-report.json"
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(sys.argv[2], s["bytes"], s["messages"], len(s["errors"]))' \
      "$BENCH_DIR/pst-report.json" "$d" >> "$TIMES.sizes"
  done
done
python3 - "$TIMES" "$TIMES.sizes" <<'PY'
import statistics as st, sys
runs, sizes = {}, {}
for line in open(sys.argv[1]):
    d, e, m = line.split()
    runs.setdefault(d, []).append((float(e), int(m)))
for line in open(sys.argv[2]):
    d, b, n, errs = line.split()
    sizes[d] = (int(b), int(n), int(errs))
for d, rs in runs.items():
    b, n, errs = sizes[d]
    wall = st.median(e for e, _ in rs)
    rss = max(m for _, m in rs) / 1024
    print(f"{d}: {b / 1e6:.0f} MB, {n} messages, {errs} errors: median {wall:.2f} s "
          f"({b / 1e6 / wall:.1f} MB/s), peak RSS {rss:.1f} MB, {len(rs)} runs")
PY
rm -f "$TIMES.sizes"
