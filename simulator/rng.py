"""Named, independent random streams derived from one run seed (no global random)."""

from __future__ import annotations

import random

try:  # SHA-256 built into Python: hashlib would load OpenSSL first (a few ms of every start)
    from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef]  # Python 3.11
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]  # a build without them


def derive_seed(seed: int, name: str) -> int:
    """Return a 64-bit seed for stream ``name`` that depends only on ``seed`` and ``name``."""
    digest = sha256(f"{seed}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Streams:
    """Hands out one ``random.Random`` per purpose, e.g. ``"n3/election"`` or ``"net/latency"``.

    The same seed and name always give the same sequence, whatever order streams are requested in.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def get(self, name: str) -> random.Random:
        """Return the stream for ``name``, creating it on first use."""
        stream = self._streams.get(name)
        if stream is None:
            stream = random.Random(derive_seed(self.seed, name))
            self._streams[name] = stream
        return stream
