"""The access matrix's world in scheduling: request bodies, the objects the paths name, fresh ones per row."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

World = Any  # tests/access/conftest.py: World (conftest modules are not importable here)


# ---------------------------------------------------------------------------------------------- bodies
def _day(world: World, days: int, hour: int = 9) -> datetime:
    now: datetime = world.clock.now()
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


_ROTATION_SLOT = {"day": 1, "name": "Early", "start_time": "02:00", "end_time": "04:00", "required_headcount": 1}


def _ids(d: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in d.items()}


def _sch(w: World) -> dict[str, Any]:
    return w.params["scheduling"]  # type: ignore[no-any-return]


QUERY: dict[tuple[str, str], str | Callable[[World], str]] = {
    ("GET", "/v1/leave/balance"): lambda w: f"employee_id={w.people['A1'].id}&year=2026",
    ("GET", "/v1/shifts"): "from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z",
    ("GET", "/v1/coverage"): "from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z",
    ("GET", "/v1/holidays"): "from=2026-01-01",
    ("GET", "/v1/teams/{team_id}/bonus-points"): "month=2026-10",
    ("GET", "/v1/exports/roster"): "week=2026-W45",
    ("GET", "/v1/handovers"): "from=2026-11-01&to=2026-12-31",
    ("GET", "/v1/exports/scorecards"): "period_id={period_id}",
    ("GET", "/v1/qa/exports/evaluations"): "from=2026-10-01&to=2026-10-31",
}

BODIES: dict[tuple[str, str], Callable[[World], Any]] = {
    # scheduling
    ("POST", "/v1/teams"): lambda w: {"name": f"Team {uuid.uuid4().hex[:4]}"},
    ("PATCH", "/v1/teams/{team_id}"): lambda w: {"name": "Team A (day)"},
    ("POST", "/v1/employees"): lambda w: _ids({"name": "New Agent", "level": 1, "team_id": w.teams["A"],
                                              "superior_id": w.people["A2"].id}),
    ("POST", "/v1/employee-imports"): lambda w: [_ids({"name": "Imported Agent", "level": 1,
                                                       "team_id": w.teams["A"], "superior_id": w.people["A2"].id})],
    ("POST", "/v1/imports/employees"): lambda w: (
        f"name,level,team_id,superior_id\r\n王芳 {uuid.uuid4().hex[:4]},1,{w.teams['A']},{w.people['A2'].id}\r\n"
    ).encode(),
    ("PATCH", "/v1/employees/{employee_id}"): lambda w: {"certified": True},
    ("POST", "/v1/skills"): lambda w: {"code": f"skill-{uuid.uuid4().hex[:6]}", "name": "A skill"},
    ("PUT", "/v1/employees/{employee_id}/skills/{skill_code}"): lambda w: {"obtained_on": "2026-10-01"},
    ("POST", "/v1/teams/{team_id}/rotations"): lambda w: {"name": f"Rotation {uuid.uuid4().hex[:4]}", "cycle": "weekly",
                                                          "shifts": [_ROTATION_SLOT]},
    # A day of its own, far from the other rows' shifts; nobody is assigned, so no one's rest changes.
    ("POST", "/v1/teams/{team_id}/rotations/{rotation_id}/generate"): lambda w: {
        "first_day": _day(w, 200).date().isoformat(), "last_day": _day(w, 200).date().isoformat()},
    ("POST", "/v1/shifts"): lambda w: _ids({"team_id": w.teams["A"], "name": "late", "required_headcount": 1,
                                            "starts_at": _day(w, 20, 14).isoformat(),
                                            "ends_at": _day(w, 20, 22).isoformat()}),
    ("PATCH", "/v1/shifts/{shift_id}"): lambda w: {"name": "early shift"},
    ("POST", "/v1/imports/shifts"): lambda w: (
        f"team_id,name,day,start_time,end_time,required_headcount\r\n{w.teams['A']},早班,2026-12-01,08:00,16:00,1\r\n"
    ).encode(),
    ("POST", "/v1/shifts/{shift_id}/assignments"): lambda w: {"employee_id": str(w.people["A3"].id)},
    ("POST", "/v1/shifts/{shift_id}/staffing-changes"): lambda w: {"kind": "reduce_headcount", "new_headcount": 1,
                                                                   "reason": "Quiet day forecast"},
    ("POST", "/v1/staffing-changes/{change_id}/approve"): lambda w: {"note": "fine"},
    ("POST", "/v1/staffing-changes/{change_id}/reject"): lambda w: {"reason": "We need the cover"},
    ("POST", "/v1/holidays"): lambda w: {"day": "2027-01-01", "name": "New Year"},
    ("POST", "/v1/swaps"): lambda w: _ids({"requester_assignment_id": _sch(w)["a1_assignment"],
                                           "counterpart_assignment_id": _sch(w)["a3_assignment"], "note": "family"}),
    ("POST", "/v1/swaps/{swap_id}/approve"): lambda w: {},
    ("POST", "/v1/swaps/{swap_id}/reject"): lambda w: {"reason": "Not this week"},
    ("POST", "/v1/swaps/{swap_id}/reverse"): lambda w: {"reason": "Mistake in the roster"},
    ("POST", "/v1/swaps/{swap_id}/emergency-approve"): lambda w: {"reason": "A1 is in hospital"},
    ("POST", "/v1/swap-offers"): lambda w: {"assignment_id": str(w.params["row"]["assignment_id"]), "kind": "swap"},
    ("POST", "/v1/leave"): lambda w: {"leave_type": "sick", "starts_at": _day(w, 30, 9).isoformat(),
                                      "ends_at": _day(w, 30, 17).isoformat(), "reason": "moving house"},
    ("POST", "/v1/leave/{leave_id}/approve"): lambda w: {},
    ("POST", "/v1/leave/{leave_id}/reject"): lambda w: {"reason": "Peak week"},
    ("POST", "/v1/leave/{leave_id}/cancel"): lambda w: {"reason": "Plans changed"},
    ("POST", "/v1/handovers"): lambda w: _ids({"team_id": w.teams["A"], "outgoing_shift_id": _sch(w)["shift_id"],
                                               "incoming_shift_id": _sch(w)["shift_2"]}),
    ("PUT", "/v1/handovers/{handover_id}/report"): lambda w: {"instructions": "Watch the billing queue",
                                                              "major_events": "none", "equipment_ok": True},
    ("POST", "/v1/handovers/{handover_id}/items"): lambda w: _ids({"title": "Refund", "progress": "waiting",
                                                                   "contacts": "Ms. Li 138", "receiver_id":
                                                                   w.people["A3"].id}),
    ("POST", "/v1/handovers/{handover_id}/questions"): lambda w: {"question": "Is the refund approved?"},
    ("POST", "/v1/handover-questions/{question_id}/answer"): lambda w: {"answer": "Yes, approved."},
    ("POST", "/v1/handover-items/{item_id}/acknowledge"): lambda w: {"read_back": "I chase the refund tomorrow."},
    ("POST", "/v1/handover-items/{item_id}/resolve"): lambda w: {"resolution": "Refunded"},
    ("POST", "/v1/interactions"): lambda w: _ids({"external_id": f"acd-{uuid.uuid4().hex[:6]}",
                                                  "employee_id": w.people["A1"].id, "state": "in_progress"}),
}  # fmt: skip


# ---------------------------------------------------------------------------------------------- world
def _id(body: Any) -> uuid.UUID:
    return uuid.UUID(body["id"])


async def _shift(w: World, team: str, days: int, *people: str, hour: int = 9) -> tuple[uuid.UUID, list[uuid.UUID]]:
    start = _day(w, days, hour)
    shift = await w.ok("scheduling", "POST", "/v1/shifts", f"{team}2", _ids({
        "team_id": w.teams[team], "name": f"day {days}", "required_headcount": 2,
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}))  # fmt: skip
    assignments = []
    for person in people:
        created = await w.ok(
            "scheduling",
            "POST",
            f"/v1/shifts/{shift['id']}/assignments",
            "L3",
            {"employee_id": str(w.people[person].id)},
        )
        assignments.append(_id(created))
    return _id(shift), assignments


async def build_scheduling(w: World) -> None:
    p = w.params["scheduling"] = {"team_id": w.teams["A"], "employee_id": w.people["A1"].id, "skill_code": "english"}
    await w.ok("scheduling", "POST", "/v1/skills", "L3", {"code": "english", "name": "English line"})
    rotation = {"name": "Every day", "cycle": "weekly", "shifts": [{**_ROTATION_SLOT, "day": d} for d in range(1, 8)]}
    p["rotation_id"] = _id(await w.ok("scheduling", "POST", f"/v1/teams/{w.teams['A']}/rotations", "A2", rotation))
    p["shift_id"], (p["a1_assignment"],) = await _shift(w, "A", 5, "A1")
    p["shift_2"], (p["a3_assignment"],) = await _shift(w, "A", 5, "A3", hour=17)
    await _shift(w, "B", 5, "B1")
    swap = await w.ok("scheduling", "POST", "/v1/swaps", "A1", BODIES[("POST", "/v1/swaps")](w))
    p["swap_id"] = _id(swap)
    _, (offered,) = await _shift(w, "A", 6, "A1")
    p["offer_id"] = _id(await w.ok("scheduling", "POST", "/v1/swap-offers", "A1", {"assignment_id": str(offered)}))
    leave = await w.ok("scheduling", "POST", "/v1/leave", "A1", BODIES[("POST", "/v1/leave")](w))
    p["leave_id"] = _id(leave)
    change = await w.ok(
        "scheduling",
        "POST",
        f"/v1/shifts/{p['shift_id']}/staffing-changes",
        "A2",
        {"kind": "remove_assignment", "assignment_id": str(p["a1_assignment"]), "reason": "Training"},
    )
    p["change_id"] = _id(change)
    handover = await w.ok("scheduling", "POST", "/v1/handovers", "A2", BODIES[("POST", "/v1/handovers")](w))
    p["handover_id"] = _id(handover)
    item = await w.ok(
        "scheduling",
        "POST",
        f"/v1/handovers/{p['handover_id']}/items",
        "A1",
        BODIES[("POST", "/v1/handovers/{handover_id}/items")](w),
    )
    p["item_id"] = _id(item)
    question = await w.ok(
        "scheduling",
        "POST",
        f"/v1/handovers/{p['handover_id']}/questions",
        "A3",
        {"question": "Is the refund approved?"},
    )
    p["question_id"] = _id(question)


_counter = iter(range(7, 1000))


async def fresh_swap(w: World, stage: str) -> dict[str, Any]:
    """A new swap of A1 with A3 on a day of its own, carried to `stage`."""
    day = next(_counter)
    _, (mine,) = await _shift(w, "A", day, "A1")
    _, (theirs,) = await _shift(w, "A", day, "A3", hour=17)
    body = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
    swap_id = _id(await w.ok("scheduling", "POST", "/v1/swaps", "A1", body))
    steps = {"requested": [], "accepted": [("A3", "accept")], "signed": [("A3", "accept"), ("A2", "sign")]}
    steps["approved"] = [*steps["signed"], ("L3", "approve")]
    for who, action in steps[stage]:
        await w.ok("scheduling", "POST", f"/v1/swaps/{swap_id}/{action}", who, {} if action == "approve" else None)
    return {"swap_id": swap_id}


_board_days = iter(range(120, 150))  # the open board's and SWP-8's own days, clear of the others


async def fresh_swap_on_behalf(w: World) -> dict[str, Any]:
    """A swap A2 filed on behalf of A1 and A3 (SWP-8), waiting for their consent."""
    day = next(_board_days)
    _, (mine,) = await _shift(w, "A", day, "A1")
    _, (theirs,) = await _shift(w, "A", day, "A3", hour=17)
    body = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs), "on_behalf": True}
    return {"swap_id": _id(await w.ok("scheduling", "POST", "/v1/swaps", "A2", body))}


async def fresh_assignment_of_a1(w: World) -> dict[str, Any]:
    _, (assignment,) = await _shift(w, "A", next(_board_days), "A1")
    return {"assignment_id": assignment}


async def fresh_offer(w: World, kind: str) -> dict[str, Any]:
    """A1's offer on a day of its own; a give-away on a shift its duty manager (L3) staffed above its head-count."""
    start = _day(w, next(_board_days), 9)
    shift = await w.ok("scheduling", "POST", "/v1/shifts", "A2", _ids({
        "team_id": w.teams["A"], "name": "spare", "required_headcount": 1, "duty_manager_id": w.people["L3"].id,
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}))  # fmt: skip
    offered = None
    for person in ("A1", "A3"):
        body = {"employee_id": str(w.people[person].id)}
        created = await w.ok("scheduling", "POST", f"/v1/shifts/{shift['id']}/assignments", "L3", body)
        offered = offered or _id(created)
    body = {"assignment_id": str(offered), "kind": kind}
    return {"offer_id": _id(await w.ok("scheduling", "POST", "/v1/swap-offers", "A1", body))}


async def fresh_leave(w: World, stage: str = "requested") -> dict[str, Any]:
    start = _day(w, next(_counter) + 40, 9)
    body = {"leave_type": "sick", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}
    leave_id = _id(await w.ok("scheduling", "POST", "/v1/leave", "A1", body))
    if stage in ("first_approved", "approved"):
        await w.ok("scheduling", "POST", f"/v1/leave/{leave_id}/approve", "A2", {})
    if stage == "approved":
        await w.ok("scheduling", "POST", f"/v1/leave/{leave_id}/approve", "L3", {})
    return {"leave_id": leave_id}


async def fresh_change(w: World) -> dict[str, Any]:
    shift, _ = await _shift(w, "A", next(_counter), "A1", "A3")
    body = {"kind": "reduce_headcount", "new_headcount": 1, "reason": "Quiet day forecast"}
    change = await w.ok("scheduling", "POST", f"/v1/shifts/{shift}/staffing-changes", "A2", body)
    return {"change_id": _id(change), "shift_id": shift}


async def fresh_handover(w: World, stage: str = "open") -> dict[str, Any]:
    """Team A's handover from A1's day shift to A3's evening shift, with A1's item for A3 and A3's question."""
    day = next(_counter)
    outgoing, _ = await _shift(w, "A", day, "A1")
    incoming, _ = await _shift(w, "A", day, "A3", hour=17)
    body = _ids({"team_id": w.teams["A"], "outgoing_shift_id": outgoing, "incoming_shift_id": incoming})
    handover = _id(await w.ok("scheduling", "POST", "/v1/handovers", "A2", body))
    item = await w.ok("scheduling", "POST", f"/v1/handovers/{handover}/items", "A1",
                      BODIES[("POST", "/v1/handovers/{handover_id}/items")](w))  # fmt: skip
    question = await w.ok(
        "scheduling", "POST", f"/v1/handovers/{handover}/questions", "A3", {"question": "Is the refund approved?"}
    )
    if stage == "acknowledged":
        await w.ok("scheduling", "POST", f"/v1/handover-items/{item['id']}/acknowledge", "A3",
                   {"read_back": "I chase the refund tomorrow."})  # fmt: skip
    return {"handover_id": handover, "item_id": _id(item), "question_id": _id(question)}


def _fresh(make: Callable[..., Awaitable[dict[str, Any]]], *args: Any) -> Callable[[World], Awaitable[dict[str, Any]]]:
    return lambda w: make(w, *args)


_empty_shift_days = iter(range(150, 170))  # clear of the days the fresh swaps and leave take


async def fresh_empty_shift(w: World) -> dict[str, Any]:
    """A team A shift on a day of its own, nobody on it yet: A3 fits it under every ROS-4 limit."""
    shift_id, _ = await _shift(w, "A", next(_empty_shift_days))
    return {"shift_id": shift_id}


FRESH: dict[tuple[str, str, str], Callable[[World], Awaitable[dict[str, Any]]]] = {
    ("scheduling", "POST", "/v1/shifts/{shift_id}/assignments"): fresh_empty_shift,
    ("scheduling", "POST", "/v1/swaps/{swap_id}/accept"): _fresh(fresh_swap, "requested"),
    ("scheduling", "POST", "/v1/swaps/{swap_id}/sign"): _fresh(fresh_swap, "accepted"),
    ("scheduling", "POST", "/v1/swaps/{swap_id}/approve"): _fresh(fresh_swap, "signed"),
    ("scheduling", "POST", "/v1/swaps/{swap_id}/reject"): _fresh(fresh_swap, "signed"),
    ("scheduling", "POST", "/v1/swaps/{swap_id}/withdraw"): _fresh(fresh_swap, "requested"),
    ("scheduling", "POST", "/v1/swaps/{swap_id}/reverse"): _fresh(fresh_swap, "approved"),
    ("scheduling", "POST", "/v1/swaps/{swap_id}/emergency-approve"): fresh_swap_on_behalf,
    ("scheduling", "POST", "/v1/swap-offers"): fresh_assignment_of_a1,
    ("scheduling", "POST", "/v1/swap-offers/{offer_id}/take"): _fresh(fresh_offer, "give_away"),
    ("scheduling", "POST", "/v1/swap-offers/{offer_id}/cancel"): _fresh(fresh_offer, "swap"),
    ("scheduling", "POST", "/v1/leave/{leave_id}/approve"): _fresh(fresh_leave, "requested"),
    ("scheduling", "POST", "/v1/leave/{leave_id}/reject"): _fresh(fresh_leave, "requested"),
    ("scheduling", "POST", "/v1/leave/{leave_id}/withdraw"): _fresh(fresh_leave, "requested"),
    ("scheduling", "POST", "/v1/leave/{leave_id}/cancel"): _fresh(fresh_leave, "approved"),
    ("scheduling", "POST", "/v1/staffing-changes/{change_id}/approve"): _fresh(fresh_change),
    ("scheduling", "POST", "/v1/staffing-changes/{change_id}/reject"): _fresh(fresh_change),
    ("scheduling", "PUT", "/v1/handovers/{handover_id}/report"): _fresh(fresh_handover),
    ("scheduling", "POST", "/v1/handovers/{handover_id}/items"): _fresh(fresh_handover),
    ("scheduling", "POST", "/v1/handovers/{handover_id}/check-ins"): _fresh(fresh_handover),
    ("scheduling", "POST", "/v1/handovers/{handover_id}/questions"): _fresh(fresh_handover),
    ("scheduling", "POST", "/v1/handover-questions/{question_id}/answer"): _fresh(fresh_handover),
    ("scheduling", "POST", "/v1/handover-items/{item_id}/acknowledge"): _fresh(fresh_handover),
    ("scheduling", "POST", "/v1/handover-items/{item_id}/resolve"): _fresh(fresh_handover, "acknowledged"),
    ("scheduling", "POST", "/v1/handovers/{handover_id}/complete"): _fresh(fresh_handover),
}
