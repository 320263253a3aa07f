"""Google's OAuth 2.0 consent for a recruiter's own Drive: read-only scope, offline access.

google-auth-oauthlib builds the consent URL (with a PKCE S256 challenge) and exchanges the
code; the `state` we hand it is signed (itsdangerous, a sub-key of `HOTGIGS_ENCRYPTION_KEY`),
names the signed-in recruiter and expires, so a callback is only accepted for the recruiter
who started it. The PKCE verifier is an HMAC of the state under another sub-key: the callback
recomputes it, so nothing is stored between the click and the callback, and whoever sees the
state and the code in a URL still cannot redeem the code. Revocation is one POST to Google's
revoke endpoint (no library offers it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from oauthlib.oauth2 import OAuth2Error

from bots.drive.gdrive import SCOPES

log = logging.getLogger(__name__)

STATE_MAX_AGE = 600  # seconds a consent may take, from the click to the callback
REVOKE_TIMEOUT = 15
_STATE_INFO = b"hotgigs drive oauth state v1"
_VERIFIER_INFO = b"hotgigs drive oauth pkce v1"


class OAuthFailed(Exception):
    """The consent or the code exchange did not give us a usable grant; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OAuthClient:
    """The Google Cloud "Web application" client and where Google's endpoints are."""

    client_id: str
    client_secret: str
    redirect_uri: str  # HOTGIGS_PUBLIC_URL + /drive/callback, registered with Google
    auth_uri: str = "https://accounts.google.com/o/oauth2/auth"
    token_uri: str = "https://oauth2.googleapis.com/token"
    revoke_uri: str = "https://oauth2.googleapis.com/revoke"

    def _config(self) -> dict[str, Any]:
        return {"web": {"client_id": self.client_id, "client_secret": self.client_secret,
                        "auth_uri": self.auth_uri, "token_uri": self.token_uri,
                        "redirect_uris": [self.redirect_uri]}}

    def _flow(self, code_verifier: str, state: str | None = None) -> Flow:
        return Flow.from_client_config(
            self._config(), scopes=list(SCOPES), redirect_uri=self.redirect_uri, state=state,
            code_verifier=code_verifier, autogenerate_code_verifier=False)

    def authorization(self, state: str, code_verifier: str) -> str:
        """The consent URL to send the browser to. `prompt=consent` makes Google issue a
        refresh token on every connect, a reconnect included."""
        url, _ = self._flow(code_verifier, state).authorization_url(
            access_type="offline", prompt="consent")
        return str(url)

    def exchange(self, code: str, code_verifier: str) -> Credentials:
        """The code from the callback for credentials that carry a refresh token."""
        flow = self._flow(code_verifier)
        try:
            flow.fetch_token(code=code)
        except OAuth2Error as exc:
            raise OAuthFailed(f"Google refused the code: {exc.error}") from None
        except requests.RequestException as exc:
            raise OAuthFailed(f"Google's token endpoint is unreachable: "
                              f"{type(exc).__name__}") from None
        credentials: Credentials = flow.credentials
        granted = set(credentials.granted_scopes or credentials.scopes or ())
        if not set(SCOPES) <= granted:
            raise OAuthFailed("read access to Drive was not granted")
        if not credentials.refresh_token:
            raise OAuthFailed("Google issued no refresh token (offline access)")
        return credentials

    def credentials(self, refresh_token: str, scopes: tuple[str, ...] = SCOPES) -> Credentials:
        """User credentials from a stored refresh token (google-auth refreshes on first use)."""
        return Credentials(token=None, refresh_token=refresh_token, token_uri=self.token_uri,
                           client_id=self.client_id, client_secret=self.client_secret,
                           scopes=list(scopes))

    def revoke(self, token: str) -> bool:
        """Revoke a refresh (or access) token at Google; False when Google could not be told.

        Google answers 400 `invalid_token` for a token it already forgot: that is revoked too.
        """
        try:
            answer = requests.post(self.revoke_uri, data={"token": token},
                                   timeout=REVOKE_TIMEOUT)
        except requests.RequestException as exc:
            log.warning("drive grant: revocation at Google failed: %s", type(exc).__name__)
            return False
        if answer.status_code == 200:
            return True
        if answer.status_code == 400 and "invalid_token" in answer.text:
            return True
        log.warning("drive grant: revocation answered HTTP %s", answer.status_code)
        return False


class StateSigner:
    """The OAuth `state`: the recruiter and a nonce, signed, expiring after STATE_MAX_AGE."""

    def __init__(self, encryption_key: bytes, max_age: int = STATE_MAX_AGE) -> None:
        secret = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                      info=_STATE_INFO).derive(encryption_key)
        self._serializer = URLSafeTimedSerializer(secret, salt="drive-connect")
        self._pkce = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                          info=_VERIFIER_INFO).derive(encryption_key)
        self.max_age = max_age

    def verifier(self, state: str) -> str:
        """The PKCE code verifier of a state (43 URL-safe characters, RFC 7636)."""
        digest = hmac.new(self._pkce, state.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign(self, identity: str) -> str:
        return self._serializer.dumps({"r": identity, "n": secrets.token_urlsafe(12)})

    def check(self, state: str, identity: str) -> str:
        """The nonce of a state signed for `identity`; OAuthFailed for any other state."""
        try:
            payload = self._serializer.loads(state, max_age=self.max_age)
        except SignatureExpired:
            raise OAuthFailed("the connection took too long; please start again") from None
        except BadSignature:
            raise OAuthFailed("the answer from Google does not belong to this session") from None
        if not isinstance(payload, dict) or payload.get("r") != identity:
            raise OAuthFailed("the answer from Google was meant for another recruiter")
        return str(payload.get("n", ""))
