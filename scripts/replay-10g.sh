#!/usr/bin/env bash
# Replays a 10 GiB valgrind lackey trace in a small fixed heap, to show that a trace streams in
# constant memory. The trace is made on the fly by scripts/LackeyGen.java and streamed through a
# named pipe (no 10 GiB file is written) into a `replay:` step on a two-tier machine: 1 GiB of
# DRAM with the CPUs and 4 GiB of CPU-less CXL memory, demotion on, NUMA balancing in tiering
# mode. The trace spans 1.5 GiB; the pages it writes (about 800 MiB) stay above node 0's
# watermarks, so this run measures the replay path, not reclaim (a 512 MiB node 0 makes kswapd
# demote, and the run far slower: see README, "Benchmarks"). Prints the step's line, the
# vmstat changes, wall time, accesses/s and the JVM's peak RSS (/usr/bin/time -v).
#
# usage: scripts/replay-10g.sh [BYTES]     BYTES a multiple of 16 (default 10 GiB)
#        REPLAY_HEAP=-Xmx256m (default) sets the JVM's heap
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bytes="${1:-10737418240}"
heap="${REPLAY_HEAP:--Xmx256m}"
work="$(mktemp -d /tmp/replay-10g.XXXXXX)"
gen=""
cleanup() {
  [ -n "$gen" ] && kill "$gen" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/mmproto" designs >/dev/null # builds the jar first when it is stale, outside the measurement

mkfifo "$work/trace.lackey"
cat > "$work/tier2.yaml" <<'YAML'
name: tier2
nodes:
  - nid: 0            # DRAM with the CPUs
    size: 1GiB
    cpus: 0-1
  - nid: 1            # CPU-less CXL memory, onlined movable: the lower tier
    size: 4GiB
    start: 4GiB       # ZONE_MOVABLE takes from ZONE_NORMAL's range (above 4 GiB)
    online: movable
distances:
  - [10, 30]
  - [30, 10]
YAML
cat > "$work/replay-10g.yaml" <<'YAML'
name: replay-10g
description: >-
  A 10 GiB synthetic lackey trace (scripts/LackeyGen.java) read from a named pipe and replayed
  on a 1 GiB DRAM + 4 GiB CXL machine with tiering on; the heap stays small however long the
  trace is.
machine: tier2.yaml
seed: 1
thp: never
tasks:
  - {name: app, cpu: 0}
steps:
  - tiering: {demotion_enabled: true, numa_balancing: 2}
  - replay: {trace: trace.lackey, task: app, speed: 0.001}
  - check: {}
YAML

java "$root/scripts/LackeyGen.java" "$bytes" > "$work/trace.lackey" &
gen=$!
start="$(date -u +%FT%TZ)"
status=0
MMPROTO_JAVA_OPTS="$heap" /usr/bin/time -v -o "$work/time.txt" \
  "$root/mmproto" run --no-progress "$work/replay-10g.yaml" > "$work/run.txt" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  kill "$gen" 2>/dev/null || true # it may still wait for a reader to open the pipe
fi
wait "$gen" || true
gen=""
cat "$work/run.txt"
wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")"
rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")"
secs="$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')"
accesses="$(grep -o '[0-9]* accesses (' "$work/run.txt" | head -1 | tr -dc 0-9)"
records="$(grep -o ': [0-9]* records' "$work/run.txt" | head -1 | tr -dc 0-9)"
echo "---"
echo "date: $start  trace: $bytes bytes of lackey text through a named pipe  heap: $heap"
echo "records: ${records:-?}  accesses: ${accesses:-?}  wall: $wall (${secs} s)"
if [ -n "$accesses" ] && [ -n "$secs" ]; then
  awk -v a="$accesses" -v r="$records" -v s="$secs" 'BEGIN { printf "accesses/s: %.2f M  records/s: %.2f M\n", a / s / 1e6, r / s / 1e6 }'
fi
echo "peak RSS of the JVM: $((rss_kb / 1024)) MiB (${rss_kb} kB)"
exit "$status"
