"""Tokens: algorithm pinned, expiry, audience and issuer checked, development issuer off in production.

Sign-in through a JWKS and the directory lookup are in test_sign_in.py.
"""

from __future__ import annotations

import asyncio
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

from callcenter_shared.auth import Identity, Principal, RecentCallers, TokenVerifier, issue_development_token
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


async def test_development_token_round_trips() -> None:
    settings = ServiceSettings()
    employee = uuid.uuid4()
    token = issue_development_token(settings, employee_id=employee, level=3)
    identity = await TokenVerifier(settings).verify(token)
    assert identity.subject == str(employee)
    assert identity.development is True
    assert identity.key == str(employee)


async def test_unsigned_token_is_refused() -> None:
    token = jwt.encode(claims(), key=None, algorithm="none")
    with pytest.raises(Unauthorized):
        await TokenVerifier(ServiceSettings()).verify(token)


async def test_expired_token_is_refused() -> None:
    settings = ServiceSettings()
    token = jwt.encode(claims(exp=int(datetime.now(UTC).timestamp()) - 120), settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized, match="expired"):
        await TokenVerifier(settings).verify(token)


async def test_a_token_accepted_before_is_refused_once_it_expires() -> None:
    settings = ServiceSettings(jwt_leeway_seconds=0)
    verifier = TokenVerifier(settings)
    expires = int(datetime.now(UTC).timestamp()) + 2
    token = jwt.encode(claims(exp=expires), settings.jwt_secret, algorithm="HS256")
    assert (await verifier.verify(token)).subject is not None  # accepted, and remembered
    deadline = asyncio.get_running_loop().time() + 10
    while datetime.now(UTC).timestamp() < expires + 0.01:  # until the token's own expiry has passed
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    with pytest.raises(Unauthorized, match="expired"):
        await verifier.verify(token)


@pytest.mark.parametrize("field", ["aud", "iss"])
async def test_wrong_audience_or_issuer_is_refused(field: str) -> None:
    settings = ServiceSettings()
    token = jwt.encode(claims(**{field: "someone-else"}), settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized):
        await TokenVerifier(settings).verify(token)


async def test_forged_signature_is_refused() -> None:
    token = jwt.encode(claims(), "not-the-secret-but-long-enough-0123456789", algorithm="HS256")
    with pytest.raises(Unauthorized):
        await TokenVerifier(ServiceSettings()).verify(token)


async def test_rs256_verifier_refuses_an_hs256_token_signed_with_the_public_key() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = ServiceSettings(env="production", jwt_algorithm="RS256", jwt_public_key=public_pem)
    verifier = TokenVerifier(settings)
    good = jwt.encode(claims(), private, algorithm="RS256")
    assert (await verifier.verify(good)).subject is not None

    # PyJWT refuses to HMAC-sign with a PEM key, so the confused token is built by hand.
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims()).encode())
    signature = b64(hmac.new(public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    forged = f"{header}.{payload}.{signature}"
    with pytest.raises(Unauthorized):
        await verifier.verify(forged)


async def test_production_refuses_the_development_issuer() -> None:
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


async def test_a_token_naming_nobody_is_refused() -> None:
    settings = ServiceSettings()
    anonymous = claims()
    del anonymous["sub"]
    token = jwt.encode(anonymous, settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized, match="names nobody"):
        await TokenVerifier(settings).verify(token)


async def test_a_long_login_scopes_idempotency_keys_by_its_digest() -> None:
    settings = ServiceSettings()
    login = "x" * 200
    identity = await TokenVerifier(settings).verify(issue_development_token(settings, employee_id=login))
    assert identity.subject == login
    assert len(identity.key) == 64


async def test_production_accepts_an_identity_provider_key_set() -> None:
    settings = ServiceSettings(
        env="production", jwt_oidc_discovery_url="https://login.example/.well-known/openid-configuration"
    )
    assert settings.uses_key_set
    with pytest.raises(RuntimeError):
        issue_development_token(settings, client_id="hr-system")


def test_a_caller_read_recently_serves_until_its_time_passes_or_a_write_is_committed() -> None:
    now = [100.0]
    recent = RecentCallers(1.0, clock=lambda: now[0])
    identity = Identity(str(uuid.uuid4()), None, development=True)
    agent = Principal(uuid.uuid4(), 1, uuid.uuid4())
    assert recent.get(identity) is None
    recent.keep(identity, agent)
    assert recent.get(identity) == agent
    assert recent.get(Identity(identity.subject, None, development=False)) is None  # a login, not an id
    now[0] += 1.0
    assert recent.get(identity) is None  # another replica's change shows within the second
    recent.keep(identity, agent)
    recent.forget_all()  # this process committed a write
    assert recent.get(identity) is None
    never = RecentCallers(0.0, clock=lambda: now[0])
    never.keep(identity, agent)
    assert never.get(identity) is None
