#!/usr/bin/env bash
# Runs the Byte Buddy tests (probes with the self-attached agent, the driver decorator, the fail
# points) on a second JDK, to check JDK 21/25 beside the build's 17. Not part of CI.
#   scripts/jdk-matrix.sh [JAVA_HOME]
# Without an argument: the first of /usr/lib/jvm/*-25-* or *-21-* found (this machine has
# temurin-25-jdk-amd64). On Debian/Ubuntu:
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
major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release" 2>/dev/null || true)"
# JEP 451: a self-attached agent warns unless dynamic loading is enabled; JEP 471/498 (23+/24+):
# Byte Buddy's agent calls sun.misc.Unsafe, allowed by the flag the launcher adds there too
flags="-XX:+EnableDynamicAgentLoading -Dguice_bytecode_gen_option=DISABLED"
[ "${major:-0}" -ge 23 ] && flags="$flags --sun-misc-unsafe-memory-access=allow"
cd "$root"
JAVA_HOME="$jdk" mvn -o -q -B -pl framework-core -am test \
  -Dtest='ProbeTest,ProbeCaptureTest,DriverDecoratorTest,FaultPointsTest,ProgressOffTest,NewerJdkWarningsTest' \
  -Dsurefire.failIfNoSpecifiedTests=false -DargLine="$flags"
echo "jdk-matrix: probe and fault tests passed on $jdk" >&2
# the CLI as the launcher starts it (its flags for --probe/--fail): no JVM warning on stderr
jar="$root/framework-core/target/mmproto.jar"
[ -f "$jar" ] || (JAVA_HOME="$jdk" mvn -o -q -B -pl framework-core -am package -DskipTests >/dev/null)
err="$("$jdk/bin/java" -XX:TieredStopAtLevel=1 $flags -cp "$jar" org.mmproto.core.cli.Main run default \
  --probe rmqueue --fail 'driver_hook:probability=100' 2>&1 >/dev/null | grep 'WARNING' || true)"
if [ -n "$err" ]; then
  echo "jdk-matrix: the CLI printed JVM warnings on $jdk:" >&2
  echo "$err" >&2
  exit 1
fi
echo "jdk-matrix: the CLI with --probe and --fail printed no JVM warning on $jdk" >&2
