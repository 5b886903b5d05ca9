"""The run summary window: what `leadersim run --until T` prints, for the run up to the cursor.

A projection of the trace only: ``summarize(trace.until(cursor), scenario, end=cursor)``. The
key figures (availability in nines, downtime, failovers, double charges, violations; for a
Raft-only run its elections and leaderless time) are large at the top; the full text report is
below, selectable, and Copy puts it on the clipboard. The dialog keeps a ``SummaryFold`` and feeds
it only the events since its last update (ten simulated minutes of random faults take about
60 ms at once, a further second well under 1 ms), starting afresh when the cursor goes back or
the session is replaced. It recomputes only while shown: when the cursor comes to rest, and
while playing when the update is expected to be cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from simulator.checks.summary import Summary, SummaryFold
from simulator.trace.recorder import Trace
from ui import style
from ui.runner import SimRunner

# The cursor must rest this long before the summary is recomputed (a dragged slider seeks often).
SETTLE_MS = 200
# While playing, update only when the update is expected to take at most LIVE_COST_MS (a frame
# lasts 16 ms, of which drawing takes about 4; the cost grows with the events, so a long run's
# summary waits for a pause), and at most every LIVE_INTERVAL_MS or LIVE_COST_SHARE^-1 times the
# last cost, whichever is longer (so updating takes at most 2 % of the time).
LIVE_INTERVAL_MS = 500
LIVE_COST_MS = 10.0
# What an update costs (measured, random-faults-availability): feeding one event and
# finishing the summary (its reports), in milliseconds.
FEED_COST_MS = 0.0005
FINISH_COST_MS = 1.0
LIVE_COST_SHARE = 0.02
GOOD_COLOUR = "#1b6e33"
BAD_COLOUR = "#c62828"
MONO_FAMILY = "DejaVu Sans Mono"


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure: its name, its value in large type, a note below, and whether it is bad."""

    name: str
    value: str
    note: str = ""
    bad: bool = False


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value >= 10 else f"{value:.2f} s"


def key_figures(summary: Summary) -> list[Figure]:
    """The figures a class looks at first: the app leader's availability when the run has app
    servers, else the consensus leader's (Raft or Multi-Paxos) elections and leaderless time;
    always the violations."""
    figures: list[Figure] = []
    a = summary.availability
    if a is not None:
        if a.first_leader_at is None:
            figures.append(Figure("Availability", "0 %", "no server led yet", bad=True))
            figures.append(Figure("Downtime", _seconds(a.downtime), "the whole run"))
        elif a.no_downtime:
            figures.append(Figure("Availability", "100 %", "no downtime"))
            figures.append(Figure("Downtime", "0 s", f"over {_seconds(a.window)}"))
        else:
            figures.append(Figure("Availability", f"{a.availability * 100:.3f} %",
                                  f"{a.nines:.2f} nines"))
            figures.append(Figure("Downtime", _seconds(a.downtime), f"over {_seconds(a.window)}"))
        failovers = summary.failovers
        note = "none" if not failovers else \
            f"longest {_seconds(max(f.duration for f in failovers))}"
        figures.append(Figure("Failovers", str(len(failovers)), note))
        charges = summary.charges
        figures.append(Figure("Double charges", str(summary.double_charges),
                              f"of {charges.accepted} accepted",
                              bad=summary.double_charges > 0))
    else:
        lost = summary.raft_failovers
        figures.append(Figure("Elections", str(summary.elections), summary.highest_epoch))
        figures.append(Figure(f"{summary.protocol_name} leader lost", str(len(lost)),
                              "never" if not lost else f"first at {lost[0].start:.2f} s"))
        figures.append(Figure("Without a leader", _seconds(summary.raft_leaderless),
                              "after the first leader"))
    kinds = sorted({v.what for v in summary.violations})
    figures.append(Figure("Violations", str(len(summary.violations)),
                          "no check failed" if summary.safe else ", ".join(kinds),
                          bad=not summary.safe))
    return figures


class FigureTile(QFrame):
    """A figure's name, its value in large type, and a note, framed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = QLabel()
        self.value = QLabel()
        self.note = QLabel()
        self.note.setWordWrap(True)
        for label in (self.name, self.value, self.note):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.name)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.set_scale(1.0)

    def set_scale(self, scale: float) -> None:
        """Text ``scale`` times the normal size."""
        self.name.setFont(style.font(16 * scale))
        self.value.setFont(style.font(40 * scale, bold=True))
        self.note.setFont(style.font(16 * scale))

    def show_figure(self, figure: Figure) -> None:
        """Show ``figure`` (its value red when it is bad)."""
        self.name.setText(figure.name)
        self.value.setText(figure.value)
        self.note.setText(figure.note)
        colour = BAD_COLOUR if figure.bad else style.FOREGROUND
        self.value.setStyleSheet(f"color: {colour}")
        self.name.setStyleSheet(f"color: {style.MUTED}")
        self.note.setStyleSheet(f"color: {BAD_COLOUR if figure.bad else style.MUTED}")


class SummaryDialog(QDialog):
    """The run's summary up to the cursor, following it while shown (see the module text)."""

    def __init__(self, runner: SimRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle("Run summary")
        self.summary: Summary | None = None
        self.shown_at: float | None = None
        self.cost_ms = 0.0
        self._fold: SummaryFold | None = None
        self._fold_trace: Trace | None = None
        self._stale = True
        self._live_clock = QElapsedTimer()
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.update_summary)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.state = QLabel()
        self.state.setStyleSheet(f"color: {style.MUTED}")
        self.tiles_layout = QGridLayout()
        self.tiles_layout.setSpacing(10)
        self.tiles: list[FigureTile] = []
        self.verdict = QLabel()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        # Not focused on opening (no caret on a projector); a click selects and copies.
        self.details.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the text report to the clipboard (to paste in notes)")
        self.copy_button.clicked.connect(self.copy)
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.tiles_layout)  # rows join empty and are filled after (ui/layouts.py)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        layout.addLayout(buttons)
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(close_button)
        self._buttons = (self.copy_button, close_button)
        self.scale = 1.0
        self.set_scale(1.0)

        runner.frame.connect(self._on_frame)
        runner.state_changed.connect(self._on_state)
        runner.session_replaced.connect(self._on_session_replaced)

    # --- showing ---------------------------------------------------------------------------

    def set_scale(self, scale: float) -> None:
        """Text ``scale`` times the normal size (presenter mode)."""
        self.scale = scale
        self.setFont(style.font(15 * scale))
        self.heading.setFont(style.font(20 * scale, bold=True))
        self.state.setFont(style.font(14 * scale))
        self.verdict.setFont(style.font(20 * scale, bold=True))
        mono = QFont(MONO_FAMILY)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPixelSize(round(15 * scale))
        self.details.setFont(mono)
        for button in self._buttons:
            button.setFont(style.font(16 * scale))
        for tile in self.tiles:
            tile.set_scale(scale)

    def update_summary(self) -> Summary:
        """Summarize the trace up to the cursor now and show it."""
        self._settle.stop()
        runner = self.runner
        session = runner.session
        at = runner.cursor
        clock = QElapsedTimer()
        clock.start()
        trace = session.trace
        upto = trace.index_at(at)
        fold = self._fold
        if fold is None or self._fold_trace is not trace or upto < fold.events:
            fold = self._fold = SummaryFold(session.scenario)  # afresh: the cursor went back
            self._fold_trace = trace
        fold.feed_log(trace.events, fold.events, upto)
        summary = fold.summary(end=at)
        self.cost_ms = clock.nsecsElapsed() / 1e6
        self._live_clock.start()
        self.summary = summary
        self.shown_at = at
        self._stale = False
        self.heading.setText(f"Up to t = {at:.3f} s   ·   {session.scenario.name}   ·   "
                             f"seed {session.seed}")
        self._show_figures(key_figures(summary))
        if summary.safe:
            self.verdict.setText("SAFE: no check failed")
            self.verdict.setStyleSheet(f"color: {GOOD_COLOUR}")
        else:
            kinds = ", ".join(sorted({v.what for v in summary.violations}))
            self.verdict.setText(f"UNSAFE: {len(summary.violations)} violation(s): {kinds}")
            self.verdict.setStyleSheet(f"color: {BAD_COLOUR}")
        bar = self.details.verticalScrollBar()
        position = bar.value()
        self.details.setPlainText(summary.to_text())
        bar.setValue(position)
        self._show_state()
        return summary

    def _show_figures(self, figures: list[Figure]) -> None:
        while len(self.tiles) > len(figures):
            tile = self.tiles.pop()
            # hidden, it takes no room; Qt drops its layout item when it is deleted (no Python
            # wrapper of that item exists to go stale: ui/layouts.py)
            tile.hide()
            self.tiles_layout.setColumnStretch(len(self.tiles), 0)
            tile.deleteLater()
        while len(self.tiles) < len(figures):
            tile = FigureTile()
            tile.set_scale(self.scale)
            self.tiles_layout.addWidget(tile, 0, len(self.tiles))
            self.tiles_layout.setColumnStretch(len(self.tiles), 1)
            self.tiles.append(tile)
        for tile, figure in zip(self.tiles, figures, strict=True):
            tile.show_figure(figure)

    def _show_state(self) -> None:
        if self._stale and self.runner.playing:
            self.state.setText("Playing: the summary updates when you pause")
        else:
            self.state.setText("Follows the cursor (the time shown in the window)")

    @property
    def figures(self) -> dict[str, str]:
        """The key figures shown, name to value (for tests and accessibility)."""
        return {tile.name.text(): tile.value.text() for tile in self.tiles}

    @property
    def text(self) -> str:
        """The text report shown (what Copy copies)."""
        return self.details.toPlainText()

    def copy(self) -> None:
        """Put the text report on the clipboard."""
        QGuiApplication.clipboard().setText(self.text)
        self.state.setText("Copied to the clipboard")

    # --- following the cursor --------------------------------------------------------------

    def _on_frame(self, _world: object) -> None:
        if not self.isVisible() or (not self._stale and self.shown_at == self.runner.cursor):
            return
        self._stale = True
        if not self.runner.playing:
            self._settle.start()
        elif self._live_update_due():
            self.update_summary()
        else:
            self._show_state()

    def _live_update_due(self) -> bool:
        """While playing: True when an update now is expected to be cheap and the last one is
        long enough ago."""
        if not self._live_clock.isValid():
            return True
        fold = self._fold
        trace = self.runner.session.trace
        if fold is None or self._fold_trace is not trace:
            return False  # a whole new fold: it waits for a pause
        waiting = trace.index_at(self.runner.cursor) - fold.events
        if waiting < 0:
            return False  # the cursor went back: a whole new fold, when play pauses
        expected = FINISH_COST_MS + waiting * FEED_COST_MS
        interval = max(LIVE_INTERVAL_MS, self.cost_ms / LIVE_COST_SHARE)
        return expected <= LIVE_COST_MS and self._live_clock.elapsed() >= interval

    def _on_state(self) -> None:
        if self.runner.playing:
            self._settle.stop()
        elif self.isVisible() and self._stale:
            self._settle.start()

    def _on_session_replaced(self) -> None:
        self._fold = None
        self._stale = True
        self.shown_at = None
        if self.isVisible() and not self.runner.playing:
            self._settle.start()

    def showEvent(self, event: QShowEvent) -> None:
        """Summarize at the cursor as the dialog appears."""
        super().showEvent(event)
        if self._stale or self.shown_at != self.runner.cursor:
            self.update_summary()
