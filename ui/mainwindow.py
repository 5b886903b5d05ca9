"""The live window: canvas in the middle, timeline below, inspector and narration at the side.

Every panel draws the runner's World (the trace projected at the cursor). The toolbar and menus
drive the runner; node actions apply to the selected host. The File menu's preset library,
seed, session saving and exports live in ui.window_files; a .toml dropped on the window opens.
Presenter mode (F5, Esc to leave) is full screen with larger text. Errors open a dialog and the
session stays. Layout, last preset and speed persist in QSettings.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QSpacerItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from simulator.config import Scenario
from simulator.projection import World
from ui import settings as prefs
from ui import layouts, style
from ui.canvas.scene import ClusterScene
from ui.canvas.view import CanvasPane
from ui.first_paint import AfterFirstPaint
from ui.controls import WINDOW_FONT, SeekBar, SpeedControl, speed_text
from ui.inspector import InspectorWidget
from ui.narration import NarrationWidget, lesson_paragraphs
from ui.node_actions import ACTIONS, NodeAction, host_kind, why_not
from ui.runner import DEFAULT_SPEED, SimRunner
from ui.session import Session
from ui.window_files import WindowFiles, dropped_preset

if TYPE_CHECKING:  # loaded when first opened, not before the first frame
    from ui.summary import SummaryDialog

DEFAULT_SIZE = (1600, 1000)
# On first start the window takes at most this share of the free area of the screen it opens on
# (a 1024x768 projector gets nearly all of it, a large monitor DEFAULT_SIZE).
SCREEN_SHARE = 0.96
# Room left for a window manager's frame and title bar, which are not known before the
# window is shown (openbox: 1 px borders and a 20 px title bar).
FRAME_ALLOWANCE = (16, 48)
# How long after the first show the window manager's frame is trusted to be known.
FRAME_SETTLE_MS = 300
DEFAULT_PAUSE_SECONDS = 5.0
# The timeline's share of the window height on first start (lanes readable on a projector).
TIMELINE_SHARE = 0.42
# In presenter mode the canvas gets more of the height: its pictures are what a room watches
# (the canvas is as large as its pane is tall). Not with many hosts: their many lanes need
# the timeline's full share to stay readable.
TIMELINE_SHARE_PRESENTING = 0.38
PRESENTER_ROOMY_HOSTS = 10
# A lesson with more hosts than that (a herd: 14 lanes) gives its timeline this share.
TIMELINE_SHARE_CROWDED = 0.5
# The timeline's legend is shown from the start in windows at least this tall.
LEGEND_MIN_HEIGHT = 880
# Presenter mode: full screen, and the panels' text this many times larger.
PRESENTER_SCALE = 1.5
# Presenter mode on a screen narrower than this hides the inspector (projectors of 1024 or
# 1280 px: the canvas, timeline and narration keep the room).
PRESENTER_INSPECTOR_WIDTH = 1400
# The toolbar's text size: every button fits a 1024 px wide window; in presenter mode it
# grows less than the rest (the room reads the canvas, the presenter the buttons).
TOOLBAR_FONT = 15
PRESENTER_TOOLBAR_SCALE = 1.2
PRESENTER_SEEK_SCALE = 1.2
# The side column's largest share of the window width (normal, presenter mode).
SIDE_SHARE = 0.32
SIDE_SHARE_PRESENTING = 0.25
# A seek that runs the simulation far ahead shows a progress dialog after this long.
LONG_RUN_DIALOG_MS = 400
# The side column is never narrower than this (its text must still read at 1024x768).
SIDE_MIN_WIDTH = 300
# While playing, the timeline (an overview of the whole run) is redrawn at most this often.
TIMELINE_PLAYING_INTERVAL_MS = 500


class MainWindow(QMainWindow):
    """The leadersim window for one session (replaced in place when a preset is opened).

    The first frame shows the whole window at the cursor; right after it is painted the window
    builds what that frame does not need (``finish_loading``: the session's simulation when it
    was left for later, and the timeline), then emits ``loaded``.
    """

    loaded = Signal()
    """Everything left for after the first frame is built (``loading`` is False from then)."""

    def __init__(self, session: Session, speed: float | None = None,
                 remember: bool = True) -> None:
        super().__init__()
        self.loading = True
        self._remember = remember
        store = prefs.settings()
        if speed is None:
            speed = prefs.read_float(store, prefs.SPEED, DEFAULT_SPEED) if remember \
                else DEFAULT_SPEED
        self.runner = SimRunner(session, speed=speed, parent=self)
        self.error_box: QMessageBox | None = None
        self.lesson_box: QMessageBox | None = None
        self.summary_dialog: SummaryDialog | None = None
        self.recording_progress: QWidget | None = None
        self._fork_cursor = False
        self.presenting = False
        self._auto_size: tuple[int, int] | None = None
        self._normal_timeline: tuple[bool, bool] | None = None
        self._inspector_hidden = False
        self.files = WindowFiles(self)
        self.setAcceptDrops(True)
        self.setWindowTitle(self._title())
        self.fit_to_screen()
        self.setFont(style.font(WINDOW_FONT))

        self.scene = ClusterScene(self.runner)
        self.canvas_pane = CanvasPane(self.scene)
        self.canvas = self.canvas_pane.view
        self.canvas.menu_builder = self.fill_host_menu
        self.setCentralWidget(self.canvas_pane)

        self._timeline_clock = QElapsedTimer()
        self.seek_bar = SeekBar()
        self.seek_bar.seek_requested.connect(self._seek_from_slider)
        # The timeline (pyqtgraph, slow to import) joins right after the first frame is shown.
        self.timeline: QWidget | None = None
        self._timeline_fed = 0
        self._timeline_available = importlib.util.find_spec("ui.timeline") is not None
        bottom = QWidget()
        self._bottom_layout = QVBoxLayout(bottom)
        self._bottom_layout.setContentsMargins(0, 0, 0, 0)
        self._bottom_layout.setSpacing(0)
        # One row for the seek bar and the timeline's controls: the lanes get the height.
        # (Rows join their parent layout empty and are filled after: see ui/layouts.py.)
        self._seek_row = QHBoxLayout()
        self._seek_row.setContentsMargins(0, 0, 4, 0)
        self._bottom_layout.addLayout(self._seek_row)
        self._seek_row.addWidget(self.seek_bar, 3)
        # Until the timeline joins, the seek bar stays at the top where it will be after.
        self._stretch: QSpacerItem | None = layouts.stretch()
        self._bottom_layout.addSpacerItem(self._stretch)
        self.timeline_dock = self._dock("Timeline", "timeline", bottom,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.timeline_dock.visibilityChanged.connect(self._on_timeline_visibility)
        # The side panels run the full height; the timeline spans the canvas's width.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self.inspector = InspectorWidget(self.runner, self.scene)
        self.inspector_dock = self._dock("Inspector", "inspector", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.narration = NarrationWidget(self.runner)
        self.narration_dock = self._dock("Narration", "narration", self.narration,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self._layout_restored = False
        self._geometry_restored = False
        self._shown_once = False

        self.pause_seconds = QDoubleSpinBox()
        self.pause_seconds.setRange(0.1, 600.0)
        self.pause_seconds.setSuffix(" s")
        self.pause_seconds.setDecimals(1)
        self.pause_seconds.setValue(prefs.read_float(store, prefs.PAUSE_SECONDS,
                                                     DEFAULT_PAUSE_SECONDS))
        self.pause_seconds.setToolTip("How long a process pause (GC) lasts")
        self.speed_control = SpeedControl(self.runner.speed)
        self.speed_control.speed_chosen.connect(self.runner.set_speed)
        self.actions_by_key: dict[str, QAction] = {}
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._fill_recent_menu()

        self.time_label = QLabel()
        self.speed_label = QLabel()
        self.seed_label = QLabel()
        for label in (self.time_label, self.speed_label, self.seed_label):
            label.setFont(style.font(16))
            label.setContentsMargins(14, 0, 14, 0)
            self.statusBar().addPermanentWidget(label)

        self.runner.frame.connect(self._on_frame)
        self.runner.state_changed.connect(self._on_state)
        self.runner.session_replaced.connect(self._on_session_replaced)
        self.runner.error.connect(self.show_error)
        self.runner.pause_point.connect(self._on_pause_point)
        self.runner.forking.connect(self._on_forking)
        self.runner.lesson_ended.connect(self._on_lesson_end)
        self.runner.long_run_progress = self._long_run_progress
        self._long_run: tuple[QElapsedTimer, QProgressDialog | None] | None = None
        if remember:
            self._restore_layout()
            prefs.remember_preset(store, session.preset_path or session.scenario.name)
            self._fill_recent_menu()
        self._on_state()
        self.runner.refresh()

    # --- building --------------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def ensure_timeline(self) -> QWidget | None:
        """Create the timeline below the canvas if it is not there yet (None if unavailable)."""
        if self.timeline is not None or not self._timeline_available:
            return self.timeline
        try:
            from ui.timeline import TimelineWidget
            from ui.timeline.model import TimelineModel
        except ImportError:
            self._timeline_available = False
            return None
        session = self.runner.session
        scale = PRESENTER_SCALE if self.presenting else 1.0
        widget = TimelineWidget(TimelineModel.from_scenario(session.scenario), scale=scale,
                                horizon=session.scenario.duration)
        self._scale_timeline(widget, scale)
        widget.seek_requested.connect(self._seek_from_timeline)
        pointer, *controls = widget.header_controls()
        self._seek_row.addWidget(pointer, 1)
        for control in controls:  # the presenter's, not the room's: never scaled up
            control.setFont(style.font(WINDOW_FONT))
            self._seek_row.addWidget(control)
        widget.legend_box.setChecked(self._legend_by_default())
        if self.presenting:
            self._present_timeline(widget, True)
        self.timeline = widget
        self._timeline_fed = 0
        if self._stretch is not None:  # ours (made in Python), so removed without itemAt
            self._bottom_layout.removeItem(self._stretch)
            self._stretch = None
        self._bottom_layout.addWidget(widget, 1)
        self._update_timeline(self.runner.cursor)
        return widget

    def finish_loading(self) -> None:
        """Build what the first frame did not need: the simulation (when the session left it
        for later) and the timeline; then emit ``loaded``. A simulation that cannot be built
        is shown in the error dialog."""
        if not self.loading:
            return
        try:
            if self.runner.session.start():
                self.runner.refresh()
        except Exception as error:  # noqa: BLE001 - a model that cannot start is shown
            self.show_error(f"The simulation could not start: {error}")
        self.ensure_timeline()
        self.loading = False
        self.loaded.emit()

    def _action(self, key: str, text: str, shortcut: str | QKeySequence.StandardKey | None,
                handler: Callable[[], object], tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip or text} ({action.shortcut().toString()})"
                          if shortcut is not None else tip or text)
        action.triggered.connect(lambda _checked=False: handler())
        self.addAction(action)
        self.actions_by_key[key] = action
        return action

    def _build_actions(self) -> None:
        runner = self.runner
        self._action("play", "Play", "Space", runner.toggle, "Play or pause")
        self._action("step", "Step", ".", runner.step, "Go to the next event")
        self._action("start", "Start", "Home", runner.to_start, "Go to time 0")
        self._action("end", "End", "End", runner.to_end,
                     "Go to the end of the lesson (the scenario's duration)")
        self._action("faster", "Faster", "]", lambda: self._scale_speed(2.0), "Double the speed")
        self._action("slower", "Slower", "[", lambda: self._scale_speed(0.5), "Halve the speed")
        self._action("heal", "Heal all", "H", self.scene.heal_all,
                     "Remove every wall and heal every cut link")
        self._action("restart-run", "Restart run", "Ctrl+R", self.restart_run,
                     "Start the scenario again from time 0 with the same seed")
        self._action("open", "Open preset file…", QKeySequence.StandardKey.Open,
                     self.open_preset_dialog)
        files = self.files
        self._action("library", "Preset library…", "Ctrl+L", files.open_library,
                     "Choose one of the shipped presets")
        self._action("seed", "Change the seed…", "Ctrl+E", files.change_seed_dialog,
                     "Run the scenario again with another seed")
        self._action("save-session", "Save session as preset…", QKeySequence.StandardKey.Save,
                     files.save_session_dialog,
                     "Save the scenario, seed and your actions as a preset that replays them")
        self._action("screenshot", "Export window picture (PNG)…", "Ctrl+Shift+S",
                     self.save_picture_dialog)
        self._action("export-canvas", "Export canvas (PNG or SVG)…", "Ctrl+Shift+C",
                     files.export_canvas_dialog)
        self._action("export-timeline", "Export timeline (PNG or SVG)…", "Ctrl+Shift+T",
                     files.export_timeline_dialog)
        self._action("export-log", "Export event log (JSON Lines or CSV)…", "Ctrl+Shift+L",
                     files.export_log_dialog)
        self._action("record", "Record video (MP4, GIF or WebP)…", "Ctrl+Shift+V",
                     self._record_dialog,
                     "Record a stretch of this session, your actions included, as a video")
        self._action("fullscreen", "Full screen", "F11", self._toggle_fullscreen)
        self._action("presenter", "Presenter mode", "F5", self.toggle_presenter,
                     "Full screen with larger text, for a projector")
        self.actions_by_key["presenter"].setCheckable(True)
        self._action("leave-full-screen", "Leave full screen", "Esc", self.leave_full_screen,
                     "Back to the normal window (leaves presenter mode)")
        self._action("quit", "Quit", QKeySequence.StandardKey.Quit, self.close)
        self._action("about-lesson", "About this lesson…", "F1", self.show_lesson,
                     "The lesson's title and description")
        self._action("summary", "Run summary…", "S", self.show_summary,
                     "Availability in nines, failovers, charges and violations up to the "
                     "cursor (what leadersim run prints)")
        self.actions_by_key["summary"].setIconText("Summary")
        for node_action in ACTIONS:
            self._action(f"node-{node_action.key}", self._node_text(node_action),
                         node_action.shortcut,
                         lambda chosen=node_action: self.act_on_selected(chosen))

    def _build_toolbar(self) -> None:
        bar = QToolBar("Time")
        bar.setObjectName("time-toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setFont(style.font(TOOLBAR_FONT, bold=True))
        for key in ("start", "play", "step", "end"):
            bar.addAction(self.actions_by_key[key])
        bar.addSeparator()
        bar.addWidget(self.speed_control)
        bar.addSeparator()
        bar.addAction(self.actions_by_key["heal"])
        bar.addAction(self.actions_by_key["restart-run"])
        bar.addAction(self.actions_by_key["summary"])
        bar.addSeparator()
        pause_label = QLabel(" Pause ")
        pause_label.setToolTip("How long a process pause (GC) lasts")
        bar.addWidget(pause_label)
        bar.addWidget(self.pause_seconds)
        self.addToolBar(bar)
        self.toolbar = bar

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.actions_by_key["library"])
        file_menu.addAction(self.actions_by_key["open"])
        presets = file_menu.addMenu("Shipped presets")
        # read when first opened: parsing every shipped preset is not needed for the first frame
        presets.aboutToShow.connect(lambda menu=presets: self._fill_presets_menu(menu))
        self.presets_menu = presets
        self.recent_menu = file_menu.addMenu("Recent presets")
        file_menu.addSeparator()
        file_menu.addAction(self.actions_by_key["restart-run"])
        file_menu.addAction(self.actions_by_key["seed"])
        file_menu.addAction(self.actions_by_key["save-session"])
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("Export")
        for key in ("export-canvas", "export-timeline", "screenshot", "export-log"):
            export_menu.addAction(self.actions_by_key[key])
        file_menu.addAction(self.actions_by_key["record"])
        file_menu.addSeparator()
        file_menu.addAction(self.actions_by_key["quit"])
        sim_menu = menus.addMenu("&Simulation")
        for key in ("play", "step", "start", "end", "faster", "slower"):
            sim_menu.addAction(self.actions_by_key[key])
        sim_menu.addSeparator()
        sim_menu.addAction(self.actions_by_key["heal"])
        sim_menu.addSeparator()
        sim_menu.addAction(self.actions_by_key["summary"])
        node_menu = menus.addMenu("&Node")
        node_menu.setToolTipsVisible(True)
        for node_action in ACTIONS:
            node_menu.addAction(self.actions_by_key[f"node-{node_action.key}"])
        node_menu.aboutToShow.connect(self._update_node_menu)
        node_menu.aboutToHide.connect(self._enable_node_actions)
        self.node_menu = node_menu
        view_menu = menus.addMenu("&View")
        for dock in (self.timeline_dock, self.inspector_dock, self.narration_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.actions_by_key["presenter"])
        view_menu.addAction(self.actions_by_key["fullscreen"])
        view_menu.addAction(self.actions_by_key["leave-full-screen"])
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.actions_by_key["about-lesson"])
        help_menu.addAction("How to use the canvas", self._show_help)

    def _fill_presets_menu(self, menu: QMenu) -> None:
        """List the shipped presets in ``menu`` (once: the shipped files do not change)."""
        if menu.property("filled"):
            return
        menu.setProperty("filled", True)
        try:
            from simulator.presets.catalog import list_presets
            infos = list_presets()
        except Exception:  # noqa: BLE001 - a broken catalog must not stop the window
            infos = []
        for info in infos:
            if info.valid:
                entry = menu.addAction(f"{info.name} — {info.title}")
                entry.setToolTip(info.description)
                entry.triggered.connect(lambda _c=False, p=info.path: self.open_preset(p))
        if not infos:
            menu.setEnabled(False)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for reference in prefs.recent_presets(prefs.settings()):
            entry = self.recent_menu.addAction(reference)
            entry.triggered.connect(lambda _c=False, r=reference: self.open_reference(r))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def open_reference(self, reference: str) -> bool:
        """Open a preset by file path or shipped name (a dialog on errors)."""
        try:
            from simulator.presets.catalog import find_scenario
            scenario = find_scenario(reference)
        except Exception as error:  # noqa: BLE001 - PresetError or OSError: shown in a dialog
            self.show_error(str(error))
            return False
        path = reference if Path(reference).suffix == ".toml" else None
        return self.open_scenario(scenario, path)

    @staticmethod
    def _node_text(node_action: NodeAction) -> str:
        return node_action.text.replace("{duration:g} s", "N s")

    # --- acting ----------------------------------------------------------------------------

    def fill_host_menu(self, host: str, menu: QMenu) -> None:
        """Put the actions that apply to ``host`` in its context menu."""
        kind = host_kind(self.runner.world, host)
        menu.setFont(style.font(16))
        title = menu.addAction(host)
        title.setEnabled(False)
        menu.addSeparator()
        menu.setToolTipsVisible(True)
        duration = self.pause_seconds.value()
        for node_action in ACTIONS:
            if not node_action.applies_to(kind):
                continue
            entry = menu.addAction(node_action.text.format(duration=duration))
            entry.setShortcut(QKeySequence(node_action.shortcut))
            reason = self.why_not(node_action, host)
            if reason is not None:
                entry.setEnabled(False)
                entry.setToolTip(reason)
            entry.triggered.connect(
                lambda _c=False, a=node_action, h=host: self.act_on(a, h))

    def why_not(self, node_action: NodeAction, host: str) -> str | None:
        """Why ``node_action`` cannot apply to ``host`` at the cursor (None: it can)."""
        runner = self.runner
        return why_not(node_action, runner.world, host, runner.session.scenario)

    def _update_node_menu(self) -> None:
        """The Node menu offers what applies to the selected host; the rest is disabled with
        the reason as its tooltip."""
        host = self.scene.selected_host()
        for node_action in ACTIONS:
            entry = self.actions_by_key[f"node-{node_action.key}"]
            reason = "Select a node first (click it on the canvas)." if host is None \
                else self.why_not(node_action, host)
            entry.setEnabled(reason is None)
            entry.setToolTip(reason or self._node_text(node_action))

    def _enable_node_actions(self) -> None:
        """Enable every node action again (their shortcuts answer for any selected host)."""
        for node_action in ACTIONS:
            entry = self.actions_by_key[f"node-{node_action.key}"]
            entry.setEnabled(True)
            entry.setToolTip(f"{self._node_text(node_action)} ({node_action.shortcut})")

    def act_on(self, node_action: NodeAction, host: str) -> bool:
        """Perform ``node_action`` on ``host`` at the cursor (when it cannot apply, the
        status bar says why)."""
        reason = self.why_not(node_action, host)
        if reason is not None:
            self.statusBar().showMessage(reason, 6000)
            return False
        return node_action.perform(self.runner, host, self.pause_seconds.value())

    def act_on_selected(self, node_action: NodeAction) -> bool:
        """Perform ``node_action`` on the selected host (a hint when none is selected)."""
        host = self.scene.selected_host()
        if host is None:
            self.statusBar().showMessage("Select a node first (click it on the canvas)", 4000)
            return False
        return self.act_on(node_action, host)

    def _scale_speed(self, factor: float) -> None:
        self.runner.set_speed(self.runner.speed * factor)

    def _seek_from_slider(self, t: float) -> None:
        self.runner.pause()
        self.runner.seek_within_run(t)

    def _seek_from_timeline(self, t: float) -> None:
        self.runner.pause()
        self.runner.seek_within_run(t)

    def toggle_presenter(self) -> None:
        """Switch presenter mode (full screen, larger text) on or off."""
        self.set_presenter(not self.presenting)

    def set_presenter(self, on: bool) -> None:
        """Presenter mode: full screen and every panel's text PRESENTER_SCALE times larger."""
        self.presenting = on
        self.actions_by_key["presenter"].setChecked(on)
        scale = PRESENTER_SCALE if on else 1.0
        self.inspector.set_scale(scale)
        self.narration.set_scale(scale)
        if self.summary_dialog is not None:
            self.summary_dialog.set_scale(scale)
        self.canvas_pane.set_text_scale(scale)
        self.toolbar.setFont(style.font(TOOLBAR_FONT * min(scale, PRESENTER_TOOLBAR_SCALE),
                                        bold=True))
        for label in (self.time_label, self.speed_label, self.seed_label):
            label.setFont(style.font(16 * scale))
        # the banner shows the time large; the seek bar shares its row with the timeline's
        # controls and must leave the side column its width on a 1024 px projector
        self.seek_bar.set_scale(min(scale, PRESENTER_SEEK_SCALE))
        if self.timeline is not None:
            self._scale_timeline(self.timeline, scale)
            self._present_timeline(self.timeline, on)
        self._present_side(on)
        # Full screen for a room: the menu bar and the status bar (whose time, speed and seed
        # the banner and toolbar show) give their height to the canvas and the timeline; every
        # menu command keeps its key.
        self.menuBar().setVisible(not on)
        self.statusBar().setVisible(not on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        self._fit_toolbar()
        # Size the panels once the window has its new (full-screen or normal) size.
        QTimer.singleShot(0, self, lambda: self.size_panels(scale))

    def _legend_by_default(self) -> bool:
        """The timeline's legend starts shown only where it leaves the lanes room: a window
        at least LEGEND_MIN_HEIGHT tall and a lesson of at most PRESENTER_ROOMY_HOSTS hosts
        (a herd's 14 lanes need the height); it is a click away (Legend) otherwise."""
        return self.height() >= LEGEND_MIN_HEIGHT and \
            len(self.scene.hosts) <= PRESENTER_ROOMY_HOSTS

    def _fit_toolbar(self) -> None:
        """Presenter mode's larger toolbar text only when every button still fits."""
        if not self.presenting:
            return
        screen = self.screen()
        width = screen.geometry().width() if screen is not None else self.width()
        if self.toolbar.sizeHint().width() > width:
            self.toolbar.setFont(style.font(TOOLBAR_FONT, bold=True))

    def _present_timeline(self, timeline: QWidget, on: bool) -> None:
        """Presenter mode: only the key lanes and no legend (both a click away), so each lane
        is tall; leaving puts back what the normal window showed."""
        widget: Any = timeline
        if on:
            self._normal_timeline = (widget.key_lanes, widget.legend_box.isChecked())
            widget.set_key_lanes(True)
            widget.legend_box.setChecked(False)
        elif self._normal_timeline is not None:
            key_lanes, legend = self._normal_timeline
            widget.set_key_lanes(key_lanes)
            widget.legend_box.setChecked(legend)
            self._normal_timeline = None

    def _present_side(self, on: bool) -> None:
        """On a screen narrower than PRESENTER_INSPECTOR_WIDTH, presenter mode hides the
        inspector (the canvas and the narration are what a room reads); leaving shows it."""
        screen = self.screen()
        narrow = screen is not None and \
            screen.geometry().width() < PRESENTER_INSPECTOR_WIDTH
        if on and narrow and self.inspector_dock.isVisible():
            self.inspector_dock.hide()
            self._inspector_hidden = True
        elif not on and self._inspector_hidden:
            self.inspector_dock.show()
            self._inspector_hidden = False

    @staticmethod
    def _scale_timeline(timeline: QWidget, scale: float) -> None:
        """The timeline's lanes, axis and legend, and its header's controls, ``scale`` times
        larger."""
        timeline.set_scale(scale)  # type: ignore[attr-defined]
        timeline.setFont(style.font(WINDOW_FONT * scale))

    def leave_full_screen(self) -> None:
        """Leave presenter mode or full screen (nothing happens in a normal window)."""
        if self.presenting:
            self.set_presenter(False)
        elif self.isFullScreen():
            self.showNormal()

    def _toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    # --- sessions --------------------------------------------------------------------------

    def open_preset_dialog(self) -> None:
        """Ask for a preset file and open it."""
        path, _ = QFileDialog.getOpenFileName(self, "Open preset", "", "Presets (*.toml)")
        if path:
            self.open_preset(Path(path))

    def open_preset(self, path: Path) -> bool:
        """Load the preset at ``path`` and show it from time 0 (a dialog on errors)."""
        try:
            from simulator.presets.loader import load_scenario
            scenario = load_scenario(path)
        except Exception as error:  # noqa: BLE001 - PresetError or OSError: shown in a dialog
            self.show_error(str(error))
            return False
        return self.open_scenario(scenario, str(path))

    def open_scenario(self, scenario: Scenario, preset_path: str | None = None,
                      seed: int | None = None) -> bool:
        """Replace the session with a new run of ``scenario`` (with ``seed``, default the
        scenario's)."""
        try:
            session = Session(scenario, seed=seed, preset_path=preset_path)
        except Exception as error:  # noqa: BLE001
            self.show_error(f"Could not start {scenario.name}: {error}")
            return False
        self.runner.replace_session(session)
        if self._remember:
            prefs.remember_preset(prefs.settings(), preset_path or scenario.name)
            self._fill_recent_menu()
        return True

    def restart_run(self) -> None:
        """Run the same scenario again from time 0 (with the same seed)."""
        session = self.runner.session
        self.open_scenario(session.scenario, session.preset_path, seed=session.seed)

    def save_picture_dialog(self) -> None:
        """Ask where to save a picture of the window, and save it."""
        path, _ = QFileDialog.getSaveFileName(self, "Save window picture", "leadersim.png",
                                              "PNG (*.png)")
        if path:
            self.save_picture(Path(path))

    def save_picture(self, path: Path) -> bool:
        """Save the whole window as a PNG (a dialog when it cannot be written)."""
        if not self.grab().save(str(path)):
            self.show_error(f"Could not write the picture {path}: check the folder exists "
                            "and is writable, and the name ends in .png")
            return False
        return True

    # --- reacting --------------------------------------------------------------------------

    def _on_frame(self, world: World) -> None:
        runner = self.runner
        span = max(runner.end_time, runner.session.scenario.duration)
        self.seek_bar.show_time(world.t, span)
        self.time_label.setText(f"t = {world.t:.3f} s")
        if self.timeline is not None and self.timeline_dock.isVisible():
            if runner.playing and self._timeline_clock.isValid() \
                    and self._timeline_clock.elapsed() < TIMELINE_PLAYING_INTERVAL_MS:
                return
            self._timeline_clock.start()
            self._update_timeline(world.t)

    def sync_timeline(self) -> None:
        """Bring the timeline up to the window's time now: it is fed only while shown (and
        every TIMELINE_PLAYING_INTERVAL_MS while playing), so catch up before a picture."""
        self._update_timeline(self.runner.cursor)

    def _on_timeline_visibility(self, visible: bool) -> None:
        if visible:
            self.sync_timeline()

    def _update_timeline(self, t: float) -> None:
        """Feed the timeline the new events and move its cursor to ``t``."""
        if self.timeline is None:
            return
        events = self.runner.session.trace.events
        if len(events) > self._timeline_fed:
            self.timeline.append_events(events, self._timeline_fed)  # type: ignore[attr-defined]
            self._timeline_fed = len(events)
        self.timeline.set_cursor(t)  # type: ignore[attr-defined]

    def _on_state(self) -> None:
        runner = self.runner
        if not runner.playing and self.timeline is not None:
            self._update_timeline(runner.cursor)
        self.actions_by_key["play"].setText("Pause" if runner.playing else "Play")
        self.speed_control.show_speed(runner.speed)
        self.speed_label.setText(f"speed {speed_text(runner.speed)}")
        session = runner.session
        forks = f"  ·  forked {session.forks}×" if session.forks else ""
        self.seed_label.setText(f"seed {session.seed}  ·  {session.scenario.name}{forks}")
        self.setWindowTitle(self._title())

    def _end_fork_feedback(self) -> bool:
        """Drop the wait cursor of a fork; True when one was shown."""
        if not self._fork_cursor:
            return False
        self._fork_cursor = False
        QApplication.restoreOverrideCursor()
        return True

    def _long_run_progress(self, start: float, reached: float, target: float) -> bool:
        """Feedback while a seek runs the simulation far ahead: a busy cursor at once, a
        progress dialog with Cancel once it has taken LONG_RUN_DIALOG_MS; False: stop."""
        if reached >= target:
            self._end_long_run()
            return True
        if self._long_run is None:
            clock = QElapsedTimer()
            clock.start()
            self._long_run = (clock, None)
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            self.statusBar().showMessage(f"Simulating up to t = {target:g} s…")
        clock, dialog = self._long_run
        if dialog is None and clock.elapsed() >= LONG_RUN_DIALOG_MS:
            dialog = QProgressDialog(f"Simulating up to t = {target:g} s…", "Stop here", 0,
                                     1000, self)
            dialog.setWindowTitle("Simulating")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            # the window keeps the keyboard: after the run its keys work at once
            dialog.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
            self._long_run = (clock, dialog)
        if dialog is not None:
            span = max(target - start, 1e-9)
            dialog.setValue(round(1000 * (reached - start) / span))
            dialog.setLabelText(f"Simulating up to t = {target:g} s: at {reached:.1f} s")
            QApplication.processEvents()
            if dialog.wasCanceled():
                self.statusBar().showMessage(f"Stopped at t = {reached:.3f} s", 6000)
                return False
        return True

    def _end_long_run(self) -> None:
        """Drop a long run's busy cursor and progress dialog."""
        if self._long_run is None:
            return
        _clock, dialog = self._long_run
        self._long_run = None
        QApplication.restoreOverrideCursor()
        if dialog is not None:
            dialog.close()
            if QApplication.activeWindow() is None:
                self.activateWindow()  # the window's keys work again (the dialog had them)
                QApplication.processEvents()
        if self.statusBar().currentMessage().startswith("Simulating up to"):
            self.statusBar().clearMessage()

    def _on_forking(self, at: float) -> None:
        self.statusBar().showMessage(
            f"Starting a new future at t = {at:.3f} s: replaying the run up to there…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self._fork_cursor = True

    def _on_session_replaced(self) -> None:
        if self._end_fork_feedback():
            self.statusBar().showMessage(
                f"New future from t = {self.runner.cursor:.3f} s (the old one is discarded)",
                6000)
        if self.timeline is not None:
            session = self.runner.session
            self.timeline.reset(session.trace.events, session.scenario)  # type: ignore[attr-defined]
            self._timeline_fed = len(session.trace.events)

    def _on_lesson_end(self, at: float) -> None:
        self.statusBar().showMessage(
            f"End of the lesson (t = {at:g} s). Step (.) looks further; Home plays it again.",
            10000)

    def _on_pause_point(self, question: str) -> None:
        self.statusBar().showMessage(f"Paused: {question}", 10000)

    def show_error(self, message: str) -> None:
        """Show ``message`` in a dialog; the session stays as it was."""
        self._end_fork_feedback()
        box = QMessageBox(QMessageBox.Icon.Warning, "leadersim", message,
                          QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_box = box
        self._free_when_closed(box, "error_box")
        box.open()

    def show_lesson(self) -> QMessageBox:
        """Show the lesson's title and description in a dialog (and return it)."""
        scenario = self.runner.session.scenario
        paragraphs = lesson_paragraphs(scenario) or ["This scenario has no description."]
        box = QMessageBox(QMessageBox.Icon.Information, "About this lesson",
                          scenario.title or scenario.name, QMessageBox.StandardButton.Ok, self)
        box.setInformativeText("\n\n".join(paragraphs))
        box.setFont(style.font(15 * (PRESENTER_SCALE if self.presenting else 1.0)))
        self.lesson_box = box
        self._free_when_closed(box, "lesson_box")
        box.open()
        return box

    def _free_when_closed(self, dialog: QWidget, attribute: str) -> None:
        """Delete ``dialog`` once it is closed (it is the window's child: kept, every box a
        user ever closed would stay in memory) and forget it in ``attribute``."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def forget() -> None:
            if getattr(self, attribute, None) is dialog:
                setattr(self, attribute, None)

        dialog.destroyed.connect(forget)

    def _record_dialog(self) -> None:
        from ui.record_dialog import record_dialog

        record_dialog(self)

    def show_summary(self) -> SummaryDialog:
        """Show the run's summary up to the cursor in a window that follows it (and return it)."""
        dialog = self.summary_dialog
        if dialog is None:
            from ui.summary import SummaryDialog

            dialog = SummaryDialog(self.runner, self)
            self.summary_dialog = dialog
            # Playing and seeking keep working while the summary is the active window.
            dialog.addActions([self.actions_by_key[key] for key in
                               ("play", "step", "start", "end", "faster", "slower")])
        dialog.set_scale(PRESENTER_SCALE if self.presenting else 1.0)
        width = round(min(self.width() * 0.9, 1150 * dialog.scale))
        height = round(min(self.height() * 0.85, 700 * dialog.scale))
        if not dialog.isVisible():
            dialog.resize(width, height)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _show_help(self) -> None:
        QMessageBox.information(self, "How to use the canvas", (
            "Draw a line across the canvas: a wall that partitions the network.\n"
            "Drag a node across a wall to move it to the other side.\n"
            "Drag a wall to move it; select it and press Delete to remove it.\n"
            "Click a link to cut or heal it; Shift-click cuts only the direction into the "
            "nearer node.\n"
            "Right-click a node: crash, restart, pause, force a timeout, skew its clock.\n"
            "Space plays or pauses; . steps to the next event; [ and ] change the speed.\n"
            "S shows the run's summary up to the cursor: availability in nines, failovers, "
            "charges, violations.\n"
            "Acting while looking at the past starts a new future from there (a fork)."))

    def _title(self) -> str:
        scenario = self.runner.session.scenario
        return f"leadersim — {scenario.title}"

    # --- persistence -----------------------------------------------------------------------

    def fit_to_screen(self) -> None:
        """Take DEFAULT_SIZE, or less to fit the free area of the screen the window is on,
        centred on it."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_SIZE)
            return
        free = screen.availableGeometry()
        width = min(DEFAULT_SIZE[0], round(free.width() * SCREEN_SHARE),
                    free.width() - FRAME_ALLOWANCE[0])
        height = min(DEFAULT_SIZE[1], round(free.height() * SCREEN_SHARE),
                     free.height() - FRAME_ALLOWANCE[1])
        self.resize(width, height)
        self.move(free.x() + (free.width() - width) // 2,
                  free.y() + (free.height() - height) // 2)
        self._auto_size = (width, height)

    def _settle_on_screen(self) -> None:
        if self._geometry_restored or (self.width(), self.height()) == self._auto_size:
            self.keep_on_screen()

    def keep_on_screen(self) -> None:
        """Shrink and move a remembered geometry that does not fit the screen the window
        opens on now (a laptop's geometry brought to a 1024x768 projector)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None or self.isFullScreen() or self.isMaximized():
            return
        free = screen.availableGeometry()
        frame = self.frameGeometry()
        if free.contains(frame):
            return
        extra_w = frame.width() - self.width()
        extra_h = frame.height() - self.height()
        width = min(self.width(), free.width() - extra_w)
        height = min(self.height(), free.height() - extra_h)
        self.resize(width, height)
        x = min(max(frame.x(), free.x()), free.x() + free.width() - width - extra_w)
        y = min(max(frame.y(), free.y()), free.y() + free.height() - height - extra_h)
        self.move(x, y)

    def _restore_layout(self) -> None:
        store = prefs.settings()
        geometry = store.value(prefs.GEOMETRY)
        state = store.value(prefs.STATE)
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            self._geometry_restored = True
            self.keep_on_screen()
        if isinstance(state, QByteArray):
            self._layout_restored = self.restoreState(state)

    def default_layout(self) -> None:
        """Give the side panels and the timeline their first-run sizes."""
        self.size_panels(1.0)

    def size_panels(self, scale: float) -> None:
        """Size the side column and the timeline for text ``scale`` times the normal size."""
        # The side column is at most a quarter of a wide window in presenter mode, so the
        # canvas (whose text grows too) keeps most of the screen.
        share = SIDE_SHARE_PRESENTING if scale > 1.0 else SIDE_SHARE
        width = max(SIDE_MIN_WIDTH, round(min(self.width() * share, 380 * scale)))
        # only the side panels shown (presenter mode may hide the inspector): Qt sizes
        # nothing when one of the docks asked for is hidden
        side = [dock for dock in (self.inspector_dock, self.narration_dock)
                if not dock.isHidden()]
        if side:
            self.resizeDocks(side, [width] * len(side), Qt.Orientation.Horizontal)
        if len(side) == 2:
            self.resizeDocks(side, [560, 440], Qt.Orientation.Vertical)
        roomy = len(self.scene.hosts) <= PRESENTER_ROOMY_HOSTS
        if scale > 1.0:  # presenter mode shows the key lanes only: few, whatever the lesson
            timeline_share = TIMELINE_SHARE_PRESENTING
        else:
            timeline_share = TIMELINE_SHARE if roomy else TIMELINE_SHARE_CROWDED
        timeline_height = max(160, round(self.height() * timeline_share)) \
            if self._timeline_available else 50
        self.resizeDocks([self.timeline_dock], [timeline_height], Qt.Orientation.Vertical)
        self.canvas.fit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a dragged preset file (.toml)."""
        if dropped_preset(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open the dropped preset file (a dialog when it is broken)."""
        path = dropped_preset(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_preset(path)

    def showEvent(self, event: QShowEvent) -> None:
        """On the first show without a saved layout, size the panels for a projector."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self._geometry_restored or (self.width(), self.height()) == self._auto_size:
                # once the window manager has framed it (its title bar may push the bottom
                # off a small screen); a size set by hand (tests, pictures) is left alone
                self.keep_on_screen()
                QTimer.singleShot(FRAME_SETTLE_MS, self, self._settle_on_screen)
            if not self._layout_restored:
                self.default_layout()
            # The simulation and the timeline (pyqtgraph) load after the first frame is painted.
            AfterFirstPaint(self, self.finish_loading)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the layout, speed and pause length; stop the timer."""
        self.runner.pause()
        if self._remember:
            store = prefs.settings()
            store.setValue(prefs.GEOMETRY, self.saveGeometry())
            store.setValue(prefs.STATE, self.saveState())
            store.setValue(prefs.SPEED, self.runner.speed)
            store.setValue(prefs.PAUSE_SECONDS, self.pause_seconds.value())
            store.sync()
        super().closeEvent(event)
