from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Request, Response, status

from callcenter_shared import spreadsheets
from callcenter_shared.auth import CurrentCaller, CurrentPrincipal
from callcenter_shared.concurrency import ETAG_RESPONSES, IF_MATCH_RESPONSES, IfMatch, set_etag
from callcenter_shared.inputs import Flag
from callcenter_shared.spreadsheets import SheetFormat
from callcenter_shared.web import DbSession, Now, Page, Paging, validated_json
from scheduling.org import directory, service, sheets
from scheduling.org.models import Team
from scheduling.org.names import with_names
from scheduling.org.schemas import (
    EmployeeCreate,
    EmployeeRead,
    EmployeeSort,
    EmployeeUpdate,
    ImportResult,
    TeamCreate,
    TeamRead,
    TeamUpdate,
)
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["org directory"])

DIRECTORY_WRITERS = (
    "Who may call: employees at level 3 and above, or a service account with the scope `directory:write` "
    "(the HR system; it creates the first employees of an empty directory)."
)


async def _team_read(session: DbSession, team: Team) -> TeamRead:
    leader = await service.leader_of(session, team.id)
    return await with_names(
        session,
        TeamRead(
            id=team.id,
            name=team.name,
            leader_id=leader.id if leader else None,
            active=team.active,
            leave_cap=team.leave_cap,
            version=team.version,
        ),
    )


@router.post("/teams", status_code=status.HTTP_201_CREATED, response_model=TeamRead, description=DIRECTORY_WRITERS)
async def create_team(data: TeamCreate, principal: CurrentCaller, session: DbSession, now: Now) -> TeamRead:
    team = await service.create_team(session, principal=principal, data=data, now=now)
    return await _team_read(session, team)


@router.get("/teams", response_model=Page[TeamRead])
async def list_teams(_principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[TeamRead]:
    teams, total = await service.list_teams(session, limit=paging.limit, offset=paging.offset)
    return await with_names(
        session,
        Page(
            items=[await _team_read(session, t) for t in teams], limit=paging.limit, offset=paging.offset, total=total
        ),
    )


@router.get("/teams/{team_id}", response_model=TeamRead, responses=ETAG_RESPONSES)
async def get_team(
    team_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession, response: Response
) -> TeamRead:
    team = await service.get_team(session, team_id)
    set_etag(response, team.version)
    return await _team_read(session, team)


@router.patch(
    "/teams/{team_id}",
    response_model=TeamRead,
    responses=IF_MATCH_RESPONSES,
    description=f"Rename or deactivate a team. {DIRECTORY_WRITERS} (ORG-5: the change reaches every service as "
    "`team.upserted` with the new version). A team with active members cannot be deactivated (422, ORG-6, "
    "listing them in `affected`). Send `If-Match` with the `ETag` you read to refuse with 412 a change "
    "made by someone else in the meantime.",
)
async def update_team(
    team_id: uuid.UUID,
    data: TeamUpdate,
    principal: CurrentCaller,
    session: DbSession,
    now: Now,
    if_match: IfMatch,
    response: Response,
) -> TeamRead:
    team = await service.update_team(
        session, principal=principal, team_id=team_id, data=data, now=now, if_match=if_match
    )
    set_etag(response, team.version)
    return await _team_read(session, team)


@router.post(
    "/employees",
    status_code=status.HTTP_201_CREATED,
    response_model=EmployeeRead,
    description=f"{DIRECTORY_WRITERS} Rules ORG-1..ORG-3; `external_id` (the login) is unique.",
)
async def create_employee(data: EmployeeCreate, principal: CurrentCaller, session: DbSession, now: Now) -> EmployeeRead:
    employee = await service.create_employee(session, principal=principal, data=data, now=now)
    return await with_names(session, EmployeeRead.model_validate(employee))


@router.post(
    "/employee-imports",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportResult,
    summary="Import employees in bulk: all rows or none, with every failing row listed",
    description=DIRECTORY_WRITERS,
)
async def import_employees(
    rows: Annotated[list[EmployeeCreate], Body(max_length=5000)],
    principal: CurrentCaller,
    session: DbSession,
    now: Now,
) -> ImportResult:
    created = await service.import_employees(session, principal=principal, rows=rows, now=now)
    return await with_names(
        session, ImportResult(imported=len(created), employees=[EmployeeRead.model_validate(e) for e in created])
    )


DIRECTORY_READERS = (
    "Who sees whom: an agent her own team's active members (her team of ORG-2, her leader included) "
    "with names, agent numbers, levels and team, so she can pick a swap counterpart; their birthdays, hire "
    "and probation dates, certification and login read as null with `private_fields_hidden: true`. Her "
    "own entry is whole. A team leader sees their team and everyone below them, level 3 and above "
    "everyone, whole. Anyone else's entry is refused with 403."
)


@router.post(
    "/imports/employees",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportResult,
    responses=spreadsheets.IMPORT_RESPONSES,
    openapi_extra=spreadsheets.import_body(
        "name,level,superior_id,superior_login,team,external_id,certified,agent_number\r\n"
        "李雷,2,5b0f3c52-8a8e-4a53-9a7f-2f1d2c3b4a50,,热线一组,li.lei@example.com,false,\r\n"
        "王芳,1,,li.lei@example.com,热线一组,wang.fang@example.com,true,A1001\r\n"
    ),
    tags=["spreadsheets"],
    summary="Import employees from a CSV or XLSX file: all rows or none (ORG-1..ORG-3)",
    description=f"{DIRECTORY_WRITERS} Send the file as the body with Content-Type `text/csv` (UTF-8) or the XLSX "
    "media type (or `format=csv|xlsx`). Row 1 is the header: `name` and `level` are needed; `id`, `superior_id`, "
    "`team_id`, `agent_number`, `certified` (true/false), `probation_end_date`, `birthday`, `hire_date` and "
    "`external_id` (the login) are as in `POST /v1/employees`; `superior_login` (a login in the directory or in the "
    "same file) may stand for `superior_id` and `team` (a team's exact name) for `team_id`. Every row gets the "
    "checks of `POST /v1/employees`: ORG-1 (a superior exactly one level up), ORG-2 (an agent in one team, under "
    "its leader; one leader a team), ORG-3 (an agent number only when certified, unique) and a unique login. A "
    "refusal is a 422 whose `errors` list every refused row with its number, column, rule ID and reason; a cell "
    "starting with `=`, `+`, `-`, `@`, a tab or CR is refused, never evaluated. Each new employee is published as "
    "`employee.upserted` (and its team as `team.upserted` when it gets a leader). Over IMPORT_MAX_BYTES or "
    "IMPORT_MAX_ROWS is a 413.",
)
async def import_employee_sheet(
    request: Request,
    principal: CurrentCaller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    format_: Annotated[SheetFormat | None, Query(alias="format", description=spreadsheets.FORMAT_DESCRIPTION)] = None,
    content_type: Annotated[str | None, Header()] = None,
) -> ImportResult:
    created = await sheets.import_employees(
        session,
        principal=principal,
        data=await request.body(),
        format_=format_,
        content_type=content_type,
        settings=settings,
        now=now,
    )
    return ImportResult(imported=len(created), employees=[EmployeeRead.model_validate(e) for e in created])


@router.get(
    "/employees",
    response_model=Page[EmployeeRead],
    summary="Search the org directory",
    description=f"{DIRECTORY_READERS} `q` finds a fragment of a name, ignoring case (`小明` finds 王小明), or "
    "the start of an agent number (`A10` finds A1001); `%` and `_` in `q` match themselves. Without `sort`, "
    "the highest level comes first, then by name.",
)
async def list_employees(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=r"^[^\x00-\x1f\x7f]+$",  # no control characters (PostgreSQL refuses NUL in text)
            description="A name fragment or an agent number's start",
        ),
    ] = None,
    team_id: Annotated[uuid.UUID | None, Query()] = None,
    level: Annotated[int | None, Query(ge=1, le=5)] = None,
    active: Annotated[Flag | None, Query(description="Only active (`true`) or only former (`false`) people")] = None,
    sort: Annotated[EmployeeSort | None, Query(description="`name`, or `agent_number` (people without last)")] = None,
) -> Response:
    items, total = await directory.list_employees(
        session,
        principal=principal,
        search=q,
        team_id=team_id,
        level=level,
        active=active,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    # The superior's name comes with each row (`directory.list_employees`): no second lookup.
    return validated_json(Page[EmployeeRead](items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get(
    "/employees/{employee_id}", response_model=EmployeeRead, responses=ETAG_RESPONSES, description=DIRECTORY_READERS
)
async def get_employee(
    employee_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> EmployeeRead:
    employee = await service.read_employee(session, principal=principal, employee_id=employee_id)
    set_etag(response, employee.version)
    return await with_names(session, employee)


@router.patch(
    "/employees/{employee_id}",
    response_model=EmployeeRead,
    responses=IF_MATCH_RESPONSES,
    description=f"Change, transfer, promote, certify or deactivate an employee. {DIRECTORY_WRITERS} The record must "
    "still satisfy ORG-1..ORG-3, and the change reaches every service as `employee.upserted` (ORG-5), with "
    "`team.upserted` when a team gets another leader. Concurrent changes apply one after another, each with the "
    "next version. Send `If-Match` with the `ETag` you read to refuse with 412 a change made by someone else in "
    "the meantime. A promotion, transfer or leave takes effect on the caller's next request. ORG-6: a change "
    "that would leave the person's direct reports without a valid superior is refused (422) listing them in "
    "`affected`, unless `successor_id` names their new superior (for agents, the team's new leader): then they "
    "all move in the same transaction. ORG-7: a leaver's open work passes to `successor_id`, by default their "
    "superior, here at once and in the other services through `employee.left`. ORG-2: an agent joins only a "
    "team that has a leader.",
)
async def update_employee(
    employee_id: uuid.UUID,
    data: EmployeeUpdate,
    principal: CurrentCaller,
    session: DbSession,
    now: Now,
    if_match: IfMatch,
    response: Response,
) -> EmployeeRead:
    employee = await service.update_employee(
        session, principal=principal, employee_id=employee_id, data=data, now=now, if_match=if_match
    )
    set_etag(response, employee.version)
    return await with_names(session, EmployeeRead.model_validate(employee))
