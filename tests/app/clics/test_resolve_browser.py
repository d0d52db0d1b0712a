"""Done when: a contest authored in codedev is exported, imported through the browser page,
and resolved there on the projector's resolver to the same final standings and awards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clics import exporter
from app.clics.ids import team_id
from app.clics.roles import JURY
from app.clics.service import scoreboard
from app.extensions import db
from app.models import Judgement, Round, Submission, utcnow
from tests.app.clics.conftest import judge
from tests.app.submissions.browser import log_in
from tests.factories import make_user
from tests.live import SCREENSHOTS

pytestmark = pytest.mark.browser


def _names(round_: Round) -> list[tuple[int, str, str]]:
    """The board's ranks, CLICS team ids (kept by the import) and names."""
    names = {team_id(p): p.name for p in round_.participants}
    return [(r["rank"], r["team_id"], names[r["team_id"]]) for r in scoreboard(round_, JURY, utcnow())["rows"]]


def test_an_exported_contest_imported_in_the_browser_resolves_to_the_same_board(
    app, contest, live_server, page, tmp_path
):
    original = contest["round"]
    pending = db.session.scalar(select(Submission).join(Judgement).where(
        Submission.round_id == original.id, Judgement.status == "queued"))  # fmt: skip
    judge(pending, "WA")
    original = db.session.get(Round, original.id)
    original.ends_at = utcnow() - timedelta(minutes=1)  # ended, still frozen
    db.session.commit()
    package = tmp_path / "contest.zip"
    package.write_bytes(exporter.export_zip(original))
    expected = _names(original)
    host = make_user(role="teacher", name="Host").email
    db.session.remove()

    base = live_server.url
    log_in(page, base, host)
    page.goto(f"{base}/rounds/import")
    page.set_input_files("input[type=file]", str(package))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(lambda url: "/rounds/import" not in url)
    round_id = int(page.url.rstrip("/").split("/")[-1])
    assert "Imported" in page.inner_text("body")

    page.goto(f"{base}/rounds/{round_id}/resolver")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.locator("#resolver[data-loaded=true]").wait_for()
    awards_seen = []
    for _ in range(30):
        if page.get_attribute("#resolver", "data-done") == "true":
            break
        page.keyboard.press("Space")
        page.wait_for_timeout(500)
        if page.locator("[data-testid=awards]").is_visible():
            awards_seen.append(page.get_attribute("[data-testid=awards]", "data-award"))
    assert page.get_attribute("#resolver", "data-done") == "true"
    assert "winner" in awards_seen, awards_seen
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "clics-imported-resolved-1920.png"))
    copy = db.session.get(Round, round_id)
    names = {str(p.id): p.name for p in copy.participants}
    shown = [names[page.locator("tbody tr").nth(i).get_attribute("data-participant")]
             for i in range(page.locator("tbody tr").count())]  # fmt: skip
    assert shown == [name for _, _, name in expected]
    assert _names(copy) == expected
