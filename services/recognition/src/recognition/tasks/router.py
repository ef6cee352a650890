"""`GET /v1/tasks/mine` and its live stream: what waits for the caller in recognition."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.task_stream import STREAM_DESCRIPTION, STREAM_RESPONSES, task_stream
from callcenter_shared.tasks import describe_kinds
from callcenter_shared.web import DbSession, Now, Paging
from recognition.tasks import service
from recognition.tasks.schemas import KINDS, TaskPage

router = APIRouter(prefix="/v1/tasks", tags=["tasks"])


@router.get("/mine", response_model=TaskPage, summary="What waits for me here", description=describe_kinds(KINDS))
async def my_tasks(principal: CurrentPrincipal, session: DbSession, now: Now, paging: Paging) -> TaskPage:
    return await service.my_tasks(session, principal=principal, now=now, limit=paging.limit, offset=paging.offset)


@router.get(
    "/mine/stream",
    response_class=StreamingResponse,
    responses=STREAM_RESPONSES,
    summary="What waits for me here, live (Server-Sent Events)",
    description=STREAM_DESCRIPTION,
)
async def my_task_stream(request: Request, principal: CurrentPrincipal) -> StreamingResponse:
    return task_stream(request, principal)
