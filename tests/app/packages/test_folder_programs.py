"""Folder programs (several files, one submission) and include/ files, 2025-09."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.judging import runner as judge
from app.models import ReferenceSolution
from app.packages import import_package
from tests.app.packages.builders import write_tree
from tests.app.packages.builders2025 import folders_package
from tests.worker.judge_support import require_sandbox
from worker.languages import get_language
from worker.plan import with_includes


def test_the_other_sources_are_compiled_with_the_main_one() -> None:
    c = get_language("c")
    argv = c.compile_command("int main(){}", ("add.c", "add.h"))
    assert argv is not None and argv[argv.index("main.c") + 1] == "add.c"
    assert "add.h" not in argv
    python = get_language("python3")
    assert python.run_command("", 256) == ["/usr/bin/python3", "-I", "/box/build/main.py"]
    assert python.run_command("", 256, with_files=True)[-2:] == ["/box/build", "/box/build/main.py"]


def test_folder_programs_are_imported_with_their_entry_point(app, tmp_path: Path) -> None:
    result = import_package(write_tree(tmp_path / "folders", folders_package()))
    challenge = result.challenge
    rows = db.session.scalars(
        select(ReferenceSolution).where(ReferenceSolution.challenge_id == challenge.id)
    )
    by_name = {row.name: row for row in rows}
    assert by_name["accepted/two_files"].source.startswith("from util import add")
    assert by_name["accepted/named"].source == "import helper\nhelper.run()\n"  # entrypoint
    assert by_name["accepted/split"].language == "c"
    assert by_name["run_time_error/not_defined"].expected_verdict == "RE"
    kept = {f.path for f in challenge.files}
    assert {"submissions/accepted/split/add.c", "submissions/accepted/named/helper.py"} <= kept
    assert not [w for w in result.warnings if "skipped" in w], result.warnings


@pytest.mark.docker
def test_folder_programs_and_include_files_are_judged(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    challenge = import_package(write_tree(tmp_path / "folders", folders_package())).challenge
    result = runner.invoke(args=["problems", "verify", "folders"])
    assert result.exit_code == 0, result.output
    for name in ("accepted/two_files", "accepted/named", "accepted/split"):
        assert f"ok {name} (" in result.output
    assert "ok run_time_error/not_defined (python3): got RE" in result.output
    # A student's C submission gets include/c/ beside it (the constant substituted).
    uses = '#include <stdio.h>\n#include "limits_hint.h"\nint main(void){long a,b;scanf("%ld %ld",&a,&b);printf("%ld\\n",(a+b)%(LIMIT+1L));}\n'
    assert judge.judge_source(challenge, "c", uses).verdict == "AC"


# A driver: include/<language>/ holds the language's main file, which calls the student's add.
CPP_DRIVER = (
    "#include <cstdio>\nlong add(long a, long b);\n"
    'int main() { long a, b; std::scanf("%ld %ld", &a, &b); std::printf("%ld\\n", add(a, b)); }\n'
)
PY_DRIVER = "from solution import add\n\na, b = map(int, input().split())\nprint(add(a, b))\n"
CPP_ADD = "long add(long a, long b) { return a + b; }\n"
PY_ADD = "def add(a, b):\n    return a + b\n"


def driver_package(legacy: bool = False) -> dict[str, str | bytes]:
    """Students write add(a, b); the driver in include/ reads the input and prints the sum."""
    yaml = "name: Add With a Driver\n"
    if not legacy:
        yaml = (
            "problem_format_version: 2025-09\n"
            + yaml
            + ("uuid: 3f0c2d6e-8b1a-4c5d-9e7f-1a2b3c4d5e6f\nlimits:\n  time_limit: 2\n")
        )
    return {
        "problem.yaml": yaml,
        ("problem_statement" if legacy else "statement") + "/problem.en.md": "Write `add`.\n",
        "data/sample/1.in": "1 2\n",
        "data/sample/1.ans": "3\n",
        "data/secret/1.in": "40 2\n",
        "data/secret/1.ans": "42\n",
        "include/cpp/main.cpp": CPP_DRIVER,
        "include/python3/main.py": PY_DRIVER,
        "submissions/accepted/solution.py": PY_ADD,
        "submissions/accepted/add.cpp": CPP_ADD,
        "submissions/wrong_answer/solution.py": PY_ADD.replace("a + b", "a - b"),
    }


def test_an_included_main_file_is_the_driver(app, tmp_path: Path) -> None:
    """The format's "Included files": the included file wins a name collision, and a driver
    has the language's main file name; the student's code is kept beside it, by its name."""
    challenge = import_package(write_tree(tmp_path / "driver", driver_package())).challenge
    main, beside = with_includes(challenge, "python3", PY_ADD, None)
    assert (main, beside) == (PY_DRIVER, {"solution.py": PY_ADD.encode()})
    # A student's file named as the driver is renamed, not dropped; another name is kept.
    assert with_includes(challenge, "python3", PY_ADD, None, "main.py")[1] == beside
    assert with_includes(challenge, "cpp", CPP_ADD, None, "adder.cpp") == (
        CPP_DRIVER,
        {"adder.cpp": CPP_ADD.encode()},
    )
    assert with_includes(challenge, "c", "int main(){}", None) == ("int main(){}", None)
    # Legacy packages have include/ too (they were left out).
    legacy = import_package(write_tree(tmp_path / "olddriver", driver_package(legacy=True)))
    assert {"include/cpp/main.cpp", "include/python3/main.py"} <= {
        f.path for f in legacy.challenge.files
    }
    assert not [w for w in legacy.warnings if w.startswith("include")], legacy.warnings


@pytest.mark.docker
def test_a_driver_calls_the_students_function(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    challenge = import_package(write_tree(tmp_path / "driver", driver_package())).challenge
    cpp = judge.judge_source(challenge, "cpp", CPP_ADD)
    assert cpp.verdict == "AC", cpp.compile_output
    assert judge.judge_source(challenge, "python3", PY_ADD).verdict == "AC"
    assert judge.judge_source(challenge, "python3", PY_ADD.replace("+", "*")).verdict == "WA"
    # A student's own main collides with the driver's: the driver is the program.
    both = judge.judge_source(challenge, "cpp", CPP_ADD + "int main() { return 0; }\n")
    assert both.verdict == "CE"
    result = runner.invoke(args=["problems", "verify", "driver"])
    assert result.exit_code == 0, result.output
    assert "ok accepted/add.cpp (cpp): got AC" in result.output
    legacy = import_package(write_tree(tmp_path / "olddriver", driver_package(legacy=True)))
    assert judge.judge_source(legacy.challenge, "cpp", CPP_ADD).verdict == "AC"
