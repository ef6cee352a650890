"""Lists carry people's names next to their ids, read in a bounded number of statements.

For one main list per service, rows about 20 named people are stored; the list must show each
person's name as the service's directory has it (scheduling's own table, the org read copy
elsewhere), and a page of 20 must cost the same number of SQL statements as a page of 2 (the
names, like every other per-row detail, are read once per page, not once per row).

A second check walks every service's OpenAPI document: a response property that holds a
person's id (`agent_id`, `handler_id`, `decided_by`, ...) must have its `<role>_name` beside it.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, select

from callcenter_shared.clock import FrozenClock
from callcenter_testing import TestDatabases, executive, http_client, seed_person

SERVICES = ["scheduling", "performance", "recognition", "escalation"]
PEOPLE = 20
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

# A listed row, the names it should carry: {field: expected name}.
Expected = dict[str, dict[str, str]]
Seed = Callable[[FastAPI, httpx.AsyncClient, dict[str, str]], Awaitable[tuple[str, dict[str, str], Expected]]]


async def make_app(service: str, test_databases: TestDatabases) -> FastAPI:
    settings = importlib.import_module(f"{service}.settings").Settings(
        database_url=await test_databases.fresh(service),
        env="test",
        relay_enabled=False,
        consumer_enabled=False,
        worker_enabled=False,
    )
    app: FastAPI = importlib.import_module(f"{service}.main").create_app(settings, clock=FrozenClock(NOW))
    return app


async def seed_scheduling(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> tuple[str, dict[str, str], Expected]:
    """Twenty people rostered on one shift: `GET /v1/assignments` names each of them."""
    team = (await client.post("/v1/teams", json={"name": "Hotline"}, headers=admin)).json()
    manager = await client.post("/v1/employees", json={"name": "值班经理", "level": 5}, headers=admin)
    assert manager.status_code == 201, manager.text
    starts = NOW + timedelta(days=1)
    shift = await client.post(
        "/v1/shifts",
        json={
            "team_id": team["id"],
            "name": "Early",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=8)).isoformat(),
            "required_headcount": PEOPLE,
            "duty_manager_id": manager.json()["id"],
        },
        headers=admin,
    )
    assert shift.status_code == 201, shift.text
    expected: Expected = {}
    for index in range(PEOPLE):
        person = (await client.post("/v1/employees", json={"name": f"员工{index}", "level": 5}, headers=admin)).json()
        assigned = await client.post(
            f"/v1/shifts/{shift.json()['id']}/assignments", json={"employee_id": person["id"]}, headers=admin
        )
        assert assigned.status_code == 201, assigned.text
        expected[assigned.json()["id"]] = {"employee_name": person["name"]}
    return "/v1/assignments", {}, expected


async def seed_performance(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> tuple[str, dict[str, str], Expected]:
    """Twenty agents' coaching items with their leader: `GET /v1/coaching` names agent and leader."""
    from performance.coaching.models import Coaching

    expected: Expected = {}
    async with app.state.session_factory() as session, session.begin():
        leader = await seed_person(session, level=2, name="组长")
        for index in range(PEOPLE):
            agent = await seed_person(session, level=1, superior_id=leader, name=f"坐席{index}")
            item = Coaching(
                id=uuid.uuid4(), agent_id=agent, leader_id=leader, origin="interview", status="open",
                goals="Shorter holds", notes="", created_at=NOW - timedelta(minutes=index),
            )  # fmt: skip
            session.add(item)
            expected[str(item.id)] = {"agent_name": f"坐席{index}", "leader_name": "组长"}
    return "/v1/coaching", {}, expected


async def seed_recognition(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> tuple[str, dict[str, str], Expected]:
    """Twenty nominations by one leader: `GET /v1/nominations` names nominee and nominator."""
    from recognition.award.catalog import seed_catalog
    from recognition.award.models import Award, Nomination

    expected: Expected = {}
    async with app.state.session_factory() as session, session.begin():
        await seed_catalog(session, now=NOW)
        award_id = await session.scalar(select(Award.id).limit(1))
        leader = await seed_person(session, level=2, name="提名人")
        for index in range(PEOPLE):
            nominee = await seed_person(session, level=1, superior_id=leader, name=f"候选{index}")
            nomination = Nomination(
                id=uuid.uuid4(), award_id=award_id, nominee_id=nominee, nominated_by=leader,
                reason="Calm on a hard call", evidence_links=[], status="pending",
                created_at=NOW - timedelta(minutes=index),
            )  # fmt: skip
            session.add(nomination)
            expected[str(nomination.id)] = {"nominee_name": f"候选{index}", "nominated_by_name": "提名人"}
    return "/v1/nominations", {}, expected


async def seed_escalation(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> tuple[str, dict[str, str], Expected]:
    """Twenty open cases, each with its own owner: `GET /v1/cases` names owner and handler."""
    from escalation.case.models import Case
    from escalation.category.models import Category

    expected: Expected = {}
    added = await client.post(
        "/v1/categories",
        json={"code": "billing", "name": "Billing", "entry_level": 2, "level_minutes": [30, 60, 120, 240, 480]},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    async with app.state.session_factory() as session, session.begin():
        category = (await session.scalars(select(Category).limit(1))).one()
        handler = await seed_person(session, level=2, name="处理人")
        for index in range(PEOPLE):
            owner = await seed_person(session, level=1, superior_id=handler, name=f"受理人{index}")
            opened = NOW - timedelta(minutes=index)
            case = Case(
                id=uuid.uuid4(), number=f"C-{index}", category_id=category.id, category_code=category.code,
                channel="phone", description="Billed twice", owner_id=owner, handler_id=handler, level=2,
                status="open", allowances=[60, 60, 60, 60, 60], warning_minutes=10, emergency_report_minutes=60,
                level_started_at=opened, level_due_at=opened + timedelta(hours=1), opened_at=opened,
                updated_at=opened,
            )  # fmt: skip
            session.add(case)
            expected[str(case.id)] = {"owner_name": f"受理人{index}", "handler_name": "处理人"}
    return "/v1/cases", {}, expected


SEEDS: dict[str, Seed] = {
    "scheduling": seed_scheduling,
    "performance": seed_performance,
    "recognition": seed_recognition,
    "escalation": seed_escalation,
}


@contextmanager
def counted_statements(app: FastAPI) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("service", SERVICES)
async def test_a_list_names_the_people_it_lists_at_a_fixed_cost_per_page(
    service: str, test_databases: TestDatabases
) -> None:
    app = await make_app(service, test_databases)
    admin = await executive(app)
    async with http_client(app) as client:
        path, params, expected = await SEEDS[service](app, client, admin)

        async def page(limit: int) -> tuple[list[dict[str, Any]], int]:
            app.state.recent_callers.forget_all()  # both pages look their caller up
            with counted_statements(app) as statements:
                response = await client.get(path, params={**params, "limit": limit}, headers=admin)
            assert response.status_code == 200, response.text
            return response.json()["items"], len(statements)

        small, small_cost = await page(2)
        full, full_cost = await page(PEOPLE)
    await app.state.engine.dispose()
    assert len(small) == 2
    assert {item["id"] for item in full} == set(expected), "the page does not hold the stored rows"
    for item in full:
        for field, name in expected[item["id"]].items():
            assert item[field] == name, (item["id"], field)
    assert full_cost == small_cost, f"a page of {PEOPLE} costs {full_cost} statements, a page of 2 {small_cost}"


# A response property that holds a person's id; `<role>_name` must sit beside it.
PERSON_ID = re.compile(
    r"^(?:.*_)?(?:agent|employee|handler|evaluator|requester|counterpart|approver|nominee|leader|owner|receiver|"
    r"giver|recipient|reviewer|superior|deputy|entrant|actor|duty_manager|acting_for)_id$|^\w+_by$"
)


def response_schemas(document: dict[str, Any]) -> set[str]:
    """Component schemas reachable from any operation's 2xx JSON response."""
    components = document["components"]["schemas"]
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found.add(name)
                    visit(components[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2"):
                    visit(response.get("content", {}).get("application/json", {}).get("schema", {}))
    return found


def holds_a_uuid(schema: dict[str, Any]) -> bool:
    """A uuid string, or a nullable one (not an object such as a task's `requested_by`, nor a code)."""
    options = schema.get("anyOf", [schema])
    return any(option.get("format") == "uuid" for option in options)


@pytest.mark.parametrize("service", SERVICES)
async def test_every_person_id_in_a_response_comes_with_a_name(service: str, test_databases: TestDatabases) -> None:
    app = await make_app(service, test_databases)
    document = app.openapi()
    await app.state.engine.dispose()
    missing = []
    for schema_name in sorted(response_schemas(document)):
        properties = document["components"]["schemas"][schema_name].get("properties", {})
        for field, schema in properties.items():
            if not PERSON_ID.match(field) or not holds_a_uuid(schema):
                continue
            role = field.removesuffix("_id")
            # A row about one person may name them in `name` (a leaderboard row, a birthday).
            if f"{role}_name" not in properties and "name" not in properties:
                missing.append(f"{schema_name}.{field}")
    assert not missing, f"person ids without a name beside them: {missing}"
