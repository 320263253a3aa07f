"""Helpers for the recruiter pages' tests: registered recruiters, session cookies, the forms'
CSRF tokens and the sign-in links read back from the Maildir outbox."""

from __future__ import annotations

import email
import mailbox
import re
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from bots.email.recruiters import register
from hotgigs.bootstrap import Services
from hotgigs.web.session import COOKIE, Sessions, session_key
from storage.models import Recruiter
from tests.helpers import wait_until
from tests.integration.http_support import request

ANN, BOB = "ann@agency.test", "bob@other.test"


def recruiter(services: Services, address: str) -> int:
    """A registered recruiter's row id (`hotgigs recruiter add`)."""
    register(services.db, address)
    with services.db.session() as session:
        found = session.query(Recruiter).filter_by(identity=address).one()
        return int(found.id)


def session_cookie(services: Services, recruiter_id: int, address: str) -> dict[str, str]:
    """The Cookie header of a signed-in recruiter (the app's key derives from the settings)."""
    value = Sessions(session_key(services.settings), secure=False).cookie_value(recruiter_id,
                                                                                address)
    return {"Cookie": f"{COOKIE}={value}"}


def csrf_of(page: bytes) -> str:
    found = re.search(rb'name="csrf" value="([^"]+)"', page)
    assert found is not None, "the page has no CSRF field"
    return found.group(1).decode()


def visitor(port: int, path: str = "/signin") -> tuple[dict[str, str], str, bytes]:
    """GET a visitor form: (Cookie header with its form token, the token, the page)."""
    status, headers, page = request(port, "GET", path)
    assert status == 200, page
    cookie = headers["set-cookie"].split(";", 1)[0]
    return {"Cookie": cookie}, csrf_of(page), page


def outbox(data_dir: Path) -> list[EmailMessage]:
    path = data_dir / "outbox"
    if not all((path / part).is_dir() for part in ("tmp", "new", "cur")):
        return []  # not yet, or the mailer is making its folders right now
    box = mailbox.Maildir(path, factory=None, create=False)
    found = [email.message_from_bytes(box.get_bytes(key), policy=default)
             for key in box.iterkeys()]
    return [m for m in found if isinstance(m, EmailMessage)]


def sign_in_links(data_dir: Path, to: str) -> list[str]:
    """The sign-in links mailed to `to`, oldest first by arrival."""
    links = []
    for message in outbox(data_dir):
        if message["To"] == to and message["Subject"] == "Your HotGigs sign-in link":
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            links += re.findall(r"https?://\S+/signin/link\?token=[\w-]+", body.get_content())
    return links


def wait_for_link(data_dir: Path, to: str, count: int = 1) -> str:
    found = wait_until(lambda: (links := sign_in_links(data_dir, to)) and len(links) >= count
                       and links, timeout=30, what=f"sign-in link {count} for {to}")
    return str(found[count - 1])
