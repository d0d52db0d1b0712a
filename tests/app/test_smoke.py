"""The app starts on both store pairs and serves its public pages."""

from tests.factories import make_user


def test_index_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"codedev" in response.data
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_login_and_dashboard(client, auth, app):
    user = make_user(email="ada@example.org")
    response = auth.login(user.email)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_unknown_page_is_friendly_404(client):
    response = client.get("/nope")
    assert response.status_code == 404
    assert b"Page not found" in response.data
