"""The CLICS ids a round serves: codedev's own (a team's participant id, a problem's label, a
submission's or judgement's row id), or the ones an imported contest package gave them, kept
so that an export imports back with the same ids (the same board, by id).

Boards and awards are computed by scoring with codedev's ids; `board` and `awards` put the
served ones in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Clarification, Judgement, Participant, Round, RoundProblem, Submission


def team_id(participant: Participant) -> str:
    return participant.external_id or str(participant.id)


def problem_id(problem: RoundProblem) -> str:
    return problem.external_id or problem.label


def submission_id(sent: Submission) -> str:
    return sent.external_id or str(sent.id)


def judgement_id(judged: Judgement) -> str:
    return judged.external_id or str(judged.id)


@dataclass(frozen=True)
class Ids:
    """One round's team and problem ids, both ways."""

    teams: dict[int, str]  # participant id -> CLICS team id
    problems: dict[str, str]  # label -> CLICS problem id
    messages: dict[str, str] = field(default_factory=dict)  # "q12"/"a12" -> CLICS message id

    @classmethod
    def of(cls, round_: Round, *, messages: bool = False) -> Ids:
        """Read from narrow columns (the scoreboard endpoint asks on every request); with
        messages, the clarifications' ids too."""
        teams = db.session.execute(select(Participant.id, Participant.external_id)
                                   .where(Participant.round_id == round_.id)).tuples()  # fmt: skip
        given: dict[str, str] = {}
        if messages:
            rows = db.session.execute(select(Clarification.id, Clarification.clics)
                                      .where(Clarification.round_id == round_.id)).tuples()  # fmt: skip
            given = {f"{side}{row_id}": str(extra[side]) for row_id, extra in rows
                     for side in "qa" if (extra or {}).get(side)}  # fmt: skip
        return cls({pid: external or str(pid) for pid, external in teams},
                   {p.label: problem_id(p) for p in round_.problems}, given)  # fmt: skip

    def team(self, participant_id: int | None) -> str:
        return self.teams.get(participant_id or 0, str(participant_id))

    def problem(self, label: str | None) -> str | None:
        return None if label is None else self.problems.get(label, label)

    def participant(self, clics_id: Any) -> int | None:
        """The participant a CLICS team id names, if any."""
        return next((pid for pid, tid in self.teams.items() if tid == clics_id), None)

    def label(self, clics_id: Any) -> str | None:
        """The label of the problem a CLICS problem id names, if any."""
        return next((label for label, pid in self.problems.items() if pid == clics_id), None)

    def message(self, codedev_id: str) -> str:
        """The CLICS id of a clarification message ("q12" or "a12" in codedev's own)."""
        return self.messages.get(codedev_id, codedev_id)

    def message_of(self, clics_id: str) -> str:
        """codedev's own id of the clarification message a CLICS id names."""
        return next((mine for mine, given in self.messages.items() if given == clics_id), clics_id)

    @property
    def native(self) -> bool:
        """Whether every id is codedev's own (nothing to map)."""
        return (not self.messages and all(str(k) == v for k, v in self.teams.items())
                and all(k == v for k, v in self.problems.items()))  # fmt: skip

    def board(self, board: dict[str, Any]) -> dict[str, Any]:
        """A CLICS scoreboard with the served ids."""
        if self.native:
            return board
        rows = [dict(row, team_id=self.team(int(row["team_id"])),
                     problems=[dict(p, problem_id=self.problem(p["problem_id"])) for p in row["problems"]])
                for row in board["rows"]]  # fmt: skip
        return dict(board, rows=rows)

    def awards(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """CLICS awards with the served team ids (and first-to-solve named by problem id)."""
        if self.native:
            return items
        found = []
        for item in items:
            award_id = item["id"]
            if award_id.startswith("first-to-solve-"):
                award_id = "first-to-solve-" + str(self.problem(award_id[len("first-to-solve-") :]))
            teams = [self.team(int(t)) for t in item["team_ids"]]
            found.append(dict(item, id=award_id, team_ids=teams))
        return found

    def clarification(self, item: dict[str, Any]) -> dict[str, Any]:
        """A CLICS clarification with the served team and problem ids."""
        if self.native:
            return item
        teams = {k: self.team(int(item[k])) for k in ("from_team_id", "to_team_id") if item.get(k)}
        reply = item.get("reply_to_id")
        return dict(item, id=self.message(item["id"]), problem_id=self.problem(item.get("problem_id")),
                    reply_to_id=self.message(reply) if reply else None, **teams)  # fmt: skip
