"""The runner's keep_files runs and remove op (a multi-pass validator's feedback dir)."""

from __future__ import annotations

import pytest

from worker.sandbox import Limits
from worker.sandbox.api import OK, SandboxError

pytestmark = pytest.mark.docker

FAST = Limits(time_ms=1000, memory_mb=64, output_kb=1024, wall_ms=3000)
# Appends a line to state.txt and prints the whole file.
APPEND = "with open('state.txt', 'a') as f:\n    f.write('x')\nprint(open('state.txt').read())\n"


def test_files_stay_only_for_keep_files_runs_and_remove_spares_the_judge(open_box) -> None:
    box = open_box("python3")
    assert box.compile(APPEND).ok
    box.write_file("answer", b"secret\n")
    assert box.run(b"", FAST).stdout == b"x\n"
    kept = box.run(b"", FAST, keep_files=True)
    assert (kept.status, kept.stdout) == (OK, b"xx\n")
    assert box.run(b"", FAST).stdout == b"x\n"  # a normal run starts from a clean dir
    box.remove_file("state.txt")
    assert box.read_file("state.txt") is None
    box.remove_file("missing.txt")  # nothing there: nothing to do
    with pytest.raises(SandboxError, match="judge's file"):
        box.remove_file("answer")
    assert box.read_file("answer") == b"secret\n"
