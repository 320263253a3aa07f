"""What the email bot is told by the composition root (it never reads the environment)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.archives import ZipLimits

_JOB_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")
_TOKEN = re.compile(r"^[a-z0-9]{8,64}$")


@dataclass(frozen=True)
class EmailConfig:
    domain: str = "hotgigs.localhost"
    local_part: str = "resumes"
    # addresses and "@domain" whose DMARC-proven mail is accepted without `recruiter add`
    allowed_senders: tuple[str, ...] = ()
    rate_limit: int = 50  # messages per recruiter per hour
    max_bytes: int = 25 * 1024 * 1024
    dkim_verify: bool = False
    zip_limits: ZipLimits = field(default_factory=ZipLimits)
    # mail from loopback clients is the operator's (`make run`); off when bound elsewhere
    trust_loopback: bool = False
    # authserv-ids of upstream MTAs whose Authentication-Results we believe
    trusted_authserv_ids: tuple[str, ...] = ()
    spf_verify: bool = False  # our own SPF check of MAIL FROM for the client's address

    @property
    def address(self) -> str:
        """The inbound address, also the From of every reply."""
        return f"{self.local_part}@{self.domain}"

    def personal_address(self, token: str) -> str:
        return f"{self.local_part}+{token}@{self.domain}"

    def _local(self, address: str) -> str | None:
        local, _, domain = address.strip().strip("<>").rpartition("@")
        return local.lower() if domain.lower() == self.domain.lower() else None

    def recipient(self, address: str) -> tuple[bool, str | None]:
        """(ours, job slug) for an RCPT address: the inbound address, a personal one
        (<local part>+<token>@domain) or jobs+<slug>@domain."""
        local = self._local(address)
        if local is None:
            return False, None
        if local == self.local_part.lower() or self.personal_token(address):
            return True, None
        if local.startswith("jobs+") and _JOB_SLUG.match(local[5:]):
            return True, local[5:]
        return False, None

    def personal_token(self, address: str) -> str | None:
        """The token of a personal inbound address, else None."""
        local = self._local(address)
        prefix = self.local_part.lower() + "+"
        if local is None or not local.startswith(prefix):
            return None
        token = local[len(prefix):]
        return token if _TOKEN.match(token) else None

    def sender_allowed(self, address: str) -> bool:
        """Whether HOTGIGS_ALLOWED_SENDERS names this address or its domain."""
        address = address.lower()
        domain = "@" + address.rpartition("@")[2]
        return address in self.allowed_senders or domain in self.allowed_senders
