#!/usr/bin/env python3
"""Per design, the rfc-selftests scenarios whose expectations and every observation held, read
from `./mmproto compare scenarios/rfc-selftests/ --no-report` on stdin (the README's counts)."""
import re
import sys

lines = sys.stdin.read().split('\n')
hdr = next(l for l in lines if l.startswith('scenario '))
designs = re.split(r'\s{2,}', hdr.strip())[1:]
rows = []
for line in lines[lines.index(hdr) + 1:]:
    if not line.strip() or line.startswith('held everything'):
        break
    cells = re.split(r'\s{2,}', line.strip())
    rows.append((cells[0].rstrip(' *'), cells[1:]))


def held(cell):
    m = re.search(r'obs:(\d+)/(\d+)', cell)
    return 'FAIL' not in cell and (m is None or m.group(1) == m.group(2))


everywhere = [n for n, cells in rows if all(held(c) for c in cells)]
for i, d in enumerate(designs):
    failed = [name for name, cells in rows if not held(cells[i])]
    print(f"{d}: {len(rows) - len(failed)} of {len(rows)}"
          f" (without the {len(everywhere)} that hold everywhere: {len(rows) - len(everywhere) - len(failed)} of {len(rows) - len(everywhere)})"
          f"; not held: {' '.join(failed) or '-'}")
print("hold under every design:", ' '.join(everywhere))

# the compare command prints the same counts itself ("held everything ...: design H/N, ..."):
# check that the table and that line agree
line = next((l for l in lines if l.startswith('held everything')), None)
if line is not None:
    printed = dict(re.findall(r'(\S+) (\d+)/\d+', line.split(':', 1)[1]))
    for i, d in enumerate(designs):
        mine = sum(1 for _, cells in rows if held(cells[i]))
        if int(printed.get(d, -1)) != mine:
            sys.exit(f"pass-counts.py: {d}: table gives {mine}, compare printed {printed.get(d)}")
