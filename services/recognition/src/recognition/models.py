"""Every table of the service, imported so that migrations and the app see them all."""

from recognition.award.models import Award, Grant, MaterialPool, Nomination
from recognition.competition.models import (
    Competition,
    CompetitionCategory,
    CompetitionJudge,
    CompetitionScore,
    Entrant,
    TrainingPlan,
    TrainingSession,
)
from recognition.praise.models import (
    PointsBalance,
    PointsLedger,
    Praise,
    PraiseAllowance,
    ReciprocityFlag,
    Redemption,
    Reward,
)
from recognition.track.models import AgentPeriodResult, QaResult, TrackPeriod, TrackRule

__all__ = [
    "AgentPeriodResult",
    "Award",
    "Competition",
    "CompetitionCategory",
    "CompetitionJudge",
    "CompetitionScore",
    "Entrant",
    "Grant",
    "MaterialPool",
    "Nomination",
    "PointsBalance",
    "PointsLedger",
    "Praise",
    "PraiseAllowance",
    "QaResult",
    "ReciprocityFlag",
    "Redemption",
    "Reward",
    "TrackPeriod",
    "TrackRule",
    "TrainingPlan",
    "TrainingSession",
]
