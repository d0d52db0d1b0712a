"""The projector in Chromium (no login): it pages through a board longer than the screen, and
when its socket drops it reconnects and reads the stored board again, missing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome
from app.live.hub import get_hub
from app.models import Round, User, utcnow
from app.scoring import live as live_events
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_round, make_user
from tests.live import SCREENSHOTS

pytestmark = pytest.mark.browser
SMALL_PROJECTOR = {"width": 1280, "height": 720}
GOOD = "print(sum(map(int, input().split())))\n"


def solved(user_id: int, round_id: int, label: str) -> None:
    round_ = db.session.get(Round, round_id)
    challenge = next(p.challenge for p in round_.problems if p.label == label)
    user = db.session.get(User, user_id)
    judgement = create_submission(user, challenge, "python3", GOOD, round_=round_).judgements[0]
    service.start_attempt(judgement.id, "test")
    service.record_result(judgement.id, JudgeOutcome("AC", 100.0))
    db.session.remove()


def drop_sockets(app) -> None:
    """Make the server close every open socket: each inbox is marked as fallen behind."""
    hub = get_hub(app)
    with hub._lock:
        boxes = [box for boxes in hub._inboxes.values() for box in boxes]
    assert boxes, "no socket was open"
    for box in boxes:
        box.dropped = True
        box.put_nowait("{}")


RECORD_MODES = """() => {
  window.__modes = [];
  const board = document.getElementById('scoreboard');
  new MutationObserver(() => window.__modes.push(board.dataset.mode))
    .observe(board, {attributes: true, attributeFilter: ['data-mode']});
}"""


def test_the_projector_pages_a_long_board_and_resyncs_after_a_dropped_socket(
    app, live_server, chromium, monkeypatch
):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenges = [make_challenge(owner_id=teacher.id, title=t) for t in ("One", "Two")]
    contest = make_round(teacher, challenges, starts_at=utcnow() - timedelta(minutes=20))
    round_id, key = contest.id, contest.projector_key
    people = [make_user(name=f"Student {n:02d}").id for n in range(40)]
    late_comer = make_user(name="Zed Latecomer").id
    db.session.remove()
    for user_id in people:
        solved(user_id, round_id, "A")

    context = chromium.new_context(viewport=SMALL_PROJECTOR)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/rounds/{round_id}/projector/{key}")
        board = page.locator("#scoreboard[data-loaded=true]")
        board.wait_for()
        pages = page.get_attribute("#scoreboard", "data-page")
        assert pages and int(pages.split("/")[1]) > 1, pages  # 40 rows don't fit on 720 px
        visible = page.locator("tbody tr:not([hidden])").count()
        assert 0 < visible < 40
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "projector-paged-1280.png"))

        page.locator("#scoreboard[data-mode=live]").wait_for()
        page.evaluate(RECORD_MODES)
        # A verdict whose live event is lost (Redis hiccup at publish): the board can't know.
        with monkeypatch.context() as lost:
            lost.setattr(live_events, "announce", lambda submission: None)
            lost.setattr(live_events, "announce_board", lambda event: None)
            solved(late_comer, round_id, "B")
        page.wait_for_timeout(1000)
        assert page.locator("tbody tr", has_text="Zed Latecomer").count() == 0
        drop_sockets(app)  # the server drops every socket (as it drops a client that lags)
        page.locator("tbody tr", has_text="Zed Latecomer").wait_for(state="attached", timeout=20_000)
        assert "reconnecting" in page.evaluate("window.__modes")
        row = page.locator("tbody tr", has_text="Zed Latecomer")
        assert row.locator("td.cell[data-label=B]").get_attribute("class") in ("cell solved", "cell first")
    finally:
        context.close()
