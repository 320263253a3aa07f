"""Rate limits of the web door, one implementation for all of them: the API (per token or
session), the apply page (per client network) and sign-in links (per address and per IP).

Each is a fixed window in Redis: `INCR` a counter named after the current window, which
expires after it. One round trip, nothing to sweep; a burst of twice the limit across a
window's edge gets through, which is fine for stopping floods. When Redis does not answer the
request goes through: the limits protect the service, and refusing everyone while Redis
restarts would lose uploads that the intake could still store.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable

import redis
from starlette.requests import Request

log = logging.getLogger(__name__)


def client_address(request: Request) -> str:
    """The client's address (uvicorn has already taken it from X-Forwarded-For when the
    request came through a proxy listed in FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


def network_of(address: str) -> str:
    """What a per-client limit counts by: the address, or for IPv6 its /64 (one subscriber's
    network, where anyone can pick a new address for every request)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


class FixedWindow:
    """Counts hits per bucket in Redis under `<prefix>:rate:`."""

    def __init__(self, connect: Callable[[], redis.Redis], prefix: str) -> None:
        self._connect = connect  # Redis is reached at the first hit, not when routes are built
        self.prefix = prefix

    def hit(self, bucket: str, limit: int, window: int) -> int | None:
        """Count one request in `bucket`; None while within `limit` per `window` seconds,
        else the seconds until the window ends (for `Retry-After`)."""
        now = time.time()
        number = int(now // window)
        key = f"{self.prefix}:rate:{bucket}:{number}"
        try:
            with self._connect().pipeline(transaction=False) as pipe:
                pipe.incr(key)
                pipe.expire(key, window * 2)
                count = int(pipe.execute()[0])
        except (redis.RedisError, RuntimeError):  # RuntimeError: no Redis configured
            log.warning("rate limit %s not checked: Redis unavailable", bucket.split(":")[0])
            return None
        if count <= limit:
            return None
        return max(1, math.ceil((number + 1) * window - now))
