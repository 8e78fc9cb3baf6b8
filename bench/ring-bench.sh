#!/usr/bin/env bash
# ring-core benchmark: NOP round trips through the Java EventLoop vs the C liburing loop
# (../shared/bench/liburing-nop.c), and the eventfd wake-up microbenchmark. One run, ratios printed.
#
# usage: bench/ring-bench.sh [--quick]
#   --quick  fewer JMH iterations (for smoke runs; numbers are noisier)
# needs: gcc, liburing-dev (apt-get install -y liburing-dev), python3
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
SHARED=${SHARED:-$ROOT/../shared}
C_SRC=$SHARED/bench/liburing-nop.c
OUT=$ROOT/bench/out
mkdir -p "$OUT"

[ -f "$C_SRC" ] || { echo "ring-bench: $C_SRC not found (set SHARED=...)" >&2; exit 1; }
if ! echo '#include <liburing.h>' | gcc -E - >/dev/null 2>&1; then
  echo "ring-bench: liburing headers missing: apt-get install -y liburing-dev" >&2; exit 1
fi
gcc -O2 -o "$OUT/liburing-nop" "$C_SRC" -luring
build_benchmarks

if [ $QUICK = 1 ]; then JMH_ARGS=(-wi 2 -w 1 -i 3 -r 1); C_SECS=1; else JMH_ARGS=(-wi 3 -w 2 -i 5 -r 2); C_SECS=3; fi

echo "== C liburing NOP loop (SINGLE_ISSUER|DEFER_TASKRUN), ${C_SECS}s per batch size"
declare -A C_OPS
for b in 1 16 64; do
  line=$("$OUT/liburing-nop" "$b" "$C_SECS")
  echo "$line"
  C_OPS[$b]=$(echo "$line" | sed -E 's/.*ops_per_s=([0-9]+).*/\1/')
done

echo "== Java EventLoop (JMH)"
"$JAVA" -jar "$ROOT/benchmarks/target/benchmarks.jar" 'NopBenchmark|EventfdBenchmark' "${JMH_ARGS[@]}" -f 1 \
  -rf json -rff "$OUT/ring-jmh.json" > "$OUT/ring-jmh.log" 2>&1 || { tail -30 "$OUT/ring-jmh.log"; exit 1; }

python3 - "$OUT/ring-jmh.json" "${C_OPS[1]}" "${C_OPS[16]}" "${C_OPS[64]}" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
c = {1: float(sys.argv[2]), 16: float(sys.argv[3]), 64: float(sys.argv[4])}
print("== NOP round trips: Java EventLoop vs C liburing, same run")
for r in data:
    name = r["benchmark"].rsplit(".", 1)[1]
    if r["benchmark"].endswith(("batch1", "batch16", "batch64")):
        b = int(name.replace("batch", ""))
        j = r["primaryMetric"]["score"]
        err = r["primaryMetric"]["scoreError"]
        print(f"nop batch={b:<3} java_ops_per_s={j:>12,.0f} (±{err:,.0f})  c_ops_per_s={c[b]:>12,.0f}  java/c={j / c[b]:.2f}x")
print("== eventfd wake-ups: writer thread vs loop (events = writes seen, wakeups = completions handled)")
for r in data:
    if "EventfdBenchmark" in r["benchmark"]:
        mode = r["params"]["mode"]
        sec = r["secondaryMetrics"]
        print(f"eventfd mode={mode:<13} events_per_s={sec['events']['score']:>12,.0f}  wakeups_per_s={sec['wakeups']['score']:>12,.0f}")
PY
