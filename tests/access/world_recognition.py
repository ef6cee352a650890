"""The access matrix's world in recognition: request bodies, the objects the paths name, fresh ones per row."""

from __future__ import annotations

import uuid
from typing import Any

from recognition.award.catalog import seed_catalog

from .world_scheduling import BODIES, FRESH, QUERY, _fresh, _id

World = Any  # tests/access/conftest.py: World (conftest modules are not importable here)


def _rec(w: World) -> dict[str, Any]:
    return w.params["recognition"]  # type: ignore[no-any-return]


def _nomination(w: World) -> dict[str, Any]:
    return {"award_id": str(_rec(w)["award"]), "nominee_id": str(w.people["A1"].id),
            "reason": "Calmed an abusive caller and solved the billing problem on the first call.",
            "evidence_links": ["https://crm.example.com/calls/8841"]}  # fmt: skip


COMPETITION = {
    "name": "Skills 2026",
    "categories": [{"code": "product_expert", "name": "Product expert"}],
    "criteria": [{"code": "accuracy", "name": "Accuracy", "max_score": 100}],
    "finalists_per_category": 1,
}

BODIES.update({
    ("POST", "/v1/awards"): lambda w: {"code": f"aw_{uuid.uuid4().hex[:6]}", "name": "Night Owl", "scope": "individual",
                                       "material": False, "form": "certificate", "frequency": "monthly",
                                       "approver_level": 2, "criteria": "Most night shifts covered."},
    ("POST", "/v1/nominations"): _nomination,
    ("POST", "/v1/nominations/{nomination_id}/approve"): lambda w: {"note": "Well deserved", "amount": "500"},
    ("POST", "/v1/nominations/{nomination_id}/reject"): lambda w: {"note": "Not this month"},
    ("POST", "/v1/pools"): lambda w: {"award_id": str(_rec(w)["bonus_award"]), "team_id": str(w.teams["A"]),
                                      "total_amount": "1500", "basis": "composite score (October)",
                                      "reason": "October team bonus, split by composite score.",
                                      "shares": [{"employee_id": str(w.people["A1"].id), "amount": "900",
                                                  "basis_value": 95},
                                                 {"employee_id": str(w.people["A3"].id), "amount": "600",
                                                  "basis_value": 70}]},
    ("POST", "/v1/grants/{grant_id}/letter"): lambda w: {"signer_id": str(w.people["L4"].id)},
    ("POST", "/v1/letters/{letter_id}/decline"): lambda w: {"reason": "A team award would fit better."},
    ("POST", "/v1/track-rules"): lambda w: {"track": "qa_top", "scope": "team",
                                            "award_id": str(_rec(w)["track_award"])},
    ("PATCH", "/v1/track-rules/{rule_id}"): lambda w: {"min_agents": 3},
    ("POST", "/v1/praise"): lambda w: {"receiver_id": str(w.people["A1"].id), "points": 1,
                                       "message": "Thanks for covering my queue", "value": "teamwork"},
    ("POST", "/v1/praise/reciprocity-flags/{flag_id}/review"): lambda w: {"outcome": "cleared"},
    ("POST", "/v1/rewards"): lambda w: {"name": "Cinema ticket", "cost_points": 1, "stock": 10},
    ("POST", "/v1/rewards/{reward_id}/restock"): lambda w: {"add": 5},
    ("POST", "/v1/redemptions"): lambda w: {"reward_id": str(_rec(w)["reward_id"])},
    ("POST", "/v1/competitions"): lambda w: COMPETITION,
    ("POST", "/v1/competitions/{competition_id}/judges"): lambda w: {"judge_ids": [str(w.people["L4"].id)]},
    ("POST", "/v1/competitions/{competition_id}/entrants"): lambda w: {"category_code": "product_expert"},
    ("POST", "/v1/competitions/{competition_id}/scores"): lambda w: {"entrant_id": str(w.params["row"]["entrant_id"]),
                                                                     "scores": {"accuracy": 80}},
    ("POST", "/v1/competitions/{competition_id}/entrants/{entrant_id}/training-plan"): lambda w: {
        "topic": "Product FAQ walk-through", "sessions_planned": 2},
    ("POST", "/v1/competitions/{competition_id}/entrants/{entrant_id}/training-sessions"): lambda w: {
        "held_on": "2026-11-02", "topic": "Product FAQ", "attendee_count": 12},
})  # fmt: skip
QUERY.update(
    {
        ("GET", "/v1/praise/leaderboard"): "month=2026-11",
        ("GET", "/v1/reports/recognition-share"): "year=2026&quarter=4",
    }
)


async def fresh_nomination(w: World) -> dict[str, Any]:
    return {"nomination_id": _id(await w.ok("recognition", "POST", "/v1/nominations", "A2", _nomination(w)))}


async def fresh_redemption(w: World) -> dict[str, Any]:
    await w.ok("recognition", "POST", "/v1/praise", "A3", BODIES[("POST", "/v1/praise")](w))
    body = {"reward_id": str(_rec(w)["reward_id"])}
    return {"redemption_id": _id(await w.ok("recognition", "POST", "/v1/redemptions", "A1", body))}


async def fresh_competition(w: World, stage: str = "registration") -> dict[str, Any]:
    """A competition judged by A2 with A1 as its one entrant, carried to `stage`."""
    competition = await w.ok("recognition", "POST", "/v1/competitions", "L3",
                             {**COMPETITION, "judge_ids": [str(w.people["A2"].id)]})  # fmt: skip
    base = f"/v1/competitions/{competition['id']}"
    entrant = await w.ok("recognition", "POST", f"{base}/entrants", "A1", {"category_code": "product_expert"})
    rounds = {"registration": 0, "preliminary": 1, "awarded": 3}[stage]
    for n in range(rounds):
        await w.ok("recognition", "POST", f"{base}/advance", "L3")
        if n < 2:
            await w.ok("recognition", "POST", f"{base}/scores", "A2",
                       {"entrant_id": entrant["id"], "scores": {"accuracy": 80}})  # fmt: skip
    return {"competition_id": _id(competition), "entrant_id": _id(entrant)}


async def fresh_letter(w: World) -> dict[str, Any]:
    """A letter for A1's grant, asked of L5 by A1, awaiting the signature."""
    grant_id = w.params["recognition"]["grant_id"]
    body = {"signer_id": str(w.people["L5"].id)}
    return {"letter_id": _id(await w.ok("recognition", "POST", f"/v1/grants/{grant_id}/letter", "A1", body))}


async def build_recognition(w: World) -> None:
    p = w.params["recognition"] = {"team_id": w.teams["A"], "employee_id": w.people["A1"].id, "action": "approve"}
    async with w.apps["recognition"].state.session_factory() as session, session.begin():
        await seed_catalog(session, now=w.clock.now())  # as the service's migrate step does
    awards = {a["code"]: a["id"] for a in (await w.ok("recognition", "GET", "/v1/awards", "A1"))["items"]}
    p["award"], p["bonus_award"] = awards["customer_satisfaction"], awards["team_performance_bonus"]
    p["track_award"] = awards["most_improved"]
    p.update(await fresh_nomination(w))
    approved = await w.ok("recognition", "POST", f"/v1/nominations/{p['nomination_id']}/approve", "L3",
                          {"note": "Well deserved", "amount": "500"})  # fmt: skip
    p["grant_id"] = approved["grant_id"]
    p.update(await fresh_letter(w))
    rule = await w.ok("recognition", "POST", "/v1/track-rules", "L3", BODIES[("POST", "/v1/track-rules")](w))
    p["rule_id"] = _id(rule)
    for _ in range(3):
        for giver, receiver in (("A1", "A3"), ("A3", "A1")):
            body = {"receiver_id": str(w.people[receiver].id), "points": 5, "message": "Thanks for the help",
                    "value": "teamwork"}  # fmt: skip
            await w.ok("recognition", "POST", "/v1/praise", giver, body)
    (flag,) = (await w.ok("recognition", "GET", "/v1/praise/reciprocity-flags", "L5"))["items"]
    p["flag_id"] = flag["id"]
    reward = await w.ok("recognition", "POST", "/v1/rewards", "L3", BODIES[("POST", "/v1/rewards")](w))
    p["reward_id"] = _id(reward)
    p.update(await fresh_redemption(w))
    p.update(await fresh_competition(w))


FRESH.update(
    {
        ("recognition", "POST", "/v1/nominations/{nomination_id}/approve"): fresh_nomination,
        ("recognition", "POST", "/v1/letters/{letter_id}/sign"): fresh_letter,
        ("recognition", "POST", "/v1/letters/{letter_id}/decline"): fresh_letter,
        ("recognition", "POST", "/v1/nominations/{nomination_id}/reject"): fresh_nomination,
        ("recognition", "POST", "/v1/redemptions/{redemption_id}/{action}"): fresh_redemption,
        ("recognition", "POST", "/v1/competitions/{competition_id}/scores"): _fresh(fresh_competition, "preliminary"),
        ("recognition", "POST", "/v1/competitions/{competition_id}/entrants/{entrant_id}/training-plan"): _fresh(
            fresh_competition, "awarded"
        ),
        ("recognition", "POST", "/v1/competitions/{competition_id}/entrants/{entrant_id}/training-sessions"): _fresh(
            fresh_competition, "awarded"
        ),
        ("recognition", "POST", "/v1/competitions/{competition_id}/advance"): fresh_competition,
    }
)
