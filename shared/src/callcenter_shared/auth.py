"""Who is calling: the bearer token says who, the org directory says what they are.

A token only identifies the caller. Its signature, `iss`, `aud` and `exp` are checked
(with `JWT_LEEWAY_SECONDS` of clock skew); the keys come from the identity provider's
JWKS (`JWT_JWKS_URL` or OIDC discovery), a static `JWT_PUBLIC_KEY`, or, outside
production, the development secret. The claim `JWT_EMPLOYEE_CLAIM` (default `sub`) is
the person's login, looked up as `external_id` in the service's own copy of the
directory; level, team and superior come from that row, so a promotion or a leaver
takes effect on the next request (through another replica, within `CALLER_CACHE_SECONDS`).
Level or team claims in a token are ignored. A verified token is remembered until it expires
(and, with a key set, while its key is listed), so its signature is checked once.

Systems that are not employees (the HR import, the phone system, metric feeds) are
service accounts: their client id (`azp`, `appid` or `client_id`, else `sub`) is a
key of `SERVICE_ACCOUNTS`, which grants them named scopes and nothing else.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.errors import Forbidden, Unauthorized
from callcenter_shared.i18n import t
from callcenter_shared.jwks import KeySet
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.web import DbSession

CLIENT_CLAIMS = ("azp", "appid", "client_id")
# Verified tokens remembered until they expire: an app sends the same token with every request,
# and checking its signature and claims again each time is a visible share of a short request.
VERIFIED_TOKENS_KEPT = 10_000
# Callers `RecentCallers` holds at most; past it, it starts again empty.
CALLERS_KEPT = 10_000
IDEMPOTENCY_PRINCIPAL_LENGTH = 64


@dataclass(frozen=True)
class Identity:
    """What a verified token says: the person's login and the client that obtained it."""

    subject: str | None
    client_id: str | None
    # True for the development issuer, whose `sub` may be the employee id itself.
    development: bool = False

    @property
    def key(self) -> str:
        """A short stable name for the caller (scopes idempotency keys)."""
        name = self.subject or f"client:{self.client_id}"
        if len(name) <= IDEMPOTENCY_PRINCIPAL_LENGTH:
            return name
        return hashlib.sha256(name.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """An employee calling, as the directory knows them now."""

    employee_id: uuid.UUID
    level: int
    team_id: uuid.UUID | None
    superior_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ServiceAccount:
    """A system calling with the scopes `SERVICE_ACCOUNTS` grants its client id."""

    client_id: str
    scopes: frozenset[str]

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise Forbidden(
                t("The service account {client_id!r} lacks the scope {scope!r}.", client_id=self.client_id, scope=scope)
            )


Caller = Principal | ServiceAccount


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_seconds
        self._development = settings.uses_development_issuer
        self._employee_claim = "sub" if self._development else settings.jwt_employee_claim
        self._key_set: KeySet | None = None
        self._key: str = ""
        # token -> its identity, expiry (epoch seconds), kid and the key that verified it
        self._verified: dict[str, tuple[Identity, float, str | None, jwt.PyJWK | None]] = {}
        if settings.uses_key_set:
            self._algorithms = list(settings.jwt_jwks_algorithms)
            self._key_set = KeySet(
                jwks_url=settings.jwt_jwks_url,
                discovery_url=settings.jwt_oidc_discovery_url,
                cache_seconds=settings.jwt_jwks_cache_seconds,
                refetch_seconds=settings.jwt_jwks_refetch_seconds,
                timeout_seconds=settings.jwt_jwks_timeout_seconds,
            )
        else:
            self._algorithms = [settings.jwt_algorithm]
            self._key = settings.jwt_secret if self._development else settings.jwt_public_key

    async def verify(self, token: str) -> Identity:
        """The identity a token vouches for, or 401; fetches the provider's keys when needed."""
        kept = self._verified.get(token)
        if kept is not None:
            identity, expires_at, kid, signed_with = kept
            # Still within its time, and (with a key set) its key still listed: a retired key is refused.
            if time.time() < expires_at and (self._key_set is None or await self._key_set.key(kid) is signed_with):
                return identity
            del self._verified[token]
        identity, expires_at, kid, signed_with = await self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            del self._verified[next(iter(self._verified))]  # the oldest
        self._verified[token] = identity, expires_at, kid, signed_with
        return identity

    async def _verify(self, token: str) -> tuple[Identity, float, str | None, jwt.PyJWK | None]:
        """The identity, until when it holds, and the key set's kid and key that signed it."""
        kid: str | None = None
        jwk: jwt.PyJWK | None = None
        try:
            key: Any = self._key
            algorithms = self._algorithms
            if self._key_set is not None:
                header = jwt.get_unverified_header(token)
                kid = header.get("kid")
                jwk = await self._key_set.key(kid)
                # The key decides the algorithm: a token cannot pick a weaker one (or `none`).
                if jwk.algorithm_name not in self._algorithms or header.get("alg") != jwk.algorithm_name:
                    raise jwt.InvalidAlgorithmError(f"algorithm {header.get('alg')!r} is not accepted for this key")
                key, algorithms = jwk.key, [jwk.algorithm_name]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized(t("The token has expired.")) from exc
        except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as exc:
            raise Unauthorized(t("The token is not valid: {exc}", exc=exc)) from exc
        subject = claims.get(self._employee_claim)
        client = next((claims[name] for name in CLIENT_CLAIMS if isinstance(claims.get(name), str)), None)
        if subject is not None and not isinstance(subject, str):
            raise Unauthorized(
                t("The token's {employee_claim!r} claim is not a string.", employee_claim=self._employee_claim)
            )
        if not subject and not client:
            raise Unauthorized(
                t(
                    "The token names nobody: it has no {employee_claim!r} claim and no client id.",
                    employee_claim=self._employee_claim,
                )
            )
        # `exp` is required and checked above; the token is accepted until it (plus the leeway) passes.
        expires_at = float(claims["exp"]) + self._leeway
        return Identity(subject or None, client, self._development), expires_at, kid, jwk


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value, or None."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _service_account(settings: ServiceSettings, identity: Identity) -> ServiceAccount | None:
    accounts = settings.service_accounts
    for name in (identity.client_id, identity.subject):
        if name is not None and name in accounts:
            return ServiceAccount(name, frozenset(accounts[name]))
    return None


@functools.cache
def _principal_queries(directory: Table) -> tuple[Select[Any], Select[Any]]:
    """The caller's directory row by id and by login, built once per table: every request runs one."""
    columns = select(
        directory.c.id, directory.c.level, directory.c.team_id, directory.c.superior_id, directory.c.active
    )
    return (
        columns.where(directory.c.id == bindparam("who", type_=directory.c.id.type)),
        columns.where(directory.c.external_id == bindparam("who", type_=directory.c.external_id.type)),
    )


class RecentCallers:
    """Callers' directory rows as read in the last `seconds`, forgotten at once when this process commits a write.

    Every request looks its caller up; an app's requests come in bursts from the same few people.
    A change made through this process (a promotion, a leaver, the org copy updated by an event)
    empties it, so it takes effect on the next request; one made through another replica, within
    `seconds`. Zero seconds keeps nothing.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._rows: dict[tuple[str, bool], tuple[Principal, float]] = {}

    def get(self, identity: Identity) -> Principal | None:
        kept = self._rows.get((identity.subject or "", identity.development))
        if kept is None or kept[1] <= self._clock():
            return None
        return kept[0]

    def keep(self, identity: Identity, principal: Principal) -> None:
        if self._seconds <= 0:
            return
        if len(self._rows) >= CALLERS_KEPT:
            self._rows.clear()
        self._rows[(identity.subject or "", identity.development)] = principal, self._clock() + self._seconds

    def forget_all(self) -> None:
        self._rows.clear()


async def find_principal(
    session: AsyncSession, directory: Table, identity: Identity, recent: RecentCallers | None = None
) -> Principal:
    """The directory's entry for the identity: one indexed query; 403 if unknown or inactive."""
    if identity.subject is None:
        raise Forbidden(t("The token names a client that is not a configured service account, and no employee."))
    if recent is not None and (principal := recent.get(identity)) is not None:
        return principal
    by_id, by_login = _principal_queries(directory)
    employee_id = _uuid(identity.subject) if identity.development else None
    query, who = (by_id, employee_id) if employee_id is not None else (by_login, identity.subject)
    row = (await session.execute(query, {"who": who})).first()
    if row is None:
        raise Forbidden(
            t(
                "Signed in as {subject!r}, but the org directory has no employee with that login.",
                subject=identity.subject,
            )
        )
    if not row.active:
        raise Forbidden(t("Signed in as {subject!r}, but that employee is no longer active.", subject=identity.subject))
    principal = Principal(row.id, row.level, row.team_id, row.superior_id)
    if recent is not None:
        recent.keep(identity, principal)
    return principal


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# Declares the bearer scheme in OpenAPI on every operation that needs a caller (Swagger's
# "Authorize"); `current_caller` reads and judges the header itself.
BEARER_SCHEME = HTTPBearer(
    scheme_name="bearerAuth",
    bearerFormat="JWT",
    description="A token from the identity provider (OIDC), or in development one from `make token`.",
    auto_error=False,
)


async def current_caller(
    request: Request,
    session: DbSession,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_SCHEME)],
) -> Caller:
    """FastAPI dependency: the verified caller, an employee or a service account (401/403 otherwise)."""
    token = bearer_token(request.headers.get("authorization", ""))
    if token is None:
        raise Unauthorized(t("A bearer token is required."))
    state = request.app.state
    verifier: TokenVerifier = state.verifier
    identity = await verifier.verify(token)
    account = _service_account(state.settings, identity)
    if account is not None:
        return account
    return await find_principal(session, state.directory, identity, state.recent_callers)


async def current_principal(caller: Annotated[Caller, Depends(current_caller)]) -> Principal:
    """FastAPI dependency: the calling employee; service accounts are refused (403)."""
    if isinstance(caller, ServiceAccount):
        raise Forbidden(
            t("The service account {client_id!r} may not call this: it is for employees.", client_id=caller.client_id)
        )
    return caller


CurrentCaller = Annotated[Caller, Depends(current_caller)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def issue_development_token(
    settings: ServiceSettings,
    *,
    employee_id: uuid.UUID | str | None = None,
    level: int | None = None,
    team_id: uuid.UUID | None = None,
    client_id: str | None = None,
    lifetime: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> str:
    """Sign a token with the development secret (refused when ENV=production).

    `employee_id` becomes `sub` (an employee id or a login); `client_id` makes it a
    service account's token. `level` and `team_id` are written as claims for old
    clients, and never read: the directory decides both.
    """
    if settings.env == "production":
        raise RuntimeError("the development issuer is disabled in production")
    if employee_id is None and client_id is None:
        raise ValueError("a development token names an employee or a client")
    issued = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(employee_id if employee_id is not None else client_id),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    if client_id is not None:
        claims["azp"] = client_id
    if level is not None:
        claims["level"] = level
    if team_id is not None:
        claims["team"] = str(team_id)
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def main() -> None:
    """`python -m callcenter_shared.auth --employee ID` (or `--client NAME`) prints a token."""
    parser = argparse.ArgumentParser(description="Print a development bearer token.")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--employee", help="employee id or login (external_id) as the directory knows it")
    who.add_argument("--client", help="a service account's client id, as configured in SERVICE_ACCOUNTS")
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    token = issue_development_token(
        ServiceSettings(), employee_id=args.employee, client_id=args.client, lifetime=timedelta(hours=args.hours)
    )
    print(token)


if __name__ == "__main__":
    main()
