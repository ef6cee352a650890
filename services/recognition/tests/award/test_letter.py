"""Letters of praise: requested naming a senior signer, signed by that signer, then a PDF that
embeds its CJK font (REC-8, REC-11)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import httpx
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


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


async def requested(client: httpx.AsyncClient, org: Any, *, signer: Any = None) -> dict[str, Any]:
    grant_id = await granted(client, org)
    response = await client.post(
        f"/v1/grants/{grant_id}/letter",
        json={"signer_id": str((signer or org.gm).id)},
        headers=org.team.agents[0].headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def embedded_fonts(pdf: bytes) -> dict[str, str | None]:
    """Every font the pages use: its base name and the embedded font stream's key (None: not embedded)."""
    found: dict[str, str | None] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", DictionaryObject()).get_object()
        for ref in fonts.values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])
            ]
            streams = [
                key
                for descriptor in descriptors
                if descriptor is not None
                for key in ("/FontFile", "/FontFile2", "/FontFile3")
                if key in descriptor.get_object()
            ]
            found[str(font["/BaseFont"])] = streams[0] if streams else None
    return found


class TestLetter:
    async def test_signed_letter_is_a_pdf_with_the_recipients_chinese_name_REC_8(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        letter = await requested(client, org)
        signed = await client.post(f"/v1/letters/{letter['id']}/sign", headers=org.gm.headers)
        assert signed.status_code == 200, signed.text
        response = await client.get(signed.json()["document"], headers=org.team.agents[0].headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert "王芳" in text  # the recipient
        assert "钱经理" in text  # the signer
        assert "总经理" in text  # the signer's title
        assert "耐心奖" in text  # the award
        assert "保持冷静" in text  # the achievement
        assert "2026年11月2日" in text  # the signing date, in the center's time zone

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
        letter = await requested(client, org)
        for path in (f"/v1/letters/{letter['id']}", f"/v1/letters/{letter['id']}/document"):
            assert (await client.get(path, headers=org.other_team.agents[0].headers)).status_code == 403


class TestSigning:
    async def test_no_document_until_the_named_signer_signs_REC_11(
        self, client: httpx.AsyncClient, org: Any, events: Callable[..., Any]
    ) -> None:
        letter = await requested(client, org)
        assert letter["status"] == "awaiting_signature"
        (asked,) = await events("callcenter.recognition.letter.requested.v1")
        assert (asked["data"]["letter_id"], asked["data"]["signer_id"]) == (letter["id"], str(org.gm.id))
        assert letter["document"] is None
        before = await client.get(f"/v1/letters/{letter['id']}/document", headers=org.team.agents[0].headers)
        assert before.status_code == 422
        assert before.json()["rule"] == "REC-11"

        # The letter waits for the signer it names, and for nobody else.
        tasks = (await client.get("/v1/tasks/mine", headers=org.gm.headers)).json()["items"]
        (task,) = [t for t in tasks if t["kind"] == "letter.sign"]
        assert task["object_id"] == letter["id"]
        assert task["link"] == f"/v1/letters/{letter['id']}"
        assert task["requested_by"]["id"] == str(org.team.agents[0].id)
        executive_tasks = (await client.get("/v1/tasks/mine", headers=org.executive.headers)).json()["items"]
        assert [t for t in executive_tasks if t["kind"] == "letter.sign"] == []

        # Whoever asked for it, even someone senior, cannot sign in the signer's stead.
        for somebody_else in (org.team.agents[0], org.deputy, org.executive):
            refused = await client.post(f"/v1/letters/{letter['id']}/sign", headers=somebody_else.headers)
            assert refused.status_code == 403
        assert await events("callcenter.recognition.letter.signed.v1") == []

        signed = await client.post(f"/v1/letters/{letter['id']}/sign", headers=org.gm.headers)
        assert signed.status_code == 200, signed.text
        assert signed.json()["status"] == "signed"
        assert signed.json()["issued_on"] == "2026-11-02"
        document = await client.get(signed.json()["document"], headers=org.team.agents[0].headers)
        assert document.status_code == 200
        (event,) = await events("callcenter.recognition.letter.signed.v1")
        assert event["data"]["letter_id"] == letter["id"]
        assert event["data"]["signer_id"] == str(org.gm.id)
        assert event["data"]["recipient_id"] == str(org.team.agents[0].id)
        tasks = (await client.get("/v1/tasks/mine", headers=org.gm.headers)).json()["items"]
        assert [t for t in tasks if t["kind"] == "letter.sign"] == []

        again = await client.post(f"/v1/letters/{letter['id']}/sign", headers=org.gm.headers)
        assert again.status_code == 422
        assert again.json()["rule"] == "REC-11"

    async def test_a_declined_letter_never_becomes_a_document_REC_11(
        self, client: httpx.AsyncClient, org: Any, events: Callable[..., Any]
    ) -> None:
        letter = await requested(client, org, signer=org.executive)
        missing_reason = await client.post(
            f"/v1/letters/{letter['id']}/decline", json={}, headers=org.executive.headers
        )
        assert missing_reason.status_code == 422
        declined = await client.post(
            f"/v1/letters/{letter['id']}/decline",
            json={"reason": "A team award would fit better."},
            headers=org.executive.headers,
        )
        assert declined.status_code == 200, declined.text
        assert declined.json()["status"] == "declined"
        assert declined.json()["decline_reason"] == "A team award would fit better."
        (event,) = await events("callcenter.recognition.letter.declined.v1")
        assert event["data"]["reason"] == "A team award would fit better."
        sign_after = await client.post(f"/v1/letters/{letter['id']}/sign", headers=org.executive.headers)
        assert sign_after.status_code == 422
        assert sign_after.json()["rule"] == "REC-11"
        document = await client.get(f"/v1/letters/{letter['id']}/document", headers=org.team.agents[0].headers)
        assert document.status_code == 422
        assert document.json()["rule"] == "REC-11"
        assert "declined" in document.json()["detail"]

    async def test_the_pdf_embeds_its_cjk_font_REC_11(self, client: httpx.AsyncClient, org: Any) -> None:
        letter = await requested(client, org)
        await client.post(f"/v1/letters/{letter['id']}/sign", headers=org.gm.headers)
        pdf = (await client.get(f"/v1/letters/{letter['id']}/document", headers=org.gm.headers)).content
        fonts = embedded_fonts(pdf)
        assert fonts, "the letter uses no font at all"
        # Every font the letter uses is embedded (TrueType subsets: FontFile2), none left to the reader.
        assert {name: stream for name, stream in fonts.items() if stream not in ("/FontFile2", "/FontFile3")} == {}
        assert any("WenQuanYi" in name for name in fonts)
        assert b"STSong" not in pdf
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "王芳" in text


class TestSigningRace:
    """On PostgreSQL (TEST_POSTGRES_URL) the pool runs the two decisions side by side."""

    async def test_sign_and_decline_at_once_decide_the_letter_once_REC_11(
        self, client: httpx.AsyncClient, org: Any, events: Callable[..., Any]
    ) -> None:
        rounds = 4
        for _ in range(rounds):
            letter = await requested(client, org)
            answers = await asyncio.gather(
                client.post(f"/v1/letters/{letter['id']}/sign", headers=org.gm.headers),
                client.post(f"/v1/letters/{letter['id']}/sign", headers=org.gm.headers),
                client.post(f"/v1/letters/{letter['id']}/decline", json={"reason": "No."}, headers=org.gm.headers),
            )
            codes = sorted(answer.status_code for answer in answers)
            assert codes == [200, 422, 422], [a.text for a in answers]
            assert all(a.json()["rule"] == "REC-11" for a in answers if a.status_code == 422)
        signed = await events("callcenter.recognition.letter.signed.v1")
        declined = await events("callcenter.recognition.letter.declined.v1")
        assert len(signed) + len(declined) == rounds


class TestLetterList:
    async def test_the_signer_lists_the_letters_awaiting_their_signature_REC_11(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        letter = await requested(client, org)
        queue = await client.get("/v1/letters?to_sign=true&status=awaiting_signature", headers=org.gm.headers)
        assert queue.status_code == 200, queue.text
        (item,) = queue.json()["items"]
        assert (item["id"], item["signer_name"], item["requested_by_name"]) == (letter["id"], "钱经理", "王芳")
        # The executive signs nothing here, though level 5 may read every letter.
        assert (await client.get("/v1/letters?to_sign=true", headers=org.executive.headers)).json()["total"] == 0
        assert (await client.get("/v1/letters", headers=org.executive.headers)).json()["total"] == 1

        await client.post(f"/v1/letters/{letter['id']}/sign", headers=org.gm.headers)
        signed = await client.get("/v1/letters?status=signed", headers=org.team.agents[0].headers)
        assert [i["id"] for i in signed.json()["items"]] == [letter["id"]]
        assert signed.json()["items"][0]["document"] == f"/v1/letters/{letter['id']}/document"

    async def test_a_letter_is_listed_only_for_the_recipient_their_chain_and_the_signer_REC_8(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        letter = await requested(client, org)
        for reader in (org.team.agents[0], org.team.leader, org.deputy, org.gm):
            listed = (await client.get("/v1/letters", headers=reader.headers)).json()["items"]
            assert [i["id"] for i in listed] == [letter["id"]], reader.name
        for outsider in (org.team.agents[1], org.other_team.agents[0], org.other_team.leader):
            assert (await client.get("/v1/letters", headers=outsider.headers)).json()["total"] == 0, outsider.name
