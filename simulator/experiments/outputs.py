"""The output files every experiment command writes: checked before a run, plots saved after."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from simulator.cli_args import output_problem

SvgToPng = Callable[[str, Path], None]
PNG_NEEDS_QT = "PNG needs the Qt renderer of the leadersim command; use .svg"


def outputs_problem(csv: tuple[str, Path | None], plots: Sequence[tuple[str, Path | None]],
                    svg_to_png: SvgToPng | None) -> str | None:
    """The message for the first output that cannot be written (None: all can).

    ``csv`` and ``plots`` are (option, path or None) pairs; a plot is .svg, or .png when a
    renderer is given.
    """
    plot_suffixes = (".svg", ".png") if svg_to_png is not None else (".svg",)
    for option, path, suffixes in [(*csv, (".csv",))] + [(*p, plot_suffixes) for p in plots]:
        if path is None or (problem := output_problem(path, suffixes)) is None:
            continue
        if svg_to_png is None and suffixes is plot_suffixes and path.suffix.lower() == ".png":
            problem = PNG_NEEDS_QT  # not the suffix list: .png is fine with the renderer
        return f"{option} {path}: {problem}"
    return None


def save_plot(svg: str, path: Path, svg_to_png: SvgToPng | None) -> None:
    """Write the plot ``svg`` to ``path``: rendered as PNG for a .png path, else as SVG text."""
    if path.suffix.lower() == ".png" and svg_to_png is not None:
        svg_to_png(svg, path)
    else:
        path.write_text(svg, encoding="utf-8")
