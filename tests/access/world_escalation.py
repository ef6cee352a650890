"""The access matrix's world in escalation: request bodies, the objects the paths name, fresh ones per row."""

from __future__ import annotations

import uuid
from typing import Any

from .world_scheduling import BODIES, FRESH, _fresh, _id

World = Any  # tests/access/conftest.py: World (conftest modules are not importable here)


CASE = {"category": "inquiry", "channel": "phone", "customer_contact": "Ms. Li, 138 0000 0000",
        "description": "Billing question the agent cannot answer at once."}  # fmt: skip

BODIES.update({
    ("POST", "/v1/cases"): lambda w: CASE,
    ("POST", "/v1/cases/{case_id}/escalate"): lambda w: {"reason": "Refund above my authority."},
    ("POST", "/v1/cases/{case_id}/resolve"): lambda w: {"resolution": "Refunded the fee."},
    ("POST", "/v1/cases/{case_id}/reopen"): lambda w: {"reason": "The customer called again."},
    ("POST", "/v1/cases/{case_id}/pause"): lambda w: PAUSE,
    ("POST", "/v1/cases/{case_id}/emergency-report"): lambda w: {"text": "Blocked the card first."},
    ("POST", "/v1/cases/{case_id}/instructions"): lambda w: {"text": "Offer the goodwill credit."},
    ("POST", "/v1/cases/{case_id}/department"): lambda w: {"handler_id": str(w.people["L4"].id), "note": "billing"},
    ("POST", "/v1/cases/{case_id}/department-result"): lambda w: {"text": "Billing corrected the invoice."},
    ("POST", "/v1/cases/{case_id}/callbacks"): lambda w: {"reached": True, "satisfied": True},
    ("POST", "/v1/cases/{case_id}/handoff"): lambda w: {"to_employee_id": str(w.people["A3"].id),
                                                        "reason": "Busy"},
    ("POST", "/v1/cases/{case_id}/reject"): lambda w: {"reason": "Not mine"},
    ("POST", "/v1/cases/{case_id}/attribution"): lambda w: {"agent_id": str(w.people["A1"].id), "note": "verified"},
    ("POST", "/v1/categories"): lambda w: {"code": f"c{uuid.uuid4().hex[:6]}", "name": "Fraud", "entry_level": 2,
                                           "level_minutes": [30, 60, 120, 240, 480]},
    ("PATCH", "/v1/categories/{category_id}"): lambda w: {"name": "Inquiry (slow)"},
})  # fmt: skip


PAUSE = {"waiting_on": "customer", "reason": "Invoice copy to come."}


async def fresh_case(w: World, stage: str = "open", **fields: Any) -> dict[str, Any]:
    """A case opened by A1, carried to `stage` (open, escalated, resolved, paused)."""
    case = await w.ok("escalation", "POST", "/v1/cases", "A1", {**CASE, **fields})
    if stage == "escalated":
        await w.ok("escalation", "POST", f"/v1/cases/{case['id']}/escalate", "A1", {"reason": "Above my authority."})
    if stage == "resolved":
        await w.ok("escalation", "POST", f"/v1/cases/{case['id']}/resolve", "A1", {"resolution": "Answered."})
    if stage == "paused":
        await w.ok("escalation", "POST", f"/v1/cases/{case['id']}/pause", "A1", PAUSE)
    return {"case_id": _id(case)}


async def build_escalation(w: World) -> None:
    p = w.params["escalation"] = {}
    categories = await w.ok("escalation", "GET", "/v1/categories", "A1")
    p["category_id"] = next(c["id"] for c in categories["items"] if c["code"] == "inquiry")
    p.update(await fresh_case(w))


FRESH.update({
    ("escalation", "POST", "/v1/cases/{case_id}/acknowledge"): _fresh(fresh_case, "escalated"),
    ("escalation", "POST", "/v1/cases/{case_id}/escalate"): _fresh(fresh_case, "open"),
    ("escalation", "POST", "/v1/cases/{case_id}/resolve"): _fresh(fresh_case, "open"),
    ("escalation", "POST", "/v1/cases/{case_id}/pause"): _fresh(fresh_case, "open"),
    ("escalation", "POST", "/v1/cases/{case_id}/resume"): _fresh(fresh_case, "paused"),
    ("escalation", "POST", "/v1/cases/{case_id}/reopen"): _fresh(fresh_case, "resolved"),
    ("escalation", "POST", "/v1/cases/{case_id}/callbacks"): _fresh(fresh_case, "resolved"),
    ("escalation", "POST", "/v1/cases/{case_id}/emergency-report"): lambda w: fresh_case(w, emergency=True),
    ("escalation", "POST", "/v1/cases/{case_id}/reply"): lambda w: fresh_case(w, category="online_message"),
    ("escalation", "POST", "/v1/cases/{case_id}/attribution"): lambda w: fresh_case(
        w, "resolved", category="service_attitude", named_agent_id=str(w.people["A3"].id)),
    ("escalation", "POST", "/v1/cases/{case_id}/department"): _fresh(fresh_case, "escalated"),
    ("escalation", "POST", "/v1/cases/{case_id}/department-result"): _fresh(fresh_case, "escalated"),
})  # fmt: skip
