#!/usr/bin/env bash
# `redact` against `scan` on the same corpus: writing the cleaned copies of crm/ and
# mail/ and proving them clean (incremental proof by default) must take at most 1.5 ×
# the scan. Runs take turns so a slow spell of the machine hits both.
#
#   scripts/bench-redact.sh [SCALE] [RUNS]   default: scale 50, 3 runs
#
# Prints each command's median wall time, the ratio of the medians and the peak
# RSS. Needs ../shared, python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-50}
RUNS=${2:-3}
. scripts/bench-setup.sh
TIMES="$BENCH_DIR/redact.times"
: > "$TIMES"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f "scan %e %M" -a -o "$TIMES" "$BIN" scan "$CORPUS/crm" "$CORPUS/mail" \
    --no-config --format json --fail-on none --quiet > "$BENCH_DIR/redact-scan.json"
  rm -rf "$BENCH_DIR/redacted"
  /usr/bin/time -f "redact %e %M" -a -o "$TIMES" "$BIN" redact "$CORPUS/crm" "$CORPUS/mail" \
    --no-config --output-dir "$BENCH_DIR/redacted" --quiet
done
python3 - "$TIMES" "$CORPUS" <<'PY'
import statistics as st, sys, os
wall = {"scan": [], "redact": []}
rss = {"scan": [], "redact": []}
for line in open(sys.argv[1]):
    k, e, m = line.split()
    wall[k].append(float(e))
    rss[k].append(int(m))
size = sum(os.path.getsize(os.path.join(d, f)) for sub in ("crm", "mail") for d, _, fs in os.walk(os.path.join(sys.argv[2], sub)) for f in fs)
s, r = st.median(wall["scan"]), st.median(wall["redact"])
print(f"{sys.argv[2]}: crm + mail {size / 1e6:.1f} MB, {len(wall['scan'])} runs each")
print(f"scan:   median {s:.2f} s  {wall['scan']}  peak RSS {max(rss['scan']) / 1024:.0f} MB")
print(f"redact: median {r:.2f} s  {wall['redact']}  peak RSS {max(rss['redact']) / 1024:.0f} MB")
print(f"ratio: {r / s:.2f} (must be <= 1.5)")
PY
