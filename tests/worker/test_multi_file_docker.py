"""A real worker judges programs of several files sent through the JSON API."""

from __future__ import annotations

import pytest

from app.auth.service import create_token
from app.extensions import db
from app.models import Judgement, Submission
from tests.factories import make_challenge, make_user
from tests.support.polling import wait_for
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

pytestmark = pytest.mark.docker

TESTS = [("1 2\n", "3\n"), ("40 2\n", "42\n")]
ADD_H = "#pragma once\nlong long add(long long a, long long b);\n"
ADD_CPP = '#include "add.h"\nlong long add(long long a, long long b) { return a + b; }\n'
SOLVE_CPP = (
    '#include <iostream>\n#include "add.h"\n'
    "int main() { long long a, b; std::cin >> a >> b; std::cout << add(a, b) << '\\n'; }\n"
)
MAIN_PY = "from helper import add\nprint(add(*map(int, input().split())))\n"


@pytest.fixture
def env(app, stack, tmp_path):
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    return worker_env(stack, tmp_path / "blobs")


def judged(client, env, tmp_path, language: str, files: dict[str, str]) -> Judgement:
    challenge = make_challenge(TESTS, stop_on_first_failure=False)
    headers = {"Authorization": f"Bearer {create_token(make_user())}"}
    body = {"challenge": challenge.slug, "language": language,
            "files": [{"name": n, "content": c} for n, c in files.items()]}  # fmt: skip
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    judgement_id = response.get_json()["judgement"]["id"]

    def finished() -> bool:
        db.session.remove()
        return db.session.get(Judgement, judgement_id).is_finished

    with worker_process(env, tmp_path / "worker.log"):
        wait_for(finished, 90, "the verdict")
    return db.session.get(Judgement, judgement_id)


def test_a_three_file_cpp_program_is_accepted(client, env, tmp_path):
    judgement = judged(
        client, env, tmp_path, "cpp", {"add.h": ADD_H, "add.cpp": ADD_CPP, "solve.cpp": SOLVE_CPP}
    )
    assert (judgement.verdict, judgement.score) == ("AC", 100), judgement.compile_output
    assert db.session.get(Submission, judgement.submission_id).source_name == "solve.cpp"


def test_a_cpp_program_missing_its_helper_does_not_compile(client, env, tmp_path):
    judgement = judged(client, env, tmp_path, "cpp", {"add.h": ADD_H, "solve.cpp": SOLVE_CPP})
    assert judgement.verdict == "CE"
    assert "add" in judgement.compile_output


def test_a_two_file_python_program_is_accepted_and_fails_without_its_helper(
    client, env, tmp_path
):
    both = judged(
        client, env, tmp_path, "python3",
        {"main.py": MAIN_PY, "helper.py": "def add(a, b):\n    return a + b\n"},
    )  # fmt: skip
    assert both.verdict == "AC"
    alone = judged(client, env, tmp_path, "python3", {"main.py": MAIN_PY, "notes.txt": "hi\n"})
    assert alone.verdict == "RE"
    assert [r.verdict for r in alone.test_results][0] == "RE"


def test_a_two_file_java_program_is_accepted(client, env, tmp_path):
    main = (
        "import java.util.Scanner;\npublic class Solution {\n"
        "  public static void main(String[] args) {\n    Scanner in = new Scanner(System.in);\n"
        "    System.out.println(Adder.add(in.nextLong(), in.nextLong()));\n  }\n}\n"
    )
    adder = "class Adder {\n  static long add(long a, long b) { return a + b; }\n}\n"
    judgement = judged(
        client, env, tmp_path, "java", {"Solution.java": main, "Adder.java": adder}
    )
    assert judgement.verdict == "AC", judgement.compile_output
