"""The roster over HTTP: shifts in the center's zone, coverage gaps, staffing reductions, holidays."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


class TestShifts:
    async def test_local_times_crossing_midnight_are_stored_in_utc_ROS_1(self, floor: Any) -> None:
        await floor.skill("billing")
        response = await floor.client.post(
            "/v1/shifts",
            json={
                "team_id": str(floor.team_a),
                "name": "Night",
                "day": "2026-11-05",
                "start_time": "22:00",
                "end_time": "06:00",
                "required_headcount": 2,
                "required_skills": ["billing"],
            },
            headers=floor.leader_a.headers,
        )
        assert response.status_code == 201, response.text
        shift = response.json()
        assert shift["starts_at"] == "2026-11-05T14:00:00Z"
        assert shift["ends_at"] == "2026-11-05T22:00:00Z"
        assert shift["starts_at_local"] == "2026-11-05T22:00:00+08:00"
        assert shift["ends_at_local"] == "2026-11-06T06:00:00+08:00"

    async def test_naive_shift_times_are_refused_with_422(self, floor: Any) -> None:
        response = await floor.client.post(
            "/v1/shifts",
            json={
                "team_id": str(floor.team_a),
                "name": "Day",
                "starts_at": "2026-11-05T08:00:00",
                "ends_at": "2026-11-05T16:00:00",
                "required_headcount": 1,
            },
            headers=floor.leader_a.headers,
        )
        assert response.status_code == 422
        assert "timezone" in response.json()["detail"]

    async def test_team_leader_rosters_only_their_own_team(self, floor: Any) -> None:
        response = await floor.client.post(
            "/v1/shifts",
            json={
                "team_id": str(floor.team_b),
                "name": "Day",
                "starts_at": at(5, 8).isoformat(),
                "ends_at": at(5, 16).isoformat(),
                "required_headcount": 1,
            },
            headers=floor.leader_a.headers,
        )
        assert response.status_code == 403

    async def test_uncertified_employee_cannot_be_rostered_ORG_3(self, floor: Any) -> None:
        trainee = await floor.org.agent(floor.team_a, floor.leader_a, certified=False, agent_number=None)
        shift = await floor.shift(floor.team_a, at(5, 8))
        response = await floor.client.post(
            f"/v1/shifts/{shift}/assignments", json={"employee_id": str(trainee.id)}, headers=floor.leader_a.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ORG-3"

    async def test_agents_see_their_teams_current_assignments_only(self, floor: Any) -> None:
        await floor.on_shift(floor.a1, at(5, 8))
        await floor.on_shift(floor.a2, at(5, 16))
        await floor.on_shift(floor.b1, at(5, 8))
        own = (await floor.client.get("/v1/assignments", headers=floor.a1.headers)).json()
        assert {a["employee_id"] for a in own["items"]} == {str(floor.a1.id), str(floor.a2.id)}
        assert own["total"] == 2
        # Another team's agent is not in her roster, even when asked for by name.
        asked = await floor.client.get(
            "/v1/assignments", params={"employee_id": str(floor.b1.id)}, headers=floor.a1.headers
        )
        assert asked.json()["items"] == []
        team = (await floor.client.get("/v1/assignments", headers=floor.leader_a.headers)).json()
        assert {a["employee_id"] for a in team["items"]} == {str(floor.a1.id), str(floor.a2.id)}
        everyone = (await floor.client.get("/v1/assignments", headers=floor.manager.headers)).json()
        assert everyone["total"] == 3

    async def test_a_teammates_removed_assignment_stays_private(self, floor: Any) -> None:
        shift, assignment = await floor.on_shift(floor.a2, at(6, 8), headcount=2)
        change = await floor.client.post(
            f"/v1/shifts/{shift}/staffing-changes",
            json={"kind": "remove_assignment", "assignment_id": str(assignment), "reason": "Doctor's appointment"},
            headers=floor.leader_a.headers,
        )
        assert change.status_code == 201, change.text
        approved = await floor.client.post(
            f"/v1/staffing-changes/{change.json()['id']}/approve", json={}, headers=floor.manager.headers
        )
        assert approved.status_code == 200, approved.text
        params = {"include_removed": "true"}
        seen = (await floor.client.get("/v1/assignments", params=params, headers=floor.a1.headers)).json()
        assert seen["items"] == []
        kept = (await floor.client.get("/v1/assignments", params=params, headers=floor.leader_a.headers)).json()
        assert [a["removed_reason"] for a in kept["items"]] == ["Staffing change: Doctor's appointment"]


class TestCoverage:
    async def test_gaps_list_hours_without_shift_below_headcount_or_certified_agent_ROS_1(self, floor: Any) -> None:
        await floor.on_shift(floor.a1, at(5, 8), hours=4, headcount=2)  # 08-12: one of two
        night = await floor.shift(floor.team_a, at(5, 12), hours=2)  # 12-14: only the leader
        await floor.assign(night, floor.leader_a)
        response = await floor.client.get(
            "/v1/coverage",
            params={"from": at(5, 8).isoformat(), "to": at(5, 15).isoformat(), "team_id": str(floor.team_a)},
            headers=floor.leader_a.headers,
        )
        assert response.status_code == 200, response.text
        gaps = {gap["hour_start_local"][11:16]: gap for gap in response.json()["gaps"]}
        assert set(gaps) == {"08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00"}
        assert gaps["08:00"]["reasons"] == ["below_headcount"]
        assert (gaps["08:00"]["required"], gaps["08:00"]["staffed"], gaps["08:00"]["certified_agents"]) == (2, 1, 1)
        assert gaps["12:00"]["reasons"] == ["no_certified_agent"]
        assert gaps["14:00"]["reasons"] == ["no_shift"]

    async def test_a_fully_staffed_hour_is_not_a_gap_ROS_1(self, floor: Any) -> None:
        await floor.on_shift(floor.a1, at(5, 8), hours=1)
        response = await floor.client.get(
            "/v1/coverage",
            params={"from": at(5, 8).isoformat(), "to": at(5, 9).isoformat(), "team_id": str(floor.team_a)},
            headers=floor.a1.headers,
        )
        assert response.json()["gaps"] == []


class TestStaffingReduction:
    async def test_reducing_headcount_needs_the_duty_managers_approval_ROS_2(self, floor: Any) -> None:
        shift = await floor.shift(floor.team_a, at(5, 8), headcount=3, duty_manager_id=str(floor.manager.id))
        direct = await floor.client.patch(
            f"/v1/shifts/{shift}", json={"required_headcount": 2}, headers=floor.leader_a.headers
        )
        assert direct.status_code == 422
        assert direct.json()["rule"] == "ROS-2"
        raised = await floor.client.patch(
            f"/v1/shifts/{shift}", json={"required_headcount": 4}, headers=floor.leader_a.headers
        )
        assert raised.json()["required_headcount"] == 4
        change = await floor.client.post(
            f"/v1/shifts/{shift}/staffing-changes",
            json={"kind": "reduce_headcount", "new_headcount": 2, "reason": "Low forecast"},
            headers=floor.leader_a.headers,
        )
        assert change.status_code == 201
        change_id = change.json()["id"]
        not_duty = await floor.client.post(
            f"/v1/staffing-changes/{change_id}/approve", json={}, headers=floor.org.gm.headers
        )
        assert not_duty.status_code == 403
        approved = await floor.client.post(
            f"/v1/staffing-changes/{change_id}/approve", json={"note": "ok"}, headers=floor.manager.headers
        )
        assert approved.json()["status"] == "approved"
        assert (await floor.client.get(f"/v1/shifts/{shift}", headers=floor.a1.headers)).json()[
            "required_headcount"
        ] == 2

    async def test_removing_someone_from_a_shift_goes_through_the_duty_manager_ROS_2(self, floor: Any) -> None:
        shift = await floor.shift(floor.team_a, at(5, 8), duty_manager_id=str(floor.manager.id))
        assignment = await floor.assign(shift, floor.a1)
        change = await floor.client.post(
            f"/v1/shifts/{shift}/staffing-changes",
            json={"kind": "remove_assignment", "assignment_id": str(assignment), "reason": "Training"},
            headers=floor.leader_a.headers,
        )
        assert (await floor.client.get(f"/v1/shifts/{shift}", headers=floor.a1.headers)).json()["staffed"] == 1
        refused = await floor.client.post(
            f"/v1/staffing-changes/{change.json()['id']}/reject",
            json={"reason": "Peak"},
            headers=floor.leader_a.headers,
        )
        assert refused.status_code == 403
        await floor.client.post(
            f"/v1/staffing-changes/{change.json()['id']}/approve", json={}, headers=floor.manager.headers
        )
        assert (await floor.client.get(f"/v1/shifts/{shift}", headers=floor.a1.headers)).json()["staffed"] == 0

    async def test_without_a_named_duty_manager_a_level_3_manager_decides_ROS_2(self, floor: Any) -> None:
        shift = await floor.shift(floor.team_a, at(5, 8), headcount=2)
        change = await floor.client.post(
            f"/v1/shifts/{shift}/staffing-changes",
            json={"kind": "reduce_headcount", "new_headcount": 1, "reason": "Quiet night"},
            headers=floor.leader_a.headers,
        )
        change_id = change.json()["id"]
        by_leader = await floor.client.post(
            f"/v1/staffing-changes/{change_id}/approve", json={}, headers=floor.leader_a.headers
        )
        assert by_leader.status_code == 403
        rejected = await floor.client.post(
            f"/v1/staffing-changes/{change_id}/reject",
            json={"reason": "Forecast is high"},
            headers=floor.manager.headers,
        )
        assert rejected.json()["status"] == "rejected"
        assert (await floor.client.get(f"/v1/shifts/{shift}", headers=floor.a1.headers)).json()[
            "required_headcount"
        ] == 2


class TestHolidays:
    async def test_calendar_has_public_holidays_and_center_additions_ROS_3(self, floor: Any) -> None:
        refused = await floor.client.post(
            "/v1/holidays", json={"day": "2026-12-24", "name": "Anniversary"}, headers=floor.leader_a.headers
        )
        assert refused.status_code == 403
        added = await floor.client.post(
            "/v1/holidays", json={"day": "2026-12-24", "name": "Anniversary"}, headers=floor.manager.headers
        )
        assert added.status_code == 201
        calendar = await floor.client.get(
            "/v1/holidays", params={"from": "2026-12-01", "to": "2027-01-02"}, headers=floor.a1.headers
        )
        days = {(h["day"], h["source"]) for h in calendar.json()["items"]}
        assert ("2026-12-24", "center") in days
        assert ("2027-01-01", "public") in days
