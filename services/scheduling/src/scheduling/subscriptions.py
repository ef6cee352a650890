"""The events scheduling consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.contracts.escalation import CaseResolvedV1
from callcenter_shared.inbox import Subscriptions
from scheduling.handover.handlers import on_case_resolved

SUBSCRIPTIONS: Subscriptions = {CaseResolvedV1: on_case_resolved}
