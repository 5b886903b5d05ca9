"""The staleness experiment's plots as SVG text: t-visibility and k-staleness (no plot library)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from simulator.experiments.staleness import Wars, closed_form_within

WIDTH, HEIGHT = 760, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 50, 60
MEASURED, EXACT = "#1f77b4", "#d62728"


def _frame(title: str, x_label: str, y_label: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="{TOP - 20}" font-size="14">{escape(title)}</text>',
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 15}" text-anchor="middle">'
        f'{escape(x_label)}</text>',
        f'<text transform="translate(18 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>',
    ]
    return out


def _step(low: float) -> float:
    """A round tick spacing for a vertical axis from ``low`` to 100 %."""
    span = 1.0 - low
    return 0.2 if span > 0.6 else 0.1 if span > 0.25 else 0.05 if span > 0.1 else 0.01


def _low(values: Sequence[float]) -> float:
    """The bottom of the vertical axis: a round tick at or below the smallest value."""
    low = max(0.0, min(values, default=0.0) - 0.01)
    step = _step(low)
    return max(0.0, math.floor(low / step) * step)


def _y_of(p: float, low: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + (1.0 - (p - low) / (1.0 - low)) * plot_h


def _y_axis(out: list[str], low: float) -> None:
    plot_w = WIDTH - LEFT - RIGHT
    step = _step(low)
    ticks = round((1.0 - low) / step)
    for i in range(ticks + 1):
        value = low + i * step
        y = _y_of(value, low)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{value * 100:.0f}%</text>')


def _config(wars: Wars) -> str:
    return (f"N={wars.replicas}, R={wars.read_quorum}, W={wars.write_quorum}; "
            f"W {wars.write.text}, A {wars.ack.text}, R {wars.read.text}, "
            f"S {wars.response.text} (ms)")


def visibility_svg(wars: Wars, points: Sequence[tuple[float, float]]) -> str:
    """P(consistent) against the ms after commit at which the read starts (linear axis)."""
    out = _frame(f"t-visibility: {_config(wars)}", "read starts t ms after the write commits",
                 "reads that return the write")
    low = _low([p for _, p in points])
    _y_axis(out, low)
    plot_w = WIDTH - LEFT - RIGHT
    high = max((t for t, _ in points), default=1.0) or 1.0

    def x_of(t: float) -> float:
        return LEFT + t / high * plot_w

    for i in range(6):
        t = high * i / 5
        out.append(f'<text x="{x_of(t):.1f}" y="{HEIGHT - BOTTOM + 18}" '
                   f'text-anchor="middle">{t:.3g}</text>')
    line = " ".join(f"{x_of(t):.1f},{_y_of(p, low):.1f}" for t, p in points)
    out.append(f'<polyline fill="none" stroke="{MEASURED}" stroke-width="2" points="{line}"/>')
    for t, p in points:
        out.append(f'<circle cx="{x_of(t):.1f}" cy="{_y_of(p, low):.1f}" r="3.5" '
                   f'fill="{MEASURED}"><title>{t:g} ms: {p * 100:.2f}%</title></circle>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{HEIGHT - TOP - BOTTOM}" '
               f'fill="none" stroke="black"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def versions_svg(wars: Wars, points: Sequence[tuple[int, float]]) -> str:
    """P(within k versions) against k, measured (dots) beside PBS's closed form (line)."""
    out = _frame(f"k-staleness: {_config(wars)}", "versions k",
                 "reads within k versions of the latest")
    exact = [(k, closed_form_within(wars.replicas, wars.read_quorum, wars.write_quorum, k))
             for k, _ in points]
    low = _low([p for _, p in points] + [p for _, p in exact])
    _y_axis(out, low)
    plot_w = WIDTH - LEFT - RIGHT
    ks = [k for k, _ in points]
    first, last = min(ks, default=1), max(ks, default=1)
    span = max(last - first, 1)

    def x_of(k: float) -> float:
        return LEFT + 20 + (k - first) / span * (plot_w - 40)

    for k in ks:
        out.append(f'<text x="{x_of(k):.1f}" y="{HEIGHT - BOTTOM + 18}" '
                   f'text-anchor="middle">{k}</text>')
    line = " ".join(f"{x_of(k):.1f},{_y_of(p, low):.1f}" for k, p in exact)
    out.append(f'<polyline fill="none" stroke="{EXACT}" stroke-width="2" '
               f'stroke-dasharray="6,4" points="{line}"/>')
    for k, p in points:
        out.append(f'<circle cx="{x_of(k):.1f}" cy="{_y_of(p, low):.1f}" r="4" '
                   f'fill="{MEASURED}"><title>k={k}: {p * 100:.2f}%</title></circle>')
    legend_y = TOP + 16
    out.append(f'<circle cx="{LEFT + plot_w - 190}" cy="{legend_y - 4}" r="4" '
               f'fill="{MEASURED}"/>')
    out.append(f'<text x="{LEFT + plot_w - 180}" y="{legend_y}">measured</text>')
    out.append(f'<line x1="{LEFT + plot_w - 110}" y1="{legend_y - 4}" '
               f'x2="{LEFT + plot_w - 85}" y2="{legend_y - 4}" stroke="{EXACT}" '
               f'stroke-width="2" stroke-dasharray="6,4"/>')
    out.append(f'<text x="{LEFT + plot_w - 80}" y="{legend_y}">closed form</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{HEIGHT - TOP - BOTTOM}" '
               f'fill="none" stroke="black"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
