"""Every table of the service, imported so that migrations and the app see them all."""

from performance.coaching.models import Coaching, CoachingFollowUp
from performance.kpi.models import (
    AgentPeriodKpi,
    AgentPeriodResult,
    BonusPoint,
    KpiDefinition,
    KpiPeriod,
    MetricBatch,
    PeriodAdjustment,
    PeriodKpi,
    RawMetric,
)
from performance.qa.models import (
    Calibration,
    Dispute,
    Evaluation,
    EvaluationAnswer,
    Scorecard,
    ScorecardItem,
    ScorecardSection,
)
from performance.review.models import Complaint, Review, ReviewStep, TrainingResult, Violation

__all__ = [
    "AgentPeriodKpi",
    "AgentPeriodResult",
    "BonusPoint",
    "Calibration",
    "Coaching",
    "CoachingFollowUp",
    "Complaint",
    "Dispute",
    "Evaluation",
    "EvaluationAnswer",
    "KpiDefinition",
    "KpiPeriod",
    "MetricBatch",
    "PeriodAdjustment",
    "PeriodKpi",
    "RawMetric",
    "Review",
    "ReviewStep",
    "Scorecard",
    "ScorecardItem",
    "ScorecardSection",
    "TrainingResult",
    "Violation",
]
