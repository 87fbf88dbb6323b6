#!/usr/bin/env bash
# Thread scaling on one large CSV: `--threads 1` against `--threads 2`, runs taking
# turns so a slow spell of the machine hits both alike.
#
#   scripts/bench-threads.sh [SCALE] [RUNS] [FORMAT]   default: scale 200, 9 runs, json
#
# Scans crm/contacts.csv of the shared corpus at SCALE (88 MB at scale 200) and prints
# each setting's median wall time, the ratio of the medians, the median of the
# per-pair ratios and the peak RSS. Needs ../shared, python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-200}
RUNS=${2:-9}
FORMAT=${3:-json}
. scripts/bench-setup.sh
FILE="$CORPUS/crm/contacts.csv"
TIMES="$BENCH_DIR/threads.times"
: > "$TIMES"
for _ in $(seq "$RUNS"); do
  for t in 1 2; do
    /usr/bin/time -f "$t %e %M" -a -o "$TIMES" "$BIN" scan "$FILE" --format "$FORMAT" \
      --quiet --fail-on none --threads "$t" > /dev/null
  done
done
python3 - "$TIMES" "$FILE" <<'PY'
import os, statistics as st, sys
wall = {1: [], 2: []}
rss = []
for line in open(sys.argv[1]):
    t, e, m = line.split()
    wall[int(t)].append(float(e))
    rss.append(int(m))
m1, m2 = st.median(wall[1]), st.median(wall[2])
pairs = [a / b for a, b in zip(wall[1], wall[2])]
print(f"{sys.argv[2]}: {os.path.getsize(sys.argv[2]) / 1e6:.1f} MB, {len(pairs)} runs each")
print(f"--threads 1: median {m1:.2f} s  {wall[1]}")
print(f"--threads 2: median {m2:.2f} s  {wall[2]}")
print(f"speed-up: {m1 / m2:.2f} (medians), {st.median(pairs):.2f} (median of pairs); peak RSS {max(rss) / 1024:.1f} MB")
PY
