#!/usr/bin/env bash
# A long blocking call must not stall other callers: while one process copy_file_ranges a 2 GiB
# file inside a passthrough mount (again and again), another runs 4 KiB random reads (psync, depth 1) on the same mount;
# the read latency (p50/p99) is printed with and without the copy running, for both transports.
# Both run on CPU 0, so over io_uring both use queue 0: a server that copied on the loop serving
# that queue would hold every read behind the copy.
#
# usage: sudo bench/blocking-bench.sh [BACKING_DIR]   (default /var/tmp: the disk, where the copy is slow)
# needs: root, fio, python3, enable_uring=Y for the uring rows
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BACKING=${1:-/var/tmp}
fio_preflight blocking-bench
WORK=$(mktemp -d "$BACKING/uringfuse-blocking.XXXXXX")
MNT=$(mktemp -d /tmp/uringfuse-blocking-mnt.XXXXXX)
cleanup() {
  mountpoint -q "$MNT" && "$ROOT/uringfuse" umount "$MNT" >/dev/null 2>&1 || true
  mountpoint -q "$MNT" && umount -l "$MNT" || true
  rm -rf --one-file-system "$WORK" "$MNT"
}
trap cleanup EXIT
mkdir -p "$WORK/src"
echo "preparing a 2 GiB source file in $BACKING ..." >&2
dd if=/dev/zero of="$WORK/src/big" bs=1M count=2048 status=none
dd if=/dev/urandom of="$WORK/src/reads" bs=1M count=64 status=none

read_row() {  # label -> "p50 p99" in microseconds
  taskset -c 0 fio --name="$1" --filename="$MNT/reads" --rw=randread --bs=4k --direct=1 --ioengine=psync \
    --time_based --runtime=6 --output-format=json 2>/dev/null | python3 -c '
import json, sys
c = json.load(sys.stdin)["jobs"][0]["read"]
j = c["clat_ns"]["percentile"]
print("%6.0f IOPS  p50 %.0f us  p99 %.0f us  max %.1f ms" % (c["iops"], j["50.000000"] / 1e3, j["99.000000"] / 1e3,
      c["clat_ns"]["max"] / 1e6))'
}

for transport in uring classic; do
  "$ROOT/uringfuse" mount "$WORK/src" "$MNT" --transport "$transport" --log-file "$WORK/server.log" >/dev/null
  idle=$(read_row idle)
  rm -f "$WORK/src/copy"
  taskset -c 0 python3 -c '
import os, sys
src, dst = sys.argv[1], sys.argv[2]
fi, fo = os.open(src, os.O_RDONLY), os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
size = os.fstat(fi).st_size
while True:   # copy again and again until the read row ends
    left, pos = size, 0
    while left > 0:
        n = os.copy_file_range(fi, fo, left, 0, pos)
        if n == 0:
            break
        left -= n
        pos += n
' "$MNT/big" "$MNT/copy" &
copier=$!
  busy=$(read_row busy)
  kill $copier; wait $copier 2>/dev/null || true
  printf '%-8s randread psync QD1, idle:                      %s\n' "$transport" "$idle"
  printf '%-8s randread psync QD1, during 2 GiB copy_file_ranges: %s\n' "$transport" "$busy"
  "$ROOT/uringfuse" umount "$MNT" >/dev/null
done
