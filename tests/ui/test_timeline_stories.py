"""Scripted event sequences for the timeline tests: a Raft leader crash with an app hand-over.

The other timeline tests import the story from here; the tests below keep it a valid log."""

from __future__ import annotations

from simulator.config import AppsConfig, AppServerConfig, Scenario
from simulator.trace import events as ev
from simulator.trace.events import EVENT_TYPES_BY_KIND

NODES = ("n1", "n2", "n3", "n4", "n5")
APPS = ("app1", "app2", "app3")

FIRST_LEADER_AT = 1.23
CRASH_AT = 10.0
NEW_LEADER_AT = 11.33
LAST_RENEW_EXPIRY = 18.6
REVOKE_AT = 19.0
TAKEOVER_AT = 19.05
END = 30.0


def story_scenario() -> Scenario:
    """Five Raft nodes and three app servers, as the story's lanes."""
    servers = tuple(AppServerConfig(app) for app in APPS)
    return Scenario(title="Leader crash", apps=AppsConfig(servers=servers))


def leader_crash_story() -> list[ev.Event]:
    """n3 leads term 1 and app1 holds the leader key; both crash at 10 s. n1 wins term 2; app1's
    lease (last renewed to 18.6 s) is revoked as expired at 19 s; app2 sees the delete and takes
    over with token 13."""
    events: list[ev.Event] = [ev.RunStart(0.0, 1, "story")]
    events += [ev.RaftRole(0.0, node, "follower", 0) for node in NODES]
    events += [
        ev.RaftRole(1.2, "n3", "precandidate", 0),
        ev.RaftRole(1.21, "n3", "candidate", 1),
        ev.RaftRole(FIRST_LEADER_AT, "n3", "leader", 1),
    ]
    events += [ev.RaftRole(1.235, node, "follower", 1) for node in NODES if node != "n3"]
    events += [
        ev.LeaseGrant(2.0, 7, 10.0, "app1"),
        ev.AppRole(2.05, "app1", True, 5),
        ev.Caption(2.5, "app1 now charges the due contracts"),
        ev.Work(3.5, "app1", "contract-3", 5, True, False),
        ev.LeaseRenew(5.3, 7, "n3", 15.3),
        ev.Work(6.5, "app1", "contract-6", 5, True, False),
        ev.LeaseRenew(8.6, 7, "n3", LAST_RENEW_EXPIRY),
        ev.NodeCrash(CRASH_AT, "n3"),
        ev.NodeCrash(CRASH_AT, "app1"),
        ev.RaftRole(11.3, "n1", "precandidate", 1),
        ev.RaftRole(11.31, "n1", "candidate", 2),
        ev.RaftRole(NEW_LEADER_AT, "n1", "leader", 2),
        ev.LeaseRevoke(REVOKE_AT, 7, "expired"),
        ev.WatchEvent(19.01, "app2", "/payments/leader", "delete", 12),
        ev.WatchEvent(19.01, "app3", "/payments/leader", "delete", 12),
        ev.LeaseGrant(19.02, 9, 10.0, "app2"),
        ev.AppRole(TAKEOVER_AT, "app2", True, 13),
        ev.Work(21.0, "app2", "contract-21", 13, True, False),
        ev.RunEnd(END),
    ]
    return events


def test_story_is_a_valid_time_ordered_log() -> None:
    events = leader_crash_story()
    times = [e.t for e in events]
    assert times == sorted(times)
    assert all(EVENT_TYPES_BY_KIND[e.kind] is type(e) for e in events)
    raft_nodes = {e.node for e in events if isinstance(e, ev.RaftRole)}
    assert raft_nodes <= set(story_scenario().raft.node_ids)
