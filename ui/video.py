"""Encoders for recorded frames: MP4 and WebP streamed to ffmpeg (imageio, imageio-ffmpeg),
GIF with Pillow (which writes a GIF whole, so its frames are kept as palette images until then).

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
        if suffix in (".mp4", ".webp"):
            import imageio.v2  # noqa: F401
            import imageio_ffmpeg  # noqa: F401
        else:
            import PIL.Image  # noqa: F401
    except ImportError:
        kind = "an MP4 video" if suffix == ".mp4" else f"an animated {suffix[1:].upper()}"
        raise VideoUnavailable(f"recording {kind} needs imageio, imageio-ffmpeg and Pillow: "
                               f"{INSTALL_HINT}") from None


def open_writer(path: Path, fps: int, size: tuple[int, int]) -> FrameWriter:
    """A writer for ``path`` by its suffix (VideoUnavailable when the library is missing)."""
    suffix = path.suffix.lower()
    check_available(suffix)
    if suffix == ".mp4":
        return _Mp4Writer(path, fps, size)
    if suffix == ".webp":
        return _WebpWriter(path, fps, size)
    return _GifWriter(path, fps)


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


class _WebpWriter:
    """Animated WebP streamed to ffmpeg's libwebp_anim encoder (its memory stays flat)."""

    def __init__(self, path: Path, fps: int, size: tuple[int, int]) -> None:
        import imageio_ffmpeg

        self.path = path
        self._frames: Any = imageio_ffmpeg.write_frames(
            str(path), size, fps=fps, codec="libwebp_anim", pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p", macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-loop", "0", "-quality", str(WEBP_QUALITY), "-lossless", "0"])
        self._frames.send(None)  # start ffmpeg

    def append(self, frame: np.ndarray) -> None:
        self._frames.send(np.ascontiguousarray(frame).tobytes())

    def close(self) -> None:
        self._frames.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._frames.close()
        self.path.unlink(missing_ok=True)


class _GifWriter:
    """Animated GIF with a palette per frame, saved at close (Pillow writes a GIF whole)."""

    def __init__(self, path: Path, fps: int) -> None:
        self.path = path
        self.duration_ms = round(1000 / fps)
        self._frames: list[Any] = []

    def append(self, frame: np.ndarray) -> None:
        from PIL import Image

        image = Image.fromarray(frame, "RGB")  # kept as a palette image: a third of RGB
        self._frames.append(image.quantize(GIF_COLOURS, method=Image.Quantize.FASTOCTREE,
                                           dither=Image.Dither.NONE))

    def close(self) -> None:
        if not self._frames:
            raise ValueError(f"{self.path}: no frames to write")
        first, rest = self._frames[0], self._frames[1:]
        first.save(self.path, save_all=True, append_images=rest, duration=self.duration_ms,
                   loop=0, optimize=False, disposal=1)
        self._frames.clear()

    def abort(self) -> None:
        self._frames.clear()
        self.path.unlink(missing_ok=True)
