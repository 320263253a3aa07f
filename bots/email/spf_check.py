"""Our own SPF check (pyspf) of the envelope sender for the connecting client's address.

Meaningful when HotGigs itself receives from the internet (it is the MX): the client is the
sending server. An SPF pass whose MAIL FROM domain aligns with the `From:` domain is a
DMARC-aligned pass, proof of the sender (`bots.email.proof`). DNS: `bots.email.resolver`.
"""

from __future__ import annotations

import warnings


def check_spf(client_ip: str | None, mail_from: str | None,
              helo: str = "") -> tuple[str, str | None]:
    """(result, the MAIL FROM domain when it passed); result as pyspf names it (pass, fail,
    softfail, neutral, none, permerror, temperror) or "none" without an address to check."""
    import spf

    sender = (mail_from or "").strip("<> ")
    domain = sender.rpartition("@")[2].lower()
    if not client_ip or not domain:
        return "none", None
    with warnings.catch_warnings():  # pyspf calls dnspython's deprecated `query`
        warnings.simplefilter("ignore", DeprecationWarning)
        result, _explanation = spf.check2(i=client_ip, s=sender, h=helo or domain)
    return str(result), domain if result == "pass" else None
