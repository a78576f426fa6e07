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

project_version() {
  sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1
}

provider_jar() {
  echo "provider/target/flexsc-nio-$(project_version)-all.jar"
}
