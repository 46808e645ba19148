#!/usr/bin/env python3
"""Plots evaluate cost against org size from Google Benchmark JSON output.

usage: bench/plot.py bench.json docs/evaluate_cost.svg

Reads the *_median aggregates (or plain runs) of BM_EvaluateCompiled/<rules>
and BM_EvaluateReference/<rules>, and writes a log-log SVG by hand (no
matplotlib needed): CPU time per decision against total rules.
"""
import json
import math
import sys


def series(benchmarks, name):
    points = {}
    for b in benchmarks:
        full = b.get("run_name", b["name"])
        if not full.startswith(name + "/"):
            continue
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        rules = int(full.split("/")[1])
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        points[rules] = b["cpu_time"] * scale
    return sorted(points.items())


def main():
    data = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    lines = [("BM_EvaluateCompiled", "#1f77b4"), ("BM_EvaluateReference", "#d62728")]
    all_points = {n: series(data["benchmarks"], n) for n, _ in lines}
    xs = [x for pts in all_points.values() for x, _ in pts]
    ys = [y for pts in all_points.values() for _, y in pts]
    if not xs:
        sys.exit("no BM_Evaluate* results in " + sys.argv[1])
    w, h, left, right, top, bottom = 640, 420, 70, 170, 30, 50
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x1 = x1 if x1 > x0 else x0 + 1

    def px(x):
        return left + (math.log10(x) - x0) / (x1 - x0) * (w - left - right)

    def py(y):
        return h - bottom - (math.log10(y) - y0) / (y1 - y0) * (h - top - bottom)

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2 - 60}" y="18" font-size="14">Cost of one decision (CPU time)</text>']
    for e in range(int(y0), int(y1) + 1):
        y = py(10 ** e)
        label = {0: "1 ns", 1: "10 ns", 2: "100 ns", 3: "1 µs", 4: "10 µs", 5: "100 µs",
                 6: "1 ms", 7: "10 ms", 8: "100 ms"}.get(e, f"1e{e} ns")
        svg.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    for x in sorted(set(xs)):
        svg.append(f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{h - bottom}" stroke="#eee"/>')
        svg.append(f'<text x="{px(x):.1f}" y="{h - bottom + 16}" text-anchor="middle">{x}</text>')
    svg.append(f'<text x="{(left + w - right) / 2:.0f}" y="{h - 12}" text-anchor="middle">'
               f'rules in the org (log scale; 10 CIDR entries per rule)</text>')
    for i, (name, color) in enumerate(lines):
        pts = all_points[name]
        if not pts:
            continue
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        svg.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            svg.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>')
        ly = top + 20 + 20 * i
        svg.append(f'<line x1="{w - right + 10}" y1="{ly}" x2="{w - right + 30}" y2="{ly}" '
                   f'stroke="{color}" stroke-width="2"/>')
        svg.append(f'<text x="{w - right + 35}" y="{ly + 4}">{name[3:]}</text>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
