"""The QA score of a set of answers against a scorecard version (QA-1), computed only here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from callcenter_shared.errors import InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from performance.qa.models import Scorecard, ScorecardItem
from performance.qa.schemas import AnswerIn, SectionScore


class NotApplicableRefused(RuleViolation):
    rule = "QA-1"


@dataclass(frozen=True)
class Scored:
    score: float
    failed_critical: bool
    sections: list[SectionScore]
    points: dict[uuid.UUID, float | None]


def _points(item: ScorecardItem, answer: AnswerIn) -> float | None:
    if answer.result == "na":
        if not item.allow_na:
            raise NotApplicableRefused(
                t("Item '{code}' must be scored; this scorecard does not allow N/A for it.", code=item.code)
            )
        return None
    if answer.result == "pass":
        return item.points
    if answer.result == "fail":
        return 0.0
    if item.critical != "none":
        raise InvalidInput(
            t("Item '{code}' is critical: it is either passed or failed, never partial.", code=item.code)
        )
    if answer.points is None or not 0 < answer.points < item.points:
        raise InvalidInput(
            t(
                "Item '{code}': a partial answer needs points between 0 and {points:g}.",
                code=item.code,
                points=item.points,
            )
        )
    return answer.points


def score(scorecard: Scorecard, answers: list[AnswerIn]) -> Scored:
    """Score = weighted mean of section scores; N/A items leave the denominator; critical fails zero."""
    by_item = {answer.item_id: answer for answer in answers}
    if len(by_item) != len(answers):
        raise InvalidInput(t("An item is answered more than once."))
    known = {item.id for section in scorecard.sections for item in section.items}
    unknown = set(by_item) - known
    if unknown:
        raise InvalidInput(
            t(
                "Items not on scorecard version {version}: {items}.",
                version=scorecard.version,
                items=", ".join(sorted(map(str, unknown))),
            )
        )
    missing = [item.code for s in scorecard.sections for item in s.items if item.id not in by_item]
    if missing:
        raise InvalidInput(t("Every item needs an answer; missing: {missing}.", missing=", ".join(missing)))

    points: dict[uuid.UUID, float | None] = {}
    sections: list[SectionScore] = []
    failed_critical = False
    weighted = 0.0
    weights = 0.0
    for section in scorecard.sections:
        earned = possible = 0.0
        zeroed_by: str | None = None
        for item in section.items:
            answer = by_item[item.id]
            given = _points(item, answer)
            points[item.id] = given
            if given is None:
                continue
            earned += given
            possible += item.points
            if answer.result == "fail" and item.critical == "section":
                zeroed_by = zeroed_by or item.code
            if answer.result == "fail" and item.critical == "evaluation":
                failed_critical = True
        if possible == 0:
            sections.append(SectionScore(title=section.title, weight=section.weight, score=None))
            continue
        section_score = 0.0 if zeroed_by else 100.0 * earned / possible
        sections.append(
            SectionScore(title=section.title, weight=section.weight, score=round(section_score, 2), zeroed_by=zeroed_by)
        )
        weighted += section.weight * section_score
        weights += section.weight
    if weights == 0:
        raise InvalidInput(t("Every item is N/A: there is nothing to score."))
    total = 0.0 if failed_critical else weighted / weights
    return Scored(round(total, 2), failed_critical, sections, points)
