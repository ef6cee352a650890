"""The access matrix: every endpoint of every service × every persona, and no leaks through lists.

Personas: A1 (agent of team A), B1 (agent of team B), A2 (leader of A), B2 (leader of B), L3 (deputy GM
above both teams), L5 (executive); plus no token, an expired token and a token with a forged signature,
which every non-public endpoint answers with 401.

`ok` means the persona may act and the call succeeds: exactly a 2xx. A number (`409`, `422`, `404`)
means the persona may act but this call is refused for another reason, with exactly that status (an
allowed persona before them already decided the record, the body breaks a rule, ...). So a route that
refuses everyone, or answers a validation error where it should act, fails. `--` means the persona
must get 401/403. `nf` means denied with 404: the
service hides that another team's record exists (performance's coaching records and reviews). `rl`
means denied by a named business rule: 422 problem+json with `rule` (recognition decides who approves
an award or splits a pool by REC-2/REC-4's level-in-the-chain rule, and answers everyone else so).
Objects in the paths belong to team A (a case opened by A1, an evaluation of A1, a grant to A1, A1's swap,
leave and assignment, ...).
For each row the denied personas call first, so an allowed call cannot change the state they see.
The task stream (`/v1/tasks/mine/stream`) is called with `TASK_STREAM_MAX_SECONDS` short, so an
allowed call ends with its first event instead of staying open.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from callcenter_shared.contracts.escalation import ComplaintAttributedV1
from callcenter_shared.envelope import Envelope
from callcenter_testing import HR_SYSTEM, METRICS_FEED, PHONE_SYSTEM
from performance.review.models import Review
from performance.subscriptions import subscriptions
from recognition.award.catalog import seed_catalog

World = Any  # tests/access/conftest.py: World (conftest modules are not importable here)
PERSONAS = ("A1", "B1", "A2", "B2", "L3", "L5")
PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}

# fmt: off
# service        method   path                                                      A1 B1 A2 B2 L3 L5
MATRIX: list[tuple[str, str, str, str]] = [
    # Everyone signed in, service accounts too (SYSTEMS below): who they are here and what they may do.
    ("scheduling",  "GET",   "/v1/me",                                                   "ok ok ok ok ok ok"),
    ("scheduling",  "POST",  "/v1/teams",                                               "-- -- -- -- 409 409"),
    ("scheduling",  "GET",   "/v1/teams",                                               "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/teams/{team_id}",                                     "ok ok ok ok ok ok"),
    ("scheduling",  "PATCH", "/v1/teams/{team_id}",                                     "-- -- -- -- ok ok"),
    ("scheduling",  "POST",  "/v1/employees",                                           "-- -- -- -- ok ok"),
    ("scheduling",  "POST",  "/v1/employee-imports",                                    "-- -- -- -- ok ok"),
    ("scheduling",  "POST",  "/v1/imports/employees",                                   "-- -- -- -- ok ok"),
    ("scheduling",  "GET",   "/v1/employees",                                           "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/employees/{employee_id}",                             "ok -- ok -- ok ok"),
    ("scheduling",  "PATCH", "/v1/employees/{employee_id}",                             "-- -- -- -- ok ok"),
    # ROS-5: the skill catalog and grants follow the directory's editors (level 3+, the HR system); anyone
    # reads the catalog, and a person's skills as their directory entry. The HR system creates the row's skill
    # first (SYSTEMS below): L3 and L5 find its code taken (409).
    ("scheduling",  "POST",  "/v1/skills",                                              "-- -- -- -- 409 409"),
    ("scheduling",  "GET",   "/v1/skills",                                              "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/employees/{employee_id}/skills",                      "ok -- ok -- ok ok"),
    ("scheduling",  "PUT",   "/v1/employees/{employee_id}/skills/{skill_code}",         "-- -- -- -- ok ok"),
    # The HR system's service account (SYSTEMS below) revokes A1's skill first: L3 and L5 find it gone.
    ("scheduling",  "DELETE", "/v1/employees/{employee_id}/skills/{skill_code}",        "-- -- -- -- 404 404"),
    ("scheduling",  "POST",  "/v1/shifts",                                              "-- -- ok -- ok ok"),
    ("scheduling",  "GET",   "/v1/shifts",                                              "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/shifts/{shift_id}",                                   "ok ok ok ok ok ok"),
    ("scheduling",  "PATCH", "/v1/shifts/{shift_id}",                                   "-- -- ok -- ok ok"),
    # A CSV of team A's shifts: B2 is refused for the team, as by POST /v1/shifts.
    ("scheduling",  "POST",  "/v1/imports/shifts",                                      "-- -- ok -- ok ok"),
    # Shifts are public; the names on them follow the caller's visibility.
    ("scheduling",  "GET",   "/v1/exports/roster",                                      "ok ok ok ok ok ok"),
    ("scheduling",  "POST",  "/v1/shifts/{shift_id}/assignments",                       "-- -- ok -- 409 409"),
    ("scheduling",  "GET",   "/v1/assignments",                                         "ok ok ok ok ok ok"),
    ("scheduling",  "POST",  "/v1/shifts/{shift_id}/staffing-changes",                  "-- -- ok -- ok ok"),
    # Team leaders see their team's reductions, level 3 and above all; agents are refused.
    ("scheduling",  "GET",   "/v1/staffing-changes",                                    "-- -- ok ok ok ok"),
    ("scheduling",  "POST",  "/v1/staffing-changes/{change_id}/approve",                "-- -- -- -- ok 409"),
    ("scheduling",  "POST",  "/v1/staffing-changes/{change_id}/reject",                 "-- -- -- -- ok 409"),
    ("scheduling",  "GET",   "/v1/coverage",                                            "ok ok ok ok ok ok"),
    # ROS-6: team A's leader and level 3+ create and run team A's rotations; everyone reads them. A2 creates the
    # row's rotation first: L3 and L5 find its name taken (409); a second run finds its shift `existing`.
    ("scheduling",  "POST",  "/v1/teams/{team_id}/rotations",                           "-- -- ok -- 409 409"),
    ("scheduling",  "GET",   "/v1/teams/{team_id}/rotations",                           "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/teams/{team_id}/rotations/{rotation_id}",             "ok ok ok ok ok ok"),
    ("scheduling",  "POST",  "/v1/teams/{team_id}/rotations/{rotation_id}/generate",    "-- -- ok -- ok ok"),
    ("scheduling",  "GET",   "/v1/holidays",                                            "ok ok ok ok ok ok"),
    ("scheduling",  "POST",  "/v1/holidays",                                            "-- -- -- -- ok 409"),
    # A1 offers their own assignment (409 here: it is already in a pending swap); nobody offers another's.
    ("scheduling",  "POST",  "/v1/swaps",                                               "409 -- -- -- -- --"),
    ("scheduling",  "GET",   "/v1/swaps",                                               "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/swaps/{swap_id}",                                     "ok -- ok -- ok ok"),
    # Only the counterpart (A3, not a persona) accepts.
    ("scheduling",  "POST",  "/v1/swaps/{swap_id}/accept",                              "-- -- -- -- -- --"),
    ("scheduling",  "POST",  "/v1/swaps/{swap_id}/sign",                                "-- -- ok -- -- --"),
    # Rows below get a new swap at the step they act on; approval is the requester's L3 manager's.
    ("scheduling",  "POST",  "/v1/swaps/{swap_id}/approve",                             "-- -- -- -- ok --"),
    ("scheduling",  "POST",  "/v1/swaps/{swap_id}/reject",                              "-- -- -- -- ok --"),
    ("scheduling",  "POST",  "/v1/swaps/{swap_id}/withdraw",                            "ok -- -- -- -- --"),
    ("scheduling",  "POST",  "/v1/swaps/{swap_id}/reverse",                             "-- -- -- -- ok 409"),
    # A swap A2 filed on behalf of A1 and A3 (SWP-8), shifts without a duty manager: any level 3 manager
    # approves it as an emergency; L5 then finds it no longer waiting for the consents (SWP-3).
    ("scheduling",  "POST",  "/v1/swaps/{swap_id}/emergency-approve",                   "-- -- -- -- ok 422"),
    # The open shift board (SWP-7): A1 offers their own assignment; nobody offers another's.
    ("scheduling",  "POST",  "/v1/swap-offers",                                         "ok -- -- -- -- --"),
    ("scheduling",  "GET",   "/v1/swap-offers",                                         "ok ok ok ok ok ok"),
    # A1's offer: the offerer, those who see A1, not B1 (nothing to give back that fits) nor B2.
    ("scheduling",  "GET",   "/v1/swap-offers/{offer_id}",                              "ok -- ok -- ok ok"),
    # A1 gives away a spare place: B1 is free to take it; the leaders and managers are of another level (SWP-1);
    # A1 cannot take their own offer.
    ("scheduling",  "POST",  "/v1/swap-offers/{offer_id}/take",                         "422 ok rl rl rl rl"),
    ("scheduling",  "POST",  "/v1/swap-offers/{offer_id}/cancel",                       "ok -- -- -- -- --"),
    # Everyone may ask for their own leave; refusals here are LEV rules (422) or an overlap (409).
    ("scheduling",  "POST",  "/v1/leave",                                               "409 ok 422 422 ok 422"),
    ("scheduling",  "GET",   "/v1/leave",                                               "ok ok ok ok ok ok"),
    # LEV-5: one's own balance, the team leader's team's, level 3 and above anyone's (A1's asked for here).
    ("scheduling",  "GET",   "/v1/leave/balance",                                       "ok -- ok -- ok ok"),
    ("scheduling",  "GET",   "/v1/leave/{leave_id}",                                    "ok -- ok -- ok ok"),
    ("scheduling",  "POST",  "/v1/leave/{leave_id}/approve",                            "-- -- ok -- ok 409"),
    ("scheduling",  "POST",  "/v1/leave/{leave_id}/reject",                             "-- -- ok -- 409 409"),
    ("scheduling",  "POST",  "/v1/leave/{leave_id}/withdraw",                           "ok -- -- -- -- --"),
    # Approved leave: its requester, or the approver who gave the final approval (L3); 409 once cancelled.
    ("scheduling",  "POST",  "/v1/leave/{leave_id}/cancel",                             "ok -- -- -- 409 --"),
    ("scheduling",  "POST",  "/v1/handovers",                                           "-- -- 409 -- 409 409"),
    # Everyone lists; each sees the handovers they could read one by one.
    ("scheduling",  "GET",   "/v1/handovers",                                           "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/handovers/{handover_id}",                             "ok -- ok -- ok ok"),
    ("scheduling",  "PUT",   "/v1/handovers/{handover_id}/report",                      "-- -- ok -- -- --"),
    ("scheduling",  "POST",  "/v1/handovers/{handover_id}/items",                       "ok -- ok -- -- --"),
    # The duty manager the damage went to; the shift names none, so any level 3 manager (409: no damage here).
    # The duty manager or, with none named, level 3 and above; this report records no damage (409).
    ("scheduling",  "POST",  "/v1/handovers/{handover_id}/damage-report/acknowledge",   "-- -- -- -- 409 409"),
    # Check-ins and questions are the incoming shift's (A3), acknowledgement the receiver's (A3).
    ("scheduling",  "POST",  "/v1/handovers/{handover_id}/check-ins",                   "-- -- -- -- -- --"),
    ("scheduling",  "POST",  "/v1/handovers/{handover_id}/questions",                   "-- -- -- -- -- --"),
    ("scheduling",  "POST",  "/v1/handover-questions/{question_id}/answer",             "ok -- ok -- -- --"),
    ("scheduling",  "POST",  "/v1/handover-items/{item_id}/acknowledge",                "-- -- -- -- -- --"),
    # HND-6: only the item's owner (A3, who acknowledged it) resolves; anyone else gets 422 naming HND-6.
    # Only the item's owner (A3, who received it; not a persona) resolves it: a named rule refuses the rest.
    ("scheduling",  "POST",  "/v1/handover-items/{item_id}/resolve",                    "rl rl rl rl rl rl"),
    ("scheduling",  "POST",  "/v1/handovers/{handover_id}/complete",                    "-- -- 422 -- -- --"),
    # The phone system's service account (SYSTEMS below), or the agent for their own interaction.
    ("scheduling",  "POST",  "/v1/interactions",                                        "ok -- -- -- -- --"),
    ("scheduling",  "GET",   "/v1/tasks/mine",                                        "ok ok ok ok ok ok"),
    ("scheduling",  "GET",   "/v1/tasks/mine/stream",                                 "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/me",                                                   "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/org/freshness",                                       "ok ok ok ok ok ok"),
    ("performance", "POST",  "/v1/qa/scorecards",                                       "-- -- ok ok ok ok"),
    ("performance", "GET",   "/v1/qa/scorecards",                                       "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/qa/scorecards/{scorecard_id}",                        "ok ok ok ok ok ok"),
    ("performance", "PATCH", "/v1/qa/scorecards/{scorecard_id}",                        "-- -- ok ok ok ok"),
    ("performance", "POST",  "/v1/qa/scorecards/{scorecard_id}/publish",                "-- -- ok 409 409 409"),
    ("performance", "POST",  "/v1/qa/scorecards/{scorecard_id}/versions",               "-- -- ok 409 409 409"),
    ("performance", "POST",  "/v1/qa/evaluations",                                      "-- -- ok -- ok ok"),
    ("performance", "GET",   "/v1/qa/evaluations",                                      "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/qa/evaluations/{evaluation_id}",                      "ok -- ok -- ok ok"),
    ("performance", "GET",   "/v1/qa/exports/evaluations",                              "ok ok ok ok ok ok"),
    ("performance", "PUT",   "/v1/qa/evaluations/{evaluation_id}/answers",              "-- -- ok -- -- --"),
    ("performance", "POST",  "/v1/qa/evaluations/{evaluation_id}/release",              "-- -- ok -- -- --"),
    ("performance", "POST",  "/v1/qa/evaluations/{evaluation_id}/dispute",              "ok -- -- -- -- --"),
    # A2 is refused by QA-4 (422: the evaluator never reviews a dispute of their own evaluation).
    ("performance", "POST",  "/v1/qa/evaluations/{evaluation_id}/resolution",           "-- -- 422 -- ok 409"),
    # QA-5: a calibration and its report stay within the evaluator's span (B2 may not calibrate A1's call).
    ("performance", "POST",  "/v1/qa/calibrations",                                     "-- -- ok -- ok ok"),
    ("performance", "POST",  "/v1/qa/calibrations/{calibration_id}/evaluations",        "-- -- ok -- ok ok"),
    ("performance", "GET",   "/v1/qa/calibrations/{calibration_id}/report",             "-- -- ok -- ok ok"),
    ("performance", "GET",   "/v1/kpis",                                                "ok ok ok ok ok ok"),
    ("performance", "POST",  "/v1/kpis",                                                "-- -- -- -- ok 409"),
    ("performance", "PATCH", "/v1/kpis/{code}",                                         "-- -- -- -- ok ok"),
    # Only metric feeds' service accounts (SYSTEMS below); no employee, whatever the level.
    ("performance", "POST",  "/v1/metrics/batches",                                     "-- -- -- -- -- --"),
    ("performance", "GET",   "/v1/metrics",                                             "ok ok ok ok ok ok"),
    ("performance", "POST",  "/v1/periods",                                             "-- -- -- -- ok 409"),
    ("performance", "GET",   "/v1/periods",                                             "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/periods/{period_id}",                                 "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/periods/{period_id}/kpis",                            "ok ok ok ok ok ok"),
    ("performance", "POST",  "/v1/periods/{period_id}/close",                           "-- -- -- -- ok 422"),
    ("performance", "GET",   "/v1/periods/{period_id}/scorecards",                      "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/periods/{period_id}/scorecards/{agent_id}",           "ok -- ok -- ok ok"),
    ("performance", "GET",   "/v1/exports/scorecards",                                  "ok ok ok ok ok ok"),
    ("performance", "POST",  "/v1/periods/{period_id}/scorecards/{agent_id}/adjustments", "-- -- -- -- ok ok"),
    ("performance", "POST",  "/v1/bonus-points",                                        "-- -- ok -- -- --"),
    ("performance", "GET",   "/v1/teams/{team_id}/bonus-points",                        "-- -- ok -- ok ok"),
    ("performance", "GET",   "/v1/new-hires",                                           "ok ok ok ok ok ok"),
    ("performance", "POST",  "/v1/coaching",                                            "-- -- ok -- ok ok"),
    ("performance", "GET",   "/v1/coaching",                                            "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/coaching/{coaching_id}",                              "ok nf ok nf ok ok"),
    ("performance", "POST",  "/v1/coaching/{coaching_id}/follow-ups",                   "-- nf ok nf 409 409"),
    ("performance", "POST",  "/v1/training-results",                                    "-- -- ok -- ok ok"),
    ("performance", "POST",  "/v1/violations",                                          "-- -- ok -- ok ok"),
    ("performance", "GET",   "/v1/reviews",                                             "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/reviews/{review_id}",                                 "ok nf ok nf ok ok"),
    ("performance", "POST",  "/v1/reviews/{review_id}/training",                        "-- nf ok nf 409 409"),
    ("performance", "POST",  "/v1/reviews/{review_id}/reassessment",                    "-- nf 409 nf 409 409"),
    ("performance", "GET",   "/v1/tasks/mine",                                        "ok ok ok ok ok ok"),
    ("performance", "GET",   "/v1/tasks/mine/stream",                                 "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/me",                                                   "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/org/freshness",                                       "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/awards",                                              "ok ok ok ok ok ok"),
    ("recognition", "POST",  "/v1/awards",                                              "-- -- -- -- ok 409"),
    # Nobody nominates themselves (A1 is the nominee).
    ("recognition", "POST",  "/v1/nominations",                                         "-- ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/nominations",                                         "ok ok ok ok ok ok"),
    # A2's nomination of A1: the nominator, the nominee and those who see A1.
    ("recognition", "GET",   "/v1/nominations/{nomination_id}",                         "ok -- ok -- ok ok"),
    ("recognition", "POST",  "/v1/nominations/{nomination_id}/approve",                 "rl rl rl rl ok 409"),
    ("recognition", "POST",  "/v1/nominations/{nomination_id}/reject",                  "rl rl rl rl ok 409"),
    ("recognition", "GET",   "/v1/honor-wall",                                          "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/grants/{grant_id}",                                   "ok ok ok ok ok ok"),
    ("recognition", "POST",  "/v1/pools",                                               "rl rl ok rl ok ok"),
    ("recognition", "POST",  "/v1/grants/{grant_id}/letter",                            "ok -- ok -- ok ok"),
    # A letter naming L5 as its signer: only the signer signs or declines it (REC-11).
    ("recognition", "GET",   "/v1/letters",                                             "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/letters/{letter_id}",                                 "ok -- ok -- ok ok"),
    ("recognition", "POST",  "/v1/letters/{letter_id}/sign",                            "-- -- -- -- -- ok"),
    ("recognition", "POST",  "/v1/letters/{letter_id}/decline",                         "-- -- -- -- -- ok"),
    # Not signed yet: REC-11 refuses the document to everyone who may read the letter (422).
    ("recognition", "GET",   "/v1/letters/{letter_id}/document",                        "422 -- 422 -- 422 422"),
    ("recognition", "GET",   "/v1/track-rules",                                         "ok ok ok ok ok ok"),
    ("recognition", "POST",  "/v1/track-rules",                                         "-- -- -- -- ok ok"),
    ("recognition", "PATCH", "/v1/track-rules/{rule_id}",                               "-- -- -- -- ok ok"),
    ("recognition", "GET",   "/v1/reports/recognition-share",                           "-- -- ok ok ok ok"),
    ("recognition", "GET",   "/v1/praise/values",                                       "ok ok ok ok ok ok"),
    ("recognition", "POST",  "/v1/praise",                                              "422 ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/praise/allowance",                                    "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/points/{employee_id}",                                "ok -- ok -- ok ok"),
    ("recognition", "GET",   "/v1/praise/leaderboard",                                  "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/praise/reciprocity-flags",                            "-- -- -- -- ok ok"),
    ("recognition", "POST",  "/v1/praise/reciprocity-flags/{flag_id}/review",           "-- -- -- -- ok 409"),
    ("recognition", "GET",   "/v1/rewards",                                             "ok ok ok ok ok ok"),
    ("recognition", "POST",  "/v1/rewards",                                             "-- -- -- -- ok ok"),
    ("recognition", "POST",  "/v1/rewards/{reward_id}/restock",                         "-- -- -- -- ok ok"),
    ("recognition", "POST",  "/v1/redemptions",                                         "ok 409 409 409 409 409"),
    ("recognition", "GET",   "/v1/redemptions",                                         "ok ok ok ok ok ok"),
    # A1's redemption: A1 and the rewards administrators (level 3 and above).
    ("recognition", "GET",   "/v1/redemptions/{redemption_id}",                         "ok -- -- -- ok ok"),
    ("recognition", "POST",  "/v1/redemptions/{redemption_id}/{action}",                "-- -- -- -- ok 409"),
    ("recognition", "GET",   "/v1/teams/{team_id}/praise-coverage",                     "-- -- ok -- ok ok"),
    ("recognition", "POST",  "/v1/competitions",                                        "-- -- -- -- ok ok"),
    ("recognition", "GET",   "/v1/competitions",                                        "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/competitions/{competition_id}",                       "ok ok ok ok ok ok"),
    ("recognition", "POST",  "/v1/competitions/{competition_id}/judges",                "-- -- -- -- ok ok"),
    ("recognition", "POST",  "/v1/competitions/{competition_id}/entrants",              "409 ok ok ok ok ok"),
    ("recognition", "POST",  "/v1/competitions/{competition_id}/scores",                "-- -- ok -- -- --"),
    ("recognition", "POST",  "/v1/competitions/{competition_id}/advance",               "-- -- -- -- ok 422"),
    # The category winner (A1) or an organiser (L3+) files the training follow-up (REC-7).
    ("recognition", "POST",  "/v1/competitions/{competition_id}/entrants/{entrant_id}/training-plan", "ok -- -- -- ok ok"),  # noqa: E501
    ("recognition", "POST",  "/v1/competitions/{competition_id}/entrants/{entrant_id}/training-sessions", "422 -- -- -- 422 422"),  # noqa: E501
    ("recognition", "GET",   "/v1/teams/{team_id}/birthdays",                           "ok -- ok -- ok ok"),
    ("recognition", "GET",   "/v1/tasks/mine",                                        "ok ok ok ok ok ok"),
    ("recognition", "GET",   "/v1/tasks/mine/stream",                                 "ok ok ok ok ok ok"),
    ("escalation",  "GET",   "/v1/me",                                                   "ok ok ok ok ok ok"),
    ("escalation",  "GET",   "/v1/org/freshness",                                       "ok ok ok ok ok ok"),
    ("escalation",  "POST",  "/v1/cases",                                               "ok ok ok ok ok ok"),
    ("escalation",  "GET",   "/v1/cases",                                               "ok ok ok ok ok ok"),
    ("escalation",  "GET",   "/v1/cases/mine",                                          "ok ok ok ok ok ok"),
    ("escalation",  "GET",   "/v1/cases/reports/time-per-level",                        "-- -- -- -- ok ok"),
    ("escalation",  "GET",   "/v1/cases/reports/breaches",                              "-- -- -- -- ok ok"),
    ("escalation",  "GET",   "/v1/exports/case-time-per-level",                         "-- -- -- -- ok ok"),
    ("escalation",  "GET",   "/v1/exports/case-breaches",                               "-- -- -- -- ok ok"),
    ("escalation",  "GET",   "/v1/cases/{case_id}",                                     "ok -- ok -- ok ok"),
    ("escalation",  "GET",   "/v1/cases/{case_id}/history",                             "ok -- ok -- ok ok"),
    ("escalation",  "GET",   "/v1/cases/{case_id}/stints",                              "ok -- ok -- ok ok"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/acknowledge",                         "-- -- ok -- -- --"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/escalate",                            "ok -- -- -- -- --"),
    # The current handler or a superior above them in the chain (ESC-5 needs a resolution).
    ("escalation",  "POST",  "/v1/cases/{case_id}/resolve",                             "ok -- 409 -- 409 409"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/reopen",                              "ok -- 409 -- 409 409"),
    # The handler (A1) or a superior above them pauses and resumes (ESC-13).
    # A1 pauses (then resumes) first; the others find it already paused (resumed): ESC-13's 422.
    ("escalation",  "POST",  "/v1/cases/{case_id}/pause",                               "ok -- 422 -- 422 422"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/resume",                              "ok -- 422 -- 422 422"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/emergency-report",                    "ok -- -- -- -- --"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/reply",                               "ok -- -- -- -- --"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/instructions",                        "-- -- ok -- ok ok"),
    ("escalation",  "GET",   "/v1/cases/{case_id}/instructions",                        "ok -- ok -- ok ok"),
    # ESC-10: A1/A2 are not the duty chief or GM (rule); L3/L5 may, but name L4, not in another department (422).
    ("escalation",  "POST",  "/v1/cases/{case_id}/department",                          "rl -- rl -- 422 422"),
    # Only the handler named for the other department reports (ESC-10): the chain gets 422, team B 403.
    ("escalation",  "POST",  "/v1/cases/{case_id}/department-result",                   "rl -- rl -- rl rl"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/callbacks",                           "ok -- ok -- ok ok"),
    # ESC-1: the owner may not shirk: A1 gets 422 (recorded, case.shirked published); others 403.
    ("escalation",  "POST",  "/v1/cases/{case_id}/handoff",                             "rl -- -- -- -- --"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/reject",                              "rl -- -- -- -- --"),
    ("escalation",  "POST",  "/v1/cases/{case_id}/attribution",                         "-- -- ok -- 409 409"),
    ("escalation",  "GET",   "/v1/categories",                                          "ok ok ok ok ok ok"),
    ("escalation",  "POST",  "/v1/categories",                                          "-- -- -- -- ok 409"),
    ("escalation",  "GET",   "/v1/categories/{category_id}",                            "ok ok ok ok ok ok"),
    ("escalation",  "PATCH", "/v1/categories/{category_id}",                            "-- -- -- -- ok ok"),
    ("escalation",  "GET",   "/v1/tasks/mine",                                        "ok ok ok ok ok ok"),
    ("escalation",  "GET",   "/v1/tasks/mine/stream",                                 "ok ok ok ok ok ok"),
]
# fmt: on

# Service accounts (tests use TEST_SERVICE_ACCOUNTS): the endpoints each may call. Every other endpoint
# refuses every service account with 403, and these endpoints refuse the other service accounts.
SYSTEMS: dict[tuple[str, str, str], set[str]] = {
    ("scheduling", "POST", "/v1/teams"): {HR_SYSTEM},
    ("scheduling", "PATCH", "/v1/teams/{team_id}"): {HR_SYSTEM},
    ("scheduling", "POST", "/v1/employees"): {HR_SYSTEM},
    ("scheduling", "POST", "/v1/employee-imports"): {HR_SYSTEM},
    ("scheduling", "POST", "/v1/imports/employees"): {HR_SYSTEM},
    ("scheduling", "PATCH", "/v1/employees/{employee_id}"): {HR_SYSTEM},
    ("scheduling", "POST", "/v1/skills"): {HR_SYSTEM},
    ("scheduling", "PUT", "/v1/employees/{employee_id}/skills/{skill_code}"): {HR_SYSTEM},
    ("scheduling", "DELETE", "/v1/employees/{employee_id}/skills/{skill_code}"): {HR_SYSTEM},
    ("scheduling", "POST", "/v1/interactions"): {PHONE_SYSTEM},
    ("performance", "POST", "/v1/metrics/batches"): {METRICS_FEED},
}
CLIENTS = (HR_SYSTEM, PHONE_SYSTEM, METRICS_FEED)
# Every service account may ask who it is.
SYSTEMS |= {
    (service, "GET", "/v1/me"): set(CLIENTS) for service in ("scheduling", "performance", "recognition", "escalation")
}
# How current a consumer's org copy is: integrators ask with their service accounts (ORG-5).
SYSTEMS |= {
    (service, "GET", "/v1/org/freshness"): set(CLIENTS) for service in ("performance", "recognition", "escalation")
}


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


BUILDERS = {
    "scheduling": build_scheduling,
    "performance": build_performance,
    "recognition": build_recognition,
    "escalation": build_escalation,
}


# ---------------------------------------------------------------------------------------------- tokens
def expired_token(w: World, service: str) -> dict[str, str]:
    settings = w.apps[service].state.settings
    past = w.clock.now() - timedelta(days=2)
    claims = {
        "sub": str(w.people["A1"].id), "level": 1, "team": str(w.teams["A"]), "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience, "iat": int(past.timestamp()), "exp": int((past + timedelta(hours=1)).timestamp()),
    }  # fmt: skip
    return {"Authorization": "Bearer " + jwt.encode(claims, settings.jwt_secret, algorithm="HS256")}


def forged_token(w: World, service: str) -> dict[str, str]:
    settings = w.apps[service].state.settings
    now = datetime.now(UTC)
    claims = {
        "sub": str(w.people["L5"].id), "level": 5, "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
        "iat": int(now.timestamp()), "exp": int((now + timedelta(hours=1)).timestamp()),
    }  # fmt: skip
    return {"Authorization": "Bearer " + jwt.encode(claims, "not-the-secret-" + "x" * 32, algorithm="HS256")}


def routes(w: World, service: str) -> set[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(w.apps[service].routes):
        methods = getattr(context, "methods", None) or getattr(context.original_route, "methods", None) or ()
        for method in methods:
            if method != "HEAD" and context.path not in PUBLIC:
                found.add((method, context.path))
    return found


def fill(path: str, params: dict[str, Any]) -> str:
    out = path
    for name, value in params.items():
        out = out.replace("{" + name + "}", str(value))
    assert "{" not in out, f"no value for a path parameter of {path}"
    return out


DISCOVER = os.environ.get("ACCESS_DISCOVER") == "1"


def cell_holds(cell: str, status: int, body: Any) -> bool:
    """Whether a persona's answer is the one its cell expects, exactly (see the module's docstring)."""
    if status >= 500:
        return False
    if cell == "ok":
        return 200 <= status < 300
    if cell == "--":
        return status in (401, 403)
    if cell == "nf":
        return status == 404
    if cell == "rl":
        return status == 422 and isinstance(body, dict) and "rule" in body
    return status == int(cell)


def test_a_route_that_refuses_everyone_or_fails_validation_breaks_its_allowed_cells() -> None:
    assert not cell_holds("ok", 403, None)
    assert not cell_holds("ok", 422, {"errors": []})
    assert not cell_holds("409", 422, None)
    assert not cell_holds("rl", 422, {"title": "Unprocessable"})
    assert not cell_holds("--", 200, [])
    assert cell_holds("ok", 201, {})
    assert cell_holds("409", 409, {})
    assert cell_holds("rl", 422, {"rule": "ESC-1"})


def allowed(cell: str) -> bool:
    """`ok` or an exact status the allowed persona gets; `--`, `nf` and `rl` are denials."""
    return cell == "ok" or cell.isdigit()


@pytest.mark.parametrize("service", list(BUILDERS))
async def test_access_matrix(world: World, service: str) -> None:
    rows = [r for r in MATRIX if r[0] == service]
    listed = {(m, p) for _, m, p, _ in rows}
    missing = routes(world, service) - listed
    stale = listed - routes(world, service)
    assert not stale, f"rows for endpoints that do not exist: {sorted(stale)}"
    await BUILDERS[service](world)
    failures: list[str] = []
    observed: list[str] = []
    for _, method, path, cells in rows:
        expected = dict(zip(PERSONAS, cells.split(), strict=True))
        params = dict(world.params[service])
        if (service, method, path) in FRESH:
            params.update(await FRESH[(service, method, path)](world))
        world.params["row"] = params
        url = fill(path, params)
        if (method, path) in QUERY:
            query = QUERY[(method, path)]
            url += "?" + fill(query if isinstance(query, str) else query(world), params)
        body_of = BODIES.get((method, path))
        body = body_of(world) if body_of else ({} if method in ("POST", "PUT", "PATCH") else None)
        for label, headers in (
            ("none", {}),
            ("expired", expired_token(world, service)),
            ("forged", forged_token(world, service)),
        ):
            response = await world.call(service, method, url, headers, body)
            if response.status_code != 401:
                failures.append(f"{method} {path} with {label} token: {response.status_code}")
        systems = SYSTEMS.get((service, method, path), set())
        for client in sorted(CLIENTS, key=lambda c: c in systems):  # the denied call first
            response = await world.call(service, method, url, world.systems[client], body)
            if response.status_code >= 500 or (response.status_code in (401, 403)) == (client in systems):
                failures.append(
                    f"{method} {path} as service account {client}: expected {'ok' if client in systems else '--'},"
                    f" got {response.status_code} {response.text[:200]}"
                )
        order = sorted(PERSONAS, key=lambda p: allowed(expected[p]))  # the denied call first
        got: dict[str, int] = {}
        for persona in order:
            response = await world.call(service, method, url, persona, body)
            got[persona] = response.status_code
            status = response.status_code
            if DISCOVER and 400 <= status < 500 and status not in (401, 403):
                print(f"{method} {path} {persona} {status} {response.text[:160]}")
            body_json = response.json() if "json" in response.headers.get("content-type", "") else None
            if not cell_holds(expected[persona], status, body_json):
                failures.append(
                    f"{method} {path} as {persona}: expected {expected[persona]}, got {response.status_code}"
                    f" {response.text[:200]}"
                )
        observed.append(f"{method:6} {path:60} " + " ".join(f"{got[p]:3}" for p in PERSONAS))
    if DISCOVER:
        print("\n".join(observed))
    assert not missing, f"endpoints not in the access matrix: {sorted(missing)}"
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------------- lists
# (service, list path, the fields naming whose record an item is). A persona may see records of
# SPAN[persona] only; L3 and L5 see everyone.
PRIVATE_LISTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("scheduling", "/v1/employees", ("id",)),
    ("scheduling", "/v1/assignments", ("employee_id",)),
    ("scheduling", "/v1/leave", ("employee_id",)),
    ("scheduling", "/v1/swaps", ("requester_id", "counterpart_id")),
    ("performance", "/v1/qa/evaluations", ("agent_id",)),
    ("performance", "/v1/metrics", ("agent_id",)),
    ("performance", "/v1/periods/{period_id}/scorecards", ("agent_id",)),
    ("performance", "/v1/coaching", ("agent_id",)),
    ("performance", "/v1/reviews", ("agent_id",)),
    ("performance", "/v1/new-hires", ("agent_id",)),
    ("recognition", "/v1/nominations", ("nominee_id",)),
    ("recognition", "/v1/redemptions", ("employee_id",)),  # leaders see none: redemptions are decided by L3+
    ("escalation", "/v1/cases", ("owner_id", "handler_id")),
]
SPAN = {"A1": ("A1",), "B1": ("B1",), "A2": ("A1", "A2", "A3"), "B2": ("B1", "B2", "B3")}
# The directory and the roster show an agent her whole team (names, agent numbers, levels, who works which
# shift), so she can pick a swap counterpart; her teammates' private fields stay hidden (test below).
TEAM_VIEW_LISTS = {"/v1/employees", "/v1/assignments"}
TEAM_SPAN = {"A1": SPAN["A2"], "B1": SPAN["B2"]}


def _items(body: Any) -> list[dict[str, Any]]:
    return body["items"] if isinstance(body, dict) else body  # type: ignore[no-any-return]


async def w_mirror_team_b(w: World) -> None:
    """Team B's own records in every private list: B1's assignment, leave, swap, evaluation, coaching,
    review, nomination, redemption and case (B1's metrics and scorecard come from the October batch)."""
    day = next(_counter)
    _, (mine,) = await _shift(w, "B", day, "B1")
    _, (theirs,) = await _shift(w, "B", day, "B3", hour=17)
    swap = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
    await w.ok("scheduling", "POST", "/v1/swaps", "B1", swap)
    start = _day(w, 60, 9)
    leave = {"leave_type": "sick", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}
    await w.ok("scheduling", "POST", "/v1/leave", "B1", leave)
    evaluation = await w.ok("performance", "POST", "/v1/qa/evaluations", "B2", _evaluation(w, "B1"))
    await w.ok("performance", "POST", f"/v1/qa/evaluations/{evaluation['id']}/release", "B2")
    await w.ok("performance", "POST", "/v1/coaching", "B2", {"agent_id": str(w.people["B1"].id), "goals": ["FCR"]})
    handler = subscriptions(w.apps["performance"].state.settings)[ComplaintAttributedV1]
    async with w.apps["performance"].state.session_factory() as session:
        for day_of_month in (3, 14, 25):
            event = ComplaintAttributedV1(
                case_id=uuid.uuid4(), agent_id=w.people["B1"].id, verified_by=w.people["B2"].id,
                category="service_attitude", complaint_date=datetime(2026, 10, day_of_month).date(),
                attributed_at=datetime(2026, 10, day_of_month, tzinfo=UTC),
            )  # fmt: skip
            await handler(session, event, Envelope.wrap(event, time=datetime(2026, 10, 28, tzinfo=UTC)))
        await session.commit()
    await w.ok("recognition", "POST", "/v1/nominations", "B2", {**_nomination(w), "nominee_id": str(w.people["B1"].id)})
    praise = {
        "receiver_id": str(w.people["B1"].id),
        "points": 2,
        "message": "Thanks for the cover",
        "value": "teamwork",
    }
    await w.ok("recognition", "POST", "/v1/praise", "B3", praise)
    await w.ok("recognition", "POST", "/v1/redemptions", "B1", {"reward_id": str(_rec(w)["reward_id"])})
    await w.ok("escalation", "POST", "/v1/cases", "B1", CASE)


async def test_lists_never_show_another_teams_private_data(world: World) -> None:
    for build in BUILDERS.values():
        await build(world)
    await w_mirror_team_b(world)
    for service, path, fields in PRIVATE_LISTS:
        url = fill(path, world.params[service])
        if DISCOVER:
            sample = _items(await world.ok(service, "GET", url, "L5"))
            print(service, path, len(sample), sorted(sample[0]) if sample else None)
        everyone = {
            uuid.UUID(item[f]) for item in _items(await world.ok(service, "GET", url, "L5")) for f in fields if item[f]
        }
        assert {world.people["A1"].id, world.people["B1"].id} <= everyone, f"{path}: fixture data missing"
        for persona, span in SPAN.items():
            if path in TEAM_VIEW_LISTS:
                span = TEAM_SPAN.get(persona, span)
            allowed = {world.people[p].id for p in span}
            seen: set[uuid.UUID] = set()
            for item in _items(await world.ok(service, "GET", url, persona)):
                owners = {uuid.UUID(item[f]) for f in fields if item[f]}
                assert owners & allowed, f"{path} as {persona} shows another team's record: {item}"
                seen |= owners
            if path != "/v1/redemptions" or persona in ("A1", "B1"):
                assert world.people[span[0]].id in seen, f"{path} as {persona} hides the persona's own records"
            # Asking for the other team's agent by a filter does not widen the view either.
            other = world.people["B1" if persona.startswith("A") else "A1"].id
            separator = "&" if "?" in url else "?"
            for filtered in (f"{url}{separator}agent_id={other}", f"{url}{separator}employee_id={other}"):
                response = await world.call(service, "GET", filtered, persona)
                assert response.status_code in (200, 403, 404, 422), (filtered, persona, response.text)
                if response.status_code == 200:
                    for item in _items(response.json()):
                        owners = {uuid.UUID(item[f]) for f in fields if item[f]}
                        assert owners & allowed, f"{filtered} as {persona} shows another team's record: {item}"


async def test_award_amounts_and_customer_contacts_stay_in_the_chain(world: World) -> None:
    """A grant's material amount shows only to the recipient and their chain; a case's customer contact too."""
    await build_recognition(world)
    await build_escalation(world)
    grant = f"/v1/grants/{world.params['recognition']['grant_id']}"
    case = f"/v1/cases/{world.params['escalation']['case_id']}"
    for persona in PERSONAS:
        in_chain = persona in ("A1", "A2", "L3", "L5")
        shown = await world.ok("recognition", "GET", grant, persona)
        assert (shown["amount"] is not None) == in_chain, (persona, shown)
        assert shown["amount_hidden"] is not in_chain
        wall = await world.ok("recognition", "GET", "/v1/honor-wall", persona)
        [entry] = [i for i in _items(wall) if i["recipient_id"] == str(world.people["A1"].id)]
        assert (entry["amount"] is not None) == in_chain, (persona, entry)
        assert entry["amount_hidden"] is not in_chain, (persona, entry)
        if in_chain:
            assert (await world.ok("escalation", "GET", case, persona))["customer_contact"]
        listed = _items(await world.ok("escalation", "GET", "/v1/cases", persona))
        assert all(c["customer_contact"] for c in listed) if in_chain else not listed


# ---------------------------------------------------------------------------------------------- teammates
# A3 is A1's teammate and B1's stranger. Of A3, A1 reads the directory entry (without its private fields)
# and the current assignments; A3's leave, swaps, evaluations, scores and points stay A3's chain's.
# service        path ({teammate} is A3)                                  A1 B1 A2 B2 L3 L5
TEAMMATE: list[tuple[str, str, str]] = [
    ("scheduling",  "/v1/employees/{teammate}",                             "ok -- ok -- ok ok"),
    ("performance", "/v1/periods/{period_id}/scorecards/{teammate}",        "-- -- ok -- ok ok"),
    ("recognition", "/v1/points/{teammate}",                                "-- -- ok -- ok ok"),
]  # fmt: skip
# Lists asked for A3's records: (service, path, query naming A3, whether A1 sees A3's records there).
TEAMMATE_LISTS: list[tuple[str, str, str, bool]] = [
    ("scheduling", "/v1/employees", "q={name}", True),
    ("scheduling", "/v1/assignments", "employee_id={teammate}", True),
    ("scheduling", "/v1/leave", "employee_id={teammate}", False),
    ("performance", "/v1/qa/evaluations", "agent_id={teammate}", False),
    ("performance", "/v1/coaching", "agent_id={teammate}", False),
]
PRIVATE_FIELDS = ("certified", "birthday", "hire_date", "probation_end_date", "external_id")


async def test_an_agent_sees_her_teams_directory_and_roster_and_nothing_private(world: World) -> None:
    await build_scheduling(world)
    await build_performance(world)
    await build_recognition(world)
    teammate = world.people["A3"].id
    # A3's own private records: a leave request, a released evaluation, coaching.
    start = _day(world, 70, 9)
    leave = {"leave_type": "sick", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}
    await world.ok("scheduling", "POST", "/v1/leave", "A3", leave)
    evaluation = await world.ok("performance", "POST", "/v1/qa/evaluations", "A2", _evaluation(world, "A3"))
    await world.ok("performance", "POST", f"/v1/qa/evaluations/{evaluation['id']}/release", "A2")
    await world.ok("performance", "POST", "/v1/coaching", "A2", {"agent_id": str(teammate), "goals": ["FCR"]})
    params = {**world.params["performance"], "teammate": teammate}
    failures = []
    for service, path, cells in TEAMMATE:
        for persona, expected in zip(PERSONAS, cells.split(), strict=True):
            status = (await world.call(service, "GET", fill(path, params), persona)).status_code
            if status >= 500 or (status in (401, 403)) != (expected == "--"):
                failures.append(f"GET {path} as {persona}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)

    # The entry A1 reads: name, agent number, level and team, never the private fields.
    entry = await world.ok("scheduling", "GET", f"/v1/employees/{teammate}", "A1")
    assert entry["private_fields_hidden"] is True
    assert entry["agent_number"]
    assert entry["name"]
    assert (entry["level"], entry["team_id"]) == (1, str(world.teams["A"]))
    assert [entry[field] for field in PRIVATE_FIELDS] == [None] * len(PRIVATE_FIELDS)
    whole = await world.ok("scheduling", "GET", f"/v1/employees/{teammate}", "A2")
    assert (whole["private_fields_hidden"], whole["birthday"]) == (False, "1998-11-03")
    for item in _items(await world.ok("scheduling", "GET", "/v1/employees", "A1")):
        own = item["id"] == str(world.people["A1"].id)
        assert item["private_fields_hidden"] is not own, item
        assert (item["birthday"] is not None) == own, item
    assert (await world.call("scheduling", "GET", f"/v1/employees/{world.people['B3'].id}", "A1")).status_code == 403

    name = entry["name"]
    for service, path, query, sees in TEAMMATE_LISTS:
        url = path + ("?" + query.format(name=name, teammate=teammate) if query else "")
        for persona, expected in (("A1", sees), ("B1", False), ("A2", True)):
            items = _items(await world.ok(service, "GET", url, persona))
            mentions = [item for item in items if str(teammate) in {str(v) for v in item.values()}]
            assert bool(mentions) == expected, (url, persona, items)
