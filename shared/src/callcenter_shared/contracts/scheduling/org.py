"""Events of the org directory: teams and employees, the source of every read copy (ORG-1..7)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from callcenter_shared.envelope import Event


class TeamUpsertedV1(Event):
    """Published when a team is created or changed."""

    subject = "callcenter.scheduling.team.upserted.v1"

    team_id: uuid.UUID
    name: str
    leader_id: uuid.UUID | None = None
    active: bool = True
    version: int = Field(ge=1, description="Increases with every change; readers keep the highest.")

    def key(self) -> str:
        return str(self.team_id)


class EmployeeUpsertedV1(Event):
    """Published when an employee is hired, changed, transferred, promoted or leaves."""

    subject = "callcenter.scheduling.employee.upserted.v1"

    employee_id: uuid.UUID
    name: str
    level: int = Field(ge=1, le=5, description="ORG-1: 1 agent ... 5 executive in charge")
    superior_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    agent_number: str | None = None
    certified: bool = False
    probation_end_date: date | None = None
    birthday: date | None = None
    hire_date: date | None = None
    active: bool = True
    version: int = Field(ge=1, description="Increases with every change; readers keep the highest.")
    external_id: str | None = Field(
        default=None, max_length=255, description="The login: the identity provider's claim that names the person"
    )

    def key(self) -> str:
        return str(self.employee_id)


class EmployeeLeftV1(Event):
    """Published when an employee leaves (is deactivated): their open work passes to the successor (ORG-7).

    A fact to act on once, next to the `employee.upserted` that records the new state: each service
    that holds work waiting on the leaver moves it to `successor_id` and records the move.
    """

    subject = "callcenter.scheduling.employee.left.v1"

    employee_id: uuid.UUID
    successor_id: uuid.UUID = Field(description="Who takes over the leaver's open work (ORG-7)")
    version: int = Field(ge=1, description="The leaver's directory version that records the departure")
    left_at: datetime

    def key(self) -> str:
        return str(self.employee_id)
