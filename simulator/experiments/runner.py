"""Run many trials of an experiment, in parallel over processes, with the same results always.

Trials are cut into chunks; each trial's seed depends only on the experiment seed, the line's
name and the trial's index, and results are put back in index order, so the outcome does not
depend on the number of workers or on which chunk finishes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from simulator.experiments.election_time import ElectionSetup, run_trial, trial_seed
from simulator.experiments.executor import open_executor, run_tasks

CHUNK = 25
Progress = Callable[[int, int], None]


def run_chunk(setup: ElectionSetup, seed: int, start: int, stop: int) -> list[float | None]:
    """Run trials ``start`` .. ``stop - 1`` of ``setup``; seconds each, None when censored."""
    return [run_trial(setup, trial_seed(seed, setup, i)) for i in range(start, stop)]


def run_lines(
    setups: Sequence[ElectionSetup],
    trials: int,
    seed: int,
    workers: int = 1,
    progress: Progress | None = None,
    dask: str | None = None,
) -> list[list[float | None]]:
    """Run ``trials`` trials of every setup; return the results per setup, in trial order.

    ``progress(done, total)`` is called after each chunk. The chunks run on ``workers`` local
    processes, or on the Dask cluster whose scheduler is at ``dask`` (``executor``).
    """
    jobs = [
        (line, start, min(start + CHUNK, trials))
        for line in range(len(setups))
        for start in range(0, trials, CHUNK)
    ]
    total = trials * len(setups)
    results: list[list[float | None]] = [[None] * trials for _ in setups]
    done = 0

    def store(line: int, start: int, values: list[float | None]) -> None:
        nonlocal done
        results[line][start:start + len(values)] = values
        done += len(values)
        if progress is not None:
            progress(done, total)

    tasks = [(run_chunk, (setups[line], seed, start, stop)) for line, start, stop in jobs]
    with open_executor(workers if len(jobs) > 1 else 1, dask) as executor:
        run_tasks(executor, tasks, lambda job, values: store(*jobs[job][:2], values))
    return results
