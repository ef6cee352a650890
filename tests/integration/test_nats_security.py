"""NATS security: services authenticate, talk TLS, and may publish only their own events.

The nats-server here runs with the users and permissions of deploy/nats/values-prod.yaml,
so the production template itself is what is proven: a service's own traffic (relay
publish, durable consume with acks, dead letters) flows, another service's subject is refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import ssl
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats
import nkeys
import pytest
import yaml
from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared import outbox
from callcenter_shared.contracts.asyncapi import consumers
from callcenter_shared.contracts.escalation import CaseOpenedV1
from callcenter_shared.contracts.examples import example_event
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.envelope import CONTENT_TYPE, Envelope
from callcenter_shared.nats_permissions import inbox_prefix, permissions
from callcenter_shared.org import find_person
from callcenter_shared.streams import DEAD_LETTER_STREAM, durable_name, producer_stream, stream_name
from callcenter_shared.tables import outbox as outbox_table
from callcenter_testing import NatsServer, TestDatabases, eventually, running
from escalation.main import create_app as create_escalation
from escalation.settings import Settings as EscalationSettings

from .certificates import TlsFiles, make_tls_files

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nats" / "values-prod.yaml"
PASSWORD_REFERENCE = re.compile(r"^<< \$([A-Z]+)_NATS_PASSWORD >>$")


def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return loaded


def template_users() -> dict[str, dict[str, Any]]:
    return {user["user"]: user for user in template()["config"]["merge"]["authorization"]["users"]}


def password(user: str) -> str:
    return f"test-password-{user}"


def test_template_grants_each_service_exactly_what_its_code_uses() -> None:
    users = template_users()
    for service, events in consumers().items():
        assert users[service]["permissions"] == permissions(service, events), (
            f"deploy/nats/values-prod.yaml is stale for {service}: regenerate its users (deploy/README.md)"
        )
    assert users["ingest"]["permissions"]["publish"]["allow"] == ["callcenter.ingest.>"]
    env = template()["container"]["env"]
    for name, user in users.items():
        reference = PASSWORD_REFERENCE.match(user["password"])
        assert reference, "passwords come from the environment, never inline"
        assert reference.group(1) == name.upper()
        assert env[f"{name.upper()}_NATS_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "nats-users", "key": name}
    assert template()["config"]["nats"]["tls"]["enabled"] is True


def write_server_config(directory: Path, tls: TlsFiles, *, nkey_user: tuple[str, str] | None = None) -> Path:
    """nats-server configuration: the template's users with test passwords, and TLS with the test CA.

    NATS configuration accepts JSON values, so the template's maps are written as JSON.
    `nkey_user` = (service, public key) turns that service into an NKey user with the same permissions.
    """
    users = []
    for name, user in template_users().items():
        if nkey_user and name == nkey_user[0]:
            users.append({"nkey": nkey_user[1], "permissions": user["permissions"]})
        else:
            users.append({**user, "password": password(name)})
    config = directory / "nats.conf"
    tls_block = {"cert_file": str(tls.cert), "key_file": str(tls.key), "ca_file": str(tls.ca), "timeout": 2}
    config.write_text(f"tls: {json.dumps(tls_block)}\nauthorization: {json.dumps({'users': users})}\n")
    return config


@pytest.fixture
def tls_files(tmp_path: Path) -> TlsFiles:
    return make_tls_files(tmp_path)


@pytest.fixture
def secured_server(tmp_path_factory: pytest.TempPathFactory, tls_files: TlsFiles) -> Iterator[NatsServer]:
    directory = tmp_path_factory.mktemp("secured-nats")
    server = NatsServer(directory, config_file=write_server_config(directory, tls_files))
    server.start()
    yield server
    server.stop()


async def connect_as(server: NatsServer, tls: TlsFiles, user: str, **options: Any) -> nats.NATS:
    """A plain client with `user`'s credentials and private inbox, as the template expects."""
    return await nats.connect(
        server.url,
        user=user,
        password=password(user),
        tls=ssl.create_default_context(cafile=str(tls.ca)),
        inbox_prefix=inbox_prefix(user) if user != "admin" else "_INBOX",
        allow_reconnect=False,
        **options,
    )


@pytest.fixture
async def escalation(test_databases: TestDatabases, secured_server: NatsServer, tls_files: TlsFiles) -> FastAPI:
    settings = EscalationSettings(
        database_url=await test_databases.fresh("escalation"),
        nats_url=secured_server.url,
        env="test",
        worker_enabled=False,
        nats_user="escalation",
        nats_password=password("escalation"),
        nats_tls_ca_file=str(tls_files.ca),
    )
    return create_escalation(settings)


@pytest.fixture
async def admin(secured_server: NatsServer, tls_files: TlsFiles) -> AsyncIterator[nats.NATS]:
    client = await connect_as(secured_server, tls_files, "admin")
    yield client
    await client.close()


async def record(app: FastAPI, event: Any) -> None:
    async with app.state.session_factory() as session, session.begin():
        await outbox.add(session, event, at=datetime.now(UTC))


async def test_service_traffic_flows_under_its_own_permissions_and_another_subject_is_refused(
    escalation: FastAPI,
    secured_server: NatsServer,
    tls_files: TlsFiles,
    admin: nats.NATS,
    caplog: pytest.LogCaptureFixture,
) -> None:
    js = admin.jetstream()
    async with running(escalation):
        # Subscribing created the scheduling and dead-letter streams and escalation's durables.
        await asyncio.wait_for(escalation.state.consumer.ready.wait(), 60)  # a refused grant fails, not hangs

        # Consume: scheduling publishes an employee, escalation's durable fetches, applies and acks it.
        scheduling = await connect_as(secured_server, tls_files, "scheduling")
        employee = EmployeeUpsertedV1(employee_id=uuid.uuid4(), name="Wang Fang", level=1, version=1)
        envelope = Envelope.wrap(employee, time=datetime.now(UTC))
        headers = {"Nats-Msg-Id": envelope.id, "Content-Type": CONTENT_TYPE}
        await scheduling.jetstream().publish(employee.subject, envelope.to_json().encode(), headers=headers)
        # A message that breaks its contract goes to escalation's dead-letter subject.
        await scheduling.jetstream().publish(employee.subject, b'{"not": "an envelope"}')
        await scheduling.close()

        async def employee_arrived() -> bool:
            async with escalation.state.session_factory() as session:
                return await find_person(session, employee.employee_id) is not None

        await eventually(employee_arrived)
        durable = durable_name("escalation", employee.subject)

        async def acknowledged_and_dead_lettered() -> bool:
            info = await js.consumer_info(stream_name("scheduling"), durable)
            dead = await js.stream_info(DEAD_LETTER_STREAM)
            return info.ack_floor.stream_seq == 2 and info.num_ack_pending == 0 and dead.state.messages == 1

        await eventually(acknowledged_and_dead_lettered)

        # Publish: the relay sends escalation's own event, with both headers.
        opened = example_event(CaseOpenedV1)
        await record(escalation, opened)

        async def published() -> Any:
            try:
                return await js.get_last_msg(stream_name("escalation"), opened.subject)
            except nats.js.errors.NotFoundError:
                return None

        message = await eventually(published)
        assert message.headers["Content-Type"] == CONTENT_TYPE
        assert Envelope.model_validate_json(message.data).id == message.headers["Nats-Msg-Id"]

        # Refused: escalation's relay tries to publish a scheduling subject.
        forged = EmployeeUpsertedV1(employee_id=uuid.uuid4(), name="Forged", level=5, version=1)
        caplog.set_level(logging.WARNING, logger="callcenter_shared")
        await record(escalation, forged)

        async def refused() -> Any:
            async with escalation.state.session_factory() as session:
                row = (
                    await session.execute(select(outbox_table).where(outbox_table.c.subject == forged.subject))
                ).one()
            return row.last_error if row.published_at is None else None

        assert await eventually(refused, timeout=20)
        assert any("permissions violation for publish" in r.getMessage().lower() for r in caplog.records)

        # Nor may it change the stream of a producer it only reads (here: keep events an hour, not 30 days).
        tampered = producer_stream("scheduling")
        tampered.max_age = 3600.0
        intruder = await connect_as(secured_server, tls_files, "escalation")
        with pytest.raises(nats.errors.TimeoutError):  # the request is dropped: no answer comes
            await intruder.jetstream(timeout=1).update_stream(tampered)
        await intruder.close()
        assert (await js.stream_info(stream_name("scheduling"))).config.max_age == producer_stream("scheduling").max_age
    state = await js.stream_info(stream_name("scheduling"))
    assert state.state.messages == 2, "only scheduling's own two messages are in its stream"


async def test_connections_without_valid_credentials_or_tls_are_refused(
    secured_server: NatsServer, tls_files: TlsFiles
) -> None:
    context = ssl.create_default_context(cafile=str(tls_files.ca))
    with pytest.raises(nats.errors.Error):
        await nats.connect(secured_server.url, tls=context, allow_reconnect=False, connect_timeout=2)
    with pytest.raises(nats.errors.Error):
        await nats.connect(secured_server.url, user="escalation", password="wrong", tls=context, allow_reconnect=False)
    # A server certificate from an unknown CA is not trusted.
    with pytest.raises((ssl.SSLError, OSError, nats.errors.Error)):
        await nats.connect(
            secured_server.url,
            user="escalation",
            password=password("escalation"),
            tls=ssl.create_default_context(),
            allow_reconnect=False,
            connect_timeout=2,
        )


async def test_a_service_connects_with_an_nkey_seed_file(
    test_databases: TestDatabases, tmp_path_factory: pytest.TempPathFactory, tls_files: TlsFiles
) -> None:
    seed = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER)
    public_key = nkeys.from_seed(bytearray(seed)).public_key.decode()
    directory = tmp_path_factory.mktemp("nkey-nats")
    seed_file = directory / "escalation.nk"
    seed_file.write_bytes(seed)
    server = NatsServer(
        directory, config_file=write_server_config(directory, tls_files, nkey_user=("escalation", public_key))
    )
    server.start()
    try:
        app = create_escalation(
            EscalationSettings(
                database_url=await test_databases.fresh("escalation"),
                nats_url=server.url,
                env="test",
                worker_enabled=False,
                nats_nkey_seed_file=str(seed_file),
                nats_tls_ca_file=str(tls_files.ca),
            )
        )
        async with running(app):
            await asyncio.wait_for(app.state.consumer.ready.wait(), 60)
            await record(app, example_event(CaseOpenedV1))

            async def all_published() -> bool:
                async with app.state.session_factory() as session:
                    return await outbox.backlog(session) == 0

            await eventually(all_published)
    finally:
        server.stop()
