"""SMTP AUTH logins for tools that send to the door directly (`HOTGIGS_SMTP_USERS`).

The file holds one `login:hash` per line (`#` comments allowed); the login is the recruiter's
email address, the hash is scrypt (stdlib `hashlib.scrypt`, no extra dependency) written as
`scrypt$<n>$<r>$<p>$<salt b64>$<key b64>`. `hotgigs recruiter smtp-password` writes lines.
AUTH is offered only over TLS (aiosmtpd's `auth_require_tls`), so passwords never travel in
clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

N, R, P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def read_users(path: Path) -> dict[str, str]:
    """{login: hash}; logins in lower case."""
    users: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        login, sep, stored = line.rpartition(":")
        if not sep or not login:
            log.warning("%s line %d: not login:hash, ignored", path, number)
            continue
        users[login.strip().lower()] = stored.strip()
    return users


def set_password(path: Path, login: str, password: str) -> None:
    """Add or replace `login`'s line (the file is created 0600)."""
    login = login.strip().lower()
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if line.strip().rpartition(":")[0].strip().lower() != login]
    kept.append(f"{login}:{hash_password(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text("\n".join(kept) + "\n", "utf-8")


class Logins:
    """The users file, read once at start: `check(login, password)` for the SMTP server."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def check(self, login: str, password: str) -> bool:
        stored = self.users.get(login.strip().lower())
        return stored is not None and check_password(password, stored)
