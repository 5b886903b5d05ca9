"""Raft runtime throughput: a 5-node cluster, etcd timing, 1-5 ms latency, one simulated hour.

Every message is traced (and the live safety checks watch the trace, as in every run). Prints
simulated seconds per second, simpy steps per second, a bare simpy loop's steps per second
measured in the same process, their ratio, and peak memory. Targets (issue 2): >= 1000x real
time, ratio >= 0.3, peak memory < 400 MB.

Rates are given per CPU second and per wall second. The verdict uses CPU time, because a shared
machine's wall clock also counts the time other processes had the CPU; on an idle machine the
two agree. With ``--repeat N`` the cluster runs N times and the median run is reported.

The bare loop does the same shape of work as one simulation step: simpy pops one event and
calls its one callback, which schedules the next event (every step of the simulation is such a
callback: a message arrival, a host wake-up, a timer). So the ratio says what share of a step
simpy's own stepping is, the rest being the model. For reference the bench also times the
classic simpy shape (processes waiting on timeouts), whose steps are slower, so its ratio is
higher. A message that arrives when nothing else is due at that instant is handled in its
arrival step (the host's wake-up would have been the next event anyway), so a step carries
more model work than it did when every arrival scheduled a separate wake-up: fewer steps, less
CPU per simulated second, and a lower ratio.

With ``--floor`` the cluster also runs once with a trace that hands events to the live checks
but keeps none of them: not a mode of the simulator, a measurement of how much of a step is
the model's own work (Raft, hosts, network) once recording is taken away.

    python bench/raft_throughput.py [--hours H] [--seed N] [--repeat N] [--floor] [--profile]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import NamedTuple

import simpy
from simpy.events import NORMAL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.config import Latency, NetworkConfig, RaftConfig, Scenario  # noqa: E402
from simulator.runtime import simulation as simulation_module  # noqa: E402
from simulator.runtime.scheduling import Callback  # noqa: E402
from simulator.runtime.simulation import Simulation  # noqa: E402
from simulator.trace.events import Event  # noqa: E402
from simulator.trace.recorder import Trace  # noqa: E402

SIM_SECONDS_PER_HOUR = 3600.0
BARE_STEPS = 1_000_000


class Run(NamedTuple):
    """One timed run of the cluster."""

    wall: float
    cpu: float
    steps: int
    events: int


class Rate(NamedTuple):
    """Steps per second of a bare loop, by wall clock and by CPU time."""

    wall: float
    cpu: float


def bench_scenario() -> Scenario:
    """The benchmark's cluster: 5 nodes, 100 ms heartbeat, 1 s election timeout, 1-5 ms links."""
    raft = RaftConfig(nodes=5, heartbeat_interval=0.1, election_timeout_min=1.0,
                      election_timeout_max=2.0)
    network = NetworkConfig(latency=Latency.uniform(0.001, 0.005))
    return Scenario(name="bench", raft=raft, network=network)


def run_cluster(seconds: float, seed: int) -> Run:
    """Run the cluster for ``seconds``; return wall s, CPU s, simpy steps and trace events."""
    sim = Simulation(bench_scenario(), seed=seed)
    start = time.perf_counter()
    cpu = time.process_time()
    sim.run_until(seconds)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - start
    return Run(wall, cpu, sim.steps, len(sim.trace))


class UnkeptTrace(Trace):
    """A trace that tells its listeners about every event and keeps none (``--floor`` only)."""

    def emit(self, event: Event) -> None:
        """Pass ``event`` to the listeners of its kind without storing it."""
        for listener in self._routes[event.kind]:
            listener(event)


def run_cluster_unkept(seconds: float, seed: int) -> Run:
    """``run_cluster`` with an UnkeptTrace: the model's cost without recording the events."""
    simulation_module.Trace = UnkeptTrace  # type: ignore[misc]
    try:
        return run_cluster(seconds, seed)
    finally:
        simulation_module.Trace = Trace  # type: ignore[misc]


def _timed_steps(env: simpy.Environment, steps: int) -> Rate:
    step = env.step
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(steps):
        step()
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - start
    return Rate(steps / wall, steps / cpu)


def bare_callback_rate(steps: int) -> Rate:
    """A bare simpy loop of callbacks: each step pops one event whose callback schedules one."""
    env = simpy.Environment()
    schedule = env.schedule

    def again(_event: Callback) -> None:
        schedule(Callback(again, None), NORMAL, 1.0)  # type: ignore[arg-type]

    for _ in range(5):
        again(Callback(again, None))
    return _timed_steps(env, steps)


def _ticker(env: simpy.Environment) -> Generator[simpy.Event, None, None]:
    while True:
        yield env.timeout(1.0)


def bare_process_rate(steps: int) -> Rate:
    """A bare simpy loop of processes waiting on timeouts (simpy's classic shape)."""
    env = simpy.Environment()
    for _ in range(5):
        env.process(_ticker(env))
    return _timed_steps(env, steps)


def median_rate(measure: Callable[[int], Rate], steps: int, tries: int = 3) -> Rate:
    """The median of ``tries`` measurements of a bare loop (as the cluster's median run)."""
    rates = [measure(steps) for _ in range(tries)]
    return Rate(statistics.median(r.wall for r in rates), statistics.median(r.cpu for r in rates))


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="simulated hours (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    parser.add_argument("--floor", action="store_true",
                        help="also run once without keeping the trace (a diagnostic)")
    parser.add_argument("--profile", action="store_true", help="profile with cProfile")
    args = parser.parse_args(argv)
    if args.hours <= 0 or args.repeat < 1:
        parser.error("--hours must be > 0 and --repeat >= 1")
    seconds = args.hours * SIM_SECONDS_PER_HOUR
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run_cluster, seconds, args.seed)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return 0
    runs = sorted((run_cluster(seconds, args.seed) for _ in range(args.repeat)),
                  key=lambda r: r.cpu)
    run = runs[len(runs) // 2]
    if args.repeat > 1:
        cpus = ", ".join(f"{r.cpu:.2f}" for r in runs)
        walls = ", ".join(f"{r.wall:.2f}" for r in sorted(runs, key=lambda r: r.wall))
        print(f"{args.repeat} runs, CPU s: {cpus}; wall s: {walls} (median run reported)")
    bare = median_rate(bare_callback_rate, BARE_STEPS)
    classic = median_rate(bare_process_rate, BARE_STEPS)
    cpu_rate = seconds / run.cpu
    steps_cpu = run.steps / run.cpu
    ratio = steps_cpu / bare.cpu
    memory = peak_rss_mb()
    print(f"simulated {seconds:.0f} s in {run.wall:.2f} s wall: {seconds / run.wall:.0f}x real "
          f"time (target >= 1000x); {cpu_rate:.0f}x per CPU second ({run.cpu:.2f} s CPU)")
    print(f"speed per CPU second: {cpu_rate:.0f}x real time (target >= 1000x)")
    print(f"trace events: {run.events} ({run.events / run.cpu:.0f} per CPU second)")
    print(f"simpy steps: {run.steps} ({steps_cpu:.0f} per CPU second, "
          f"{run.steps / run.wall:.0f} per wall second)")
    print(f"bare simpy loop (one callback per step): {bare.cpu:.0f} steps per CPU second "
          f"({bare.wall:.0f} per wall second)")
    print(f"ratio: {ratio:.2f} by CPU time, {run.steps / run.wall / bare.wall:.2f} by wall clock "
          f"(target >= 0.3)")
    print(f"bare simpy loop (processes waiting on timeouts, for reference): {classic.cpu:.0f} "
          f"steps per CPU second; ratio {steps_cpu / classic.cpu:.2f}")
    step_us = 1e6 / bare.cpu
    print(f"per step: {1e6 * run.cpu / run.steps:.1f} us, of which simpy's own stepping is about "
          f"{step_us:.1f} us; a ratio of 0.3 allows {step_us / 0.3:.1f} us per step")
    print(f"peak memory (max RSS): {memory:.0f} MB (target < 400 MB)")
    if args.floor:
        floor = run_cluster_unkept(seconds, args.seed)
        print(f"without keeping the trace (--floor): {seconds / floor.cpu:.0f}x real time, "
              f"{1e6 * floor.cpu / floor.steps:.1f} us per step, ratio "
              f"{floor.steps / floor.cpu / bare.cpu:.2f}")
    missed = [name for name, ok in (("real time", cpu_rate >= 1000), ("ratio", ratio >= 0.3),
                                    ("memory", memory < 400)) if not ok]
    print("all targets met" if not missed else f"TARGETS MISSED: {', '.join(missed)}")
    return 0 if not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
