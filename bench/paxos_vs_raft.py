"""CPU per message of one simulated hour of a 5-node Multi-Paxos cluster against Raft.

Both clusters have the same size and timing (100 ms heartbeat, 1-2 s election timeout, 1-5 ms
links, 2 ms disk) and differ only in ``[cluster] protocol``. Two workloads: ``idle`` (the
cluster alone: heartbeats and their acknowledgements) and ``store`` (three app servers of the
seed's recipe on the store, renewing their leases and charging a contract about every 5 s, so
commands flow through the log or the slots). Every message is traced, as in every run. The
runs alternate between the protocols, ``--repeat`` times each; the report gives the median
CPU seconds, messages sent, microseconds of CPU per message, and the Paxos/Raft ratio of the
per-message cost (issue 12's target: at most 1).

    python bench/paxos_vs_raft.py [--hours H] [--repeat N] [--seed N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.config import (  # noqa: E402
    AppsConfig,
    AppServerConfig,
    JobConfig,
    Latency,
    NetworkConfig,
    RaftConfig,
    Scenario,
)
from simulator.runtime.simulation import Simulation  # noqa: E402

PROTOCOLS = ("raft", "multi-paxos")


def scenario(protocol: str, workload: str) -> Scenario:
    """The benchmark's cluster with ``protocol``; ``store`` adds three app servers."""
    raft = RaftConfig(nodes=5, heartbeat_interval=0.1, election_timeout_min=1.0,
                      election_timeout_max=2.0, protocol=protocol)
    base = Scenario(name=f"bench-{protocol}", raft=raft,
                    network=NetworkConfig(latency=Latency.uniform(0.001, 0.005)))
    if workload == "idle":
        return base
    servers = tuple(AppServerConfig(f"app{i}", recipe="seed", ttl=10.0) for i in (1, 2, 3))
    apps = replace(AppsConfig(), servers=servers, job=replace(JobConfig(), contracts=12,
                                                                    month=60.0))
    return replace(base, apps=apps)


def run(protocol: str, workload: str, seconds: float, seed: int) -> tuple[float, int]:
    """CPU seconds and messages sent of one run."""
    sim = Simulation(scenario(protocol, workload), seed=seed)
    start = time.process_time()
    sim.run_until(seconds)
    cpu = time.process_time() - start
    sent = sum(1 for e in sim.trace.events if e.kind == "msg.send")
    return cpu, sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="simulated hours (1)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per protocol (3)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    seconds = args.hours * 3600.0
    print(f"5 nodes, {args.hours:g} simulated hour(s), seed {args.seed}, median of "
          f"{args.repeat} alternated runs (CPU time of the simulation loop)")
    print(f"{'workload':<8} {'protocol':<12} {'CPU s':>8} {'messages':>10} {'us/msg':>8}")
    for workload in ("idle", "store"):
        cpu: dict[str, list[float]] = {p: [] for p in PROTOCOLS}
        sent: dict[str, int] = {}
        for _ in range(args.repeat):
            for protocol in PROTOCOLS:
                seconds_cpu, messages = run(protocol, workload, seconds, args.seed)
                cpu[protocol].append(seconds_cpu)
                sent[protocol] = messages
        per: dict[str, float] = {}
        for protocol in PROTOCOLS:
            median = statistics.median(cpu[protocol])
            per[protocol] = median / sent[protocol] * 1e6
            print(f"{workload:<8} {protocol:<12} {median:>8.2f} {sent[protocol]:>10} "
                  f"{per[protocol]:>8.2f}")
        print(f"{workload:<8} ratio Multi-Paxos / Raft CPU per message: "
              f"{per['multi-paxos'] / per['raft']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
