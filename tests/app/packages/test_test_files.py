"""2025-09 `.files` test input: kept by path, in the authoring view, exported, and given to the
program (and the input validators) for its own test only."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from app.challenges import testdata
from app.errors import ValidationError
from app.judging import runner as judge
from app.packages import export_package, import_package, import_zip_bytes
from tests.app.packages.builders import write_tree
from tests.app.packages.test_roundtrip import snapshot
from tests.factories import make_user
from tests.worker.judge_support import require_sandbox

PROBLEM = (
    "problem_format_version: 2025-09\nname: Read the file\n"
    "uuid: 5d1f3c6e-2b8a-4e61-9f0c-7a3e2d1b0c99\nlimits:\n  time_limit: 5\n"
)
# Adds the two numbers of data.txt in its working directory (stdin is empty).
READS_FILE = "a, b = map(int, open('data.txt').read().split())\nprint(a + b)\n"
READS_STDIN = "a, b = map(int, input().split())\nprint(a + b)\n"
# Valid when data.txt beside it holds two numbers (the spec gives validators the .files too).
VALIDATOR = (
    "import sys\n"
    "parts = open('data.txt').read().split()\n"
    "sys.exit(42 if len(parts) == 2 and all(p.lstrip('-').isdigit() for p in parts) else 43)\n"
)


def package(**extra: str | bytes) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "problem.yaml": PROBLEM,
        "statement/problem.en.md": "Add the numbers in `data.txt`.\n",
        "data/sample/1.in": "",
        "data/sample/1.files/data.txt": "1 2\n",
        "data/sample/1.ans": "3\n",
        "data/secret/01.in": "",
        "data/secret/01.files/data.txt": "5 5\n",
        "data/secret/01.ans": "10\n",
        "data/secret/02.in": "",
        "data/secret/02.files/data.txt": "-4 4\n",
        "data/secret/02.files/unused.bin": b"\x00\x01",
        "data/secret/02.ans": "0\n",
        "submissions/accepted/reads.py": READS_FILE,
        "submissions/run_time_error/stdin.py": READS_STDIN,
    }
    files.update(extra)
    return files


def test_files_are_kept_per_test_listed_and_exported(app, client, auth, tmp_path: Path) -> None:
    owner = make_user(role="teacher", email="t@example.org")
    result = import_package(write_tree(tmp_path / "readfile", package()), owner=owner)
    challenge = result.challenge
    assert not [w for w in result.warnings if ".files" in w], result.warnings
    by_name = {t.name: challenge.test_files(t) for t in challenge.tests}
    assert sorted(by_name["1"]) == ["data.txt"]
    assert sorted(by_name["02"]) == ["data.txt", "unused.bin"]
    auth.login("t@example.org")
    page = client.get("/challenges/readfile/tests").get_data(as_text=True)
    assert '<td class="test-files">data.txt, unused.bin</td>' in page
    data = export_package(challenge)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("readfile/data/secret/02.files/unused.bin") == b"\x00\x01"
    again = import_zip_bytes(data, "readfile-again").challenge
    assert snapshot(again) == snapshot(challenge)


def test_a_test_keeps_its_files_when_renamed_and_drops_them_when_deleted(app, tmp_path) -> None:
    owner = make_user(role="teacher")
    challenge = import_package(write_tree(tmp_path / "rf", package()), owner=owner).challenge
    test = next(t for t in challenge.tests if t.name == "01")
    testdata.update_test(owner, "rf", test.id, "first", None, None, is_sample=False,
                         group_id=None)  # fmt: skip
    assert sorted(challenge.test_files(test)) == ["data.txt"]
    assert any(f.path == "data/secret/first.files/data.txt" for f in challenge.files)
    testdata.delete_test(owner, "rf", test.id)
    assert not any(f.path.startswith("data/secret/first.files/") for f in challenge.files)


def test_bad_files_folders(app, tmp_path: Path) -> None:
    orphan = package(**{"data/secret/03.files/data.txt": "1 1\n"})
    result = import_package(write_tree(tmp_path / "orphan", orphan))
    assert "data/secret/03.files: no test case data/secret/03.in, so not used" in result.warnings
    assert not any("03.files" in f.path for f in result.challenge.files)
    nested = package(**{"data/secret/01.files/sub/x.txt": "x"})
    with pytest.raises(ValidationError, match=r"01.files/sub/x.txt: folders inside a .files"):
        import_package(write_tree(tmp_path / "nested", nested))
    clash = package(**{"input_validators/data.txt/validate.py": VALIDATOR,
                       "input_validators/data.txt/data.txt": "mine"})  # fmt: skip
    with pytest.raises(ValidationError, match=r"data.txt: has the name of input_validators/"):
        import_package(write_tree(tmp_path / "clash", clash))


@pytest.mark.docker
def test_a_program_reads_its_tests_files_and_validators_see_them(app, runner, tmp_path) -> None:
    require_sandbox()
    files = package(**{"input_validators/two_numbers.py": VALIDATOR})
    challenge = import_package(write_tree(tmp_path / "readfile", files)).challenge
    outcome = judge.judge_source(challenge, "python3", READS_FILE)
    assert (outcome.verdict, [t.verdict for t in outcome.tests]) == ("AC", ["AC"] * 3)
    assert judge.judge_source(challenge, "python3", READS_STDIN).verdict == "RE"
    result = runner.invoke(args=["problems", "verify", "readfile"])
    assert result.exit_code == 0, result.output
    bad = package(**{"input_validators/two_numbers.py": VALIDATOR,
                     "data/secret/02.files/data.txt": "x y\n"})  # fmt: skip
    with pytest.raises(ValidationError, match=r"data/secret/02.in: rejected by input_validators"):
        import_package(write_tree(tmp_path / "badinput", bad))


# Prints what it finds in its working directory, then leaves a file there and overwrites
# the given one (removing the judge's copy first, as the program owns the directory).
LISTS = """import os
print(" ".join(sorted(os.listdir("."))) or "empty")
open("left.txt", "w").write("from an earlier test")
os.remove("data.txt") if os.path.exists("data.txt") else None
open("data.txt", "w").write("changed")
"""


@pytest.mark.docker
def test_the_next_test_sees_none_of_an_earlier_tests_files(app, tmp_path: Path) -> None:
    require_sandbox()
    files = package(**{
        "data/secret/01.ans": "data.txt\n",
        "data/secret/02.ans": "data.txt unused.bin\n",
        "data/secret/03.in": "",
        "data/secret/03.ans": "empty\n",
        "submissions/accepted/reads.py": LISTS,
        "submissions/run_time_error/stdin.py": READS_STDIN,
    })  # fmt: skip
    files["data/sample/1.ans"] = "data.txt\n"
    challenge = import_package(write_tree(tmp_path / "lists", files)).challenge
    outcome = judge.judge_source(challenge, "python3", LISTS)
    assert [t.verdict for t in outcome.tests] == ["AC"] * 4, outcome.tests


MARKERS = ("SECRET-FILES-TWO", "SECRET-INPUT-TWO", "SECRET-ANSWER")
# Looks through every place a judge might have left data for the other test's files and input
# and any expected answer; reports what it found on stderr (kept in the test's log).
# The markers are written backwards: its own source must not match.
HUNTS = """import os, sys
markers = [m[::-1] for m in BACKWARDS]
found = []
def look(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read(1 << 20)
    except OSError:
        return
    found.extend(m + " in " + path for m in markers if m.encode() in data)
for top in ("/box", "/tmp", "/var", "/run", "/dev/shm", "/home", "/root", "/opt", "/mnt",
            "/srv", "/etc", "/"):
    for folder, subdirs, names in os.walk(top):
        if top == "/":
            subdirs[:] = []
        for name in names:
            look(os.path.join(folder, name))
for fd in range(3, 64):
    look("/proc/1/fd/%d" % fd)
    look("/proc/self/fd/%d" % fd)
print("FOUND " + "; ".join(found) if found else "clean", file=sys.stderr)
print(open("data.txt").read().split()[0])
""".replace("BACKWARDS", repr([m[::-1] for m in MARKERS]))


@pytest.mark.docker
def test_a_hostile_program_finds_no_other_tests_files_nor_any_answer(app, tmp_path) -> None:
    require_sandbox()
    files = {
        "problem.yaml": PROBLEM,
        "statement/problem.en.md": "Echo the first word of data.txt.\n",
        "data/sample/1.in": "",
        "data/sample/1.files/data.txt": "own\n",
        "data/sample/1.ans": "own SECRET-ANSWER-0\n",
        "data/secret/01.in": "",
        "data/secret/01.files/data.txt": "own\n",
        "data/secret/01.ans": "own SECRET-ANSWER-1\n",
        "data/secret/02.in": "SECRET-INPUT-TWO\n",
        "data/secret/02.files/data.txt": "SECRET-FILES-TWO\n",
        "data/secret/02.ans": "SECRET-FILES-TWO SECRET-ANSWER-2\n",
        "submissions/accepted/any.py": "print('never judged here')\n",
    }
    challenge = import_package(write_tree(tmp_path / "hunt", files)).challenge
    outcome = judge.judge_source(challenge, "python3", HUNTS, run_all=True)
    logs = {t.name: t.stderr for t in outcome.tests}
    assert logs["1"].strip() == "clean" and logs["01"].strip() == "clean", logs
    # Its own test's input and files are its to read: the hunt works.
    assert "SECRET-FILES-TWO in /box/run/data.txt" in logs["02"], logs
    assert "SECRET-ANSWER" not in logs["02"], logs
