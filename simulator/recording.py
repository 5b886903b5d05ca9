"""What a video recording of a lesson asks for (``leadersim gui PRESET --record out.mp4``).

A recording shows simulated time ``start`` to ``end`` played ``speed`` times faster than real
time at ``fps`` frames a second, so it has ``frame_count`` frames, frame ``i`` showing the
window at ``start + i * speed / fps``. The frames are drawn offscreen by the window (ui.recorder)
and encoded by ui.video (imageio-ffmpeg for MP4 and WebP, Pillow for GIF). No Qt here: the
command line checks a request before anything is drawn.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from simulator.frozen import frozen

VIDEO_SUFFIXES = (".mp4", ".gif", ".webp")
DEFAULT_FPS = 30
MAX_FPS = 60
DEFAULT_SPEED = 1.0
MAX_SPEED = 1000.0
DEFAULT_SIZE = (1280, 720)
MIN_SIZE = (320, 240)
MAX_SIZE = (3840, 2160)
MAX_FRAMES = 36_000
"""At most 20 minutes at 30 frames a second: a longer stretch wants a higher --speed."""
GIF_PIXEL_BUDGET = 400_000_000
"""A GIF is written whole, its frames kept until then (a byte a pixel): at most this many
pixels in all (300 MB-ish), e.g. 430 frames at 1280x720."""
_SIZE = re.compile(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*")


@frozen
class RecordRequest:
    """A stretch of a run to record as a video or animated picture at ``path``."""

    path: Path
    start: float
    end: float
    fps: int = DEFAULT_FPS
    speed: float = DEFAULT_SPEED
    size: tuple[int, int] = DEFAULT_SIZE
    presenter: bool = False

    @property
    def suffix(self) -> str:
        """The lower-case suffix (which encoder): .mp4, .gif or .webp."""
        return self.path.suffix.lower()

    @property
    def frame_count(self) -> int:
        """How many frames: the stretch's real-time length at ``speed`` times ``fps``."""
        return max(1, round((self.end - self.start) / self.speed * self.fps))

    def frame_time(self, index: int) -> float:
        """The simulated time frame ``index`` shows."""
        return min(self.end, self.start + index * self.speed / self.fps)

    def problem(self) -> str | None:
        """What is wrong with this request (a phrase naming the option), or None."""
        if self.suffix not in VIDEO_SUFFIXES:
            shown = f"'{self.path.suffix}'" if self.path.suffix else "no suffix"
            return (f"--record {self.path}: cannot record a video with {shown}; use a name "
                    f"ending in {', '.join(VIDEO_SUFFIXES[:-1])} or {VIDEO_SUFFIXES[-1]}")
        if not (math.isfinite(self.start) and self.start >= 0):
            return f"--from {self.start:g}: must be a time of at least 0 s"
        if not self.end > self.start:
            return (f"--from {self.start:g} --until {self.end:g}: the stretch to record is "
                    "empty; --until must be later than --from")
        if not 1 <= self.fps <= MAX_FPS:
            return f"--fps {self.fps}: must be from 1 to {MAX_FPS} frames a second"
        if not (math.isfinite(self.speed) and 0 < self.speed <= MAX_SPEED):
            return f"--speed {self.speed:g}: must be above 0 and at most {MAX_SPEED:g}"
        width, height = self.size
        if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
            return (f"--size {width}x{height}: must be from {MIN_SIZE[0]}x{MIN_SIZE[1]} "
                    f"to {MAX_SIZE[0]}x{MAX_SIZE[1]}")
        if self.suffix == ".mp4" and (width % 2 or height % 2):
            return f"--size {width}x{height}: an MP4 video needs an even width and height"
        if self.suffix == ".gif" and self.frame_count * width * height > GIF_PIXEL_BUDGET:
            most = GIF_PIXEL_BUDGET // (width * height)
            return (f"--record {self.path}: a GIF of {self.frame_count} frames at {width}x"
                    f"{height} is too large to build (at most {most} frames at that size); "
                    "lower --fps or --size, raise --speed, or record .mp4 or .webp")
        if self.frame_count > MAX_FRAMES:
            return (f"--from {self.start:g} --until {self.end:g} at --speed {self.speed:g} and "
                    f"--fps {self.fps} makes {self.frame_count} frames (at most {MAX_FRAMES}); "
                    "raise --speed or record a shorter stretch")
        return None


def parse_size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` in pixels (ValueError with a message otherwise)."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"must be WIDTHxHEIGHT in pixels, such as 1280x720, got {text!r}")
    return int(match.group(1)), int(match.group(2))
