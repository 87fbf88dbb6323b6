#!/usr/bin/env bash
# Same input, same report, before and after a change: builds OLD_REV's binary and the
# work tree's, scans the shared corpus at scale 1 (and the bundled examples with their
# policy, which adds violations and policy to-do items) with each, in all six formats and
# both languages, and fails on the first report that differs by a byte.
#
#   scripts/compare-reports.sh OLD_REV       e.g. main, HEAD~1, a commit hash
#   OLD_BIN=path scripts/compare-reports.sh OLD_REV   reuse OLD_REV's binary, built before
#
# Needs ../shared (the corpus generator) and python3. Works in target/compare.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: scripts/compare-reports.sh OLD_REV}
GEN=../shared/corpus/gen_corpus.py
[ -f "$GEN" ] || { echo "needs $GEN"; exit 2; }
WORK=target/compare
rm -rf "$WORK/old-src" "$WORK/old" "$WORK/new"
mkdir -p "$WORK/old-src" "$WORK/old" "$WORK/new"

# Both builds share target/ (dependencies compile once); each binary is copied out.
# The two trees have the same package id, so cargo would take one build for the
# other: forgetting the crate's own fingerprints makes each build compile it afresh.
forget() { rm -rf target/debug/.fingerprint/gdpr-audit-*; }
if [ -n "${OLD_BIN:-}" ]; then
  cp "$OLD_BIN" "$WORK/old/gdpr-audit"
else
  git archive "$OLD" | tar -x -C "$WORK/old-src"
  forget
  cargo build --quiet --locked --manifest-path "$WORK/old-src/Cargo.toml" --target-dir target --bin gdpr-audit
  cp target/debug/gdpr-audit "$WORK/old/gdpr-audit"
  forget
fi
cargo build --quiet --locked --bin gdpr-audit
cp target/debug/gdpr-audit "$WORK/new/gdpr-audit"

CORPUS="$WORK/corpus-1"
[ -f "$CORPUS/manifest.json" ] || python3 "$GEN" "$CORPUS" --scale 1 >/dev/null

# Fixed key and date: the reports depend on nothing but the input.
export GDPR_AUDIT_KEY=compare-reports-fixed-key NO_COLOR=1
run() { # run SIDE NAME ARGS...
  local side=$1 name=$2; shift 2
  "$WORK/$side/gdpr-audit" scan "$@" --as-of 2026-11-29 --fail-on none --quiet \
    > "$WORK/$side/$name" 2> "$WORK/$side/$name.stderr" || true
}
compared=0
differ=0
for format in json markdown sarif html csv table; do
  for lang in en sv; do
    for input in corpus examples; do
      if [ "$input" = corpus ]; then
        args=("$CORPUS/crm" "$CORPUS/mail" --no-config)
      else
        args=(examples --config examples/gdpr-audit.yaml)
      fi
      name="$input.$lang.$format"
      run old "$name" "${args[@]}" --format "$format" --lang "$lang"
      run new "$name" "${args[@]}" --format "$format" --lang "$lang"
      compared=$((compared + 1))
      [ -s "$WORK/old/$name" ] || { echo "empty report from $OLD: $name"; differ=$((differ + 1)); continue; }
      if ! cmp -s "$WORK/old/$name" "$WORK/new/$name"; then
        echo "DIFFERS: $name ($(wc -c < "$WORK/old/$name") vs $(wc -c < "$WORK/new/$name") bytes)"
        diff "$WORK/old/$name" "$WORK/new/$name" | head -n 10 || true
        differ=$((differ + 1))
      fi
    done
  done
done
cmp -s "$WORK/old/gdpr-audit" "$WORK/new/gdpr-audit" && echo "note: the two binaries are the same build"
if [ "$differ" -eq 0 ]; then
  echo "identical: $compared reports (6 formats x 2 languages x corpus scale 1 and examples), $OLD vs work tree"
else
  echo "$differ of $compared reports differ"
  exit 1
fi
