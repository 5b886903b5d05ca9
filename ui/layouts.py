"""Layout items without stale Python wrappers: a stretch the window owns, and a check that
Python holds no wrapper of a layout item Qt made.

Qt makes a layout item (QWidgetItem, QSpacerItem) for every widget or stretch put in a layout
and deletes it when the widget leaves or dies, telling nobody. PySide's glue wraps such items in
two places: ``outer.addLayout(row)`` wraps every item already in ``row`` and ``layout.itemAt(i)``
wraps the item it returns, and both keep the wrapper alive as a child of the layout's wrapper.
Once Qt deletes the item, that wrapper stays registered under the freed address, and PySide
hands it out for whatever C++ object is allocated there next (pyqtgraph's pixmap fragments got a
QWidgetItem that way). So in ui/: a row joins its parent layout while still empty and is filled
after, nothing reads items back with itemAt/takeAt, and a stretch that must go again is one
made here in Python (PySide hears of its deletion).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLayoutItem, QSizePolicy, QSpacerItem
from shiboken6 import Shiboken


def stretch() -> QSpacerItem:
    """A vertical stretch (as ``addStretch(1)``) made in Python, to add with
    ``addSpacerItem`` and later take away with ``removeItem``."""
    return QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)


def qt_made_item_wrappers() -> list[QLayoutItem]:
    """The Python wrappers alive for layout items that Qt made (none when the rules above are
    kept): each one goes stale, unnoticed, when Qt deletes its item."""
    return [wrapper for wrapper in Shiboken.getAllValidWrappers()
            if isinstance(wrapper, QLayoutItem) and not isinstance(wrapper, QObject)
            and not Shiboken.createdByPython(wrapper)]
