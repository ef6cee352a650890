"""Skills (ROS-5): the catalog, the skills people hold, and every way onto a shift checking them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_testing import HR_SYSTEM, service_bearer
from scheduling.roster import skills
from scheduling.roster.models import Shift

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def refused(response: httpx.Response, rule: str, *words: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    body: dict[str, Any] = response.json()
    assert body["rule"] == rule, body
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


async def assign(floor: Any, shift_id: uuid.UUID, person: Any) -> httpx.Response:
    return await floor.client.post(
        f"/v1/shifts/{shift_id}/assignments", json={"employee_id": str(person.id)}, headers=floor.leader_a.headers
    )


async def revoke(floor: Any, person: Any, code: str) -> httpx.Response:
    return await floor.client.delete(f"/v1/employees/{person.id}/skills/{code}", headers=floor.org.admin.headers)


class TestCatalog:
    async def test_level_3_and_the_hr_system_keep_the_catalog_and_everyone_reads_it_ROS_5(
        self, floor: Any, app: FastAPI
    ) -> None:
        body = {"code": "english", "name": "English line", "description": "Calls in English"}
        denied = await floor.client.post("/v1/skills", json=body, headers=floor.leader_a.headers)
        assert denied.status_code == 403
        created = await floor.client.post("/v1/skills", json=body, headers=floor.org.deputy.headers)
        assert created.status_code == 201, created.text
        assert created.json()["created_by_name"] is not None
        again = await floor.client.post("/v1/skills", json=body, headers=floor.org.admin.headers)
        assert again.status_code == 409
        hr = service_bearer(app.state.settings, HR_SYSTEM)
        vip = await floor.client.post("/v1/skills", json={"code": "vip", "name": "VIP line"}, headers=hr)
        assert vip.status_code == 201, vip.text
        assert vip.json()["created_by"] is None
        bad = await floor.client.post("/v1/skills", json={"code": "Has Space", "name": "x"}, headers=hr)
        assert bad.status_code == 422
        listed = await floor.client.get("/v1/skills", headers=floor.a1.headers)
        assert [s["code"] for s in listed.json()["items"]] == ["english", "vip"]

    async def test_a_skill_is_granted_with_the_day_obtained_and_revoked_ROS_5(self, floor: Any) -> None:
        await floor.skill("english")
        admin = floor.org.admin.headers
        url = f"/v1/employees/{floor.a1.id}/skills/english"
        denied = await floor.client.put(url, json={"obtained_on": "2026-10-01"}, headers=floor.leader_a.headers)
        assert denied.status_code == 403
        future = await floor.client.put(url, json={"obtained_on": "2026-11-03"}, headers=admin)
        assert future.status_code == 422
        assert "after today" in future.json()["detail"]
        unknown = await floor.client.put(
            f"/v1/employees/{floor.a1.id}/skills/klingon", json={"obtained_on": "2026-10-01"}, headers=admin
        )
        assert unknown.status_code == 404
        granted = await floor.client.put(url, json={"obtained_on": "2026-10-01"}, headers=admin)
        assert granted.status_code == 200, granted.text
        assert granted.json()["skill_name"] == "English"
        regranted = await floor.client.put(url, json={"obtained_on": "2026-10-15"}, headers=admin)
        assert regranted.json()["obtained_on"] == "2026-10-15"
        # Her teammate reads them, as her directory entry; another team's agent may not.
        listed = await floor.client.get(f"/v1/employees/{floor.a1.id}/skills", headers=floor.a2.headers)
        assert [(s["skill_code"], s["obtained_on"]) for s in listed.json()["items"]] == [("english", "2026-10-15")]
        assert listed.json()["items"][0]["employee_name"] == "Wang Fang"
        other = await floor.client.get(f"/v1/employees/{floor.a1.id}/skills", headers=floor.b1.headers)
        assert other.status_code == 403
        assert (await revoke(floor, floor.a1, "english")).status_code == 204
        assert (await revoke(floor, floor.a1, "english")).status_code == 404
        listed = await floor.client.get(f"/v1/employees/{floor.a1.id}/skills", headers=floor.a1.headers)
        assert listed.json()["total"] == 0


class TestShiftsRequireSkills:
    async def test_a_shift_requires_only_skills_of_the_catalog_ROS_5(self, floor: Any) -> None:
        body = {
            "team_id": str(floor.team_a),
            "name": "English line",
            "starts_at": at(5, 8).isoformat(),
            "ends_at": at(5, 16).isoformat(),
            "required_headcount": 1,
            "required_skills": ["english"],
        }
        unknown = await floor.client.post("/v1/shifts", json=body, headers=floor.leader_a.headers)
        assert unknown.status_code == 422
        assert "english" in unknown.json()["detail"]
        await floor.skill("english")
        await floor.skill("vip")
        created = await floor.client.post("/v1/shifts", json=body, headers=floor.leader_a.headers)
        assert created.status_code == 201, created.text
        assert created.json()["required_skills"] == ["english"]
        shift = created.json()["id"]
        typo = await floor.client.patch(
            f"/v1/shifts/{shift}", json={"required_skills": ["vpi"]}, headers=floor.leader_a.headers
        )
        assert typo.status_code == 422
        patched = await floor.client.patch(
            f"/v1/shifts/{shift}", json={"required_skills": ["vip", "english"]}, headers=floor.leader_a.headers
        )
        assert patched.json()["required_skills"] == ["english", "vip"]

    async def test_only_someone_holding_every_required_skill_is_assigned_ROS_5(self, floor: Any) -> None:
        await floor.skill("english", floor.a1)
        await floor.skill("vip")
        shift = await floor.shift(floor.team_a, at(5, 8), required_skills=["english", "vip"])
        body = refused(await assign(floor, shift, floor.a1), "ROS-5", "Wang Fang", "vip")
        assert body["missing_skills"] == ["vip"]
        refused(await assign(floor, shift, floor.a2), "ROS-5", "english, vip")
        await floor.skill("vip", floor.a1)
        assert (await assign(floor, shift, floor.a1)).status_code == 201
        plain = await floor.shift(floor.team_a, at(6, 8))
        assert (await assign(floor, plain, floor.a2)).status_code == 201

    async def test_the_check_the_open_board_shares_names_what_is_missing_ROS_5(self, floor: Any, app: FastAPI) -> None:
        await floor.skill("english", floor.a1)
        await floor.skill("vip")
        shift_id = await floor.shift(floor.team_a, at(5, 8), required_skills=["english", "vip"])
        plain_id = await floor.shift(floor.team_a, at(6, 8))
        async with app.state.session_factory() as session:
            shift = await session.get(Shift, shift_id)
            plain = await session.get(Shift, plain_id)
            assert shift is not None
            assert plain is not None
            assert await skills.missing_skills(session, floor.a1.id, shift) == ["vip"]
            assert await skills.missing_skills(session, floor.a2.id, shift) == ["english", "vip"]
            assert await skills.missing_skills(session, floor.a2.id, plain) == []


class TestSwaps:
    async def _swap(self, floor: Any, mine: uuid.UUID, theirs: uuid.UUID) -> httpx.Response:
        return await floor.client.post(
            "/v1/swaps",
            json={"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)},
            headers=floor.a1.headers,
        )

    async def test_nobody_is_swapped_onto_a_shift_without_its_skills_ROS_5(self, floor: Any) -> None:
        await floor.skill("english", floor.a1)
        english = await floor.shift(floor.team_a, at(5, 8), required_skills=["english"])
        mine = await floor.assign(english, floor.a1)
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        refused(await self._swap(floor, mine, theirs), "ROS-5", "After the swap Zhang Wei", "english")
        await floor.skill("english", floor.b1)
        assert (await self._swap(floor, mine, theirs)).status_code == 201

    async def test_a_skill_revoked_before_approval_refuses_the_swap_ROS_5(self, floor: Any) -> None:
        await floor.skill("english", floor.a1, floor.b1)
        english = await floor.shift(floor.team_a, at(5, 8), required_skills=["english"])
        mine = await floor.assign(english, floor.a1)
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        response = await self._swap(floor, mine, theirs)
        assert response.status_code == 201, response.text
        swap_id = response.json()["id"]
        for person, action in ((floor.b1, "accept"), (floor.leader_b, "sign"), (floor.leader_a, "sign")):
            step = await floor.client.post(f"/v1/swaps/{swap_id}/{action}", headers=person.headers)
            assert step.status_code == 200, step.text
        assert (await revoke(floor, floor.b1, "english")).status_code == 204
        approval = await floor.client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
        refused(approval, "ROS-5", "Zhang Wei", "english")
        await floor.skill("english", floor.b1)
        approval = await floor.client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
        assert approval.status_code == 200, approval.text


class TestCoverage:
    async def test_coverage_reports_a_staffed_shift_short_of_a_skill_ROS_5(self, floor: Any) -> None:
        await floor.skill("english", floor.a1)
        await floor.skill("vip")
        shift = await floor.shift(floor.team_a, at(5, 8), required_skills=["english"])
        await floor.assign(shift, floor.a1)
        window = {"from": at(5, 9).isoformat(), "to": at(5, 10).isoformat(), "team_id": str(floor.team_a)}

        async def gaps() -> list[dict[str, Any]]:
            response = await floor.client.get("/v1/coverage", params=window, headers=floor.a2.headers)
            assert response.status_code == 200, response.text
            found: list[dict[str, Any]] = response.json()["gaps"]
            return found

        assert await gaps() == []
        assert (await revoke(floor, floor.a1, "english")).status_code == 204
        (gap,) = await gaps()
        assert gap["reasons"] == ["missing_skill"]  # enough people, not enough skills
        assert gap["missing_skills"] == ["english"]
        assert gap["staffed"] == gap["required"] == 1
        await floor.skill("english", floor.a1)
        assert await gaps() == []
        # A skill the shift requires from now on: the people on it stay, and the report names it.
        patched = await floor.client.patch(
            f"/v1/shifts/{shift}", json={"required_skills": ["english", "vip"]}, headers=floor.leader_a.headers
        )
        assert patched.status_code == 200, patched.text
        (gap,) = await gaps()
        assert gap["missing_skills"] == ["vip"]
