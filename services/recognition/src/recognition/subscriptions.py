"""The events recognition consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.acting import ACTING_SUBSCRIPTIONS
from callcenter_shared.contracts.performance import (
    AgentPeriodScorecardClosedV1,
    KpiPeriodClosedV1,
    QaEvaluationFinalizedV1,
)
from callcenter_shared.inbox import Subscriptions
from callcenter_shared.org import ORG_SUBSCRIPTIONS
from recognition.track.handlers import (
    on_agent_period_scorecard_closed,
    on_kpi_period_closed,
    on_qa_evaluation_finalized,
)

SUBSCRIPTIONS: Subscriptions = {
    **ORG_SUBSCRIPTIONS,
    **ACTING_SUBSCRIPTIONS,  # LEV-7
    AgentPeriodScorecardClosedV1: on_agent_period_scorecard_closed,
    KpiPeriodClosedV1: on_kpi_period_closed,
    QaEvaluationFinalizedV1: on_qa_evaluation_finalized,
}
