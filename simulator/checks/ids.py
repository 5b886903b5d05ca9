"""Ids in the trace: which app server a store client or lease owner belongs to."""

from __future__ import annotations

import re

_INCARNATION = re.compile(r"^(.+)\.(\d+)$")


def server_of(client: str) -> str:
    """Return the server id of a store client or lease owner id (``app1.2`` -> ``app1``).

    A server's first process uses its own id as client id; a restarted process (incarnation
    ``n``) uses ``<server>.<n>``; a client may also be named ``<server>/<name>``.
    """
    base = client.split("/", 1)[0]
    match = _INCARNATION.match(base)
    return match.group(1) if match else base
