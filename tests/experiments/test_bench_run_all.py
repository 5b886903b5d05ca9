"""bench/run_all.py: reading each benchmark's figures, running one, and the Markdown table."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


run_all = _load()


def test_throughput_figures_become_rows_with_their_targets() -> None:
    out = ("simulated 3600 s in 2.50 s wall: 1440x real time (target >= 1000x); 1500x per CPU "
           "second (2.40 s CPU)\nratio: 0.41 (target >= 0.3)\n"
           "peak memory (max RSS): 180 MB (target < 400 MB)\nall targets met\n")
    rows = run_all.parse_throughput(out, "")
    assert rows[0][0] == "simulation speed, 3600 simulated s"
    assert rows[0][1] == "1440x real time (2.50 s wall); 1500x per CPU second (2.40 s CPU)"
    assert rows[0][2] == ">= 1000x"
    assert ("ratio", "0.41", ">= 0.3") in rows
    assert ("peak memory (max RSS)", "180 MB", "< 400 MB") in rows
    assert len(rows) == 3


def test_gui_lines_and_the_timeline_table_are_read() -> None:
    gui = ("frame time 5 Raft + 3 apps at 10x (whole window): p95 12.0 ms, median 9.0 ms  "
           "(target p95 < 16 ms)\ntime to first frame: 1.20 s  (target < 2 s)\n")
    assert run_all.parse_labelled(gui, "") == [
        ("frame time 5 Raft + 3 apps at 10x (whole window)", "p95 12.0 ms, median 9.0 ms",
         "p95 < 16 ms"),
        ("time to first frame", "1.20 s", "< 2 s"),
    ]
    table = ("events: 90000 (synthetic hour)\n"
             f"{'case':40s} {'median ms':>10s} {'p95 ms':>8s} {'cpu ms':>8s}\n"
             f"{'whole hour: redraw + paint':40s} {21.5:10.1f} {30.0:8.1f} {20.1:8.1f}\n"
             "target redraw < 50 ms (cpu) with one hour: met\n")
    rows = run_all.parse_table(table, "")
    assert ("whole hour: redraw + paint", "median 21.5 ms, p95 30.0 ms, cpu 20.1 ms", "") in rows
    assert ("target redraw < 50 ms (cpu) with one hour", "met",
            "redraw < 50 ms (cpu) with one hour") in rows
    assert ("events", "90000 (synthetic hour)", "") in rows


def test_experiment_wall_time_is_checked_against_two_minutes() -> None:
    out = ("header\n\nrange      trials  censored       min    median      mean       p90"
           "       p99       max   (ms)\n"
           "150-155      1000         0      82.6     271.1     339.6     717.5    1193.1"
           "    1605.3\n")
    fast = run_all.parse_experiment(out, "6000 trials in 61.0 s with 2 worker(s)\n")
    assert fast[0][1] == "61.0 s (met)"
    assert ("range 150-155 ms (1000 trials)", "median 271.1 ms, max 1605.3 ms", "") in fast
    slow = run_all.parse_experiment(out, "6000 trials in 130.0 s with 2 worker(s)\n")
    assert run_all.experiment_failed(slow) and not run_all.experiment_failed(fast)


def test_a_benchmark_runs_as_a_subprocess_and_its_failures_are_reported() -> None:
    ok = run_all.Benchmark("fake", "fake.py", ("-c", "print('speed: 5 ms (target < 9 ms)')"),
                           (), "a fake", run_all.parse_labelled)
    outcome = run_all.run(ok, quick=False)
    assert outcome.rows == [("speed", "5 ms", "< 9 ms")] and outcome.problem == ""
    broken = run_all.Benchmark("broken", "broken.py", ("-c", "raise SystemExit('no display')"),
                               (), "a broken one", run_all.parse_labelled)
    failed = run_all.run(broken, quick=False)
    assert failed.status == 1 and failed.problem


def test_the_table_lists_figures_problems_and_missing_benchmarks() -> None:
    bench = run_all.Benchmark("fake", "fake.py", (), (), "a fake", run_all.parse_labelled)
    absent = run_all.Benchmark("gui_frames", "gui_frames_x.py", (), (), "GUI frame times",
                               run_all.parse_labelled)
    outcome = run_all.Outcome(bench, [("speed", "5 ms", "< 9 ms")], 0, 1.5)
    bad = run_all.Outcome(bench, [], 2, 0.1, "exit status 2: boom")
    text = run_all.markdown([outcome, bad], [absent], quick=True)
    assert "| fake | speed | 5 ms | < 9 ms |" in text
    assert "- fake: exit status 2: boom" in text
    assert "- gui_frames (bench/gui_frames_x.py): GUI frame times" in text
    assert "--quick" in text


def test_an_unknown_benchmark_name_is_one_message_and_status_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_all.main(["--only", "no_such_bench"]) == 2
    err = capsys.readouterr().err
    assert "no_such_bench" in err and "Traceback" not in err
