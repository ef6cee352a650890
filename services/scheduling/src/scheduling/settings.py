from __future__ import annotations

from typing import Annotated, ClassVar

from fastapi import Depends, Request
from pydantic import Field

from callcenter_shared.settings import ServiceSettings
from callcenter_shared.spreadsheets import Limits


class Settings(ServiceSettings):
    """Scheduling's configuration (environment variables, see the README).

    Every numeric limit of the rulebook is a policy default here, not a constant in code.
    """

    service_name: ClassVar[str] = "scheduling"

    holiday_country: str = Field(default="CN", description="ROS-3: country whose public holidays are loaded")
    swap_approver_level: int = Field(default=3, ge=2, le=5, description="SWP-3: level of the approving manager")
    swap_notice_hours: float = Field(default=24, ge=0, description="SWP-2")
    swap_max_per_month: int = Field(default=3, ge=0, description="SWP-4")
    min_rest_hours: float = Field(default=8, ge=0, description="SWP-5")
    leave_head_level: int = Field(default=3, ge=2, le=5, description="LEV-1: the department head's level")
    leave_notice_hours: float = Field(default=24, ge=0, description="LEV-2: ordinary leave")
    sick_leave_notice_hours: float = Field(default=1, ge=0, description="LEV-2: sick leave, before the shift")
    annual_leave_hours_by_tenure: dict[int, float] = Field(
        default={0: 40, 10: 80, 20: 120},
        description=(
            "LEV-5: annual-leave hours a year from each number of completed years of service, as JSON "
            '(\'{"0": 40, "10": 80, "20": 120}\': 5, 10 and 15 days of 8 h); below the lowest key, none'
        ),
    )
    annual_leave_max_carry_hours: float = Field(
        default=0, ge=0, description="LEV-5: unused annual-leave hours carried into the next year (none by default)"
    )
    leave_cap_per_shift: int = Field(
        default=2, ge=1, description="LEV-6: how many of a team may be on leave in one shift (a team may set its own)"
    )
    rotation_max_days: int = Field(
        default=92, ge=1, le=366, description="ROS-6: the most days a rotation generates in one request"
    )
    checkin_before_minutes: int = Field(default=15, ge=0, description="HND-1")
    handover_max_carry: int = Field(default=2, ge=0, description="HND-8: carries allowed before escalation")
    # Spreadsheet imports (employees, shifts); REQUEST_BODY_LIMIT_BYTES also applies, whichever is smaller.
    import_max_bytes: int = Field(default=2_000_000, ge=1024, description="413 above this file size")
    import_max_rows: int = Field(default=5000, ge=1, description="413 above this many data rows")
    import_max_unpacked_bytes: int = Field(default=20_000_000, ge=1024, description="413: XLSX unpacked size")

    @property
    def import_limits(self) -> Limits:
        return Limits(self.import_max_bytes, self.import_max_rows, self.import_max_unpacked_bytes)


async def current_settings(request: Request) -> Settings:
    """The running app's settings, for a route: `settings: AppSettings`."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(current_settings)]
