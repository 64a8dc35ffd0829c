# Sourced by ./broker and .ci/run: find_jdk prints the home of a JDK >= 21, looking at JAVA_HOME,
# then the java on PATH, then /usr/lib/jvm/*; it fails with a message when there is none.

jdk_major() { # $1 = path to a java binary
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

find_jdk() {
  local candidates=() java home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  if command -v java >/dev/null 2>&1; then candidates+=("$(readlink -f "$(command -v java)")"); fi
  for home in /usr/lib/jvm/*; do [ -x "$home/bin/java" ] && candidates+=("$home/bin/java"); done
  for java in "${candidates[@]}"; do
    [ -x "$java" ] || continue
    [ -x "$(dirname "$java")/javac" ] || continue
    major=$(jdk_major "$java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      (cd "$(dirname "$java")/.." && pwd)
      return 0
    fi
  done
  echo "error: no JDK >= 21 found (looked at JAVA_HOME, PATH and /usr/lib/jvm). Install one, or set JAVA_HOME to it." >&2
  return 1
}
