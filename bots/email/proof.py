"""Who sent it: the proof that makes a message a recruiter's, or the reason it has none.

The header `From:` proves nothing (anyone can type it). A message belongs to a recruiter only
with one of: their personal inbound address, an SMTP AUTH login (over TLS), DMARC-aligned
SPF/DKIM pass read from an `Authentication-Results` header of a trusted upstream MTA (or our
own aligned DKIM or SPF check), or — on a server bound to loopback — a loopback client, who is the
operator. Without proof the message is quarantined and never answered (no backscatter).
Pure: lookups come in through `Directory`.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from functools import lru_cache
from typing import Protocol

import authres
from publicsuffixlist import PublicSuffixList

from bots.email.config import EmailConfig
from bots.email.headers import text

# quarantine reasons: few and fixed, so /metrics can count by them
NO_PROOF = "no proof of sender"
UNKNOWN_ADDRESS = "unknown personal address"
NOT_REGISTERED = "proven sender is not a registered recruiter"


class Directory(Protocol):
    def by_token(self, token: str) -> str | None: ...
    def registered(self, email: str) -> bool: ...


@dataclass(frozen=True)
class Verdict:
    """`owner` (the recruiter to import for and answer) and how they were proven, or the
    quarantine `reason` when `owner` is None."""

    owner: str | None
    proof: str | None
    reason: str | None = None


def _domain(address: str | None) -> str:
    return (address or "").rpartition("@")[2].strip().strip(">").lower().rstrip(".")


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    """The public suffix list shipped in the `publicsuffixlist` package (read once, on first
    use; nothing is downloaded)."""
    return PublicSuffixList()


def organizational_domain(domain: str) -> str | None:
    """The registered domain (`agency.co.uk` for `mail.agency.co.uk`), by the public suffix
    list; None for a public suffix itself (`co.uk`, `com`) or no domain."""
    domain = domain.lower().rstrip(".")
    return _suffixes().privatesuffix(domain) if domain else None


def aligned(a: str, b: str) -> bool:
    """Relaxed DMARC alignment (RFC 7489 §3.1): both domains have the same organizational
    domain. A public suffix aligns with nothing, so `co.uk` never vouches for `agency.co.uk`.
    """
    org = organizational_domain(a)
    return org is not None and org == organizational_domain(b)


def trusted_pass(headers: Message, trusted_ids: tuple[str, ...], from_domain: str) -> str | None:
    """"dmarc", "dkim" or "spf" when the topmost Authentication-Results header of a trusted
    authserv-id says the From domain passed (aligned); None otherwise.

    A trusted MTA prepends its header, so its own is the topmost with its id; a header with
    the same id further down was written by someone else and is not read. Headers of any
    other authserv-id are ignored.
    """
    if not trusted_ids or not from_domain:
        return None
    trusted = {i.lower() for i in trusted_ids}
    for value in headers.get_all("Authentication-Results", []):
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(text(value))
        except Exception:  # unreadable: says nothing
            continue
        if str(parsed.authserv_id).lower() not in trusted:
            continue
        return _passed(parsed.results, from_domain)
    return None


def _passed(results: list[object], from_domain: str) -> str | None:
    found: list[str] = []
    for result in results:
        method = str(getattr(result, "method", "")).lower()
        if str(getattr(result, "result", "")).lower() != "pass":
            continue
        props = {f"{p.type}.{p.name}".lower(): str(p.value)
                 for p in getattr(result, "properties", [])}
        if method == "dmarc":
            header_from = props.get("header.from")
            if header_from is None or aligned(_domain("@" + header_from), from_domain):
                found.append("dmarc")
        elif method == "dkim":
            if aligned(props.get("header.d", ""), from_domain):
                found.append("dkim")
        elif method == "spf":
            mailfrom = props.get("smtp.mailfrom", "")
            if aligned(_domain(mailfrom if "@" in mailfrom else "@" + mailfrom), from_domain):
                found.append("spf")
    for method in ("dmarc", "dkim", "spf"):
        if method in found:
            return method
    return None


def decide(config: EmailConfig, directory: Directory, *, headers: Message, sender: str | None,
           rcpt_to: list[str], door_proof: str | None, smtp_user: str | None,
           own_dkim_domain: str | None = None, own_spf_domain: str | None = None) -> Verdict:
    """Whose message this is. `door_proof` is what the SMTP session established (smtp-auth,
    loopback); `own_dkim_domain` the d= of a signature we verified ourselves,
    `own_spf_domain` the MAIL FROM domain our SPF check passed."""
    tokens = [t for t in (config.personal_token(r) for r in rcpt_to) if t]
    if tokens:
        for token in tokens:
            owner = directory.by_token(token)
            if owner:
                return Verdict(owner, "address")
        return Verdict(None, None, UNKNOWN_ADDRESS)
    if door_proof == "smtp-auth" and smtp_user:
        return Verdict(smtp_user.lower(), "smtp-auth")
    from_domain = _domain(sender)
    method = trusted_pass(headers, config.trusted_authserv_ids, from_domain)
    if method is None and own_dkim_domain and aligned(own_dkim_domain, from_domain):
        method = "dkim-checked"
    if method is None and own_spf_domain and aligned(own_spf_domain, from_domain):
        method = "spf-checked"
    if method is not None and sender and (
            directory.registered(sender) or config.sender_allowed(sender)):
        return Verdict(sender, method)
    if door_proof == "loopback" and sender:
        return Verdict(sender, "loopback")
    return Verdict(None, None, NOT_REGISTERED if method is not None else NO_PROOF)
