"""Raw metrics by event (PRF-2): the same batch handling as over HTTP."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.ingest import MetricBatchSubmittedV1
from callcenter_shared.envelope import Envelope
from performance.kpi import ingest


async def on_metric_batch_submitted(session: AsyncSession, event: MetricBatchSubmittedV1, envelope: Envelope) -> None:
    await ingest.ingest_batch(session, source=event.source, batch_id=event.batch_id, rows=event.rows, now=envelope.time)
