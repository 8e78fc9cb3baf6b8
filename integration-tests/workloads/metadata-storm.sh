#!/usr/bin/env bash
# Metadata storm against any directory: create, stat, rename and unlink many small files, and list
# directories, each phase timed. Prints one result table (operations per second).
#
# usage: metadata-storm.sh DIR [--files N] [--dirs N]
#   --files N   files per directory (default 1000)
#   --dirs N    directories (default 4)
set -euo pipefail
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case $1 in -h|--help) usage; exit 0 ;; esac
DIR=$1; shift
FILES=1000; DIRS=4
while [ $# -gt 0 ]; do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    --dirs) DIRS=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "metadata-storm.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -d "$DIR" ] || { echo "metadata-storm.sh: $DIR is not a directory" >&2; exit 2; }
timeout 600 python3 - "$DIR" "$FILES" "$DIRS" <<'PY'
import os, shutil, sys, time
root, files, dirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
work = os.path.join(root, "uringfuse-metadata-storm")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
names = [(os.path.join(work, f"d{d}"), f"f{i}") for d in range(dirs) for i in range(files)]
for d in range(dirs):
    os.makedirs(os.path.join(work, f"d{d}"))
def phase(label, fn, count):
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:<10} {count:>8} ops {count / dt:>12,.0f} ops/s")
print(f"{'phase':<10} {'count':>8}     {'rate':>12}")
phase("create", lambda: [os.close(os.open(os.path.join(d, n), os.O_CREAT | os.O_WRONLY, 0o644)) for d, n in names], len(names))
phase("stat", lambda: [os.stat(os.path.join(d, n)) for d, n in names], len(names))
phase("list", lambda: [os.listdir(os.path.join(work, f"d{d}")) for d in range(dirs) for _ in range(10)], dirs * 10)
phase("rename", lambda: [os.rename(os.path.join(d, n), os.path.join(d, n + ".r")) for d, n in names], len(names))
phase("unlink", lambda: [os.unlink(os.path.join(d, n + ".r")) for d, n in names], len(names))
for d in range(dirs):
    os.rmdir(os.path.join(work, f"d{d}"))
os.rmdir(work)
PY
