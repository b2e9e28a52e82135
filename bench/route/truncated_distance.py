# Distance of a Solomon VRPTW solution under the convention of the exact
# methods (Kohl, Desrosiers et al.; the "optimal" rows of Solomon's tables):
# every distance and travel time truncated to one decimal. Truncating only
# shortens distances and travel times, so every solution feasible with
# unrounded distances stays feasible and gets no longer: the optimum with
# truncated distances is a lower bound on the optimum with unrounded ones.
# Prints the truncated distance and whether the solution is feasible under
# truncation; plain Python, sharing no code with the engine.
#   python3 bench/route/truncated_distance.py INSTANCE.txt SOLUTION.sol
import math, sys

inst, sol = sys.argv[1], sys.argv[2]
rows = [[float(x) for x in l.split()] for l in open(inst)
        if len(l.split()) == 7 and l.split()[0].isdigit()]


def tdist(a, b):
    """Euclidean distance truncated (not rounded) to one decimal."""
    d = math.hypot(rows[a][1] - rows[b][1], rows[a][2] - rows[b][2])
    return math.floor(d * 10 + 1e-9) / 10


total, feasible = 0.0, True
for line in open(sol):
    if not line.startswith('Route'):
        continue
    t, prev = 0.0, 0
    for c in [int(x) for x in line.split(':')[1].split()]:
        t = max(t + tdist(prev, c), rows[c][4])
        feasible = feasible and t <= rows[c][5] + 1e-9
        t += rows[c][6]
        total += tdist(prev, c)
        prev = c
    t += tdist(prev, 0)
    feasible = feasible and t <= rows[0][5] + 1e-9
    total += tdist(prev, 0)
print('truncated to one decimal: distance %.2f, %s' %
      (total, 'feasible' if feasible else 'INFEASIBLE'))
