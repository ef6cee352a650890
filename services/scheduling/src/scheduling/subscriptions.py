"""The events scheduling consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {}
