"""The PBS staleness experiment on the eventual store's own replicas and coordinators."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest

from simulator.experiments.delays import DelayError, parse_delay
from simulator.experiments.staleness import (
    Wars,
    closed_form_within,
    visible_after,
    within_versions,
)
from simulator.experiments.staleness_command import main


def _wars(n: int = 3, r: int = 1, w: int = 1, write: str = "exp:1") -> Wars:
    one = parse_delay("exp:1")
    return Wars(n, r, w, parse_delay(write), one, one, one)


def _fraction(trial, trials: int, seed: int) -> float:
    rng = random.Random(seed)
    return sum(trial(rng) for _ in range(trials)) / trials


@pytest.mark.parametrize("versions", [1, 2, 3])
def test_k_staleness_matches_the_papers_closed_form(versions: int) -> None:
    """N=3, R=W=1: 1 - (2/3)^k, e.g. 0.556 within 2 versions (PBS, section 3)."""
    measured = _fraction(lambda rng: within_versions(_wars(), versions, rng), 3000, versions)
    exact = closed_form_within(3, 1, 1, versions)
    assert abs(measured - exact) < 0.03, (measured, exact)
    assert closed_form_within(3, 1, 1, 2) == pytest.approx(0.5556, abs=1e-4)


@pytest.mark.parametrize(("write_ms", "at_commit"), [("0.25", 0.94), ("10", 0.41)])
def test_t_visibility_at_commit_is_the_papers(write_ms: str, at_commit: float) -> None:
    """PBS's exponential example (N=3, R=W=1, A=R=S mean 1 ms): about 94 % consistent at commit
    when writes average 0.25 ms, about 41 % when they average 10 ms."""
    wars = _wars(write=f"exp:{write_ms}")
    measured = _fraction(lambda rng: visible_after(wars, 0.0, rng), 3000, 7)
    assert abs(measured - at_commit) < 0.03, measured


def test_slow_writes_take_tens_of_ms_to_reach_three_nines() -> None:
    wars = _wars(write="exp:10")
    early = _fraction(lambda rng: visible_after(wars, 0.010, rng), 2000, 3)
    late = _fraction(lambda rng: visible_after(wars, 0.065, rng), 2000, 3)
    assert early < 0.9 < 0.995 < late


def test_overlapping_quorums_always_read_the_write() -> None:
    """R + W > N: every read quorum meets the write quorum, so no read is stale."""
    wars = _wars(3, 2, 2)
    assert _fraction(lambda rng: visible_after(wars, 0.0, rng), 500, 1) == 1.0
    assert _fraction(lambda rng: within_versions(wars, 1, rng), 500, 2) == 1.0


def test_delay_texts_and_their_means() -> None:
    mixture = parse_delay("0.38*pareto:1.05:1.51+0.62*exp:5.46")
    assert mixture.mean == pytest.approx(0.38 * 1.51 * 1.05 / 0.51 + 0.62 * 5.46)
    rng = random.Random(4)
    uniform = parse_delay("uniform:2:4")
    samples = [uniform.sample(rng) for _ in range(2000)]
    assert 0.002 <= min(samples) and max(samples) <= 0.004
    assert sum(samples) / len(samples) == pytest.approx(0.003, rel=0.03)
    for bad in ("", "exp", "exp:-1", "gauss:1", "0.5*exp:1", "0.5*exp:1+0.4*exp:2",
                "pareto:1", "uniform:3:1", "exp:nan"):
        with pytest.raises(DelayError):
            parse_delay(bad)


def test_the_csv_does_not_depend_on_the_workers(tmp_path, capsys) -> None:
    argv = ["--trials", "1200", "--at", "0,1", "--seed", "5"]
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main([*argv, "--workers", "1", "--csv", str(one)]) == 0
    assert main([*argv, "--workers", "2", "--csv", str(two)]) == 0
    assert one.read_bytes() == two.read_bytes()
    lines = one.read_text().splitlines()
    assert lines[0] == "t_ms,trials,p_consistent"
    assert [line.split(",")[:2] for line in lines[1:]] == [["0", "1200"], ["1", "1200"]]
    assert "P(consistent)" in capsys.readouterr().out


def test_k_staleness_csv_and_plot(tmp_path, capsys) -> None:
    csv_path, plot = tmp_path / "k.csv", tmp_path / "k.svg"
    assert main(["--versions", "1,2", "--trials", "600", "--workers", "1",
                 "--csv", str(csv_path), "--plot", str(plot)]) == 0
    assert csv_path.read_text().splitlines()[0] == "versions,trials,p_within"
    svg = ET.parse(plot).getroot()
    assert svg.tag.endswith("svg") and len(svg.findall(".//{*}circle")) >= 2
    assert "closed form" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "words"), [
    (["--read-quorum", "4"], "--read-quorum must be from 1 to --replicas (3), got 4"),
    (["--write-quorum", "0"], "--write-quorum must be from 1 to --replicas (3), got 0"),
    (["--write", "gauss:1"], "--write: 'gauss:1': expected exp:MEAN_MS"),
    (["--at", "1", "--versions", "2"], "--at and --versions: give one"),
    (["--at", "-1"], "--at: -1 is not from 0"),
    (["--versions", "1.5"], "--versions takes whole numbers"),
    (["--trials", "0"], "--trials must be from 1"),
    (["--plot", "out.pdf"], "--plot out.pdf: must end in .svg"),
    (["--dask", "nonsense"], "--dask nonsense:"),
])
def test_bad_settings_give_one_message_and_status_2(argv: list[str], words: str,
                                                    capsys) -> None:
    assert main([*argv, "--workers", "1"] if "--dask" not in argv else argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
