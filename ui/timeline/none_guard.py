"""Guard against PySide6 6.12's None/True leak on Python 3.11, which kills the process.

With PySide6 6.12.0 on Python 3.11 every Qt call that returns void (``setPen``,
``setObjectName``, a Python ``paint`` override...) drops one reference to ``None`` without
taking it, and some calls made while pyqtgraph paints do the same to ``True``. Python 3.12 made
these singletons immortal, so there it is harmless; on 3.11 None's count (about 16 000 after
importing Qt) reaches zero after a few seconds of drawing and the interpreter aborts with
"Fatal Python error: none_dealloc" (or bool_dealloc). ``keep_none_alive()`` detects the leak
and, only then, raises the reference counts of None, True and False by 2**40, which is what
3.12 does in effect. PySide6 6.11.3 does not leak; the real fix is a PySide6 without the bug
(or Python >= 3.12); this keeps the program alive meanwhile.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40
_applied = False


def leaks_none() -> bool:
    """True if a void Qt call loses a reference to None in this interpreter."""
    from PySide6 import QtCore

    probe = QtCore.QObject()
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 25


def keep_none_alive() -> bool:
    """Make None, True and False practically immortal if (and only if) Qt leaks None; True if
    applied now or before. Safe to call many times."""
    global _applied
    if _applied:
        return True
    if sys.version_info >= (3, 12) or not leaks_none():
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _BOOST
    _applied = True
    return True
