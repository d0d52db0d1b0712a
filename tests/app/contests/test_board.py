"""The live board on real stores: verdicts update the cache incrementally (equal to a rebuild),
the freeze holds on every output a spectator or another participant can reach, thaw and the
resolver end at the final board, and the CLICS scoreboard has the spec's shape."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.auth.service import create_token
from app.channels import contest_channel
from app.contests import state
from app.contests.sockets import _Watch
from app.courses.service import sections, set_section
from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.live import publish
from app.models import Round, ScoreRow, Submission, TestGroup, User, utcnow
from app.scoring import boards, cache, marks
from app.scoring.freeze import PUBLIC, STAFF, Viewer
from app.scoring.live import changed
from app.submissions.service import create_submission
from app.submissions.staff import override_verdict
from tests.app.live.wsclient import connect, receive, receive_until
from tests.conftest import AuthActions
from tests.factories import enroll, make_challenge, make_course, make_round, make_user

GOOD = "print(sum(map(int, input().split())))\n"


def judge(submission, verdict: str) -> None:
    judgement = submission.judgements[-1]
    service.start_attempt(judgement.id, "test-worker")
    service.record_result(judgement.id, JudgeOutcome(verdict, 100.0 if verdict == "AC" else 0.0))


@pytest.fixture
def contest(app):
    """Three teams, two problems; a freeze 30 minutes ago. Before it: Ada solves A, Bob fails
    A. After it: Bob solves B (the hidden result)."""
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    problems = [make_challenge(owner_id=teacher.id, title=t) for t in ("Apples", "Bananas")]
    now = utcnow()
    round_ = make_round(teacher, problems, starts_at=now - timedelta(hours=2),
                        ends_at=now + timedelta(hours=1), freeze_at=now - timedelta(minutes=30))  # fmt: skip
    ada, bob, cy = make_user(name="Ada"), make_user(name="Bob"), make_user(name="Cy")
    with time_machine.travel((now - timedelta(hours=1)).replace(tzinfo=UTC), tick=False):
        judge(create_submission(ada, problems[0], "python3", GOOD, round_=round_), "AC")
        judge(create_submission(bob, problems[0], "python3", GOOD, round_=round_), "WA")
        create_submission(cy, problems[0], "python3", GOOD, round_=round_)  # left judging
    late = create_submission(bob, problems[1], "python3", GOOD, round_=round_)
    judge(late, "AC")
    return {"round": round_, "teacher": teacher, "ada": ada, "bob": bob, "cy": cy, "late": late}


def cells(round_, viewer) -> dict[tuple[str, str], tuple]:
    seen = boards.seen_board(round_, viewer)
    return {
        (seen.names[pid], label): (c.solved, c.judged, c.pending)
        for (pid, label), c in seen.board.cells.items()
    }


def cached(round_id: int) -> dict:
    """The score cache as stored: every row's cells and totals, every problem's counts."""
    db.session.expire_all()
    rows = {(r.participant_id, r.audience): (r.data, cache.totals_of(r))
            for r in db.session.scalars(select(ScoreRow).where(ScoreRow.round_id == round_id))}  # fmt: skip
    round_ = db.session.get(Round, round_id)
    return {
        "rows": rows,
        "counts": {p.label: p.counts for p in round_.problems},
        "firsts": {p.label: p.firsts for p in round_.problems},
    }


def test_the_jury_sees_every_result_and_the_public_the_frozen_board(contest):
    round_ = contest["round"]
    jury, public = cells(round_, STAFF), cells(round_, PUBLIC)
    assert jury[("Bob", "B")] == (True, 1, 0)
    assert public[("Bob", "B")] == (False, 0, 1)  # after the freeze: pending, count only
    assert jury[("Ada", "A")] == public[("Ada", "A")] == (True, 1, 0)
    assert jury[("Cy", "A")] == (False, 0, 1)
    bob = next(p for p in round_.participants if p.name == "Bob")
    own = cells(round_, Viewer("participant", bob.id))
    assert own[("Bob", "B")] == (True, 1, 0)  # a team sees its own results
    ranks = {s.name: s.rank for s in boards.seen_board(round_, STAFF).board.standings}
    assert ranks["Ada"] == ranks["Bob"] or ranks["Bob"] < ranks["Cy"]


def test_the_incremental_cache_equals_a_rebuild(contest):
    round_ = contest["round"]
    override_verdict(contest["teacher"], contest["late"].id, "WA", "wrong after all")
    incremental = cached(round_.id)
    cache.rebuild(db.session.get(Round, round_.id))
    db.session.commit()
    assert cached(round_.id) == incremental
    assert cells(round_, STAFF)[("Bob", "B")] == (False, 1, 0)


def public_outputs(client, values: dict) -> dict[str, str]:
    """Every GET route that these values fill in (the round's, its problems', the hidden
    submission's), as the signed-in client gets it."""
    outputs = {}
    for rule in client.application.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.arguments or not rule.arguments <= set(values):
            continue
        if rule.endpoint.endswith("socket") or rule.endpoint == "static":
            continue
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        response = client.get(url)
        if response.status_code == 200:
            outputs[rule.endpoint] = _stable(response.get_data(as_text=True))
    return outputs


def _stable(text: str) -> str:
    """A response without what differs between two identical requests (times, tokens)."""
    text = re.sub(r'name="csrf_token"[^>]*>', "", text)
    text = re.sub(r'data-csrf="[^"]*"', "", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)?", "T", text)
    return re.sub(r'"contest_time": ?"[^"]*"', "", text)


def test_no_output_a_spectator_or_rival_can_reach_carries_a_post_freeze_result(
    contest, client, app
):
    """Every reachable GET route, for a spectator and a rival participant, and the socket
    frame, are the same whether the post-freeze submission was accepted or rejected."""
    round_ = contest["round"]
    spectator = make_user(name="Spectator")
    logins = [(spectator.email, "Spectator"), (contest["ada"].email, "Ada")]
    auth = AuthActions(client)
    late = contest["late"]
    values = {"round_id": round_.id, "key": round_.projector_key, "code": round_.invite_code,
              "submission_id": late.id, "judgement_id": late.judgements[-1].id,
              "slug": late.challenge.slug}  # fmt: skip
    ada_id, bob_id = _pid(round_, "Ada"), _pid(round_, "Bob")
    teacher_id, round_id, late_id = contest["teacher"].id, round_.id, late.id

    def everything() -> dict[str, str]:
        found = {}
        for email, name in logins:
            auth.login(email)
            for endpoint, body in public_outputs(client, values).items():
                found[f"{name}:{endpoint}"] = body
            auth.logout()
        for viewer in (PUBLIC, Viewer("participant", ada_id)):
            frame = _Watch(round_id, viewer).frames(json.dumps(changed([bob_id])))
            found[f"socket:{viewer.kind}"] = _stable(frame[0])
        return found

    accepted = everything()
    reached = {key.split(":", 1)[1] for key in accepted}
    assert {"contests.board_json", "contests.board_csv", "contests.projector_json",
            "contests.show", "contests.clarifications"} <= reached, sorted(reached)  # fmt: skip
    override_verdict(db.session.get(User, teacher_id), late_id, "WA", "flip the hidden result")
    rejected = everything()
    leaks = sorted(key for key in accepted if accepted[key] != rejected.get(key))
    assert leaks == [], f"a post-freeze result leaks through {leaks}"
    # The jury's board does see the change: the comparison can fail.
    assert cells(db.session.get(Round, round_id), STAFF)[("Bob", "B")] == (False, 1, 0)


def _pid(round_, name: str) -> int:
    return next(p.id for p in round_.participants if p.name == name)


def test_thaw_shows_everyone_the_final_board(contest):
    round_ = contest["round"]
    state.thaw(contest["teacher"], round_)
    assert cells(round_, PUBLIC) == cells(round_, STAFF)


def test_the_resolver_plays_the_frozen_board_to_the_final_one(contest):
    round_ = contest["round"]
    data = boards.resolver_json(round_, utcnow())
    assert [(s["problem"], s["solved"]) for s in data["steps"]] == [("B", True)]
    final = boards.board_json(boards.seen_board(round_, STAFF), utcnow())
    assert data["steps"][-1]["order"] == final["order"]
    assert {a["id"] for a in data["awards"]} >= {"winner", "first-to-solve-A", "first-to-solve-B"}


def test_the_clics_scoreboard_has_the_specs_shape(contest):
    round_ = contest["round"]
    board = boards.clics_scoreboard(boards.seen_board(round_, PUBLIC), utcnow())
    assert set(board) == {"time", "contest_time", "state", "rows"}
    assert re.fullmatch(r"\d+:\d\d:\d\d\.\d{3}", board["contest_time"])
    assert board["state"]["frozen"] and board["state"]["started"] and not board["state"]["ended"]
    for row in board["rows"]:
        assert isinstance(row["rank"], int) and isinstance(row["team_id"], str)
        assert set(row["score"]) == {"num_solved", "total_time"}
        for problem in row["problems"]:
            assert {"problem_id", "num_judged", "num_pending", "solved"} <= set(problem)
    bob = next(r for r in board["rows"] if r["team_id"] == str(_pid(round_, "Bob")))
    assert [p for p in bob["problems"] if p["problem_id"] == "B"][0]["num_pending"] == 1


def test_the_cli_prints_the_jury_and_the_public_scoreboard_then_unfreezes(contest, runner):
    round_id = contest["round"].id
    bob = str(_pid(contest["round"], "Bob"))

    def bob_b(*flags: str) -> dict:
        result = runner.invoke(args=["contests", "scoreboard", str(round_id), *flags])
        assert result.exit_code == 0, result.output
        row = next(r for r in json.loads(result.output)["rows"] if r["team_id"] == bob)
        return next(p for p in row["problems"] if p["problem_id"] == "B")

    assert bob_b()["solved"] and not bob_b("--public")["solved"]
    public_awards = json.loads(
        runner.invoke(args=["contests", "awards", str(round_id), "--public"]).output
    )
    assert {a["id"]: a["team_ids"] for a in public_awards}["first-to-solve-B"] == []
    refused = runner.invoke(args=["contests", "finalize", str(round_id)])
    assert refused.exit_code != 0 and "has not ended" in refused.output
    assert runner.invoke(args=["contests", "unfreeze", str(round_id)]).exit_code == 0
    assert bob_b("--public")["solved"]


def test_a_sections_board_ranks_only_its_students(app, runner):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    challenge = make_challenge(owner_id=teacher.id)
    contest = make_round(teacher, [challenge], visibility="course", course_id=course.id)
    students = {name: make_user(name=name) for name in ("Ann", "Ben", "Cat")}
    for name, user in students.items():
        enroll(course, user)
        set_section(teacher, course.id, user.id, "Lab 1" if name != "Cat" else "Lab 2")
    judge(create_submission(students["Cat"], challenge, "python3", GOOD, round_=contest), "AC")
    judge(create_submission(students["Ben"], challenge, "python3", GOOD, round_=contest), "WA")
    judge(create_submission(students["Ann"], challenge, "python3", GOOD, round_=contest), "WA")
    lab1 = boards.seen_board(contest, STAFF, group="Lab 1")
    assert sorted(s.name for s in lab1.board.standings) == ["Ann", "Ben"]
    assert [s.rank for s in lab1.board.standings] == [1, 1]
    result = runner.invoke(args=["contests", "scoreboard", str(contest.id), "--group", "Lab 2"])
    rows = json.loads(result.output)["rows"]
    assert [(r["rank"], r["score"]["num_solved"]) for r in rows] == [(1, 1)]
    assert sections(course.id) == ["Lab 1", "Lab 2"]


def test_a_language_board_ranks_by_that_languages_submissions_only(app, client):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    contest = make_round(teacher, [challenge])
    ann, ben = make_user(name="Ann"), make_user(name="Ben")
    judge(create_submission(ben, challenge, "python3", GOOD, round_=contest), "WA")
    judge(create_submission(ben, challenge, "cpp", GOOD, round_=contest), "AC")
    judge(create_submission(ann, challenge, "python3", GOOD, round_=contest), "AC")

    def board(language: str) -> tuple[dict, list]:
        body = client.get(f"/rounds/{contest.id}/board.json?language={language}").json
        shown = {r["name"]: (r["rank"], r["solved"], r["cells"]["A"]["judged"]) for r in body["rows"]}
        return shown, [(p["solved"], p["tried"]) for p in body["problems"]]

    assert board("python3") == ({"Ann": (1, 1, 1), "Ben": (2, 0, 1)}, [(1, 2)])
    assert board("cpp") == ({"Ben": (1, 1, 1), "Ann": (2, 0, 0)}, [(1, 1)])
    whole = board("cobol")  # not a language the judge knows: the whole board
    assert whole == ({"Ann": (1, 1, 1), "Ben": (2, 1, 2)}, [(2, 2)])  # Ben's WA: a penalty


def test_sockets_of_one_audience_build_a_notices_frame_once(contest, app, monkeypatch):
    round_id, bob = contest["round"].id, _pid(contest["round"], "Bob")
    built = []
    real = boards.seen_board

    def counting(*args, **kwargs):
        built.append(kwargs.get("cells_of"))
        return real(*args, **kwargs)

    monkeypatch.setattr(boards, "seen_board", counting)
    notice = json.dumps(changed([bob]))
    frames: list[str] = []

    def watch() -> None:
        with app.app_context():
            frames.extend(_Watch(round_id, PUBLIC).frames(notice))

    threads = [threading.Thread(target=watch) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(frames) == 12 and len(set(frames)) == 1
    assert built == [[bob]]  # one build, reading only the changed row's cells
    update = json.loads(frames[0])
    assert [row["participant_id"] for row in update["rows"]] == [bob]
    assert len(update["order"]) == 3 and {p["label"] for p in update["problems"]} == {"A", "B"}


def test_board_json_is_served_from_its_cache_until_the_board_changes(contest, client, monkeypatch):
    teacher_id, round_id, late_id = contest["teacher"].id, contest["round"].id, contest["late"].id
    AuthActions(client).login(contest["teacher"].email)
    builds = []
    real = boards.seen_board
    monkeypatch.setattr(boards, "seen_board", lambda *a, **k: builds.append(1) or real(*a, **k))

    def bob_b() -> dict:
        body = client.get(f"/rounds/{round_id}/board.json").json
        bob = next(r for r in body["rows"] if r["name"] == "Bob")
        return bob["cells"]["B"]

    assert bob_b()["solved"] and bob_b()["solved"]
    assert len(builds) == 1  # the second answer came from the cache
    override_verdict(db.session.get(User, teacher_id), late_id, "WA", "changed")
    assert not bob_b()["solved"]  # the change made the cached copy stale
    assert len(builds) == 2


def test_an_ioi_round_takes_the_best_of_each_subtask_across_submissions(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    db.session.add_all([TestGroup(challenge_id=challenge.id, name="small", position=0, points=40),
                        TestGroup(challenge_id=challenge.id, name="large", position=1, points=60)])  # fmt: skip
    db.session.commit()
    contest = make_round(teacher, [challenge], scoring="ioi")
    student = make_user(name="Ida")
    for small, large, score in (("AC", "WA", 40.0), ("WA", "AC", 60.0)):
        submission = create_submission(student, challenge, "python3", GOOD, round_=contest)
        judgement = submission.judgements[0]
        service.start_attempt(judgement.id, "test")
        tests = [TestOutcome(1, "01", "small", small), TestOutcome(2, "02", "large", large)]
        service.record_result(judgement.id, JudgeOutcome("WA", score, tests=tests))
    seen = boards.seen_board(db.session.get(Round, contest.id), STAFF)
    cell = seen.board.cells[(_pid(contest, "Ida"), "A")]
    assert (cell.score, cell.solved, cell.judged) == (100.0, True, 2)


def test_two_team_members_first_submissions_at_once_make_one_row_each_audience(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    contest = make_round(teacher, [challenge], team_size=2)
    ada, bob = make_user(), make_user()
    from app.contests.participation import create_team

    team = create_team(teacher, contest, "Pair", [ada, bob])
    ids = (contest.id, challenge.id, team.id)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def send(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                round_ = db.session.get(Round, ids[0])
                start.wait(10)
                create_submission(
                    user, round_.problems[0].challenge, "python3", GOOD, round_=round_
                )
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(uid,)) for uid in (ada.id, bob.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    rows = db.session.scalars(select(ScoreRow).where(ScoreRow.participant_id == ids[2])).all()
    assert sorted(r.audience for r in rows) == ["jury", "public"]
    assert all(r.data["cells"]["A"]["pending"] == 2 for r in rows)


def test_first_submissions_of_many_participants_at_once_keep_the_problem_counts(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    contest = make_round(teacher, [make_challenge(owner_id=teacher.id)])
    round_id = contest.id
    users = [make_user().id for _ in range(4)]
    start = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def send(user_id: int) -> None:
        with app.app_context():
            try:
                round_ = db.session.get(Round, round_id)
                challenge = round_.problems[0].challenge
                start.wait(10)
                create_submission(
                    db.session.get(User, user_id), challenge, "python3", GOOD, round_=round_
                )
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(uid,)) for uid in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    db.session.expire_all()
    problem = db.session.get(Round, round_id).problems[0]
    assert problem.counts == {"jury": [0, 4], "public": [0, 4]}


def test_first_to_solve_read_page_by_page_from_the_earliest_equals_a_rebuild(app, monkeypatch):
    """The incremental mark reads a problem's attempts from the earliest, a page at a time,
    until each audience's first solve is decided: with pages of two, across a pending try, the
    freeze and flips both ways, the marks are always the rebuild's."""
    monkeypatch.setattr(marks, "MARK_PAGE", 2)
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    problem = make_challenge(owner_id=teacher.id, title="Apples")
    now = utcnow()
    round_ = make_round(teacher, [problem], starts_at=now - timedelta(hours=2),
                        ends_at=now + timedelta(hours=1), freeze_at=now - timedelta(minutes=30))  # fmt: skip
    teams = [make_user(name=f"Team {i}") for i in range(6)]
    sent = []
    for i, (team, verdict) in enumerate(
        zip(teams, ["WA", "WA", None, "AC", "AC", "WA"], strict=True)
    ):
        at = now - timedelta(minutes=100 - 18 * i)  # the last two after the freeze
        with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
            submission = create_submission(team, problem, "python3", GOOD, round_=round_)
            if verdict:
                judge(submission, verdict)
        sent.append(submission.id)

    def marks_equal_a_rebuild() -> dict:
        incremental = cached(round_.id)
        cache.rebuild(db.session.get(Round, round_.id))
        db.session.commit()
        assert cached(round_.id) == incremental
        return {
            audience: (mark or {}).get("id")
            for audience, mark in incremental["firsts"]["A"].items()
        }

    assert marks_equal_a_rebuild() == {"jury": None, "public": None}  # a pending try comes first
    judge(db.session.get(Submission, sent[2]), "WA")
    assert marks_equal_a_rebuild() == {"jury": sent[3], "public": sent[3]}
    override_verdict(teacher, sent[3], "WA", "not after all")
    # The jury sees the next accept (after the freeze); the public sees it pending.
    assert marks_equal_a_rebuild() == {"jury": sent[4], "public": None}
    override_verdict(teacher, sent[0], "AC", "the checker was wrong")
    assert marks_equal_a_rebuild() == {"jury": sent[0], "public": sent[0]}


def test_during_the_freeze_each_audiences_socket_gets_its_own_frame(contest, app, live_server):
    """The sockets of one round share groups by audience: the public and a rival see Bob's
    post-freeze result pending, Bob sees his own, the jury sees it; none gets another's."""
    round_ = contest["round"]
    round_id, bob_id = round_.id, _pid(round_, "Bob")
    path = f"/ws/contests/{round_id}"
    sockets = {
        "public": connect(live_server.url, f"{path}?key={round_.projector_key}"),
        "rival": connect(live_server.url, path, token=create_token(contest["ada"])),
        "bob": connect(live_server.url, path, token=create_token(contest["bob"])),
        "jury": connect(live_server.url, path, token=create_token(contest["teacher"])),
    }
    try:
        assert [receive(ws)["type"] for ws in sockets.values()] == ["ready"] * 4
        audiences = {key[2] for key in app.extensions["live_groups"]}
        assert audiences == {"public", f"p{_pid(round_, 'Ada')}", f"p{bob_id}", "jury"}
        publish(contest_channel(round_id, app), changed([bob_id]), app)
        cell = {}
        for name, ws in sockets.items():
            update = receive_until(ws, lambda f: f["type"] == "scoreboard.update")
            [row] = [row for row in update["rows"] if row["participant_id"] == bob_id]
            cell[name] = {k: row["cells"]["B"][k] for k in ("solved", "judged", "pending")}
            cell[name]["row_solved"] = row["solved"]
        hidden = {"solved": False, "judged": 0, "pending": 1, "row_solved": 0}
        shown = {"solved": True, "judged": 1, "pending": 0, "row_solved": 1}
        assert cell == {"public": hidden, "rival": hidden, "bob": shown, "jury": shown}
    finally:
        for ws in sockets.values():
            ws.close()
