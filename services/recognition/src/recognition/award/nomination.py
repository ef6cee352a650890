"""Nominating a colleague or a team for an award (REC-2): what the rules need read in one statement, then one insert.

The statements are built once at import and run with parameters; the answer is made from what was written
and read, with no ORM object in between.
"""

from __future__ import annotations

import typing
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.errors import Forbidden, InvalidInput, NotFound
from callcenter_shared.i18n import t
from callcenter_shared.org import get_person, org_employee, org_team
from recognition.award.models import Award, AwardScope, Nomination, NominationStatus
from recognition.award.schemas import NominationCreate, NominationRead

award = typing.cast(Table, Award.__table__)
nomination = typing.cast(Table, Nomination.__table__)
nominee = org_employee.alias("nominee")
nominator = org_employee.alias("nominator")

# The award, the nominee, the team and the nominator's name: left joins on the keys, so a missing
# nominee or team reads as nulls and a missing award as no row.
_RULE_FACTS = (
    select(
        award.c.name,
        award.c.active,
        award.c.automatic,
        award.c.scope,
        nominee.c.id.label("nominee_id"),
        nominee.c.name.label("nominee_name"),
        nominee.c.active.label("nominee_active"),
        org_team.c.id.label("team_id"),
        nominator.c.name.label("nominator_name"),
    )
    .select_from(award)
    .outerjoin(nominee, nominee.c.id == bindparam("nominee_id", type_=nominee.c.id.type))
    .outerjoin(org_team, org_team.c.id == bindparam("team_id", type_=org_team.c.id.type))
    .outerjoin(nominator, nominator.c.id == bindparam("nominated_by", type_=nominator.c.id.type))
    .where(award.c.id == bindparam("award_id", type_=award.c.id.type))
)
_INSERT = insert(nomination)


async def nominate(
    session: AsyncSession, *, principal: Principal, data: NominationCreate, now: datetime
) -> NominationRead:
    """A leader or a peer nominates someone (or a team) for an award, with a reason and evidence."""
    facts: Any = (
        await session.execute(
            _RULE_FACTS,
            {
                "award_id": data.award_id,
                "nominee_id": data.nominee_id,
                "team_id": data.team_id,
                "nominated_by": principal.employee_id,
            },
        )
    ).first()
    if facts is None:
        raise NotFound(t("Award {award_id} does not exist.", award_id=data.award_id))
    if not facts.active:
        raise InvalidInput(t("The award {name} is no longer given.", name=facts.name))
    if facts.automatic:
        raise InvalidInput(
            t("{name} is granted automatically by its track; it cannot be nominated for.", name=facts.name)
        )
    if facts.scope == AwardScope.individual and data.nominee_id is None:
        raise InvalidInput(t("{name} is an individual award: name a nominee_id.", name=facts.name))
    if facts.scope == AwardScope.team and data.team_id is None:
        raise InvalidInput(t("{name} is a team award: name a team_id.", name=facts.name))
    nominee_name: str | None = facts.nominee_name
    if data.nominee_id is not None:
        nominee_active = facts.nominee_active
        if facts.nominee_id is None:  # refused (404) as an unknown person is everywhere, unless just arrived
            person = await get_person(session, data.nominee_id)
            nominee_active, nominee_name = person.active, person.name
        if not nominee_active:
            raise InvalidInput(t("{name} has left the company.", name=nominee_name))
        if data.nominee_id == principal.employee_id:
            raise Forbidden(t("You cannot nominate yourself; ask a colleague or your leader."))
    if data.team_id is not None and facts.team_id is None:
        raise NotFound(t("Team {team_id} is not known here (yet).", team_id=data.team_id))
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "award_id": data.award_id,
        "nominee_id": data.nominee_id,
        "team_id": data.team_id,
        "nominated_by": principal.employee_id,
        "reason": data.reason,
        "evidence_links": [str(link) for link in data.evidence_links],
        "status": NominationStatus.pending.value,
        "created_at": now,
    }
    await session.execute(_INSERT, row)
    return NominationRead.model_construct(
        **row,
        nominee_name=nominee_name,
        nominated_by_name=facts.nominator_name,
        decided_by=None,
        decided_by_name=None,
        acting_for_id=None,
        acting_for_name=None,
        decided_at=None,
        decision_note=None,
        grant_id=None,
    )
