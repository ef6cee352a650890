"""The events escalation consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.contracts.scheduling import (
    EmployeeUpsertedV1,
    HandoverItemEscalationRequestedV1,
    TeamUpsertedV1,
)
from callcenter_shared.inbox import Subscriptions
from callcenter_shared.org import on_employee_upserted, on_team_upserted
from escalation.case.handlers import on_handover_item_escalation_requested

SUBSCRIPTIONS: Subscriptions = {
    EmployeeUpsertedV1: on_employee_upserted,
    TeamUpsertedV1: on_team_upserted,
    HandoverItemEscalationRequestedV1: on_handover_item_escalation_requested,
}
