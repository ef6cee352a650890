from __future__ import annotations

from datetime import time
from typing import Annotated, ClassVar

from fastapi import Depends, Request
from pydantic import Field

from callcenter_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Recognition's configuration (environment variables, see the README)."""

    service_name: ClassVar[str] = "recognition"

    praise_monthly_allowance: int = Field(default=100, ge=1, description="REC-5: points each employee may give a month")
    company_values: list[str] = Field(
        default=["customer first", "integrity", "teamwork", "ownership", "continuous improvement"],
        min_length=1,
        description="REC-5: a praise names one of these (JSON list in COMPANY_VALUES)",
    )
    reciprocity_window_days: int = Field(default=90, ge=7)
    reciprocity_min_praises: int = Field(default=3, ge=1, description="Praises each way before a pair is judged")
    reciprocity_share: float = Field(
        default=0.6, gt=0, le=1, description="Flag when each gives at least this share of their points to the other"
    )
    praise_coverage_days: int = Field(default=7, ge=1, description="REC-6: leaders praise each member within N days")
    letter_font_path: str = Field(
        default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        description="REC-11: the TrueType CJK font embedded in letters of praise (Debian fonts-wqy-microhei)",
    )
    praise_reminder_time: time = Field(
        default=time(16, 0), description="REC-6: when leaders who have praised nobody today are reminded (center time)"
    )


async def current_settings(request: Request) -> Settings:
    """The running app's settings, for a route: `settings: AppSettings`."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(current_settings)]
