"""One language registry: a language added there reaches forms, the API, the editor and pages."""

from __future__ import annotations

import html
import json
import re

import pytest

from app.extensions import db
from app.judging import languages
from app.models import Challenge
from tests.conftest import submit
from tests.factories import make_challenge, make_user
from worker.languages import LANGUAGES, Language

KOTLIN = Language(
    id="kotlin",
    name="Kotlin (test)",
    extensions=(".kt",),
    source_name="Main.kt",
    compile=("/usr/bin/kotlinc", "{src}", "-include-runtime", "-d", "main.jar"),
    run=("/usr/bin/java", "-Xmx{memory_mb}m", "-jar", "main.jar"),
    version="Kotlin 1.9",
    editor_mode="",
    aliases=("kt",),
)


@pytest.fixture
def kotlin(monkeypatch: pytest.MonkeyPatch) -> Language:
    """Kotlin in the registry for this test only, as if worker/languages/kotlin.py existed."""
    monkeypatch.setitem(LANGUAGES, KOTLIN.id, KOTLIN)
    return KOTLIN


def editor_languages(page: str) -> list[dict[str, object]]:
    """The editor's language data: the page's JSON block (no inline script under the CSP)."""
    match = re.search(r'<script type="application/json" id="languages">(.*?)</script>', page, re.S)
    assert match, "the solve page carries the editor's languages"
    return json.loads(html.unescape(match.group(1)))


def test_an_added_language_appears_in_the_form_the_api_and_the_editor(client, auth, kotlin):
    teacher = make_user(role="teacher")
    auth.login(teacher.email)
    form = client.get("/challenges/new").get_data(as_text=True)
    assert '<option value="kotlin">Kotlin (test)</option>' in form  # allowed + checker language
    assert 'name="starter_kotlin"' in form and "Starter code: Kotlin (test)" in form
    # The starter fields follow the allowed languages, before the checker.
    assert form.index('name="languages"') < form.index('name="starter_kotlin"')
    assert form.index('name="starter_kotlin"') < form.index('name="checker"')
    response = submit(client, "/challenges/new", {
        "title": "Kotlin sum", "statement_md": "Add.", "difficulty": "easy",
        "time_limit_ms": "1000", "memory_limit_mb": "256", "output_limit_kb": "1024",
        "languages": ["kotlin", "python3"], "starter_kotlin": "fun main() {}\n",
        "checker": "tokens", "checker_language": "kotlin",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == "kotlin-sum"))
    assert challenge is not None
    assert challenge.languages == ["kotlin", "python3"]
    assert challenge.starter_code == {"kotlin": "fun main() {}\n"}
    assert "fun main() {}" in client.get("/challenges/kotlin-sum/edit").get_data(as_text=True)

    document = client.get("/api/v1/openapi.json").get_json()
    language = document["components"]["schemas"]["NewSubmission"]["properties"]["language"]
    assert language["enum"] == list(LANGUAGES) and "kotlin" in language["enum"]

    open_to_all = make_challenge(starter_code={"kotlin": "// start\n"})
    auth.logout()
    auth.login(make_user().email)
    page = client.get(f"/solve/{open_to_all.slug}").get_data(as_text=True)
    assert '<option value="kotlin">Kotlin (test)</option>' in page
    entry = {"id": "kotlin", "name": "Kotlin (test)", "extensions": [".kt"], "mode": ""}
    # The registry's other keys (several_files, main_names, helper_extensions) come along.
    assert entry in [{key: found.get(key) for key in entry} for found in editor_languages(page)]
    assert ".kt," in page  # the file picker accepts its sources


def test_the_editor_gets_only_the_languages_a_challenge_allows(client, auth, kotlin):
    challenge = make_challenge(languages=["c", "cpp"])
    auth.login(make_user().email)
    page = client.get(f"/solve/{challenge.slug}").get_data(as_text=True)
    data = editor_languages(page)
    assert [entry["id"] for entry in data] == ["c", "cpp"]
    assert {entry["mode"] for entry in data} == {"cpp"}
    assert ".C" in data[1]["extensions"]  # type: ignore[operator]
    assert 'value="kotlin"' not in page and 'value="python3"' not in page


def test_a_language_the_registry_lacks_is_refused(client, auth):
    teacher = make_user(role="teacher")
    auth.login(teacher.email)
    assert 'name="starter_kotlin"' not in client.get("/challenges/new").get_data(as_text=True)
    response = submit(client, "/challenges/new", {
        "title": "Nope", "time_limit_ms": "1000", "memory_limit_mb": "256",
        "output_limit_kb": "1024", "languages": ["kotlin"], "checker": "tokens",
        "checker_language": "python3", "difficulty": "easy",
    })  # fmt: skip
    assert response.status_code == 200  # the form again, with the error
    assert "&#39;kotlin&#39; is not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Challenge).where(Challenge.title == "Nope")) is None


def test_the_languages_page_shows_each_compiler_version_and_flags(client):
    page = client.get("/languages").get_data(as_text=True)  # no login: anyone may read it
    for language in LANGUAGES.values():
        assert f'id="language-{language.id}"' in page and html.escape(language.name) in page
        assert language.version in page
    compile_c = re.search(r'data-testid="compile-c">([^<]*)<', page)
    assert compile_c and "-std=gnu17" in compile_c.group(1) and "-O2" in compile_c.group(1)
    assert compile_c.group(1).endswith("main.c -lm")
    assert "-std=gnu++20" in page
    assert "-Xmx" + "Nm" in page  # the memory limit is named, not a number
    assert 'href="/languages"' in client.get("/").get_data(as_text=True)  # linked from every page


def test_registry_lookups_follow_kattis_and_contest_names():
    assert languages.ids() == tuple(LANGUAGES)
    assert languages.language_for_path("a.C") == "cpp" and languages.language_for_path("a.c") == "c"
    assert languages.language_for_path("MAIN.PY") == "python3"
    assert languages.language_for_path("x.kt") is None  # not judged here: not in the registry
    assert languages.from_code("py3") == "python3" and languages.from_code("C++") == "cpp"
    assert languages.from_code("cobol") == "cobol"  # kept, so an export says what came in
    assert languages.extension("cpp") == ".cpp" and languages.extension("cobol") == ".txt"
    assert languages.name("java") == LANGUAGES["java"].name and languages.name("x") == "x"
