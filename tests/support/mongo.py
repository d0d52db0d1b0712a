"""MongoDB tests (marker `mongo`) run against the real server MONGO_URL points at, or not at all.

MongoDB is optional (execution logs stay in SQL without it) and no server can be installed
from the registries this project may use, so without MONGO_URL the tests are deselected and
the summary says so; they never pass against a stand-in. With MONGO_URL set, a server that
does not answer is a missing service: the tests fail in CI and are skipped elsewhere.
"""

from __future__ import annotations

import os

import pytest

from tests.stacks import missing

MONGO_URL = os.environ.get("MONGO_URL", "")
NOT_SET = "MONGO_URL is not set: MongoDB code is tested against a real server when it points at one"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without MONGO_URL, take the mongo tests out of the run (reported as deselected)."""
    if MONGO_URL:
        return
    dropped = [item for item in items if item.get_closest_marker("mongo")]
    if dropped:
        items[:] = [item for item in items if not item.get_closest_marker("mongo")]
        config.hook.pytest_deselected(items=dropped)
        config.stash[_DROPPED] = len(dropped)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    """Say why the mongo tests did not run."""
    count = config.stash.get(_DROPPED, 0)
    if count:
        terminalreporter.write_line(f"deselected {count} mongo test(s): {NOT_SET}")


@pytest.fixture(scope="session")
def mongo_url() -> str:
    """MONGO_URL, once its server answers a ping."""
    import pymongo
    from pymongo.errors import PyMongoError

    client: pymongo.MongoClient = pymongo.MongoClient(MONGO_URL, serverSelectionTimeoutMS=5000)
    try:
        client.admin.command("ping")
    except PyMongoError as error:
        missing(f"the MongoDB server at MONGO_URL does not answer: {str(error)[:160]}")
    finally:
        client.close()
    return MONGO_URL


_DROPPED = pytest.StashKey[int]()
