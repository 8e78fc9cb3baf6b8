#!/usr/bin/env bash
# fsx (xfstests' ltp/fsx) against any directory: random reads, writes, truncates, mmaps, fallocate
# modes and copy_file_range on one file, every result checked against an in-memory model. Runs
# buffered and then O_DIRECT (-Z, 4 KiB aligned); prints one line per run and fails on the first
# mismatch (fsx's log and the bad file stay in DIR for a look).
#
# usage: fsx.sh DIR [--ops N] [--seed S]
#   --ops N    operations per run (default 1000000)
#   --seed S   random seed (default 1)
# needs: an fsx binary as $FSX or on PATH. xfstests is not packaged by Debian; build it from an
#        xfstests tree: gcc -D_GNU_SOURCE -DURING -I. -Isrc -Iinclude ltp/fsx.c -luring (with a
#        small config.h, see the closing note of issue 13) or ./configure && make -C ltp.
set -euo pipefail
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case $1 in -h|--help) usage; exit 0 ;; esac
DIR=$1; shift
OPS=1000000; SEED=1
while [ $# -gt 0 ]; do
  case $1 in
    --ops) OPS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fsx.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
FSX=${FSX:-$(command -v fsx || true)}
[ -x "$FSX" ] || { echo "fsx.sh: no fsx binary (set FSX=/path/to/fsx)" >&2; exit 2; }
[ -d "$DIR" ] || { echo "fsx.sh: $DIR is not a directory" >&2; exit 2; }
cd "$DIR"
for mode in buffered direct; do
  flags=()
  # O_DIRECT without mapped reads and writes, as xfstests runs it (-R -W): mmap and O_DIRECT are not coherent
  [ $mode = direct ] && flags=(-Z -R -W -r 4096 -t 4096 -w 4096)
  start=$(date +%s)
  if "$FSX" -q -N "$OPS" -S "$SEED" -l 262144 "${flags[@]}" "fsx-$mode.dat" > "fsx-$mode.out" 2>&1; then
    printf 'fsx %-8s %d ops, seed %s: clean (%d s)\n' "$mode" "$OPS" "$SEED" $(( $(date +%s) - start ))
    rm -f "fsx-$mode.dat" "fsx-$mode.dat."* "fsx-$mode.out"
  else
    printf 'fsx %-8s FAILED after %d s; see %s/fsx-%s.out\n' "$mode" $(( $(date +%s) - start )) "$DIR" "$mode"
    tail -30 "fsx-$mode.out" >&2
    exit 1
  fi
done
