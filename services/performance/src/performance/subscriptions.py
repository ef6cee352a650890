"""The events performance consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.acting import ACTING_SUBSCRIPTIONS
from callcenter_shared.contracts.escalation import CaseShirkedV1, ComplaintAttributedV1
from callcenter_shared.contracts.ingest import MetricBatchSubmittedV1
from callcenter_shared.contracts.scheduling import EmployeeLeftV1, HandoverLateV1
from callcenter_shared.inbox import Subscriptions
from callcenter_shared.org import ORG_SUBSCRIPTIONS
from performance.coaching.handlers import on_employee_left
from performance.kpi.handlers import on_metric_batch_submitted
from performance.review.handlers import complaint_handler, handover_late_handler, shirk_handler
from performance.settings import Settings


def subscriptions(settings: Settings) -> Subscriptions:
    """Handlers that apply policy limits are built with the service's settings."""
    return {
        **ORG_SUBSCRIPTIONS,
        **ACTING_SUBSCRIPTIONS,  # LEV-7
        ComplaintAttributedV1: complaint_handler(settings),  # PRF-7a
        HandoverLateV1: handover_late_handler(settings),  # PRF-7d
        CaseShirkedV1: shirk_handler(settings),  # PRF-10 → PRF-7d
        MetricBatchSubmittedV1: on_metric_batch_submitted,  # PRF-2
        EmployeeLeftV1: on_employee_left,  # ORG-7
    }
