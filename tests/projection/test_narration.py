"""Narration says what matters in plain sentences and stays quiet about chatter."""

from simulator.projection.narration import narrate
from simulator.trace.events import (
    AppRole,
    LeaseGrant,
    LeaseRevoke,
    MsgSend,
    NodeCrash,
    RaftRole,
    RaftTimer,
    Work,
)


def test_elections_crashes_and_leases_read_as_sentences() -> None:
    events = [
        RaftTimer(0.0, "n3", 1.5),
        MsgSend(0.1, 1, "n1", "n2", "AppendEntries", "HB t1"),
        RaftRole(1.5, "n3", "candidate", 4),
        RaftRole(1.6, "n3", "leader", 4),
        LeaseGrant(2.0, 11, 10.0, "app1"),
        AppRole(2.1, "app1", True, 11),
        NodeCrash(3.0, "n3"),
        LeaseRevoke(12.0, 11, "expired"),
        AppRole(12.5, "app1", False, None),
        RaftRole(13.0, "n1", "follower", 5),
        Work(14.0, "app2", "c1", 3, True, True),
    ]
    entries = narrate(events)
    texts = [e.text for e in entries]
    assert texts[0] == "n3 timed out and started an election for term 4."
    assert texts[1] == "n3 won the election and leads term 4."
    assert "granted lease 11" in texts[2]
    assert texts[3] == "app1 now believes it is the leader with fencing token 11."
    assert texts[4] == "n3 crashed."
    assert texts[5] == "Lease 11 of app1 expired: its keys are deleted."
    assert texts[6] == "app1 stopped acting as the leader."
    assert texts[7].startswith("Double charge!")
    assert len(entries) == 8, "timers, messages and plain follower updates are not narrated"
    assert [e.index for e in entries][:2] == [2, 3]


def test_a_leader_stepping_down_is_told() -> None:
    entries = narrate([RaftRole(1.0, "n1", "leader", 2), RaftRole(2.0, "n1", "follower", 3)])
    assert entries[-1].text == "n1 stepped down: it is a follower in term 3."


def test_user_actions_read_as_what_the_person_did() -> None:
    from simulator.trace.events import NodeCrash, UserAction

    entries = narrate([
        UserAction(1.0, "partition", "", "groups=[[n1,n2],[n3,n4,n5]]"),
        UserAction(2.0, "cut", "n1", "src=n1 dst=n2 both_ways=False"),
        UserAction(3.0, "crash", "n3", "node=n3"),
        NodeCrash(3.0, "n3"),
        UserAction(4.0, "heal_all", "", "schedule"),
        UserAction(5.0, "crash", "raft-leader", "skipped: no Raft leader now"),
    ])
    assert [e.text for e in entries] == [
        "You split the network: {n1, n2}  |  {n3, n4, n5}.",
        "You cut the link n1 → n2 (one way).",
        "n3 crashed.",
        "The preset healed every cut link.",
        "The preset's crash on raft-leader was skipped (no Raft leader now).",
    ]


def test_charges_are_told_by_contract_and_month() -> None:
    entries = narrate([Work(3.0, "app1", "c12/m0", 4, True, False),
                       Work(4.0, "app2", "c12/m0", 7, True, True)])
    texts = [entry.text for entry in entries]
    assert texts[0] == "app1 charged contract c12 for month 1."
    assert "app2 charged contract c12 for month 1 a second time" in texts[1]
