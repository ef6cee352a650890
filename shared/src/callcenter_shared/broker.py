"""The service's NATS connection: connects in the background and keeps reconnecting.

A NATS outage never stops a service from starting or serving HTTP; it only delays events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext

from callcenter_shared import metrics
from callcenter_shared.cancellation import cancel_and_wait
from callcenter_shared.nats_permissions import inbox_prefix
from callcenter_shared.settings import ServiceSettings

log = logging.getLogger(__name__)


def connect_options(settings: ServiceSettings) -> dict[str, Any]:
    """nats-py `connect()` arguments for the service's NATS identity and TLS (see deploy/README.md)."""
    options: dict[str, Any] = {"inbox_prefix": inbox_prefix(settings.service_name)}
    if settings.nats_user:
        options["user"] = settings.nats_user
        options["password"] = settings.nats_password.get_secret_value()
    elif settings.nats_creds_file:
        options["user_credentials"] = settings.nats_creds_file
    elif settings.nats_nkey_seed_file:
        options["nkeys_seed"] = settings.nats_nkey_seed_file
    if settings.nats_tls_ca_file or settings.nats_tls_cert_file:
        context = ssl.create_default_context(cafile=settings.nats_tls_ca_file or None)
        if settings.nats_tls_cert_file:
            context.load_cert_chain(settings.nats_tls_cert_file, settings.nats_tls_key_file)
        options["tls"] = context
    return options


class Broker:
    def __init__(self, url: str, *, name: str, options: dict[str, Any] | None = None) -> None:
        self.url = url
        self.name = name
        self._options = options or {}
        self._client: Client | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def is_connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    @property
    def js(self) -> JetStreamContext:
        if self._client is None:
            raise ConnectionError("NATS is not connected yet")
        return self._client.jetstream(timeout=5)

    async def subscribe(self, subject: str, callback: Callable[[Msg], Awaitable[None]]) -> Subscription:
        """A core NATS subscription (no JetStream, nothing stored): live messages only, while connected."""
        if self._client is None:
            raise ConnectionError("NATS is not connected yet")
        return await self._client.subscribe(subject, cb=callback)

    async def wait_connected(self) -> None:
        await self._connected.wait()

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_until_done(), name=f"nats-connect-{self.name}")

    async def _connect_until_done(self) -> None:
        delay = 0.2
        while True:
            try:
                self._client = await nats.connect(
                    self.url,
                    name=self.name,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=1,
                    connect_timeout=2,
                    allow_reconnect=True,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                    **self._options,
                )
                self._connected.set()
                metrics.NATS_CONNECTED.labels(self.name).set(1)
                log.info("connected to NATS at %s", self.url)
                return
            except (OSError, TimeoutError, nats.errors.Error) as exc:
                log.warning("NATS at %s not reachable (%s); retrying in %.1fs", self.url, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _on_error(self, error: Exception) -> None:
        log.warning("NATS: %s", error or type(error).__name__)

    async def _on_disconnected(self) -> None:
        if self._closing:
            return
        metrics.NATS_CONNECTED.labels(self.name).set(0)
        log.warning("NATS: disconnected from %s; events wait in the outbox", self.url)

    async def _on_reconnected(self) -> None:
        metrics.NATS_CONNECTED.labels(self.name).set(1)
        log.info("NATS: reconnected to %s", self.url)

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            await cancel_and_wait([self._task])
        if self._client is not None and not self._client.is_closed:
            # close(), not drain(): every publish already awaited its ack and every
            # consumed message its commit, so nothing buffered here needs flushing.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._client.close(), timeout=3)
