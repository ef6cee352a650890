"""Peer praise: allowance, ledger, rewards, reciprocity, leaderboards (REC-5); leaders' coverage (REC-6)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import CHINESE

REMINDER = "callcenter.recognition.praise.reminder.v1"


async def praise(
    client: httpx.AsyncClient, giver: Any, receiver: Any, points: int, value: str = "teamwork"
) -> httpx.Response:
    return await client.post(
        "/v1/praise",
        json={
            "receiver_id": str(receiver.id),
            "points": points,
            "message": "Took my overflow calls at lunch.",
            "value": value,
        },
        headers=giver.headers,
    )


class TestGive:
    async def test_praise_credits_the_ledger_and_publishes_REC_5(
        self, client: httpx.AsyncClient, org: Any, events: Any
    ) -> None:
        a, b, _ = org.team.agents
        response = await praise(client, a, b, 30)
        assert response.status_code == 201, response.text
        points = (await client.get(f"/v1/points/{b.id}", headers=b.headers)).json()
        assert points["balance"] == 30
        assert [(e["delta"], e["kind"]) for e in points["ledger"]["items"]] == [(30, "praise_received")]
        left = (await client.get("/v1/praise/allowance", headers=a.headers)).json()
        assert left == {"month": "2026-11", "allowance": 100, "spent": 30, "remaining": 70}
        [event] = await events("callcenter.recognition.praise.given.v1")
        assert event["data"]["points"] == 30
        assert event["data"]["value"] == "teamwork"

    async def test_self_praise_is_refused_REC_5(self, client: httpx.AsyncClient, org: Any, events: Any) -> None:
        a = org.team.agents[0]
        response = await praise(client, a, a, 10)
        assert response.status_code == 422
        assert response.json()["rule"] == "REC-5"
        assert "yourself" in response.json()["detail"]
        assert await events("callcenter.recognition.praise.given.v1") == []

    async def test_over_allowance_is_refused_REC_5(self, client: httpx.AsyncClient, org: Any) -> None:
        a, b, c = org.team.agents
        assert (await praise(client, a, b, 60)).status_code == 201
        over = await praise(client, a, c, 41)
        assert over.status_code == 422
        assert over.json()["rule"] == "REC-5"
        assert "40 of your 100" in over.json()["detail"]
        assert (await praise(client, a, c, 40)).status_code == 201
        assert (await praise(client, a, c, 1)).status_code == 422
        assert (await praise(client, b, c, 101)).json()["rule"] == "REC-5"

    async def test_a_chinese_caller_reads_the_refusal_in_chinese_REC_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, b, c = org.team.agents
        assert (await praise(client, a, b, 60)).status_code == 201
        body = {"receiver_id": str(c.id), "points": 41, "message": "Stayed late for the backlog.", "value": "teamwork"}
        response = await client.post("/v1/praise", json=body, headers={**a.headers, "Accept-Language": "zh-CN"})
        assert response.status_code == 422
        problem = response.json()
        assert problem["rule"] == "REC-5"
        assert problem["detail"] == (
            "您 2026-11 的表扬积分额度为 100，还剩 40 积分；本次 41 积分超出了剩余额度。未用完的额度不会结转到下个月。"
        )
        # The title is the shared library's, in its Chinese catalog.
        assert problem["title"] == RuleViolation.title.render(CHINESE)
        assert response.headers["Content-Language"] == "zh-CN"

    async def test_unspent_allowance_does_not_roll_over_but_earned_points_stay_REC_5(
        self, client: httpx.AsyncClient, org: Any, clock: FrozenClock
    ) -> None:
        a, b, _ = org.team.agents
        assert (await praise(client, a, b, 10)).status_code == 201  # 90 left unspent in November
        clock.advance(days=30)  # December
        left = (await client.get("/v1/praise/allowance", headers=a.headers)).json()
        assert left == {"month": "2026-12", "allowance": 100, "spent": 0, "remaining": 100}
        assert (await praise(client, a, b, 101)).status_code == 422  # not 190
        clock.advance(days=400)
        assert (await client.get(f"/v1/points/{b.id}", headers=b.headers)).json()["balance"] == 10  # never expires

    async def test_praise_names_a_company_value_REC_5(self, client: httpx.AsyncClient, org: Any) -> None:
        a, b, _ = org.team.agents
        values = (await client.get("/v1/praise/values", headers=a.headers)).json()["items"]
        assert "teamwork" in values
        response = await praise(client, a, b, 5, value="being nice")
        assert response.status_code == 422
        assert response.json()["rule"] == "REC-5"

    async def test_points_are_private_to_the_person_and_their_leaders(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, b, _ = org.team.agents
        await praise(client, a, b, 5)
        assert (await client.get(f"/v1/points/{b.id}", headers=a.headers)).status_code == 403
        assert (await client.get(f"/v1/points/{b.id}", headers=org.team.leader.headers)).status_code == 200


class TestRedemption:
    async def test_redeem_earned_points_approved_and_fulfilled_by_an_admin_REC_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, b, c = org.team.agents
        await praise(client, a, c, 60)
        await praise(client, b, c, 50)
        assert (
            await client.post(
                "/v1/rewards", json={"name": "Cinema ticket", "cost_points": 100, "stock": 1}, headers=c.headers
            )
        ).status_code == 403
        reward = (
            await client.post(
                "/v1/rewards",
                json={"name": "Cinema ticket", "cost_points": 100, "stock": 1},
                headers=org.deputy.headers,
            )
        ).json()
        redemption = await client.post("/v1/redemptions", json={"reward_id": reward["id"]}, headers=c.headers)
        assert redemption.status_code == 201, redemption.text
        assert (await client.get(f"/v1/points/{c.id}", headers=c.headers)).json()["balance"] == 10
        assert (await client.get("/v1/rewards", headers=c.headers)).json()["items"][0]["stock"] == 0
        rid = redemption.json()["id"]
        assert (await client.post(f"/v1/redemptions/{rid}/approve", headers=c.headers)).status_code == 403
        early = await client.post(
            f"/v1/redemptions/{rid}/fulfil", headers={**org.deputy.headers, "Accept-Language": "zh-CN"}
        )
        assert early.status_code == 409
        assert early.json()["detail"] == "状态为 requested 的兑换不能标记为已发放。"
        assert (await client.post(f"/v1/redemptions/{rid}/approve", headers=org.deputy.headers)).json()[
            "status"
        ] == "approved"
        assert (await client.post(f"/v1/redemptions/{rid}/fulfil", headers=org.deputy.headers)).json()[
            "status"
        ] == "fulfilled"

    async def test_redemption_needs_enough_points_and_stock(self, client: httpx.AsyncClient, org: Any) -> None:
        a, _, c = org.team.agents
        await praise(client, a, c, 40)
        reward = (
            await client.post(
                "/v1/rewards", json={"name": "Mug", "cost_points": 50, "stock": 3}, headers=org.deputy.headers
            )
        ).json()
        poor = await client.post("/v1/redemptions", json={"reward_id": reward["id"]}, headers=c.headers)
        assert poor.status_code == 409
        assert "you have earned 40" in poor.json()["detail"]
        assert (await client.get("/v1/rewards", headers=c.headers)).json()["items"][0][
            "stock"
        ] == 3  # nothing half-written

    async def test_rejected_redemption_gives_points_and_item_back(self, client: httpx.AsyncClient, org: Any) -> None:
        a, _, c = org.team.agents
        await praise(client, a, c, 50)
        reward = (
            await client.post(
                "/v1/rewards", json={"name": "Mug", "cost_points": 50, "stock": 1}, headers=org.deputy.headers
            )
        ).json()
        rid = (await client.post("/v1/redemptions", json={"reward_id": reward["id"]}, headers=c.headers)).json()["id"]
        assert (await client.post(f"/v1/redemptions/{rid}/reject", headers=org.deputy.headers)).json()[
            "status"
        ] == "rejected"
        points = (await client.get(f"/v1/points/{c.id}", headers=c.headers)).json()
        assert points["balance"] == 50
        assert {e["kind"] for e in points["ledger"]["items"]} == {"praise_received", "redemption", "redemption_refund"}
        assert (await client.get("/v1/rewards", headers=c.headers)).json()["items"][0]["stock"] == 1


class TestReciprocity:
    async def test_two_people_who_mostly_praise_each_other_are_flagged_REC_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, b, c = org.team.agents
        for _ in range(3):
            assert (await praise(client, a, b, 20)).status_code == 201
            assert (await praise(client, b, a, 20)).status_code == 201
        await praise(client, a, c, 5)  # a little praise elsewhere does not hide the pattern
        flags = (
            await client.get("/v1/praise/reciprocity-flags", params={"status": "open"}, headers=org.deputy.headers)
        ).json()["items"]
        assert len(flags) == 1
        assert {flags[0]["employee_a"], flags[0]["employee_b"]} == {str(a.id), str(b.id)}
        assert flags[0]["mutual_points"] == 120
        reviewed = await client.post(
            f"/v1/praise/reciprocity-flags/{flags[0]['id']}/review",
            json={"outcome": "confirmed"},
            headers=org.deputy.headers,
        )
        assert reviewed.json()["status"] == "confirmed"
        assert (await client.get("/v1/praise/reciprocity-flags", headers=a.headers)).status_code == 403

    async def test_praise_spread_across_colleagues_is_not_flagged_REC_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, b, c = org.team.agents
        others = org.other_team.agents
        for _ in range(3):
            await praise(client, a, b, 5)
            await praise(client, b, a, 5)
            await praise(client, a, others[0], 10)
            await praise(client, b, c, 10)
        flags = (await client.get("/v1/praise/reciprocity-flags", headers=org.deputy.headers)).json()["items"]
        assert flags == []


class TestLeaderboard:
    async def test_leaderboard_by_received_points_per_team_and_month_REC_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, b, c = org.team.agents
        await praise(client, a, c, 30)
        await praise(client, b, c, 30)
        await praise(client, c, b, 20)
        await praise(client, c, org.other_team.agents[0], 70)
        board = await client.get(
            "/v1/praise/leaderboard", params={"month": "2026-11", "team_id": str(org.team.id)}, headers=a.headers
        )
        assert [(r["name"], r["points"], r["praises"]) for r in board.json()["items"]] == [
            ("刘洋", 60, 2),
            ("张伟", 20, 1),
        ]
        empty = await client.get("/v1/praise/leaderboard", params={"month": "2026-10"}, headers=a.headers)
        assert empty.json()["items"] == []


class TestLeaderCoverage:
    async def test_leader_sees_who_was_not_praised_in_the_last_days_REC_6(
        self, client: httpx.AsyncClient, org: Any, clock: FrozenClock
    ) -> None:
        a, b, c = org.team.agents
        leader = org.team.leader
        await praise(client, leader, a, 2)
        clock.advance(days=3)
        await praise(client, leader, b, 2)
        await praise(client, a, c, 10)  # a peer's praise is not the leader's
        clock.advance(days=5)
        response = await client.get(
            f"/v1/teams/{org.team.id}/praise-coverage", params={"days": 7}, headers=leader.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert {r["name"] for r in body["not_praised"]} == {"王芳", "刘洋"}  # a was 8 days ago, c never
        assert body["covered"] == 1
        assert body["members"] == 3
        assert body["praised_in_last_24h"] is False
        await praise(client, leader, c, 2)
        again = (
            await client.get(f"/v1/teams/{org.team.id}/praise-coverage", params={"days": 7}, headers=leader.headers)
        ).json()
        assert {r["name"] for r in again["not_praised"]} == {"王芳"}
        assert again["praised_in_last_24h"] is True

    async def test_coverage_is_for_the_leader_and_above_REC_6(self, client: httpx.AsyncClient, org: Any) -> None:
        url = f"/v1/teams/{org.team.id}/praise-coverage"
        assert (await client.get(url, headers=org.team.agents[0].headers)).status_code == 403
        assert (await client.get(url, headers=org.other_team.leader.headers)).status_code == 403
        assert (await client.get(url, headers=org.deputy.headers)).status_code == 200


class TestDailyReminder:
    async def test_leaders_who_praised_nobody_today_are_reminded_at_the_hour_REC_6(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any, clock: FrozenClock, events: Any
    ) -> None:
        # The clock stands at 17:00 center time on 2 November: that day's 16:00 has passed.
        a, b, c = org.team.agents
        assert await app.state.worker.fire_due() == 0  # the next reminder is scheduled, not due
        clock.advance(hours=22)  # 15:00 on 3 November
        await praise(client, org.team.leader, a, 2)
        assert await app.state.worker.fire_due() == 0
        clock.advance(hours=1)  # 16:00
        assert await app.state.worker.fire_due() == 1
        reminders = [e["data"] for e in await events(REMINDER)]
        assert [(r["leader_id"], r["team_id"], r["day"]) for r in reminders] == [
            (str(org.other_team.leader.id), str(org.other_team.id), "2026-11-03")
        ]
        assert set(reminders[0]["members_due"]) == {str(agent.id) for agent in org.other_team.agents}
        assert await app.state.worker.fire_due() == 0  # once a day, however often the worker looks

        clock.advance(days=1)  # 16:00 on 4 November: yesterday's praise does not count for today
        assert await app.state.worker.fire_due() == 1
        today = [e["data"] for e in await events(REMINDER) if e["data"]["day"] == "2026-11-04"]
        assert {r["leader_id"] for r in today} == {str(org.team.leader.id), str(org.other_team.leader.id)}
        mine = next(r for r in today if r["leader_id"] == str(org.team.leader.id))
        assert set(mine["members_due"]) == {str(b.id), str(c.id)}  # a was praised within the window


ROUNDS = 5  # a race needs a few tries to show on PostgreSQL


class TestRedemptionRaces:
    """On PostgreSQL (TEST_POSTGRES_URL) the pool runs the two requests side by side."""

    async def test_two_rejections_at_once_refund_the_points_and_the_item_once_REC_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, _, c = org.team.agents
        await praise(client, a, c, 50)
        reward = (
            await client.post(
                "/v1/rewards", json={"name": "Mug", "cost_points": 10, "stock": ROUNDS}, headers=org.deputy.headers
            )
        ).json()
        for _ in range(ROUNDS):
            redeemed = await client.post("/v1/redemptions", json={"reward_id": reward["id"]}, headers=c.headers)
            assert redeemed.status_code == 201, redeemed.text
            rid = redeemed.json()["id"]
            answers = await asyncio.gather(
                *(client.post(f"/v1/redemptions/{rid}/reject", headers=org.deputy.headers) for _ in range(2))
            )
            assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
            points = (await client.get(f"/v1/points/{c.id}", headers=c.headers)).json()
            assert points["balance"] == 50
            stock = (await client.get("/v1/rewards", headers=c.headers)).json()["items"][0]["stock"]
            assert stock == ROUNDS

    async def test_two_redemptions_of_the_last_item_at_once_take_it_once_REC_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        a, b, c = org.team.agents
        await praise(client, a, c, 50)
        await praise(client, c, b, 50)
        reward = (
            await client.post(
                "/v1/rewards", json={"name": "Pen", "cost_points": 10, "stock": 1}, headers=org.deputy.headers
            )
        ).json()
        answers = await asyncio.gather(
            *(client.post("/v1/redemptions", json={"reward_id": reward["id"]}, headers=p.headers) for p in (b, c))
        )
        assert sorted(answer.status_code for answer in answers) == [201, 409], [a.text for a in answers]
        assert (await client.get("/v1/rewards", headers=c.headers)).json()["items"][0]["stock"] == 0
        balances = [(await client.get(f"/v1/points/{p.id}", headers=p.headers)).json()["balance"] for p in (b, c)]
        assert sorted(balances) == [40, 50]
