"""Who calls a test app: service accounts, development tokens, people in the directory, an identity provider."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import FastAPI
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import issue_development_token
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import on_employee_upserted
from callcenter_shared.settings import ServiceSettings
from callcenter_testing.apps import http_client

# The service accounts every test app knows (SERVICE_ACCOUNTS): client id -> scopes.
HR_SYSTEM = "hr-system"
PHONE_SYSTEM = "phone-system"
METRICS_FEED = "metrics-feed"
TEST_SERVICE_ACCOUNTS = {
    HR_SYSTEM: ["directory:write"],
    PHONE_SYSTEM: ["interactions:write"],
    METRICS_FEED: ["metrics:write"],
}


def bearer(
    settings: ServiceSettings, employee_id: uuid.UUID | str, level: int | None = None, team_id: uuid.UUID | None = None
) -> dict[str, str]:
    """Authorization header for a development token naming an employee (by id or login).

    The person must be in the service's directory (scheduling's employees, or the read
    copy: `seed_person`); `level` and `team_id` go into the token but grant nothing,
    since the service reads both from the directory.
    """
    token = issue_development_token(settings, employee_id=employee_id, level=level, team_id=team_id)
    return {"Authorization": f"Bearer {token}"}


def service_bearer(settings: ServiceSettings, client_id: str) -> dict[str, str]:
    """Authorization header for a service account's development token (see TEST_SERVICE_ACCOUNTS)."""
    return {"Authorization": f"Bearer {issue_development_token(settings, client_id=client_id)}"}


async def seed_person(
    session: AsyncSession,
    *,
    level: int,
    team_id: uuid.UUID | None = None,
    superior_id: uuid.UUID | None = None,
    name: str | None = None,
    employee_id: uuid.UUID | None = None,
    **fields: Any,
) -> uuid.UUID:
    """Put a person into a consuming service's org read copy, as the event would."""
    person_id = employee_id or uuid.uuid4()
    event = EmployeeUpsertedV1(
        employee_id=person_id,
        name=name or f"person-{person_id.hex[:6]}",
        level=level,
        team_id=team_id,
        superior_id=superior_id,
        version=1,
        **fields,
    )
    await on_employee_upserted(session, event, Envelope.wrap(event, time=datetime.now(UTC)))
    return person_id


async def executive(app: FastAPI) -> dict[str, str]:
    """Authorization header of an executive (L5) who exists in the app's directory.

    Scheduling owns the directory: the HR system's service account hires the person over
    HTTP. The other services get them into their read copy, as `employee.upserted` would.
    """
    settings: ServiceSettings = app.state.settings
    if settings.service_name == "scheduling":
        async with http_client(app) as client:
            hired = await client.post(
                "/v1/employees", json={"name": "Executive", "level": 5}, headers=service_bearer(settings, HR_SYSTEM)
            )
        assert hired.status_code == 201, hired.text
        person = uuid.UUID(hired.json()["id"])
    else:
        async with app.state.session_factory() as session, session.begin():
            person = await seed_person(session, level=5, name="Executive")
    return bearer(settings, person, 5)


# RSA keys take a tenth of a second or more to generate: made once per process and handed out in
# turn, so one provider's keys all differ while the next test's provider reuses them. Two providers
# alive in one test would share key material: give the second its keys some other way.
_RSA_KEYS: list[rsa.RSAPrivateKey] = []


def _rsa_key(index: int) -> rsa.RSAPrivateKey:
    while len(_RSA_KEYS) <= index:
        _RSA_KEYS.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _RSA_KEYS[index]


class JwksServer:
    """A stand-in identity provider on 127.0.0.1: serves a rotating JWKS and an OIDC discovery document.

    `add_key()` publishes a new signing key (its `kid` is new), `retire()` stops listing one;
    `sign()` issues a token the way Keycloak or Entra ID would, with any claims.
    """

    issuer = "https://login.test/realms/callcenter"
    audience = "callcenter-api"

    def __init__(self) -> None:
        self._private: dict[str, tuple[Any, str]] = {}
        self._rsa_keys_used = 0
        self.published: dict[str, dict[str, Any]] = {}
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    body: dict[str, Any] = {"issuer": server.issuer, "jwks_uri": f"{server.url}/jwks"}
                elif self.path == "/jwks":
                    server.fetches += 1
                    body = {"keys": list(server.published.values())}
                else:
                    self.send_error(404)
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def add_key(self, algorithm: str = "RS256", *, publish: bool = True) -> str:
        """A new signing key; its kid."""
        kid = f"{algorithm.lower()}-{uuid.uuid4().hex[:8]}"
        private: Any
        if algorithm == "RS256":
            private = _rsa_key(self._rsa_keys_used)
            self._rsa_keys_used += 1
            public = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        elif algorithm == "ES256":
            private = ec.generate_private_key(ec.SECP256R1())
            public = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        elif algorithm == "EdDSA":
            private = ed25519.Ed25519PrivateKey.generate()
            public = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
        else:
            raise ValueError(algorithm)
        self._private[kid] = (private, algorithm)
        if publish:
            self.published[kid] = {**public, "kid": kid, "use": "sig", "alg": algorithm}
        return kid

    def retire(self, kid: str) -> None:
        self.published.pop(kid, None)

    def sign(self, kid: str, *, lifetime: timedelta = timedelta(minutes=5), **claims: Any) -> str:
        private, algorithm = self._private[kid]
        now = datetime.now(UTC)
        body = {"iss": self.issuer, "aud": self.audience, "iat": int(now.timestamp()),
                "exp": int((now + lifetime).timestamp()), **claims}  # fmt: skip
        return jwt.encode(body, private, algorithm=algorithm, headers={"kid": kid})

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """Settings values that make a service trust this provider."""
        return {"jwt_jwks_url": f"{self.url}/jwks", "jwt_issuer": self.issuer, "jwt_audience": self.audience,
                "jwt_jwks_refetch_seconds": 0, **overrides}  # fmt: skip

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
