"""A letter of praise as a PDF document that carries its own fonts (REC-8, REC-11).

The text is set in WenQuanYi Micro Hei, a TrueType CJK font (Apache-2.0) from the Debian
package fonts-wqy-microhei, which `make install` and the Dockerfile install. reportlab embeds
the subset of glyphs the letter uses (a FontFile2 stream), so the document reads the same on
every device and can be archived; no reader has to supply a font.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from callcenter_shared.errors import ServiceUnavailable
from callcenter_shared.i18n import t

FONT = "WenQuanYiMicroHei"


class LetterFontMissing(ServiceUnavailable):
    """The configured CJK font file is not on this machine: a deployment fault, said plainly."""


@cache
def _register_font(path: str) -> str:
    if not Path(path).is_file():
        raise LetterFontMissing(
            t(
                "The letter font {path} is not installed (Debian package fonts-wqy-microhei; `make install` adds it).",
                path=path,
            )
        )
    # subfontIndex 0: Micro Hei in the collection (1 is its monospaced twin).
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    return FONT


def render_letter(
    *,
    recipient: str,
    award: str,
    achievement: str,
    signer_name: str,
    signer_title: str,
    issued_on: date,
    font_path: str,
) -> bytes:
    """A one-page letter of praise (表扬信) as PDF bytes, its font subset embedded."""
    font = _register_font(font_path)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=30 * mm, bottomMargin=25 * mm,
        title=f"表扬信 Letter of praise: {recipient}", author=signer_name,
        initialFontName=font,  # else every page names Helvetica, a font the document does not carry
    )  # fmt: skip
    title = ParagraphStyle("title", fontName=font, fontSize=24, leading=32, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=13, leading=22, wordWrap="CJK")
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
