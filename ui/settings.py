"""Persistent preferences (window layout, last preset, speed) in one INI file per user.

Tests point the file at a temporary directory with ``use_directory`` before creating a window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "leadersim"
APPLICATION = "leadersim"
GEOMETRY = "window/geometry"
STATE = "window/state"
LAST_PRESET = "session/last_preset"
RECENT_PRESETS = "session/recent_presets"
RECENT_LIMIT = 6
SPEED = "session/speed"
PAUSE_SECONDS = "session/pause_seconds"


def use_directory(directory: Path) -> None:
    """Keep the settings file under ``directory`` from now on (tests, portable installs)."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(directory))


def settings() -> QSettings:
    """The user's leadersim settings."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)


def read_float(store: QSettings, key: str, default: float) -> float:
    """A number from the settings, or ``default`` when missing or unreadable."""
    value = store.value(key, default)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def remember_preset(store: QSettings, reference: str) -> list[str]:
    """Record ``reference`` (a preset path or shipped name) as the last preset opened, first in
    the recent list; return the recent list, newest first."""
    recent = [reference, *(item for item in recent_presets(store) if item != reference)]
    recent = recent[:RECENT_LIMIT]
    store.setValue(LAST_PRESET, reference)
    store.setValue(RECENT_PRESETS, recent)
    return recent


def recent_presets(store: QSettings) -> list[str]:
    """The presets opened recently, newest first."""
    value = store.value(RECENT_PRESETS, [])
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return []
