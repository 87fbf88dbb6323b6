# Sourced by the benchmark scripts: checks what they need, builds the release
# binary ($BIN) and generates the shared corpus at $SCALE into $CORPUS (once).
BENCH_DIR=${BENCH_DIR:-target/bench}
GEN=../shared/corpus/gen_corpus.py
[ -f "$GEN" ] || { echo "needs ../shared/corpus/gen_corpus.py"; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)"; exit 2; }

cargo build --release --quiet
BIN=target/release/gdpr-audit
CORPUS="$BENCH_DIR/corpus-$SCALE"
if [ ! -f "$CORPUS/manifest.json" ]; then
  mkdir -p "$BENCH_DIR"
  python3 "$GEN" "$CORPUS" --scale "$SCALE" >/dev/null
fi
