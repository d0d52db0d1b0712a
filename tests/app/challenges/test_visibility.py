"""One reading rule for challenges: open practice for all, a course's challenges for its members."""

from __future__ import annotations

from tests.factories import enroll, make_challenge, make_course, make_user


def test_course_challenge_is_for_its_members_only(client, auth):
    course = make_course()
    member, outsider = make_user(), make_user()
    enroll(course, member)
    challenge = make_challenge(course_id=course.id, title="Course only")
    practice = make_challenge(title="Open practice")
    page = f"/challenges/{challenge.slug}"

    assert client.get(page).status_code == 404  # anonymous
    assert "Course only" not in client.get("/challenges/").get_data(as_text=True)
    assert client.get(f"/challenges/{practice.slug}").status_code == 200

    auth.login(outsider.email)
    assert client.get(page).status_code == 404
    listing = client.get("/challenges/").get_data(as_text=True)
    assert "Course only" not in listing and "Open practice" in listing
    auth.logout()

    auth.login(member.email)
    assert client.get(page).status_code == 200
    assert "Course only" in client.get("/challenges/").get_data(as_text=True)


def test_a_draft_is_for_its_author_and_admins(client, auth):
    author = make_user(role="teacher")
    draft = make_challenge(published=False, owner_id=author.id)
    page = f"/challenges/{draft.slug}"
    auth.login(make_user(role="teacher").email)
    assert client.get(page).status_code == 404
    auth.logout()
    auth.login(author.email)
    assert client.get(page).status_code == 200
    auth.logout()
    auth.login(make_user(role="admin").email)
    assert client.get(page).status_code == 200
