"""Every table of the service, imported so that migrations and the app see them all."""

from scheduling.handover.models import (
    Handover,
    HandoverCheckIn,
    HandoverItem,
    HandoverQuestion,
    HandoverRelease,
    Interaction,
)
from scheduling.holiday.models import CenterHoliday
from scheduling.leave.models import Leave, LeavePlace
from scheduling.offer.models import SwapOffer
from scheduling.org.models import Employee, Team
from scheduling.roster.models import Assignment, Shift, StaffingChange
from scheduling.rotation.models import Rotation
from scheduling.skill.models import EmployeeSkill, Skill
from scheduling.swap.models import Swap, SwapStep

__all__ = [
    "Assignment",
    "CenterHoliday",
    "Employee",
    "EmployeeSkill",
    "Handover",
    "HandoverCheckIn",
    "HandoverItem",
    "HandoverQuestion",
    "HandoverRelease",
    "Interaction",
    "Leave",
    "LeavePlace",
    "Rotation",
    "Shift",
    "Skill",
    "StaffingChange",
    "Swap",
    "SwapOffer",
    "SwapStep",
    "Team",
]
