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
