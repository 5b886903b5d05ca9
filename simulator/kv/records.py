"""The store's data records: a key's version (KeyValue) and a change to it (WatchEvent)."""

from __future__ import annotations

from simulator.frozen import frozen


PUT = "put"
DELETE = "delete"


@frozen
class KeyValue:
    """One version of a key, as etcd's mvccpb.KeyValue.

    ``create_revision`` is the revision that created the key (since its last deletion),
    ``mod_revision`` the one that last changed it, ``version`` counts changes since creation
    (1 on creation), ``lease`` the attached lease (0 = none).
    """

    key: str
    value: str
    create_revision: int
    mod_revision: int
    version: int
    lease: int = 0

    def __str__(self) -> str:
        lease = f" lease={self.lease}" if self.lease else ""
        return (
            f"{self.key}={self.value} create={self.create_revision} mod={self.mod_revision} "
            f"version={self.version}{lease}"
        )


@frozen
class WatchEvent:
    """A change of ``key`` at ``revision``: type "put" (with the new version) or "delete".

    For a put, ``value``, ``create_revision``, ``version`` and ``lease`` describe the new
    version; for a delete they are empty/zero. ``prev`` is the version before the change
    (None when a put created the key).
    """

    key: str
    type: str
    revision: int
    value: str = ""
    prev: KeyValue | None = None
    create_revision: int = 0
    version: int = 0
    lease: int = 0

    @property
    def kv(self) -> KeyValue | None:
        """The key's new version after a put; None after a delete."""
        if self.type != PUT:
            return None
        return KeyValue(
            self.key, self.value, self.create_revision, self.revision, self.version, self.lease
        )

    def __str__(self) -> str:
        if self.type == PUT:
            return f"PUT {self.key}={self.value} rev={self.revision}"
        return f"DELETE {self.key} rev={self.revision}"
