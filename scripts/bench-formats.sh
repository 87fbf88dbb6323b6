#!/usr/bin/env bash
# Peak memory (and time) of the streaming format readers on large inputs made
# from the shared corpus: a JSON-lines export, a zip of four large CSV exports (one
# per object, as Salesforce's Data Export writes them) and a zip of 5,700 small ones
# (many exports archived together: the to-do list grows with the members).
#
#   scripts/bench-formats.sh [NDJSON_MB] [ZIP_MB]     default: 200 MB, 500 MB
#   ZIP_LEVEL=0 scripts/bench-formats.sh             stored members (default 1: deflate)
#   BENCH_DIR=/tmp/x scripts/bench-formats.sh        where inputs are generated
#
# Needs ../shared (the corpus generator), python3 and GNU time (Debian: time).
# The target the README states: peak RSS ≤ 64 MB for both.
set -euo pipefail
cd "$(dirname "$0")/.."
NDJSON_MB=${1:-200}
ZIP_MB=${2:-500}
ZIP_LEVEL=${ZIP_LEVEL:-1}
SCALE=1
. scripts/bench-setup.sh
NDJSON="$BENCH_DIR/export-$NDJSON_MB.ndjson"
ZIP="$BENCH_DIR/exports-$ZIP_MB-$ZIP_LEVEL.zip"
ZIP_LARGE="$BENCH_DIR/exports-$ZIP_MB-$ZIP_LEVEL-large.zip"

# Records of the corpus's contact CSVs, as JSON objects (nested like an API's
# output), repeated until the file reaches its size; CSVs zipped until the zip
# does. Made once and kept.
python3 - "$CORPUS" "$NDJSON" "$NDJSON_MB" "$ZIP" "$ZIP_MB" "$ZIP_LEVEL" "$ZIP_LARGE" <<'PY'
import csv, io, json, os, sys, zipfile
corpus, ndjson, nd_mb, zpath, z_mb, level, zlarge = sys.argv[1:8]
nd_mb, z_mb, level = int(nd_mb), int(z_mb), int(level)
crm = os.path.join(corpus, "crm")
rows = list(csv.DictReader(open(os.path.join(crm, "contacts.csv"), encoding="utf-8-sig"), delimiter=";"))
if not os.path.exists(ndjson):
    with open(ndjson + ".tmp", "w", encoding="utf-8") as out:
        n = 0
        while out.tell() < nd_mb * 1_000_000:
            for r in rows:
                n += 1
                rec = {"id": n, "name": {"first": r["first_name"], "last": r["last_name"]},
                       "contact": {"emails": [{"value": r["email"]}], "phones": [{"value": r["phone"]}]},
                       "personnummer": r["personnummer"], "notes": r["notes"],
                       "address": {"street": r["street"], "city": r["city"]}}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    os.replace(ndjson + ".tmp", ndjson)
if not os.path.exists(zpath):
    files = [os.path.join(crm, f) for f in sorted(os.listdir(crm)) if f.endswith(".csv")]
    data = [(os.path.basename(f), open(f, "rb").read()) for f in files]
    method = zipfile.ZIP_DEFLATED if level else zipfile.ZIP_STORED
    with zipfile.ZipFile(zpath + ".tmp", "w", method, compresslevel=level or None) as z:
        i = 0
        while os.path.getsize(zpath + ".tmp") < z_mb * 1_000_000:
            for name, body in data:
                z.writestr(f"export-{i:04d}/{name}", body)
            i += 1
    os.replace(zpath + ".tmp", zpath)
if not os.path.exists(zlarge):
    # Each CSV's rows repeated into one member; deflate at level 1 packs these
    # about 2.6:1, so the members together unpack to about 2.6 × the archive.
    files = [f for f in sorted(os.listdir(crm)) if f.endswith(".csv")]
    per_member = z_mb * 1_000_000 * (2.6 if level else 1.0) / len(files)
    method = zipfile.ZIP_DEFLATED if level else zipfile.ZIP_STORED
    with zipfile.ZipFile(zlarge + ".tmp", "w", method, compresslevel=level or None) as z:
        for f in files:
            data = open(os.path.join(crm, f), "rb").read()
            cut = data.index(b"\n") + 1
            head, body = data[:cut], data[cut:]
            body += b"" if body.endswith(b"\n") else b"\n"
            with z.open(f, "w") as m:
                m.write(head)
                n = len(head)
                while n < per_member:
                    m.write(body)
                    n += len(body)
    os.replace(zlarge + ".tmp", zlarge)
PY

run() {
  local label=$1 input=$2
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/$label.time" \
    "$BIN" scan "$input" --format json --quiet --fail-on none > /dev/null 2>"$BENCH_DIR/$label.err" || true
  read -r wall rss < <(tail -n 1 "$BENCH_DIR/$label.time")
  local bytes
  bytes=$(stat -c %s "$input")
  awk -v l="$label" -v w="$wall" -v r="$rss" -v b="$bytes" \
    'BEGIN {printf "%-22s %10.0f %10.2f %10.1f %12.1f\n", l, b / 1e6, w, (w > 0 ? b / 1e6 / w : 0), r / 1024}'
}
printf "%-22s %10s %10s %10s %12s\n" input "MB" "wall (s)" "MB/s" "peak RSS MB"
run "ndjson" "$NDJSON"
run "zip, 4 large CSVs" "$ZIP_LARGE"
run "zip, 5,700 CSVs" "$ZIP"
