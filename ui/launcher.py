"""The ``leadersim`` console command: hands the Qt front ends to the headless command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.runtime.gc_pacing import no_collections, settle_imports

if TYPE_CHECKING:
    from simulator.cli import Frontends
    from simulator.config import Scenario
    from simulator.recording import RecordRequest
    from simulator.trace.events import Event

NO_DISPLAY = (
    "leadersim: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set). "
    "Run it in a desktop session, use `leadersim gui PRESET --until S --screenshot out.png` "
    "for a picture, or `leadersim run PRESET` for a headless run."
)


def display_missing(environ: Mapping[str, str], platform: str) -> bool:
    """True when a window cannot open: Linux without X11 or Wayland and no Qt platform chosen."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return False
    return not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def open_window(scenario: Scenario, until: float | None, screenshot: Path | None) -> int:
    """The GUI front end: open the window (or save a screenshot); Qt loads only now."""
    if screenshot is None and display_missing(os.environ, sys.platform):
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from ui.app import run_gui

    return run_gui(scenario, until, screenshot)


def render_timeline(events: Sequence[Event], scenario: Scenario, path: Path) -> None:
    """The timeline renderer front end (ui.timeline), loaded only when asked for."""
    from ui.timeline import render_timeline as render

    render(events, scenario, path)


def svg_to_png(svg_text: str, path: Path) -> None:
    """The SVG-to-PNG front end (for experiment plots), loaded only when asked for."""
    from ui.svg_png import svg_to_png as rasterise

    rasterise(svg_text, path)


def record_video(scenario: Scenario, request: RecordRequest) -> int:
    """The video front end: record a stretch offscreen (ui.app, loaded only when asked for)."""
    from ui.app import run_record

    return run_record(scenario, request)


def frontends() -> Frontends:
    """The window, the timeline renderer, the SVG rasteriser and the recorder for
    simulator.cli."""
    from simulator.cli import Frontends

    return Frontends(gui=open_window, render_timeline=render_timeline, svg_to_png=svg_to_png,
                     record=record_video)


def main() -> None:
    """Entry point of the ``leadersim`` command."""
    with no_collections():  # the command line's modules: long-lived objects, no garbage
        from simulator.cli import main as cli_main
        from simulator.frozen import replace

        fronts = replace(frontends(), settle=settle_imports)  # this process is the command
        settle_imports()
    sys.exit(cli_main(sys.argv[1:], fronts))
