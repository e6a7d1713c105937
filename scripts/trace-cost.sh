#!/usr/bin/env bash
# Zero cost when off (issue 14): `mmproto bench faults` of this tree (tracing off, as every run
# without --trace) interleaved with the same command at the last commit before tracing landed,
# built in a temporary worktree. Prints each pair and the median of the pairs' ratios.
#   scripts/trace-cost.sh [PAIRS] [BENCH ARGS...]     (default: 7 pairs, --size 256MiB --rounds 5 --warmup 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pairs="${1:-7}"
shift || true
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--machine single --size 256MiB --rounds 5 --warmup 3)
cd "$root"
# the commit that added the tracer; its parent is the engine without tracepoints
first="$(git log --diff-filter=A --format=%H -- framework-core/src/main/java/org/mmproto/core/trace/Tracer.java | tail -1)"
base="$(git rev-parse "$first^")"
tmp="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/base" "$base" >/dev/null 2>&1
echo "trace-cost: building HEAD $(git rev-parse --short HEAD) and base $(git rev-parse --short "$base") (before $(git rev-parse --short "$first"))" >&2
(cd "$root" && mvn -o -q -B -pl framework-core -am package -DskipTests >/dev/null)
(cd "$tmp/base" && mvn -o -q -B -pl framework-core -am package -DskipTests >/dev/null)
head_jar="$root/framework-core/target/mmproto.jar"
base_jar="$tmp/base/framework-core/target/mmproto.jar"
median_of() { java -jar "$1" bench faults --no-progress "${args[@]}" 2>/dev/null | sed -n 's/^median_round_faults_per_s=//p'; }
base_median_of() { java -jar "$1" bench faults "${args[@]}" 2>/dev/null | sed -n 's/^median_round_faults_per_s=//p'; }
ratios=()
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then h="$(median_of "$head_jar")"; b="$(base_median_of "$base_jar")"
  else b="$(base_median_of "$base_jar")"; h="$(median_of "$head_jar")"; fi
  r="$(awk -v h="$h" -v b="$b" 'BEGIN { printf "%.4f", h / b }')"
  ratios+=("$r")
  echo "pair $i: head ${h} faults/s, base ${b} faults/s, head/base ${r}"
done
med="$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
echo "median head/base over $pairs pairs: $med ($(date -u +%F), load average $(cut -d' ' -f1-3 /proc/loadavg))"
