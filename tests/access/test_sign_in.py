"""Enterprise sign-in: tokens from an identity provider's rotating JWKS, and the directory as the authority.

The provider is a local JWKS server (`jwks_server`); its tokens name people by an opaque
`sub` that only the directory's `external_id` (the login) maps to an employee. Level and
team always come from the directory, whatever the token claims.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import on_employee_upserted, org_employee
from callcenter_testing import (
    HR_SYSTEM,
    JwksServer,
    TestDatabases,
    free_port,
    http_client,
    seed_person,
    service_bearer,
)
from escalation.main import create_app as create_escalation
from escalation.settings import Settings as EscalationSettings
from scheduling.main import create_app as create_scheduling
from scheduling.settings import Settings as SchedulingSettings

BACKGROUND_OFF = {"env": "test", "relay_enabled": False, "consumer_enabled": False, "worker_enabled": False}


@dataclass
class Directory:
    """Scheduling trusting the JWKS server, with a chain L5 > L4 > L3, a team, its leader and one agent."""

    app: FastAPI
    client: httpx.AsyncClient
    idp: JwksServer
    kid: str
    ids: dict[str, uuid.UUID]
    team_id: uuid.UUID
    hr: dict[str, str]

    def as_(self, login: str, kid: str | None = None, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.idp.sign(kid or self.kid, sub=login, **claims)}"}

    @property
    def agents_view(self) -> set[str]:
        """The directory entries the agent sees: her team, the agent and its leader."""
        return {str(self.ids["agent"]), str(self.ids["leader"])}

    async def visible(self, headers: dict[str, str]) -> httpx.Response:
        return await self.client.get("/v1/employees", headers=headers)


async def scheduling_app(test_databases: TestDatabases, idp: JwksServer, **overrides: Any) -> FastAPI:
    url = await test_databases.fresh("scheduling")
    return create_scheduling(SchedulingSettings(database_url=url, **BACKGROUND_OFF, **idp.settings(**overrides)))


async def build_directory(app: FastAPI, client: httpx.AsyncClient, idp: JwksServer) -> Directory:
    # The HR system's own client-credentials token (no login; `azp` names the client).
    hr = {"Authorization": f"Bearer {idp.sign(idp.add_key(), sub=str(uuid.uuid4()), azp=HR_SYSTEM)}"}
    ids: dict[str, uuid.UUID] = {}

    async def employee(login: str, **body: Any) -> None:
        body = {"name": login, "external_id": f"{login}-opaque-sub", **body}
        response = await client.post("/v1/employees", json=body, headers=hr)
        assert response.status_code == 201, response.text
        ids[login] = uuid.UUID(response.json()["id"])

    await employee("exec", level=5)
    await employee("gm", level=4, superior_id=str(ids["exec"]))
    await employee("deputy", level=3, superior_id=str(ids["gm"]))
    team = await client.post("/v1/teams", json={"name": "Hotline A"}, headers=hr)
    assert team.status_code == 201, team.text
    team_id = uuid.UUID(team.json()["id"])
    await employee("leader", level=2, superior_id=str(ids["deputy"]), team_id=str(team_id))
    await employee("agent", level=1, superior_id=str(ids["leader"]), team_id=str(team_id))
    return Directory(app, client, idp, idp.add_key(), ids, team_id, hr)


@pytest.fixture
async def directory(test_databases: TestDatabases, jwks_server: JwksServer) -> AsyncIterator[Directory]:
    app = await scheduling_app(test_databases, jwks_server)
    async with http_client(app) as client:
        yield await build_directory(app, client, jwks_server)
    await app.state.engine.dispose()


def login(name: str) -> str:
    return f"{name}-opaque-sub"


class TestSignIn:
    async def test_a_person_known_only_by_login_gets_the_directorys_level_and_team(self, directory: Directory) -> None:
        agent = await directory.visible(directory.as_(login("agent")))
        assert agent.status_code == 200, agent.text
        entries = {e["id"]: e for e in agent.json()["items"]}
        assert set(entries) == directory.agents_view  # an agent sees her team, no more
        assert entries[str(directory.ids["agent"])]["external_id"] == login("agent")
        deputy = await directory.visible(directory.as_(login("deputy")))
        assert deputy.json()["total"] == 5  # level 3 sees everyone

    @pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
    async def test_elliptic_curve_keys_sign_in_too(self, directory: Directory, algorithm: str) -> None:
        kid = directory.idp.add_key(algorithm)
        assert (await directory.visible(directory.as_(login("agent"), kid))).status_code == 200

    async def test_a_rotated_key_is_fetched_and_a_retired_one_refused(self, directory: Directory) -> None:
        old = directory.kid
        assert (await directory.visible(directory.as_(login("agent"), old))).status_code == 200
        new = directory.idp.add_key()
        directory.idp.retire(old)
        assert (await directory.visible(directory.as_(login("agent"), new))).status_code == 200
        refused = await directory.visible(directory.as_(login("agent"), old))
        assert refused.status_code == 401
        assert "kid" in refused.json()["detail"]

    async def test_a_key_the_provider_never_listed_is_refused(self, directory: Directory) -> None:
        unlisted = directory.idp.add_key(publish=False)
        assert (await directory.visible(directory.as_(login("agent"), unlisted))).status_code == 401

    async def test_expired_and_wrong_audience_are_refused(self, directory: Directory) -> None:
        expired = directory.as_(login("agent"), lifetime=timedelta(minutes=-5))
        assert (await directory.visible(expired)).status_code == 401
        elsewhere = directory.as_(login("agent"), aud="another-api")
        assert (await directory.visible(elsewhere)).status_code == 401

    async def test_clock_leeway_is_honoured(self, directory: Directory) -> None:
        # JWT_LEEWAY_SECONDS is 30 by default: a token 10 s past its expiry still passes, 2 minutes does not.
        just = directory.as_(login("agent"), lifetime=timedelta(seconds=-10))
        assert (await directory.visible(just)).status_code == 200
        late = directory.as_(login("agent"), lifetime=timedelta(minutes=-2))
        assert (await directory.visible(late)).status_code == 401

    async def test_unknown_kids_do_not_hammer_the_provider(
        self, test_databases: TestDatabases, jwks_server: JwksServer
    ) -> None:
        app = await scheduling_app(test_databases, jwks_server, jwt_jwks_refetch_seconds=60)
        async with http_client(app) as client:
            directory = await build_directory(app, client, jwks_server)
            fetched = jwks_server.fetches
            for _ in range(5):
                forged = directory.as_(login("agent"), jwks_server.add_key(publish=False))
                assert (await directory.visible(forged)).status_code == 401
            assert jwks_server.fetches == fetched
        await app.state.engine.dispose()

    async def test_discovery_finds_the_key_set(self, test_databases: TestDatabases, jwks_server: JwksServer) -> None:
        discovery = f"{jwks_server.url}/.well-known/openid-configuration"
        app = await scheduling_app(test_databases, jwks_server, jwt_jwks_url="", jwt_oidc_discovery_url=discovery)
        async with http_client(app) as client:
            directory = await build_directory(app, client, jwks_server)
            assert (await directory.visible(directory.as_(login("agent")))).status_code == 200
        await app.state.engine.dispose()

    async def test_an_unreachable_provider_is_a_503_not_a_500(
        self, test_databases: TestDatabases, jwks_server: JwksServer
    ) -> None:
        nowhere = f"http://127.0.0.1:{free_port()}/jwks"
        app = await scheduling_app(test_databases, jwks_server, jwt_jwks_url=nowhere, jwt_jwks_timeout_seconds=1)
        async with http_client(app) as client:
            token = jwks_server.sign(jwks_server.add_key(), sub=login("agent"))
            response = await client.get("/v1/employees", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        await app.state.engine.dispose()

    async def test_the_employee_claim_is_configurable(
        self, test_databases: TestDatabases, jwks_server: JwksServer
    ) -> None:
        app = await scheduling_app(test_databases, jwks_server, jwt_employee_claim="preferred_username")
        async with http_client(app) as client:
            directory = await build_directory(app, client, jwks_server)
            token = jwks_server.sign(directory.kid, sub=str(uuid.uuid4()), preferred_username=login("agent"))
            response = await directory.visible({"Authorization": f"Bearer {token}"})
            assert {e["id"] for e in response.json()["items"]} == directory.agents_view
        await app.state.engine.dispose()


class TestDirectoryIsTheAuthority:
    async def test_an_agent_claiming_level_3_gets_agent_access(self, directory: Directory) -> None:
        forged_rank = directory.as_(login("agent"), level=3, team=str(uuid.uuid4()))
        listed = await directory.visible(forged_rank)
        assert {e["id"] for e in listed.json()["items"]} == directory.agents_view
        shift = await directory.client.post("/v1/teams", json={"name": "Mine"}, headers=forged_rank)
        assert shift.status_code == 403

    async def test_a_valid_token_for_someone_not_in_the_directory_is_refused(self, directory: Directory) -> None:
        response = await directory.visible(directory.as_("stranger-sub"))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert "no employee with that login" in response.json()["detail"]

    async def test_a_leaver_is_refused_with_the_same_token(self, directory: Directory) -> None:
        token = directory.as_(login("agent"))
        assert (await directory.visible(token)).status_code == 200
        left = await directory.client.patch(
            f"/v1/employees/{directory.ids['agent']}", json={"active": False}, headers=directory.hr
        )
        assert left.status_code == 200, left.text
        refused = await directory.visible(token)
        assert refused.status_code == 403
        assert "no longer active" in refused.json()["detail"]

    async def test_a_promotion_takes_effect_without_a_new_token(self, directory: Directory) -> None:
        token = directory.as_(login("agent"))
        assert (await directory.client.post("/v1/teams", json={"name": "B"}, headers=token)).status_code == 403
        promoted = await directory.client.patch(
            f"/v1/employees/{directory.ids['agent']}",
            json={"level": 3, "superior_id": str(directory.ids["gm"]), "team_id": None},
            headers=directory.hr,
        )
        assert promoted.status_code == 200, promoted.text
        assert (await directory.client.post("/v1/teams", json={"name": "B"}, headers=token)).status_code == 201

    async def test_a_login_is_unique_in_the_directory(self, directory: Directory) -> None:
        body = {"name": "Twin", "level": 4, "superior_id": str(directory.ids["exec"]), "external_id": login("gm")}
        response = await directory.client.post("/v1/employees", json=body, headers=directory.hr)
        assert response.status_code == 422
        assert response.json()["errors"][0]["path"] == "body.external_id"


class TestServiceAccounts:
    async def test_scopes_allow_their_endpoints_and_nothing_else(self, directory: Directory) -> None:
        phone_token = directory.idp.sign(directory.kid, sub=str(uuid.uuid4()), azp="phone-system")
        phone = {"Authorization": f"Bearer {phone_token}"}
        call = {"external_id": "acd-1", "employee_id": str(directory.ids["agent"]), "state": "in_progress"}
        assert (await directory.client.post("/v1/interactions", json=call, headers=phone)).status_code == 200
        assert (await directory.client.post("/v1/interactions", json=call, headers=directory.hr)).status_code == 403
        hire = {"name": "x", "level": 4, "superior_id": str(directory.ids["exec"])}
        assert (await directory.client.post("/v1/employees", json=hire, headers=phone)).status_code == 403
        listed = await directory.visible(phone)
        assert listed.status_code == 403
        assert "for employees" in listed.json()["detail"]

    async def test_an_unconfigured_client_without_a_login_is_refused(self, directory: Directory) -> None:
        token = directory.idp.sign(directory.kid, azp="someone-elses-app")
        assert (await directory.visible({"Authorization": f"Bearer {token}"})).status_code == 403


async def test_a_read_copy_signs_in_people_by_login_too(test_databases: TestDatabases, jwks_server: JwksServer) -> None:
    """Escalation knows people from its org copy (`employee.upserted` carries `external_id`)."""
    settings = EscalationSettings(
        database_url=await test_databases.fresh("escalation"), **BACKGROUND_OFF, **jwks_server.settings()
    )
    app = create_escalation(settings)
    kid = jwks_server.add_key()
    async with app.state.session_factory() as session, session.begin():
        await seed_person(session, level=1, team_id=uuid.uuid4(), external_id="li.na@example.com")
    async with http_client(app) as client:
        known = {"Authorization": f"Bearer {jwks_server.sign(kid, sub='li.na@example.com', level=5)}"}
        assert (await client.get("/v1/cases/reports/breaches", headers=known)).status_code == 403  # an agent
        assert (await client.get("/v1/cases/mine", headers=known)).status_code == 200
        development = service_bearer(settings, HR_SYSTEM)
        assert (await client.get("/v1/cases/mine", headers=development)).status_code == 401  # not this issuer
    await app.state.engine.dispose()


async def test_a_login_handed_on_moves_in_the_read_copy_and_an_older_event_never_takes_it_back(
    test_databases: TestDatabases,
) -> None:
    """A leaver's login given to a new hire: the copy follows even if the leaver's release arrives late."""
    settings = EscalationSettings(database_url=await test_databases.fresh("escalation"), **BACKGROUND_OFF)
    app = create_escalation(settings)
    leaver, hire = uuid.uuid4(), uuid.uuid4()

    def upserted(employee_id: uuid.UUID, version: int, login: str | None) -> EmployeeUpsertedV1:
        return EmployeeUpsertedV1(employee_id=employee_id, name="x", level=1, version=version, external_id=login)

    async def apply(event: EmployeeUpsertedV1) -> None:
        async with app.state.session_factory() as session, session.begin():
            await on_employee_upserted(session, event, Envelope.wrap(event, time=datetime.now(UTC)))

    async def logins() -> dict[uuid.UUID, str | None]:
        async with app.state.session_factory() as session:
            rows = await session.execute(select(org_employee.c.id, org_employee.c.external_id))
            return {row.id: row.external_id for row in rows}

    await apply(upserted(leaver, 1, "desk-7"))
    await apply(upserted(hire, 1, "desk-7"))  # before the leaver's own release arrives
    assert await logins() == {leaver: None, hire: "desk-7"}
    await apply(upserted(leaver, 1, "desk-7"))  # a late copy of the leaver's old state
    assert await logins() == {leaver: None, hire: "desk-7"}
    await apply(upserted(leaver, 2, None))
    assert await logins() == {leaver: None, hire: "desk-7"}
    await app.state.engine.dispose()
