"""Statement images: upload, replace, delete on the editor; served only to who may see them."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import select

from app.challenges import files
from app.errors import Forbidden, NotFound, TooLarge, ValidationError
from app.extensions import db
from app.models import ChallengeFile
from tests.app.challenges.images import HTML, JPEG, SVG, png
from tests.conftest import submit
from tests.factories import enroll, make_challenge, make_course, make_user


def _paths(challenge_id: int) -> dict[str, str]:
    rows = db.session.scalars(
        select(ChallengeFile).where(ChallengeFile.challenge_id == challenge_id)
    )
    return {row.path: row.sha256 for row in rows}


def _upload(client, slug: str, data: bytes, name: str):
    return submit(
        client,
        f"/challenges/{slug}/images",
        {"image-file": (io.BytesIO(data), name)},
        page=f"/challenges/{slug}/edit",
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_teacher_uploads_a_png_and_sees_its_snippet(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, published=False)
    auth.login(teacher.email)
    page = _upload(client, challenge.slug, png(), "figure.png").get_data(as_text=True)
    assert "figure.png uploaded" in page
    assert "![figure](figure.png)" in page
    assert f'src="/challenges/{challenge.slug}/files/figure.png"' in page
    digest = hashlib.sha256(png()).hexdigest()
    assert _paths(challenge.id) == {"statement/figure.png": digest}


def test_jpeg_upload_and_replace_keep_one_file(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    image = files.upload_image(teacher, challenge.slug, "photo.jpg", JPEG)
    assert (image.name, image.snippet) == ("photo.jpg", "![photo](photo.jpg)")
    files.upload_image(teacher, challenge.slug, "photo.jpg", JPEG + b"\x01")
    assert _paths(challenge.id) == {
        "statement/photo.jpg": hashlib.sha256(JPEG + b"\x01").hexdigest()
    }
    assert [i.name for i in files.statement_images(challenge)] == ["photo.jpg"]


@pytest.mark.parametrize(
    ("name", "data", "error", "message"),
    [
        ("diagram.svg", SVG, ValidationError, "SVG images can carry scripts"),
        ("page.png", HTML, ValidationError, "not a PNG, JPEG, GIF or WebP image"),
        ("photo.png", JPEG, ValidationError, "name it photo.jpg"),
        ("notes.txt", b"hello", ValidationError, "upload a PNG, JPEG, GIF or WebP"),
        ("../x.png", png(), ValidationError, "without folders or '..'"),
        ("a/b.png", png(), ValidationError, "without folders or '..'"),
        ("a\\b.png", png(), ValidationError, "without folders or '..'"),
        (".hidden.png", png(), ValidationError, "without folders or '..'"),
        ("é<x>.png", png(), ValidationError, "letters, digits"),
        ("big.png", png() + b"\x00" * files.MAX_IMAGE_BYTES, TooLarge, "capped at 2 MB each"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(app, name, data, error, message):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    with pytest.raises(error, match=message):
        files.upload_image(teacher, challenge.slug, name, data)
    assert _paths(challenge.id) == {}


def test_names_are_normalized():
    assert files.clean_name("  my figure.PNG ") == "my-figure.PNG"


def test_the_challenge_total_is_capped(app, monkeypatch):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    monkeypatch.setattr(files, "MAX_IMAGES_BYTES", 2 * len(png()) + 10)
    files.upload_image(teacher, challenge.slug, "a.png", png())
    files.upload_image(teacher, challenge.slug, "b.png", png())
    files.upload_image(teacher, challenge.slug, "b.png", png(4, 2)[: len(png()) + 5])
    with pytest.raises(TooLarge, match="in all; delete some first"):
        files.upload_image(teacher, challenge.slug, "c.png", png())
    assert sorted(_paths(challenge.id)) == ["statement/a.png", "statement/b.png"]


def test_only_the_author_or_an_admin_uploads(app):
    owner, other = make_user(role="teacher"), make_user(role="teacher")
    challenge = make_challenge(owner_id=owner.id)
    with pytest.raises(Forbidden):
        files.upload_image(other, challenge.slug, "a.png", png())
    with pytest.raises(Forbidden):
        files.upload_image(make_user(), challenge.slug, "a.png", png())
    files.upload_image(make_user(role="admin"), challenge.slug, "a.png", png())
    assert list(_paths(challenge.id)) == ["statement/a.png"]


def test_bad_upload_shows_its_message_on_the_edit_page(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    auth.login(teacher.email)
    page = _upload(client, challenge.slug, SVG, "x.svg").get_data(as_text=True)
    assert "SVG images can carry scripts" in page
    assert _paths(challenge.id) == {}


def test_delete_from_the_edit_page(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    files.upload_image(teacher, challenge.slug, "a.png", png())
    auth.login(teacher.email)
    edit = f"/challenges/{challenge.slug}/edit"
    response = submit(client, f"/challenges/{challenge.slug}/images/delete", {"name": "a.png"},
                      page=edit, follow_redirects=True)  # fmt: skip
    assert "a.png deleted" in response.get_data(as_text=True)
    assert _paths(challenge.id) == {}
    missing = submit(client, f"/challenges/{challenge.slug}/images/delete", {"name": "a.png"},
                     page=edit)  # fmt: skip
    assert missing.status_code == 404


def test_student_gets_a_published_challenges_image_with_safe_headers(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    files.upload_image(teacher, challenge.slug, "figure.png", png())
    auth.login(make_user().email)
    response = client.get(f"/challenges/{challenge.slug}/files/figure.png")
    assert response.status_code == 200
    assert response.data == png()
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    digest = hashlib.sha256(png()).hexdigest()
    assert response.headers["ETag"] == f'"{digest}"'
    assert "private" in response.headers["Cache-Control"]
    again = client.get(
        f"/challenges/{challenge.slug}/files/figure.png", headers={"If-None-Match": f'"{digest}"'}
    )
    assert again.status_code == 304 and again.data == b""


def test_drafts_and_other_courses_images_are_not_found(client, auth):
    teacher = make_user(role="teacher")
    draft = make_challenge(owner_id=teacher.id, published=False)
    course, other_course = make_course(teacher), make_course(teacher)
    in_course = make_challenge(owner_id=teacher.id, course_id=course.id)
    for challenge in (draft, in_course):
        files.upload_image(teacher, challenge.slug, "figure.png", png())
    student, outsider = make_user(), make_user()
    enroll(course, student)
    enroll(other_course, outsider)
    draft_url = f"/challenges/{draft.slug}/files/figure.png"
    course_url = f"/challenges/{in_course.slug}/files/figure.png"
    assert client.get(course_url).status_code == 404  # anonymous
    auth.login(outsider.email)
    assert client.get(draft_url).status_code == 404
    assert client.get(course_url).status_code == 404
    auth.logout()
    auth.login(student.email)
    assert client.get(draft_url).status_code == 404
    assert client.get(course_url).status_code == 200
    auth.logout()
    auth.login(teacher.email)
    assert client.get(draft_url).status_code == 200


def test_unknown_files_and_non_images_are_not_found(client, app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    files.upload_image(teacher, challenge.slug, "figure.png", png())
    tex = files.store_blob(b"\\problemname{X}")
    db.session.add(ChallengeFile(challenge_id=challenge.id, path="statement/problem.en.tex",
                                 sha256=tex))  # fmt: skip
    db.session.add(ChallengeFile(challenge_id=challenge.id, path="attachments/tool.png",
                                 sha256=files.store_blob(png())))  # fmt: skip
    db.session.commit()
    base = f"/challenges/{challenge.slug}/files"
    for name in ("nope.png", "problem.en.tex", "../attachments/tool.png", "tool.png",
                 "statement/figure.png"):  # fmt: skip
        assert client.get(f"{base}/{name}").status_code == 404, name
    assert client.get("/challenges/no-such/files/figure.png").status_code == 404
    assert client.get(f"{base}/figure").status_code == 200  # \includegraphics{figure}
    with pytest.raises(NotFound):
        files.statement_file(None, challenge.slug, "../../etc/passwd")
