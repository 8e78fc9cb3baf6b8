#!/usr/bin/env bash
# Start-up benchmark: time from exec of `uringfuse mount` to a live mount, for the default (detached)
# command and for --foreground, median of N runs (default 5). Target on this machine: under 0.5 s.
#
# usage: sudo bench/startup-bench.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${1:-5}
[ "$(id -u)" = 0 ] || { echo "startup-bench: run as root" >&2; exit 1; }
WORK=$(mktemp -d)
mkdir -p "$WORK/src" "$WORK/mnt"
trap 'mountpoint -q "$WORK/mnt" && { umount "$WORK/mnt" || umount -l "$WORK/mnt"; }; rm -rf --one-file-system "$WORK"' EXIT
"$ROOT/uringfuse" --version >/dev/null   # build and record the class archive first
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
detached=(); foreground=()
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  "$ROOT/uringfuse" mount "$WORK/src" "$WORK/mnt" --log-file "$WORK/log" >/dev/null
  detached+=("$(ms "$t0")")
  "$ROOT/uringfuse" umount "$WORK/mnt"   # umount2: the mount is gone when it returns
  t0=$(date +%s%N)
  # read the server's output as it comes (polling a file with grep would take a CPU from the JVM)
  coproc FG { exec "$ROOT/uringfuse" mount "$WORK/src" "$WORK/mnt" --foreground 2>&1; }
  while IFS= read -r line <&"${FG[0]}"; do [[ $line == "mounted "* ]] && break; done
  foreground+=("$(ms "$t0")")
  kill "$FG_PID"; wait "$FG_PID" || true
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "startup detached   median_ms=$(median "${detached[@]}")   runs: ${detached[*]}"
echo "startup foreground median_ms=$(median "${foreground[@]}")   runs: ${foreground[*]}"
