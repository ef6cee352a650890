"""`Idempotency-Key` on creating POSTs: a retried request gets the first response back.

The key is scoped to the caller (the token's subject). The first request with a key
claims it; its response (if not a server error) is stored and replayed to later
requests with the same key and the same body. The same key with a different body is
refused (422); a retry while the first is still running gets 409.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter_shared.auth import TokenVerifier, bearer_token
from callcenter_shared.clock import Clock
from callcenter_shared.errors import PROBLEM_JSON, DomainError, problem_body
from callcenter_shared.tables import idempotency_key

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 200


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key_bytes = headers.get(HEADER)
        if not key_bytes:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        key = key_bytes.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            await _send_problem(
                send,
                problem_body(
                    422, "Invalid input", f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", "invalid-input"
                ),
            )
            return
        principal = await _principal_of(state.verifier, headers.get(b"authorization", b""))
        if principal is None:
            await self.app(scope, receive, send)  # the route answers 401
            return

        body = await _read_body(receive)
        digest = hashlib.sha256(scope["method"].encode() + b" " + scope["path"].encode() + b"\n" + body).hexdigest()
        factory: async_sessionmaker[AsyncSession] = state.session_factory
        clock: Clock = state.clock

        async with factory() as session, session.begin():
            existing = (
                await session.execute(
                    select(idempotency_key).where(
                        idempotency_key.c.principal == principal, idempotency_key.c.key == key
                    )
                )
            ).first()
        if existing is not None:
            await _answer_existing(send, existing, digest)
            return
        try:
            async with factory() as session, session.begin():
                await session.execute(
                    insert(idempotency_key).values(
                        principal=principal, key=key, request_hash=digest, created_at=clock.now()
                    )
                )
        except IntegrityError:
            await _send_problem(send, _in_progress())
            return

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"].extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            async with factory() as session, session.begin():
                where = (idempotency_key.c.principal == principal) & (idempotency_key.c.key == key)
                if captured["status"] >= 500:
                    # Nothing was done (or it is unknown): let the client try again.
                    await session.execute(delete(idempotency_key).where(where))
                else:
                    content_type = dict(captured["headers"]).get(b"content-type", b"application/json")
                    await session.execute(
                        update(idempotency_key)
                        .where(where)
                        .values(
                            status_code=captured["status"],
                            content_type=content_type.decode("latin-1"),
                            response_body=bytes(captured["body"]).decode("utf-8", "replace"),
                            completed_at=clock.now(),
                        )
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
        "Conflict",
        "A request with this Idempotency-Key is still being processed; retry later.",
        "idempotency-in-progress",
    )


async def _answer_existing(send: Send, existing: Any, digest: str) -> None:
    if existing.request_hash != digest:
        await _send_problem(
            send,
            problem_body(
                422,
                "Invalid input",
                "This Idempotency-Key was already used for a different request.",
                "idempotency-key-reused",
            ),
        )
    elif existing.status_code is None:
        await _send_problem(send, _in_progress())
    else:
        await _send(
            send,
            existing.status_code,
            existing.response_body.encode(),
            existing.content_type or "application/json",
            [(b"idempotent-replayed", b"true")],
        )


async def _send_problem(send: Send, body: dict[str, Any]) -> None:
    await _send(send, body["status"], json.dumps(body).encode(), PROBLEM_JSON, [])


async def _send(send: Send, status: int, body: bytes, content_type: str, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
