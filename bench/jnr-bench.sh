#!/usr/bin/env bash
# jnr-fuse bridge benchmark, one run: the same jnr-fuse filesystem (JnrMemoryFs, written against
# jnr-fuse's FuseStubFS) on jnr-fuse's own loop (libfuse 2 through JNR) and on uringfuse through the
# bridge, over FUSE-over-io_uring and over /dev/fuse. Same kernel cache settings everywhere (libfuse
# 2's defaults: entry and attribute timeouts 1 s, no negative caching). fio with O_DIRECT: 4 KiB
# random read at depth 1 and at depth 16; plus the metadata loop (create, stat, unlink 3,000 files).
#
# usage: sudo bench/jnr-bench.sh [SECONDS_PER_ROW]   (default 10)
# needs: root, fio, python3, libfuse2 (for jnr-fuse's own loop), enable_uring=Y
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECS=${1:-10}
fio_preflight jnr-bench libfuse2
(cd "$ROOT" && ./mvnw -B -q -DskipTests install -pl examples,testkit -am) >&2
CP="$ROOT/examples/target/examples-0.1.0-SNAPSHOT.jar:$ROOT/examples/target/lib/*"
OUT=$ROOT/bench/out
SIZE=64m
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/uringfuse-jnrbench.XXXXXX)
MNT=$WORK/mnt
mkdir -p "$MNT"
SERVER_PID=
cleanup() {
  mountpoint -q "$MNT" && umount -l "$MNT" || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

serve() {  # target loop [fuse args...]
  local target=$1; shift
  "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow ${UF_JAVA_OPTS:-} -cp "$CP" \
    org.uringfuse.examples.jnr.JnrMemoryFsMain "$MNT" "$@" > "$WORK/$target.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do mountpoint -q "$MNT" && return 0; sleep 0.1; done
  cat "$WORK/$target.log" >&2; exit 1
}

run_target() {  # target loop [fuse args...]
  local target=$1
  echo "== $target" >&2
  serve "$@"
  fio_layout "$MNT/bench.dat" "$SIZE"
  for row in randread-qd1 randread-qd16; do fio_row jnr "$target" "$row" "$MNT/bench.dat"; done
  meta_row jnr "$target" "$MNT"
  umount "$MNT"
  wait "$SERVER_PID" || true
  SERVER_PID=
}

run_target jnr-fuse jnr
run_target bridge-uring uringfuse -o transport=uring
grep -q '^mounted uring' "$WORK/bridge-uring.log" || { echo "bridge did not run over io_uring" >&2; exit 1; }
run_target bridge-classic uringfuse -o transport=classic

summarize "$OUT" jnr jnr-fuse bridge-uring bridge-classic
