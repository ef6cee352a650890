"""`Idempotency-Key` on creating POSTs: a retried request gets the first response back.

The key is scoped to the caller (the token's subject). The first request with a key
claims it; its response (if not a server error) is stored and replayed to later
requests with the same key and the same body. The same key with a different body is
refused (422).

A claim is a lease (`IDEMPOTENCY_LEASE_SECONDS`) that a heartbeat renews while the
request runs, so a retry meanwhile gets 409. When the lease lapses (the server died)
and nothing was committed, one retry takes the key over by compare-and-set on its
`claim_id` and runs the request. The business transaction marks the key committed
(`Claim.mark_committed`, called by the request's session dependency) in the same commit as
the change, so a request that committed but whose response was lost is never run
again: retries get 409 `idempotency-request-completed`. Finished keys are kept for
`IDEMPOTENCY_REPLAY_HOURS`; pruning them is the retention job's work.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter_shared.auth import TokenVerifier, bearer_token
from callcenter_shared.clock import Clock
from callcenter_shared.db import dialect_insert_for, execute_alone
from callcenter_shared.errors import Conflict, DomainError, problem_body, send_problem
from callcenter_shared.i18n import t
from callcenter_shared.tables import idempotency_key
from callcenter_shared.web import IDEMPOTENCY_CLAIM

log = logging.getLogger(__name__)

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 200
# Renewals per lease: two may be missed (a slow database) before the lease lapses.
BEATS_PER_LEASE = 3


def _this_claim() -> ColumnElement[bool]:
    return (
        (idempotency_key.c.principal == bindparam("the_principal"))
        & (idempotency_key.c.key == bindparam("the_key"))
        & (idempotency_key.c.claim_id == bindparam("the_claim"))
    )


# The statements every keyed request runs, built once (building them per request cost more than running them).
_CLAIM = {
    dialect: dialect_insert_for(dialect)(idempotency_key)
    .values(
        principal=bindparam("the_principal"),
        key=bindparam("the_key"),
        request_hash=bindparam("the_hash"),
        created_at=bindparam("now"),
        claim_id=bindparam("the_claim"),
        lease_expires_at=bindparam("lease_end"),
    )
    .on_conflict_do_nothing()
    .returning(idempotency_key.c.claim_id)
    for dialect in ("postgresql", "sqlite")
}
_MARK_COMMITTED = (
    update(idempotency_key)
    .where(_this_claim(), idempotency_key.c.committed_at.is_(None))
    .values(committed_at=bindparam("now"))
)
_STORE_RESPONSE = (
    update(idempotency_key)
    .where(_this_claim())
    .values(
        status_code=bindparam("status"),
        content_type=bindparam("type"),
        response_body=bindparam("body"),
        completed_at=bindparam("now"),
        lease_expires_at=None,
    )
)
_FORGET = delete(idempotency_key).where(_this_claim(), idempotency_key.c.committed_at.is_(None))
_RENEW = (
    update(idempotency_key)
    .where(_this_claim(), idempotency_key.c.status_code.is_(None))
    .values(lease_expires_at=bindparam("lease_end"))
)


@dataclass(frozen=True)
class Claim:
    principal: str
    key: str
    claim_id: str

    def parameters(self) -> dict[str, str]:
        return {"the_principal": self.principal, "the_key": self.key, "the_claim": self.claim_id}

    async def mark_committed(self, session: AsyncSession, now: datetime) -> None:
        """Record, inside the request's own transaction, that its change is committed.

        Refuses (and so rolls the change back) when another attempt took the key over
        after this one's lease lapsed: only the holder of the claim may commit.
        """
        result = await session.execute(_MARK_COMMITTED, {**self.parameters(), "now": now})
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise KeyTakenOver(
                t(
                    "This request's lease on its Idempotency-Key lapsed and a retry took the key over; nothing "
                    "was changed by this request."
                )
            )


class KeyTakenOver(Conflict):
    slug = "idempotency-key-taken-over"


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key_bytes = headers.get(HEADER)
        if key_bytes is None:  # a header sent empty is refused below, as the OpenAPI document says
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        key = key_bytes.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            await send_problem(
                send,
                scope,
                problem_body(
                    422,
                    t("Invalid input"),
                    t("Idempotency-Key must be 1 to {limit} characters.", limit=MAX_KEY_LENGTH),
                    "invalid-input",
                ),
            )
            return
        principal = await _principal_of(state.verifier, headers.get(b"authorization", b""))
        if principal is None:
            await self.app(scope, receive, send)  # the route answers 401
            return

        body = await _read_body(receive)
        digest = hashlib.sha256(scope["method"].encode() + b" " + scope["path"].encode() + b"\n" + body).hexdigest()
        keys = _Keys(state.engine, state.clock, timedelta(seconds=state.settings.idempotency_lease_seconds))
        claim = Claim(principal, key, str(uuid.uuid4()))
        refusal = await keys.claim(claim, digest, send, scope)
        if refusal:
            return

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}
        held: list[Message] = []

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"].extend(message.get("body", b""))
            held.append(message)

        stop = asyncio.Event()
        heartbeat = asyncio.create_task(keys.heartbeat(claim, stop))
        scope[IDEMPOTENCY_CLAIM] = claim
        try:
            await self.app(scope, replay_body, capture)
        finally:
            # Stopped, not cancelled: a renewal in flight finishes and returns its connection.
            stop.set()
            await heartbeat
            await keys.finish(claim, captured)
        # Answered only once stored: a retry sent the moment this answer arrives gets it replayed, not 409.
        for message in held:
            await send(message)


class _Keys:
    """The key table's statements, each a transaction of its own (one round trip on PostgreSQL)."""

    def __init__(self, engine: AsyncEngine, clock: Clock, lease: timedelta) -> None:
        self.engine = engine
        self.clock = clock
        self.lease = lease

    async def claim(self, claim: Claim, digest: str, send: Send, scope: Scope) -> bool:
        """Claim the key for this attempt; True when the request was answered instead."""
        now = self.clock.now()
        where = (idempotency_key.c.principal == claim.principal) & (idempotency_key.c.key == claim.key)
        # The first attempt inserts its claim; any other finds the row there and reads it.
        inserted = await execute_alone(
            self.engine,
            _CLAIM[self.engine.dialect.name],
            {**claim.parameters(), "the_hash": digest, "now": now, "lease_end": now + self.lease},
        )
        if inserted.first() is not None:
            return False
        existing = (await execute_alone(self.engine, select(idempotency_key).where(where))).first()
        if existing is None:  # pruned between the two statements: the caller may simply retry
            await send_problem(send, scope, _in_progress())
            return True
        if existing.request_hash != digest:
            await send_problem(send, scope, _reused())
            return True
        if existing.status_code is not None:
            await _send(
                send,
                existing.status_code,
                existing.response_body.encode(),
                existing.content_type or "application/json",
                [(b"idempotent-replayed", b"true")],
            )
            return True
        lease_held = existing.lease_expires_at is not None and existing.lease_expires_at > now
        if lease_held:
            await send_problem(send, scope, _in_progress())
            return True
        if existing.committed_at is not None:
            await send_problem(send, scope, _completed())
            return True
        # The holder's lease lapsed with nothing committed: take over, unless another retry just did.
        taken = await execute_alone(
            self.engine,
            update(idempotency_key)
            .where(
                where,
                idempotency_key.c.claim_id.is_not_distinct_from(existing.claim_id),
                idempotency_key.c.status_code.is_(None),
                idempotency_key.c.committed_at.is_(None),
            )
            .values(claim_id=claim.claim_id, lease_expires_at=now + self.lease),
        )
        if taken.rowcount != 1:
            await send_problem(send, scope, _in_progress())
            return True
        log.info("idempotency key %r of %s taken over after its lease lapsed", claim.key, claim.principal)
        return False

    async def heartbeat(self, claim: Claim, stop: asyncio.Event) -> None:
        interval = self.lease.total_seconds() / BEATS_PER_LEASE
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval):  # not wait_for: it can swallow a cancel on 3.11
                    await stop.wait()
                return
            try:
                await execute_alone(
                    self.engine, _RENEW, {**claim.parameters(), "lease_end": self.clock.now() + self.lease}
                )
            except Exception as exc:  # the next beat tries again; the lease covers two misses
                log.warning("idempotency lease renewal failed: %s", exc)

    async def finish(self, claim: Claim, captured: dict[str, Any]) -> None:
        if captured["status"] >= 500:
            # Nothing was committed: let the client try again at once. When something was,
            # the row stays and retries hear that the request completed.
            await execute_alone(self.engine, _FORGET, claim.parameters())
            return
        content_type = dict(captured["headers"]).get(b"content-type", b"application/json")
        await execute_alone(
            self.engine,
            _STORE_RESPONSE,
            {
                **claim.parameters(),
                "status": captured["status"],
                "type": content_type.decode("latin-1"),
                "body": bytes(captured["body"]).decode("utf-8", "replace"),
                "now": self.clock.now(),
            },
        )


async def _principal_of(verifier: TokenVerifier, authorization: bytes) -> str | None:
    token = bearer_token(authorization.decode("latin-1"))
    if token is None:
        return None
    try:
        return (await verifier.verify(token)).key
    except DomainError:
        return None


async def _read_body(receive: Receive) -> bytes:
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.extend(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return bytes(chunks)


def _in_progress() -> dict[str, Any]:
    return problem_body(
        409,
        t("Conflict"),
        t("A request with this Idempotency-Key is still being processed; retry later."),
        "idempotency-in-progress",
    )


def _completed() -> dict[str, Any]:
    return problem_body(
        409,
        t("Conflict"),
        t(
            "A request with this Idempotency-Key was completed, but its response was lost; "
            "read the resource instead of retrying."
        ),
        "idempotency-request-completed",
    )


def _reused() -> dict[str, Any]:
    return problem_body(
        422,
        t("Invalid input"),
        t("This Idempotency-Key was already used for a different request."),
        "idempotency-key-reused",
    )


async def _send(send: Send, status: int, body: bytes, content_type: str, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
