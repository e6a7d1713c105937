#!/usr/bin/env bash
# Runs the Byte Buddy tests (probes with the self-attached agent, the driver decorator, the fail
# points) on a second JDK, to check JDK 21/25 beside the build's 17. Not part of CI.
#   scripts/jdk-matrix.sh [JAVA_HOME]
# Without an argument: the first of /usr/lib/jvm/*-25-* or *-21-* found. On Debian/Ubuntu:
#   apt-get install openjdk-21-jdk-headless   (Debian 13 also has openjdk-25-jdk-headless)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jdk="${1:-}"
if [ -z "$jdk" ]; then
  for d in /usr/lib/jvm/*-25-* /usr/lib/jvm/*-21-*; do
    [ -x "$d/bin/java" ] && { jdk="$d"; break; }
  done
fi
if [ -z "$jdk" ] || [ ! -x "$jdk/bin/java" ]; then
  echo "jdk-matrix: no JDK 21/25 found; install openjdk-21-jdk-headless or pass its JAVA_HOME" >&2
  exit 2
fi
echo "jdk-matrix: $("$jdk/bin/java" -version 2>&1 | head -1) at $jdk" >&2
# JEP 451: a self-attached agent warns unless dynamic loading is enabled
cd "$root"
JAVA_HOME="$jdk" mvn -o -q -B -pl framework-core -am test \
  -Dtest='ProbeTest,ProbeCaptureTest,DriverDecoratorTest,FaultPointsTest,ProgressOffTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine='-XX:+EnableDynamicAgentLoading'
echo "jdk-matrix: probe and fault tests passed on $jdk" >&2
