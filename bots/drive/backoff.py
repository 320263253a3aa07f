"""Truncated exponential backoff with full jitter, the retry policy Google asks API clients for.

Waits are random in [0, min(cap, base * 2**n)) so many syncs hitting one quota spread out, and
the number of attempts is bounded so one folder cannot hold a sync forever.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    base: float = 1.0  # seconds before the first retry, at most
    cap: float = 32.0  # no single wait is longer than this
    attempts: int = 6  # calls in all, the first one included
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    rng: Callable[[], float] = field(default=random.random, compare=False)

    def waits(self) -> Iterator[float]:
        """The wait before each retry; exhausted after `attempts - 1` retries."""
        for retry in range(max(self.attempts - 1, 0)):
            yield self.rng() * min(self.cap, self.base * 2**retry)
