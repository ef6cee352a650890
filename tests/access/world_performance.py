"""The access matrix's world in performance: request bodies, the objects the paths name, fresh ones per row."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from callcenter_shared.contracts.escalation import ComplaintAttributedV1
from callcenter_shared.envelope import Envelope
from callcenter_testing import METRICS_FEED
from performance.review.models import Review
from performance.subscriptions import subscriptions

from .world_scheduling import BODIES, FRESH, _counter, _fresh, _id

World = Any  # tests/access/conftest.py: World (conftest modules are not importable here)


SCORECARD = {
    "name": "Inbound voice",
    "sections": [{"title": "Call", "weight": 100, "items": [
        {"code": "greeting", "text": "Greets with name", "dimension": "service_skills", "points": 10},
        {"code": "accuracy", "text": "Gives correct information", "dimension": "efficiency", "points": 20},
    ]}],
}  # fmt: skip


def _perf(w: World) -> dict[str, Any]:
    return w.params["performance"]  # type: ignore[no-any-return]


def _answers(w: World) -> list[dict[str, Any]]:
    card = _perf(w)["card"]
    return [{"item_id": i["id"], "result": "pass", "note": ""} for sec in card["sections"] for i in sec["items"]]


def _evaluation(w: World, agent: str = "A1") -> dict[str, Any]:
    return {"scorecard_id": _perf(w)["card"]["id"], "interaction_id": f"acd-{uuid.uuid4().hex[:8]}",
            "agent_id": str(w.people[agent].id), "channel": "voice", "interaction_date": "2026-10-30",
            "answers": _answers(w)}  # fmt: skip


BODIES.update({
    ("POST", "/v1/qa/scorecards"): lambda w: SCORECARD,
    ("PATCH", "/v1/qa/scorecards/{scorecard_id}"): lambda w: {"name": "Inbound voice v2"},
    ("POST", "/v1/qa/evaluations"): _evaluation,
    ("PUT", "/v1/qa/evaluations/{evaluation_id}/answers"): lambda w: {"answers": _answers(w)},
    ("POST", "/v1/qa/evaluations/{evaluation_id}/dispute"): lambda w: {"reason": "The caller hung up first."},
    ("POST", "/v1/qa/evaluations/{evaluation_id}/resolution"): lambda w: {"outcome": "upheld", "note": "Score stands."},
    ("POST", "/v1/qa/calibrations"): lambda w: {k: v for k, v in _evaluation(w).items() if k != "answers"},
    ("POST", "/v1/qa/calibrations/{calibration_id}/evaluations"): lambda w: {"answers": _answers(w)},
    ("POST", "/v1/kpis"): lambda w: {"code": f"k{uuid.uuid4().hex[:6]}", "name": "Transfers", "kind": "sum",
                                     "metric": "transfers", "direction": "lower", "target": 5, "weight": 1},
    ("PATCH", "/v1/kpis/{code}"): lambda w: {"target": 85},
    ("POST", "/v1/metrics/batches"): lambda w: {"source": "acd", "batch_id": f"b-{uuid.uuid4().hex[:6]}", "rows": [
        {"agent_id": str(w.people["A1"].id), "day": "2026-10-05", "metric": "calls_handled", "value": 10}]},
    ("POST", "/v1/periods"): lambda w: {"month": "2026-09"},
    ("POST", "/v1/periods/{period_id}/scorecards/{agent_id}/adjustments"): lambda w: {
        "composite_delta": 1, "reason": "System outage on the 5th"},
    ("POST", "/v1/bonus-points"): lambda w: {"agent_id": str(w.people["A1"].id), "month": "2026-10", "points": 2,
                                             "reason": "Helped a colleague"},
    ("POST", "/v1/coaching"): lambda w: {"agent_id": str(w.people["A1"].id), "goals": ["AHT under 300 s"]},
    ("POST", "/v1/coaching/{coaching_id}/follow-ups"): lambda w: {"note": "AHT 310 s, keep going"},
    ("POST", "/v1/training-results"): lambda w: {"agent_id": str(w.people["A1"].id), "course": "Billing",
                                                 "kind": "assessment", "outcome": "passed", "taken_on": "2026-10-20"},
    ("POST", "/v1/violations"): lambda w: {"employee_id": str(w.people["A1"].id), "kind": "absence",
                                           "occurred_on": "2026-10-20", "detail": "No show"},
    ("POST", "/v1/reviews/{review_id}/training"): lambda w: {"note": "Two days of off-post training"},
    ("POST", "/v1/reviews/{review_id}/reassessment"): lambda w: {"note": "Passed the resit", "passed": True},
})  # fmt: skip


async def fresh_evaluation(w: World, stage: str) -> dict[str, Any]:
    """A new evaluation of A1 by A2, carried to `stage` (draft, released, disputed)."""
    evaluation = await w.ok("performance", "POST", "/v1/qa/evaluations", "A2", _evaluation(w))
    if stage in ("released", "disputed"):
        await w.ok("performance", "POST", f"/v1/qa/evaluations/{evaluation['id']}/release", "A2")
    if stage == "disputed":
        await w.ok("performance", "POST", f"/v1/qa/evaluations/{evaluation['id']}/dispute", "A1",
                   {"reason": "The caller hung up first."})  # fmt: skip
    return {"evaluation_id": _id(evaluation)}


async def fresh_scorecard(w: World) -> dict[str, Any]:
    return {"scorecard_id": _id(await w.ok("performance", "POST", "/v1/qa/scorecards", "L3", SCORECARD))}


async def fresh_period(w: World) -> dict[str, Any]:
    month = f"2025-{next(_counter) % 12 + 1:02d}"
    return {"period_id": _id(await w.ok("performance", "POST", "/v1/periods", "L3", {"month": month}))}


async def fresh_review(w: World) -> dict[str, Any]:
    """A1 flagged for bottom-rank review by three attributed complaints in a month (PRF-7a)."""
    app = w.apps["performance"]
    handler = subscriptions(app.state.settings)[ComplaintAttributedV1]
    month = next(_counter) % 12 + 1
    async with app.state.session_factory() as session:
        for day in (3, 14, 25):
            event = ComplaintAttributedV1(
                case_id=uuid.uuid4(), agent_id=w.people["A1"].id, verified_by=w.people["A2"].id,
                category="service_attitude", complaint_date=datetime(2025, month, day).date(),
                attributed_at=datetime(2025, month, day, tzinfo=UTC),
            )  # fmt: skip
            await handler(session, event, Envelope.wrap(event, time=datetime(2025, month, day, tzinfo=UTC)))
        await session.commit()
        reviews = set((await session.scalars(select(Review.id).where(Review.agent_id == w.people["A1"].id))).all())
    used: set[uuid.UUID] = w.params.setdefault("used_reviews", set())
    (new,) = reviews - used
    used.add(new)
    return {"review_id": new}


async def fresh_coaching(w: World) -> dict[str, Any]:
    return {
        "coaching_id": _id(await w.ok("performance", "POST", "/v1/coaching", "A2", BODIES[("POST", "/v1/coaching")](w)))
    }


async def build_performance(w: World) -> None:
    p = w.params["performance"] = {"team_id": w.teams["A"], "agent_id": w.people["A1"].id, "code": "csat"}
    card = await w.ok("performance", "POST", "/v1/qa/scorecards", "L3", SCORECARD)
    p["card"] = await w.ok("performance", "POST", f"/v1/qa/scorecards/{card['id']}/publish", "L3")
    p["scorecard_id"] = _id(card)
    p.update(await fresh_evaluation(w, "released"))
    feed = w.systems[METRICS_FEED]
    await w.ok("performance", "POST", "/v1/metrics/batches", feed, {"source": "acd", "batch_id": "oct", "rows": [
        {"agent_id": str(w.people[a].id), "day": "2026-10-05", "metric": "calls_handled", "value": 50}
        for a in ("A1", "B1")]})  # fmt: skip
    period = await w.ok("performance", "POST", "/v1/periods", "L3", {"month": "2026-10"})
    p["period_id"] = _id(period)
    await w.ok("performance", "POST", f"/v1/periods/{period['id']}/close", "L3")
    calibration = await w.ok("performance", "POST", "/v1/qa/calibrations", "L3",
                             BODIES[("POST", "/v1/qa/calibrations")](w))  # fmt: skip
    p["calibration_id"] = _id(calibration)
    coaching = await w.ok("performance", "POST", "/v1/coaching", "A2", BODIES[("POST", "/v1/coaching")](w))
    p["coaching_id"] = _id(coaching)
    p.update(await fresh_review(w))


FRESH.update({
    ("performance", "PATCH", "/v1/qa/scorecards/{scorecard_id}"): fresh_scorecard,
    ("performance", "POST", "/v1/qa/scorecards/{scorecard_id}/publish"): fresh_scorecard,
    ("performance", "PUT", "/v1/qa/evaluations/{evaluation_id}/answers"): _fresh(fresh_evaluation, "draft"),
    ("performance", "POST", "/v1/qa/evaluations/{evaluation_id}/release"): _fresh(fresh_evaluation, "draft"),
    ("performance", "POST", "/v1/qa/evaluations/{evaluation_id}/dispute"): _fresh(fresh_evaluation, "released"),
    ("performance", "POST", "/v1/qa/evaluations/{evaluation_id}/resolution"): _fresh(fresh_evaluation, "disputed"),
    ("performance", "POST", "/v1/periods/{period_id}/close"): fresh_period,
    ("performance", "POST", "/v1/reviews/{review_id}/training"): fresh_review,
    ("performance", "POST", "/v1/coaching/{coaching_id}/follow-ups"): fresh_coaching,
})  # fmt: skip
