"""An author adds a reference solution of several files in the browser (files or a zip)."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from app.challenges import references, service, testdata
from app.errors import ValidationError
from app.extensions import db
from app.models import ChallengeFile, ReferenceSolution
from app.packages.exporter import package_files
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.worker.judge_support import require_sandbox

MAIN = "from helper import add\nprint(add(*map(int, input().split())))\n"
HELPER = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def teacher(app):
    user = make_user(role="teacher", email="t@example.org")
    service.create_challenge(user, service.ChallengeData(title="Add", slug="add"))
    testdata.add_test(user, "add", "", b"1 2\n", b"3\n")
    return user


def zipped(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_files_are_kept_beside_the_solution_and_deleted_with_it(teacher):
    solution = references.add_reference_files(
        teacher, "add", "two files", "python3",
        [("main.py", MAIN.encode()), ("helper.py", HELPER.encode())], "AC",
    )  # fmt: skip
    assert solution.name == "two_files" and solution.source == MAIN
    assert references.files_of(solution) == ["helper.py", "main.py"]
    exported = package_files(service.get_by_slug("add"))
    assert exported["submissions/accepted/two_files/helper.py"] == HELPER.encode()
    service.delete_reference(teacher, "add", solution.id)
    assert db.session.scalar(select(func.count(ChallengeFile.id))) == 0


def test_a_zip_with_one_top_folder_is_opened(teacher):
    data = zipped({"sol/main.py": MAIN, "sol/helper.py": HELPER})
    solution = references.add_reference_files(
        teacher, "add", "zipped", "python3", [("sol.zip", data)], "AC"
    )
    assert references.files_of(solution) == ["helper.py", "main.py"]


@pytest.mark.parametrize(
    ("uploads", "wanted"),
    [
        ([("a.py", MAIN.encode()), ("b.py", HELPER.encode())], "Which file"),
        ([("main.py", MAIN.encode()), ("helper.py", b"\x00\x01")], "binary"),
        ([("x.zip", zipped({"main.py": MAIN, "lib/helper.py": HELPER}))], "must not contain"),
    ],
    ids=["no-main", "binary", "subfolder"],
)
def test_bad_uploads_are_refused_unstored(teacher, uploads, wanted):
    with pytest.raises(ValidationError) as raised:
        references.add_reference_files(teacher, "add", "bad", "python3", uploads, "AC")
    assert wanted in raised.value.message
    assert db.session.scalar(select(func.count(ReferenceSolution.id))) == 0
    assert db.session.scalar(select(func.count(ChallengeFile.id))) == 0


def test_the_solutions_page_takes_several_files(teacher, client, auth):
    auth.login("t@example.org")
    token = csrf_token(client, "/challenges/add/solutions")
    response = client.post("/challenges/add/solutions", data={
        "csrf_token": token, "ref-name": "split", "ref-language": "python3",
        "ref-expected_verdict": "AC", "ref-source": "", "ref-entry": "",
        "ref-files": [(io.BytesIO(MAIN.encode()), "main.py"),
                      (io.BytesIO(HELPER.encode()), "helper.py")],
    }, follow_redirects=True)  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Reference solution added." in page, page
    assert "helper.py, main.py" in page
    empty = client.post("/challenges/add/solutions", data={
        "csrf_token": token, "ref-name": "none", "ref-language": "python3",
        "ref-expected_verdict": "AC", "ref-source": ""})  # fmt: skip
    assert "Paste the source, or upload its files." in empty.get_data(as_text=True)


@pytest.mark.docker
def test_a_multi_file_reference_is_judged_like_the_others(teacher):
    require_sandbox()
    references.add_reference_files(
        teacher, "add", "split", "python3",
        [("main.py", MAIN.encode()), ("helper.py", HELPER.encode())], "AC",
    )  # fmt: skip
    references.add_reference_files(
        teacher, "add", "alone", "python3",
        [("main.py", MAIN.encode()), ("notes.txt", b"no helper here\n")], "RE",
    )  # fmt: skip
    report = service.validate(teacher, "add")
    assert [(run.name, run.verdict) for run in report.runs] == [("split", "AC"), ("alone", "RE")]
    assert report.ok


def test_an_export_reads_back_with_the_folder_program(teacher):
    from app.packages import import_zip_bytes
    from app.packages.exporter import export_package

    references.add_reference_files(
        teacher, "add", "split", "python3",
        [("main.py", MAIN.encode()), ("helper.py", HELPER.encode())], "AC",
    )  # fmt: skip
    copy = import_zip_bytes(
        export_package(service.get_by_slug("add")), "add.zip", slug="add-copy"
    ).challenge
    (solution,) = service.references(copy)
    assert (solution.name, solution.expected_verdict, solution.source) == (
        "accepted/split", "AC", MAIN)  # fmt: skip
    assert references.files_of(solution) == ["helper.py", "main.py"]
