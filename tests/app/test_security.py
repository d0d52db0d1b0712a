"""The safety baseline: CSP, cookies, the production secret check, CSRF, Sentry reporting."""

from __future__ import annotations

import gzip
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk

from app import create_app
from app.config import DEV_SECRET_KEY
from tests.conftest import config_for
from tests.factories import make_user

PAGES = ["/", "/auth/login", "/auth/signup", "/auth/reset"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def _assert_no_inline(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), "inline <script> breaks the CSP"
    assert not INLINE_STYLE.search(html), "inline style or event handler breaks the CSP"


def test_csp_forbids_inline_code_on_every_page(client, auth):
    admin = make_user(role="admin")
    responses = [client.get(page) for page in PAGES]
    auth.login(admin.email)
    responses += [client.get(page) for page in ("/auth/account", "/admin/users", "/admin/settings")]
    for response in responses:
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        _assert_no_inline(response.get_data(as_text=True))


def test_form_post_without_csrf_token_is_refused(client, auth):
    user = make_user()
    auth.login(user.email)
    response = client.post("/auth/account/profile", data={"name": "Mallory"})
    assert response.status_code == 400
    assert b"The form expired or was sent from elsewhere" in response.data
    forged = client.post("/auth/account/profile", data={"name": "M", "csrf_token": "forged"})
    assert forged.status_code == 400


def test_development_cookies_are_not_secure_only(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_production_sets_secure_cookie_flags(stack, monkeypatch):
    monkeypatch.setenv("CODEDEV_ENV", "production")
    app = create_app(config_for(stack, SECRET_KEY="a-long-random-production-secret"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.app_context():
        response = app.test_client().get("/auth/login")  # the CSRF token starts a session
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("secret", ["", DEV_SECRET_KEY])
def test_production_refuses_to_start_without_a_real_secret(stack, monkeypatch, secret):
    monkeypatch.setenv("CODEDEV_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config_for(stack, SECRET_KEY=secret))


class _Collector(BaseHTTPRequestHandler):
    """A stand-in Sentry ingest endpoint that keeps every envelope it receives."""

    envelopes: list[list[dict]] = []
    arrived = threading.Event()

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        items = []
        for line in body.splitlines():
            try:
                items.append(json.loads(line))
            except ValueError:
                continue  # attachment payloads are not JSON
        type(self).envelopes.append(items)
        type(self).arrived.set()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sentry_server():
    _Collector.envelopes = []
    _Collector.arrived = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)  # later tests must not report anywhere
        server.shutdown()
        server.server_close()


def test_unhandled_error_reaches_sentry_and_user_sees_friendly_500(stack, sentry_server):
    port = sentry_server.server_address[1]
    app = create_app(
        config_for(
            stack, SENTRY_DSN=f"http://public@127.0.0.1:{port}/1", PROPAGATE_EXCEPTIONS=False
        )
    )

    def explode() -> str:
        raise RuntimeError("boom-7d1f from the test route")

    app.add_url_rule("/test-explode", view_func=explode)
    with app.app_context():
        response = app.test_client().get("/test-explode")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
    assert b"boom-7d1f" not in response.data  # no internals shown to the user

    sentry_sdk.flush(timeout=10)
    assert _Collector.arrived.wait(timeout=10), "no envelope reached the Sentry endpoint"
    exceptions = [
        value
        for envelope in _Collector.envelopes
        for item in envelope
        for value in item.get("exception", {}).get("values", [])
    ]
    assert any(e["type"] == "RuntimeError" and "boom-7d1f" in e["value"] for e in exceptions), (
        _Collector.envelopes
    )
