"""Pages say "judging is getting ready" while `make run` builds the sandbox images."""

from __future__ import annotations

from app.judging import readiness
from tests.factories import make_challenge, make_user


def banner(client, path: str) -> str | None:
    html = client.get(path).get_data(as_text=True)
    start = html.find('class="flash flash-')
    if "judging-readiness" not in html:
        return None
    return html[start : html.index("</div>", start)]


def test_solve_and_admin_pages_say_judging_is_getting_ready(app, client, auth):
    challenge = make_challenge()
    admin = make_user(role="admin")
    auth.login(admin.email)
    assert banner(client, f"/solve/{challenge.slug}") is None  # nothing builds: say nothing

    readiness.announce("building", "building the c image (2 of 5)")
    for path in (f"/solve/{challenge.slug}", "/admin/users"):
        shown = banner(client, path)
        assert shown is not None, path
        assert "Judging is getting ready: building the c image (2 of 5)" in shown
        assert "judged once it is ready" in shown
    assert banner(client, "/dashboard") is None  # only where judging matters

    readiness.announce("off", "no Docker engine on this machine; install it with `make system-deps`.")
    shown = banner(client, f"/solve/{challenge.slug}")
    assert shown is not None and "make system-deps" in shown and "flash-error" in shown

    readiness.announce("ready", "ready")
    assert banner(client, f"/solve/{challenge.slug}") is None


def test_a_redis_outage_does_not_break_the_page(app, client, auth, monkeypatch):
    challenge = make_challenge()
    auth.login(make_user().email)

    def down(_app=None):
        import redis

        raise redis.ConnectionError("down")

    monkeypatch.setattr(readiness, "current", down)
    assert client.get(f"/solve/{challenge.slug}").status_code == 200
