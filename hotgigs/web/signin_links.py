"""One-time sign-in links and the throttle on asking for them, both kept in Redis.

A link carries 32 random bytes; Redis holds only their SHA-256, with the recruiter and the
page to land on, under a 15-minute expiry. Using a link is one `GETDEL`: atomic, so two
clicks (or two tabs) cannot both sign in, and the record is gone once used. Redis rather than a
table because everything here is short-lived: the expiry is Redis's own (no sweeping job), and
losing Redis fails closed (pending links stop working; nothing can be replayed).

Asking for links is throttled per address and per client IP (`hotgigs.web.limits`), counted
before the address is looked up, so a throttled answer says nothing about whether the address
is a recruiter's.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import redis

from hotgigs.web.limits import FixedWindow, network_of

LINK_SECONDS = 15 * 60
PER_ADDRESS = (5, 15 * 60)  # links an address may ask for, per window (seconds)
PER_IP = (20, 60 * 60)  # … and a client IP


@dataclass(frozen=True)
class Pending:
    """What a link signs in as, and where it lands."""

    recruiter_id: int
    email: str
    next_path: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLinks:
    """Issue, peek at and use one-time links; throttle the asking."""

    def __init__(self, connect: Callable[[], redis.Redis], prefix: str, *,
                 lifetime: int = LINK_SECONDS) -> None:
        self._connect = connect  # the app's Redis, asked for when first needed
        self.prefix = prefix
        self.lifetime = lifetime
        self.limits = FixedWindow(connect, prefix)

    @property
    def redis(self) -> redis.Redis:
        return self._connect()

    def _key(self, token: str) -> str:
        return f"{self.prefix}:signin-link:{_digest(token)}"

    def issue(self, recruiter_id: int, email: str, next_path: str) -> str:
        """A new link's token (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        record = json.dumps({"r": recruiter_id, "e": email, "n": next_path})
        self.redis.set(self._key(token), record, ex=self.lifetime)
        return token

    def valid(self, token: str) -> bool:
        """Whether the link would still sign in (for the page a GET shows; uses nothing)."""
        return bool(token) and bool(self.redis.exists(self._key(token)))

    def use(self, token: str) -> Pending | None:
        """Sign-in details of an unused, unexpired link, which is used up; else None."""
        if not token:
            return None
        raw = self.redis.getdel(self._key(token))
        if raw is None:
            return None
        data = json.loads(raw)
        return Pending(int(data["r"]), str(data["e"]), str(data["n"]))

    def throttled(self, email: str, ip: str) -> int | None:
        """Count one request; seconds to wait when the address or the IP asked too often."""
        waits = [self.limits.hit(f"signin-address:{_digest(email)}", *PER_ADDRESS),
                 self.limits.hit(f"signin-ip:{network_of(ip)}", *PER_IP)]
        found = [w for w in waits if w is not None]
        return max(found) if found else None
