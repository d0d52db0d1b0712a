"""Interactive problems in the real sandbox: the interactor beside the submission (2025-09,
and legacy `validation: custom interactive` and the 2023-07 draft's `type: interactive`)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from app.errors import ValidationError
from app.extensions import db
from app.judging import runner as judge
from app.packages import export_package, import_package
from tests.app.packages.builders import write_tree
from tests.app.packages.builders2025 import (
    INTERACTOR,
    PY_HANG,
    PY_ONES,
    PY_ROUNDS,
    PY_ROUNDS_HANG,
    PY_ROUNDS_WRONG,
    PY_SEARCH,
    SAMPLE_INTERACTION,
    draft_interactive_package,
    interactive_multipass_package,
    interactive_package,
    legacy_interactive_package,
)
from tests.factories import make_user
from tests.worker.judge_support import require_sandbox


def _challenge(tmp_path: Path, slug: str = "guess", **extra: str | bytes):
    files = interactive_package(**extra)
    return import_package(write_tree(tmp_path / slug, files)).challenge


def test_interactive_needs_its_interactor(app, tmp_path: Path) -> None:
    files = interactive_package()
    del files["output_validator/interactor.py"]
    with pytest.raises(ValidationError, match="an interactive problem needs an output validator"):
        import_package(write_tree(tmp_path / "nope", files))


def test_the_statement_shows_the_samples_interaction(app, client, auth, tmp_path: Path) -> None:
    """A sample's .interaction is kept, shown instead of its input and output (which are the
    interactor's: 42 is the secret number) and exported back (2025-09 "Sample data")."""
    challenge = _challenge(tmp_path)
    challenge.published = True
    db.session.commit()
    kept = interactive_package()["data/sample/1.interaction"]
    shown = "".join(
        f'<span class="from-{"judge" if line[0] == "<" else "program"}">'
        f"{line.replace('<', '&lt;').replace('>', '&gt;')}\n</span>"
        for line in str(kept).splitlines()
    )
    auth.login(make_user().email)
    for url in ("/challenges/guess", "/solve/guess"):
        page = client.get(url).get_data(as_text=True)
        assert f'aria-label="Interaction">{shown}</pre>' in page, url
        assert "<h4>Output</h4>" not in page and "<h4>Input</h4>" not in page
    with zipfile.ZipFile(io.BytesIO(export_package(challenge))) as archive:
        assert archive.read("guess/data/sample/1.interaction").decode() == kept


def test_an_interactive_sample_without_interaction_shows_no_input_or_output(
    app, client, tmp_path: Path
) -> None:
    files = interactive_package()
    del files["data/sample/1.interaction"]
    challenge = import_package(write_tree(tmp_path / "bare", files)).challenge
    challenge.published = True
    db.session.commit()
    page = client.get("/challenges/bare").get_data(as_text=True)
    assert "An interactive sample" in page
    assert "sample-output" not in page and "42\n</pre>" not in page


def test_an_interaction_without_its_test_case_is_left_out(app, tmp_path: Path) -> None:
    files = interactive_package(**{"data/sample/2.interaction": ">1\n<higher\n"})
    result = import_package(write_tree(tmp_path / "orphan", files))
    assert "data/sample/2.interaction: no test case data/sample/2.in, so not used" in (
        result.warnings
    )
    assert "data/sample/2.interaction" not in {kept.path for kept in result.challenge.files}


@pytest.mark.docker
def test_verdicts_and_the_sample_transcript(app, tmp_path: Path) -> None:
    require_sandbox()
    challenge = _challenge(tmp_path)
    assert challenge.is_interactive()
    accepted = judge.judge_source(challenge, "python3", PY_SEARCH)
    assert accepted.verdict == "AC", accepted.tests
    # The sample's transcript as a .interaction file writes it (2025-09 "Sample data"): `<`
    # what the judge (the interactor) said, `>` what the program sent.
    assert accepted.tests[0].output == "> 50\n< lower\n> 25\n< higher\n> 37\n< higher\n" + (
        "> 43\n< lower\n> 40\n< higher\n> 41\n< higher\n> 42\n< correct\n"
    )
    wrong = judge.judge_source(challenge, "python3", PY_ONES)
    assert (wrong.verdict, wrong.tests[0].message) == ("WA", "too many guesses")
    crash = judge.judge_source(challenge, "python3", "print(50, flush=True)\nraise SystemExit(3)\n")
    assert crash.verdict == "WA"  # the interactor's rejection explains it: "no guess"
    assert crash.tests[0].message == "no guess"


@pytest.mark.docker
def test_nobody_waits_forever(app, tmp_path: Path) -> None:
    """A program that stops reading, or an interactor that hangs, ends within the limits."""
    require_sandbox()
    challenge = _challenge(tmp_path)
    started = time.monotonic()
    hang = judge.judge_source(challenge, "python3", PY_HANG)
    assert hang.verdict == "TLE"
    # A program that floods its output and never reads its input: the interactor gives up,
    # the flood ends at the output limit, nothing blocks.
    flood = judge.judge_source(challenge, "python3", "while True:\n    print(1000000)\n")
    assert flood.verdict in ("WA", "OLE"), flood.tests
    stuck = _challenge(
        tmp_path,
        "stuck",
        **{"output_validator/interactor.py": "import time\ninput()\ntime.sleep(100)\n"},
    )
    exits = judge.judge_source(stuck, "python3", "print(50, flush=True)\n")
    assert exits.verdict == "IE"
    assert "The interactor failed" in exits.tests[0].message
    # Each waited at most for the wall limits (3 s for the program, 5 s more for the
    # interactor), never for the sleeps (100 s).
    assert time.monotonic() - started < 90


@pytest.mark.docker
def test_verify_an_interactive_package(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    _challenge(tmp_path)
    result = runner.invoke(args=["problems", "verify", "guess"])
    assert result.exit_code == 0, result.output
    assert "ok time_limit_exceeded/hang.py (python3): got TLE" in result.output
    assert INTERACTOR  # the interactor is the package's output validator


def _rounds(tmp_path: Path, slug: str = "rounds", passes: int = 2, **extra: str | bytes):
    files = interactive_multipass_package(passes, **extra)
    return import_package(write_tree(tmp_path / slug, files)).challenge


def test_interactive_multipass_imports(app, tmp_path: Path) -> None:
    challenge = _rounds(tmp_path)
    assert challenge.is_interactive()
    assert challenge.validation_passes() == 2
    assert challenge.package_meta["type"] == ["interactive", "multi-pass"]


@pytest.mark.docker
def test_interactive_passes_chain_through_nextpass(app, runner, tmp_path: Path) -> None:
    """Pass 2's secret comes from pass 1's nextpass.in; the feedback dir stays, the
    submission's working dir does not (PY_ROUNDS gives up if its pass 1 file is still there)."""
    require_sandbox()
    challenge = _rounds(tmp_path)
    accepted = judge.judge_source(challenge, "python3", PY_ROUNDS)
    assert [t.verdict for t in accepted.tests] == ["AC", "AC", "AC"], accepted.tests
    # 7 -> 7 * 37 % 100 + 1 = 60; 100 -> 1; judgemessage.txt grew across the passes.
    assert accepted.tests[1].message == "round 1: 7 in 6;round 2: 60 in 6;"
    assert accepted.tests[2].message == "round 1: 100 in 7;round 2: 1 in 6;"
    # The sample's transcript shows both passes, split by `---` as in a .interaction file.
    transcript = accepted.tests[0].output
    assert transcript.startswith("< 1\n> 50\n< lower\n")
    assert "< correct\n---\n< 2\n> 50\n" in transcript and transcript.endswith("< correct\n")
    wrong = judge.judge_source(challenge, "python3", PY_ROUNDS_WRONG)
    assert wrong.verdict == "WA"
    assert wrong.tests[0].message == "Pass 2: round 1: 42 in 7;too many guesses"
    hang = judge.judge_source(challenge, "python3", PY_ROUNDS_HANG)
    assert hang.verdict == "TLE"
    assert hang.tests[0].message.startswith("Pass 2:")
    result = runner.invoke(args=["problems", "verify", "rounds"])
    assert result.exit_code == 0, result.output
    assert "ok time_limit_exceeded/hang.py (python3): got TLE" in result.output


@pytest.mark.docker
def test_interactive_passes_beyond_the_limit_are_a_judge_error(app, tmp_path: Path) -> None:
    require_sandbox()
    challenge = _rounds(tmp_path, "three", **{"data/secret/2.ans": "3\n"})
    outcome = judge.judge_source(challenge, "python3", PY_ROUNDS, run_all=True)
    assert [t.verdict for t in outcome.tests] == ["AC", "AC", "IE"], outcome.tests
    assert "asked for pass 3, more than the problem's validation_passes (2)" in (
        outcome.tests[2].message
    )
    # Allowed three passes, the same test passes.
    roomy = _rounds(tmp_path, "roomy", passes=3, **{"data/secret/2.ans": "3\n"})
    assert judge.judge_source(roomy, "python3", PY_ROUNDS).verdict == "AC"


def _exported(challenge) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(export_package(challenge))) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_legacy_and_draft_interactive_problems_import_and_export_as_they_came(
    app, tmp_path: Path
) -> None:
    """Most archive problems are legacy: their interactor is output_validators/' program, its
    flags validator_flags; an export writes them back in the package's own format."""
    legacy = import_package(write_tree(tmp_path / "oldguess", legacy_interactive_package()))
    challenge = legacy.challenge
    assert challenge.is_interactive()
    assert challenge.package_meta["type"] == ["pass-fail", "interactive"]
    assert (challenge.checker, challenge.checker_options) == ("custom", {"args": ["7"]})
    assert "data/sample/1.interaction" in {f.path for f in challenge.files}
    files = _exported(challenge)
    problem = yaml.safe_load(files["problem.yaml"])
    assert "problem_format_version" not in problem and "type" not in problem
    assert (problem["validation"], problem["validator_flags"]) == ("custom interactive", "7")
    assert b"limit = int(sys.argv[4])" in files["output_validators/validator/validator.py"]
    assert files["data/sample/1.interaction"] == SAMPLE_INTERACTION.encode()

    draft = import_package(write_tree(tmp_path / "draftguess", draft_interactive_package()))
    assert draft.challenge.is_interactive()
    assert draft.challenge.package_meta["type"] == ["interactive"]
    problem = yaml.safe_load(_exported(draft.challenge)["problem.yaml"])
    assert (problem["problem_format_version"], problem["type"]) == ("2023-07-draft", "interactive")

    without = legacy_interactive_package()
    del without["output_validators/guess/guess.py"]
    with pytest.raises(ValidationError, match="output_validators/: validation is custom"):
        import_package(write_tree(tmp_path / "nointeractor", without))


@pytest.mark.docker
def test_a_legacy_interactive_package_is_judged_and_verified(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    challenge = import_package(
        write_tree(tmp_path / "oldguess", legacy_interactive_package())
    ).challenge
    accepted = judge.judge_source(challenge, "python3", PY_SEARCH)
    assert accepted.verdict == "AC", accepted.tests
    # validator_flags reached the interactor: 7 guesses allowed, 7 found in 6 of them.
    assert [t.message for t in accepted.tests] == ["7 of 7", "6 of 7", "7 of 7"]
    assert accepted.tests[0].output.startswith("> 50\n< lower\n")  # the solve page's transcript
    wrong = judge.judge_source(challenge, "python3", PY_ONES)
    assert (wrong.verdict, wrong.tests[0].message) == ("WA", "too many guesses")
    result = runner.invoke(args=["problems", "verify", "oldguess"])
    assert result.exit_code == 0, result.output
    assert "ok accepted/search.py (python3): expected AC, got AC" in result.output
    assert "ok wrong_answer/ones.py (python3): expected WA, got WA" in result.output
