"""`GET /v1/me` in every service: the caller as that service knows them, and what they may do there.

`may` is checked twice: against what each persona should hold (EXPECTED), and EXPECTED against
the access matrix, through one endpoint per capability (A1, A2, L3 and L5 act on team A's
objects there, so a persona holds the capability exactly when the matrix says `ok`).
"""

from __future__ import annotations

from typing import Any

from callcenter_shared.contracts.scheduling import TeamUpsertedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import on_team_upserted
from callcenter_testing import HR_SYSTEM, METRICS_FEED
from tests.access.test_access_matrix import MATRIX, allowed

World = Any  # tests/access/conftest.py: World
SERVICES = ("scheduling", "performance", "recognition", "escalation")

SCHEDULING_ALL = {
    "manage_directory", "create_shifts", "approve_staffing_changes",
    "approve_swaps", "approve_leave", "manage_skills", "manage_holidays",
}  # fmt: skip
EXPECTED: dict[str, dict[str, set[str]]] = {
    "scheduling": {
        "A1": set(),
        "A2": {"create_shifts", "approve_leave"},
        "L3": SCHEDULING_ALL,
        "L5": SCHEDULING_ALL,
    },
    "performance": {
        "A1": set(),
        "A2": {"evaluate_calls", "coach_agents", "give_bonus_points"},
        "L3": {"evaluate_calls", "coach_agents", "manage_kpis"},
        "L5": {"evaluate_calls", "coach_agents", "manage_kpis"},
    },
    "recognition": {
        "A1": {"give_praise", "nominate"},
        "A2": {"give_praise", "nominate"},
        "L3": {"give_praise", "nominate", "manage_awards", "manage_rewards", "organise_competitions"},
        "L5": {"give_praise", "nominate", "manage_awards", "manage_rewards", "organise_competitions"},
    },
    "escalation": {
        "A1": {"open_cases"},
        "A2": {"open_cases", "verify_complaints"},
        "L3": {"open_cases", "verify_complaints", "read_reports", "manage_categories"},
        "L5": {"open_cases", "verify_complaints", "read_reports", "manage_categories"},
    },
}
# The endpoint that proves each capability in the matrix (None: the matrix has no row that can).
PROVEN_BY: dict[tuple[str, str], tuple[str, str] | None] = {
    ("scheduling", "manage_directory"): ("POST", "/v1/employees"),
    ("scheduling", "create_shifts"): ("POST", "/v1/shifts"),
    ("scheduling", "approve_staffing_changes"): ("POST", "/v1/staffing-changes/{change_id}/approve"),
    ("scheduling", "approve_swaps"): ("POST", "/v1/swaps/{swap_id}/reverse"),
    ("scheduling", "approve_leave"): ("POST", "/v1/leave/{leave_id}/approve"),
    ("scheduling", "manage_skills"): ("POST", "/v1/skills"),
    ("scheduling", "manage_holidays"): ("POST", "/v1/holidays"),
    ("performance", "evaluate_calls"): ("POST", "/v1/qa/scorecards"),
    ("performance", "coach_agents"): ("POST", "/v1/coaching"),
    ("performance", "give_bonus_points"): ("POST", "/v1/bonus-points"),
    ("performance", "manage_kpis"): ("POST", "/v1/kpis"),
    ("recognition", "give_praise"): ("POST", "/v1/praise"),
    ("recognition", "nominate"): None,  # the matrix's nominee is A1, who may not nominate themselves
    ("recognition", "manage_awards"): ("POST", "/v1/awards"),
    ("recognition", "manage_rewards"): ("POST", "/v1/rewards"),
    ("recognition", "organise_competitions"): ("POST", "/v1/competitions"),
    ("escalation", "open_cases"): ("POST", "/v1/cases"),
    ("escalation", "verify_complaints"): ("POST", "/v1/cases/{case_id}/attribution"),
    ("escalation", "read_reports"): ("GET", "/v1/cases/reports/breaches"),
    ("escalation", "manage_categories"): ("POST", "/v1/categories"),
}
PERSONAS = ("A1", "B1", "A2", "B2", "L3", "L5")
COMPARED = ("A1", "A2", "L3", "L5")


def test_expected_capabilities_agree_with_the_access_matrix() -> None:
    cells = {(s, m, p): dict(zip(PERSONAS, c.split(), strict=True)) for s, m, p, c in MATRIX}
    disagreements = []
    for (service, capability), endpoint in PROVEN_BY.items():
        if endpoint is None:
            continue
        row = cells[(service, *endpoint)]
        by_matrix = {p for p in COMPARED if allowed(row[p])}
        by_expected = {p for p in COMPARED if capability in EXPECTED[service][p]}
        if by_matrix != by_expected:
            disagreements.append(f"{service} {capability}: matrix {sorted(by_matrix)}, /v1/me {sorted(by_expected)}")
    assert disagreements == []


async def test_every_service_says_who_the_caller_is_and_what_they_may_do(world: World) -> None:
    names = {"A": "Team A", "B": "Team B"}
    for service in SERVICES[1:]:  # the read copies get the teams as the team events would bring them
        async with world.apps[service].state.session_factory() as session, session.begin():
            for key, team_id in world.teams.items():
                event = TeamUpsertedV1(
                    team_id=team_id, name=names[key], leader_id=world.people[f"{key}2"].id, version=1
                )
                await on_team_upserted(session, event, Envelope.wrap(event, time=world.clock.now()))
    for service in SERVICES:
        capabilities = {c.name for c in world.apps[service].state.capabilities}
        assert set(EXPECTED[service]["L5"]) <= capabilities
        assert {name for s, name in PROVEN_BY if s == service} == capabilities
        for persona in PERSONAS:
            me = await world.ok(service, "GET", "/v1/me", persona)
            person = world.people[persona]
            assert me["kind"] == "employee"
            assert me["employee_id"] == str(person.id)
            assert me["level"] == person.level
            assert me["active"] is True
            if service == "scheduling":
                directory = await world.ok(service, "GET", f"/v1/employees/{person.id}", "L5")
                assert me["name"] == directory["name"]
            else:
                assert me["name"] == persona  # as the read copy was seeded
            if person.team_id is None:
                assert me["team"] is None
            else:
                assert me["team"] == {"id": str(person.team_id), "name": names[persona[0]]}
            if person.superior_id is None:
                assert me["superior"] is None
            else:
                assert me["superior"]["id"] == str(person.superior_id)
                assert me["superior"]["name"]
            expected = EXPECTED[service][persona.replace("B", "A")]
            assert set(me["may"]) == expected, f"{service} {persona}: {me['may']}"


async def test_a_service_account_gets_its_name_and_scopes_and_no_capabilities(world: World) -> None:
    for service in SERVICES:
        me = await world.ok(service, "GET", "/v1/me", world.systems[HR_SYSTEM])
        assert me == {**me, "kind": "service_account", "account": HR_SYSTEM, "scopes": ["directory:write"], "may": []}
        assert me["employee_id"] is None
        feed = await world.ok(service, "GET", "/v1/me", world.systems[METRICS_FEED])
        assert feed["scopes"] == ["metrics:write"]


async def test_me_reads_the_directory_now_not_the_token(world: World) -> None:
    """A renamed team shows on the next call, and a leaver is refused, whatever the token says."""
    await world.ok("scheduling", "PATCH", f"/v1/teams/{world.teams['A']}", "L5", {"name": "Team A (nights)"})
    me = await world.ok("scheduling", "GET", "/v1/me", "A1")
    assert me["team"] == {"id": str(world.teams["A"]), "name": "Team A (nights)"}
    await world.ok("scheduling", "PATCH", f"/v1/employees/{world.people['A3'].id}", "L5", {"active": False})
    leaver = await world.call("scheduling", "GET", "/v1/me", "A3")
    assert leaver.status_code == 403
