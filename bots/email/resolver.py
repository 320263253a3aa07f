"""DNS for our own SPF and DKIM checks: the system resolver, or one named server.

pyspf and dkimpy both ask dnspython's default resolver; `use_server("host[:port]")` points it
at one server for the whole process (called once by the worker's composition root), so a
deployment can use a validating resolver of its own and tests serve records from a DNS server
on loopback, with no internet.
"""

from __future__ import annotations

import dns.resolver


def use_server(server: str) -> None:
    """Make `server` (`host` or `host:port`) the DNS server of this process's checks."""
    host, port = server, 53
    if server.count(":") == 1:  # host:port (a bare IPv6 address has several colons)
        host, _, given = server.partition(":")
        port = int(given)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = port
    dns.resolver.default_resolver = resolver
