"""A run's own input files (a test's .files): there for that run only, never the judge's."""

from __future__ import annotations

import pytest

from worker.sandbox import Limits
from worker.sandbox.api import OK, SANDBOX_ERROR

pytestmark = pytest.mark.docker

FAST = Limits(time_ms=1000, memory_mb=64, output_kb=1024, wall_ms=3000)
# Lists the work dir, then leaves a file of its own and tries to change the given one.
LIST = """import os
print(" ".join(sorted(os.listdir("."))))
open("mine.txt", "w").write("x")
if os.path.exists("data.txt"):
    try:  # the judge's copy: the program may not change it in place
        open("data.txt", "a").write("changed")
    except OSError:
        pass
    print(open("data.txt").read())
"""


def test_files_are_there_for_their_run_only(open_box) -> None:
    box = open_box("python3")
    assert box.compile(LIST).ok
    first = box.run(b"", FAST, files={"data.txt": b"one", "more.txt": b""})
    assert first.status == OK, first
    assert first.stdout.decode().split("\n")[0] == "data.txt more.txt"
    second = box.run(b"", FAST)  # neither the given files nor the program's own are left
    assert second.stdout == b"\n", second
    third = box.run(b"", FAST, files={"data.txt": b"three"})
    assert third.stdout.decode().split("\n")[:2] == ["data.txt", "three"]
    assert box.read_file("mine.txt") == b"x"  # the run's own file, until the next run


def test_a_files_name_of_the_judges_own_is_refused(open_box) -> None:
    box = open_box("python3")
    assert box.compile(LIST).ok
    box.write_file("answer", b"secret\n")
    run = box.run(b"", FAST, files={"answer": b"mine"})
    assert run.status == SANDBOX_ERROR and "judge's file" in run.message
    assert box.read_file("answer") == b"secret\n"
    assert box.run(b"", FAST, files={"../escape": b"x"}).status == SANDBOX_ERROR


def test_interactive_runs_get_their_files(open_box) -> None:
    box = open_box("python3")
    assert box.compile("print(open('data.txt').read())\n").ok
    box.start_interactive(FAST, (), {"data.txt": b"hello"})
    events = []
    while True:
        kind, data, result = box.next_event()
        events.append(data)
        if kind == "done":
            break
    assert result is not None and result.status == OK, result
    assert b"".join(events) == b"hello\n"
