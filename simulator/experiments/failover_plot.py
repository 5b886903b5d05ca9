"""The failover sweep's plot, as SVG text: failover time against lease time, per recipe.

One panel per fault; in each, one line per recipe through the median failover time at each
lease or session time (solid, with dots) and one through the 90th percentile (dashed). A
censored percentile (beyond the window) is drawn at the top edge with an open marker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from simulator.experiments.failover_stats import CellStats
from simulator.experiments.plot import COLORS

PANEL_W, PANEL_H = 380, 260
MARGIN_L, MARGIN_T, GAP_X, GAP_Y = 60, 60, 90, 70
LEGEND_W = 250


def failover_svg(rows: Sequence[CellStats], title: str, window: float) -> str:
    """An SVG document of ``rows`` (one protection's cells): panels per fault, lines per
    recipe; times beyond ``window`` seconds are drawn at the top."""
    faults = list(dict.fromkeys(r.cell.fault.label for r in rows))
    recipes = list(dict.fromkeys(r.cell.recipe for r in rows))
    ttls = sorted({r.cell.ttl for r in rows})
    columns = min(2, len(faults))
    panel_rows = math.ceil(len(faults) / columns)
    width = MARGIN_L + columns * (PANEL_W + GAP_X) + LEGEND_W
    height = MARGIN_T + panel_rows * (PANEL_H + GAP_Y)
    finite = [v for r in rows for v in (r.failover_p50, r.failover_p90) if math.isfinite(v)]
    top = _nice(max(finite + [1.0]))
    x_low, x_high = ttls[0], ttls[-1]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{MARGIN_L}" y="24" font-size="15">{escape(title)}</text>',
    ]
    for number, fault in enumerate(faults):
        left = MARGIN_L + (number % columns) * (PANEL_W + GAP_X)
        upper = MARGIN_T + (number // columns) * (PANEL_H + GAP_Y)

        def x_of(ttl: float, left: float = left) -> float:
            span = x_high - x_low
            return left + (PANEL_W / 2 if span <= 0 else (ttl - x_low) / span * PANEL_W)

        def y_of(seconds: float, upper: float = upper) -> float:
            return upper + PANEL_H * (1.0 - min(seconds, top) / top)

        out.append(f'<text x="{left}" y="{upper - 10}" font-size="13">fault: '
                   f'{escape(fault)}</text>')
        for step in range(0, 6):
            value = top * step / 5
            y = y_of(value)
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + PANEL_W}" y2="{y:.1f}" '
                       f'stroke="#e4e4e4"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                       f'{value:g}</text>')
        for ttl in ttls:
            x = x_of(ttl)
            out.append(f'<line x1="{x:.1f}" y1="{upper}" x2="{x:.1f}" y2="{upper + PANEL_H}" '
                       f'stroke="#eee"/>')
            out.append(f'<text x="{x:.1f}" y="{upper + PANEL_H + 16}" text-anchor="middle">'
                       f'{ttl:g}</text>')
        out.append(f'<rect x="{left}" y="{upper}" width="{PANEL_W}" height="{PANEL_H}" '
                   f'fill="none" stroke="black"/>')
        out.append(f'<text x="{left + PANEL_W / 2}" y="{upper + PANEL_H + 34}" '
                   f'text-anchor="middle">lease or session time (s)</text>')
        out.append(f'<text transform="translate({left - 40} {upper + PANEL_H / 2}) '
                   f'rotate(-90)" text-anchor="middle">failover time (s)</text>')
        for index, recipe in enumerate(recipes):
            color = COLORS[index % len(COLORS)]
            cells = sorted((r for r in rows if r.cell.fault.label == fault
                            and r.cell.recipe == recipe), key=lambda r: r.cell.ttl)
            for attribute, dash in (("failover_p50", ""),
                                    ("failover_p90", ' stroke-dasharray="5,4"')):
                points = [(x_of(r.cell.ttl), y_of(min(getattr(r, attribute), top)),
                           math.isfinite(getattr(r, attribute))) for r in cells]
                line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
                out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash} '
                           f'points="{line}"/>')
                if not dash:
                    for x, y, finite in points:
                        fill = color if finite else "white"
                        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" '
                                   f'stroke="{color}"/>')
    legend_x = MARGIN_L + columns * (PANEL_W + GAP_X) - 10
    for index, recipe in enumerate(recipes):
        color = COLORS[index % len(COLORS)]
        y = MARGIN_T + 10 + index * 20
        out.append(f'<line x1="{legend_x}" y1="{y}" x2="{legend_x + 25}" y2="{y}" '
                   f'stroke="{color}" stroke-width="3"/>')
        out.append(f'<text x="{legend_x + 31}" y="{y + 4}">{escape(recipe)}</text>')
    y = MARGIN_T + 20 + len(recipes) * 20
    out.append(f'<text x="{legend_x}" y="{y}" font-size="11">solid: median</text>')
    out.append(f'<text x="{legend_x}" y="{y + 16}" font-size="11">dashed: 90th percentile</text>')
    out.append(f'<text x="{legend_x}" y="{y + 32}" font-size="11">open dot: beyond the '
               f'{window:g} s window</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _nice(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``value``."""
    exponent = math.floor(math.log10(value))
    for unit in (1.0, 2.0, 2.5, 5.0, 10.0):
        if unit * 10.0 ** exponent >= value:
            return unit * 10.0 ** exponent
    return 10.0 ** (exponent + 1)
