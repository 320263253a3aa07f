"""Google's OAuth 2.0 server as far as a web app's Drive consent uses it, for `FakeDrive`.

The consent page auto-approves as the Google user a test signed in (`signed_in`) and sends the
browser back with a code; the token endpoint exchanges it (client secret, redirect URI and the
PKCE verifier checked) for an access token and a refresh token, and refreshes; the revocation
endpoint revokes a refresh token with every access token it issued. A test can also revoke a
user's grant as they would on their Google account page, or let access tokens expire. Errors
come back in OAuth's own shape (`{"error": "invalid_grant", ...}`), as google-auth reads them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus, urlencode

SCOPE = "https://www.googleapis.com/auth/drive.readonly"


class OAuthAnswer(Exception):
    """An OAuth error answer: status and `{"error": code, "error_description": text}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status, self.error, self.description = status, error, description


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    user: str
    scope: str
    challenge: str | None
    offline: bool


@dataclass
class _Grant:
    client_id: str
    user: str
    scope: str
    revoked: bool = False
    access_tokens: set[str] = field(default_factory=set)


@dataclass
class FakeGoogleAccounts:
    """Registered OAuth clients, the signed-in user, and the grants and tokens issued."""

    signed_in: str = "ann.lee@gmail.test"
    deny: bool = False  # the user clicks "Cancel" on the consent page
    clients: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # id -> secret, URIs
    access: dict[str, str] = field(default_factory=dict)  # live access token -> user
    consents: list[dict[str, str]] = field(default_factory=list)  # consent requests seen
    revocations: list[str] = field(default_factory=list)  # tokens posted to /revoke
    _codes: dict[str, _Code] = field(default_factory=dict)
    _grants: dict[str, _Grant] = field(default_factory=dict)  # refresh token -> grant
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- controls -----------------------------------------------------------------------
    def register_client(self, redirect_uri: str, client_id: str = "hotgigs-test.apps.test",
                        secret: str = "not-a-real-secret") -> tuple[str, str]:
        """An OAuth client allowed to send users back to `redirect_uri`."""
        with self._lock:
            _, uris = self.clients.get(client_id, (secret, set()))
            self.clients[client_id] = (secret, uris | {redirect_uri})
        return client_id, secret

    def refresh_tokens(self, user: str | None = None, *, live: bool = True) -> list[str]:
        with self._lock:
            return [t for t, g in self._grants.items()
                    if (user is None or g.user == user) and (not live or not g.revoked)]

    def revoke_user(self, user: str) -> None:
        """The user removes the app's access on their Google account page."""
        with self._lock:
            for grant in self._grants.values():
                if grant.user == user:
                    self._revoke(grant)

    def expire_access_tokens(self) -> None:
        """Every access token stops working; clients must refresh."""
        with self._lock:
            self.access.clear()

    # -- endpoints ----------------------------------------------------------------------
    def consent(self, query: dict[str, str]) -> str:
        """`GET /o/oauth2/auth`: where the consent page sends the browser (auto-approved)."""
        with self._lock:
            self.consents.append(dict(query))
            client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
            registered = self.clients.get(client_id)
            if registered is None:
                raise OAuthAnswer(401, "invalid_client", "The OAuth client was not found.")
            if redirect_uri not in registered[1]:
                raise OAuthAnswer(400, "redirect_uri_mismatch",
                                  f"{redirect_uri!r} is not registered for this client")
            if query.get("response_type") != "code" or query.get("scope") != SCOPE:
                raise OAuthAnswer(400, "invalid_request",
                                  f"unexpected response_type/scope in {query}")
            state = {"state": query["state"]} if "state" in query else {}
            if self.deny:
                return _with_query(redirect_uri, {"error": "access_denied", **state})
            challenge = query.get("code_challenge")
            if challenge and query.get("code_challenge_method") != "S256":
                raise OAuthAnswer(400, "invalid_request", "only S256 challenges")
            code = "4/fake-code-" + secrets.token_urlsafe(16)
            self._codes[code] = _Code(client_id, redirect_uri, self.signed_in, SCOPE, challenge,
                                      query.get("access_type") == "offline")
            return _with_query(redirect_uri, {"code": code, "scope": SCOPE, **state})

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> dict[str, Any]:
        """`POST /token` for the authorization_code and refresh_token grants."""
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        with self._lock:
            registered = self.clients.get(client_id)
            if registered is None or registered[0] != secret:
                raise OAuthAnswer(401, "invalid_client", "Unauthorized")
            if form.get("grant_type") == "authorization_code":
                return self._exchange(client_id, form)
            if form.get("grant_type") == "refresh_token":
                grant = self._grants.get(form.get("refresh_token", ""))
                if grant is None or grant.revoked or grant.client_id != client_id:
                    raise OAuthAnswer(400, "invalid_grant", "Token has been expired or revoked.")
                return {**self._access(grant), "scope": grant.scope}
            raise OAuthAnswer(400, "unsupported_grant_type", str(form.get("grant_type")))

    def revoke(self, form: dict[str, str]) -> None:
        """`POST /revoke` with `token=` (a refresh or an access token)."""
        token = form.get("token", "")
        with self._lock:
            self.revocations.append(token)
            grant = self._grants.get(token) or next(
                (g for g in self._grants.values() if token in g.access_tokens), None)
            if grant is None or grant.revoked:
                raise OAuthAnswer(400, "invalid_token", "Token expired or revoked")
            self._revoke(grant)

    # -- internals ----------------------------------------------------------------------
    def _exchange(self, client_id: str, form: dict[str, str]) -> dict[str, Any]:
        code = self._codes.pop(form.get("code", ""), None)  # a code works once
        if code is None or code.client_id != client_id:
            raise OAuthAnswer(400, "invalid_grant", "Malformed auth code.")
        if form.get("redirect_uri") != code.redirect_uri:
            raise OAuthAnswer(400, "redirect_uri_mismatch", "Bad Request")
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if digest.decode().rstrip("=") != code.challenge:
                raise OAuthAnswer(400, "invalid_grant", "Invalid code verifier.")
        refresh = "1//fake-refresh-" + secrets.token_urlsafe(24)
        grant = _Grant(client_id, code.user, code.scope)
        self._grants[refresh] = grant
        answer = {**self._access(grant), "scope": code.scope}
        if code.offline:
            answer["refresh_token"] = refresh
        return answer

    def _access(self, grant: _Grant) -> dict[str, Any]:
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        grant.access_tokens.add(token)
        self.access[token] = grant.user
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _revoke(self, grant: _Grant) -> None:
        grant.revoked = True
        for token in grant.access_tokens:
            self.access.pop(token, None)


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def basic_auth(header: str) -> tuple[str, str] | None:
    """(client id, secret) from an `Authorization: Basic …` header, if there is one."""
    if not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return unquote_plus(user), unquote_plus(password)
