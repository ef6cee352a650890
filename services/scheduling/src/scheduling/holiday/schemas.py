"""The holiday calendar: request and response models (ROS-3)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callcenter_shared.inputs import Day, RequestModel

HolidayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class HolidayRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "day": "2026-10-01",
                    "name": "国庆节",
                    "name_en": "National Day",
                    "name_zh": "国庆节",
                    "source": "public",
                }
            ]
        }
    )

    day: date
    name: str = Field(
        description="The name in the response's Content-Language: Simplified Chinese when Accept-Language prefers "
        "Chinese (zh, zh-CN), English otherwise; the other language's name when the holiday has none in this one."
    )
    name_en: str | None = Field(description="The name in English (null for a center holiday given only in Chinese).")
    name_zh: str | None = Field(
        description="The name in Simplified Chinese (null when the country's calendar has no Chinese names, or a "
        "center holiday was given only in English)."
    )
    source: Literal["public", "center"]


class HolidayCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"day": "2026-12-24", "name": "Center anniversary", "name_zh": "中心周年庆"}]}
    )

    day: Day
    name: HolidayName | None = Field(None, description="The name in English; give it, name_zh, or both.")
    name_zh: HolidayName | None = Field(None, description="The name in Simplified Chinese; give it, name, or both.")
