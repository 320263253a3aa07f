"""Multi-workspace install over real HTTP: /slack/install → Slack's consent page with a state,
/slack/oauth_redirect → `oauth.v2.access` on the fake → installation stored in our database,
then the new workspace's events and the worker's replies use that workspace's token."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import func, select, table, text

from bots.slack.install import BotTokens, NotInstalled
from storage.db import Database
from storage.models import Recruiter
from tests.fakes.slack_api import FakeSlack
from tests.integration.pipeline_harness import Harness
from tests.integration.slack_support import (
    TEAM,
    TOKEN,
    USER,
    SlackRig,
    file_share_event,
    make_rig,
)
from tests.resumes import text_pdf

pytestmark = [pytest.mark.redis]

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret"
TEAM2 = "T222"
TOKEN2 = "xoxb-222-second-workspace"
CHANNEL2 = "C222"
TS = "1652227646.593159"
SLACK_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")
DEFAULT_SCOPES = "channels:history,groups:history,files:read,chat:write,commands,im:write"


def _forget_installs(db: Database) -> None:
    """The PostgreSQL database is shared by the run; slack_sdk's tables are not in our models."""
    with db.session() as session:
        for name in SLACK_TABLES:
            session.execute(text(f"DELETE FROM {name}"))


def _count(db: Database, name: str) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(table(name))) or 0)


@dataclass
class Page:
    status: int
    headers: dict[str, str]  # names in lower case
    body: str


def get(rig: SlackRig, path: str, query: dict[str, str] | None = None,
        cookie: str | None = None) -> Page:
    """A browser's GET, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", rig.http.port, timeout=30)
    try:
        conn.request("GET", path + (f"?{urlencode(query)}" if query else ""),
                     headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Page(response.status, headers, response.read().decode())
    finally:
        conn.close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(TOKEN, TEAM) as fake:
        fake.oauth_app(CLIENT_ID, CLIENT_SECRET)
        yield fake


@pytest.fixture
def rig(pg_harness: Harness, slack: FakeSlack) -> Iterator[SlackRig]:
    """OAuth only: no single bot token, for the web process nor for the workers."""
    _forget_installs(pg_harness.services.db)
    r = make_rig(pg_harness, slack, slack_bot_token=None, slack_client_id=CLIENT_ID,
                 slack_client_secret=CLIENT_SECRET)
    pg_harness.extra_env.pop("SLACK_BOT_TOKEN")
    pg_harness.extra_env.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    yield r
    r.close()
    _forget_installs(pg_harness.services.db)


def _start_install(rig: SlackRig) -> tuple[str, str]:
    """GET /slack/install: the state Slack is sent with, and the browser's cookie."""
    page = get(rig, "/slack/install")
    assert page.status == 302
    location = urlsplit(page.headers["location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https", "slack.com", "/oauth/v2/authorize")
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [DEFAULT_SCOPES]
    state = query["state"][0]
    cookie = page.headers["set-cookie"].split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"
    return state, cookie


def test_install_redirects_to_slacks_consent_page_with_a_stored_state(
        rig: SlackRig, slack: FakeSlack) -> None:
    state, _cookie = _start_install(rig)
    assert len(state) >= 32
    assert _count(rig.services.db, "slack_oauth_states") == 1
    assert slack.calls == []  # nothing asked of Slack before the installer consents


def test_an_installed_workspace_is_answered_with_its_own_token(
        rig: SlackRig, slack: FakeSlack) -> None:
    state, cookie = _start_install(rig)
    slack.add_install_code("code-for-t222", team=TEAM2, token=TOKEN2)

    done = get(rig, "/slack/oauth_redirect", {"code": "code-for-t222", "state": state}, cookie)
    assert done.status == 200, done.body
    exchange = slack.calls_of("oauth.v2.access")
    assert len(exchange) == 1 and exchange[0].args["code"] == "code-for-t222"
    store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=rig.services.db.engine)
    bot = store.find_bot(enterprise_id=None, team_id=TEAM2)
    assert bot is not None and bot.bot_token == TOKEN2
    assert _count(rig.services.db, "slack_oauth_states") == 0  # the state is used up

    pdf = text_pdf("Lena Fischer", "lena@example.com", title="Data Engineer", company="Initech")
    event = file_share_event(slack, {"lena.pdf": pdf}, team=TEAM2, channel=CHANNEL2,
                             event_id="Ev2001", ts=TS)
    assert rig.send_event(event).status == 200
    slack.wait_for(rig.batches, what="the batch")
    rig.harness.run_burst_worker()

    def finished() -> list[str] | None:
        thread = slack.thread(CHANNEL2, TS)
        cards = [m.text for m in thread if m.blocks]
        return cards if cards and thread[0].text.startswith("Done") else None

    cards = slack.wait_for(finished, what="the result card in the second workspace")
    assert any("Lena Fischer" in c for c in cards)
    assert {m.team for m in slack.messages} == {TEAM2}
    assert all(c.team == TEAM2 for c in slack.calls if c.method != "oauth.v2.access")
    assert all(c.args["authorized"] for c in slack.calls_of("download"))
    assert slack.calls_of("chat.update")  # the worker edited the progress message, as T222
    with rig.services.db.session() as session:
        assert session.scalar(select(Recruiter.id).where(
            Recruiter.identity == f"slack:{TEAM2}/{USER}")) is not None


def test_a_forged_replayed_or_cookieless_state_is_refused(
        rig: SlackRig, slack: FakeSlack) -> None:
    slack.add_install_code("code-for-t222", team=TEAM2, token=TOKEN2)
    forged = get(rig, "/slack/oauth_redirect", {"code": "code-for-t222", "state": "forged"},
                 "slack-app-oauth-state=forged")
    assert forged.status == 401
    state, cookie = _start_install(rig)
    no_cookie = get(rig, "/slack/oauth_redirect", {"code": "code-for-t222", "state": state})
    assert no_cookie.status == 400
    assert slack.calls_of("oauth.v2.access") == []
    assert _count(rig.services.db, "slack_installations") == 0

    assert get(rig, "/slack/oauth_redirect", {"code": "code-for-t222", "state": state},
               cookie).status == 200
    replayed = get(rig, "/slack/oauth_redirect", {"code": "code-for-t222", "state": state},
                   cookie)
    assert replayed.status == 401
    assert len(slack.calls_of("oauth.v2.access")) == 1


def test_a_workspace_that_never_installed_gets_nothing_imported(
        rig: SlackRig, slack: FakeSlack) -> None:
    event = file_share_event(slack, {"x.pdf": text_pdf("No One", "no@example.com")},
                             team="T999", channel="C999", event_id="Ev9001")
    assert rig.send_event(event).status == 200
    assert rig.batches() == []
    assert slack.calls_of("download") == [] and slack.messages == []


def test_slack_sdks_stores_work_on_our_migrated_tables(database_url: str) -> None:
    """The tables come from our migration, on SQLite and PostgreSQL alike."""
    db = Database(database_url)
    _forget_installs(db)
    try:
        store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=db.engine)
        store.save(Installation(app_id="AHOTGIGS", team_id="T777", team_name="Seven",
                                bot_token="xoxb-777", bot_id="B777", bot_user_id="U777",
                                bot_scopes="chat:write,files:read", user_id="UINSTALLER"))
        assert store.find_installation(enterprise_id=None, team_id="T777") is not None
        assert BotTokens("", store)("T777") == "xoxb-777"
        assert BotTokens("xoxb-single", store)("T404") == "xoxb-single"
        with pytest.raises(NotInstalled):
            BotTokens("", store)("T404")
        states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine)
        state = states.issue()
        assert states.consume(state) and not states.consume(state)
    finally:
        _forget_installs(db)
        db.dispose()
