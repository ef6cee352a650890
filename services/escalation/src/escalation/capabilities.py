"""What `GET /v1/me` says a caller may do in escalation, from the checks the endpoints apply."""

from __future__ import annotations

from callcenter_shared.me import Capability, passes
from escalation import access

CAPABILITIES = [
    Capability(
        "open_cases",
        "open a case as its first receiver and owner (ESC-1)",
        lambda _principal, _settings: True,
    ),
    Capability(
        "verify_complaints",
        "verify that a complaint is attributable to an agent of their span (ESC-12)",
        lambda principal, _settings: access.verifies_complaints(principal),
    ),
    Capability(
        "read_reports",
        "read the center-wide case reports (time per level, breaches)",
        lambda principal, _settings: passes(access.require_reports_reader, principal),
    ),
    Capability(
        "manage_categories",
        "create and change case categories and their time limits (ESC-2, ESC-8)",
        lambda principal, _settings: passes(access.require_category_admin, principal),
    ),
]
