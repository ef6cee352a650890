"""Letters of praise as PDF documents, signed by senior management (REC-8).

Chinese text uses reportlab's built-in CID font STSong-Light: PDF readers supply the
glyphs (Adobe-GB1), so no font file has to ship with the service.
"""

from __future__ import annotations

import io
import uuid
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.errors import InvalidInput, RuleViolation
from callcenter_shared.levels import Level
from callcenter_shared.org import get_person, org_team
from recognition import access
from recognition.award.service import get_award, get_grant

FONT = "STSong-Light"

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


class SignerNotSenior(RuleViolation):
    rule = "REC-8"


def render_letter(
    *, recipient: str, award: str, achievement: str, signer_name: str, signer_title: str, issued_on: date
) -> bytes:
    """A one-page letter of praise (表扬信) as PDF bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=30 * mm, bottomMargin=25 * mm,
        title=f"表扬信 Letter of praise: {recipient}", author=signer_name,
    )  # fmt: skip
    title = ParagraphStyle("title", fontName=FONT, fontSize=24, leading=32, alignment=1)
    body = ParagraphStyle("body", fontName=FONT, fontSize=13, leading=22, wordWrap="CJK")
    right = ParagraphStyle("right", parent=body, alignment=2)
    document.build(
        [
            Paragraph("表扬信", title),
            Paragraph("Letter of Praise", title),
            Spacer(1, 12 * mm),
            Paragraph(f"{escape(recipient)} 同志：", body),
            Spacer(1, 4 * mm),
            Paragraph(f"你荣获「{escape(award)}」。", body),
            Paragraph(escape(achievement), body),
            Spacer(1, 4 * mm),
            Paragraph("特发此信，以资表扬。谢谢你的付出！", body),
            Spacer(1, 16 * mm),
            Paragraph(escape(signer_name), right),
            Paragraph(escape(signer_title), right),
            Paragraph(f"{issued_on.year}年{issued_on.month}月{issued_on.day}日 ({issued_on.isoformat()})", right),
        ]
    )
    return buffer.getvalue()


async def letter_for_grant(
    session: AsyncSession,
    *,
    principal: Principal,
    grant_id: uuid.UUID,
    signer_id: uuid.UUID,
    achievement: str | None,
    today: date,
) -> tuple[bytes, str]:
    """Generate the letter for a grant: for the recipient, their chain, or level 3 and above."""
    grant = await get_grant(session, grant_id)
    await access.require_letter_reader(
        session, principal, employee_id=grant.recipient_id, team_id=grant.team_id if not grant.recipient_id else None
    )
    signer = await get_person(session, signer_id)
    if not access.may_sign_letters(signer):
        raise SignerNotSenior(
            "Letters of praise are signed by senior management "
            f"(level {int(access.SENIOR)} or {int(Level.EXECUTIVE_IN_CHARGE)}); "
            f"{signer.name} is level {signer.level}."
        )
    award = await get_award(session, grant.award_id)
    if grant.recipient_id is not None:
        recipient = (await get_person(session, grant.recipient_id)).name
    else:
        recipient = str(await session.scalar(select(org_team.c.name).where(org_team.c.id == grant.team_id)) or "")
    if not recipient:
        raise InvalidInput("The grant's recipient is not known here (yet).")
    pdf = render_letter(
        recipient=recipient,
        award=award.name,
        achievement=achievement or grant.reason,
        signer_name=signer.name,
        signer_title=Level(signer.level).title,
        issued_on=today,
    )
    return pdf, f"letter-of-praise-{grant.id}.pdf"
