"""Raft runtime throughput: a 5-node cluster, etcd timing, 1-5 ms latency, one simulated hour.

Every message is traced. Prints simulated seconds per wall second, simpy steps per second, a
bare simpy loop's steps per second measured in the same run, their ratio, and peak memory.
Targets (issue 2): >= 1000x real time, ratio >= 0.3, peak memory < 400 MB.

    python bench/raft_throughput.py [--hours H] [--seed N] [--profile]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Generator
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.config import Latency, NetworkConfig, RaftConfig, Scenario  # noqa: E402
from simulator.runtime.simulation import Simulation  # noqa: E402

SIM_SECONDS_PER_HOUR = 3600.0


def bench_scenario() -> Scenario:
    """The benchmark's cluster: 5 nodes, 100 ms heartbeat, 1 s election timeout, 1-5 ms links."""
    raft = RaftConfig(nodes=5, heartbeat_interval=0.1, election_timeout_min=1.0,
                      election_timeout_max=2.0)
    network = NetworkConfig(latency=Latency.uniform(0.001, 0.005))
    return Scenario(name="bench", raft=raft, network=network)


def run_cluster(seconds: float, seed: int) -> tuple[float, float, int, int]:
    """Run the cluster for ``seconds``; return (wall s, CPU s, simpy steps, trace events)."""
    sim = Simulation(bench_scenario(), seed=seed)
    start = time.perf_counter()
    cpu = time.process_time()
    sim.run_until(seconds)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - start
    return wall, cpu, sim.steps, len(sim.trace)


def _ticker(env: simpy.Environment) -> Generator[simpy.Event, None, None]:
    while True:
        yield env.timeout(1.0)


def bare_simpy_steps_per_second(steps: int) -> float:
    """Steps per second of a bare simpy loop (processes waiting on timeouts), same step loop."""
    env = simpy.Environment()
    for _ in range(5):
        env.process(_ticker(env))
    queue = env._queue  # noqa: SLF001 - the same loop Simulation.run_until uses
    step = env.step
    start = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = time.perf_counter() - start
    assert queue
    return steps / elapsed


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="simulated hours (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="profile with cProfile")
    args = parser.parse_args(argv)
    seconds = args.hours * SIM_SECONDS_PER_HOUR
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run_cluster, seconds, args.seed)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return 0
    wall, cpu, steps, events = run_cluster(seconds, args.seed)
    sim_rate = seconds / wall
    steps_rate = steps / wall
    bare_rate = bare_simpy_steps_per_second(min(steps, 2_000_000))
    ratio = steps_rate / bare_rate
    memory = peak_rss_mb()
    print(f"simulated {seconds:.0f} s in {wall:.2f} s wall: {sim_rate:.0f}x real time "
          f"(target >= 1000x); {seconds / cpu:.0f}x per CPU second ({cpu:.2f} s CPU)")
    print(f"trace events: {events} ({events / wall:.0f} per wall second)")
    print(f"simpy steps: {steps} ({steps_rate:.0f} per second)")
    print(f"bare simpy loop: {bare_rate:.0f} steps per second")
    print(f"ratio: {ratio:.2f} (target >= 0.3)")
    print(f"peak memory (max RSS): {memory:.0f} MB (target < 400 MB)")
    ok = sim_rate >= 1000 and ratio >= 0.3 and memory < 400
    print("all targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
