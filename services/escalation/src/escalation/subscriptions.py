"""The events escalation consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.contracts.scheduling import (
    DelegationEndedV1,
    DelegationStartedV1,
    EmployeeLeftV1,
    HandoverItemEscalationRequestedV1,
)
from callcenter_shared.inbox import Subscriptions
from callcenter_shared.org import ORG_SUBSCRIPTIONS
from escalation.case.handlers import (
    on_delegation_ended,
    on_delegation_started,
    on_employee_left,
    on_handover_item_escalation_requested,
)

SUBSCRIPTIONS: Subscriptions = {
    **ORG_SUBSCRIPTIONS,
    HandoverItemEscalationRequestedV1: on_handover_item_escalation_requested,
    EmployeeLeftV1: on_employee_left,  # ORG-7, ESC-14
    DelegationStartedV1: on_delegation_started,  # LEV-7, ESC-14
    DelegationEndedV1: on_delegation_ended,  # LEV-7, ESC-14
}
