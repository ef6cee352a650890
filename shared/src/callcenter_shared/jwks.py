"""The identity provider's signing keys (JWKS), fetched without blocking and cached by `kid`.

Keys rotate: a token signed with a `kid` not in the cache makes the set be fetched again,
at most once per `refetch_seconds`, so a flood of forged kids cannot hammer the provider.
The whole set is refreshed when older than `cache_seconds`. While the provider is
unreachable the keys already fetched keep working.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from callcenter_shared.errors import ServiceUnavailable, Unauthorized
from callcenter_shared.i18n import t

log = logging.getLogger(__name__)


class KeySet:
    def __init__(
        self,
        *,
        jwks_url: str = "",
        discovery_url: str = "",
        cache_seconds: float = 3600.0,
        refetch_seconds: float = 30.0,
        timeout_seconds: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not jwks_url and not discovery_url:
            raise ValueError("a JWKS URL or an OIDC discovery URL is required")
        self._jwks_url = jwks_url
        self._discovery_url = discovery_url
        self._cache_seconds = cache_seconds
        self._refetch_seconds = refetch_seconds
        self._timeout = timeout_seconds
        self._monotonic = monotonic
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> jwt.PyJWK:
        """The key a token names in its header; refetches the set once on an unknown kid."""
        if self._age() > self._cache_seconds:
            await self._refresh()
        found = self._lookup(kid)
        if found is None and self._age() >= self._refetch_seconds:
            await self._refresh()
            found = self._lookup(kid)
        if found is None:
            raise Unauthorized(
                t("The token is signed with a key the identity provider does not list (kid {kid!r}).", kid=kid)
            )
        return found

    def _age(self) -> float:
        return float("inf") if self._fetched_at is None else self._monotonic() - self._fetched_at

    def _lookup(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None and len(self._keys) == 1:  # a provider with one key may leave `kid` out
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        fetched_before = self._fetched_at
        async with self._lock:
            if self._fetched_at != fetched_before:
                return  # another request refreshed while this one waited
            try:
                self._keys = await self._fetch()
            except (httpx.HTTPError, ValueError, jwt.PyJWKError, jwt.PyJWKSetError) as exc:
                log.warning("fetching the identity provider's keys failed: %s", exc)
                if not self._keys:
                    raise ServiceUnavailable(t("The identity provider's signing keys cannot be fetched.")) from exc
            # A failed fetch also counts, so an outage is not retried on every request.
            self._fetched_at = self._monotonic()

    async def _fetch(self) -> dict[str | None, jwt.PyJWK]:
        async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client:
            url = self._jwks_url or await self._jwks_uri(client)
            response = await client.get(url)
            response.raise_for_status()
            document: Any = response.json()
        keys: dict[str | None, jwt.PyJWK] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue  # encryption keys never sign tokens
            try:
                key = jwt.PyJWK(entry)
            except (jwt.PyJWKError, jwt.InvalidKeyError) as exc:
                log.info("skipping a JWKS key this service cannot use (kid %r): %s", entry.get("kid"), exc)
                continue
            keys[key.key_id] = key
        if not keys:
            raise ValueError(f"{url} lists no usable signing key")
        return keys

    async def _jwks_uri(self, client: httpx.AsyncClient) -> str:
        response = await client.get(self._discovery_url)
        response.raise_for_status()
        document = response.json()
        uri = document.get("jwks_uri") if isinstance(document, dict) else None
        if not isinstance(uri, str) or not uri:
            raise ValueError(f"{self._discovery_url} names no jwks_uri")
        self._jwks_url = uri  # the discovery document is read once
        return uri
