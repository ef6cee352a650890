"""The holiday calendar: request and response models (ROS-3)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from callcenter_shared.inputs import Day, RequestModel


class HolidayRead(BaseModel):
    day: date
    name: str
    source: str


class HolidayCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"day": "2026-12-24", "name": "Center anniversary"}]})

    day: Day
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
