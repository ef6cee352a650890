"""The suite's plugin (fixtures, a real nats-server, fresh databases) and the order tests run in."""

import pytest

pytest_plugins = ["callcenter_testing.fixtures"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `slow` first (in collection order): spread over the xdist workers one or two
    at a time (`--maxschedchunk`), the long ones start early and the run ends with short ones."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
