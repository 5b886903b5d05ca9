"""What the runtime, the store, the checks and the views need from a consensus member.

``ConsensusMember`` is the protocol-neutral face of one member (simulator/raft's RaftNode and
simulator/paxos's PaxosNode satisfy it); ``CommittedEntry`` and ``ConsensusReady`` are the
shapes it hands its host. Pure: no simpy, no clock, no global random.
"""

from simulator.consensus.member import CommittedEntry, ConsensusMember, ConsensusReady

__all__ = ["CommittedEntry", "ConsensusMember", "ConsensusReady"]
