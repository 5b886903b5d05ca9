"""The payment provider's ledger and its protection against stale leaders.

Protection "none" accepts every charge; "fencing" rejects a token lower than the highest it has
seen (Kleppmann 2016; etcd's docs suggest the leader key's create revision as the token);
"idempotency" rejects a second charge with the same idempotency key (contract and period).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.config import PROTECTIONS
from simulator.frozen import frozen


@frozen
class ChargeRequest:
    """A charge sent by an app server: ``job`` is the idempotency key, ``token`` its fence."""

    server: str
    job: str
    amount: int
    token: int | None


@frozen
class ChargeResult:
    """The provider's answer: ``accepted``; ``duplicate`` when the job was already charged."""

    accepted: bool
    duplicate: bool
    reason: str


@dataclass(slots=True)
class Ledger:
    """Money actually taken, per job, with the provider's protection rule."""

    protection: str = "none"
    highest_token: int | None = None
    charged: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.protection not in PROTECTIONS:
            raise ValueError(
                f"unknown protection {self.protection!r}; allowed: {', '.join(PROTECTIONS)}"
            )

    def handle(self, request: ChargeRequest) -> ChargeResult:
        """Accept or reject ``request`` and record accepted money; a repeat job is a duplicate."""
        already = request.job in self.charged
        if self.protection == "fencing":
            if request.token is None:
                return ChargeResult(False, False, "no fencing token")
            if self.highest_token is not None and request.token < self.highest_token:
                return ChargeResult(
                    False, False,
                    f"stale token {request.token} < {self.highest_token}",
                )
            self.highest_token = request.token
        if self.protection == "idempotency" and already:
            return ChargeResult(False, False, f"idempotency key {request.job} already used")
        self.charged[request.job] = self.charged.get(request.job, 0) + 1
        return ChargeResult(True, already, "double charge" if already else "charged")

    def times_charged(self, job: str) -> int:
        """How many times money was taken for ``job``."""
        return self.charged.get(job, 0)
