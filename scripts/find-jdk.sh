# Finds a JDK that can run uringfuse (22+ for FFM; built and tested on 25) and exports JAVA_HOME
# and JAVA. Order: $JAVA_HOME if it is 22+, then /usr/lib/jvm/*25*, then any /usr/lib/jvm/* that is
# 22+. The machine's default `java` is never assumed.
# shellcheck shell=bash
uf_java_major() {  # prints the major version of the JDK at $1, or nothing
  local v=""
  if [ -f "$1/release" ]; then   # cheap: no JVM start, no process
    local line
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then v=${BASH_REMATCH[1]}; break; fi
    done < "$1/release"
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  fi
  echo "${v%%.*}"
}

uf_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major=$(uf_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 22 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(uf_find_jdk); then
  echo "uringfuse needs a JDK 22 or newer (built and tested on Java 25): none found in \$JAVA_HOME or /usr/lib/jvm." >&2
  echo "Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export JAVA="$JAVA_HOME/bin/java"
