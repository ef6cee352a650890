"""The capped attainment (PRF-3) gives the same number in SQL (period close) and in Python (new hires)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import Float, literal, select

from performance.kpi.attainment import capped_attainment, capped_attainment_sql

CAP = 1.2

# (direction, value, target, expected): under, at and over target, over the cap, and a zero denominator.
CASES = [
    ("higher", 60.0, 80.0, 0.75),
    ("higher", 80.0, 80.0, 1.0),
    ("higher", 90.0, 80.0, 1.125),
    ("higher", 100.0, 80.0, CAP),
    ("higher", 50.0, 0.0, CAP),
    ("lower", 360.0, 300.0, 300.0 / 360.0),
    ("lower", 270.0, 300.0, 300.0 / 270.0),
    ("lower", 240.0, 300.0, CAP),
    ("lower", 0.0, 1.0, CAP),
    ("lower", 2.0, 1.0, 0.5),
]


@pytest.mark.parametrize(("direction", "value", "target", "expected"), CASES)
def test_python_attainment_is_the_ratio_toward_the_target_capped_PRF_3(
    direction: str, value: float, target: float, expected: float
) -> None:
    assert capped_attainment(direction, value, target, CAP) == pytest.approx(expected)


async def test_sql_attainment_agrees_with_python_on_every_case_PRF_3(app: FastAPI) -> None:
    async with app.state.session_factory() as session:
        for direction, value, target, expected in CASES:
            expression = capped_attainment_sql(direction, literal(value, Float), literal(target, Float), CAP)
            from_sql = await session.scalar(select(expression))
            assert from_sql == pytest.approx(capped_attainment(direction, value, target, CAP))
            assert from_sql == pytest.approx(expected), (direction, value, target)
