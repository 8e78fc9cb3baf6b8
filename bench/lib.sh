# Shared helpers for the benchmark scripts: JDK discovery and building the benchmark jar.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"

# fio_preflight NAME [libfuse2]: what every fio benchmark needs (root, fio, libfuse2 when a jnr-fuse
# peer runs), then FUSE-over-io_uring switched on.
fio_preflight() {
  local name=$1
  [ "$(id -u)" = 0 ] || { echo "$name: run as root" >&2; exit 1; }
  command -v fio >/dev/null || { echo "$name: fio missing (apt-get install -y fio)" >&2; exit 1; }
  if [ "${2:-}" = libfuse2 ]; then
    [ -e /usr/lib/x86_64-linux-gnu/libfuse.so.2 ] || [ -e /lib/x86_64-linux-gnu/libfuse.so.2 ] \
      || { echo "$name: libfuse2 missing (apt-get install -y libfuse2)" >&2; exit 1; }
  fi
  echo Y > /sys/module/fuse/parameters/enable_uring
}

build_benchmarks() {
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl benchmarks,testkit -am) >&2
}

# fio_row PREFIX TARGET ROW FILE: one fio row (O_DIRECT, ioengine io_uring) into $OUT/PREFIX-TARGET-ROW.json.
# Rows: randread-qd1, randread-qd16, randread-qd16x2, seqread-128k, randwrite-qd1. Needs OUT, SECS, SIZE.
fio_row() {
  local prefix=$1 target=$2 row=$3 file=$4 args
  case $row in
    randread-qd1) args=(--rw=randread --bs=4k --iodepth=1 --numjobs=1) ;;
    randread-qd16) args=(--rw=randread --bs=4k --iodepth=16 --numjobs=1) ;;
    randread-qd16x2) args=(--rw=randread --bs=4k --iodepth=16 --numjobs=2) ;;
    seqread-128k) args=(--rw=read --bs=128k --iodepth=4 --numjobs=1) ;;
    randwrite-qd1) args=(--rw=randwrite --bs=4k --iodepth=1 --numjobs=1) ;;
  esac
  fio --name="$row" --filename="$file" --size="$SIZE" --direct=1 --ioengine=io_uring \
    "${args[@]}" --group_reporting --time_based --runtime="$SECS" --ramp_time=2 \
    --output-format=json > "$OUT/$prefix-$target-$row.json"
}

# fio_layout FILE SIZE: writes the data file once (1 MiB O_DIRECT writes), before a target is measured.
fio_layout() {
  fio --name=layout --filename="$1" --size="$2" --rw=write --bs=1m --direct=1 --output-format=terse >/dev/null
}

# meta_row PREFIX TARGET DIR: the metadata loop (create, stat, unlink 3,000 files, one at a time)
# into $OUT/PREFIX-TARGET-metadata.json. One untimed pass first, as fio's ramp time does for the
# I/O rows: a JVM server's create/unlink paths are otherwise measured while still interpreted.
meta_row() {
  python3 - "$3" "$OUT/$1-$2-metadata.json" <<'PY'
import json, os, sys, time
d, out = sys.argv[1], sys.argv[2]
work = os.path.join(d, "meta")
os.makedirs(work, exist_ok=True)
n = 3000
def loop():
    for i in range(n):
        p = os.path.join(work, f"f{i}")
        os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o644))
        os.stat(p)
        os.unlink(p)
loop()  # warm-up pass, not timed
t0 = time.perf_counter()
loop()
dt = time.perf_counter() - t0
os.rmdir(work)
json.dump({"ops_per_s": 3 * n / dt}, open(out, "w"))
PY
}

# summarize OUT PREFIX BASELINE TARGET...: a table of IOPS and p50/p99 per row and target, with each
# target's ratio to the baseline and the first two targets' ratio; metadata rows when present.
summarize() {
  python3 - "$@" <<'PY'
import json, os, sys
out, prefix, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = ["randread-qd1", "randread-qd16", "randread-qd16x2", "seqread-128k", "randwrite-qd1", "metadata"]
res = {}
for t in targets:
    for r in rows:
        path = f"{out}/{prefix}-{t}-{r}.json"
        if not os.path.exists(path):
            continue
        j = json.load(open(path))
        if r == "metadata":
            res[(t, r)] = (j["ops_per_s"], None, None)
            continue
        side = j["jobs"][0]["write" if "write" in r else "read"]
        pct = side["clat_ns"]["percentile"]
        res[(t, r)] = (side["iops"], pct["50.000000"] / 1000, pct["99.000000"] / 1000)
print(f"== {prefix}: fio O_DIRECT (ioengine io_uring); metadata = create+stat+unlink of 3000 files; one run")
base = targets[0]
for r in rows:
    if (base, r) not in res:
        continue
    for t in targets:
        v, p50, p99 = res[(t, r)]
        lat = f"  p50={p50:8.1f}us p99={p99:8.1f}us" if p50 is not None else ""
        print(f"{r:<16} {t:<18} {'ops/s' if p50 is None else 'iops'}={v:>10,.0f}{lat}")
    ratios = [f"{t}/{base}={res[(t, r)][0] / res[(base, r)][0]:.2f}x" for t in targets[1:]]
    a = targets[1]
    for b in targets[2:]:
        ratios.append(f"{a}/{b}={res[(a, r)][0] / res[(b, r)][0]:.2f}x")
    print(f"{r:<16} ratios: " + "  ".join(ratios))
PY
}
