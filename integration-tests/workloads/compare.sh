#!/usr/bin/env bash
# Runs the fio profiles against a backing directory and against uringfuse mounts of it on each
# transport (and a jnr-fuse passthrough when bench's jar is built), and prints each target's IOPS
# as a ratio of the backing directory's, from one run.
#
# usage: sudo compare.sh SOURCE_DIR [--seconds N] [--size SIZE]
set -euo pipefail
usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case $1 in -h|--help) usage; exit 0 ;; esac
SRC=$(readlink -f "$1"); shift
ARGS=("$@")
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "compare.sh: run as root (it mounts)" >&2; exit 1; }
[ -d "$SRC" ] || { echo "compare.sh: $SRC is not a directory" >&2; exit 2; }
WORK=$(mktemp -d)
MNT=$WORK/mnt
mkdir -p "$MNT"
PEER=
cleanup() {
  [ -n "$PEER" ] && kill "$PEER" 2>/dev/null || true
  mountpoint -q "$MNT" && { umount "$MNT" 2>/dev/null || umount -l "$MNT"; } || true
  # --one-file-system: never descend into a mount that is still there (it would delete SOURCE)
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

run_target() {  # name dir
  mkdir -p "$WORK/$1"
  echo "== $1" >&2
  "$HERE/fio-profiles.sh" "$2" "${ARGS[@]}" --json-dir "$WORK/$1" >&2
}

run_target backing "$SRC"
for t in uring classic; do
  "$ROOT/uringfuse" mount "$SRC" "$MNT" --transport "$t" --log-file "$WORK/uringfuse.log" >&2
  run_target "uringfuse-$t" "$MNT"
  "$ROOT/uringfuse" umount "$MNT"   # umount2: the mount is gone when it returns
done
JAR=$ROOT/benchmarks/target/benchmarks.jar
if [ -f "$JAR" ] && ldconfig -p | grep -q 'libfuse.so.2'; then
  source "$ROOT/scripts/find-jdk.sh"
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" org.uringfuse.bench.JnrPassthrough "$SRC" "$MNT" \
    > "$WORK/jnr.log" 2>&1 &
  PEER=$!
  for _ in $(seq 100); do mountpoint -q "$MNT" && break; sleep 0.1; done
  mountpoint -q "$MNT" || { cat "$WORK/jnr.log" >&2; echo "compare.sh: the jnr-fuse peer did not mount" >&2; exit 1; }
  run_target jnr-fuse "$MNT"
  umount "$MNT"; wait "$PEER" 2>/dev/null || true; PEER=
else
  echo "compare.sh: jnr-fuse peer skipped (build benchmarks/ and install libfuse2 to include it)" >&2
fi

python3 - "$WORK" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
targets = [t for t in ["backing", "uringfuse-uring", "uringfuse-classic", "jnr-fuse"] if os.path.isdir(f"{work}/{t}")]
def iops(path):
    j = json.load(open(path))["jobs"][0]
    return j["write"]["iops"] if "randwrite" in path else j["read"]["iops"] + j["write"]["iops"]
profiles = sorted(os.path.basename(p)[:-5] for p in glob.glob(f"{work}/backing/*.json"))
print(f"{'profile':<18}" + "".join(f"{t:>20}" for t in targets))
for p in profiles:
    base = iops(f"{work}/backing/{p}.json")
    cells = [f"{base:>20,.0f}"] + [f"{iops(f'{work}/{t}/{p}.json') / base:>19.2f}x" for t in targets[1:]]
    print(f"{p:<18}" + "".join(cells))
PY
