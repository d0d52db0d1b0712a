"""Submissions of several files on both store pairs: stored whole, main file found, bad sets refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.extensions import db
from app.models import Judgement, Submission
from app.programs import files_of
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user

MAIN = "from helper import add\nprint(add(*map(int, input().split())))\n"
HELPER = "def add(a, b):\n    return a + b\n"


def stored() -> int:
    return db.session.scalar(select(func.count(Submission.id))) or 0


def test_several_files_are_stored_with_the_main_file_first(app):
    sent = create_submission(
        make_user(), make_challenge(), "python3", [("helper.py", HELPER), ("main.py", MAIN)]
    )
    db.session.remove()
    row = db.session.get(Submission, sent.id)
    assert row.source == MAIN and row.source_name == "main.py"
    assert row.files == [{"name": "helper.py", "text": HELPER}]
    assert files_of(row) == [("main.py", MAIN), ("helper.py", HELPER)]
    assert row.judgements[0].status == "queued"


def test_one_file_submissions_keep_working(app):
    sent = create_submission(make_user(), make_challenge(), "python3", MAIN)
    assert sent.files is None and sent.source_name == ""
    assert files_of(sent) == [("main.py", MAIN)]


def test_a_named_entry_wins_and_cpp_finds_the_file_defining_main(app):
    user, challenge = make_user(), make_challenge()
    named = create_submission(
        user, challenge, "python3", [("a.py", MAIN), ("b.py", HELPER)], entry="a.py"
    )
    assert named.source_name == "a.py" and named.other_files == {"b.py": HELPER}
    cpp = create_submission(
        user,
        challenge,
        "cpp",
        [("add.h", "int add(int, int);\n"), ("add.cpp", "int add(int a, int b) { return a + b; }\n"),
         ("solve.cpp", '#include "add.h"\nint main() { return add(0, 0); }\n')],
    )  # fmt: skip
    assert cpp.source_name == "solve.cpp" and set(cpp.other_files) == {"add.h", "add.cpp"}


def test_java_keeps_its_class_files(app):
    sent = create_submission(
        make_user(),
        make_challenge(),
        "java",
        [("Main.java", "public class Main { public static void main(String[] a) {} }\n"),
         ("Helper.java", "class Helper {}\n")],
    )  # fmt: skip
    assert sent.source_name == "Main.java" and list(sent.other_files) == ["Helper.java"]


@pytest.mark.parametrize(
    ("files", "entry", "wanted"),
    [
        ([], None, "No files"),
        ([(f"f{i}.py", "x = 1\n") for i in range(11)], None, "at most 10"),
        ([("main.py", "x" * 200_000), ("b.py", "y" * 100_000)], None, "bytes"),
        ([("main.py", MAIN), ("../helper.py", HELPER)], None, "must not contain"),
        ([("main.py", MAIN), ("lib/helper.py", HELPER)], None, "must not contain"),
        ([("main.py", MAIN), (".hidden.py", HELPER)], None, "plain name"),
        ([("main.py", MAIN), ("", HELPER)], None, "needs a name"),
        ([("main.py", MAIN), ("main.py", HELPER)], None, "Two files"),
        ([("main.py", MAIN), ("Main.py", HELPER)], None, "Two files"),
        ([("main.py", MAIN), ("helper.py", b"\x7fELF\x00\x01")], None, "binary"),
        ([("main.py", MAIN), ("helper.py", b"\xff\xfe")], None, "UTF-8"),
        ([("a.py", MAIN), ("b.py", HELPER)], None, "Which file is the main one"),
        ([("main.py", MAIN), ("b.py", HELPER)], "c.py", "not among the files"),
        ([("main.py", MAIN), ("notes.txt", "hi\n")], "notes.txt", "not a Python 3 source"),
        ([("main.py", "  \n"), ("helper.py", HELPER)], None, "is empty"),
        ([("a.py", MAIN), ("main.py", HELPER)], "a.py", "rename one"),
    ],
    ids=["empty-set", "too-many", "too-large", "dotdot", "slash", "hidden", "no-name",
         "duplicate", "duplicate-case", "binary", "not-utf8", "no-main", "unknown-entry",
         "entry-not-source", "empty-main", "main-name-taken"],
)  # fmt: skip
def test_bad_file_sets_are_refused_and_nothing_is_stored(app, files, entry, wanted):
    before = stored()
    with pytest.raises(ValidationError) as raised:
        create_submission(make_user(), make_challenge(), "python3", files, entry=entry)
    assert wanted in raised.value.message
    assert stored() == before
    assert db.session.scalar(select(func.count(Judgement.id))) == 0


def test_pages_show_every_file_and_the_editor_knows_which_languages_take_several(client, auth):
    student = make_user()
    challenge = make_challenge()
    sent = create_submission(student, challenge, "python3", [("main.py", MAIN), ("helper.py", HELPER)])
    auth.login(student.email)
    page = client.get(f"/submissions/{sent.id}").get_data(as_text=True)
    assert page.count('data-testid="file-name"') == 2 and "helper.py" in page
    assert "return a + b" in page and "main file" in page
    assert "(2 files)" in client.get(f"/solve/{challenge.slug}/history").get_data(as_text=True)
    solve = client.get(f"/solve/{challenge.slug}").get_data(as_text=True)
    assert 'id="file-tabs"' in solve and '"several_files": true' in solve
    assert '"main_names": ["main.py", "__main__.py"]' in solve
