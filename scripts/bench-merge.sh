#!/usr/bin/env bash
# A sharded scan of the corpus, crm + mail, with a policy: N shards (default 200,
# one process each, as a job runner starts them), then `merge`. With a SHARD_SIZE
# (e.g. 4M) the files larger than it are cut into byte ranges across the shards. Prints the merge's
# wall time and peak RSS (must stay under 64 MB however many parts), the parts'
# total size, and checks the merged report against a single scan byte for byte.
#
#   scripts/bench-merge.sh [SCALE] [SHARDS] [SHARD_SIZE]
#   default: scale 50, 200 shards, --shard-size's default (256M)
#
# Needs ../shared, python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-50}
SHARDS=${2:-200}
SIZE=(${3:+--shard-size "$3"})
. scripts/bench-setup.sh
export GDPR_AUDIT_KEY=bench-merge-key-0123456789abcdef
POLICY="$BENCH_DIR/merge-policy.yaml"
cat > "$POLICY" <<'YAML'
sources:
  - path: "crm/contacts*.csv"
    purpose: "Customer relationship and orders"
    lawful_basis: contract
    id_field: email
    retention: {date_field: last_purchase_date, keep_for: 24 months}
    marketing: {opt_in_field: marketing_opt_in, consent_date_field: consent_date}
  - path: "mail/**"
    purpose: "Customer service"
    lawful_basis: legitimate_interests
    balancing_test: "docs/lia.pdf"
allowlist:
  - {path: crm/activities.csv, category: phone, reason: "switchboard numbers"}
YAML
ARGS=("$CORPUS/crm" "$CORPUS/mail" --config "$POLICY" --as-of 2026-11-29 --quiet)
PARTS="$BENCH_DIR/parts-$SHARDS"
rm -rf "$PARTS" && mkdir -p "$PARTS"
"$BIN" scan "${ARGS[@]}" --format json --output "$BENCH_DIR/merge-single.json" || [ $? -eq 1 ]
start=$(date +%s.%N)
for k in $(seq "$SHARDS"); do
  "$BIN" scan "${ARGS[@]}" --shard "$k/$SHARDS" "${SIZE[@]}" --output "$PARTS/part-$k.jsonl"
done
end=$(date +%s.%N)
/usr/bin/time -f "%e %M" -o "$BENCH_DIR/merge.time" "$BIN" merge "$PARTS" --config "$POLICY" \
  --quiet --format json --output "$BENCH_DIR/merge-merged.json" || [ $? -eq 1 ]
# (GNU time says "Command exited with non-zero status 1" first when findings fail the run)
read -r wall rss < <(tail -n 1 "$BENCH_DIR/merge.time")
size=$(du -sb "$PARTS" | cut -f1)
ranges=$(cat "$PARTS"/*.jsonl | grep -c '"range":{' || true)
echo "$CORPUS: $SHARDS shards, one after another: $(echo "$end - $start" | bc) s; parts $((size / 1000000)) MB; $ranges byte ranges of split files"
echo "merge of $SHARDS parts: $wall s, peak RSS $((rss / 1024)) MB (must be < 64 MB)"
if cmp -s "$BENCH_DIR/merge-single.json" "$BENCH_DIR/merge-merged.json"; then
  echo "merged report = single scan, byte for byte"
else
  echo "merged report DIFFERS from the single scan"; exit 1
fi
