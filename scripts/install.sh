#!/usr/bin/env bash
# Installs uringfuse for the whole machine: /usr/local/bin/uringfuse and the mount(8) helper
# /sbin/mount.fuse.uringfuse (for mount -t fuse.uringfuse and /etc/fstab), as links into this
# checkout. `scripts/install.sh --uninstall` removes them. Needs root.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
if [ "${1:-}" = "--uninstall" ]; then
  rm -f /usr/local/bin/uringfuse /sbin/mount.fuse.uringfuse
  echo "removed /usr/local/bin/uringfuse and /sbin/mount.fuse.uringfuse"
  exit 0
fi
ln -sfn "$ROOT/uringfuse" /usr/local/bin/uringfuse
ln -sfn "$ROOT/scripts/mount.fuse.uringfuse" /sbin/mount.fuse.uringfuse
echo "installed /usr/local/bin/uringfuse and /sbin/mount.fuse.uringfuse (links into $ROOT)"
