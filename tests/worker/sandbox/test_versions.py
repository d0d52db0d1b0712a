"""The languages page tells the truth: each image reports the version the registry shows."""

from __future__ import annotations

import re

import pytest

from worker.languages import LANGUAGES, get_language
from worker.sandbox.engine import LABEL, get_client
from worker.sandbox.images import image_name

pytestmark = pytest.mark.docker


@pytest.mark.parametrize("language_id", sorted(LANGUAGES))
def test_the_image_reports_the_version_the_page_shows(sandbox_images, language_id):
    language = get_language(language_id)
    shown = re.search(r"\d+(?:\.\d+)*", language.version)
    assert shown and language.version_command, "a language names its version and how to ask"
    output = get_client().containers.run(
        image_name(language_id), list(language.version_command), remove=True,
        network_mode="none", stderr=True, labels={LABEL: "test"},
    ).decode()  # fmt: skip
    # "GCC 12.2" must match "gcc (Debian 12.2.0-14) 12.2.0", not "12.20" or "112.2".
    assert re.search(rf"(?<![\d.]){re.escape(shown.group())}(?![\d])", output), output
