#!/usr/bin/env bash
# Source-tree workload against any directory: unpack a generated tree (tar), walk it the way a
# build does (find, stat, read every file), then delete it; each phase timed. Prints one table.
#
# usage: source-tree.sh DIR [--files N]
#   --files N   files in the generated tree (default 5000, spread over nested directories)
set -euo pipefail
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case $1 in -h|--help) usage; exit 0 ;; esac
DIR=$1; shift
FILES=5000
while [ $# -gt 0 ]; do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "source-tree.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -d "$DIR" ] || { echo "source-tree.sh: $DIR is not a directory" >&2; exit 2; }
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
python3 - "$STAGE/tree" "$FILES" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
for i in range(n):
    d = os.path.join(root, f"pkg{i % 37}", f"mod{i % 11}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i}.c"), "w") as f:
        f.write(("/* generated */\nint f%d(void) { return %d; }\n" % (i, i)) * rnd.randint(1, 60))
PY
tar -C "$STAGE" -cf "$STAGE/tree.tar" tree
WORK=$DIR/uringfuse-source-tree
rm -rf "$WORK"; mkdir -p "$WORK"
t() { local s e; s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
printf '%-8s %10s\n' phase ms
printf '%-8s %10s\n' unpack "$(t timeout 600 tar -C "$WORK" -xf "$STAGE/tree.tar")"
printf '%-8s %10s\n' walk "$(t timeout 600 sh -c "find '$WORK' -type f -exec cat {} + | wc -c >/dev/null && find '$WORK' -exec stat -c %s {} + >/dev/null")"
COUNT=$(find "$WORK" -type f | wc -l)
printf '%-8s %10s\n' delete "$(t timeout 600 rm -rf "$WORK")"
[ "$COUNT" = "$FILES" ] || { echo "source-tree.sh: expected $FILES files after unpack, found $COUNT" >&2; exit 1; }
