# Shared helpers for demo.sh and test.sh (sourced, not run).

# Installs the JDK, Maven and the C toolchain with apt-get when they are missing (as root).
ensure_build_tools() {
  local need=()
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
  command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  command -v make >/dev/null 2>&1 || need+=(make)
  command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "missing: ${need[*]} — install them (as root: apt-get install ${need[*]})" >&2
      exit 2
    fi
    echo "== installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
}

# Installs strace with apt-get when it is missing (as root); the VM's tracer check runs it.
ensure_strace() {
  command -v strace >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing: strace — install it (as root: apt-get install strace)" >&2
    exit 2
  fi
  echo "== installing strace"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends strace
}

# Installs perf (Debian 12: linux-perf) with apt-get when it is missing and this runs as root; the
# echo demo counts the server's system calls with it. Never fails: without perf (or not as root),
# the demo's crossings/msg column says n/a and why.
ensure_perf() {
  command -v perf >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    return 0
  fi
  echo "== installing linux-perf (the demo's kernel-crossing count)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf; } \
    || echo "could not install linux-perf: the demo's crossings/msg will say n/a" >&2
}

project_version() {
  sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1
}

provider_jar() {
  echo "provider/target/flexsc-nio-$(project_version)-all.jar"
}

# The JDK 25 the suites also run on: $FLEXSC_JDK25, Temurin's, or any JDK 25 under /usr/lib/jvm.
# Prints its home, or nothing.
find_jdk25() {
  local c
  if [ -n "${FLEXSC_JDK25:-}" ] && ! is_jdk25 "$FLEXSC_JDK25"; then
    echo "FLEXSC_JDK25=$FLEXSC_JDK25 is not a JDK 25: ignored" >&2
  fi
  for c in "${FLEXSC_JDK25:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-25-* /usr/lib/jvm/*25*; do
    if [ -n "$c" ] && is_jdk25 "$c"; then
      echo "$c"
      return 0
    fi
  done
}

is_jdk25() {
  [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | head -n 1 | grep -Eq '"25([."]|$)'
}
