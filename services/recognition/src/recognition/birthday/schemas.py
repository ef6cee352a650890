"""Birthdays: response models (REC-9)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel


class BirthdayRead(BaseModel):
    employee_id: uuid.UUID
    name: str
    birthday: date
    next_birthday: date
    in_days: int
    turning: int
