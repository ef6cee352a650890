"""Who may see a case, its customer contact and the reports, and who may act on it.

Every access decision of the service lives here, with the levels named
(`callcenter_shared.levels`); the use cases call these functions (decision 0007).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import acting
from callcenter_shared.auth import Principal
from callcenter_shared.errors import Conflict, Forbidden, NotFound
from callcenter_shared.i18n import Message, t
from callcenter_shared.levels import HasLevel, Level, at_least
from callcenter_shared.org import subordinate_ids, superior_chain
from callcenter_shared.visibility import visible_employee_ids
from escalation.case.models import Case, CaseStatus, CaseStint
from escalation.case.rules import DepartmentRule

MANAGER = Level.DEPUTY_GENERAL_MANAGER  # level 3: the duty chief, and the GM above


async def visible_ids(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Whose cases the caller may list: None means everyone (L3+)."""
    return await visible_employee_ids(session, principal)


async def held_by(session: AsyncSession, case: Case, employee_id: uuid.UUID) -> bool:
    """Whether the employee has held the case at any level."""
    found = await session.scalar(
        select(CaseStint.id).where(CaseStint.case_id == case.id, CaseStint.handler_id == employee_id).limit(1)
    )
    return found is not None


async def in_chain(session: AsyncSession, principal: Principal, case: Case) -> bool:
    """The owner, anyone who held the case, and the owner's superiors: the people who see the contact."""
    me = principal.employee_id
    if me == case.owner_id or me == case.handler_id or await held_by(session, case, me):
        return True
    return any(p.id == me for p in await superior_chain(session, case.owner_id))


async def _can_read(session: AsyncSession, principal: Principal, case: Case) -> bool:
    if principal.employee_id == case.department_handler_id or await in_chain(session, principal, case):
        return True
    visible = await visible_ids(session, principal)
    return visible is None or case.owner_id in visible or case.handler_id in visible


async def _load(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id)
    if lock:
        # Read afresh too: a copy loaded earlier in the session would hide a change committed meanwhile.
        query = query.with_for_update().execution_options(populate_existing=True)
    found = await session.scalar(query)
    if found is None:
        raise NotFound(t("Case {case_id} does not exist.", case_id=case_id))
    return found


async def read(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, lock: bool = False) -> Case:
    """The case, if the caller may see it (owner, handler, their span, or the chain)."""
    case = await _load(session, case_id, lock=lock)
    if not await _can_read(session, principal, case):
        raise Forbidden(t("You may see only cases you own or handle, or those of the people you lead."))
    return case


def require_open(case: Case) -> None:
    """Refuse acting on a resolved case."""
    if case.status != CaseStatus.open:
        raise Conflict(t("Case {number} is resolved; reopen it first.", number=case.number))


async def require_holder(session: AsyncSession, principal: Principal, case: Case, action: Message) -> None:
    """The current handler, or a superior above them in the chain (above the absent person whose seat the handler
    holds, ESC-14), may act on the case."""
    if principal.employee_id == case.handler_id:
        return
    seat = case.acting_for_id or case.handler_id
    if principal.employee_id == seat or any(p.id == principal.employee_id for p in await superior_chain(session, seat)):
        return
    raise Forbidden(
        t(
            "Only the current handler of {number} or a superior above them may {action}.",
            number=case.number,
            action=action,
        )
    )


async def contact_visible_ids(session: AsyncSession, principal: Principal, cases: Sequence[Case]) -> set[uuid.UUID]:
    """Which of `cases` show the customer contact to the caller: only those whose chain they are in."""
    if not cases:
        return set()
    me = principal.employee_id
    below = await subordinate_ids(session, me)
    held = set(
        (
            await session.scalars(
                select(CaseStint.case_id).where(
                    CaseStint.handler_id == me, CaseStint.case_id.in_([c.id for c in cases])
                )
            )
        ).all()
    )
    return {c.id for c in cases if c.owner_id == me or c.owner_id in below or c.id in held}


def held_by_clause(case_id: ColumnElement[uuid.UUID], employee_id: Any) -> ColumnElement[bool]:
    """Inside a statement over cases: whether the employee has held the case at any level (`held_by`)."""
    return exists().where(CaseStint.case_id == case_id, CaseStint.handler_id == employee_id)


async def contact_shown_ids(
    session: AsyncSession, principal: Principal, cases: Iterable[tuple[uuid.UUID, uuid.UUID, bool]]
) -> set[uuid.UUID]:
    """`contact_visible_ids` for `(case id, owner id, held by the caller)` rows read with `held_by_clause`:
    the caller's subordinates are read only when a case is neither theirs nor held by them."""
    me = principal.employee_id
    shown: set[uuid.UUID] = set()
    others: list[tuple[uuid.UUID, uuid.UUID]] = []
    for case_id, owner_id, held in cases:
        if owner_id == me or held:
            shown.add(case_id)
        else:
            others.append((case_id, owner_id))
    if others:
        below = await subordinate_ids(session, me)
        shown |= {case_id for case_id, owner_id in others if owner_id in below}
    return shown


def require_reports_reader(principal: Principal) -> None:
    """Center-wide reports are for level 3 and above."""
    if not at_least(principal, MANAGER):
        raise Forbidden(t("Center-wide case reports are for level 3 and above."))


def require_category_admin(principal: Principal) -> None:
    """Case categories and their time limits (ESC-2) are set by level 3 and above."""
    if not at_least(principal, MANAGER):
        raise Forbidden(t("Only level 3 and above may change case categories and their time limits."))


def require_department_coordinator(principal: Principal) -> None:
    """Cross-department cases (ESC-10) are coordinated by the duty chief (L3) or the GM."""
    if not at_least(principal, MANAGER):
        raise DepartmentRule(t("Cross-department cases are coordinated by the duty chief (level 3) or the GM."))


def verifies_complaints(principal: HasLevel) -> bool:
    """A team leader or above verifies complaints in their own right (ESC-12); a deputy only while acting."""
    return at_least(principal, Level.TEAM_LEADER)


async def require_complaint_verifier(session: AsyncSession, principal: Principal, case: Case) -> uuid.UUID | None:
    """A team leader or above who sees the case verifies that its complaint is attributable (ESC-12), or the
    deputy of such a leader while the leader is on leave (LEV-7). Returns the absent leader acted for, if any."""
    if verifies_complaints(principal):
        if not await _can_read(session, principal, case):
            raise Forbidden(t("You may see only cases you own or handle, or those of the people you lead."))
        return None

    async def could_verify(absent: Principal) -> bool:
        return at_least(absent, Level.TEAM_LEADER) and await _can_read(session, absent, case)

    absent = await acting.stands_in_for(session, principal, could_verify)
    if absent is None:
        raise Forbidden(t("Only a team leader or above verifies that a complaint is attributable to an agent."))
    return absent.id


async def load(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False) -> Case:
    """The case, whoever asks: for a decision whose own check says who may see it."""
    return await _load(session, case_id, lock=lock)
