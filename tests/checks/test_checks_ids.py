"""A restarted app server's store client (``app1.1``) still belongs to server ``app1``: the
projection shows its lease, as the checks count its requests."""

from simulator.projection.fold import FoldState, lease_belongs_to
from simulator.trace.events import AppRole, LeaseGrant, NodeCrash, NodeRestart


def test_a_lease_of_a_restarted_incarnation_belongs_to_its_server() -> None:
    assert lease_belongs_to("app1.1", "app1")
    assert lease_belongs_to("app1", "app1") and lease_belongs_to("app1/s", "app1")
    assert not lease_belongs_to("app11", "app1") and not lease_belongs_to("app1.1", "app11")


def test_the_window_shows_the_lease_of_a_restarted_leader() -> None:
    state = FoldState(app_ids=("app1", "app11"))
    for event in (
        LeaseGrant(1.0, 1, 10.0, "app1"), AppRole(1.1, "app1", True, 1),
        NodeCrash(5.0, "app1"), NodeRestart(6.0, "app1"),
        LeaseGrant(7.0, 2, 10.0, "app1.1"), AppRole(7.1, "app1", True, 2),
    ):
        state.apply(event)
    world = state.world(8.0, {})
    app1, app11 = world.apps
    assert app1.id == "app1" and app1.lease is not None and app1.lease.owner == "app1.1"
    assert app11.lease is None
