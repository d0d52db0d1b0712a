"""A challenge's attachments (a package's attachments/): listed on the challenge and solve
pages, downloaded by whoever may see the challenge, by nobody else."""

from __future__ import annotations

from app.blobs import store_blob
from app.extensions import db
from app.models import Challenge, ChallengeFile
from tests.factories import enroll, make_challenge, make_course, make_round, make_user

TOOL = b"# Plays the judge locally.\nprint('judge')\n"


def _attach(challenge: Challenge, path: str, data: bytes) -> None:
    db.session.add(ChallengeFile(challenge_id=challenge.id, path=path, sha256=store_blob(data)))
    db.session.commit()


def test_students_download_a_published_challenges_attachments(client, auth) -> None:
    challenge = make_challenge()
    _attach(challenge, "attachments/testing_tool.py", TOOL)
    _attach(challenge, "output_validator/validator.py", b"secret\n")  # kept, never served
    url = f"/challenges/{challenge.slug}/attachments/testing_tool.py"
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert f'href="{url}"' in page and "validator.py" not in page
    response = client.get(url)
    assert response.status_code == 200 and response.data == TOOL
    assert response.headers["Content-Disposition"] == "attachment; filename=testing_tool.py"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    # Only attachments/ is served: the package's other kept files stay the staff's.
    base = f"/challenges/{challenge.slug}/attachments/"
    assert client.get(base + "../output_validator/validator.py").status_code == 404
    assert client.get(base + "validator.py").status_code == 404
    auth.login(make_user().email)
    solve = client.get(f"/solve/{challenge.slug}").get_data(as_text=True)
    assert f'href="/solve/{challenge.slug}/attachments/testing_tool.py"' in solve
    assert client.get(f"/solve/{challenge.slug}/attachments/testing_tool.py").data == TOOL


def test_attachments_follow_who_may_see_the_challenge(client, auth) -> None:
    author = make_user(role="teacher")
    draft = make_challenge(published=False, owner_id=author.id)
    course = make_course()
    member = make_user()
    enroll(course, member)
    private = make_challenge(course_id=course.id)
    for challenge in (draft, private):
        _attach(challenge, "attachments/tool.py", TOOL)
    draft_url = f"/challenges/{draft.slug}/attachments/tool.py"
    private_url = f"/challenges/{private.slug}/attachments/tool.py"
    assert client.get(draft_url).status_code == 404
    assert client.get(private_url).status_code == 404  # a course's, to a visitor
    auth.login(make_user().email)
    assert client.get(draft_url).status_code == 404
    assert client.get(private_url).status_code == 404  # not a member
    assert client.get(f"/solve/{draft.slug}/attachments/tool.py").status_code == 404
    auth.logout()
    auth.login(member.email)
    assert client.get(private_url).data == TOOL
    auth.logout()
    auth.login(author.email)
    assert client.get(draft_url).data == TOOL


def test_a_rounds_contestant_downloads_its_unpublished_problems_attachments(client, auth) -> None:
    host = make_user(role="teacher")
    problem = make_challenge(published=False, owner_id=host.id)
    _attach(problem, "attachments/tool.py", TOOL)
    round_ = make_round(host, [problem])
    auth.login(make_user().email)
    url = f"/solve/{problem.slug}/attachments/tool.py"
    assert client.get(url).status_code == 404  # outside the round it is a draft
    page = client.get(f"/solve/{problem.slug}?round={round_.id}").get_data(as_text=True)
    assert f'href="{url}?round={round_.id}"' in page
    assert client.get(f"{url}?round={round_.id}").data == TOOL
