#!/usr/bin/env bash
# Runs every test: the Maven suites on this machine (every engine it can run) on JDK 17 and on JDK 25,
# then, inside a QEMU guest running a real Debian kernel, the kernel module's selftests
# (test-vm/run.sh) and the Java suites on the kmod engine (test-vm/java-suites.sh). Installs what it
# needs (Maven dependencies; Debian packages via apt-get when run as root). Exits non-zero on any
# failure.
#
# JDK 25: $FLEXSC_JDK25, else /usr/lib/jvm/temurin-25-jdk-amd64, else any /usr/lib/jvm/*-25-*. Debian 12
# packages no JDK 25, so a machine without one runs the JDK 17 suites and says loudly, at the start
# and in the last line, that JDK 25 was NOT TESTED; under CI (CI=true) or FLEXSC_REQUIRE_JDK25=1 a
# missing JDK 25 fails the run.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh
ensure_build_tools

jdk25=$(find_jdk25)
if [ -z "$jdk25" ]; then
  echo "*** JDK 25 NOT FOUND: the Maven suites will run on JDK 17 only; JDK 25 is NOT TESTED" \
       "(set FLEXSC_JDK25=/path/to/jdk-25)" >&2
  if [ "${CI:-}" = true ] || [ "${FLEXSC_REQUIRE_JDK25:-}" = 1 ]; then
    echo "*** a JDK 25 is required here (CI=true or FLEXSC_REQUIRE_JDK25=1): failing" >&2
    exit 1
  fi
fi

status=0
failed=()     # the stages that failed, named in the last lines (CI shows only the end of the output)
logs=$(mktemp -d "${TMPDIR:-/tmp}/flexsc-test.XXXXXX")

# stage NAME LOG COMMAND...: runs COMMAND with its output also in $logs/LOG; a failure is recorded
stage() {
  local name=$1 log=$logs/$2
  shift 2
  if ! "$@" 2>&1 | tee "$log"; then
    status=1
    failed+=("$name")
  fi
}

# The failing tests of a Maven run and its first ERROR lines, from its log
maven_failures() {
  grep -E '<<< (FAILURE|ERROR)!|^\[ERROR\] (Tests run:|Failed to execute|  [A-Za-z])' "$1" \
    | grep -v -- '-- Time elapsed' | head -n 25 || true
}

echo "== 1/4 Maven on JDK 17: mvn -B verify"
stage "1/4 Maven on JDK 17" mvn17.log mvn -B verify

if [ -n "$jdk25" ]; then
  echo "== 2/4 Maven on JDK 25 ($jdk25): mvn -B verify"
  stage "2/4 Maven on JDK 25" mvn25.log env JAVA_HOME="$jdk25" mvn -B verify
else
  echo "== 2/4 Maven on JDK 25: NOT TESTED (no JDK 25 on this machine)"
fi

echo "== 3/4 kernel module selftests in QEMU: test-vm/run.sh"
stage "3/4 kernel module selftests in QEMU" vm.log bash test-vm/run.sh --quiet

echo "== 4/4 Java suites and the demo in QEMU on the kmod engine: test-vm/java-suites.sh"
stage "4/4 Java suites in QEMU" vm-java.log bash test-vm/java-suites.sh

if [ "$status" -ne 0 ]; then
  echo "== summary of the failures (the full output is above)"
  for f in "${failed[@]}"; do
    echo "== FAILED: $f"
    case "$f" in
      1/4*) maven_failures "$logs/mvn17.log" ;;
      2/4*) maven_failures "$logs/mvn25.log" ;;
      3/4*) grep -E 'FAIL|not ok|BUG:|WARNING:|Oops|INFRASTRUCTURE|TEST FAILURE' "$logs/vm.log" | head -n 25 || true ;;
      4/4*) grep -E 'FAIL|<<< |INFRASTRUCTURE|TEST FAILURE' "$logs/vm-java.log" | head -n 25 || true ;;
    esac
  done
fi
rm -rf "$logs"

if [ "$status" -eq 0 ] && [ -n "$jdk25" ]; then
  echo "== ALL TESTS PASSED (JDK 17 and JDK 25)"
elif [ "$status" -eq 0 ]; then
  echo "== ALL TESTS PASSED on JDK 17; JDK 25 NOT TESTED (no JDK 25 found)"
else
  echo "== SOME TESTS FAILED in: $(IFS=','; echo "${failed[*]}") (see above and the summary before this line)"
fi
exit "$status"
