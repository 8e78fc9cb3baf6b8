#!/usr/bin/env bash
# Passthrough benchmark, one run, same kernel cache settings everywhere (entry/attr timeouts 0, no
# writeback cache): the backing directory itself (native), uringfuse over FUSE-over-io_uring,
# uringfuse over /dev/fuse, and a jnr-fuse 0.5.8 passthrough (the Java peer, libfuse2).
# fio with O_DIRECT: 4 KiB random read at depth 1 and 16 x 2 jobs, 128 KiB sequential read, 4 KiB
# random write at depth 1; plus a metadata loop (create, stat, unlink 3,000 files).
#
# usage: sudo bench/passthrough-bench.sh [SECONDS_PER_ROW]   (default 10)
# needs: root, fio, python3, libfuse2 (for jnr-fuse), enable_uring=Y
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECS=${1:-10}
fio_preflight passthrough-bench libfuse2
(cd "$ROOT" && ./mvnw -B -q -DskipTests package) >&2
OUT=$ROOT/bench/out
SIZE=256m
mkdir -p "$OUT"
WORK=$(mktemp -d /var/tmp/uringfuse-ptbench.XXXXXX)
SRC=$WORK/src
MNT=$WORK/mnt
mkdir -p "$SRC" "$MNT"
PEER_PID=
cleanup() {
  [ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null || true
  mountpoint -q "$MNT" && umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The data file is laid out once in the backing directory; every target reads the same file.
fio_layout "$SRC/bench.dat" "$SIZE"

run_target() {  # target dir
  for row in "${FIO_ROWS[@]}"; do fio_row pt "$1" "$row" "$2/bench.dat"; done
  meta_row pt "$1" "$2"
}

echo "== native" >&2
run_target native "$SRC"

for transport in uring classic; do
  echo "== uringfuse $transport" >&2
  "$ROOT/uringfuse" mount "$SRC" "$MNT" --transport "$transport" --log-file "$WORK/uringfuse.log" >&2
  run_target "uringfuse-$transport" "$MNT"
  "$ROOT/uringfuse" umount "$MNT"   # umount2: the mount is gone when it returns
done

echo "== jnr-fuse" >&2
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ROOT/benchmarks/target/benchmarks.jar" \
  org.uringfuse.bench.JnrPassthrough "$SRC" "$MNT" > "$WORK/jnr.log" 2>&1 &
PEER_PID=$!
for _ in $(seq 100); do mountpoint -q "$MNT" && break; sleep 0.1; done
mountpoint -q "$MNT" || { cat "$WORK/jnr.log" >&2; exit 1; }
run_target jnr-fuse "$MNT"
umount "$MNT"; wait "$PEER_PID" 2>/dev/null || true; PEER_PID=

summarize "$OUT" pt native uringfuse-uring uringfuse-classic jnr-fuse
