"""Searching the org directory: `q` by name fragment or agent number, filters and sorting, within
what the caller may see. Runs on SQLite and, with TEST_POSTGRES_URL, on PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx


async def names(client: httpx.AsyncClient, who: Any, **params: object) -> list[str]:
    response = await client.get("/v1/employees", params={"limit": 200, **params}, headers=who.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "limit", "offset", "total"}
    assert body["total"] == len(body["items"])
    return [e["name"] for e in body["items"]]


async def test_a_chinese_name_fragment_finds_the_whole_name(org: Any, client: httpx.AsyncClient) -> None:
    team_id, leader = await org.team()
    await org.agent(team_id, leader, name="王小明")
    await org.agent(team_id, leader, name="李小红")
    await org.agent(team_id, leader, name="张明")
    assert await names(client, org.deputy, q="小明") == ["王小明"]
    assert sorted(await names(client, org.deputy, q="明")) == sorted(["王小明", "张明"])
    assert await names(client, org.deputy, q="赵") == []


async def test_a_latin_name_fragment_ignores_case(org: Any, client: httpx.AsyncClient) -> None:
    team_id, leader = await org.team()
    await org.agent(team_id, leader, name="Wang Fang")
    assert await names(client, org.deputy, q="wang f") == ["Wang Fang"]
    assert await names(client, org.deputy, q="FANG") == ["Wang Fang"]


async def test_an_agent_number_is_found_exactly_or_by_its_start(org: Any, client: httpx.AsyncClient) -> None:
    team_id, leader = await org.team()
    await org.agent(team_id, leader, name="Chen", agent_number="Q7001")
    await org.agent(team_id, leader, name="Liu", agent_number="Q7012")
    await org.agent(team_id, leader, name="Ma", agent_number="X0Q70")
    assert await names(client, org.deputy, q="Q7001") == ["Chen"]
    assert await names(client, org.deputy, q="q70", sort="agent_number") == ["Chen", "Liu"]
    assert await names(client, org.deputy, q="7001") == []  # inside a number is not its start


async def test_like_wildcards_in_q_match_only_themselves(org: Any, client: httpx.AsyncClient) -> None:
    team_id, leader = await org.team()
    await org.agent(team_id, leader, name="100% Zhou")
    await org.agent(team_id, leader, name="Zhou_Min")
    await org.agent(team_id, leader, name="ZhouXMin")
    await org.agent(team_id, leader, name="Back\\slash Wu")
    assert await names(client, org.deputy, q="%") == ["100% Zhou"]
    assert await names(client, org.deputy, q="_") == ["Zhou_Min"]
    assert await names(client, org.deputy, q="Zhou_M") == ["Zhou_Min"]
    assert await names(client, org.deputy, q="0%") == ["100% Zhou"]
    assert await names(client, org.deputy, q="\\") == ["Back\\slash Wu"]
    assert await names(client, org.deputy, q="/") == []


async def test_an_agent_finds_her_teammates_but_never_another_teams_people(org: Any, client: httpx.AsyncClient) -> None:
    team_a, leader_a = await org.team()
    team_b, leader_b = await org.team()
    me = await org.agent(team_a, leader_a, name="王芳", agent_number="S1001")
    await org.agent(team_a, leader_a, name="王小明", agent_number="S1002")
    await org.agent(team_b, leader_b, name="王小红", agent_number="S1003")
    assert sorted(await names(client, me, q="王")) == sorted(["王芳", "王小明"])
    assert await names(client, me, q="S1003") == []
    assert await names(client, me, q="小红") == []
    assert await names(client, me, q="S100", team_id=str(team_b)) == []
    # The leader of team B finds their own agent; the deputy finds all three.
    assert await names(client, leader_b, q="王") == ["王小红"]
    assert len(await names(client, org.deputy, q="S100")) == 3


async def test_filters_and_sorting(org: Any, client: httpx.AsyncClient) -> None:
    team_id, leader = await org.team()
    carol = await org.agent(team_id, leader, name="Carol", agent_number="F300")
    await org.agent(team_id, leader, name="Alice", agent_number="F200")
    await org.agent(team_id, leader, name="Bob", agent_number="F100")
    await org.agent(team_id, leader, name="Dan", certified=False, agent_number=None)
    patched = await client.patch(f"/v1/employees/{carol.id}", json={"active": False}, headers=org.admin.headers)
    assert patched.status_code == 200, patched.text
    team = {"team_id": str(team_id), "level": 1}
    by_number = await names(client, org.deputy, **team, sort="agent_number")
    assert by_number == ["Bob", "Alice", "Carol", "Dan"]  # people without a number last
    assert await names(client, org.deputy, **team, sort="agent_number", active="true") == ["Bob", "Alice", "Dan"]
    assert await names(client, org.deputy, **team, active="false") == ["Carol"]
    assert await names(client, org.deputy, **team, sort="name") == ["Alice", "Bob", "Carol", "Dan"]
    page = await client.get(
        "/v1/employees", params={**team, "sort": "agent_number", "limit": 2, "offset": 1}, headers=org.deputy.headers
    )
    assert [e["name"] for e in page.json()["items"]] == ["Alice", "Carol"]
    assert (page.json()["limit"], page.json()["offset"], page.json()["total"]) == (2, 1, 4)


async def test_bad_search_parameters_are_refused_with_422(org: Any, client: httpx.AsyncClient) -> None:
    for params in (
        {"q": ""},
        {"q": "x" * 101},
        {"q": "a\x00b"},
        {"q": "tab\there"},
        {"sort": "birthday"},
        {"active": "maybe"},
        {"level": 6},
    ):
        response = await client.get("/v1/employees", params=params, headers=org.deputy.headers)
        assert response.status_code == 422, (params, response.text)
