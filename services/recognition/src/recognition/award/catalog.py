"""The common awards and the default track rules (REC-1, REC-3), seeded by `python -m recognition.migrate`.

Seeding is idempotent: an award is added when its code is missing and a track rule
when its fixed id is missing, so edits made since (a disabled track, say) stay.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recognition.award.models import Award
from recognition.track.models import TrackRule

# code, name, scope, material, form, frequency, approver level, automatic, criteria
CATALOG: list[tuple[str, str, str, bool, str, str, int, bool, str]] = [
    (
        "best_customer_service",
        "Best Customer Service Award 最佳服务奖",
        "individual",
        False,
        "certificate",
        "monthly",
        3,
        False,
        "Consistently warm, accurate service; nominated with at least one customer call or compliment as evidence.",
    ),
    (
        "customer_satisfaction",
        "Customer Satisfaction Award 客户满意奖",
        "individual",
        True,
        "bonus",
        "monthly",
        3,
        False,
        "Highest customer satisfaction in the team for the month, with no attributable complaint.",
    ),
    (
        "excellent_team",
        "Excellent Team Award 优秀团队奖",
        "team",
        True,
        "bonus",
        "quarterly",
        4,
        False,
        "The team met every KPI target for the quarter and helped other teams.",
    ),
    (
        "complaint_expert",
        "Complaint-handling Expert 投诉处理能手",
        "individual",
        False,
        "honor_wall",
        "quarterly",
        3,
        False,
        "Resolved difficult complaints at first contact; cases cited as evidence.",
    ),
    (
        "patience",
        "Patience Award 耐心奖",
        "individual",
        False,
        "letter",
        "instant",
        2,
        False,
        "Kept calm and courteous with an abusive customer; the call is cited as evidence.",
    ),
    (
        "team_performance_bonus",
        "Team Performance Bonus 团队绩效奖金",
        "team",
        True,
        "bonus",
        "monthly",
        2,
        False,
        "A team bonus pool split by each member's performance (composite score), never evenly.",
    ),
    (
        "kpi_star",
        "KPI Star 指标之星",
        "individual",
        False,
        "honor_wall",
        "monthly",
        2,
        True,
        "Automatic: the highest attainment of a KPI in the team or the center for the period.",
    ),
    (
        "most_improved",
        "Most Improved 进步之星",
        "individual",
        False,
        "certificate",
        "monthly",
        2,
        True,
        "Automatic: the largest gain in a KPI's attainment over the agent's previous period.",
    ),
    (
        "qa_star",
        "QA Star 质检之星",
        "individual",
        False,
        "honor_wall",
        "monthly",
        2,
        True,
        "Automatic: the highest average of finalized QA evaluations in the period (minimum number of evaluations).",
    ),
]

# track, scope, award code: every KPI's top and most improved, and QA, per team and center
TRACKS = [
    ("kpi_top", "team", "kpi_star"),
    ("kpi_top", "center", "kpi_star"),
    ("kpi_most_improved", "team", "most_improved"),
    ("kpi_most_improved", "center", "most_improved"),
    ("qa_top", "team", "qa_star"),
    ("qa_top", "center", "qa_star"),
]


def award_id(code: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"callcenter:recognition:award:{code}")


async def seed_catalog(session: AsyncSession, *, now: datetime) -> int:
    """Add the missing common awards and default track rules; returns how many rows were added."""
    added = 0
    have = set((await session.scalars(select(Award.code))).all())
    for code, name, scope, material, form, frequency, level, automatic, criteria in CATALOG:
        if code in have:
            continue
        session.add(
            Award(
                id=award_id(code), code=code, name=name, scope=scope, material=material, form=form,
                frequency=frequency, approver_level=level, automatic=automatic, criteria=criteria, active=True,
                created_at=now,
            )
        )  # fmt: skip
        added += 1
    await session.flush()
    codes: dict[str, uuid.UUID] = {row.code: row.id for row in await session.execute(select(Award.code, Award.id))}
    rules = set((await session.scalars(select(TrackRule.id))).all())
    for track, scope, code in TRACKS:
        rule_id = uuid.uuid5(uuid.NAMESPACE_URL, f"callcenter:recognition:track:{track}:{scope}")
        if rule_id in rules or code not in codes:
            continue
        session.add(
            TrackRule(
                id=rule_id, track=track, scope=scope, kpi_code=None, award_id=codes[code],
                min_agents=2, min_evaluations=2, enabled=True,
            )
        )  # fmt: skip
        added += 1
    await session.flush()
    return added
