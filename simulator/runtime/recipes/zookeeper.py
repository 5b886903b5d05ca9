"""ZooKeeper's leader election recipe, emulated on the etcd-like store (documented differences).

ZooKeeper -> this emulation:
- Session with a timeout (the server clamps it to [2, 20] x tickTime) -> a lease with that
  TTL, kept by a ``ZooKeeperSession``: pings after a third of the timeout idle, Disconnected
  after two thirds without an answer, Connected again or Expired when it reaches the ensemble
  (see ``zk_session``). Session expiry deletes the session's ephemeral znodes -> the lease's
  revoke deletes every key attached to it.
- EPHEMERAL|SEQUENTIAL create of ``/zk/election/n_`` -> a txn that bumps the parent's counter
  and creates the child in one revision:
  ``Txn(If Version(/zk/election) == v Then Put(/zk/election, v+1), Put(/zk/election/n_<v>,
  server, lease) Else Get(/zk/election))`` (the parent's version plays the cversion that
  ZooKeeper uses for sequence numbers; on a conflict retry with the version read back).
- getChildren + exists-watch on the predecessor -> a sorted prefix read, then a watch on the
  predecessor's key from the next revision, cancelled after its first event (one-shot).
- Smallest sequence leads; token = the sequence number. If the session expires while waiting,
  the candidate starts over with a new session (ZooKeeper's Expired event); a waiter rides out
  Disconnected (its watch reconnects).
- When the leader stops acting (``apps.zookeeper.stop_on``), as Curator's LeaderLatch does with
  its connection-state error policy:
  - ``disconnected`` (StandardConnectionStateErrorPolicy, Curator's default: SUSPENDED, which
    Curator posts on ZooKeeper's Disconnected, is an error): it steps down at Disconnected;
    when it reconnects to the same session it reads the children again and leads again if its
    node is still the smallest; at Expired it starts over with a new session and node.
  - ``lost`` (SessionConnectionStateErrorPolicy: only LOST is an error): it keeps acting while
    disconnected and stops at LOST, which Curator posts when the ensemble says Expired or, on
    its own, one session timeout after SUSPENDED (the client's clock).
  - ``expired`` (a client that reacts only to ZooKeeper's Expired, which it learns when it
    reaches the ensemble again): it keeps acting while disconnected and stops only then.
  Either way the leader's work fails fast while disconnected (ConnectionLoss: SessionBound).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.config import ZooKeeperConfig
from simulator.kv.commands import Compare, Put, Range
from simulator.runtime.recipes.base import Gen
from simulator.runtime.recipes.session import LeaseRecipe
from simulator.runtime.recipes.zk_session import DISCONNECTED, SessionBound, ZooKeeperSession

if TYPE_CHECKING:
    from simulator.runtime.client import StoreClient

PARENT = "/zk/election"
CHILD_PREFIX = "/zk/election/n_"


def negotiated_timeout(config: ZooKeeperConfig) -> float:
    """The session timeout the server grants: the request clamped to [2, 20] x tickTime."""
    return min(max(config.session_timeout, 2 * config.tick_time), 20 * config.tick_time)


def child_key(sequence: int) -> str:
    """The znode name for ``sequence``, zero-padded to ten digits as ZooKeeper does."""
    return f"{CHILD_PREFIX}{sequence:010d}"


class ZooKeeperElection(LeaseRecipe):
    """ZooKeeper's recipe: ephemeral sequential nodes, watch the predecessor only."""

    name = "zookeeper"

    def session_ttl(self) -> float:
        return negotiated_timeout(self.host.apps.zookeeper)

    def open_session(self) -> Gen:
        """Open a ZooKeeper session (a lease of the negotiated timeout) and keep it."""
        response = yield from self.client.lease_grant(self.session_ttl())
        self.lease_id = response.lease_id
        curator_lost = self.host.apps.zookeeper.stop_on == "lost"
        session = self.keeper = ZooKeeperSession(
            self.host, self.client, response.lease_id, response.ttl, self.host.local_now(),
            expire_after=response.ttl if curator_lost else None)
        return session

    def session(self) -> ZooKeeperSession:
        """The session open now."""
        assert isinstance(self.keeper, ZooKeeperSession)
        return self.keeper

    def work_client(self) -> StoreClient:
        return SessionBound(self.client, self.session())  # type: ignore[return-value]

    def first_keepalive_at_once(self) -> bool:
        return False  # a ZooKeeper client pings only after a third of the timeout idle

    def term(self) -> Gen:
        """Create a sequential node, wait for each predecessor, lead while the policy allows."""
        yield from self.ensure_session()
        session = self.session()
        sequence = yield from self.create_node()
        mine = child_key(sequence)
        while True:
            children = yield from self.client.get(CHILD_PREFIX, prefix=True)
            names = [kv.key for kv in children.kvs]
            if mine not in names:  # the session expired and took the node with it
                self.close_session()
                return
            position = names.index(mine)
            if position > 0:
                woke = yield from self.wait_for_delete(names[position - 1],
                                                       children.revision + 1,
                                                       unless=session.lost, one_shot=True)
                if woke == "interrupted":
                    self.close_session()
                    return
                continue
            if not (yield from self.lead_while_allowed(sequence, session)):
                self.close_session()
                return
            # reconnected to the same session after stepping down: check the children again

    def lead_while_allowed(self, sequence: int, session: ZooKeeperSession) -> Gen:
        """Lead with ``sequence`` until the policy says stop; True when the session is back
        (connected) and the node should be checked again, False when it expired."""
        stop_on_disconnect = self.host.apps.zookeeper.stop_on == "disconnected"
        while session.state == DISCONNECTED:  # reached the front while disconnected
            if not stop_on_disconnect:
                break
            yield from self.guard(session.changed)
        if session.expired:
            return False
        yield from self.lead(sequence, session.changed if stop_on_disconnect else session.lost)
        while session.state == DISCONNECTED:  # Curator: SUSPENDED -> not leader; wait
            yield from self.guard(session.changed)
        return session.connected

    def create_node(self) -> Gen:
        """Create the next sequential ephemeral node; return its sequence number."""
        version = 0
        while True:
            response = yield from self.client.txn(
                [Compare(PARENT, "version", "=", version)],
                [Put(PARENT, str(version + 1)),
                 Put(child_key(version), self.host.id, self.lease_id)],
                [Range(PARENT)],
            )
            if response.succeeded:
                return version
            parent = response.responses[0].first
            version = parent.version if parent is not None else 0
