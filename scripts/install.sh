#!/usr/bin/env bash
# Installs uringfuse for the whole machine as a root-owned copy: /usr/local/lib/uringfuse (the
# launcher, its scripts and the built jars), /usr/local/bin/uringfuse and the mount(8) helper
# /sbin/mount.fuse.uringfuse (for mount -t fuse.uringfuse and /etc/fstab). A copy, not links into
# this checkout: root's mounts must not run code that the checkout's owner can still change.
# When the build is missing or stale it is built first, as the checkout's owner (never as root in
# someone else's tree). `scripts/install.sh --uninstall` removes it all. Needs root.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
DEST=/usr/local/lib/uringfuse
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
if [ "${1:-}" = "--uninstall" ]; then
  rm -f /usr/local/bin/uringfuse /sbin/mount.fuse.uringfuse
  rm -rf --one-file-system "$DEST"
  echo "removed $DEST, /usr/local/bin/uringfuse and /sbin/mount.fuse.uringfuse"
  exit 0
fi
owner=$(stat -c %U "$ROOT")
# The launcher builds when the jar is missing or older than a source; it runs as the checkout's
# owner here, so nothing is ever built as root in someone else's tree.
launcher=("$ROOT/uringfuse" --version)
if [ "$owner" != root ]; then
  launcher=(runuser -u "$owner" -- env HOME="$(getent passwd "$owner" | cut -d: -f6)" "${launcher[@]}")
fi
"${launcher[@]}" >/dev/null
tmp=$(mktemp -d /usr/local/lib/.uringfuse-install.XXXXXX)
trap 'rm -rf --one-file-system "$tmp"' EXIT
mkdir -p "$tmp/scripts" "$tmp/cli/target/lib"
cp "$ROOT/uringfuse" "$tmp/"
cp "$ROOT/scripts/find-jdk.sh" "$ROOT/scripts/mount.fuse.uringfuse" "$tmp/scripts/"
cp "$ROOT/cli/target/uringfuse.jar" "$tmp/cli/target/"
cp "$ROOT"/cli/target/lib/*.jar "$tmp/cli/target/lib/"
chown -R root:root "$tmp"
chmod -R go-w "$tmp"
chmod 755 "$tmp"
rm -rf --one-file-system "$DEST"
mv "$tmp" "$DEST"
trap - EXIT
ln -sfn "$DEST/uringfuse" /usr/local/bin/uringfuse
ln -sfn "$DEST/scripts/mount.fuse.uringfuse" /sbin/mount.fuse.uringfuse
echo "installed $DEST, /usr/local/bin/uringfuse and /sbin/mount.fuse.uringfuse"
