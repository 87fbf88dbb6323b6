#!/usr/bin/env bash
# Precision, recall and F1 of today's rules on our own evaluation set (tests/eval/):
# per category, per language, special and ordinary categories, and the exports' column
# inventory. It runs the scorer test, which builds the binary and asserts the ratchet.
#
#   scripts/eval.sh            the table
#   scripts/eval.sh -v         plus every missed label and every false finding
#   scripts/eval.sh --ratchet  raise tests/eval/thresholds.json to today's numbers
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  case "$arg" in
    -v|--verbose) export EVAL_VERBOSE=1 ;;
    --ratchet) export EVAL_RATCHET=1 ;;
    *) echo "usage: scripts/eval.sh [-v] [--ratchet]" >&2; exit 2 ;;
  esac
done
nice -n 15 cargo test --quiet --test integration eval:: -- --nocapture
