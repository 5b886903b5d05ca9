"""ZooKeeper lessons are told in sessions and ephemeral nodes, not in etcd's leases."""

from __future__ import annotations

from simulator.presets.catalog import find_scenario
from ui.session import Session


def test_a_zookeeper_lesson_tells_the_expired_session_and_the_restarted_clients_new_one() -> None:
    session = Session(find_scenario("zookeeper-recipe"))
    session.simulation.run_until(60.0)
    told = session.update_narration()
    texts = [e.text for e in told]
    assert not [t for t in texts if "lease" in t.lower()], "no etcd lease words on ZooKeeper"
    expired = [e for e in told if e.text.startswith("ZooKeeper expired session 1 of app1")]
    assert expired and "ephemeral nodes are deleted" in expired[0].text
    assert expired[0].subject == "app1"
    # app1 restarts at 55 s: its new session is told once, under the server's name
    assert "app1 opened ZooKeeper session 4." in texts
    assert not [t for t in texts if "app1.1" in t and "restarted" not in t]
    assert all(e.subject is None or "." not in e.subject for e in told)


def test_an_etcd_lesson_still_tells_leases() -> None:
    session = Session(find_scenario("herd-etcd-election"))
    session.simulation.run_until(10.0)
    assert any("granted lease" in e.text for e in session.update_narration())
