#!/usr/bin/env bash
# uringfuse against its peers, side by side in one run: every target mounted at once over the same
# backing store, each row in interleaved rounds, medians, ratios to native and to the peers, and
# server CPU time per request (bench/peer_bench.py has the details).
#
# usage: sudo PASSTHROUGH_HP=/path/to/passthrough_hp bench/peer-bench.sh [--backing tmpfs|DIR]
#          [--image] [--secs N] [--rounds N] [--rows a,b] [--targets a,b] [--baseline CHECKOUT]
#          [--equal-load [--equal-load-rounds N]] [--user-time [--user-time-rate IOPS]]
#          (--help for all; --baseline adds baseline-uring/classic targets from another checkout;
#          --equal-load adds each row at the same offered IOPS for every server: CPU per request at equal load)
# Directory rows compare native, uringfuse (uring, classic), libfuse 3.19's example/passthrough_hp
# (--nopassthrough --nocache, with and without -o io_uring) and a jnr-fuse 0.5.8 passthrough;
# --image compares a raw image, uringfuse's image export (cache=none) and qemu-storage-daemon's FUSE
# export (aio=io_uring, cache.direct=on).
# PASSTHROUGH_HP: build it yourself from a libfuse 3.19 source tree, outside this repository
# (meson setup build -Dexamples=true with liburing-dev installed; ninja -C build).
# needs: root, fio, python3, libfuse2 (jnr-fuse), qemu-system-common (--image), linux-perf (--user-time), enable_uring=Y
set -euo pipefail
source "$(dirname "$0")/lib.sh"
case " $* " in *" --image "*) fio_preflight peer-bench ;; *) fio_preflight peer-bench libfuse2 ;; esac
(cd "$ROOT" && ./mvnw -B -q -DskipTests package) >&2
export JAVA
exec python3 "$ROOT/bench/peer_bench.py" "$@"
