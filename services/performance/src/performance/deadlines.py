"""The deadlines performance fires from deadline rows, and who handles each: the service's table of contents for time.

A QA evaluation's dispute window closing (QA-4).
"""

from __future__ import annotations

from collections.abc import Mapping

from callcenter_shared.deadlines import Handler
from performance.qa.service import DISPUTE_WINDOW, on_dispute_window_closed

DEADLINE_HANDLERS: Mapping[str, Handler] = {DISPUTE_WINDOW: on_dispute_window_closed}
