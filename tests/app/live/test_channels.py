"""Two sites sharing one Redis server never see each other's events when each sets its own
LIVE_CHANNEL_PREFIX: pub/sub ignores database numbers, the channel names tell them apart."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app import create_app
from app.channels import channel_prefix, submission_channel, user_channel
from app.live import publish
from app.live.hub import get_hub
from tests.conftest import config_for


def other_database(url: str) -> str:
    """The same Redis server, the next database number (only pub/sub is used: nothing written)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str((int(query.get("db", 0)) + 1) % 16)
        return f"unix://{parts.path}?{urlencode(query)}"
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(number + 1) % 16}"))


def test_channels_are_the_designed_names_by_default(app):
    app.config["LIVE_CHANNEL_PREFIX"] = ""  # the test session sets one of its own
    assert (submission_channel(7), user_channel(3)) == ("submission:7", "user:3")


def test_events_of_a_site_reach_only_that_site(app, stack):
    app.config["LIVE_CHANNEL_PREFIX"] = "site-a:"
    other = create_app(
        config_for(
            stack, REDIS_URL=other_database(stack.redis_url), LIVE_CHANNEL_PREFIX="site-b:"
        )
    )
    assert channel_prefix(app) != channel_prefix(other)
    ours, theirs = get_hub(app), get_hub(other)
    try:
        with (
            ours.listen(submission_channel(7, app)) as our_inbox,
            theirs.listen(submission_channel(7, other)) as their_inbox,
        ):
            publish(submission_channel(7, app), {"type": "submission.test", "site": "ours"}, app)
            publish(submission_channel(7, other), {"type": "marker", "site": "theirs"}, other)
            assert '"ours"' in our_inbox.get(timeout=10)
            # Published after ours on the same server: had ours leaked, it would come first.
            assert '"theirs"' in their_inbox.get(timeout=10)
            assert our_inbox.empty()
    finally:
        theirs.stop()
