"""A refusal answers in the caller's language: Simplified Chinese for `Accept-Language: zh-CN`, else English."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

CJK = re.compile(r"[\u4e00-\u9fff]")


async def test_a_rule_refusal_reads_in_chinese_when_asked_and_in_english_otherwise_ESC_1(
    client: httpx.AsyncClient, org: Any, open_case: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    case = await open_case(org.agent)

    async def hand_off(**language: str) -> httpx.Response:
        return await client.post(
            f"/v1/cases/{case['id']}/handoff",
            json={"to_employee_id": str(org.colleague.id), "reason": "Not my product"},
            headers={**org.agent.headers, **language},
        )

    chinese = await hand_off(**{"Accept-Language": "zh-CN"})
    assert chinese.status_code == 422
    assert chinese.headers["Content-Language"] == "zh-CN"
    problem = chinese.json()
    assert problem["rule"] == "ESC-1"
    assert problem["title"] == "业务规则不允许"
    assert CJK.search(problem["detail"])
    # The role and the refused action are messages of their own, rendered in Chinese too.
    assert f"作为工单 {case['number']} 的首问负责人，你不能将其转交他人" in problem["detail"]
    assert "hand it off" not in problem["detail"]
    assert "owner" not in problem["detail"]

    english = await hand_off()
    assert english.status_code == 422
    assert english.headers["Content-Language"] == "en"
    problem = english.json()
    assert problem["rule"] == "ESC-1"
    assert problem["title"] == "Refused by a business rule"
    assert problem["detail"].startswith(f"As the owner of {case['number']} you may not hand it off:")
    assert not CJK.search(problem["detail"])


async def test_a_handler_refusing_a_case_is_told_so_in_chinese_ESC_1(
    client: httpx.AsyncClient, org: Any, open_case: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    case = await open_case(org.agent, category="major_customer_problem")
    response = await client.post(
        f"/v1/cases/{case['id']}/reject",
        json={"reason": "Too busy"},
        headers={**org.leader.headers, "Accept-Language": "zh-CN,en;q=0.5"},
    )
    assert response.status_code == 422
    assert response.headers["Content-Language"] == "zh-CN"
    assert response.json()["rule"] == "ESC-1"
    assert f"作为工单 {case['number']} 的处理人，你不能拒绝受理" in response.json()["detail"]
