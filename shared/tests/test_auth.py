"""Tokens: algorithm pinned, expiry, audience and issuer checked, development issuer off in production."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from callcenter_shared.auth import TokenVerifier, issue_development_token
from callcenter_shared.errors import Unauthorized
from callcenter_shared.settings import ServiceSettings


def claims(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    base: dict[str, object] = {
        "sub": str(uuid.uuid4()),
        "level": 2,
        "team": str(uuid.uuid4()),
        "iss": "callcenter-dev",
        "aud": "callcenter",
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    base.update(overrides)
    return base


def test_development_token_round_trips() -> None:
    settings = ServiceSettings()
    employee = uuid.uuid4()
    token = issue_development_token(settings, employee_id=employee, level=3)
    principal = TokenVerifier(settings).verify(token)
    assert principal.employee_id == employee
    assert principal.level == 3
    assert principal.team_id is None


def test_unsigned_token_is_refused() -> None:
    token = jwt.encode(claims(), key=None, algorithm="none")
    with pytest.raises(Unauthorized):
        TokenVerifier(ServiceSettings()).verify(token)


def test_expired_token_is_refused() -> None:
    settings = ServiceSettings()
    token = jwt.encode(claims(exp=int(datetime.now(UTC).timestamp()) - 10), settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized, match="expired"):
        TokenVerifier(settings).verify(token)


@pytest.mark.parametrize("field", ["aud", "iss"])
def test_wrong_audience_or_issuer_is_refused(field: str) -> None:
    settings = ServiceSettings()
    token = jwt.encode(claims(**{field: "someone-else"}), settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized):
        TokenVerifier(settings).verify(token)


def test_forged_signature_is_refused() -> None:
    token = jwt.encode(claims(), "not-the-secret-but-long-enough-0123456789", algorithm="HS256")
    with pytest.raises(Unauthorized):
        TokenVerifier(ServiceSettings()).verify(token)


def test_rs256_verifier_refuses_an_hs256_token_signed_with_the_public_key() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = ServiceSettings(env="production", jwt_algorithm="RS256", jwt_public_key=public_pem)
    verifier = TokenVerifier(settings)
    good = jwt.encode(claims(), private, algorithm="RS256")
    assert verifier.verify(good).level == 2

    # PyJWT refuses to HMAC-sign with a PEM key, so the confused token is built by hand.
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims()).encode())
    signature = b64(hmac.new(public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    forged = f"{header}.{payload}.{signature}"
    with pytest.raises(Unauthorized):
        verifier.verify(forged)


def test_production_refuses_the_development_issuer() -> None:
    with pytest.raises(ValidationError, match="production"):
        ServiceSettings(env="production")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = ServiceSettings(env="production", jwt_algorithm="RS256", jwt_public_key=public_pem)
    with pytest.raises(RuntimeError):
        issue_development_token(settings, employee_id=uuid.uuid4(), level=1)


def test_level_outside_one_to_five_is_refused() -> None:
    settings = ServiceSettings()
    token = jwt.encode(claims(level=7), settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized):
        TokenVerifier(settings).verify(token)
