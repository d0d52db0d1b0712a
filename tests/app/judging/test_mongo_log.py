"""Execution logs go to MongoDB when MONGO_URL is set (tests/support/mongo.py: run only then)."""

from __future__ import annotations

import pytest

from app import create_app
from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.models import ExecutionLog
from app.stores import get_mongo
from app.submissions.service import create_submission
from tests.conftest import config_for
from tests.factories import make_challenge, make_user

pytestmark = pytest.mark.mongo


def test_execution_log_is_stored_in_mongo(app, stack, mongo_url):
    mongo_app = create_app(config_for(stack, MONGO_URL=mongo_url))
    with mongo_app.app_context():
        judgement = create_submission(make_user(), make_challenge(), "python3", "print(3)\n")
        judgement_id = judgement.judgements[0].id
        service.start_attempt(judgement_id, "w1")
        outcome = JudgeOutcome("AC", 100.0, "ok", [TestOutcome(1, "01", "", "AC", stderr="e")])
        assert service.record_result(judgement_id, outcome)
        assert service.execution_log(judgement_id)["tests"][0]["stderr"] == "e"
        assert db.session.query(ExecutionLog).count() == 0
        get_mongo().get_default_database(default="codedev")["execution_logs"].delete_many(
            {"judgement_id": judgement_id}
        )
        db.session.remove()
