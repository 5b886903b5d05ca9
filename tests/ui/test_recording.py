"""Recording lessons as video: the files open with the expected frame count and size, bad
requests give one message and exit status 2, the window records its session and can stop."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from PIL import Image

from simulator.cli import main
from simulator.presets.catalog import find_scenario
from simulator.recording import RecordRequest
from ui import recorder
from ui.launcher import frontends
from ui.record_dialog import record_session
from ui.recorder import Cancelled, record

SMALL = ["--from", "2", "--until", "4", "--speed", "2", "--fps", "10", "--size", "320x240"]


def mp4_frames(path: Path) -> list[np.ndarray]:
    reader = imageio.get_reader(str(path))
    try:
        return [frame for frame in reader.iter_data()]
    finally:
        reader.close()


def test_gui_records_mp4_gif_and_webp_with_the_frames_asked_for(qapp, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    for name in ("lesson.mp4", "lesson.gif", "lesson.webp"):
        out = tmp_path / name
        assert main(["gui", "raft-leader-under-app", "--record", str(out), *SMALL],
                    frontends()) == 0
        if name.endswith(".mp4"):
            frames = mp4_frames(out)
            assert len(frames) == 10 and frames[0].shape == (240, 320, 3)
        else:
            with Image.open(out) as picture:
                assert (picture.n_frames, picture.size) == (10, (320, 240))
                assert picture.info.get("loop") == 0
    assert capsys.readouterr().err == "", "no status line for a few seconds' work"


@pytest.mark.parametrize(("argv", "says"), [
    (["--record", "{tmp}/lesson.avi"], "use a name ending in .mp4, .gif or .webp"),
    (["--record", "{tmp}/missing/lesson.mp4"], "does not exist"),
    (["--record", "{tmp}/lesson.mp4", "--size", "321x240"], "even width and height"),
    (["--record", "{tmp}/lesson.gif", "--from", "30", "--until", "20"], "--until must be later"),
    (["--record", "{tmp}/lesson.gif", "--fps", "0"], "--fps 0: must be from 1 to 60"),
    (["--fps", "12"], "--fps works only with --record"),
    (["--record", "{tmp}/lesson.gif", "--until", "60", "--fps", "30"], "too large to build"),
])
def test_a_bad_recording_request_gives_one_message_and_status_2(
        argv, says, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = [part.replace("{tmp}", str(tmp_path)) for part in argv]
    assert main(["gui", "raft-leader-under-app", *args], frontends()) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert not list(tmp_path.glob("lesson*")), "nothing written"


def test_a_missing_encoder_names_the_extra_to_install(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ui.video

    def missing(suffix: str) -> None:
        raise ui.video.VideoUnavailable("recording an MP4 video needs imageio: install the "
                                        "video extra: pip install 'leadersim[video]'")

    monkeypatch.setattr(ui.video, "check_available", missing)
    assert main(["gui", "raft-leader-under-app", "--record", str(tmp_path / "a.mp4")],
                frontends()) == 2
    err = capsys.readouterr().err
    assert "leadersim[video]" in err and len(err.strip().splitlines()) == 1


def test_frames_are_the_same_on_every_recording_and_cancelling_removes_the_file(
        qapp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scenario = find_scenario("raft-leader-under-app")
    frames = []
    for name in ("one.webp", "two.webp"):
        request = RecordRequest(tmp_path / name, 3.0, 3.5, fps=10, speed=1.0, size=(320, 240))
        assert record(scenario, request) == 5
        frames.append(recorder_frames(tmp_path / name))
    assert len(frames[0]) == 5 and all(np.array_equal(a, b) for a, b in zip(*frames))
    assert not np.array_equal(frames[0][0], frames[0][-1]), "time moves on between frames"

    stopped = RecordRequest(tmp_path / "stopped.mp4", 3.0, 6.0, fps=10, size=(320, 240))
    with pytest.raises(Cancelled):
        record(scenario, stopped, lambda done, total: done < 3)
    assert not stopped.path.exists()


def recorder_frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as picture:
        result = []
        for index in range(picture.n_frames):
            picture.seek(index)
            result.append(np.asarray(picture.convert("RGB")))
        return result


def test_file_record_records_the_session_with_its_actions(qtbot, open_window, tmp_path,
                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window(run_to=2.0)
    assert window.runner.act("crash", "n2")
    window.runner.seek(3.0)
    seen = []
    real = recorder.record

    def spy(scenario, request, progress=None, seed=None):  # type: ignore[no-untyped-def]
        seen.append([(step.action, step.target) for step in scenario.faults])
        return real(scenario, request, progress, seed)

    monkeypatch.setattr(recorder, "record", spy)
    out = tmp_path / "session.gif"
    request = RecordRequest(out, 1.0, 3.0, fps=5, speed=1.0, size=(320, 240))
    assert record_session(window, request)
    assert seen == [[("crash", "n2")]]
    with Image.open(out) as picture:
        assert (picture.n_frames, picture.size) == (10, (320, 240))
    assert window.recording_progress is None and window.runner.cursor == 3.0
    assert "Recorded 10 frames" in window.statusBar().currentMessage()

    assert not record_session(window, RecordRequest(tmp_path / "x.mov", 1.0, 3.0))
    assert window.error_box is not None
    assert window.error_box.text().startswith("Could not record the video:")
    assert ".mov" in window.error_box.text()
