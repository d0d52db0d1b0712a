"""Two generated contests (55 teams, 11 problems, 850+ submissions, rejudges, CE before AC,
ties, a freeze), one as endpoint files and one as an event feed: after import, the jury's and
the public's boards equal a plain reference ranking of the package."""

from __future__ import annotations

import pytest

from app.clics import importer, package_reader
from app.clics.roles import JURY, SPECTATOR
from app.clics.service import scoreboard
from app.models import utcnow
from tests.app.clics.contest_packages import (
    generate,
    reference_ranking,
    write_endpoint_files,
    write_event_feed,
)
from tests.factories import make_user


@pytest.mark.parametrize("seed, writer", [(1, write_endpoint_files), (2, write_event_feed)])
def test_an_imported_contest_ranks_as_the_plain_reference(app, tmp_path, seed, writer):
    package = generate(seed, teams=55, problems=11, submissions=850)
    assert len(package["submissions"]) >= 850
    assert len(package["judgements"]) > len(package["submissions"])  # some rejudged
    assert reference_ranking(package, public=True) != reference_ranking(package, public=False)
    round_ = importer.store(package_reader.read(writer(tmp_path / "pkg", package)), make_user(role="admin")).round
    names = {team["id"]: team["name"] for team in package["teams"]}  # served by the package's ids
    for role, public in ((JURY, False), (SPECTATOR, True)):
        board = scoreboard(round_, role, utcnow())
        served = [(r["rank"], names[r["team_id"]], r["score"]["num_solved"], r["score"]["total_time"])
                  for r in board["rows"]]  # fmt: skip
        assert served == reference_ranking(package, public=public)
    # The twins tie: the same rank, the row order by name.
    jury = {names[r["team_id"]]: r["rank"] for r in scoreboard(round_, JURY, utcnow())["rows"]}
    assert jury["Team 001"] == jury["Team 002"] and jury["Team 003"] == jury["Team 004"]
