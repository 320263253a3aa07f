"""What the email bot is told by the composition root (it never reads the environment)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.archives import ZipLimits

_JOB_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")


@dataclass(frozen=True)
class EmailConfig:
    domain: str = "hotgigs.localhost"
    local_part: str = "resumes"
    allowed_senders: tuple[str, ...] = ()  # addresses and "@domain"; empty: anyone
    rate_limit: int = 50  # messages per sender per hour
    max_bytes: int = 25 * 1024 * 1024
    dkim_verify: bool = False
    zip_limits: ZipLimits = field(default_factory=ZipLimits)

    @property
    def address(self) -> str:
        """The inbound address, also the From of every reply."""
        return f"{self.local_part}@{self.domain}"

    def recipient(self, address: str) -> tuple[bool, str | None]:
        """(ours, job slug) for an RCPT address: the inbound address or jobs+<slug>@domain."""
        local, _, domain = address.strip().strip("<>").rpartition("@")
        if domain.lower() != self.domain.lower():
            return False, None
        local = local.lower()
        if local == self.local_part.lower():
            return True, None
        if local.startswith("jobs+") and _JOB_SLUG.match(local[5:]):
            return True, local[5:]
        return False, None

    def sender_allowed(self, address: str) -> bool:
        if not self.allowed_senders:
            return True
        address = address.lower()
        domain = "@" + address.rpartition("@")[2]
        return address in self.allowed_senders or domain in self.allowed_senders
