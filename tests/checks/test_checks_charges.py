"""Charges from work events: double charges counted, stale rejections and late charges."""

from simulator.checks import DOUBLE_CHARGE, check_charges
from simulator.trace.events import Work


def test_the_same_job_accepted_twice_is_a_double_charge() -> None:
    events = [
        Work(1.0, "app1", "c01/m0", 5, True, False),
        Work(2.0, "app2", "c01/m0", 9, True, False),  # the provider did not flag it
    ]
    report = check_charges(events)
    assert len(report.double_charges) == 1
    double = report.double_charges[0]
    assert (double.job, double.server, double.first_server) == ("c01/m0", "app2", "app1")
    assert [i.what for i in report.incidents] == [DOUBLE_CHARGE]
    assert "c01/m0" in report.incidents[0].detail


def test_a_charge_flagged_duplicate_counts_even_without_its_first() -> None:
    report = check_charges([Work(1.0, "app1", "c02/m1", 5, True, True)])
    assert len(report.double_charges) == 1


def test_a_rejected_stale_charge_is_not_a_double_charge() -> None:
    events = [
        Work(1.0, "app2", "c01/m0", 9, True, False),
        Work(2.0, "app1", "c01/m0", 5, False, False, reason="stale token 5 < 9"),
    ]
    report = check_charges(events)
    assert report.double_charges == () and report.incidents == ()
    assert (report.attempts, report.accepted, report.rejected) == (2, 1, 1)


def test_each_further_charge_of_a_job_is_its_own_incident() -> None:
    events = [Work(float(t), f"app{t}", "c03/m0", t, True, t > 1) for t in (1, 2, 3)]
    assert len(check_charges(events).incidents) == 2


def test_late_charges_use_the_due_time_and_threshold() -> None:
    events = [
        Work(5.0, "app1", "c01/m0", 1, True, False, due=1.0),
        Work(20.0, "app1", "c02/m0", 1, True, False, due=2.0),
        Work(20.0, "app1", "c03/m0", 1, False, False, due=2.0),  # rejected: not a late charge
        Work(30.0, "app1", "c04/m0", 1, True, False),  # due unknown
    ]
    assert check_charges(events, late_after=10.0).late == 1
    assert check_charges(events, late_after=2.0).late == 2
