"""Interactive problems: the submission and the output validator (the interactor) run at once,
each in its own sandbox, and the worker carries each one's stdout to the other's stdin.

Four threads: one reads each box's stream and one writes each box's input. A reader never
waits for a writer (it queues), so a program that stops reading cannot stall the other side
or the worker: its unread input waits in its own box (bounded by the other program's output
limit) and its wall limit ends it. Only the submission's time counts; the interactor gets its
own CPU limit and a wall limit a little past the submission's. The verdict follows the
spec's exit codes (42 accept, 43 wrong answer, anything else a judge error).

An interactive multi-pass problem chains such interactions (judge_test): the interactor's
nextpass.in is its input file in the next pass, its feedback dir stays, the submission starts
afresh each pass.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from dataclasses import dataclass, field

from worker.checkers.custom import CustomChecker
from worker.sandbox import api

TRANSCRIPT_BYTES = 64 * 1024  # kept for the solve page (samples only show it)
INTERACTOR_EXTRA_WALL_MS = 5000
JOIN_SLACK_S = 60.0
PASS_SEPARATOR = ("---", b"")  # between the passes of a transcript, as in a .interaction file


@dataclass
class Interaction:
    """Both runs and what went each way, in order (`<` the interactor's output, read by the
    submission; `>` the submission's output, as a .interaction file writes them)."""

    submission: api.RunResult
    interactor: api.RunResult
    transcript: list[tuple[str, bytes]] = field(default_factory=list)

    def transcript_text(self) -> str:
        """The 2025-09 .interaction style: `<` lines came from the judge (the interactor),
        `>` lines from the submission."""
        lines: list[str] = []
        for direction, data in self.transcript:
            if (direction, data) == PASS_SEPARATOR:
                lines.append(direction)
                continue
            text = data.decode("utf-8", "replace")
            lines += [f"{direction} {line}" for line in text.splitlines()]
        return "\n".join(lines) + ("\n" if lines else "")


class _Side:
    """One box of the interaction: its input queue, and whether its run has ended."""

    def __init__(self, box: api.Sandbox) -> None:
        self.box = box
        self.inbox: queue.Queue[bytes | None] = queue.Queue()  # None: end of input
        self.done = threading.Event()
        self.result: api.RunResult | None = None


def interact(
    submission: api.Sandbox,
    interactor: api.Sandbox,
    limits: api.Limits,
    interactor_limits: api.Limits,
    interactor_args: tuple[str, ...],
    program_args: tuple[str, ...] = (),
    program_files: dict[str, bytes] | None = None,
    keep_interactor_files: bool = False,
) -> Interaction:
    """Run both at once until both ended; SandboxError if a box or its stream failed.

    keep_interactor_files: a later pass, whose interactor keeps its feedback dir."""
    sub, inter = _Side(submission), _Side(interactor)
    transcript: list[tuple[str, bytes]] = []
    kept = [0]
    lock = threading.Lock()
    errors: list[BaseException] = []

    def read(source: _Side, target: _Side, direction: str) -> None:
        try:
            while True:
                kind, data, result = source.box.next_event()
                if kind == "data":
                    with lock:
                        if kept[0] < TRANSCRIPT_BYTES:
                            transcript.append((direction, data[: TRANSCRIPT_BYTES - kept[0]]))
                            kept[0] += len(transcript[-1][1])
                    target.inbox.put(data)
                elif kind == "eof":
                    target.inbox.put(None)
                else:
                    source.result = result
                    source.done.set()
                    source.inbox.put(None)  # its writer may stop: nothing more is read
                    target.inbox.put(None)
                    return
        except BaseException as error:  # noqa: BLE001 (reported after the join)
            errors.append(error)
            source.done.set()
            source.inbox.put(None)
            target.inbox.put(None)

    def write(side: _Side) -> None:
        try:
            while True:
                data = side.inbox.get()
                if side.done.is_set():
                    return
                if data is None:
                    side.box.end_input()
                    return
                side.box.send_input(data)
        except BaseException as error:  # noqa: BLE001
            if not side.done.is_set():
                errors.append(error)

    if keep_interactor_files:
        interactor.start_interactive(interactor_limits, interactor_args, keep_files=True)
    else:
        interactor.start_interactive(interactor_limits, interactor_args)
    if program_files:
        submission.start_interactive(limits, program_args, program_files)
    else:
        submission.start_interactive(limits, program_args)
    threads = [
        threading.Thread(target=read, args=(sub, inter, ">"), daemon=True),
        threading.Thread(target=read, args=(inter, sub, "<"), daemon=True),
        threading.Thread(target=write, args=(sub,), daemon=True),
        threading.Thread(target=write, args=(inter,), daemon=True),
    ]
    for thread in threads:
        thread.start()
    wait_s = interactor_limits.effective_wall_ms / 1000 + JOIN_SLACK_S
    for thread in threads:
        thread.join(wait_s)
    if errors:
        raise api.SandboxError(f"interaction: {errors[0]}")
    if sub.result is None or inter.result is None or any(t.is_alive() for t in threads):
        raise api.SandboxError("interaction: a box did not finish its run")
    return Interaction(sub.result, inter.result, transcript)


def interactor_limits(limits: api.Limits, time_ms: int) -> api.Limits:
    """The interactor's: its own CPU time, a wall limit a little past the submission's."""
    return api.Limits(
        time_ms=time_ms,
        memory_mb=1024,
        output_kb=max(limits.output_kb, 8192),
        wall_ms=limits.effective_wall_ms + INTERACTOR_EXTRA_WALL_MS,
    )


VERDICTS = {
    api.MEMORY_LIMIT: "MLE",
    api.OUTPUT_LIMIT: "OLE",
    api.NONZERO: "RE",
    api.SIGNALED: "RE",
}


def verdict(done: Interaction) -> tuple[str, str]:
    """(verdict, message) of one interactive test, as problemtools decides it: the
    submission's time limit first, then a failing interactor, its rejection, the
    submission's crash, and otherwise accepted."""
    sub, inter = done.submission, done.interactor
    if sub.status == api.TIME_LIMIT:
        return "TLE", sub.message
    if not (inter.status == api.NONZERO and inter.exit_code in (42, 43)):
        detail = inter.message or f"status {inter.status}, exit code {inter.exit_code}"
        stderr = inter.stderr[:500].decode("utf-8", "replace")
        return "IE", f"The interactor failed ({detail}). {stderr}".strip()
    if inter.exit_code == 43:
        return "WA", ""
    if sub.status in VERDICTS:
        return VERDICTS[sub.status], sub.message
    return "AC", ""


def judge_test(
    sandbox: api.Sandbox,
    checker: object,
    given: bytes,
    answer: bytes,
    limits: api.Limits,
    program_args: tuple[str, ...] = (),
    program_files: dict[str, bytes] | None = None,
    passes: int = 1,
) -> tuple[str, str, Interaction | None]:
    """(verdict, message, the interaction) of one test of an interactive problem.

    A multi-pass one (passes > 1) runs another interaction while the interactor accepts and
    writes nextpass.in: the verdict is the last pass's; nextpass.in with a rejection, or more
    passes than allowed, is a judge error (2025-09 "Multi-pass validation"). The interaction
    returned holds every pass's transcript and the submission's largest time and memory."""
    if not isinstance(checker, CustomChecker):
        return "IE", "An interactive problem needs its output validator.", None
    box, broken = checker.prepare(given, answer)
    if box is None:
        return "IE", broken, None
    transcript: list[tuple[str, bytes]] = []
    time_ms = memory_kb = 0
    for number in range(1, passes + 1):
        done = interact(
            sandbox,
            box,
            limits,
            interactor_limits(limits, checker.limits.time_ms),
            checker.arguments(),
            program_args,
            program_files,
            keep_interactor_files=number > 1,
        )
        for run in (done.submission, done.interactor):
            if run.status == api.SANDBOX_ERROR:
                raise api.SandboxError(f"interaction: {run.message or 'the runner failed'}")
        time_ms = max(time_ms, done.submission.time_ms)
        memory_kb = max(memory_kb, done.submission.memory_kb)
        transcript += [PASS_SEPARATOR] if number > 1 else []
        transcript += done.transcript
        done = Interaction(
            dataclasses.replace(done.submission, time_ms=time_ms, memory_kb=memory_kb),
            done.interactor,
            transcript,
        )
        result, message = verdict(done)
        next_input = checker.next_pass_input() if passes > 1 else None
        try:
            checker.scores = checker.score_files()
        except ValueError as error:
            return "IE", str(error), done
        message = checker.judge_message() or message
        if next_input is not None and done.interactor.exit_code != 42:
            return "IE", "The interactor wrote nextpass.in but did not accept.", done
        if result != "AC" or next_input is None:
            if number > 1 and result != "AC":
                message = f"Pass {number}: {message}".strip()
            return result, message, done
        if number == passes:
            too_many = f"The interactor asked for pass {number + 1}, more than the problem's"
            return "IE", f"{too_many} validation_passes ({passes}).", done
        checker.start_next_pass(next_input)
    raise AssertionError("unreachable")
