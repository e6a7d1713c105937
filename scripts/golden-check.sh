#!/usr/bin/env bash
# Golden-output check for behaviour-preserving changes: builds BASE (default: HEAD) in a scratch
# worktree and the working tree here, runs every bundled scenario with `run --format json` and
# `compare --format json` on both jars (same scenario files, same plugin jars), and diffs.
# Exit 0 when every output is byte-identical, 1 otherwise (the differing files are listed).
# Usage: scripts/golden-check.sh [BASE_REV]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:-HEAD}"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "golden-check: building $base and the working tree ..." >&2
git -C "$root" worktree add -q --detach "$work/base" "$base"
(cd "$work/base" && mvn -B -q -o package -DskipTests >/dev/null 2>&1 || mvn -B -q package -DskipTests >/dev/null)
(cd "$root" && mvn -B -q -o package -DskipTests >/dev/null 2>&1 || mvn -B -q package -DskipTests >/dev/null)

run_all() { # jar plugins-dir out-dir
  local jar="$1" plugins="$2" out="$3"
  mkdir -p "$out"
  # every bundled scenario, subdirectories included (scenarios/thread/, scenarios/rfc-selftests/);
  # --budget-ms 0 calls drivers inline: on a loaded machine a call could overrun the 200 ms budget
  # in one build and not the other (quarantine), which is load, not a change of behaviour
  while IFS= read -r rel; do
    local n="${rel%.yaml}"; local o="${n//\//__}"
    (cd "$root" && java -jar "$jar" run "scenarios/$rel" --format json --plugins "$plugins" --budget-ms 0 --no-progress \
        >"$out/run-$o.json" 2>/dev/null) || true
    (cd "$root" && java -jar "$jar" compare "scenarios/$rel" --format json --plugins "$plugins" --budget-ms 0 \
        >"$out/compare-$o.json" 2>/dev/null) || true
  done < <(cd "$root/scenarios" && find . -name '*.yaml' -type f | sed 's|^\./||' | sort)
}
# one set of plugin jars for both: the base's (the driver API must not change in such a change)
run_all "$work/base/framework-core/target/mmproto.jar" "$work/base/plugins" "$work/old"
run_all "$root/framework-core/target/mmproto.jar" "$work/base/plugins" "$work/new"
# an empty output would make the check pass because nothing ran
empty="$(find "$work/old" "$work/new" -type f -size -64c)"
if [ -n "$empty" ]; then
  echo "golden-check: empty or near-empty outputs (a command failed):" >&2
  echo "$empty" >&2
  exit 1
fi
if diff -rq "$work/old" "$work/new"; then
  echo "golden-check: $(ls "$work/new" | wc -l) outputs byte-identical to $base" >&2
else
  echo "golden-check: outputs differ from $base (above)" >&2
  exit 1
fi
