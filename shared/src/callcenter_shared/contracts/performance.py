"""Events published by the performance service (stream CALLCENTER_PERFORMANCE)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.envelope import Event


class QaEvaluationReleasedV1(Event):
    """Published when a QA evaluation is released to the agent (QA-3)."""

    subject = "callcenter.performance.qa_evaluation.released.v1"

    evaluation_id: uuid.UUID
    agent_id: uuid.UUID
    evaluator_id: uuid.UUID
    scorecard_id: uuid.UUID
    scorecard_version: int = Field(ge=1)
    interaction_id: str
    score: float = Field(ge=0, le=100)
    failed_critical: bool = False
    released_at: datetime

    def key(self) -> str:
        return str(self.evaluation_id)


class QaEvaluationFinalizedV1(Event):
    """Published when an evaluation can no longer change: undisputed in time, or a dispute resolved (QA-4)."""

    subject = "callcenter.performance.qa_evaluation.finalized.v1"

    evaluation_id: uuid.UUID
    agent_id: uuid.UUID
    score: float = Field(ge=0, le=100)
    outcome: Literal["undisputed", "upheld", "adjusted"]
    finalized_at: datetime

    def key(self) -> str:
        return str(self.evaluation_id)


class KpiResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    kpi_code: str
    value: float | None = Field(description="None when the agent had no data for this KPI")
    attainment: float | None = Field(
        default=None, description="Value against target, 1.0 = on target, direction applied"
    )


class AgentPeriodScorecardClosedV1(Event):
    """Published for each agent when a KPI period closes, before the period's summary event (PRF-3)."""

    subject = "callcenter.performance.agent_period_scorecard.closed.v1"

    period_id: uuid.UUID
    period_start: date
    period_end: date
    agent_id: uuid.UUID
    team_id: uuid.UUID | None = None
    composite: float
    rank_in_team: int = Field(ge=1)
    rank_in_center: int = Field(ge=1)
    new_hire: bool = Field(default=False, description="PRF-8: measured against new-hire targets")
    kpis: list[KpiResult] = Field(default_factory=list)

    def key(self) -> str:
        return f"{self.period_id}:{self.agent_id}"


class KpiPeriodClosedV1(Event):
    """Published once a period is closed, after every agent's scorecard event (PRF-3).

    Readers that need every agent's result wait until they hold `agent_count` of them.
    """

    subject = "callcenter.performance.kpi_period.closed.v1"

    period_id: uuid.UUID
    period_start: date
    period_end: date
    agent_count: int = Field(ge=0)
    closed_at: datetime

    def key(self) -> str:
        return str(self.period_id)


class ReviewFlaggedV1(Event):
    """Published when an agent is flagged for bottom-rank review, with the rule that fired (PRF-7)."""

    subject = "callcenter.performance.review.flagged.v1"

    review_id: uuid.UUID
    agent_id: uuid.UUID
    rule: str = Field(description="PRF-7a .. PRF-7e")
    evidence: str
    flagged_at: datetime

    def key(self) -> str:
        return str(self.agent_id)


class QaEvaluationDisputedV1(Event):
    """Published when an agent disputes a released evaluation within the dispute window (QA-4)."""

    subject = "callcenter.performance.qa_evaluation.disputed.v1"

    evaluation_id: uuid.UUID
    agent_id: uuid.UUID
    evaluator_id: uuid.UUID
    reason: str
    disputed_at: datetime

    def key(self) -> str:
        return str(self.evaluation_id)


class CoachingItemCreatedV1(Event):
    """Published when a coaching item is opened for a leader, by hand or for a falling KPI trend (PRF-6)."""

    subject = "callcenter.performance.coaching_item.created.v1"

    coaching_id: uuid.UUID
    agent_id: uuid.UUID
    leader_id: uuid.UUID | None = None
    origin: Literal["interview", "falling_trend"]
    follow_up_due: date | None = None
    created_at: datetime

    def key(self) -> str:
        return str(self.coaching_id)


class ReviewTrainingStartedV1(Event):
    """Published when a flagged agent is taken off post for training (PRF-7)."""

    subject = "callcenter.performance.review.training_started.v1"

    review_id: uuid.UUID
    agent_id: uuid.UUID
    recorded_by: uuid.UUID
    note: str
    started_at: datetime

    def key(self) -> str:
        return str(self.agent_id)


class ReviewReassessedV1(Event):
    """Published when a flagged agent's re-assessment is recorded: back on post or referred to HR (PRF-7)."""

    subject = "callcenter.performance.review.reassessed.v1"

    review_id: uuid.UUID
    agent_id: uuid.UUID
    recorded_by: uuid.UUID
    passed: bool
    outcome: Literal["back_on_post", "referred_to_hr"]
    note: str
    reassessed_at: datetime

    def key(self) -> str:
        return str(self.agent_id)
