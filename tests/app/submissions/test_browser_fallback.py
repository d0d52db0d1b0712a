"""Without WebSockets the page polls the API; drafts survive a reload (no judge needed)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Judgement, Submission, TestResult
from tests.app.submissions.browser import editor_text, final_verdict, log_in, type_code
from tests.factories import make_challenge, make_user

pytestmark = pytest.mark.browser


def test_polling_takes_over_when_sockets_fail(live_server, page):
    student = make_user()
    challenge = make_challenge([("1 2\n", "3\n")])
    email, slug, case_id = student.email, challenge.slug, challenge.tests[0].id
    db.session.remove()
    refused: list[str] = []
    page.route_web_socket("**/ws/**", lambda ws: (refused.append(ws.url), ws.close()))
    log_in(page, live_server.url, email)
    page.goto(f"{live_server.url}/solve/{slug}")
    type_code(page, "print(3)\n")
    page.click("#submit")
    page.locator("#connection").filter(has_text="checking every second").wait_for()
    assert len(refused) >= 3
    # The judge's result arrives in the database only; polling must bring it to the page.
    submission = db.session.query(Submission).one()
    judgement: Judgement = submission.judgements[0]
    judgement.status, judgement.verdict, judgement.score, judgement.time_ms = "done", "AC", 100, 5
    db.session.add(TestResult(judgement_id=judgement.id, test_case_id=case_id, position=1,
                              name="01", verdict="AC"))  # fmt: skip
    db.session.commit()
    assert final_verdict(page) == "AC"
    assert page.locator("#marks .mark.v-AC").count() == 1


def test_draft_is_kept_per_challenge_and_language(live_server, page):
    student = make_user()
    slug = make_challenge(starter_code={"python3": "# start here\n"}).slug
    email = student.email
    db.session.remove()
    log_in(page, live_server.url, email)
    page.goto(f"{live_server.url}/solve/{slug}")
    assert "# start here" in editor_text(page)
    type_code(page, "print('draft')\n")
    page.reload()
    assert "print('draft')" in editor_text(page)
    page.select_option("#language", "java")
    assert "print('draft')" not in editor_text(page)
    page.select_option("#language", "python3")
    assert "print('draft')" in editor_text(page)


def test_an_opened_file_picks_its_language_and_editor_mode(live_server, page, tmp_path):
    student = make_user()
    slug = make_challenge().slug
    email = student.email
    db.session.remove()
    log_in(page, live_server.url, email)
    page.goto(f"{live_server.url}/solve/{slug}")
    content = page.locator(".cm-content")
    assert content.get_attribute("data-language") == "python"  # the registry's first language
    source = tmp_path / "Sum.C"  # capital .C is C++ (the Kattis table), as the page was told
    source.write_text("int main() { return 0; }\n")
    page.set_input_files("#upload", str(source))
    page.wait_for_function("document.getElementById('language').value === 'cpp'")
    assert "int main()" in editor_text(page)
    assert content.get_attribute("data-language") == "cpp"
    page.select_option("#language", "java")
    assert content.get_attribute("data-language") == "java"
