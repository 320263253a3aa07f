"""DNS for our own DKIM checks: the system resolver, or one named server (`host[:port]`).

A named server lets a deployment use a validating resolver of its own, and lets tests serve
keys from a DNS server on loopback, with no internet.
"""

from __future__ import annotations

from collections.abc import Callable

import dns.resolver


def txt_lookup(server: str | None) -> Callable[..., bytes | None] | None:
    """A dkimpy `dnsfunc` asking `server`; None (dkimpy's own lookup) when unset."""
    if not server:
        return None
    host, port = server, 53
    if server.count(":") == 1:  # host:port (a bare IPv6 address has several colons)
        host, _, given = server.partition(":")
        port = int(given)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = port

    def lookup(name: bytes | str, timeout: int = 5) -> bytes | None:
        qname = name.decode("ascii") if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(qname, "TXT", lifetime=timeout)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
            return None
        for record in answer:
            return b"".join(record.strings)
        return None

    return lookup
