"""ZooKeeper's leader election recipe, emulated on the etcd-like store (documented differences).

ZooKeeper -> this emulation:
- Session with a timeout (the server clamps it to [2, 20] x tickTime) -> a lease with that
  TTL; the client pings (a keepalive) after a third of the timeout idle, and believes its
  session until the last ping answer + timeout. Session expiry deletes the session's
  ephemeral znodes -> the lease's revoke deletes every key attached to it.
- EPHEMERAL|SEQUENTIAL create of ``/zk/election/n_`` -> a txn that bumps the parent's counter
  and creates the child in one revision:
  ``Txn(If Version(/zk/election) == v Then Put(/zk/election, v+1), Put(/zk/election/n_<v>,
  server, lease) Else Get(/zk/election))`` (the parent's version plays the cversion that
  ZooKeeper uses for sequence numbers; on a conflict retry with the version read back).
- getChildren + exists-watch on the predecessor -> a sorted prefix read, then a watch on the
  predecessor's key from the next revision, cancelled after its first event (one-shot).
- Smallest sequence leads; token = the sequence number. If the session ends while waiting, the
  candidate starts over with a new session (ZooKeeper's Expired event).
"""

from __future__ import annotations

from simulator.config import ZooKeeperConfig
from simulator.kv.commands import Compare, Put, Range
from simulator.runtime.recipes.base import Gen
from simulator.runtime.recipes.session import LeaseRecipe

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

    def renew_interval(self) -> float:
        return negotiated_timeout(self.host.apps.zookeeper) / 3

    def first_keepalive_at_once(self) -> bool:
        return False  # a ZooKeeper client pings only after a third of the timeout idle

    def term(self) -> Gen:
        """Create a sequential node, wait for each predecessor, lead until the session ends."""
        keeper = yield from self.ensure_session()
        sequence = yield from self.create_node()
        mine = child_key(sequence)
        while True:
            children = yield from self.client.get(CHILD_PREFIX, prefix=True)
            names = [kv.key for kv in children.kvs]
            if mine not in names:  # the session expired and took the node with it
                self.close_session()
                return
            position = names.index(mine)
            if position == 0:
                break
            woke = yield from self.wait_for_delete(names[position - 1], children.revision + 1,
                                                   unless=keeper.lost, one_shot=True)
            if woke == "interrupted":
                self.close_session()
                return
        yield from self.lead_session(sequence, keeper)

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
