"""Events that outside systems (phone platform, CRM) publish into the center (stream CALLCENTER_INGEST)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.envelope import Event


class AgentDailyMetric(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    agent_id: str = Field(description="Employee id (UUID) of the agent")
    day: date
    metric: str = Field(description="Raw metric code, e.g. calls_handled, talk_seconds")
    value: float


class MetricBatchSubmittedV1(Event):
    """Published by a phone or CRM system with a batch of raw per-agent daily metrics (PRF-2)."""

    subject = "callcenter.ingest.metric_batch.submitted.v1"

    source: str = Field(description="The sending system, e.g. 'acd'")
    batch_id: str = Field(description="Re-sending the same batch id changes nothing")
    rows: list[AgentDailyMetric] = Field(max_length=10_000)

    def key(self) -> str:
        return f"{self.source}:{self.batch_id}"
