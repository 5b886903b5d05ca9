"""Run ``leadersim ARGS`` and print when its main window got its first paint event and when it
was fully loaded (bench/launch_time.py starts this as a fresh process for every launch).

    python bench/_first_paint_probe.py T0 ROOT [leadersim arguments ...]

T0 is the parent's ``time.perf_counter()`` taken just before it started this process (the
clock is CLOCK_MONOTONIC, shared by every process), ROOT the checkout whose ``ui`` and
``simulator`` to run. The probe changes nothing in the program: it imports only ``sys`` and
``time`` itself, and when ``ui.app`` is imported (by the launcher, as always) it wraps
``ui.app.ensure_application`` so the new QApplication gets one more event filter. That filter
notes the first QEvent.Paint delivered to any widget of the main window (a QMainWindow), then
polls every millisecond until the window says it is no longer loading (windows without a
``loading`` flag: until it has its timeline).
It prints ``first_paint SECONDS CPU`` and ``loaded SECONDS CPU`` (wall seconds since T0, and
the CPU seconds this process had used by then) and ends the process.
"""

from __future__ import annotations

import sys
import time

T0 = float(sys.argv[1])
ROOT = sys.argv[2]
sys.path.insert(0, ROOT)


def _report(label: str) -> None:
    sys.stdout.write(f"{label} {time.perf_counter() - T0:.6f} {time.process_time():.6f}\n")
    sys.stdout.flush()


def _install_probe(app: object) -> None:
    """Give ``app`` an event filter that reports the first paint and the end of loading."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QMainWindow, QWidget

    class Probe(QObject):
        """The first paint of a main window, then a poll for the end of its loading."""

        def __init__(self) -> None:
            super().__init__()
            self.window: QMainWindow | None = None
            self.poll = QTimer(self)
            self.poll.setInterval(1)
            self.poll.timeout.connect(self.check_loaded)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
                top = watched.window()
                if isinstance(top, QMainWindow):
                    _report("first_paint")
                    app.removeEventFilter(self)  # type: ignore[attr-defined]
                    self.window = top
                    self.poll.start()
            return False

        def check_loaded(self) -> None:
            window = self.window
            if getattr(window, "loading", None) is None:  # older windows: the timeline is last
                if getattr(window, "timeline", None) is None:
                    return
            elif window.loading:  # type: ignore[union-attr]
                return
            self.poll.stop()
            _report("loaded")
            import os

            os._exit(0)

    probe = Probe()
    app.installEventFilter(probe)  # type: ignore[attr-defined]
    _install_probe.keep = probe  # type: ignore[attr-defined]


class _WrapEnsureApplication:
    """A meta path finder that patches ``ui.app`` right after it is first executed."""

    def find_spec(self, name: str, path: object, target: object = None) -> object:
        if name != "ui.app":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.loader is not None
        run_module = spec.loader.exec_module

        def exec_module(module: object) -> None:
            run_module(module)  # type: ignore[arg-type]
            original = module.ensure_application  # type: ignore[attr-defined]

            def ensure_application(*args: object, **kwargs: object) -> object:
                app = original(*args, **kwargs)
                _install_probe(app)
                return app

            module.ensure_application = ensure_application  # type: ignore[attr-defined]

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _WrapEnsureApplication())
sys.argv = ["leadersim", *sys.argv[3:]]
from ui.launcher import main  # noqa: E402

main()
