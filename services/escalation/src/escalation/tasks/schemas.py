"""The task kinds escalation lists in `GET /v1/tasks/mine` (the shape is `callcenter_shared.tasks.Task`)."""

from __future__ import annotations

from callcenter_shared.tasks import Task, TaskPage

KINDS: dict[str, str] = {
    "case.handle": "an open case is at your desk (you are its handler at its current level): take it, resolve it "
    "or escalate it; due when the level's time runs out (ESC-3), the time it escalates by itself",
    "case.department_result": "a case was passed to your department: report the result (ESC-10)",
    "complaint.verify": "a complaint names an agent who reports to you: verify whether it is attributable (ESC-12)",
}

__all__ = ["KINDS", "Task", "TaskPage"]
