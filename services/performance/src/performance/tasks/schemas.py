"""The task kinds performance lists in `GET /v1/tasks/mine` (the shape is `callcenter_shared.tasks.Task`)."""

from __future__ import annotations

from callcenter_shared.tasks import Task, TaskPage

KINDS: dict[str, str] = {
    "evaluation.release": "a QA evaluation you started is still a draft: finish and release it (QA-2)",
    "evaluation.dispute": "an agent disputes a released evaluation: uphold or adjust it (QA-4); it waits on the "
    "agent's nearest superior who is not the evaluator",
    "review.training": "an agent reporting to you is flagged for a bottom-rank review: start the off-post training "
    "(PRF-7)",
    "review.reassessment": "an agent reporting to you finished off-post training: record the re-assessment (PRF-7)",
    "coaching.follow_up": "a coaching record you lead is open: record the follow-up; due on its follow-up date "
    "(start of that day in the center's time zone)",
}

__all__ = ["KINDS", "Task", "TaskPage"]
