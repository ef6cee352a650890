"""What waits for the caller in escalation: cases at their desk, department results, complaints to verify."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.acting import acted_for
from callcenter_shared.auth import Principal
from callcenter_shared.org import org_employee
from callcenter_shared.tasks import Task, TaskPage, names_of, page_of, requester
from escalation import access
from escalation.case.models import Case, CaseStatus
from escalation.category.models import Category

SERVICE = "escalation"


async def my_tasks(session: AsyncSession, *, principal: Principal, now: datetime, limit: int, offset: int) -> TaskPage:
    return page_of(await tasks_of(session, principal, now), limit=limit, offset=offset)


async def tasks_of(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
    """Every step of an escalation workflow that waits for `principal` now."""
    me = principal.employee_id
    at_desk = (await session.scalars(select(Case).where(Case.status == CaseStatus.open, Case.handler_id == me))).all()
    for_department = (
        await session.scalars(
            select(Case).where(
                Case.status == CaseStatus.open, Case.department_handler_id == me, Case.department_result.is_(None)
            )
        )
    ).all()
    # A leader's complaints to verify wait for their deputy while they are on leave (LEV-7).
    verifiers = {me} | {p.id for p in await acted_for(session, me) if access.verifies_complaints(p)}
    to_verify = (
        await session.scalars(
            select(Case)
            .join(Category, Category.id == Case.category_id)
            .join(org_employee, org_employee.c.id == Case.named_agent_id)
            .where(
                Category.attributable.is_(True),
                Case.attributed_agent_id.is_(None),
                org_employee.c.superior_id.in_(verifiers),
            )
        )
    ).all()
    cases = [*at_desk, *for_department, *to_verify]
    names = await names_of(
        session,
        [c.owner_id for c in cases] + [c.named_agent_id for c in to_verify] + [c.acting_for_id for c in at_desk],
        org_employee,
    )

    def acting(case: Case) -> str:
        """The title's tail when the caller holds the case for someone absent (ESC-14, LEV-7)."""
        if case.acting_for_id is None:
            return ""
        return f", for {names.get(case.acting_for_id, 'your leader')}, who is away: you act for them (ESC-14)"

    def task(case: Case, **fields: Any) -> Task:
        return Task(service=SERVICE, object_id=case.id, link=f"/v1/cases/{case.id}", **fields)

    return [
        *(
            task(
                case,
                kind="case.handle",
                title=f"Case {case.number} ({case.category_code}) is at your desk at level {case.level}{acting(case)}",
                requested_by=requester(case.owner_id, names) if case.owner_id != me else None,
                since=case.level_started_at,
                due_at=case.level_due_at if case.paused_at is None else None,  # a paused clock is due nowhere
            )
            for case in at_desk
        ),
        *(
            task(
                case,
                kind="case.department_result",
                title=f"Report your department's result on case {case.number}",
                requested_by=requester(case.owner_id, names),
                since=case.updated_at,
            )
            for case in for_department
        ),
        *(
            task(
                case,
                kind="complaint.verify",
                title=(
                    f"Verify whether the complaint of case {case.number} is attributable to "
                    f"{names.get(case.named_agent_id, 'your agent') if case.named_agent_id else 'your agent'}"
                ),
                requested_by=requester(case.owner_id, names),
                since=case.opened_at,
            )
            for case in to_verify
        ),
    ]
