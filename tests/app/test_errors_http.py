"""Friendly error pages for people, `{"error": {...}}` for the API."""

from __future__ import annotations

from tests.factories import make_user


def test_403_page_is_friendly(client, auth):
    auth.login(make_user().email)
    response = client.get("/admin/users")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "403 · Not allowed" in html and "Back to the start page" in html


def test_404_page_and_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert b"Page not found" in page.data
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"


def test_405_is_friendly(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert b"Method not allowed" in response.data
