"""The yearly evaluation rule on hand-counted facts."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from circulair.core.agenda import evaluation as ev
from circulair.core.agenda.evaluation import ActionFact, SignatoryFact, counts_in_year

D = dt.date
Y = 2025


def _a(
    i: int,
    owner: int,
    status: str = "running",
    start: D = D(2025, 3, 1),
    end: D | None = None,
    **kw: object,
) -> ActionFact:
    return ActionFact(id=i, owner=owner, status=status, start=start, end=end, **kw)  # type: ignore[arg-type]


def test_counting_rule_per_status_and_dates() -> None:
    assert counts_in_year("running", D(2024, 6, 1), None, Y)
    assert counts_in_year("completed", D(2024, 6, 1), D(2025, 1, 1), Y)  # ended on 1 Jan
    assert not counts_in_year("completed", D(2024, 6, 1), D(2024, 12, 31), Y)
    assert not counts_in_year("planned", D(2025, 2, 1), None, Y)  # never started
    assert counts_in_year("stopped", D(2025, 2, 1), D(2025, 4, 1), Y)  # ran in 2025
    assert not counts_in_year("stopped", D(2024, 2, 1), D(2024, 4, 1), Y)  # stopped before
    assert not counts_in_year("running", D(2026, 1, 1), None, Y)  # starts after the year
    assert counts_in_year("running", D(2025, 12, 31), None, Y)
    assert not counts_in_year("running", None, None, Y)


def _world() -> ev.Evaluation:
    # org 1: 4 actions of its own -> short by 1
    # org 2: 5 actions (3 own + 2 as partner of org 3's actions) -> meets 5
    # org 3: 2 own running + 1 own stopped in 2025 + 1 stopped in 2024 (not counted)
    #        + 1 planned (not counted) + 1 completed 2024 (not counted) -> 3, commitment 3 -> ok
    # org 4: signed in 2026 -> not evaluated for 2025
    actions = [
        _a(1, 1, work_path="wp-a", lever="l1", r_strategies=frozenset({"r3-reuse"})),
        _a(2, 1, work_path="wp-a", r_strategies=frozenset({"r3-reuse", "r4-repair"})),
        _a(
            3,
            1,
            status="completed",
            start=D(2024, 1, 1),
            end=D(2025, 2, 1),
            work_path="wp-b",
            value_chain="vc-1",
            lever="l1",
        ),
        _a(4, 1, work_path="wp-b", r_strategies=frozenset({"r8-recycle"})),
        _a(5, 2),
        _a(6, 2),
        _a(7, 2, programme=70),
        _a(8, 3, partners=frozenset({2}), r_strategies=frozenset({"r4-repair", "r5-refurbish"})),
        _a(9, 3, partners=frozenset({2, 3})),
        _a(10, 3, status="stopped", start=D(2025, 1, 10), end=D(2025, 5, 1)),
        _a(11, 3, status="stopped", start=D(2024, 1, 10), end=D(2024, 5, 1)),
        _a(12, 3, status="planned", start=D(2025, 9, 1)),
        _a(13, 3, status="completed", start=D(2023, 1, 1), end=D(2024, 12, 31)),
        _a(14, 4),
    ]
    sigs = [
        SignatoryFact(1, "Alfa", 2023),
        SignatoryFact(2, "Bravo", 2025),
        SignatoryFact(3, "Charlie", 2024, min_actions=3),
        SignatoryFact(4, "Delta", 2026),
    ]
    progs = [
        ev.ProgrammeFact(70, "gerichte-call", "funding"),
        ev.ProgrammeFact(71, "green-deal", "publication", outcome="final report"),
    ]
    bns = [
        ev.BottleneckFact(1, "Afvalstatuut", "open", "regional"),
        ev.BottleneckFact(2, "Oud", "resolved", "federal"),
        ev.BottleneckFact(3, "EPR", "escalated", "european"),
    ]
    return ev.evaluate(
        agenda="maakindustrie",
        year=Y,
        actions=actions,
        signatories=sigs,
        work_paths=["wp-a", "wp-b", "wp-c"],
        value_chains=["vc-1", "vc-2"],
        levers=["l1", "l2"],
        r_loops={
            "r3-reuse": "short",
            "r4-repair": "medium",
            "r5-refurbish": "medium",
            "r8-recycle": "long",
            "research": None,
        },
        programmes=progs,
        stages=["launch", "selection", "funding", "publication"],
        bottlenecks=bns,
    )


def test_four_actions_fall_short_five_do_not() -> None:
    e = _world()
    by = {s.name: s for s in e.signatories}
    assert [s.name for s in e.signatories] == ["Alfa", "Bravo", "Charlie"]  # Delta signed 2026
    assert (by["Alfa"].actions, by["Alfa"].commitment, by["Alfa"].short_by) == (4, 5, 1)
    assert by["Alfa"].falls_short
    assert (by["Bravo"].actions, by["Bravo"].short_by) == (5, 0)  # 3 own + 2 as partner
    assert not by["Bravo"].falls_short
    # own commitment 3: two running + one stopped in 2025; stopped-2024, planned, completed-2024 not
    assert (by["Charlie"].actions, by["Charlie"].commitment, by["Charlie"].short_by) == (3, 3, 0)
    assert [s.name for s in e.shortfalls] == ["Alfa"]


def test_coverage_levers_loops_programmes_bottlenecks() -> None:
    e = _world()
    assert e.counted_actions == 11  # 14 minus #11, #12, #13
    assert e.work_paths == {"wp-a": 2, "wp-b": 2, "wp-c": 0}
    assert e.uncovered_work_paths == ["wp-c"]
    assert e.value_chains == {"vc-1": 1, "vc-2": 0}
    assert e.uncovered_value_chains == ["vc-2"]
    assert e.levers == {"l1": 2, "l2": 0}
    assert e.r_strategies == {
        "r3-reuse": 2,
        "r4-repair": 2,
        "r5-refurbish": 1,
        "r8-recycle": 1,
        "research": 0,
    }
    # action 8 has two medium-loop strategies: counted once in the medium loop
    assert e.loops == {"short": 2, "medium": 2, "long": 1}
    assert e.programmes_by_stage == {"launch": 0, "selection": 0, "funding": 1, "publication": 1}
    assert e.programmes_by_kind == {"gerichte-call": 1, "green-deal": 1}
    assert e.programme_outcomes == [(71, "publication", "final report")]
    assert e.funded_actions == 1
    assert [b.id for b in e.open_bottlenecks] == [1, 3]
    assert e.status_counts == {"completed": 1, "running": 9, "stopped": 1}


def test_agenda_commitment_overrides_default() -> None:
    e = ev.evaluate(
        agenda="x",
        year=Y,
        actions=[_a(1, 1)],
        signatories=[SignatoryFact(1, "A", 2020)],
        work_paths=[],
        value_chains=[],
        levers=[],
        r_loops={},
        agenda_min_actions=1,
    )
    assert not e.signatories[0].falls_short


def test_manufacturer_share() -> None:
    orgs = [
        ev.OrganisationFact(1, "25.110", "3"),  # manufacturer, 10-19
        ev.OrganisationFact(2, "10", "9"),  # manufacturer, 1000+
        ev.OrganisationFact(3, "33.120", "2"),  # too small (5-9)
        ev.OrganisationFact(4, "45.200", "5"),  # not section C
        ev.OrganisationFact(5, "33.120", "4"),  # manufacturer
        ev.OrganisationFact(6, "", "5"),
    ]
    s = ev.manufacturer_share(orgs, {1, 3, 4})
    assert (s.manufacturers, s.active) == (3, 1)
    assert s.percent is not None and abs(s.percent - 100 / 3) < 1e-9
    assert ev.manufacturer_share([], []).percent is None


@given(
    st.lists(
        st.tuples(
            st.integers(1, 5),
            st.sampled_from(sorted(ev.TRANSITIONS)),
            st.integers(2020, 2027),
            st.integers(0, 800),
        ),
        max_size=40,
    ),
    st.integers(2021, 2026),
)
def test_counts_are_consistent(rows: list[tuple[int, str, int, int]], year: int) -> None:
    """Every signatory's count equals the number of counted actions it owns (no partners)."""
    acts = [
        _a(i, o, status=s, start=D(y, 1, 1), end=D(y, 1, 1) + dt.timedelta(days=d))
        for i, (o, s, y, d) in enumerate(rows)
    ]
    e = ev.evaluate(
        agenda="x",
        year=year,
        actions=acts,
        signatories=[SignatoryFact(o, f"o{o}", 2000) for o in range(1, 6)],
        work_paths=[],
        value_chains=[],
        levers=[],
        r_loops={},
    )
    assert sum(s.actions for s in e.signatories) == e.counted_actions
    for s in e.signatories:
        assert s.short_by == max(0, 5 - s.actions)
