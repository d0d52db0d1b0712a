"""A malformed contest package (an object that isn't one, a field missing or of the wrong
type) is refused naming the file, the line and the field, on the command line and in the
browser; nothing is kept."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from app.clics import package_reader
from app.clics.package_reader import PackageError
from app.extensions import db
from app.models import Challenge, Round
from tests.app.clics.test_packages import _minimal
from tests.app.clics.test_pages import _upload, _zip
from tests.factories import make_user

BASE = _minimal()


def _feed(*changes: tuple[int, Any]) -> dict[str, Any]:
    """The minimal package as an event feed, with some lines replaced (by number from 1)."""
    lines: list[Any] = [{"type": "contest", "id": None, "data": BASE["contest.json"]}]
    for name in ("judgement-types", "problems", "teams", "submissions", "judgements"):
        lines += [{"type": name, "id": i["id"], "data": i} for i in BASE[f"{name}.json"]]
    for number, line in changes:
        lines[number - 1] = line
    return {"event-feed.ndjson": "".join(json.dumps(x) + "\n" for x in lines)}


def _without(endpoint: str, index: int, field: str) -> dict[str, Any]:
    items = [dict(i) for i in BASE[f"{endpoint}.json"]]
    items[index].pop(field)
    return _minimal(**{f"{endpoint}.json": items})


def _with(endpoint: str, index: int, **fields: Any) -> dict[str, Any]:
    items = [dict(i) for i in BASE[f"{endpoint}.json"]]
    items[index].update(fields)
    return _minimal(**{f"{endpoint}.json": items})


CASES = [
    (_without("judgements", 0, "submission_id"), r"judgements.json:\d+: judgement 'j1' has no submission_id"),
    (_without("submissions", 1, "team_id"), r"submissions.json:\d+: submission 's2' has no team_id"),
    (_without("submissions", 0, "problem_id"), r"submissions.json:\d+: submission 's1' has no problem_id"),
    (_without("teams", 0, "name"), r"teams.json:\d+: team 't1' has no name"),
    (_with("judgements", 1, score="full"), r"judgements.json:\d+: judgement 'j2': score 'full' is not a number"),
    (_with("submissions", 0, time=None, contest_time="soon"),
     r"submissions.json:\d+: submission 's1': contest_time 'soon' is not a CLICS RELTIME"),
    (_with("problems", 1, time_limit="2s"), r"problems.json:\d+: problem 'bananas': time_limit '2s' is not a number"),
    (_with("teams", 1, group_ids="uni"), r"teams.json:\d+: team 't2': group_ids 'uni' is not an array of ids"),
    (_minimal(**{"contest.json": dict(BASE["contest.json"], penalty_time="twenty")}),
     r"contest.json: the contest: penalty_time 'twenty' is not a RELTIME or seconds"),
    (_minimal(**{"state.json": ["started"]}), r"state.json:1: the state must be a JSON object"),
    (_feed((4, ["teams", "t9"])), r"event-feed.ndjson:4: an event must be a JSON object"),
    (_feed((7, {"type": "teams", "id": "t1", "data": "One"})), r"event-feed.ndjson:7: a teams event's data must be an object"),
    (_feed((1, {"type": "contest", "id": None, "data": [1]})), r"event-feed.ndjson:1: the contest event's data must be an object"),
    (_feed((9, {"type": "submissions", "id": "s1", "data": {"team_id": "t1", "problem_id": "apples", "time": 5}})),
     r"event-feed.ndjson:9: submission 's1': time 5 is not a CLICS time"),
    (_feed((12, {"type": "judgements", "id": "j1", "data": {"judgement_type_id": "WA"}})),
     r"event-feed.ndjson:12: judgement 'j1' has no submission_id"),
    (_feed((2, {"type": "state", "id": None, "data": {"started": "at ten"}})),
     r"event-feed.ndjson:2: the state: started 'at ten' is not a CLICS time"),
]  # fmt: skip


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Round.id))) or 0,
            db.session.scalar(select(func.count(Challenge.id))) or 0)  # fmt: skip


@pytest.mark.parametrize("files, message", CASES)
def test_a_malformed_package_names_file_line_and_field_and_keeps_nothing(client, auth, runner, tmp_path,
                                                                          files, message):  # fmt: skip
    files = {name: v if isinstance(v, str) else json.dumps(v, indent=1) for name, v in files.items()}
    with pytest.raises(PackageError, match=message):
        package_reader.read_files({name: text.encode() for name, text in files.items()})
    make_user(role="admin")
    auth.login(make_user(role="teacher").email)
    before = _counts()
    page = _upload(client, _zip(files))
    assert page.status_code == 200
    html = page.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')
    assert re.search(message, html), html
    folder = tmp_path / "package"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    result = runner.invoke(args=["contests", "import", str(folder)])
    assert result.exit_code != 0 and message.split(":")[0] in result.output, result.output
    assert _counts() == before
