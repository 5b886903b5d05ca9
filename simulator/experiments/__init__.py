"""Monte Carlo experiments: the Raft paper's election-time measurement (Figure 16), the
failover sweep and PBS staleness, run in this process, on local processes or on a Dask
cluster."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from simulator.experiments import command, failover_command, staleness_command
from simulator.experiments.election_time import ElectionSetup, run_trial, trial_seed
from simulator.experiments.runner import run_lines
from simulator.experiments.stats import LineStats, describe

__all__ = ["ElectionSetup", "LineStats", "describe", "main", "run_lines", "run_trial",
           "trial_seed"]


def main(
    argv: Sequence[str], svg_to_png: Callable[[str, Path], None] | None = None,
    out: TextIO | None = None, err: TextIO | None = None,
) -> int:
    """Run ``leadersim experiment NAME ...``: ``failover``, ``staleness`` or ``election-time``."""
    args = list(argv)
    if args[:1] == ["failover"]:
        return failover_command.main(args[1:], svg_to_png, out, err)
    if args[:1] == ["staleness"]:
        return staleness_command.main(args[1:], svg_to_png, out, err)
    return command.main(args, svg_to_png, out, err)
