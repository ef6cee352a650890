"""The five levels of the organization (ORG-1) and the plain questions asked about them.

Code outside the services' access modules names a level (`Level.TEAM_LEADER`) or asks one
of these questions; it never compares a level with a bare number
(tests/architecture/test_access_policy.py).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Protocol


class Level(IntEnum):
    """Lowest first; each employee below L5 reports to someone exactly one level up."""

    AGENT = 1  # 座席
    TEAM_LEADER = 2  # 班长
    DEPUTY_GENERAL_MANAGER = 3  # 主管副总经理, the department head
    GENERAL_MANAGER = 4  # 总经理
    EXECUTIVE_IN_CHARGE = 5  # 主管领导, the top: has no superior

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    Level.AGENT: "Agent 座席",
    Level.TEAM_LEADER: "Team Leader 班长",
    Level.DEPUTY_GENERAL_MANAGER: "Deputy General Manager 主管副总经理",
    Level.GENERAL_MANAGER: "General Manager 总经理",
    Level.EXECUTIVE_IN_CHARGE: "Executive in Charge 主管领导",
}


class HasLevel(Protocol):
    """A principal, a person of the read copy or an employee of the directory."""

    @property
    def level(self) -> int: ...


def is_agent(who: HasLevel) -> bool:
    return who.level == Level.AGENT


def is_team_leader(who: HasLevel) -> bool:
    return who.level == Level.TEAM_LEADER


def is_top(who: HasLevel) -> bool:
    """L5: nobody above, the end of every chain."""
    return who.level >= Level.EXECUTIVE_IN_CHARGE


def at_least(who: HasLevel, level: int) -> bool:
    return who.level >= level


def below(who: HasLevel, level: int) -> bool:
    return who.level < level


def next_level_up(level: int) -> int:
    """The level of a direct superior (ORG-1)."""
    return level + 1


def is_one_level_up(superior: HasLevel, level: int) -> bool:
    """Whether `superior` sits exactly one level above `level` (ORG-1, ESC-4)."""
    return superior.level == next_level_up(level)
