"""The events scheduling consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.contracts.escalation import CaseResolvedV1
from callcenter_shared.contracts.performance import ReviewReassessedV1, ReviewTrainingStartedV1
from callcenter_shared.inbox import Subscriptions
from scheduling.handover.handlers import on_case_resolved
from scheduling.roster.handlers import on_reassessed, on_training_started

SUBSCRIPTIONS: Subscriptions = {
    CaseResolvedV1: on_case_resolved,  # HND-6, HND-8
    ReviewTrainingStartedV1: on_training_started,  # PRF-9
    ReviewReassessedV1: on_reassessed,  # PRF-9
}
