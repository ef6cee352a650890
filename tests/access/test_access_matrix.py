"""The access matrix: every endpoint of every service × every persona, and no leaks through lists.

Personas: A1 (agent of team A), B1 (agent of team B), A2 (leader of A), B2 (leader of B), L3 (deputy GM
above both teams), L5 (executive); plus no token, an expired token and a token with a forged signature,
which every non-public endpoint answers with 401.

`ok` means the persona may act and the call succeeds: exactly a 2xx. A number (`409`, `422`, `404`)
means the persona may act but this call is refused for another reason, with exactly that status (an
allowed persona before them already decided the record, the body breaks a rule, ...). So a route that
refuses everyone, or answers a validation error where it should act, fails. `--` means the persona
must get 401/403. `nf` means denied with 404: the
service hides that another team's record exists (performance's coaching records and reviews). `rl`
means denied by a named business rule: 422 problem+json with `rule` (recognition decides who approves
an award or splits a pool by REC-2/REC-4's level-in-the-chain rule, and answers everyone else so).
Objects in the paths belong to team A (a case opened by A1, an evaluation of A1, a grant to A1, A1's swap,
leave and assignment, ...).
For each row the denied personas call first, so an allowed call cannot change the state they see.
The task stream (`/v1/tasks/mine/stream`) is called with `TASK_STREAM_MAX_SECONDS` short, so an
allowed call ends with its first event instead of staying open.

The table is `matrix.py`; each service's request bodies and objects are its `world_<service>.py`.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.routing import iter_route_contexts

from callcenter_shared.contracts.escalation import ComplaintAttributedV1
from callcenter_shared.envelope import Envelope
from performance.subscriptions import subscriptions

from .matrix import CLIENTS, MATRIX, PERSONAS, PUBLIC, SYSTEMS
from .world_escalation import CASE, build_escalation
from .world_performance import _evaluation, build_performance
from .world_recognition import _nomination, _rec, build_recognition
from .world_scheduling import BODIES, FRESH, QUERY, _counter, _day, _shift, build_scheduling

World = Any  # tests/access/conftest.py: World (conftest modules are not importable here)


BUILDERS = {
    "scheduling": build_scheduling,
    "performance": build_performance,
    "recognition": build_recognition,
    "escalation": build_escalation,
}


# ---------------------------------------------------------------------------------------------- tokens
def expired_token(w: World, service: str) -> dict[str, str]:
    settings = w.apps[service].state.settings
    past = w.clock.now() - timedelta(days=2)
    claims = {
        "sub": str(w.people["A1"].id), "level": 1, "team": str(w.teams["A"]), "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience, "iat": int(past.timestamp()), "exp": int((past + timedelta(hours=1)).timestamp()),
    }  # fmt: skip
    return {"Authorization": "Bearer " + jwt.encode(claims, settings.jwt_secret, algorithm="HS256")}


def forged_token(w: World, service: str) -> dict[str, str]:
    settings = w.apps[service].state.settings
    now = datetime.now(UTC)
    claims = {
        "sub": str(w.people["L5"].id), "level": 5, "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
        "iat": int(now.timestamp()), "exp": int((now + timedelta(hours=1)).timestamp()),
    }  # fmt: skip
    return {"Authorization": "Bearer " + jwt.encode(claims, "not-the-secret-" + "x" * 32, algorithm="HS256")}


def routes(w: World, service: str) -> set[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(w.apps[service].routes):
        methods = getattr(context, "methods", None) or getattr(context.original_route, "methods", None) or ()
        for method in methods:
            if method != "HEAD" and context.path not in PUBLIC:
                found.add((method, context.path))
    return found


def fill(path: str, params: dict[str, Any]) -> str:
    out = path
    for name, value in params.items():
        out = out.replace("{" + name + "}", str(value))
    assert "{" not in out, f"no value for a path parameter of {path}"
    return out


DISCOVER = os.environ.get("ACCESS_DISCOVER") == "1"


def cell_holds(cell: str, status: int, body: Any) -> bool:
    """Whether a persona's answer is the one its cell expects, exactly (see the module's docstring)."""
    if status >= 500:
        return False
    if cell == "ok":
        return 200 <= status < 300
    if cell == "--":
        return status in (401, 403)
    if cell == "nf":
        return status == 404
    if cell == "rl":
        return status == 422 and isinstance(body, dict) and "rule" in body
    return status == int(cell)


def test_a_route_that_refuses_everyone_or_fails_validation_breaks_its_allowed_cells() -> None:
    assert not cell_holds("ok", 403, None)
    assert not cell_holds("ok", 422, {"errors": []})
    assert not cell_holds("409", 422, None)
    assert not cell_holds("rl", 422, {"title": "Unprocessable"})
    assert not cell_holds("--", 200, [])
    assert cell_holds("ok", 201, {})
    assert cell_holds("409", 409, {})
    assert cell_holds("rl", 422, {"rule": "ESC-1"})


def allowed(cell: str) -> bool:
    """`ok` or an exact status the allowed persona gets; `--`, `nf` and `rl` are denials."""
    return cell == "ok" or cell.isdigit()


@pytest.mark.parametrize("service", list(BUILDERS))
async def test_access_matrix(world: World, service: str) -> None:
    rows = [r for r in MATRIX if r[0] == service]
    listed = {(m, p) for _, m, p, _ in rows}
    missing = routes(world, service) - listed
    stale = listed - routes(world, service)
    assert not stale, f"rows for endpoints that do not exist: {sorted(stale)}"
    await BUILDERS[service](world)
    failures: list[str] = []
    observed: list[str] = []
    for _, method, path, cells in rows:
        expected = dict(zip(PERSONAS, cells.split(), strict=True))
        params = dict(world.params[service])
        if (service, method, path) in FRESH:
            params.update(await FRESH[(service, method, path)](world))
        world.params["row"] = params
        url = fill(path, params)
        if (method, path) in QUERY:
            query = QUERY[(method, path)]
            url += "?" + fill(query if isinstance(query, str) else query(world), params)
        body_of = BODIES.get((method, path))
        body = body_of(world) if body_of else ({} if method in ("POST", "PUT", "PATCH") else None)
        for label, headers in (
            ("none", {}),
            ("expired", expired_token(world, service)),
            ("forged", forged_token(world, service)),
        ):
            response = await world.call(service, method, url, headers, body)
            if response.status_code != 401:
                failures.append(f"{method} {path} with {label} token: {response.status_code}")
        systems = SYSTEMS.get((service, method, path), set())
        for client in sorted(CLIENTS, key=lambda c: c in systems):  # the denied call first
            response = await world.call(service, method, url, world.systems[client], body)
            if response.status_code >= 500 or (response.status_code in (401, 403)) == (client in systems):
                failures.append(
                    f"{method} {path} as service account {client}: expected {'ok' if client in systems else '--'},"
                    f" got {response.status_code} {response.text[:200]}"
                )
        order = sorted(PERSONAS, key=lambda p: allowed(expected[p]))  # the denied call first
        got: dict[str, int] = {}
        for persona in order:
            response = await world.call(service, method, url, persona, body)
            got[persona] = response.status_code
            status = response.status_code
            if DISCOVER and 400 <= status < 500 and status not in (401, 403):
                print(f"{method} {path} {persona} {status} {response.text[:160]}")
            body_json = response.json() if "json" in response.headers.get("content-type", "") else None
            if not cell_holds(expected[persona], status, body_json):
                failures.append(
                    f"{method} {path} as {persona}: expected {expected[persona]}, got {response.status_code}"
                    f" {response.text[:200]}"
                )
        observed.append(f"{method:6} {path:60} " + " ".join(f"{got[p]:3}" for p in PERSONAS))
    if DISCOVER:
        print("\n".join(observed))
    assert not missing, f"endpoints not in the access matrix: {sorted(missing)}"
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------------- lists
# (service, list path, the fields naming whose record an item is). A persona may see records of
# SPAN[persona] only; L3 and L5 see everyone.
PRIVATE_LISTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("scheduling", "/v1/employees", ("id",)),
    ("scheduling", "/v1/assignments", ("employee_id",)),
    ("scheduling", "/v1/leave", ("employee_id",)),
    ("scheduling", "/v1/swaps", ("requester_id", "counterpart_id")),
    ("performance", "/v1/qa/evaluations", ("agent_id",)),
    ("performance", "/v1/metrics", ("agent_id",)),
    ("performance", "/v1/periods/{period_id}/scorecards", ("agent_id",)),
    ("performance", "/v1/coaching", ("agent_id",)),
    ("performance", "/v1/reviews", ("agent_id",)),
    ("performance", "/v1/new-hires", ("agent_id",)),
    ("recognition", "/v1/nominations", ("nominee_id",)),
    ("recognition", "/v1/redemptions", ("employee_id",)),  # leaders see none: redemptions are decided by L3+
    ("escalation", "/v1/cases", ("owner_id", "handler_id")),
]
SPAN = {"A1": ("A1",), "B1": ("B1",), "A2": ("A1", "A2", "A3"), "B2": ("B1", "B2", "B3")}
# The directory and the roster show an agent her whole team (names, agent numbers, levels, who works which
# shift), so she can pick a swap counterpart; her teammates' private fields stay hidden (test below).
TEAM_VIEW_LISTS = {"/v1/employees", "/v1/assignments"}
TEAM_SPAN = {"A1": SPAN["A2"], "B1": SPAN["B2"]}


def _items(body: Any) -> list[dict[str, Any]]:
    return body["items"] if isinstance(body, dict) else body  # type: ignore[no-any-return]


async def w_mirror_team_b(w: World) -> None:
    """Team B's own records in every private list: B1's assignment, leave, swap, evaluation, coaching,
    review, nomination, redemption and case (B1's metrics and scorecard come from the October batch)."""
    day = next(_counter)
    _, (mine,) = await _shift(w, "B", day, "B1")
    _, (theirs,) = await _shift(w, "B", day, "B3", hour=17)
    swap = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
    await w.ok("scheduling", "POST", "/v1/swaps", "B1", swap)
    start = _day(w, 60, 9)
    leave = {"leave_type": "sick", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}
    await w.ok("scheduling", "POST", "/v1/leave", "B1", leave)
    evaluation = await w.ok("performance", "POST", "/v1/qa/evaluations", "B2", _evaluation(w, "B1"))
    await w.ok("performance", "POST", f"/v1/qa/evaluations/{evaluation['id']}/release", "B2")
    await w.ok("performance", "POST", "/v1/coaching", "B2", {"agent_id": str(w.people["B1"].id), "goals": ["FCR"]})
    handler = subscriptions(w.apps["performance"].state.settings)[ComplaintAttributedV1]
    async with w.apps["performance"].state.session_factory() as session:
        for day_of_month in (3, 14, 25):
            event = ComplaintAttributedV1(
                case_id=uuid.uuid4(), agent_id=w.people["B1"].id, verified_by=w.people["B2"].id,
                category="service_attitude", complaint_date=datetime(2026, 10, day_of_month).date(),
                attributed_at=datetime(2026, 10, day_of_month, tzinfo=UTC),
            )  # fmt: skip
            await handler(session, event, Envelope.wrap(event, time=datetime(2026, 10, 28, tzinfo=UTC)))
        await session.commit()
    await w.ok("recognition", "POST", "/v1/nominations", "B2", {**_nomination(w), "nominee_id": str(w.people["B1"].id)})
    praise = {
        "receiver_id": str(w.people["B1"].id),
        "points": 2,
        "message": "Thanks for the cover",
        "value": "teamwork",
    }
    await w.ok("recognition", "POST", "/v1/praise", "B3", praise)
    await w.ok("recognition", "POST", "/v1/redemptions", "B1", {"reward_id": str(_rec(w)["reward_id"])})
    await w.ok("escalation", "POST", "/v1/cases", "B1", CASE)


async def test_lists_never_show_another_teams_private_data(world: World) -> None:
    for build in BUILDERS.values():
        await build(world)
    await w_mirror_team_b(world)
    for service, path, fields in PRIVATE_LISTS:
        url = fill(path, world.params[service])
        if DISCOVER:
            sample = _items(await world.ok(service, "GET", url, "L5"))
            print(service, path, len(sample), sorted(sample[0]) if sample else None)
        everyone = {
            uuid.UUID(item[f]) for item in _items(await world.ok(service, "GET", url, "L5")) for f in fields if item[f]
        }
        assert {world.people["A1"].id, world.people["B1"].id} <= everyone, f"{path}: fixture data missing"
        for persona, span in SPAN.items():
            if path in TEAM_VIEW_LISTS:
                span = TEAM_SPAN.get(persona, span)
            allowed = {world.people[p].id for p in span}
            seen: set[uuid.UUID] = set()
            for item in _items(await world.ok(service, "GET", url, persona)):
                owners = {uuid.UUID(item[f]) for f in fields if item[f]}
                assert owners & allowed, f"{path} as {persona} shows another team's record: {item}"
                seen |= owners
            if path != "/v1/redemptions" or persona in ("A1", "B1"):
                assert world.people[span[0]].id in seen, f"{path} as {persona} hides the persona's own records"
            # Asking for the other team's agent by a filter does not widen the view either.
            other = world.people["B1" if persona.startswith("A") else "A1"].id
            separator = "&" if "?" in url else "?"
            for filtered in (f"{url}{separator}agent_id={other}", f"{url}{separator}employee_id={other}"):
                response = await world.call(service, "GET", filtered, persona)
                assert response.status_code in (200, 403, 404, 422), (filtered, persona, response.text)
                if response.status_code == 200:
                    for item in _items(response.json()):
                        owners = {uuid.UUID(item[f]) for f in fields if item[f]}
                        assert owners & allowed, f"{filtered} as {persona} shows another team's record: {item}"


async def test_award_amounts_and_customer_contacts_stay_in_the_chain(world: World) -> None:
    """A grant's material amount shows only to the recipient and their chain; a case's customer contact too."""
    await build_recognition(world)
    await build_escalation(world)
    grant = f"/v1/grants/{world.params['recognition']['grant_id']}"
    case = f"/v1/cases/{world.params['escalation']['case_id']}"
    for persona in PERSONAS:
        in_chain = persona in ("A1", "A2", "L3", "L5")
        shown = await world.ok("recognition", "GET", grant, persona)
        assert (shown["amount"] is not None) == in_chain, (persona, shown)
        assert shown["amount_hidden"] is not in_chain
        wall = await world.ok("recognition", "GET", "/v1/honor-wall", persona)
        [entry] = [i for i in _items(wall) if i["recipient_id"] == str(world.people["A1"].id)]
        assert (entry["amount"] is not None) == in_chain, (persona, entry)
        assert entry["amount_hidden"] is not in_chain, (persona, entry)
        if in_chain:
            assert (await world.ok("escalation", "GET", case, persona))["customer_contact"]
        listed = _items(await world.ok("escalation", "GET", "/v1/cases", persona))
        assert all(c["customer_contact"] for c in listed) if in_chain else not listed


# ---------------------------------------------------------------------------------------------- teammates
# A3 is A1's teammate and B1's stranger. Of A3, A1 reads the directory entry (without its private fields)
# and the current assignments; A3's leave, swaps, evaluations, scores and points stay A3's chain's.
# service        path ({teammate} is A3)                                  A1 B1 A2 B2 L3 L5
TEAMMATE: list[tuple[str, str, str]] = [
    ("scheduling",  "/v1/employees/{teammate}",                             "ok -- ok -- ok ok"),
    ("performance", "/v1/periods/{period_id}/scorecards/{teammate}",        "-- -- ok -- ok ok"),
    ("recognition", "/v1/points/{teammate}",                                "-- -- ok -- ok ok"),
]  # fmt: skip
# Lists asked for A3's records: (service, path, query naming A3, whether A1 sees A3's records there).
TEAMMATE_LISTS: list[tuple[str, str, str, bool]] = [
    ("scheduling", "/v1/employees", "q={name}", True),
    ("scheduling", "/v1/assignments", "employee_id={teammate}", True),
    ("scheduling", "/v1/leave", "employee_id={teammate}", False),
    ("performance", "/v1/qa/evaluations", "agent_id={teammate}", False),
    ("performance", "/v1/coaching", "agent_id={teammate}", False),
]
PRIVATE_FIELDS = ("certified", "birthday", "hire_date", "probation_end_date", "external_id")


async def test_an_agent_sees_her_teams_directory_and_roster_and_nothing_private(world: World) -> None:
    await build_scheduling(world)
    await build_performance(world)
    await build_recognition(world)
    teammate = world.people["A3"].id
    # A3's own private records: a leave request, a released evaluation, coaching.
    start = _day(world, 70, 9)
    leave = {"leave_type": "sick", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}
    await world.ok("scheduling", "POST", "/v1/leave", "A3", leave)
    evaluation = await world.ok("performance", "POST", "/v1/qa/evaluations", "A2", _evaluation(world, "A3"))
    await world.ok("performance", "POST", f"/v1/qa/evaluations/{evaluation['id']}/release", "A2")
    await world.ok("performance", "POST", "/v1/coaching", "A2", {"agent_id": str(teammate), "goals": ["FCR"]})
    params = {**world.params["performance"], "teammate": teammate}
    failures = []
    for service, path, cells in TEAMMATE:
        for persona, expected in zip(PERSONAS, cells.split(), strict=True):
            status = (await world.call(service, "GET", fill(path, params), persona)).status_code
            if status >= 500 or (status in (401, 403)) != (expected == "--"):
                failures.append(f"GET {path} as {persona}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)

    # The entry A1 reads: name, agent number, level and team, never the private fields.
    entry = await world.ok("scheduling", "GET", f"/v1/employees/{teammate}", "A1")
    assert entry["private_fields_hidden"] is True
    assert entry["agent_number"]
    assert entry["name"]
    assert (entry["level"], entry["team_id"]) == (1, str(world.teams["A"]))
    assert [entry[field] for field in PRIVATE_FIELDS] == [None] * len(PRIVATE_FIELDS)
    whole = await world.ok("scheduling", "GET", f"/v1/employees/{teammate}", "A2")
    assert (whole["private_fields_hidden"], whole["birthday"]) == (False, "1998-11-03")
    for item in _items(await world.ok("scheduling", "GET", "/v1/employees", "A1")):
        own = item["id"] == str(world.people["A1"].id)
        assert item["private_fields_hidden"] is not own, item
        assert (item["birthday"] is not None) == own, item
    assert (await world.call("scheduling", "GET", f"/v1/employees/{world.people['B3'].id}", "A1")).status_code == 403

    name = entry["name"]
    for service, path, query, sees in TEAMMATE_LISTS:
        url = path + ("?" + query.format(name=name, teammate=teammate) if query else "")
        for persona, expected in (("A1", sees), ("B1", False), ("A2", True)):
            items = _items(await world.ok(service, "GET", url, persona))
            mentions = [item for item in items if str(teammate) in {str(v) for v in item.values()}]
            assert bool(mentions) == expected, (url, persona, items)
