"""One CSV row per cell of the failover sweep, from its trials' outcomes.

Percentiles are nearest-rank over every trial, censored trials (no working leader within the
window) ranked last as ``inf``; overlap and availability are means over the trials; double
charges and false failovers are totals over the trials (docs/experiments.md defines each).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from simulator.experiments.failover import Cell, TrialOutcome
from simulator.experiments.stats import percentile
from simulator.frozen import frozen

CSV_COLUMNS = (
    "recipe", "ttl_s", "fault", "protection", "trials", "failover_p50_s", "failover_p90_s",
    "failover_max_s", "overlap_mean_s", "double_charges", "availability", "false_failovers",
)


@frozen
class CellStats:
    """The measures of one cell over its trials (seconds; ``inf``: beyond the window)."""

    cell: Cell
    trials: int
    censored: int
    failover_p50: float
    failover_p90: float
    failover_max: float
    overlap_mean: float
    double_charges: int
    availability: float
    false_failovers: int

    def csv_row(self) -> list[str]:
        """The row in the order of CSV_COLUMNS."""
        cell = self.cell
        return [cell.recipe, f"{cell.ttl:g}", cell.fault.label, cell.protection,
                str(self.trials), _seconds(self.failover_p50), _seconds(self.failover_p90),
                _seconds(self.failover_max), f"{self.overlap_mean:.3f}",
                str(self.double_charges), f"{self.availability:.5f}",
                str(self.false_failovers)]


def _seconds(value: float) -> str:
    if math.isinf(value):
        return "inf"
    if math.isnan(value):
        return ""
    return f"{value:.3f}"


def failover_times(outcomes: Sequence[TrialOutcome]) -> list[float | None]:
    """Each trial's failover time (None when censored), in trial order."""
    return [o.failover for o in outcomes]


def describe_cell(cell: Cell, outcomes: Sequence[TrialOutcome]) -> CellStats:
    """The statistics of ``cell`` over ``outcomes`` (at least one)."""
    finished = sorted(o.failover for o in outcomes if o.failover is not None)
    censored = len(outcomes) - len(finished)
    ordered = finished + [math.inf] * censored
    count = len(outcomes)
    return CellStats(
        cell=cell, trials=count, censored=censored,
        failover_p50=percentile(ordered, 50), failover_p90=percentile(ordered, 90),
        failover_max=ordered[-1] if ordered else math.nan,
        overlap_mean=sum(o.overlap for o in outcomes) / count if count else math.nan,
        double_charges=sum(o.double_charges for o in outcomes),
        availability=sum(o.availability for o in outcomes) / count if count else math.nan,
        false_failovers=sum(o.false_failovers for o in outcomes),
    )
