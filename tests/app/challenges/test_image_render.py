"""Statement rendering: relative image URLs point at the challenge's files, others stay."""

from __future__ import annotations

import pytest

from app.challenges import files
from app.challenges.render import image_src, render_markdown
from tests.app.challenges.images import png
from tests.conftest import csrf_token
from tests.factories import make_challenge, make_user

FILES = "/challenges/sums/files/"


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("figure.png", FILES + "figure.png"),
        ("./img/a.png", FILES + "img/a.png"),
        ("img/../b.png", FILES + "b.png"),
        ("my%20fig.png", FILES + "my%20fig.png"),
        ("figure.png?v=2#top", FILES + "figure.png"),
        ("../secret.png", None),
        ("https://example.org/a.png", "https://example.org/a.png"),
        ("http://example.org/a.png", "http://example.org/a.png"),
        ("//example.org/a.png", "//example.org/a.png"),
        ("/static/logo.png", "/static/logo.png"),
        ("data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,iVBORw0KGgo="),
    ],
)
def test_image_src(src: str, expected: str | None) -> None:
    assert image_src(src, FILES) == expected


def test_render_rewrites_relative_images_and_leaves_absolute_ones() -> None:
    html = str(
        render_markdown("![Tree](figure.png) ![](./img/a.png) ![x](https://e.org/x.png)", FILES)
    )
    assert f'<img src="{FILES}figure.png" alt="Tree">' in html
    assert f'<img src="{FILES}img/a.png" alt="">' in html
    assert '<img src="https://e.org/x.png" alt="x">' in html
    # Links are not images: a relative link stays as written.
    assert 'href="notes.html"' in str(render_markdown("[notes](notes.html)", FILES))


def test_without_a_saved_challenge_relative_images_are_alt_text_only() -> None:
    html = str(render_markdown("![A tree](figure.png) ![x](https://e.org/x.png)"))
    assert '<img alt="A tree">' in html
    assert '<img src="https://e.org/x.png" alt="x">' in html


def test_challenge_and_solve_pages_load_images_from_the_challenge(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, statement_md="Look: ![Tree](figure.png)")
    files.upload_image(teacher, challenge.slug, "figure.png", png())
    expected = f'<img src="/challenges/{challenge.slug}/files/figure.png" alt="Tree">'
    auth.login(make_user().email)
    assert expected in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert expected in client.get(f"/solve/{challenge.slug}").get_data(as_text=True)


def test_preview_resolves_images_of_the_saved_challenge(client, auth):
    teacher = make_user(role="teacher")
    slug = make_challenge(owner_id=teacher.id, published=False).slug
    other = make_challenge(owner_id=make_user(role="teacher").id).slug
    auth.login(teacher.email)
    token = csrf_token(client, f"/challenges/{slug}/edit")
    headers = {"Accept": "application/json", "X-CSRFToken": token}

    def preview(**body):
        return client.post("/challenges/preview", json=body, headers=headers)

    html = preview(statement_md="![T](figure.png)", slug=slug).get_json()["html"]
    assert f'src="/challenges/{slug}/files/figure.png"' in html
    assert preview(statement_md="![T](figure.png)").get_json()["html"] == '<p><img alt="T"></p>\n'
    assert preview(statement_md="![T](figure.png)", slug=other).status_code == 403
    assert preview(statement_md="x", slug=3).status_code == 400
    edit = client.get(f"/challenges/{slug}/edit").get_data(as_text=True)
    assert f'data-slug="{slug}"' in edit and 'id="images"' in edit
