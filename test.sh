#!/usr/bin/env bash
# Runs every test: the Maven suites on this machine (every engine it can run), then, inside a QEMU
# guest running a real Debian kernel, the kernel module's selftests (test-vm/run.sh) and the Java
# suites on the kmod engine (test-vm/java-suites.sh). Installs what it needs
# (Maven dependencies; Debian packages via apt-get when run as root). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh
ensure_build_tools

status=0
echo "== 1/3 Maven: mvn -B verify"
if ! mvn -B verify; then
  status=1
fi

echo "== 2/3 kernel module selftests in QEMU: test-vm/run.sh"
if ! bash test-vm/run.sh --quiet; then
  status=1
fi

echo "== 3/3 Java suites and the demo in QEMU on the kmod engine: test-vm/java-suites.sh"
if ! bash test-vm/java-suites.sh; then
  status=1
fi

if [ "$status" -eq 0 ]; then
  echo "== ALL TESTS PASSED"
else
  echo "== SOME TESTS FAILED (see above)"
fi
exit "$status"
