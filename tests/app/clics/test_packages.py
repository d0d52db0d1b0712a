"""Contest packages: export then import gives the identical scoreboard, awards and state; the
deviations real CCSs write import with warnings; bad packages import nothing and say where."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.archives import Caps
from app.clics import importer, package_reader
from app.clics.package_reader import PackageError
from app.clics.roles import JURY, SPECTATOR
from app.clics.service import awards, collection, scoreboard, state_at
from app.extensions import db
from app.models import Round, Submission, utcnow
from tests.clics import check
from tests.factories import make_user


def _write(tmp_path: Path, files: dict[str, Any], name: str = "pkg") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for path, value in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(value if isinstance(value, str) else json.dumps(value, indent=1))
    return folder


def test_export_then_import_gives_the_same_board_awards_and_state(app, contest, runner, tmp_path):
    original = contest["round"]
    out = tmp_path / "contest.zip"
    result = runner.invoke(args=["contests", "export", str(original.id), str(out)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert {"contest.json", "teams.json", "submissions.json", "judgements.json", "state.json",
            "event-feed.ndjson"} <= set(names)  # fmt: skip
    package = zipfile.ZipFile(out)
    for name in ("teams", "problems", "submissions", "judgements", "clarifications", "awards"):
        check(name, json.loads(package.read(f"{name}.json")))
    for line in package.read("event-feed.ndjson").decode().splitlines():
        check("event-feed", json.loads(line))
    make_user(role="admin")
    result = runner.invoke(args=["contests", "import", str(out)])
    assert result.exit_code == 0, result.output
    copy = db.session.get(Round, int(result.output.split()[-1]))
    now = utcnow()
    # The same board, awards (group winners too) and state, by the same ids.
    for role in (JURY, SPECTATOR):
        assert scoreboard(copy, role, now) == scoreboard(original, role, now)
        assert awards(copy, role) == awards(original, role)
    assert state_at(copy, now) == state_at(original, now)
    groups = [g["id"] for g in collection(original, JURY, "groups", now)]
    assert len(groups) == 2
    for group in groups:
        assert scoreboard(copy, JURY, now, group) == scoreboard(original, JURY, now, group)
    for endpoint in ("teams", "groups", "organizations", "clarifications"):
        assert collection(copy, JURY, endpoint, now) == collection(original, JURY, endpoint, now)
    assert len(collection(copy, JURY, "clarifications", now)) == 3  # a question, its answer, a notice
    for endpoint in ("problems", "submissions", "judgements"):
        ids = [i["id"] for i in collection(original, JURY, endpoint, now)]
        assert [i["id"] for i in collection(copy, JURY, endpoint, now)] == ids
    assert copy.is_frozen_at(now) and copy.thawed_at is None
    sources = db.session.scalars(select(Submission.source).where(Submission.round_id == copy.id)).all()
    assert set(sources) == {""}  # recorded results, no sources


def _minimal(**changes: Any) -> dict[str, Any]:
    files: dict[str, Any] = {
        "contest.json": {"id": "x", "name": "Replay", "start_time": "2026-01-01T10:00:00.000+00:00",
                         "duration": "5:00:00.000", "scoreboard_freeze_duration": "1:00:00.000",
                         "scoreboard_type": "pass-fail", "penalty_time": 20},
        "judgement-types.json": [{"id": "AC", "name": "correct", "penalty": False, "solved": True},
                                 {"id": "WA", "name": "wrong", "penalty": True, "solved": False},
                                 {"id": "CE", "name": "compile", "penalty": False, "solved": False}],
        "problems.json": [{"id": "apples", "label": "A", "name": "Apples", "ordinal": 1, "test_data_count": 1},
                          {"id": "bananas", "label": "B", "name": "Bananas", "ordinal": 2, "test_data_count": 1}],
        "teams.json": [{"id": "t1", "name": "One", "label": "1"}, {"id": "t2", "name": "Two", "label": "2"}],
        "submissions.json": [
            {"id": "s1", "team_id": "t1", "problem_id": "apples", "language_id": "cpp",
             "time": "2026-01-01T10:10:00.000+00:00", "contest_time": "0:10:00.000", "files": []},
            {"id": "s2", "team_id": "t1", "problem_id": "apples", "language_id": "cpp",
             "time": "2026-01-01T10:30:00.000+00:00", "contest_time": "0:30:00.000", "files": []},
            {"id": "s3", "team_id": "t2", "problem_id": "bananas", "language_id": "cpp",
             "time": "2026-01-01T14:30:00.000+00:00", "contest_time": "4:30:00.000", "files": []}],
        "judgements.json": [
            {"id": "j1", "submission_id": "s1", "judgement_type_id": "WA",
             "start_time": "2026-01-01T10:10:01.000+00:00", "start_contest_time": "0:10:01.000"},
            {"id": "j2", "submission_id": "s2", "judgement_type_id": "AC",
             "start_time": "2026-01-01T10:30:01.000+00:00", "start_contest_time": "0:30:01.000"},
            {"id": "j3", "submission_id": "s3", "judgement_type_id": "AC",
             "start_time": "2026-01-01T14:30:01.000+00:00", "start_contest_time": "4:30:01.000"}],
        "state.json": {"started": "2026-01-01T10:00:00.000+00:00", "frozen": "2026-01-01T14:00:00.000+00:00",
                       "ended": "2026-01-01T15:00:00.000+00:00", "thawed": None, "finalized": None,
                       "end_of_updates": None},
    }  # fmt: skip
    files.update(changes)
    return files


def test_a_recorded_contest_imports_frozen_with_its_verdicts(app, tmp_path):
    owner = make_user(role="admin")
    done = importer.store(package_reader.read(_write(tmp_path, _minimal())), owner)
    round_ = done.round
    jury = scoreboard(round_, JURY, utcnow())
    public = scoreboard(round_, SPECTATOR, utcnow())
    # The package's own ids are the ones served.
    assert [(r["team_id"], r["score"]) for r in jury["rows"]] == [
        ("t1", {"num_solved": 1, "total_time": 50}), ("t2", {"num_solved": 1, "total_time": 270})]
    assert [p["problem_id"] for r in jury["rows"] for p in r["problems"]] == ["apples", "bananas"]
    # The package is frozen and not thawed: Two's post-freeze accept stays hidden.
    assert [(r["team_id"], r["score"]["num_solved"]) for r in public["rows"]] == [("t1", 1), ("t2", 0)]
    now = utcnow()
    assert [s["id"] for s in collection(round_, JURY, "submissions", now)] == ["s1", "s2", "s3"]
    assert {j["id"]: j["submission_id"] for j in collection(round_, JURY, "judgements", now)} == {
        "j1": "s1", "j2": "s2", "j3": "s3"}
    assert [a["id"] for a in awards(round_, JURY) if a["id"].startswith("first-to-solve")] == [
        "first-to-solve-apples", "first-to-solve-bananas"]
    assert round_.thawed_at is None and round_.freeze_at is not None


def test_the_deviations_of_real_feeds_import_with_warnings(app, tmp_path):
    owner = make_user(role="admin")
    contest = dict(_minimal()["contest.json"], penalty_time="0:20:00")
    base = _minimal()
    lines = [{"type": "contest", "id": None, "data": contest}]
    lines += [{"type": "judgement-types", "id": t["id"], "data": t} for t in base["judgement-types.json"]]
    for problem in base["problems.json"]:
        lines.append({"type": "problems", "id": problem["id"], "data": dict(problem, ordinal=problem["ordinal"] - 1)})
    lines += [{"type": "teams", "id": t["id"], "data": t} for t in base["teams.json"]]
    lines.append({"type": "teams", "id": "t3", "data": {"id": "t3", "name": "Gone", "label": "3"}})
    lines.append({"type": "teams", "id": "t3", "data": None})
    lines.append({"type": "accounts", "id": "a1", "data": {"id": "a1", "username": "x", "type": "spectator"}})
    lines.append({"type": "state", "id": None, "data": {"started": "2026-01-01T10:00:00.000+00:00"}})
    for sent in base["submissions.json"]:
        lines.append({"type": "submissions", "id": sent["id"], "data": {k: v for k, v in sent.items() if k != "files"}})
    # A judgement without a verdict, then the one that replaces it.
    lines.append({"type": "judgements", "id": "j0", "data": {"id": "j0", "submission_id": "s1",
                  "judgement_type_id": None, "start_time": "2026-01-01T10:10:00.500+00:00"}})
    lines += [{"type": "judgements", "id": j["id"], "data": j} for j in base["judgements.json"]]
    lines.append({"type": "state", "id": None, "data": {"frozen": "2026-01-01T14:00:00.000+00:00",
                                                        "ended": "2026-01-01T15:00:00.000+00:00"}})
    folder = _write(tmp_path, {"event-feed.ndjson": "".join(json.dumps(x) + "\n\n" for x in lines)})
    package = package_reader.read(folder)
    text = " ".join(package.warnings)
    for expected in ("RELTIME", "no files", "state event", "ordinals start at 0", "unknown account types",
                     "updated more than once or deleted", "1 without a verdict, replaced"):
        assert expected in text, (expected, package.warnings)
    round_ = importer.store(package, owner).round
    assert round_.penalty_minutes == 20 and len(round_.participants) == 2
    jury = scoreboard(round_, JURY, utcnow())
    assert [r["score"] for r in jury["rows"]] == [{"num_solved": 1, "total_time": 50},
                                                  {"num_solved": 1, "total_time": 270}]


def _rounds() -> int:
    return db.session.scalar(select(func.count(Round.id))) or 0


@pytest.mark.parametrize("change, message", [
    ({"submissions.json": _minimal()["submissions.json"] + [dict(_minimal()["submissions.json"][0], id="s9", team_id="nobody")]},
     r"submissions.json:\d+: submission 's9' names unknown team_id 'nobody'"),
    ({"teams.json": _minimal()["teams.json"] + [{"id": "t1", "name": "Again", "label": "9"}]},
     r"teams.json:\d+: duplicate id 't1'"),
    ({"teams.json": [_minimal()["teams.json"][0], dict(_minimal()["teams.json"][1], group_ids=["nowhere"])]},
     r"teams.json:\d+: team 't2' names unknown group_ids 'nowhere'"),
    ({"submissions.json": [dict(_minimal()["submissions.json"][0], time="2026-01-01T09:00:00.000+00:00")]
      + _minimal()["submissions.json"][1:]},
     r"submissions.json:\d+: submission 's1' comes before the contest starts"),
    ({"judgements.json": [dict(_minimal()["judgements.json"][0], start_time="2026-01-01T09:00:00.000+00:00")]},
     "starts before its submission"),
    ({"judgements.json": [dict(_minimal()["judgements.json"][0], end_time="2026-01-01T10:00:00.000+00:00")]},
     "ends before it starts"),
])  # fmt: skip
def test_a_bad_package_imports_nothing_and_says_where(app, runner, tmp_path, change, message):
    make_user(role="admin")
    before = _rounds()
    folder = _write(tmp_path, _minimal(**change))
    with pytest.raises(PackageError, match=message):
        package_reader.read(folder)
    result = runner.invoke(args=["contests", "import", str(folder)])
    assert result.exit_code != 0 and message.split(":")[0] in result.output
    assert _rounds() == before


def test_an_unsafe_zip_is_refused(app, tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("contest.json", json.dumps(_minimal()["contest.json"]))
        archive.writestr("../escape.json", "[]")
    path = tmp_path / "evil.zip"
    path.write_bytes(data.getvalue())
    with pytest.raises(PackageError, match="evil.zip"):
        package_reader.read(path)


def test_a_huge_file_is_refused_by_name(app, tmp_path, monkeypatch):
    monkeypatch.setattr(package_reader, "CAPS", Caps(package_bytes=1 << 20, total_bytes=1 << 20, file_bytes=4096))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("contest.json", json.dumps(_minimal()["contest.json"]))
        archive.writestr("submissions.json", " " * 5000)
    path = tmp_path / "big.zip"
    path.write_bytes(data.getvalue())
    with pytest.raises(PackageError, match="submissions.json: larger than 4096 bytes"):
        package_reader.read(path)


def test_groups_organizations_and_labels_are_kept_and_served(app, tmp_path, runner):
    files = _minimal()
    files["groups.json"] = [{"id": "uni", "name": "Universities"}, {"id": "hs", "name": "High schools"}]
    files["organizations.json"] = [{"id": "kth", "name": "KTH", "formal_name": "KTH Royal Institute"}]
    files["teams.json"] = [dict(files["teams.json"][0], label="T-1", group_ids=["uni"], organization_id="kth"),
                           dict(files["teams.json"][1], group_ids=["hs"])]
    round_ = importer.store(package_reader.read(_write(tmp_path, files)), make_user(role="admin")).round
    now = utcnow()
    teams = collection(round_, JURY, "teams", now)
    assert [(t["id"], t["label"], t["group_ids"], t.get("organization_id")) for t in teams] == [
        ("t1", "T-1", ["uni"], "kth"), ("t2", "2", ["hs"], None)]
    assert [g["id"] for g in collection(round_, SPECTATOR, "groups", now)] == ["uni", "hs"]
    assert collection(round_, SPECTATOR, "organizations", now) == [
        {"id": "kth", "name": "KTH", "formal_name": "KTH Royal Institute"}]
    for endpoint in ("teams", "groups", "organizations"):
        check(endpoint, collection(round_, SPECTATOR, endpoint, now))
    # A group's board ranks its teams alone; each group has its winner.
    assert [r["team_id"] for r in scoreboard(round_, JURY, now, "hs")["rows"]] == ["t2"]
    winners = {a["id"]: a["team_ids"] for a in awards(round_, JURY) if a["id"].startswith("group-winner-")}
    assert winners == {"group-winner-hs": ["t2"], "group-winner-uni": ["t1"]}
    # The CLI prints what the API serves, by the package's ids.
    for flags, role, group in (([], JURY, None), (["--public"], SPECTATOR, None), (["--group", "hs"], JURY, "hs")):
        printed = json.loads(runner.invoke(args=["contests", "scoreboard", str(round_.id), *flags]).output)
        served = scoreboard(round_, role, utcnow(), group)
        for board in (printed, served):
            board.pop("time"), board.pop("contest_time")
        assert printed == served
    printed = json.loads(runner.invoke(args=["contests", "awards", str(round_.id)]).output)
    assert printed == awards(round_, JURY)


def test_submissions_with_sources_are_judged_when_the_host_asks(app, runner, tmp_path):
    from app.models import Judgement

    make_user(role="admin")
    files = _minimal()
    files["submissions/s2/files/main.cpp"] = "int main() { return 0; }\n"
    folder = _write(tmp_path, files)
    result = runner.invoke(args=["contests", "import", str(folder), "--judge"])
    assert result.exit_code == 0, result.output
    assert "queued 1 submissions" in result.output
    round_id = int(result.output.split()[-1])
    sent = db.session.scalars(select(Submission).where(Submission.round_id == round_id)).all()
    judged = {s.source: [j.status for j in s.judgements] for s in sent}
    assert judged["int main() { return 0; }\n"] == ["done", "queued"]
    queued = db.session.scalars(select(Judgement).where(Judgement.status == "queued")).all()
    assert len(queued) == 1 and queued[0].enqueued_at is not None


def test_kattis_problems_go_through_the_problem_importer_and_a_failure_keeps_nothing(app, tmp_path):
    from app.models import Challenge
    from tests.app.packages.builders import legacy_package

    owner = make_user(role="admin")
    files = _minimal()
    for name, content in legacy_package().items():
        files[f"problems/apples/{name}"] = content if isinstance(content, str) else content.decode("latin-1")
    round_ = importer.store(package_reader.read(_write(tmp_path, files)), owner).round
    apples = next(p for p in round_.problems if p.label == "A")
    assert apples.challenge.title == "Add Two Numbers" and len(apples.challenge.tests) >= 3
    challenges = db.session.scalar(select(func.count(Challenge.id)))
    # A package whose contest part fails after its problem imported leaves no challenge behind.
    broken = dict(files)
    broken["problems.json"] = [dict(p, label="A") for p in files["problems.json"]]  # one label twice
    folder = _write(tmp_path, broken, name="broken")
    with pytest.raises(PackageError, match="label 'A' twice"):
        importer.store(package_reader.read(folder), owner)
    assert db.session.scalar(select(func.count(Challenge.id))) == challenges
    assert db.session.scalar(select(func.count(Round.id))) == 1


def test_clarification_ids_are_kept_and_the_jury_replies_by_them(app, tmp_path):
    from app.auth.service import create_token
    from tests.app.clics.conftest import basic

    files = _minimal()
    files["clarifications.json"] = [
        {"id": "c1", "from_team_id": "t1", "to_team_id": None, "reply_to_id": None, "problem_id": "apples",
         "text": "Is N > 0?", "time": "2026-01-01T10:20:00.000+00:00", "contest_time": "0:20:00.000"}]  # fmt: skip
    owner = make_user(role="admin")
    round_ = importer.store(package_reader.read(_write(tmp_path, files)), owner).round
    asked = collection(round_, JURY, "clarifications", utcnow())
    assert [(c["id"], c["from_team_id"], c["problem_id"]) for c in asked] == [("c1", "t1", "apples")]
    client = app.test_client()
    response = client.post(f"/api/v1/contests/{round_.id}/clarifications", headers=basic(owner.email, create_token(owner)),
                           json={"text": "Yes.", "reply_to_id": "c1", "to_team_id": "t1"})  # fmt: skip
    assert response.status_code == 201, response.get_json()
    check("clarification", response.get_json())
    assert response.get_json()["reply_to_id"] == "c1" and response.get_json()["to_team_id"] == "t1"


def _with_program(files: dict[str, Any], program: dict[str, str], entry: str | None) -> dict[str, Any]:
    """The minimal package with s1 a Python program of these files (and entry point)."""
    sent = [dict(s, language_id="python3", entry_point=entry) if s["id"] == "s1" else s
            for s in files["submissions.json"]]  # fmt: skip
    return {**files, "submissions.json": sent,
            **{f"submissions/s1/files/{name}": text for name, text in program.items()}}  # fmt: skip


def test_an_imported_program_of_several_files_is_checked_and_starts_at_its_entry_point(app, tmp_path):
    owner = make_user(role="admin")
    program = {"solve.py": "import helper\nhelper.run()\n", "helper.py": "def run():\n    pass\n"}
    folder = _write(tmp_path, _with_program(_minimal(), program, "solve.py"))
    round_ = importer.store(package_reader.read(folder), owner).round
    sent = db.session.scalars(select(Submission).where(Submission.round_id == round_.id,
                                                       Submission.external_id == "s1")).one()  # fmt: skip
    assert (sent.source_name, sent.source) == ("solve.py", program["solve.py"])
    assert sent.other_files == {"helper.py": program["helper.py"]}
    rounds = _rounds()
    bad = {
        "main.py": {**program, "main.py": "print(1)\n"},  # the name the judge saves solve.py as
        "sub/x.py": {**program, "sub/x.py": "x = 1\n"},  # not a plain file name
        "11 files": {**program, **{f"m{i}.py": "x = 1\n" for i in range(9)}},
    }
    for i, (what, files) in enumerate(bad.items()):
        folder = _write(tmp_path, _with_program(_minimal(), files, "solve.py"), name=f"bad{i}")
        with pytest.raises(PackageError, match="s1") as refused:
            importer.store(package_reader.read(folder), owner)
        assert what.split()[0] in str(refused.value) or "11" in str(refused.value), str(refused.value)
        assert _rounds() == rounds
