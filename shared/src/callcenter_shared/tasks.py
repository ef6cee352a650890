"""What waits for the caller: one task shape for every service (`GET /v1/tasks/mine`).

Each service lists, in its own `tasks` package, exactly the workflow steps that wait for
the caller's action there (a swap to accept, a leave to approve, a case at their desk).
The shape, the order and the paging are the same everywhere, so a front-end merges the
four lists without knowing which service answered. The live stream of the same list is
`callcenter_shared.task_stream`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.names import names_of as names_of  # where the task sources import it from
from callcenter_shared.web import Page

# The latest time there is: sorts a task without a deadline after every task with one.
_NO_DEADLINE = datetime.max.replace(tzinfo=UTC)


class Requester(BaseModel):
    """The person whose request waits (the colleague asking for a swap, the agent on leave)."""

    id: uuid.UUID
    name: str | None = Field(None, description="As the service's directory knows them; null if not known there")


class Task(BaseModel):
    """One step of a workflow that waits for the caller."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "swap.accept",
                    "object_id": "0b7c5d1e-1f0c-4d43-9a0a-55b1d1a1c0de",
                    "link": "/v1/swaps/0b7c5d1e-1f0c-4d43-9a0a-55b1d1a1c0de",
                    "title": "Accept or refuse the swap Li Na asks for (day shift on 2026-12-03)",
                    "requested_by": {"id": "5f1b6c59-7f7e-4c0e-9a43-2d1f3c1b2a11", "name": "Li Na"},
                    "since": "2026-11-28T08:15:00Z",
                    "due_at": "2026-12-03T01:00:00Z",
                    "service": "scheduling",
                }
            ]
        }
    )

    kind: str = Field(description="Stable machine name of the step, e.g. `swap.accept`, `leave.approve`, `case.handle`")
    object_id: uuid.UUID = Field(description="The object the step acts on")
    link: str = Field(description="The object's API path in the service, e.g. `/v1/swaps/{id}`")
    title: str = Field(description="One line in plain words")
    requested_by: Requester | None = Field(None, description="Who asked, when a person did")
    since: datetime = Field(description="When the step started waiting for the caller")
    due_at: datetime | None = Field(None, description="When it must be done by, if a rule sets a deadline")
    service: str = Field(description="The service that holds the object")


TaskPage = Page[Task]

# A service's query: the tasks waiting for `principal` at `now`.
TaskSource = Callable[[AsyncSession, Principal, datetime], Awaitable[list[Task]]]


def in_order(tasks: Iterable[Task]) -> list[Task]:
    """Soonest deadline first (tasks without one last), then the longest waiting."""
    return sorted(tasks, key=lambda t: (t.due_at or _NO_DEADLINE, t.since, t.kind, str(t.object_id)))


def page_of(tasks: Iterable[Task], *, limit: int, offset: int) -> TaskPage:
    ordered = in_order(tasks)
    return TaskPage(items=ordered[offset : offset + limit], limit=limit, offset=offset, total=len(ordered))


def requester(person_id: uuid.UUID | None, names: dict[uuid.UUID, str]) -> Requester | None:
    """The requester with their name from `names` (an id -> name map the service read)."""
    if person_id is None:
        return None
    return Requester(id=person_id, name=names.get(person_id))


def describe_kinds(kinds: dict[str, str]) -> str:
    """The OpenAPI description of a service's `GET /v1/tasks/mine`: who may call, and what it lists."""
    listed = "\n".join(f"- `{kind}`: {meaning}" for kind, meaning in kinds.items())
    return (
        "Exactly the workflow steps of this service that wait for the caller's own action, in one shape "
        "shared by every service: soonest `due_at` first (tasks without a deadline last), then the "
        "longest waiting (`since`). A task disappears once the caller (or anyone else) has acted on it.\n\n"
        "Any signed-in employee may call it and sees only their own tasks; a service account is refused "
        "(403): nothing waits for a system.\n\n"
        f"Kinds listed here:\n\n{listed}\n\n"
        "The same list, live: `GET /v1/tasks/mine/stream`."
    )
