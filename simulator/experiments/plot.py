"""The cumulative distribution plot of election times, as SVG text (no plotting library).

Like the Raft paper's Figure 16: one step curve per line, time on a logarithmic axis in
milliseconds (labelled at 1, 2 and 5 of each decade, only at 1 when the axis spans more than
four decades, where the labels would collide; a light grid at every unit), the
percentage of trials finished on the vertical axis, and a legend. Censored trials never finish,
so their line stays below 100 %; when there are some and the cap is given, a dashed line marks
the cap and a line with no finished trial is drawn along the bottom up to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 840, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 250, 40, 60
COLORS = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22",
)


def _decades(values: Sequence[float]) -> tuple[int, int]:
    finite = [v for v in values if v > 0 and math.isfinite(v)]
    if not finite:
        return 0, 1
    low = math.floor(math.log10(min(finite)))
    high = math.ceil(math.log10(max(finite)))
    return low, max(high, low + 1)


def _ms_label(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g} s"
    return f"{value:g}"


def cdf_svg(
    lines: Sequence[tuple[str, Sequence[float | None]]], title: str, cap: float | None = None
) -> str:
    """Return an SVG document plotting each (label, results in seconds or None) line's CDF.

    ``cap`` (seconds) is where censored trials were cut off; it is drawn when any was.
    """
    all_ms = [r * 1000 for _, results in lines for r in results if r is not None]
    censored_any = any(r is None for _, results in lines for r in results)
    cap_ms = cap * 1000 if cap is not None and censored_any else None
    low, high = _decades(all_ms + ([cap_ms] if cap_ms is not None else []))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(ms: float) -> float:
        ms = min(max(ms, 10.0 ** low), 10.0 ** high)
        return LEFT + (math.log10(ms) - low) / (high - low) * plot_w

    def y_of(fraction: float) -> float:
        return TOP + (1.0 - fraction) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="{TOP - 15}" font-size="14">{escape(title)}</text>',
    ]
    labelled = (1, 2, 5) if high - low <= 4 else (1,)
    for exponent in range(low, high + 1):
        for unit in range(1, 10) if exponent < high else (1,):
            value = unit * 10.0 ** exponent
            x = x_of(value)
            major = unit == 1
            out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" '
                       f'stroke="{"#bbb" if major else "#eee"}"/>')
            if unit in labelled:
                style = "" if major else ' fill="#555" font-size="11"'
                out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle"'
                           f'{style}>{_ms_label(value)}</text>')
    if cap_ms is not None:
        x = x_of(cap_ms)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" '
                   f'stroke="black" stroke-dasharray="5,4"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP - 4}" text-anchor="middle" font-size="11">'
                   f'cap {_ms_label(cap_ms)}</text>')
    for percent in range(0, 101, 20):
        y = y_of(percent / 100)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{percent}%</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
               f'stroke="black"/>')
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 15}" text-anchor="middle">'
               f'time without leader (ms unless marked s; log scale)</text>')
    out.append(f'<text transform="translate(18 {TOP + plot_h / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle">cumulative percent of trials</text>')
    for number, (label, results) in enumerate(lines):
        color = COLORS[number % len(COLORS)]
        finished = sorted(r * 1000 for r in results if r is not None)
        total = len(results)
        if finished and total:
            points = [f"{x_of(finished[0]):.1f},{y_of(0.0):.1f}"]
            for rank, ms in enumerate(finished, start=1):
                x = x_of(ms)
                points.append(f"{x:.1f},{y_of((rank - 1) / total):.1f}")
                points.append(f"{x:.1f},{y_of(rank / total):.1f}")
            points.append(f"{LEFT + plot_w:.1f},{y_of(len(finished) / total):.1f}")
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                       f'points="{" ".join(points)}"/>')
        elif total and cap_ms is not None:
            y = y_of(0.0) - 2
            out.append(f'<line x1="{LEFT:.1f}" y1="{y:.1f}" x2="{x_of(cap_ms):.1f}" '
                       f'y2="{y:.1f}" stroke="{color}" stroke-width="3"/>')
        y = TOP + 10 + number * 20
        censored = total - len(finished)
        note = f" ({censored} censored)" if censored else ""
        out.append(f'<line x1="{LEFT + plot_w + 15}" y1="{y}" x2="{LEFT + plot_w + 40}" '
                   f'y2="{y}" stroke="{color}" stroke-width="3"/>')
        out.append(f'<text x="{LEFT + plot_w + 46}" y="{y + 4}">{escape(label + note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
