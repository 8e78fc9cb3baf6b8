# Shared helpers for the benchmark scripts: JDK discovery and building the benchmark jar.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"

build_benchmarks() {
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl benchmarks -am) >&2
}
