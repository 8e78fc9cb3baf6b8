#!/usr/bin/env bash
# Builds the uringfuse container image on this project's machines, where no registry is reachable:
# starts Docker and the local base images with ../shared/containers/docker-setup.sh --jdk-image,
# gives the local JDK image this host's trust store (the build stage downloads Maven and the
# dependencies through the host's TLS setup), then runs `docker build -t uringfuse .`.
# Elsewhere simply: docker build --build-arg BUILD_IMAGE=eclipse-temurin:25-jdk \
#                                --build-arg BASE_IMAGE=debian:bookworm-slim -t uringfuse .
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
[ "$(id -u)" = 0 ] || { echo "docker-build.sh: run as root" >&2; exit 1; }
bash "$SHARED/containers/docker-setup.sh" --jdk-image
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp /etc/ssl/certs/java/cacerts "$ctx/cacerts"
printf 'FROM local/bookworm-jdk25:latest\nCOPY cacerts /etc/ssl/certs/java/cacerts\n' > "$ctx/Dockerfile"
docker build -q -t local/uringfuse-build:latest "$ctx" >/dev/null
docker build --build-arg BUILD_IMAGE=local/uringfuse-build:latest --build-arg BASE_IMAGE=local/bookworm:base \
  -t "${IMAGE:-uringfuse}" "$ROOT"
