#!/usr/bin/env bash
# `subject find` for one request against a batch of 1,000 on the same corpus: the
# batch must cost at most 1.5 × one request (one matcher for every subject, one
# pass over the data). Runs take turns so a slow spell of the machine hits both.
#
#   scripts/bench-subject.sh [SCALE] [RUNS]   default: scale 50, 5 runs
#
# The subjects are the first 1,000 contacts' e-mail addresses of crm/contacts.csv
# (the single request is the first of them). Prints each setting's median wall time,
# the ratio of the medians and the peak RSS. Needs ../shared, python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-50}
RUNS=${2:-5}
. scripts/bench-setup.sh
REQ1="$BENCH_DIR/subject-1.csv"
REQ1000="$BENCH_DIR/subject-1000.csv"
python3 - "$CORPUS/crm/contacts.csv" "$REQ1" "$REQ1000" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = [r for r in csv.DictReader(f, delimiter=";") if "@" in r["email"]]
for path, n in ((sys.argv[2], 1), (sys.argv[3], 1000)):
    with open(path, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["request_id", "received", "type", "email"])
        for i, r in enumerate(rows[:n]):
            w.writerow([f"R{i + 1}", "2026-11-01", "access", r["email"]])
PY
TIMES="$BENCH_DIR/subject.times"
: > "$TIMES"
for _ in $(seq "$RUNS"); do
  for n in 1 1000; do
    req="$BENCH_DIR/subject-$n.csv"
    /usr/bin/time -f "$n %e %M" -a -o "$TIMES" "$BIN" subject find "$CORPUS/crm" "$CORPUS/mail" \
      --requests "$req" --no-config --format json --quiet > "$BENCH_DIR/subject-$n.json"
  done
done
python3 - "$TIMES" "$CORPUS" <<'PY'
import statistics as st, sys, os
wall = {1: [], 1000: []}
rss = {1: [], 1000: []}
for line in open(sys.argv[1]):
    n, e, m = line.split()
    wall[int(n)].append(float(e))
    rss[int(n)].append(int(m))
size = sum(os.path.getsize(os.path.join(d, f)) for sub in ("crm", "mail") for d, _, fs in os.walk(os.path.join(sys.argv[2], sub)) for f in fs)
m1, m1000 = st.median(wall[1]), st.median(wall[1000])
print(f"{sys.argv[2]}: crm + mail {size / 1e6:.1f} MB, {len(wall[1])} runs each")
print(f"1 request:     median {m1:.2f} s  {wall[1]}  peak RSS {max(rss[1]) / 1024:.0f} MB")
print(f"1000 requests: median {m1000:.2f} s  {wall[1000]}  peak RSS {max(rss[1000]) / 1024:.0f} MB")
print(f"ratio: {m1000 / m1:.2f} (must be <= 1.5)")
PY
