# Independent check of a Solomon VRPTW solution in plain Python, sharing no
# code with the engine: every customer once, capacity, service starts within
# the windows (waiting allowed), return before the depot closes; prints the
# route count and the total distance (Euclidean, not rounded).
#   python3 bench/route/verify_solomon.py INSTANCE.txt SOLUTION.sol
import math, sys
inst, sol = sys.argv[1], sys.argv[2]
rows = []
for line in open(inst):
    p = line.split()
    if len(p) == 7 and all(c.replace('.', '').isdigit() for c in p):
        rows.append([float(x) for x in p])
cap = None
lines = open(inst).read().split('\n')
for i, l in enumerate(lines):
    if l.strip().startswith('NUMBER'):
        cap = int(lines[i + 1].split()[1]); break
d = lambda a, b: math.hypot(rows[a][1] - rows[b][1], rows[a][2] - rows[b][2])
seen, total, nr = set(), 0.0, 0
for l in open(sol):
    if not l.startswith('Route'):
        continue
    r = [int(x) for x in l.split(':')[1].split()]
    nr += 1
    load = sum(rows[c][3] for c in r); assert load <= cap, ('load', r)
    t, prev = 0.0, 0
    for c in r:
        t = max(t + d(prev, c), rows[c][4]); assert t <= rows[c][5] + 1e-9, ('late', c, t)
        t += rows[c][6]; total += d(prev, c); prev = c; assert c not in seen; seen.add(c)
    t += d(prev, 0); total += d(prev, 0); assert t <= rows[0][5] + 1e-9, ('depot', t)
assert len(seen) == len(rows) - 1, len(seen)
print(f"ok: {nr} routes, distance {total:.4f}")
