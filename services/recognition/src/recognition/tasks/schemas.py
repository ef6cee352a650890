"""The task kinds recognition lists in `GET /v1/tasks/mine` (the shape is `callcenter_shared.tasks.Task`)."""

from __future__ import annotations

from callcenter_shared.tasks import Task, TaskPage

KINDS: dict[str, str] = {
    "nomination.approve": "a nomination waits for your decision: you are the nearest person at the award's approver "
    "level in the nominee's (or the team's) chain (REC-2)",
    "redemption.approve": "an employee redeems points for a reward: approve or reject (level 3 and above)",
    "redemption.fulfil": "an approved redemption waits to be handed over and marked fulfilled (level 3 and above)",
}

__all__ = ["KINDS", "Task", "TaskPage"]
