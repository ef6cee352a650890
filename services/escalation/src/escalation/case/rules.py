"""The ESC rules a case refuses with, one class per rule."""

from __future__ import annotations

from typing import ClassVar

from callcenter_shared.errors import RuleViolation


class ShirkRefused(RuleViolation):
    rule = "ESC-1"


class CategoryChainIncomplete(RuleViolation):
    rule = "ESC-2"


class LevelSkipped(RuleViolation):
    rule = "ESC-4"


class SilentClose(RuleViolation):
    rule = "ESC-5"


class NotAnEmergency(RuleViolation):
    rule = "ESC-6"


class NotASuperior(RuleViolation):
    status: ClassVar[int] = 403
    rule = "ESC-7"


class ContactMissing(RuleViolation):
    rule = "ESC-9"


class DepartmentRule(RuleViolation):
    rule = "ESC-10"


class CallbackBeforeResolution(RuleViolation):
    rule = "ESC-11"


class NotAttributable(RuleViolation):
    rule = "ESC-12"


class PauseRefused(RuleViolation):
    rule = "ESC-13"


class PostVacant(RuleViolation):
    rule = "ESC-14"
