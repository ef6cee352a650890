"""Test support for the call-center suites; a development-only package, never in a service image.

Helpers import from here; the pytest fixtures live in `callcenter_testing.fixtures`, the
plugin the root `conftest.py` loads, so importing the helpers (as bench/ does) needs no pytest.
"""

from callcenter_testing.apps import eventually, http_client, running
from callcenter_testing.databases import TestDatabases
from callcenter_testing.identities import (
    HR_SYSTEM,
    METRICS_FEED,
    PHONE_SYSTEM,
    TEST_SERVICE_ACCOUNTS,
    JwksServer,
    bearer,
    executive,
    seed_person,
    service_bearer,
)
from callcenter_testing.jetstream import consumer_caught_up
from callcenter_testing.processes import NatsServer, free_port, nats_server_binary, start_service, wait_until_serving

__all__ = [
    "HR_SYSTEM",
    "METRICS_FEED",
    "PHONE_SYSTEM",
    "TEST_SERVICE_ACCOUNTS",
    "JwksServer",
    "NatsServer",
    "TestDatabases",
    "bearer",
    "consumer_caught_up",
    "eventually",
    "executive",
    "free_port",
    "http_client",
    "nats_server_binary",
    "running",
    "seed_person",
    "service_bearer",
    "start_service",
    "wait_until_serving",
]
