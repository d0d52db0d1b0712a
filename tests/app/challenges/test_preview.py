"""The editor's preview endpoint: staff only, CSRF-checked, size-capped, sanitized like the page."""

from __future__ import annotations

from tests.conftest import csrf_token, submit
from tests.factories import make_challenge, make_user

URL = "/challenges/preview"
JSON = "application/json"


def _post(client, body, token: str | None = None, **kw):
    headers = {"Accept": JSON, **({"X-CSRFToken": token} if token else {})}
    return client.post(URL, json=body, headers=headers, **kw)


def _teacher(client, auth) -> str:
    auth.login(make_user(role="teacher").email)
    return csrf_token(client, "/challenges/new")


def test_preview_renders_markdown_and_math_as_students_see_it(client, auth):
    token = _teacher(client, auth)
    text = "Add **two** numbers: $a^2+b^2$.\n\n$$\nc^2\n$$\n"
    response = _post(client, {"statement_md": text}, token)
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>two</strong>" in html
    assert '<span class="math inline">a^2+b^2</span>' in html
    assert '<div class="math block">' in html
    # The same renderer as the challenge page, byte for byte.
    slug = make_challenge(statement_md=text).slug
    assert html in client.get(f"/challenges/{slug}").get_data(as_text=True)


def test_preview_sanitizes_script_and_event_handlers(client, auth):
    token = _teacher(client, auth)
    text = '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    html = _post(client, {"statement_md": text}, token).get_json()["html"]
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, as on the student's page


def test_preview_needs_a_csrf_token(client, auth):
    _teacher(client, auth)
    response = _post(client, {"statement_md": "hi"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_student_is_refused_and_anonymous_is_sent_to_log_in(client, auth):
    anonymous = _post(client, {"statement_md": "hi"}, csrf_token(client, "/auth/login"))
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == "/auth/login?next=%2Fchallenges%2Fpreview"
    auth.login(make_user().email)
    token = csrf_token(client, "/dashboard")
    response = _post(client, {"statement_md": "hi"}, token)
    assert response.status_code == 403
    assert "html" not in response.get_json()


def test_too_large_statement_is_refused(client, auth):
    token = _teacher(client, auth)
    response = _post(client, {"statement_md": "x" * 200_001}, token)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    # A body over the byte cap is refused before it is parsed.
    huge = client.post(URL, data="x" * (4 * 200_000 + 5000), content_type=JSON,
                       headers={"Accept": JSON, "X-CSRFToken": token})  # fmt: skip
    assert huge.status_code == 413
    assert _post(client, {"statement_md": "x" * 200_000}, token).status_code == 200


def test_preview_wants_json_with_a_statement(client, auth):
    token = _teacher(client, auth)
    assert _post(client, {"text": "hi"}, token).status_code == 400
    assert _post(client, ["hi"], token).status_code == 400


def test_editor_shows_the_student_view_beside_the_form(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, statement_md="Hello *world* $x$")
    auth.login(teacher.email)
    html = client.get(f"/challenges/{challenge.slug}/edit").get_data(as_text=True)
    assert 'id="statement-preview"' in html and 'data-preview-url="/challenges/preview"' in html
    assert "Hello <em>world</em>" in html and '<span class="math inline">x</span>' in html
    assert '<script type="module" src="/static/js/preview.js"></script>' in html
    assert 'id="statement-preview"' in client.get("/challenges/new").get_data(as_text=True)


def test_an_overlong_statement_keeps_the_form_with_its_error(client, auth):
    auth.login(make_user(role="teacher").email)
    response = submit(client, "/challenges/new", {
        "title": "Long", "statement_md": "x" * 200_001, "difficulty": "easy",
        "time_limit_ms": "1000", "memory_limit_mb": "256", "output_limit_kb": "1024",
        "checker": "tokens", "checker_language": "python3",
    })  # fmt: skip
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "200000" in html.replace(",", "") and 'id="statement-preview"' in html
