"""Bearer-JWT verification, the caller's identity, and the local development issuer.

Claims: `sub` (employee id), `level` (1..5), `team` (team id or absent), plus
`iss`, `aud`, `exp`. The algorithm is pinned by settings: a token signed with any
other algorithm (or `none`) is refused.
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, Request

from callcenter_shared.errors import Unauthorized
from callcenter_shared.settings import ServiceSettings


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the identity provider vouches."""

    employee_id: uuid.UUID
    level: int
    team_id: uuid.UUID | None


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._algorithm = settings.jwt_algorithm
        self._key = settings.jwt_secret if self._algorithm.upper().startswith("HS") else settings.jwt_public_key
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
            team = claims.get("team")
            level = int(claims["level"])
            if not 1 <= level <= 5:
                raise ValueError("level outside 1..5")
            return Principal(uuid.UUID(claims["sub"]), level, uuid.UUID(team) if team else None)
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The token has expired.") from exc
        except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as exc:
            raise Unauthorized(f"The token is not valid: {exc}") from exc


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value, or None."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the verified caller, or 401 (async: a sync dependency costs a thread hop)."""
    token = bearer_token(request.headers.get("authorization", ""))
    if token is None:
        raise Unauthorized("A bearer token is required.")
    verifier: TokenVerifier = request.app.state.verifier
    return verifier.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def issue_development_token(
    settings: ServiceSettings,
    *,
    employee_id: uuid.UUID,
    level: int,
    team_id: uuid.UUID | None = None,
    lifetime: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> str:
    """Sign a token with the development secret (refused when ENV=production)."""
    if settings.env == "production":
        raise RuntimeError("the development issuer is disabled in production")
    issued = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(employee_id),
        "level": level,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    if team_id is not None:
        claims["team"] = str(team_id)
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def main() -> None:
    """`python -m callcenter_shared.auth --employee ID --level N [--team ID]` prints a token."""
    parser = argparse.ArgumentParser(description="Print a development bearer token.")
    parser.add_argument("--employee", type=uuid.UUID, default=uuid.uuid4())
    parser.add_argument("--level", type=int, choices=range(1, 6), required=True)
    parser.add_argument("--team", type=uuid.UUID, default=None)
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    token = issue_development_token(
        ServiceSettings(),
        employee_id=args.employee,
        level=args.level,
        team_id=args.team,
        lifetime=timedelta(hours=args.hours),
    )
    print(token)


if __name__ == "__main__":
    main()
