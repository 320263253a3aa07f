"""The admin session cookie (itsdangerous): accepted while fresh and signed with this token."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner

from hotgigs.web.admin import SESSION_SECONDS, _cookie_ok, session_cookie


class _Yesterday(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - SESSION_SECONDS - 60


def test_a_session_cookie_is_valid_only_for_its_token_and_until_it_expires() -> None:
    cookie = session_cookie("tok-1")
    assert _cookie_ok("tok-1", cookie)
    assert not _cookie_ok("tok-2", cookie)  # a new token logs everyone out
    value, _, signature = cookie.rpartition(".")
    # the first character: the last one's low bits are base64 padding, so flipping them may
    # decode to the same signature
    flipped = "B" if signature.startswith("A") else "A"
    assert not _cookie_ok("tok-1", f"{value}.{flipped}{signature[1:]}")  # tampered
    assert not _cookie_ok("tok-1", "1.x") and not _cookie_ok("tok-1", "")
    old = _Yesterday("tok-1", salt="hotgigs-admin-session").sign("admin").decode()
    assert not _cookie_ok("tok-1", old)
