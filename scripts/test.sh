#!/usr/bin/env bash
# Runs uringfuse's test suite against the real kernel: real rings, real mounts, real files.
# Needs root (mounts, test users, the io_uring sysctl test, enable_uring); re-runs itself with sudo
# otherwise. Installs the tools the tests use (fio, attr, acl, fuse3, libfuse2...) when missing.
# Extra arguments go to Maven (for example: -pl ring-core, -Dtest=EventLoopTest).
# By default a missing io_uring or FUSE-over-io_uring fails the run (UF_REQUIRE_URING=1); on a
# machine that lacks them, UF_REQUIRE_URING=0 turns those failures into skips.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "test.sh: run as root (sudo is not installed)" >&2; exit 1; }
  exec sudo -E "$0" "$@"
fi
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)

# What the tests run besides Java: command -> package (Debian name; dnf names where they differ).
# Installed with apt-get or dnf when missing; without either, the run stops with the list.
need_commands=(fio:fio setfattr:attr getfattr:attr setfacl:acl fusermount3:fuse3 mkfs.ext4:e2fsprogs
  losetup:util-linux ps:procps /usr/bin/python3:python3)
missing=()
for pair in "${need_commands[@]}"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg")
done
# libfuse2 (the jnr-fuse baseline) and liburing (the C ring benchmark's header) are libraries
ls /usr/lib/*/libfuse.so.2* /lib/*/libfuse.so.2* >/dev/null 2>&1 || missing+=(libfuse2)
[ -e /usr/include/liburing.h ] || missing+=(liburing-dev)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "test.sh: installing ${missing[*]}"
  if command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}" >/dev/null; }
  elif command -v dnf >/dev/null; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sed 's/^libfuse2$/fuse-libs/; s/^liburing-dev$/liburing-devel/')
    dnf install -y -q "${missing[@]}"
  else
    echo "test.sh: install these first: ${missing[*]}" >&2
    exit 1
  fi
fi

# shellcheck source=find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"

# FUSE-over-io_uring is off until the fuse module's parameter says Y.
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
# Users' mounts (fusermount3) open /dev/fuse themselves: udev makes it 0666; minimal machines may not.
[ -c /dev/fuse ] && chmod 0666 /dev/fuse
if [ -w /sys/module/fuse/parameters/enable_uring ]; then
  echo Y > /sys/module/fuse/parameters/enable_uring
fi

export UF_REQUIRE_URING=${UF_REQUIRE_URING:-1}
echo "test.sh: JDK $JAVA_HOME, kernel $(uname -r), enable_uring=$(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null || echo absent), UF_REQUIRE_URING=$UF_REQUIRE_URING"
cd "$ROOT"
exec ./mvnw -B verify "$@"
