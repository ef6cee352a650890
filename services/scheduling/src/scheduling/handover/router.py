from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from callcenter_shared.auth import CurrentCaller, CurrentPrincipal
from callcenter_shared.inputs import Day
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.handover import interaction as interactions
from scheduling.handover import item as items
from scheduling.handover import service
from scheduling.handover.models import Handover
from scheduling.handover.schemas import (
    Acknowledgement,
    AnswerCreate,
    HandoverCreate,
    HandoverRead,
    HandoverSummary,
    IncomingRead,
    InteractionRead,
    InteractionReport,
    ItemCreate,
    ItemRead,
    OutgoingRead,
    QuestionCreate,
    QuestionRead,
    ReportPublish,
    Resolution,
)
from scheduling.org.names import with_names
from scheduling.settings import AppSettings, Settings
from scheduling.zone import local

router = APIRouter(prefix="/v1", tags=["handover"])


async def _read(session: DbSession, handover: Handover, settings: Settings) -> HandoverRead:
    outgoing, incoming, items, questions, starts_at = await service.details(session, handover)
    return await with_names(
        session,
        HandoverRead(
            id=handover.id,
            team_id=handover.team_id,
            outgoing_shift_id=handover.outgoing_shift_id,
            incoming_shift_id=handover.incoming_shift_id,
            status=handover.status,
            check_in_deadline=starts_at - timedelta(minutes=settings.checkin_before_minutes),
            instructions=handover.instructions,
            major_events=handover.major_events,
            equipment_ok=handover.equipment_ok,
            equipment_damage=handover.equipment_damage,
            reusable_resolutions=handover.reusable_resolutions,
            damage_reported_to=handover.damage_reported_to,
            damage_acknowledged_by=handover.damage_acknowledged_by,
            damage_acknowledged_at=handover.damage_acknowledged_at,
            report_published_by=handover.report_published_by,
            report_published_at=handover.report_published_at,
            report_acting_for_id=handover.report_acting_for_id,
            signed_off_by=handover.signed_off_by,
            signed_off_acting_for_id=handover.signed_off_acting_for_id,
            completed_at=handover.completed_at,
            outgoing=[OutgoingRead.model_validate(o) for o in outgoing],
            incoming=[IncomingRead.model_validate(i) for i in incoming],
            items=[ItemRead.model_validate(i) for i in items],
            questions=[QuestionRead.model_validate(q) for q in questions],
        ),
    )


@router.post("/handovers", status_code=status.HTTP_201_CREATED, response_model=HandoverRead)
async def create_handover(
    data: HandoverCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> HandoverRead:
    handover = await service.create(
        session,
        principal=principal,
        team_id=data.team_id,
        outgoing_shift_id=data.outgoing_shift_id,
        incoming_shift_id=data.incoming_shift_id,
        now=now,
    )
    return await _read(session, handover, settings)


@router.get(
    "/handovers",
    response_model=Page[HandoverSummary],
    summary="Handovers the caller may read, newest boundary first",
    description="Who may call: everyone; the list holds what `GET /v1/handovers/{id}` would show them: level 3 "
    "and above every team's, team members and leaders their team's, and anyone else the handovers of shifts "
    "they are rostered on. Filters: `team_id`, `status` (open, completed), and `from`/`to`: days (inclusive) on "
    "the center's calendar of the boundary, when the incoming shift starts.",
)
async def list_handovers(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    settings: AppSettings,
    team_id: Annotated[uuid.UUID | None, Query()] = None,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    status_: Annotated[Literal["open", "completed"] | None, Query(alias="status")] = None,
) -> Page[HandoverSummary]:
    rows, total = await service.list_handovers(
        session, principal=principal, team_id=team_id, first=first, last=last, status=status_, settings=settings,
        limit=paging.limit, offset=paging.offset,
    )  # fmt: skip
    items = [
        HandoverSummary(
            id=handover.id,
            team_id=handover.team_id,
            outgoing_shift_id=handover.outgoing_shift_id,
            incoming_shift_id=handover.incoming_shift_id,
            status=handover.status,
            boundary_at=boundary,
            boundary_at_local=local(boundary, settings.timezone),
            report_published_at=handover.report_published_at,
            completed_at=handover.completed_at,
        )
        for handover, boundary in rows
    ]
    return Page(items=items, limit=paging.limit, offset=paging.offset, total=total)


@router.get("/handovers/{handover_id}", response_model=HandoverRead)
async def get_handover(
    handover_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> HandoverRead:
    return await _read(session, await service.read(session, principal=principal, handover_id=handover_id), settings)


@router.put("/handovers/{handover_id}/report", response_model=HandoverRead, summary="Publish the report (HND-4, 7, 10)")
async def publish_handover_report(
    handover_id: uuid.UUID,
    data: ReportPublish,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> HandoverRead:
    """The team's leader publishes the report; while the leader is on approved leave, the deputy holding the
    team's affairs does, recorded as acting for them (`report_acting_for_id`, LEV-7). Anyone else: 403."""
    handover = await service.publish_report(session, principal=principal, handover_id=handover_id, data=data, now=now)
    return await _read(session, handover, settings)


@router.post(
    "/handovers/{handover_id}/items",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemRead,
    summary="Hand over an open item (HND-5); 202 when it must be escalated instead (HND-8)",
    responses={202: {"model": ItemRead, "description": "Escalated instead of carried (HND-8)"}},
)
async def add_handover_item(
    handover_id: uuid.UUID,
    data: ItemCreate,
    response: Response,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> ItemRead:
    item, escalated = await items.add_item(
        session, principal=principal, handover_id=handover_id, data=data, settings=settings, now=now
    )
    if escalated:
        response.status_code = status.HTTP_202_ACCEPTED
    return await with_names(session, ItemRead.model_validate(item))


@router.post(
    "/handovers/{handover_id}/check-ins",
    status_code=status.HTTP_201_CREATED,
    response_model=HandoverRead,
    summary="An incoming person checks in (HND-1)",
)
async def check_in_to_handover(
    handover_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> HandoverRead:
    await service.check_in(session, principal=principal, handover_id=handover_id, settings=settings, now=now)
    return await _read(session, await service.get(session, handover_id), settings)


@router.post(
    "/handovers/{handover_id}/damage-report/acknowledge",
    response_model=HandoverRead,
    summary="The duty manager takes in the equipment damage report (HND-10)",
    description="The duty manager the report's damage went to (`damage_reported_to`: the outgoing shift's duty "
    "manager, else the incoming one's); when neither shift names one, any level 3 manager. Until then the report "
    "waits in their `GET /v1/tasks/mine` as `handover.damage_acknowledge`. 409 when the report records no damage "
    "or was already taken in.",
)
async def acknowledge_damage(
    handover_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> HandoverRead:
    handover = await service.acknowledge_damage(session, principal=principal, handover_id=handover_id, now=now)
    return await _read(session, handover, settings)


@router.post(
    "/handovers/{handover_id}/questions",
    status_code=status.HTTP_201_CREATED,
    response_model=QuestionRead,
    summary="Ask about the report or an item (HND-4, HND-5)",
)
async def ask_handover_question(
    handover_id: uuid.UUID, data: QuestionCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> QuestionRead:
    return await with_names(
        session,
        QuestionRead.model_validate(
            await service.ask(session, principal=principal, handover_id=handover_id, data=data, now=now)
        ),
    )


@router.post("/handover-questions/{question_id}/answer", response_model=QuestionRead)
async def answer_handover_question(
    question_id: uuid.UUID, data: AnswerCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> QuestionRead:
    return await with_names(
        session,
        QuestionRead.model_validate(
            await service.answer(session, principal=principal, question_id=question_id, text=data.answer, now=now)
        ),
    )


@router.post(
    "/handover-items/{item_id}/acknowledge",
    response_model=ItemRead,
    summary="The receiver takes the item over with a read-back (HND-6, HND-9)",
)
async def acknowledge_handover_item(
    item_id: uuid.UUID, data: Acknowledgement, principal: CurrentPrincipal, session: DbSession, now: Now
) -> ItemRead:
    return await with_names(
        session,
        ItemRead.model_validate(
            await items.acknowledge(session, principal=principal, item_id=item_id, read_back=data.read_back, now=now)
        ),
    )


@router.post("/handover-items/{item_id}/resolve", response_model=ItemRead, summary="The owner resolves it (HND-6)")
async def resolve_handover_item(
    item_id: uuid.UUID, data: Resolution, principal: CurrentPrincipal, session: DbSession, now: Now
) -> ItemRead:
    return await with_names(
        session,
        ItemRead.model_validate(
            await items.resolve_item(session, principal=principal, item_id=item_id, resolution=data.resolution, now=now)
        ),
    )


@router.post(
    "/handovers/{handover_id}/complete",
    response_model=HandoverRead,
    summary="The team leader signs off; outgoing staff are released (HND-2, 3, 4, 9)",
)
async def complete_handover(
    handover_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> HandoverRead:
    """The team's leader signs off, or, while the leader is on approved leave, the deputy holding the team's
    affairs, recorded as acting for them (`signed_off_acting_for_id`, LEV-7). Anyone else: 403."""
    handover = await service.complete(session, principal=principal, handover_id=handover_id, now=now)
    return await _read(session, handover, settings)


@router.post(
    "/interactions",
    response_model=InteractionRead,
    tags=["interactions"],
    summary="The phone system reports an interaction in progress or ended (HND-3)",
    description=(
        "Who may call: a service account with the scope `interactions:write` (the phone system), "
        "or the agent themselves for their own interaction. HND-3 keeps an agent with an interaction "
        "in progress from leaving before the handover."
    ),
)
async def report_interaction(
    data: InteractionReport, principal: CurrentCaller, session: DbSession, now: Now
) -> InteractionRead:
    interaction = await interactions.report_interaction(
        session,
        principal=principal,
        external_id=data.external_id,
        employee_id=data.employee_id,
        state=data.state,
        now=now,
    )
    return await with_names(session, InteractionRead.model_validate(interaction))
