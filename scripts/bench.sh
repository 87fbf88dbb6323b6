#!/usr/bin/env bash
# Whole-process benchmark: gdpr-audit against ripgrep with the same patterns on the
# same files (the lower bound on the cost of our work), plus peak memory.
#
#   scripts/bench.sh [SCALE] [RUNS]        default: scale 50, 3 runs (median reported)
#   THREADS=1 scripts/bench.sh 50          pin worker threads
#   BENCH_DIR=/tmp/x scripts/bench.sh      where corpora are generated (default target/bench)
#
# Needs ../shared (the corpus generator), python3, rg (Debian: ripgrep) and GNU time
# (Debian: time). Benchmarks are not tests: nothing time-based runs in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-50}
RUNS=${2:-3}
command -v rg >/dev/null || { echo "needs ripgrep (apt-get install ripgrep)"; exit 2; }
. scripts/bench-setup.sh
PATTERNS="$BENCH_DIR/patterns.txt"
"$BIN" rules export --regex > "$PATTERNS"
INPUTS=("$CORPUS/crm" "$CORPUS/mail")
BYTES=$(du -sb "${INPUTS[@]}" | awk '{s+=$1} END {print s}')
THREAD_ARGS=()
[ -n "${THREADS:-}" ] && THREAD_ARGS=(--threads "$THREADS")
RG_THREADS=()
[ -n "${THREADS:-}" ] && RG_THREADS=(-j "$THREADS")

# once LABEL CMD... → appends "wall_seconds max_rss_kb" to $BENCH_DIR/LABEL.times
once() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/$label.one" "$@" > /dev/null 2>"$BENCH_DIR/$label.err" || true
  tail -n 1 "$BENCH_DIR/$label.one" >> "$BENCH_DIR/$label.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# The two tools take turns, so a slow spell of the machine hits both alike.
: > "$BENCH_DIR/gdpr-audit.times"
: > "$BENCH_DIR/ripgrep.times"
for _ in $(seq "$RUNS"); do
  once gdpr-audit "$BIN" scan "${INPUTS[@]}" --format json --quiet --fail-on none "${THREAD_ARGS[@]}"
  once ripgrep rg --no-ignore --hidden --no-messages -c "${RG_THREADS[@]}" -f "$PATTERNS" "${INPUTS[@]}"
done

printf "corpus scale %s: %s bytes in %s; %s runs, median\n" "$SCALE" "$BYTES" "${INPUTS[*]}" "$RUNS"
printf "%-12s %10s %10s %12s\n" tool "wall (s)" "MB/s" "peak RSS MB"
for t in gdpr-audit ripgrep; do
  wall=$(awk '{print $1}' "$BENCH_DIR/$t.times" | median)
  rss=$(awk '{print $2}' "$BENCH_DIR/$t.times" | median)
  awk -v t="$t" -v w="$wall" -v r="$rss" -v b="$BYTES" 'BEGIN {printf "%-12s %10.2f %10.1f %12.1f\n", t, w, (w > 0 ? b / 1e6 / w : 0), r / 1024}'
done
g=$(awk '{print $1}' "$BENCH_DIR/gdpr-audit.times" | median)
r=$(awk '{print $1}' "$BENCH_DIR/ripgrep.times" | median)
awk -v g="$g" -v r="$r" 'BEGIN {printf "ratio gdpr-audit / ripgrep: %.2f\n", (r > 0 ? g / r : 0)}'
