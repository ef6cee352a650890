"""The deadlines escalation fires from deadline rows, and who handles each: the service's table of contents for time.

Level time-outs (ESC-3) fire in batches; warnings before them; a missing emergency report (ESC-6); a customer
reply due (ESC-9); the end of the longest pause (ESC-13).
"""

from __future__ import annotations

from collections.abc import Mapping

from callcenter_shared.deadlines import FiresInBatches, Handler
from escalation.case import deadlines as case
from escalation.case import pause
from escalation.case.chain import LEVEL_TIMEOUT, LEVEL_WARNING, PAUSE_ENDS

DEADLINE_HANDLERS: Mapping[str, Handler] = {
    LEVEL_TIMEOUT: FiresInBatches(case.on_level_timeouts),
    LEVEL_WARNING: case.on_level_warning,
    case.EMERGENCY_REPORT: case.on_emergency_report_due,
    case.REPLY_DUE: case.on_reply_due,
    PAUSE_ENDS: pause.on_pause_ends,
}
