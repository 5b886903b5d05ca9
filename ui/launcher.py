"""The ``leadersim`` console command: hands the Qt front ends to the headless command line."""

from __future__ import annotations

import sys

from simulator.cli import Frontends
from simulator.cli import main as cli_main


def frontends() -> Frontends:
    """The window and the timeline renderer, loaded only when a command needs them."""

    def gui(scenario, until, screenshot):  # type: ignore[no-untyped-def]
        from ui.app import run_gui

        return run_gui(scenario, until, screenshot)

    def render_timeline(events, scenario, path):  # type: ignore[no-untyped-def]
        from ui.timeline import render_timeline as render

        render(events, scenario, path)

    return Frontends(gui=gui, render_timeline=render_timeline)


def main() -> None:
    """Entry point of the ``leadersim`` command."""
    sys.exit(cli_main(sys.argv[1:], frontends()))
