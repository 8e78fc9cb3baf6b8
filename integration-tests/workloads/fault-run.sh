#!/usr/bin/env bash
# Fault run: the server is killed under load, again and again, and nothing acknowledged is lost.
# Each round mounts SOURCE at MOUNTPOINT, starts 4 writer processes (each writes checksummed 4 KiB
# records to its own file and fsyncs each one; a record counts as acknowledged once its fsync
# returned, and is logged outside the mount), lets them run 1-3 s, then signals the server:
# SIGTERM rounds expect the server to end the mount itself; SIGKILL rounds expect auto_unmount (the
# command's default) to remove the dead mount within 15 s, then remount. After each round: every acknowledged record is intact in SOURCE, no
# process is left in D state, and nothing is mounted at MOUNTPOINT.
#
# usage: fault-run.sh SOURCE MOUNTPOINT [--rounds N] [--transport auto|uring|classic]
#   --rounds N   rounds per signal (default 20)
# needs: root, python3
set -euo pipefail
# the system's python when there is one: a version manager's shim can take seconds to start
python3() { if [ -x /usr/bin/python3 ]; then /usr/bin/python3 "$@"; else command python3 "$@"; fi; }
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 2 ] || { usage >&2; exit 2; }
case $1 in -h|--help) usage; exit 0 ;; esac
SRC=$(realpath "$1"); MNT=$(realpath "$2"); shift 2
ROUNDS=20; TRANSPORT=auto
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --transport) TRANSPORT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fault-run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "fault-run.sh: run as root (it mounts and kills the server)" >&2; exit 1; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ACKS=$(mktemp -d /tmp/uringfuse-fault.XXXXXX)
cleanup() {
  mountpoint -q "$MNT" && { umount "$MNT" 2>/dev/null || umount -l "$MNT"; } || true
  rm -rf --one-file-system "$ACKS"
}
trap cleanup EXIT

WRITER='
import os, struct, sys, zlib
path, ack, mnt = sys.argv[1], sys.argv[2], sys.argv[3]
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
if os.fstat(fd).st_dev != os.stat(mnt).st_dev:
    sys.exit("%s is not on the mount" % path)   # never write beside the mount
with open(ack, "w") as log:
    seq = 0
    while True:
        body = os.urandom(4088)
        rec = struct.pack("<II", seq, zlib.crc32(body)) + body
        try:
            os.pwrite(fd, rec, seq * 4096)
            os.fsync(fd)
        except OSError:
            break   # the server is gone: what was acknowledged must be there
        log.write("%d\n" % seq)
        log.flush()
        seq += 1
'
CHECK='
import os, struct, sys, zlib
path, ack = sys.argv[1], sys.argv[2]
acked = [int(l) for l in open(ack)]
if not acked:
    print(0); sys.exit(0)
data = open(path, "rb").read()
for seq in acked:
    rec = data[seq * 4096:(seq + 1) * 4096]
    if len(rec) < 4096:
        sys.exit("record %d of %s missing (file has %d bytes)" % (seq, path, len(data)))
    s, crc = struct.unpack("<II", rec[:8])
    if s != seq or zlib.crc32(rec[8:]) != crc:
        sys.exit("record %d of %s corrupt" % (seq, path))
print(len(acked))
'

d_state() { ps -eo stat=,pid=,comm= | awk '$1 ~ /^D/' ; }

total_acked=0
for sig in TERM KILL; do
  for round in $(seq "$ROUNDS"); do
    out=$("$ROOT/uringfuse" mount "$SRC" "$MNT" --transport "$TRANSPORT" --log-file "$ACKS/server.log")
    pid=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' <<< "$out")
    [ -n "$pid" ] || { echo "no server pid in: $out" >&2; tail -20 "$ACKS/server.log" >&2; exit 1; }
    writers=()
    for w in 1 2 3 4; do
      rm -f "$SRC/w$w-$sig-$round"
      python3 -c "$WRITER" "$MNT/w$w-$sig-$round" "$ACKS/ack-$w-$sig-$round" "$MNT" &
      writers+=($!)
    done
    # every writer has had a record acknowledged (python can take a while to start under load)
    for w in 1 2 3 4; do
      for _ in $(seq 600); do [ -s "$ACKS/ack-$w-$sig-$round" ] && break; sleep 0.1; done
      [ -s "$ACKS/ack-$w-$sig-$round" ] || { echo "round $sig $round: writer $w never got going" >&2; exit 1; }
    done
    sleep "$(( 1 + RANDOM % 3 ))"
    kill -"$sig" "$pid"
    for w in "${writers[@]}"; do
      timeout 60 tail --pid="$w" -f /dev/null || { echo "round $sig $round: a writer hung" >&2; exit 1; }
    done
    if [ "$sig" = KILL ]; then   # auto_unmount: the watcher unmounts the dead mount by itself
      for _ in $(seq 150); do mountpoint -q "$MNT" || break; sleep 0.1; done
    fi
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "round $sig $round: server still alive 30 s after SIG$sig" >&2; exit 1; }
    mountpoint -q "$MNT" && { echo "round $sig $round: still mounted after the server ended" >&2; exit 1; }
    stuck=$(d_state)
    [ -z "$stuck" ] || { echo "round $sig $round: processes in D state: $stuck" >&2; exit 1; }
    acked=0
    for w in 1 2 3 4; do
      n=$(python3 -c "$CHECK" "$SRC/w$w-$sig-$round" "$ACKS/ack-$w-$sig-$round")
      acked=$((acked + n))
      rm -f "$SRC/w$w-$sig-$round"
    done
    total_acked=$((total_acked + acked))
    printf 'SIG%-4s round %2d: %5d fsync-acknowledged records intact, no D state, no mount left\n' "$sig" "$round" "$acked"
  done
done
echo "fault run: $((2 * ROUNDS)) rounds ($ROUNDS SIGTERM, $ROUNDS SIGKILL), $total_acked acknowledged records, none lost"
