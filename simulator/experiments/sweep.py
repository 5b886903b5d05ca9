"""Run the failover sweep's trials on an executor and put the outcomes back in grid order.

The cells that differ only in their protection share their trials' seeds (a *history*); one
task runs up to CHUNK consecutive trials of one history under all its protections
(``failover.run_protections``). Every trial's seed comes from ``failover.trial_seed``, so the
outcomes do not depend on the engine, the number of workers or which task finishes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor

from simulator.config import Scenario
from simulator.experiments.executor import run_tasks
from simulator.experiments.failover import Cell, TrialOutcome, run_protections, trial_seed

CHUNK = 10
Progress = Callable[[int, int], None]


def run_chunk(base: Scenario, cells: tuple[Cell, ...], seed: int, start: int, stop: int,
              warmup: float, window: float) -> list[list[TrialOutcome]]:
    """Trials ``start`` .. ``stop - 1`` of one history: per trial, one outcome per cell."""
    return [run_protections(base, cells, trial_seed(seed, cells[0], i), warmup, window)
            for i in range(start, stop)]


def histories(cells: Sequence[Cell]) -> list[list[int]]:
    """The indexes of ``cells`` grouped by history, in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        groups.setdefault(cell.history, []).append(index)
    return list(groups.values())


def run_grid(
    executor: Executor,
    base: Scenario,
    cells: Sequence[Cell],
    trials: int,
    seed: int,
    warmup: float,
    window: float,
    progress: Progress | None = None,
) -> list[list[TrialOutcome]]:
    """``trials`` outcomes of every cell, in trial order; ``progress(done, total)`` as tasks
    finish."""
    groups = histories(cells)
    jobs = [(group, start, min(start + CHUNK, trials))
            for group in groups for start in range(0, trials, CHUNK)]
    results: list[list[TrialOutcome | None]] = [[None] * trials for _ in cells]
    total = trials * len(cells)
    done = 0

    def store(job: int, chunk: list[list[TrialOutcome]]) -> None:
        nonlocal done
        group, start, _ = jobs[job]
        for offset, outcomes in enumerate(chunk):
            for index, outcome in zip(group, outcomes, strict=True):
                results[index][start + offset] = outcome
        done += len(chunk) * len(group)
        if progress is not None:
            progress(done, total)

    tasks = [(run_chunk, (base, tuple(cells[i] for i in group), seed, start, stop, warmup,
                          window))
             for group, start, stop in jobs]
    run_tasks(executor, tasks, store)
    return [[outcome for outcome in row if outcome is not None] for row in results]
