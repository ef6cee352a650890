"""The events performance consumes, and who handles each: the service's table of contents for events."""

from __future__ import annotations

from callcenter_shared.inbox import Subscriptions
from callcenter_shared.org import ORG_SUBSCRIPTIONS

SUBSCRIPTIONS: Subscriptions = {
    **ORG_SUBSCRIPTIONS,
}
