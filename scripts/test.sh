#!/usr/bin/env bash
# Runs uringfuse's test suite against the real kernel: real rings, real mounts, real files.
# Needs root (mounts, the io_uring sysctl test, enable_uring); re-runs itself with sudo otherwise.
# Extra arguments go to Maven (for example: -pl ring-core, -Dtest=EventLoopTest).
# By default a missing io_uring or FUSE-over-io_uring fails the run (UF_REQUIRE_URING=1); on a
# machine that lacks them, UF_REQUIRE_URING=0 turns those failures into skips.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "test.sh: run as root (sudo is not installed)" >&2; exit 1; }
  exec sudo -E "$0" "$@"
fi
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"

# FUSE-over-io_uring is off until the fuse module's parameter says Y.
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
if [ -w /sys/module/fuse/parameters/enable_uring ]; then
  echo Y > /sys/module/fuse/parameters/enable_uring
fi

export UF_REQUIRE_URING=${UF_REQUIRE_URING:-1}
echo "test.sh: JDK $JAVA_HOME, kernel $(uname -r), enable_uring=$(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null || echo absent), UF_REQUIRE_URING=$UF_REQUIRE_URING"
cd "$ROOT"
exec ./mvnw -B verify "$@"
