"""The window's file commands: the preset library, dropped presets, a new seed, saving the
session as a preset, and the exports (canvas, timeline, window, event log).

Each command has a dialog form (asks for a file or a number) and a direct form taking the answer,
which the tests call. Every failure is shown in the window's error dialog; the session stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from simulator.presets.loader import MAX_SEED

if TYPE_CHECKING:
    from ui.library import PresetLibrary
    from ui.mainwindow import MainWindow

# The library, the exports and the session writer are imported when first used: none of them
# is needed to show the window.

DEFAULT_CANVAS_SIZE = (1920, 1080)
DEFAULT_TIMELINE_WIDTH = 1920


def dropped_preset(mime: QMimeData) -> Path | None:
    """The first local .toml file among dropped ``mime`` data, or None."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and url.toLocalFile().lower().endswith(".toml"):
            return Path(url.toLocalFile())
    return None


class WindowFiles:
    """File commands of one MainWindow."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.library: PresetLibrary | None = None

    # --- presets ---------------------------------------------------------------------------

    def open_library(self) -> None:
        """Show the preset library; open the preset chosen there."""
        window = self.window
        from ui.library import PresetLibrary

        try:
            library = PresetLibrary(parent=window)
        except Exception as error:  # noqa: BLE001 - a broken catalog is shown, not raised
            window.show_error(f"Could not list the shipped presets: {error}")
            return
        self.library = library
        library.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # none left behind
        library.select(window.runner.session.scenario.name)
        library.finished.connect(lambda result: self._library_closed(library, result))
        library.open()

    def _library_closed(self, library: PresetLibrary, result: int) -> None:
        if result and library.chosen_path is not None:
            self.window.open_preset(library.chosen_path)
        self.library = None

    def change_seed_dialog(self) -> None:
        """Ask for a seed and restart the run with it."""
        window = self.window
        # getText, not getInt: a seed may be any whole number up to 2**63 - 1 (Qt's ints stop
        # at 2**31 - 1)
        text, ok = QInputDialog.getText(window, "Change the seed",
                                        f"Seed, a whole number from 0 to {MAX_SEED} "
                                        "(the same seed gives the same run):",
                                        text=str(window.runner.session.seed))
        if not ok:
            return
        try:
            seed = int(text.strip())
        except ValueError:
            window.show_error(f"The seed must be a whole number from 0 to {MAX_SEED}, "
                              f"got {text.strip()!r}")
            return
        self.restart_with_seed(seed)

    def restart_with_seed(self, seed: int) -> bool:
        """Start the scenario again from time 0 with ``seed``."""
        window = self.window
        if not 0 <= seed <= MAX_SEED:
            window.show_error(f"The seed must be a whole number from 0 to {MAX_SEED}, "
                              f"got {seed}")
            return False
        session = window.runner.session
        return window.open_scenario(session.scenario, session.preset_path, seed=seed)

    def save_session_dialog(self) -> None:
        """Ask for a file name and save the session as a preset that replays it."""
        window = self.window
        name = f"{window.runner.session.scenario.name}.toml"
        path, _ = QFileDialog.getSaveFileName(window, "Save the session as a preset", name,
                                              "Presets (*.toml)")
        if path:
            self.save_session(Path(path))

    def save_session(self, path: Path) -> bool:
        """Write the session (scenario, seed and every action so far) as a preset at ``path``.

        The preset's name is the file name without .toml; saving under the scenario's own name
        keeps the event log byte-identical, run.start included.
        """
        window = self.window
        session = window.runner.session
        actions = list(getattr(session.simulation, "actions", ()))
        if path.suffix.lower() != ".toml":
            window.show_error(f"{path}: a preset file name must end in .toml")
            return False
        try:
            from ui.session_preset import session_toml

            text = session_toml(session.scenario, session.seed, actions)
        except ValueError as error:
            window.show_error(f"Could not save the session as a preset: {error}")
            return False
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            window.show_error(f"Could not write {path}: {error.strerror or error}. Check the "
                              "folder exists and is writable.")
            return False
        window.statusBar().showMessage(
            f"Saved {len(actions)} action(s) and seed {session.seed} to {path}", 6000)
        return True

    # --- exports ---------------------------------------------------------------------------

    def _ask(self, title: str, name: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, name, filters)
        return Path(path) if path else None

    def export_canvas_dialog(self) -> None:
        """Ask for a file and export the canvas."""
        path = self._ask("Export the canvas", "canvas.png", "Pictures (*.png *.svg)")
        if path is not None:
            self.export_canvas(path)

    def export_canvas(self, path: Path, size: tuple[int, int] = DEFAULT_CANVAS_SIZE) -> bool:
        """Save the canvas at the cursor as a PNG or SVG of ``size`` pixels."""
        window = self.window
        try:
            from ui.exports import export_scene

            export_scene(window.scene, path, *size, title=window.windowTitle())
        except (ValueError, OSError) as error:
            window.show_error(str(error))
            return False
        window.statusBar().showMessage(f"Saved the canvas to {path}", 6000)
        return True

    def export_timeline_dialog(self) -> None:
        """Ask for a file and export the timeline."""
        path = self._ask("Export the timeline", "timeline.png", "Pictures (*.png *.svg)")
        if path is not None:
            self.export_timeline(path)

    def export_timeline(self, path: Path, width: int = DEFAULT_TIMELINE_WIDTH,
                        height: int | None = None) -> bool:
        """Save the timeline's visible time window as a PNG or SVG ``width`` pixels wide."""
        window = self.window
        timeline = window.ensure_timeline()
        if timeline is None:
            window.show_error("The timeline is not available (pyqtgraph is missing)")
            return False
        window.sync_timeline()  # hidden or between updates while playing, it may lag
        title = f"{window.runner.session.scenario.title}, seed {window.runner.session.seed}"
        try:
            timeline.export_picture(path, width=width, height=height,  # type: ignore[attr-defined]
                                    title=title)
        except ValueError as error:
            window.show_error(str(error))
            return False
        except OSError as error:
            window.show_error(f"{path}: cannot write the file ({error.strerror or error})")
            return False
        window.statusBar().showMessage(f"Saved the timeline to {path}", 6000)
        return True

    def export_log_dialog(self) -> None:
        """Ask for a file and export the event log up to the cursor (the title says so)."""
        cursor = self.window.runner.cursor
        path = self._ask(f"Export the event log up to t = {cursor:.3f} s (the cursor)",
                         "events.jsonl", "JSON Lines (*.jsonl);;CSV (*.csv)")
        if path is not None:
            self.export_log(path)

    def export_log(self, path: Path) -> bool:
        """Save the events the window shows, those at or before the cursor, as JSON Lines or
        CSV (after seeking back, the later events are left out)."""
        window = self.window
        cursor = window.runner.cursor
        events = window.runner.session.trace.until(cursor)
        try:
            from ui.exports import export_events

            export_events(events, path)
        except (ValueError, OSError) as error:
            window.show_error(str(error))
            return False
        window.statusBar().showMessage(
            f"Saved {len(events)} events up to t = {cursor:.3f} s to {path}", 6000)
        return True
