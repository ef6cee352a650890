"""Annual-leave balances over HTTP: entitlement by tenure, deduction in hours, cancellation, carry-over (LEV-5)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]
on_postgres = pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs PostgreSQL (TEST_POSTGRES_URL)")


def at(day: int, hour: int, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


async def ask(floor: Any, person: Any, start: datetime, end: datetime, leave_type: str = "annual") -> httpx.Response:
    body = {"leave_type": leave_type, "starts_at": start.isoformat(), "ends_at": end.isoformat()}
    return await floor.client.post("/v1/leave", json=body, headers=person.headers)


async def approve_fully(floor: Any, leave_id: str) -> httpx.Response:
    first = await floor.client.post(f"/v1/leave/{leave_id}/approve", json={}, headers=floor.leader_a.headers)
    assert first.status_code == 200, first.text
    return await floor.client.post(f"/v1/leave/{leave_id}/approve", json={}, headers=floor.manager.headers)


async def balance(floor: Any, caller: Any, **params: Any) -> httpx.Response:
    return await floor.client.get("/v1/leave/balance", params=params, headers=caller.headers)


async def days_on_shift(floor: Any, person: Any, days: range, hours: float = 8) -> None:
    for day in days:
        await floor.on_shift(person, at(day, 8), hours=hours)


class TestEntitlement:
    async def test_entitlement_follows_tenure_from_the_policy_table_LEV_5(self, floor: Any) -> None:
        veteran = await floor.org.agent(floor.team_a, floor.leader_a, hire_date="2014-03-01")
        senior = await floor.org.agent(floor.team_a, floor.leader_a, hire_date="2005-01-01")
        newcomer = await floor.org.agent(floor.team_a, floor.leader_a, hire_date="2026-06-01")
        expected = [(veteran, 11, 80.0), (senior, 21, 120.0), (newcomer, 0, 40.0)]
        for person, tenure, hours in expected:
            body = (await balance(floor, person, year=2026)).json()
            assert (body["tenure_years"], body["entitlement_hours"]) == (tenure, hours), body
            assert body["available_hours"] == hours
        before_hire = (await balance(floor, newcomer, year=2025)).json()
        assert before_hire["entitlement_hours"] == 0

    async def test_the_person_and_their_leader_see_the_balance_others_do_not_LEV_5(self, floor: Any) -> None:
        own = await balance(floor, floor.a1)
        assert own.status_code == 200, own.text
        assert own.json()["employee_id"] == str(floor.a1.id)
        assert own.json()["year"] == 2026  # the clock's year by default
        assert (await balance(floor, floor.leader_a, employee_id=str(floor.a1.id))).status_code == 200
        assert (await balance(floor, floor.manager, employee_id=str(floor.a1.id))).status_code == 200
        assert (await balance(floor, floor.leader_b, employee_id=str(floor.a1.id))).status_code == 403
        assert (await balance(floor, floor.a2, employee_id=str(floor.a1.id))).status_code == 403


class TestDeduction:
    async def test_approved_annual_leave_is_deducted_in_hours_missed_LEV_5_LEV_3(self, floor: Any) -> None:
        await days_on_shift(floor, floor.a1, range(10, 12))  # two 8 h shifts
        leave = (await ask(floor, floor.a1, at(10, 0), at(12, 0))).json()
        assert leave["hours_requested"] == 16
        reserved = (await balance(floor, floor.a1)).json()
        assert (reserved["reserved_hours"], reserved["available_hours"], reserved["taken_hours"]) == (16, 24, 0)
        approved = await approve_fully(floor, leave["id"])
        assert approved.json()["hours_missed"] == 16
        after = (await balance(floor, floor.a1)).json()
        assert (after["taken_hours"], after["reserved_hours"], after["remaining_hours"]) == (16, 0, 24)

    async def test_a_request_beyond_the_balance_is_refused_naming_it_LEV_5(self, floor: Any) -> None:
        await days_on_shift(floor, floor.a1, range(9, 15))  # six 8 h shifts: 48 h, the entitlement is 40
        refused = await ask(floor, floor.a1, at(9, 0), at(15, 0))
        assert refused.status_code == 422
        problem = refused.json()
        assert problem["rule"] == "LEV-5"
        assert problem["balance_hours"] == 40
        assert "takes 48 h" in problem["detail"]
        assert "40 h available" in problem["detail"]
        # Other kinds of leave do not draw on the annual balance.
        assert (await ask(floor, floor.a1, at(9, 0), at(15, 0), "personal")).status_code == 201

    async def test_undecided_requests_reserve_their_hours_LEV_5(self, floor: Any) -> None:
        await days_on_shift(floor, floor.a1, range(9, 15))  # six 8 h shifts: 48 h against 40 h
        assert (await ask(floor, floor.a1, at(9, 0), at(12, 0))).status_code == 201  # 24 h reserved
        refused = await ask(floor, floor.a1, at(12, 0), at(15, 0))  # 24 h more: 8 h too many
        assert refused.json()["rule"] == "LEV-5"
        assert refused.json()["balance_hours"] == 16
        assert (await ask(floor, floor.a1, at(12, 0), at(14, 0))).status_code == 201  # 16 h fits

    async def test_cancelling_approved_leave_gives_the_hours_back_LEV_5(self, floor: Any, events: Events) -> None:
        await days_on_shift(floor, floor.a1, range(10, 12))
        leave = (await ask(floor, floor.a1, at(10, 0), at(12, 0))).json()
        await approve_fully(floor, leave["id"])
        assert (await balance(floor, floor.a1)).json()["taken_hours"] == 16
        body = {"reason": "The trip is off"}
        stranger = await floor.client.post(f"/v1/leave/{leave['id']}/cancel", json=body, headers=floor.a2.headers)
        assert stranger.status_code == 403
        cancelled = await floor.client.post(f"/v1/leave/{leave['id']}/cancel", json=body, headers=floor.a1.headers)
        assert cancelled.status_code == 200, cancelled.text
        assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "The trip is off")
        after = (await balance(floor, floor.a1)).json()
        assert (after["taken_hours"], after["available_hours"]) == (0, 40)
        told = await events("callcenter.scheduling.leave.cancelled.v1")
        assert told[-1]["hours_restored"] == 16
        assert told[-1]["cancelled_by"] == str(floor.a1.id)
        again = await floor.client.post(f"/v1/leave/{leave['id']}/cancel", json=body, headers=floor.a1.headers)
        assert again.status_code == 409

    async def test_leave_that_has_begun_cannot_be_cancelled_LEV_5(self, floor: Any, clock: Any) -> None:
        await days_on_shift(floor, floor.a1, range(10, 11))
        leave = (await ask(floor, floor.a1, at(10, 0), at(11, 0))).json()
        await approve_fully(floor, leave["id"])
        clock.set(at(10, 9))
        late = await floor.client.post(
            f"/v1/leave/{leave['id']}/cancel", json={"reason": "Back early"}, headers=floor.manager.headers
        )
        assert late.status_code == 409


class TestCarryOver:
    async def test_no_carry_over_by_default_and_up_to_the_setting_when_set_LEV_5(
        self, floor: Any, app: FastAPI, clock: Any
    ) -> None:
        await days_on_shift(floor, floor.a1, range(10, 11))  # 8 h taken in 2026
        leave = (await ask(floor, floor.a1, at(10, 0), at(11, 0))).json()
        await approve_fully(floor, leave["id"])
        clock.set(at(5, 9, month=1, year=2027))
        assert (await balance(floor, floor.a1)).json()["carried_over_hours"] == 0
        app.state.settings.annual_leave_max_carry_hours = 24
        carried = (await balance(floor, floor.a1)).json()
        assert (carried["year"], carried["carried_over_hours"], carried["available_hours"]) == (2027, 24, 64)
        app.state.settings.annual_leave_max_carry_hours = 100
        assert (await balance(floor, floor.a1, year=2027)).json()["carried_over_hours"] == 32  # 40 - 8 unused


@pytest.mark.postgres_only
@on_postgres
class TestLastHoursConcurrently:
    """On PostgreSQL the pool runs the two calls side by side; the person's row lock decides one after the other."""

    async def test_two_requests_for_the_last_hours_only_one_gets_them_LEV_5(self, floor: Any) -> None:
        await days_on_shift(floor, floor.a1, range(9, 15))  # 6 x 8 h = 48 h against 40 h
        answers = await asyncio.gather(
            ask(floor, floor.a1, at(9, 0), at(12, 0)), ask(floor, floor.a1, at(12, 0), at(15, 0))
        )  # 24 h each: either fits alone, not both
        assert sorted(a.status_code for a in answers) == [201, 422], [a.text for a in answers]
        refused = next(a for a in answers if a.status_code == 422)
        assert (refused.json()["rule"], refused.json()["balance_hours"]) == ("LEV-5", 16)
        body = (await balance(floor, floor.a1)).json()
        assert (body["reserved_hours"], body["available_hours"]) == (24, 16)

    async def test_two_approvals_against_the_last_hours_never_overdraw_LEV_5(self, floor: Any) -> None:
        # Asked for while nothing was rostered (0 h each), then rostered 24 h a request: 48 h against 40.
        first = (await ask(floor, floor.a1, at(9, 0), at(12, 0))).json()
        second = (await ask(floor, floor.a1, at(16, 0), at(19, 0))).json()
        await days_on_shift(floor, floor.a1, range(9, 12))
        await days_on_shift(floor, floor.a1, range(16, 19))
        for leave in (first, second):
            step = await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.leader_a.headers)
            assert step.status_code == 200, step.text
        answers = await asyncio.gather(
            *(
                floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.manager.headers)
                for leave in (first, second)
            )
        )
        assert sorted(a.status_code for a in answers) == [200, 422], [a.text for a in answers]
        refused = next(a for a in answers if a.status_code == 422)
        assert refused.json()["rule"] == "LEV-5"
        after = (await balance(floor, floor.a1)).json()
        assert (after["taken_hours"], after["remaining_hours"]) == (24, 16)
