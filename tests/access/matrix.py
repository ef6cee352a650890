"""The access matrix's table: each endpoint's expected answer for every persona, and the service accounts' rows."""

from __future__ import annotations

from callcenter_testing import HR_SYSTEM, METRICS_FEED, PHONE_SYSTEM

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
