"""Summary statistics of one experiment line, with censored trials kept, not dropped.

A censored trial (no leader within the cap) counts as longer than every finished trial: the
percentiles use the nearest-rank method over all trials with censored ones last, so a
percentile that falls among them is infinite ("more than the cap"); so is the mean when any
trial was censored, because the true mean is then unknown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from simulator.frozen import frozen

CSV_COLUMNS = (
    "range", "trials", "censored", "min_ms", "median_ms", "mean_ms", "p90_ms", "p99_ms", "max_ms",
)


@frozen
class LineStats:
    """Statistics of one line (e.g. a timeout range) in seconds; ``inf`` means censored."""

    label: str
    trials: int
    censored: int
    min: float
    median: float
    mean: float
    p90: float
    p99: float
    max: float

    def csv_row(self) -> list[str]:
        """The CSV row (times in milliseconds, ``inf`` for censored values)."""
        times = (self.min, self.median, self.mean, self.p90, self.p99, self.max)
        return [self.label, str(self.trials), str(self.censored)] + [_ms(v) for v in times]


def _ms(seconds: float) -> str:
    if math.isinf(seconds):
        return "inf"
    if math.isnan(seconds):
        return ""
    return f"{seconds * 1000:.3f}"


def percentile(ordered: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of an ascending sequence (nan when empty)."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def describe(label: str, results: Sequence[float | None]) -> LineStats:
    """Statistics of ``results`` (seconds per trial, None for a censored trial)."""
    finished = sorted(r for r in results if r is not None)
    censored = len(results) - len(finished)
    ordered = finished + [math.inf] * censored
    if not ordered:
        nan = math.nan
        return LineStats(label, 0, 0, nan, nan, nan, nan, nan, nan)
    mean = math.inf if censored else sum(finished) / len(finished)
    return LineStats(
        label=label,
        trials=len(ordered),
        censored=censored,
        min=ordered[0],
        median=percentile(ordered, 50),
        mean=mean,
        p90=percentile(ordered, 90),
        p99=percentile(ordered, 99),
        max=ordered[-1],
    )
