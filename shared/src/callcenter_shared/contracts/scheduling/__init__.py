"""Events published by the scheduling service (stream CALLCENTER_SCHEDULING).

One module per domain package of the service (org, leave, swap, offer, handover); import the
events from here.
"""

from __future__ import annotations

from callcenter_shared.contracts.scheduling.handover import (
    HandoverCompletedV1,
    HandoverEquipmentDamagedV1,
    HandoverItemEscalationRequestedV1,
    HandoverItemResolvedV1,
    HandoverLateV1,
)
from callcenter_shared.contracts.scheduling.leave import (
    DelegationEndedV1,
    DelegationStartedV1,
    LeaveApprovedV1,
    LeaveCancelledV1,
    LeavePromotedV1,
    LeaveRejectedV1,
    LeaveRequestedV1,
    LeaveWaitlistedV1,
)
from callcenter_shared.contracts.scheduling.offer import (
    SwapOfferCancelledV1,
    SwapOfferExpiredV1,
    SwapOfferPostedV1,
    SwapOfferTakenV1,
)
from callcenter_shared.contracts.scheduling.org import (
    EmployeeLeftV1,
    EmployeeUpsertedV1,
    TeamUpsertedV1,
)
from callcenter_shared.contracts.scheduling.swap import (
    ShiftGivenAwayV1,
    SwapAcceptedV1,
    SwapApprovedV1,
    SwapCancelledV1,
    SwapEmergencyApprovedV1,
    SwapExpiredV1,
    SwapRejectedV1,
    SwapRequestedV1,
    SwapReversedV1,
    SwapSignedV1,
)

__all__ = [
    "DelegationEndedV1",
    "DelegationStartedV1",
    "EmployeeLeftV1",
    "EmployeeUpsertedV1",
    "HandoverCompletedV1",
    "HandoverEquipmentDamagedV1",
    "HandoverItemEscalationRequestedV1",
    "HandoverItemResolvedV1",
    "HandoverLateV1",
    "LeaveApprovedV1",
    "LeaveCancelledV1",
    "LeavePromotedV1",
    "LeaveRejectedV1",
    "LeaveRequestedV1",
    "LeaveWaitlistedV1",
    "ShiftGivenAwayV1",
    "SwapAcceptedV1",
    "SwapApprovedV1",
    "SwapCancelledV1",
    "SwapEmergencyApprovedV1",
    "SwapExpiredV1",
    "SwapOfferCancelledV1",
    "SwapOfferExpiredV1",
    "SwapOfferPostedV1",
    "SwapOfferTakenV1",
    "SwapRejectedV1",
    "SwapRequestedV1",
    "SwapReversedV1",
    "SwapSignedV1",
    "TeamUpsertedV1",
]
