"""Letters of praise as PDF, signed by senior management, with Chinese text (REC-8)."""

from __future__ import annotations

import io
from typing import Any

import httpx
from pypdf import PdfReader


async def granted(client: httpx.AsyncClient, org: Any) -> str:
    awards = (await client.get("/v1/awards", headers=org.team.leader.headers)).json()["items"]
    patience = next(a["id"] for a in awards if a["code"] == "patience")
    nomination = await client.post(
        "/v1/nominations",
        json={
            "award_id": patience,
            "nominee_id": str(org.team.agents[0].id),
            "reason": "面对辱骂的客户始终保持冷静，耐心解决了账单问题。",
        },
        headers=org.team.agents[1].headers,
    )
    approved = await client.post(
        f"/v1/nominations/{nomination.json()['id']}/approve", json={}, headers=org.team.leader.headers
    )
    return str(approved.json()["grant_id"])


class TestLetter:
    async def test_letter_is_a_pdf_with_the_recipients_chinese_name_REC_8(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        grant_id = await granted(client, org)
        response = await client.post(
            f"/v1/grants/{grant_id}/letter", json={"signer_id": str(org.gm.id)}, headers=org.team.agents[0].headers
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert "王芳" in text  # the recipient
        assert "钱经理" in text  # the signer
        assert "总经理" in text  # the signer's title
        assert "耐心奖" in text  # the award
        assert "保持冷静" in text  # the achievement
        assert "2026年11月2日" in text  # the date, in the center's time zone

    async def test_letter_signed_below_senior_management_is_refused_REC_8(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        grant_id = await granted(client, org)
        response = await client.post(
            f"/v1/grants/{grant_id}/letter", json={"signer_id": str(org.deputy.id)}, headers=org.deputy.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "REC-8"

    async def test_letter_is_private_to_the_recipient_and_their_chain(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        grant_id = await granted(client, org)
        response = await client.post(
            f"/v1/grants/{grant_id}/letter",
            json={"signer_id": str(org.gm.id)},
            headers=org.other_team.agents[0].headers,
        )
        assert response.status_code == 403
