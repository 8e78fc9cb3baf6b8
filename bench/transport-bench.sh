#!/usr/bin/env bash
# Transport benchmark: the same MemoryFs served over FUSE-over-io_uring and over classic /dev/fuse,
# fio 4 KiB random reads with O_DIRECT at depth 1 and at depth 16 x 2 jobs; IOPS, p50/p99 latency and
# the uring/classic ratio, from one run.
#
# usage: sudo bench/transport-bench.sh [SECONDS_PER_ROW]   (default 10)
# needs: root, fio, python3, enable_uring=Y
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECS=${1:-10}
fio_preflight transport-bench
(cd "$ROOT" && ./mvnw -B -q -DskipTests install -pl examples,testkit -am) >&2
CP="$ROOT/examples/target/examples-0.1.0-SNAPSHOT.jar:$ROOT/examples/target/lib/*"
OUT=$ROOT/bench/out
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/uringfuse-bench.XXXXXX)
MNT=$WORK/mnt
mkdir -p "$MNT"
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  mountpoint -q "$MNT" && umount -l "$MNT" || true
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

start_server() {  # transport
  "$JAVA" --enable-native-access=ALL-UNNAMED ${UF_JAVA_OPTS:-} -cp "$CP" \
    org.uringfuse.examples.MemoryFsMain "$MNT" "$1" > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do grep -q '^mounted' "$WORK/server.log" && return 0; sleep 0.1; done
  cat "$WORK/server.log" >&2; exit 1
}
stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=
}

run_fio() {  # name depth jobs -> json file
  fio --name="$1" --directory="$MNT" --filename=bench.dat --size=64m --rw=randread --bs=4k \
    --direct=1 --ioengine=io_uring --iodepth="$2" --numjobs="$3" --group_reporting \
    --time_based --runtime="$SECS" --ramp_time=2 --output-format=json > "$WORK/$1.json"
}

declare -a ROWS=()
for target in uring classic; do
  start_server "$target"
  grep -q "^mounted $target" "$WORK/server.log" || { echo "server did not use $target: $(cat "$WORK/server.log")" >&2; exit 1; }
  # lay the file out once, then measure
  fio_layout "$MNT/bench.dat" 64m
  for shape in "qd1 1 1" "qd16x2 16 2"; do
    set -- $shape
    run_fio "$1" "$2" "$3"
    cp "$WORK/$1.json" "$OUT/transport-$target-$1.json"
    ROWS+=("$target" "$1" "$OUT/transport-$target-$1.json")
  done
  stop_server
done

python3 - "${ROWS[@]}" <<'PY'
import json, sys
rows = {}
args = sys.argv[1:]
for i in range(0, len(args), 3):
    target, shape, path = args[i], args[i + 1], args[i + 2]
    j = json.load(open(path))["jobs"][0]["read"]
    pct = j["clat_ns"]["percentile"]
    rows[(target, shape)] = (j["iops"], pct["50.000000"] / 1000, pct["99.000000"] / 1000)
print("== MemoryFs, fio 4 KiB randread O_DIRECT (ioengine io_uring), one run")
for (target, shape), (iops, p50, p99) in rows.items():
    print(f"{target:<16} {shape:<7} iops={iops:>10,.0f}  p50={p50:>8.1f}us  p99={p99:>8.1f}us")
for shape in ("qd1", "qd16x2"):
    print(f"ratio {shape:<7} uring/classic = {rows[('uring', shape)][0] / rows[('classic', shape)][0]:.2f}x")
PY
