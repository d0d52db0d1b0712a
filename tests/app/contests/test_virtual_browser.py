"""In Chromium: a student starts a virtual run of a finalized contest, submits in it, and sees
the board of the run (the originals as at the same minute, the run ranked among them). No
worker: the test records the verdict through the judging service, as a worker would."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from app.extensions import db
from app.models import Participant, Submission, utcnow
from tests.app.contests.replays import finalized_contest, judge
from tests.app.submissions.browser import log_in, type_code
from tests.live import SCREENSHOTS

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
GOOD = "a, b = map(int, input().split())\nprint(a + b)\n"


def sent_by(participant_id: int, timeout: float = 20.0) -> Submission:
    """The run's submission once the page has sent it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.remove()
        found = db.session.scalar(
            select(Submission).where(Submission.participant_id == participant_id)
        )
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError("the page sent no submission")


def test_a_virtual_run_of_a_finalized_contest(app, live_server, page):
    replay = finalized_contest(app, start=utcnow().replace(microsecond=0) - timedelta(days=1))
    base, round_id, email = live_server.url, replay.round.id, replay.people["vi"].email
    db.session.remove()
    page.set_viewport_size(LAPTOP)
    log_in(page, base, email)
    page.goto(f"{base}/rounds/{round_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=virtual]")
    page.locator("[data-testid=virtual-run]").wait_for()
    countdown = page.inner_text("[data-testid=countdown]")
    assert countdown.startswith(("01:59", "02:00")), countdown
    run = db.session.scalar(select(Participant).where(Participant.virtual.is_(True)))
    run_id = run.id
    # As if 45 minutes of the run had gone by: Bob's accept at minute 30 is on the board now,
    # Cy's at minute 60 not yet.
    db.session.execute(update(Participant).where(Participant.id == run_id)
                       .values(started_at=utcnow() - timedelta(minutes=45)))  # fmt: skip
    db.session.commit()
    page.click("[data-testid=problem-A] a")
    type_code(page, GOOD)
    page.click("#submit")
    judge(sent_by(run_id), "AC")
    db.session.remove()

    page.goto(f"{base}/rounds/{round_id}/board")
    page.locator("#scoreboard[data-loaded=true]").wait_for()
    ids = {str(p.id): p.name for p in db.session.scalars(select(Participant))}
    rows = page.locator("tbody tr")
    shown = [ids[rows.nth(i).get_attribute("data-participant")] for i in range(rows.count())]
    assert shown == ["Ada", "Vi (virtual)", "Bob", "Cy"]
    assert page.locator("tbody tr td.rank").all_inner_texts() == ["1", "2", "3", "4"]
    assert page.locator("tr.virtual-row .badge", has_text="virtual").count() == 1
    assert page.inner_text("#virtual-minute") == "45"
    assert (
        page.locator("tr.virtual-row td.cell[data-label=A]").get_attribute("class") == "cell solved"
    )
    expect(page.locator("#board-clock")).not_to_have_text("")  # no eval: the page's CSP forbids it
    clock = page.inner_text("[data-testid=board-clock]")
    assert clock.startswith(("01:14", "01:15")), clock  # the run's own window
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "virtual-run-1366.png"))
