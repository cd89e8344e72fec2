#!/usr/bin/env bash
# Resolves an Apache Kafka broker and its tools from Maven Central, pinned by tools/kafka/pom.xml, into a
# cache outside the work tree:
#
#   ${CCLOUD_DR_CACHE:-$HOME/.cache/ccloud-dr-actions}/kafka/<kafka version>/lib/*.jar
#
# Maven's local repository is ${CCLOUD_DR_CACHE:-$HOME/.cache/ccloud-dr-actions}/m2. A run that finds the
# lib folder complete for this very pom.xml (its sha256 in lib/.complete) exits at once.
#
# The jars are copied into a temporary folder next to lib and renamed when complete and checked, so an
# interrupted run never leaves a folder that looks done.
#
# Usage: tools/kafka/build.sh [--print-lib-dir]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom="$here/pom.xml"
prop() { sed -n "s:.*<$1>\([^<]*\)</$1>.*:\1:p" "$pom" | head -n 1; }
KAFKA_VERSION="$(prop kafka.version)"
LOG4J_VERSION="$(prop log4j.version)"
CACHE_ROOT="${CCLOUD_DR_CACHE:-$HOME/.cache/ccloud-dr-actions}"
KAFKA_LIB_DIR="$CACHE_ROOT/kafka/$KAFKA_VERSION/lib"
M2="$CACHE_ROOT/m2"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:$(sed -n '/maven-dependency-plugin/{n;s:.*<version>\([^<]*\)</version>.*:\1:p}' "$pom")"

if [[ "${1:-}" == "--print-lib-dir" ]]; then
  echo "$KAFKA_LIB_DIR"
  exit 0
fi

pom_sum="$(sha256sum "$pom" | cut -d' ' -f1)"
if [[ -f "$KAFKA_LIB_DIR/.complete" && "$(cat "$KAFKA_LIB_DIR/.complete")" == "$pom_sum" ]]; then
  echo "[build] kafka $KAFKA_VERSION present in $KAFKA_LIB_DIR"
  exit 0
fi

total_start=$(date +%s)
step_start=0
step_begin() {
  step_start=$(date +%s)
  echo "[build] $1 ..."
}
step_end() {
  echo "[build] $1: $(($(date +%s) - step_start)) s"
}

for tool in java mvn; do
  command -v "$tool" >/dev/null || {
    echo "[build] '$tool' is not on PATH: install a JDK 17+ and Maven 3.6.3+" >&2
    exit 1
  }
done
mvn_args=(-B -ntp -Dstyle.color=never -Dmaven.repo.local="$M2" -f "$pom")
# Maven 3.8 prints colour resets (ESC[0m) even in batch and quiet mode: strip them. pipefail keeps Maven's status.
mvn_quiet() { mvn "${mvn_args[@]}" -q "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; }
echo "[build] $(java -version 2>&1 | head -n 1), $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
echo "[build] kafka_2.13 $KAFKA_VERSION, log4j $LOG4J_VERSION into $KAFKA_LIB_DIR (maven repository $M2)"
mkdir -p "$M2"

# 1. The pinned versions must be served.
step_begin "check versions"
failed=0
for artifact in "org.apache.kafka:kafka_2.13:$KAFKA_VERSION:pom" "org.apache.logging.log4j:log4j-core:$LOG4J_VERSION:pom"; do
  if out="$(mvn_quiet "$DEPENDENCY_PLUGIN:get" -Dartifact="$artifact" -Dtransitive=false)"; then
    echo "[build]   $artifact served"
  else
    echo "[build]   $artifact NOT served:" >&2
    echo "$out" | tail -n 20 >&2
    failed=1
  fi
done
if [[ $failed -ne 0 ]]; then
  echo "[build] a pinned version is not served; pick one listed in https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/maven-metadata.xml and update tools/kafka/pom.xml" >&2
  exit 1
fi
step_end "check versions"

# 2. Resolve and copy the run-time class path (validate runs the enforcer: every plugin pinned).
mkdir -p "$(dirname "$KAFKA_LIB_DIR")"
tmp="$KAFKA_LIB_DIR.partial.$$"
# shellcheck disable=SC2064
trap "rm -rf '$tmp'" EXIT
step_begin "resolve and copy dependencies"
mvn_quiet validate "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$tmp"
step_end "resolve and copy dependencies"

# 3. Checks: the broker jar, one slf4j-api and the Log4j2 binding that belongs to its major version.
step_begin "check class path"
[[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || {
  echo "[build] kafka_2.13-$KAFKA_VERSION.jar missing in $tmp" >&2
  exit 1
}
mapfile -t slf4j < <(cd "$tmp" && ls slf4j-api-*.jar 2>/dev/null)
if [[ ${#slf4j[@]} -ne 1 ]]; then
  echo "[build] expected exactly one slf4j-api jar, found: ${slf4j[*]:-none}" >&2
  exit 1
fi
case "${slf4j[0]}" in
  slf4j-api-1.*) want="log4j-slf4j-impl" unwanted="log4j-slf4j2-impl" ;;
  *) want="log4j-slf4j2-impl" unwanted="log4j-slf4j-impl" ;;
esac
if [[ ! -f "$tmp/$want-$LOG4J_VERSION.jar" || -n "$(cd "$tmp" && ls "$unwanted"-*.jar 2>/dev/null)" ]]; then
  echo "[build] ${slf4j[0]} needs the binding $want (and not $unwanted); fix tools/kafka/pom.xml" >&2
  exit 1
fi
echo "[build]   ${slf4j[0]} with $want-$LOG4J_VERSION.jar"
step_end "check class path"

echo "$pom_sum" >"$tmp/.complete"
rm -rf "$KAFKA_LIB_DIR"
mv "$tmp" "$KAFKA_LIB_DIR"
trap - EXIT

echo "[build] total: $(($(date +%s) - total_start)) s"
echo "[build] $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars, $(du -sh "$KAFKA_LIB_DIR" | cut -f1) in $KAFKA_LIB_DIR; maven repository $(du -sh "$M2" | cut -f1)"
