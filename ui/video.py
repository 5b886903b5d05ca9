"""Encoders for recorded frames: MP4 with imageio's ffmpeg plugin, GIF and WebP with Pillow.

``open_writer(path, fps, size)`` returns a writer taking RGB frames (height x width x 3 uint8
arrays) one at a time; ``close()`` finishes the file, ``abort()`` removes it. The libraries are
the optional ``leadersim[video]`` extra: ``VideoUnavailable`` says what to install. No Qt here.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Protocol

import numpy as np

INSTALL_HINT = "install the video extra: pip install 'leadersim[video]'"
MP4_QUALITY = 7
"""imageio-ffmpeg's quality scale, 0-10 (10 best): sharp text at a modest size."""
WEBP_QUALITY = 80
GIF_COLOURS = 256


class VideoUnavailable(RuntimeError):
    """The encoder library for a format is not installed (the message says what to do)."""


class FrameWriter(Protocol):
    """Takes frames one by one and writes one file."""

    def append(self, frame: np.ndarray) -> None:
        """Add the next frame (height x width x 3, uint8 RGB)."""

    def close(self) -> None:
        """Finish the file."""

    def abort(self) -> None:
        """Stop and remove what was written."""


def check_available(suffix: str) -> None:
    """VideoUnavailable unless the library for ``suffix`` (.mp4, .gif, .webp) imports."""
    try:
        if suffix == ".mp4":
            import imageio.v2  # noqa: F401
            import imageio_ffmpeg  # noqa: F401
        else:
            import PIL.Image  # noqa: F401
    except ImportError:
        kind = "an MP4 video" if suffix == ".mp4" else f"a {suffix[1:].upper()} picture"
        raise VideoUnavailable(f"recording {kind} needs imageio, imageio-ffmpeg and Pillow: "
                               f"{INSTALL_HINT}") from None


def open_writer(path: Path, fps: int, size: tuple[int, int]) -> FrameWriter:
    """A writer for ``path`` by its suffix (VideoUnavailable when the library is missing)."""
    suffix = path.suffix.lower()
    check_available(suffix)
    if suffix == ".mp4":
        return _Mp4Writer(path, fps, size)
    return _PillowWriter(path, fps, suffix)


class _Mp4Writer:
    """H.264 in MP4 through imageio-ffmpeg (its own ffmpeg binary, from the wheel)."""

    def __init__(self, path: Path, fps: int, size: tuple[int, int]) -> None:
        import imageio.v2 as imageio

        self.path = path
        self._writer: Any = imageio.get_writer(
            str(path), format="FFMPEG", mode="I", fps=fps, codec="libx264",
            quality=MP4_QUALITY, pixelformat="yuv420p", macro_block_size=1,
            ffmpeg_log_level="error", output_params=["-movflags", "+faststart"])

    def append(self, frame: np.ndarray) -> None:
        self._writer.append_data(frame)

    def close(self) -> None:
        self._writer.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._writer.close()
        self.path.unlink(missing_ok=True)


class _PillowWriter:
    """Animated GIF (a palette per frame) or WebP, saved at close (Pillow writes them whole)."""

    def __init__(self, path: Path, fps: int, suffix: str) -> None:
        self.path = path
        self.suffix = suffix
        self.duration_ms = round(1000 / fps)
        self._frames: list[Any] = []

    def append(self, frame: np.ndarray) -> None:
        from PIL import Image

        image = Image.fromarray(frame, "RGB")
        if self.suffix == ".gif":  # keep a palette image: a quarter of the memory of RGB
            image = image.quantize(GIF_COLOURS, method=Image.Quantize.FASTOCTREE,
                                   dither=Image.Dither.NONE)
        self._frames.append(image)

    def close(self) -> None:
        if not self._frames:
            raise ValueError(f"{self.path}: no frames to write")
        first, rest = self._frames[0], self._frames[1:]
        options: dict[str, Any] = {"save_all": True, "append_images": rest,
                                   "duration": self.duration_ms, "loop": 0}
        if self.suffix == ".webp":
            options.update(quality=WEBP_QUALITY, method=4)
        else:
            options.update(optimize=False, disposal=1)
        first.save(self.path, **options)
        self._frames.clear()

    def abort(self) -> None:
        self._frames.clear()
        self.path.unlink(missing_ok=True)
