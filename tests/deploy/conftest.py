"""Fixtures for the deployment tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .manifests import DEPLOY_DIR, Manifest, render_kustomization


@pytest.fixture(scope="session")
def rendered() -> Callable[[str], list[Manifest]]:
    """Render an overlay by name (``dev`` or ``prod``), cached for the session."""
    cache: dict[str, list[Manifest]] = {}

    def render(overlay: str) -> list[Manifest]:
        if overlay not in cache:
            cache[overlay] = render_kustomization(DEPLOY_DIR / "overlays" / overlay)
        return cache[overlay]

    return render
