#!/usr/bin/env bash
# Image export benchmark, one run: a raw preallocated image read and written natively, and the same
# image exported by uringfuse (cache=none, the QEMU comparison's setting) over FUSE-over-io_uring and
# over /dev/fuse. fio with O_DIRECT: 4 KiB random read at depth 1 and 16 x 2 jobs, 128 KiB sequential
# read, 4 KiB random write at depth 1.
#
# usage: sudo bench/image-bench.sh [SECONDS_PER_ROW]   (default 10)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECS=${1:-10}
SIZE=256m
fio_preflight image-bench
OUT=$ROOT/bench/out
mkdir -p "$OUT"
WORK=$(mktemp -d /var/tmp/uringfuse-imgbench.XXXXXX)
IMG=$WORK/disk.raw
FILE=$WORK/disk.mnt
cleanup() {
  mountpoint -q "$FILE" && umount "$FILE" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fio_layout "$IMG" "$SIZE"

echo "== native" >&2
for row in "${FIO_ROWS[@]}"; do fio_row img native "$row" "$IMG"; done
for transport in uring classic; do
  echo "== uringfuse $transport" >&2
  "$ROOT/uringfuse" mount "$IMG" "$FILE" -o cache=none --transport "$transport" --log-file "$WORK/uringfuse.log" >&2
  for row in "${FIO_ROWS[@]}"; do fio_row img "uringfuse-$transport" "$row" "$FILE"; done
  "$ROOT/uringfuse" umount "$FILE"   # umount2: the mount is gone when it returns
done
summarize "$OUT" img native uringfuse-uring uringfuse-classic
