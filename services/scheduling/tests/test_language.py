"""Refusals in the caller's language: `Accept-Language: zh-CN` gets a rule's title and detail in Simplified
Chinese, with the same rule ID and `Content-Language: zh-CN`; the values built in code (a leave type, the
step a refusal is about) are translated with the sentence around them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from callcenter_shared.clock import FrozenClock

SHANGHAI = timezone(timedelta(hours=8))
CHINESE = {"Accept-Language": "zh-CN"}
RULE_TITLE_ZH = "业务规则不允许"


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def request_swap(floor: Any, mine: object, theirs: object, headers: dict[str, str]) -> httpx.Response:
    body = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
    return await floor.client.post("/v1/swaps", json=body, headers={**floor.a1.headers, **headers})


class TestRefusalsInChinese:
    async def test_a_swap_refused_by_SWP_5_reads_in_chinese_with_the_same_rule(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        await floor.on_shift(floor.a1, at(6, 10))  # a1 also works 10:00-18:00 on the 6th
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))  # b1's 08:00-16:00 on the 6th
        chinese = await request_swap(floor, mine, theirs, CHINESE)
        assert chinese.status_code == 422
        problem = chinese.json()
        assert problem["rule"] == "SWP-5"
        assert problem["title"] == RULE_TITLE_ZH
        assert problem["detail"] == "换班后，Wang Fang将同时排在两个时间重叠的班次上（shift-06-1000）。"
        assert chinese.headers["Content-Language"] == "zh-CN"
        assert "Accept-Language" in chinese.headers["Vary"]

        english = await request_swap(floor, mine, theirs, {})
        assert english.json()["rule"] == "SWP-5"
        assert english.json()["title"] == "Refused by a business rule"
        assert (
            english.json()["detail"] == "After the swap Wang Fang would be on two overlapping shifts (shift-06-1000)."
        )
        assert english.headers["Content-Language"] == "en"

    async def test_an_uncertified_agent_is_refused_in_chinese_SWP_5(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        response = await floor.client.patch(
            f"/v1/employees/{floor.a1.id}",
            json={"agent_number": None, "certified": False},
            headers=floor.org.admin.headers,
        )
        assert response.status_code == 200, response.text
        refused = await request_swap(floor, mine, theirs, {"Accept-Language": "en;q=0.5, zh-CN;q=0.9"})
        assert refused.json()["rule"] == "SWP-5"
        assert refused.json()["detail"] == (
            "Wang Fang尚未通过认证（还没有通过培训），因此班次 shift-06-0800 将缺少合格的坐席（ORG-3）。"
        )
        assert refused.headers["Content-Language"] == "zh-CN"

    async def test_late_leave_names_its_kind_in_chinese_LEV_2(self, floor: Any, clock: FrozenClock) -> None:
        clock.set(at(5, 6))
        body = {"leave_type": "annual", "starts_at": at(5, 20).isoformat(), "ends_at": at(6, 4).isoformat()}
        refused = await floor.client.post("/v1/leave", json=body, headers={**floor.a1.headers, **CHINESE})
        assert refused.status_code == 422
        assert refused.json()["rule"] == "LEV-2"
        assert refused.json()["title"] == RULE_TITLE_ZH
        assert refused.json()["detail"] == "年假必须至少提前 24 小时申请；这个时段已来不及申请。"
        english = await floor.client.post("/v1/leave", json=body, headers=floor.a1.headers)
        assert english.json()["detail"] == (
            "Annual leave must be requested at least 24 h ahead; it is too late for this period."
        )

    async def test_a_step_out_of_order_names_the_awaited_step_in_chinese_SWP_3(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap = await request_swap(floor, mine, theirs, {})
        assert swap.status_code == 201, swap.text
        early = await floor.client.post(
            f"/v1/swaps/{swap.json()['id']}/sign", headers={**floor.leader_a.headers, **CHINESE}
        )
        assert early.status_code == 422
        assert early.json()["rule"] == "SWP-3"
        assert early.json()["detail"] == "该换班当前等待的步骤是：对方同事接受；不能执行这一步。"
        english = await floor.client.post(f"/v1/swaps/{swap.json()['id']}/sign", headers=floor.leader_a.headers)
        assert english.json()["detail"] == "The swap is waiting for the counterpart, not for this step."
