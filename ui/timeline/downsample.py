"""Pixel-aware bar reduction: spans narrower than a pixel merge into one bar per pixel run.

Pure Python (no Qt), so the reduction is tested and benchmarked on its own. A run of tiny spans
(e.g. a node flapping between follower and pre-candidate in a minority partition, seen zoomed
out over an hour) becomes one bar coloured by the state that covered most of the run; the bar is
at least ``min_width`` wide so it stays visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ui.timeline.model import Span


@dataclass(frozen=True, slots=True)
class Bar:
    """One rectangle to draw: [start, end] in ``state``; ``label`` is empty for merged runs."""

    start: float
    end: float
    state: str
    label: str = ""


def reduce_spans(spans: Iterable[Span], min_width: float) -> list[Bar]:
    """Return bars for ``spans`` (sorted by start) where runs narrower than ``min_width`` merge.

    Spans at least ``min_width`` wide pass through unchanged. Consecutive narrow spans closer
    than ``min_width`` to each other merge into one bar of the state with the largest total
    duration in the run (ties: the state seen first). Touching wide spans of the same state
    (e.g. follower in term 1, then follower in term 2) join into one bar.
    """
    bars: list[Bar] = []
    run_start = run_end = 0.0
    durations: dict[str, float] = {}

    def flush() -> None:
        if durations:
            state = max(durations, key=lambda s: durations[s])
            bars.append(Bar(run_start, max(run_end, run_start + min_width), state))
            durations.clear()

    for span in spans:
        width = span.end - span.start
        if width >= min_width:
            flush()
            last = bars[-1] if bars else None
            if last is not None and last.state == span.state and last.end >= span.start:
                label = last.label if last.label == span.label else ""
                bars[-1] = Bar(last.start, max(last.end, span.end), span.state, label)
            else:
                bars.append(Bar(span.start, span.end, span.state, span.label))
            continue
        if durations and span.start - run_end > min_width:
            flush()
        if not durations:
            run_start = span.start
            run_end = span.end
        else:
            run_end = max(run_end, span.end)
        durations[span.state] = durations.get(span.state, 0.0) + width
        if run_end - run_start >= min_width:
            flush()
    flush()
    return bars
