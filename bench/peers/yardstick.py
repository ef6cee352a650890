"""What both yardsticks share: where the databases are, how tokens are checked, QA section scores.

The databases come from `BENCH_PEER_DATABASES`, a JSON object of service name to SQLAlchemy
URL; the token settings (`JWT_SECRET`, `JWT_ISSUER`, `JWT_AUDIENCE`, `SERVICE_ACCOUNTS`) are the
services' own, so a token the benchmark issues works on a service and on its peers alike.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import jwt

from callcenter_shared.settings import ServiceSettings

_settings = ServiceSettings()
SECRET = _settings.jwt_secret
ISSUER = _settings.jwt_issuer
AUDIENCE = _settings.jwt_audience
LEEWAY = _settings.jwt_leeway_seconds
SERVICE_ACCOUNTS: dict[str, list[str]] = _settings.service_accounts
DISPUTE_DAYS = 7  # QA-4's default, as the service's policy has it


def databases() -> dict[str, str]:
    urls: dict[str, str] = json.loads(os.environ.get("BENCH_PEER_DATABASES", "{}"))
    return urls


def decode(token: str) -> dict[str, Any]:
    """The claims of a valid token; raises `jwt.InvalidTokenError` otherwise."""
    claims: dict[str, Any] = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience=AUDIENCE,
        issuer=ISSUER,
        leeway=LEEWAY,
        options={"require": ["exp", "aud", "iss"]},
    )
    return claims


def employee_id(claims: Mapping[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(claims.get("sub")))
    except ValueError:
        return None


def service_account_scopes(claims: Mapping[str, Any]) -> set[str]:
    client = claims.get("azp") or claims.get("client_id") or claims.get("sub")
    return set(SERVICE_ACCOUNTS.get(str(client), []))


def section_scores(answers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per-section scores of an evaluation's answers (QA-1): earned over possible, N/A left out,
    a failed section-critical item zeroes its section. `answers` carry their item's section."""
    sections: dict[int, dict[str, Any]] = {}
    for answer in answers:
        section = sections.setdefault(
            answer["section_position"],
            {"title": answer["section"], "weight": answer["weight"], "earned": 0.0, "possible": 0.0, "zeroed_by": None},
        )
        if answer["result"] == "na":
            continue
        section["earned"] += answer["points"] or 0.0
        section["possible"] += answer["points_possible"]
        if answer["result"] == "fail" and answer["critical"] == "section":
            section["zeroed_by"] = section["zeroed_by"] or answer["code"]
    scores = []
    for _, section in sorted(sections.items()):
        score = None
        if section["possible"]:
            score = 0.0 if section["zeroed_by"] else round(100.0 * section["earned"] / section["possible"], 2)
        scores.append(
            {"title": section["title"], "weight": section["weight"], "score": score, "zeroed_by": section["zeroed_by"]}
        )
    return scores
