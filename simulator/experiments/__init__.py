"""Monte Carlo experiments: the Raft paper's election-time measurement (Figure 16) and kin."""

from simulator.experiments.command import main
from simulator.experiments.election_time import ElectionSetup, run_trial, trial_seed
from simulator.experiments.runner import run_lines
from simulator.experiments.stats import LineStats, describe

__all__ = ["ElectionSetup", "LineStats", "describe", "main", "run_lines", "run_trial",
           "trial_seed"]
