"""Attainment of a KPI against its target, capped by policy (PRF-3): the one rule, in SQL and in Python.

A period close computes it in SQL over every agent's row; the new-hire view computes it in
Python for this month's figures so far. Both take the ratio from `_ratio_terms` and apply the
same cap, so the two cannot drift apart; a test runs both over the same cases.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Float, case, literal
from sqlalchemy.sql import ColumnElement

Term = TypeVar("Term")


def _ratio_terms(direction: str, value: Term, target: Term) -> tuple[Term, Term]:
    """(numerator, denominator): value over target when higher is better, target over value when lower is."""
    return (value, target) if direction == "higher" else (target, value)


def capped_attainment(direction: str, value: float, target: float, cap: float) -> float:
    """The ratio that meets the target at 1.0, at most `cap`; a zero or negative denominator counts as the cap."""
    numerator, denominator = _ratio_terms(direction, value, target)
    return cap if denominator <= 0 else min(numerator / denominator, cap)


def capped_attainment_sql(
    direction: str, value: ColumnElement[Any], target: ColumnElement[Any], cap: float
) -> ColumnElement[Any]:
    """`capped_attainment` as a SQL expression over a value and a target column (NULL value: NULL)."""
    numerator, denominator = _ratio_terms(direction, value, target)
    cap_value = literal(cap, Float)
    ratio = numerator / denominator
    return case((denominator <= 0, cap_value), (ratio > cap_value, cap_value), else_=ratio)
