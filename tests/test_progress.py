"""Long work shows progress on the command line: a bar on a terminal, status lines elsewhere."""

from __future__ import annotations

import io

from simulator import cli


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def run_until(self, t: float) -> None:
        self.now = t


def test_a_long_run_not_on_a_terminal_prints_occasional_status_lines(monkeypatch) -> None:
    log = io.StringIO()  # a pipe or a log file: not a terminal
    monkeypatch.setattr(cli, "STATUS_EVERY_S", 0.0)
    clock = _Clock()
    cli.run_with_progress(clock, 40.0, log, "simulating")
    lines = log.getvalue().splitlines()
    assert clock.now == 40.0 and len(lines) == cli.PROGRESS_CHUNKS
    assert lines[-1].startswith("leadersim: simulating: 100% (t = 40 / 40 s), ")
    assert "\r" not in log.getvalue(), "no terminal redraws in a log"

    quiet = io.StringIO()
    monkeypatch.setattr(cli, "STATUS_EVERY_S", 3600.0)
    cli.run_with_progress(_Clock(), 40.0, quiet)
    assert quiet.getvalue() == "", "short work stays silent"


def test_progress_counts_frames_too(monkeypatch) -> None:
    log = io.StringIO()
    monkeypatch.setattr(cli, "STATUS_EVERY_S", 0.0)
    bar = cli.ProgressBar(log, 75, "recording", prefix="frame ", suffix="")
    bar.update(30)
    bar.close()
    assert log.getvalue().startswith("leadersim: recording: 40% (frame 30 / 75), ")


def test_gui_until_with_a_screenshot_shows_its_progress(tmp_path, capfd, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui.launcher import frontends

    monkeypatch.setattr(cli, "STATUS_EVERY_S", 0.0)
    out = tmp_path / "window.png"
    assert cli.main(["gui", "raft-leader-under-app", "--until", "5", "--screenshot", str(out)],
                    frontends()) == 0
    err = capfd.readouterr().err
    assert "leadersim: simulating: 100% (t = 5 / 5 s)" in err and out.stat().st_size > 0
