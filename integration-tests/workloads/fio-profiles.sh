#!/usr/bin/env bash
# fio profiles against any directory (a uringfuse mount, the backing directory, another FUSE server):
# random 4 KiB read and write at depth 1 and 16, sequential 128 KiB read, and a 70/30 mix, all
# O_DIRECT; the write profiles verify what they wrote as they go (crc32c). Prints one result table.
#
# usage: fio-profiles.sh DIR [--seconds N] [--size SIZE] [--json-dir D]
#   --seconds N   runtime of each profile (default 10)
#   --size SIZE   test file size (default 256m)
#   --json-dir D  also keep fio's JSON per profile in D
set -euo pipefail
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case $1 in -h|--help) usage; exit 0 ;; esac
DIR=$1; shift
SECS=10; SIZE=256m; JSON=""
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECS=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --json-dir) JSON=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fio-profiles.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -d "$DIR" ] || { echo "fio-profiles.sh: $DIR is not a directory" >&2; exit 2; }
command -v fio >/dev/null || { echo "fio-profiles.sh: fio is not installed" >&2; exit 2; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; rm -f "$DIR/uringfuse-fio.dat"' EXIT

profiles=(
  "randread-4k-qd1   --rw=randread --bs=4k --iodepth=1"
  "randread-4k-qd16  --rw=randread --bs=4k --iodepth=16"
  "randwrite-4k-qd1  --rw=randwrite --bs=4k --iodepth=1 --verify=crc32c --verify_backlog=32"
  "randwrite-4k-qd16 --rw=randwrite --bs=4k --iodepth=16 --verify=crc32c --verify_backlog=32"
  "seqread-128k      --rw=read --bs=128k --iodepth=4"
  "mixed-70-30       --rw=randrw --rwmixread=70 --bs=4k --iodepth=8"
)
printf '%-18s %12s %12s %10s %10s\n' profile read_iops write_iops p50_us p99_us
for p in "${profiles[@]}"; do
  read -r name args <<< "$p"
  # shellcheck disable=SC2086
  timeout $((SECS * 3 + 120)) fio --name="$name" --filename="$DIR/uringfuse-fio.dat" --size="$SIZE" \
    --direct=1 --ioengine=io_uring $args --time_based --runtime="$SECS" --verify_fatal=1 --verify_state_save=0 \
    --output-format=json > "$OUT/$name.json"
  [ -n "$JSON" ] && cp "$OUT/$name.json" "$JSON/"
  python3 - "$OUT/$name.json" "$name" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
r, w = j["read"], j["write"]
side = r if r["iops"] >= w["iops"] else w
if "randwrite" in sys.argv[2]:
    side, r = w, {"iops": 0}   # the reads are fio's own verification
pct = side["clat_ns"].get("percentile", {})
p50 = pct.get("50.000000", 0) / 1000
p99 = pct.get("99.000000", 0) / 1000
print(f"{sys.argv[2]:<18} {r['iops']:>12,.0f} {w['iops']:>12,.0f} {p50:>10.1f} {p99:>10.1f}")
PY
done
