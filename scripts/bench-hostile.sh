#!/usr/bin/env bash
# The hostile-input benchmarks of the hardening work: inputs that once cost minutes
# or gigabytes. Prints wall time and peak RSS for each; the targets are
#   many.csv (184,000 matches in one field) < 2 s
#   wide.csv (1,000,000 columns)            < 30 s and < 64 MB RSS
#   bad-rule.yaml                           refused at load (exit 2, at once)
# and the one-line 6.6 MB mail body and the 200 MB base64 attachment for the record.
#
#   scripts/bench-hostile.sh            BENCH_DIR=/tmp/x to generate elsewhere
#
# Needs python3 and GNU time. Benchmarks are not tests: nothing here runs in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)"; exit 2; }
BENCH_DIR=${BENCH_DIR:-target/bench}
DIR="$BENCH_DIR/hostile"
cargo build --release --quiet
BIN=target/release/gdpr-audit
[ -f "$DIR/wide.csv" ] || python3 scripts/gen_hostile.py "$DIR"
export GDPR_AUDIT_KEY=benchmark-key-0123456789

run() {
  local label=$1; shift
  local code=0
  /usr/bin/time -f "%e %M" -o "$DIR/$label.time" "$@" > "$DIR/$label.out" 2>"$DIR/$label.err" || code=$?
  read -r secs kb < <(tail -n 1 "$DIR/$label.time")
  printf '%-16s exit %-3s %7.2f s %8.1f MB\n' "$label" "$code" "$secs" "$(echo "$kb / 1024" | bc -l)"
}

run many.csv "$BIN" scan --no-config -f json "$DIR/many.csv"
run oneline.eml "$BIN" scan --no-config -f json "$DIR/oneline.eml"
run attachment.eml "$BIN" scan --no-config -f json "$DIR/attachment.eml"
run wide.csv "$BIN" scan --no-config -f json "$DIR/wide.csv"
run bad-rule "$BIN" rules --rules "$DIR/bad-rule.yaml" list
grep -m1 -o 'error:.*' "$DIR/bad-rule.err" | cut -c1-200 || true
