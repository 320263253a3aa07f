"""Wake-ups for the batch event streams: workers publish a batch id, streams wait on it.

A worker that records progress on a web batch (or finishes it) publishes the batch's id on
one Redis pub/sub channel per deployment (`<queue prefix>:web-events`). Each HTTP server holds
ONE subscription to it, whatever the number of open streams, and wakes the streams watching
that batch; a stream then re-reads the database, which stays the only record. A message lost
while Redis was away costs a few seconds, not a hung stream: streams re-read on their own
every `RECHECK_SECONDS` anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator

from redis import RedisError
from redis import asyncio as aioredis

from bots.web.notifier import events_channel

__all__ = ["EventHub", "events_channel"]

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often the listener looks at the stop flag between messages
READY_SECONDS = 2.0  # a stream waits at most this long for the subscription to be in place


class EventHub:
    """One subscription per server, fanned out to the streams by batch id (asyncio side)."""

    def __init__(self, redis_url: str | None, channel: str, stopping: threading.Event) -> None:
        self.redis_url = redis_url
        self.channel = channel
        self.stopping = stopping
        self._waiters: dict[int, set[asyncio.Event]] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None

    @contextlib.asynccontextmanager
    async def watch(self, batch_id: int) -> AsyncIterator[asyncio.Event]:
        """An event set whenever a worker publishes this batch (or the server stops); the
        stream clears it before each database read, so nothing published after goes amiss."""
        await self._start()
        event = asyncio.Event()
        self._waiters.setdefault(batch_id, set()).add(event)
        try:
            yield event
        finally:
            group = self._waiters.get(batch_id)
            if group is not None:
                group.discard(event)
                if not group:
                    del self._waiters[batch_id]

    @property
    def watching(self) -> int:
        return sum(len(group) for group in self._waiters.values())

    async def _start(self) -> None:
        if not self.redis_url or self.stopping.is_set():
            return
        if self._task is None or self._task.done():
            self._ready = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._listen(self._ready),
                                                                name="web-events")
        assert self._ready is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), READY_SECONDS)

    def _wake(self, batch_id: int | None) -> None:
        groups = self._waiters.values() if batch_id is None else \
            [self._waiters.get(batch_id, set())]
        for group in groups:
            for event in group:
                event.set()

    async def _listen(self, ready: asyncio.Event) -> None:
        """Subscribe, then dispatch until the server stops; on Redis trouble, subscribe again
        (and wake every stream: it may have missed a message meanwhile)."""
        assert self.redis_url
        while not self.stopping.is_set():
            client = aioredis.from_url(self.redis_url, socket_connect_timeout=3)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    ready.set()
                    self._wake(None)
                    while not self.stopping.is_set():
                        message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                           timeout=POLL_SECONDS)
                        if message is not None:
                            self._dispatch(message.get("data"))
            except (RedisError, OSError):
                log.warning("web events: Redis subscription lost; streams re-read on their own",
                            exc_info=True)
                self._wake(None)
                await asyncio.sleep(POLL_SECONDS)
            finally:
                await client.aclose()  # type: ignore[attr-defined]  # old stubs
        self._wake(None)  # the server stops: every stream ends

    def _dispatch(self, data: object) -> None:
        try:
            batch_id = int(data.decode() if isinstance(data, bytes) else str(data))
        except ValueError:
            log.warning("web events: unexpected message %r", data)
            return
        self._wake(batch_id)
