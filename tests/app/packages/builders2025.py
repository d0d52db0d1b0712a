"""Small 2025-09 packages for the tests, modelled on the spec's examples (passfail, maximal),
and the interactive one's legacy and 2023-07-draft twins.

Each is a dict of {path: text}; write_tree / zip_tree in builders.py put them on disk.
"""

from __future__ import annotations

from tests.app.packages.builders import C_AC, PY_AC, PY_RE, PY_TLE, PY_VALIDATOR, PY_WA

PASSFAIL_YAML = """\
problem_format_version: 2025-09
type: pass-fail
name: Add Two Numbers
uuid: 789c94bb-11e7-47f4-bfe6-4988f460f021
version: '1.2'
credits:
  authors: Author <author@judge.com>
  testers: [Tester One]
source:
  - name: My Contest 2024
    url: https://my.contest.com/2024
  - Other Cup
license: cc by-sa
rights_owner: My Contest
embargo_until: 2030-01-01
limits:
  time_limit: 2
  memory: 512
  code: 64
  compilation_time: 30
keywords: [math, easy]
languages: [python3, c]
allow_file_writing: false
constants:
  max_n: 1000000000
  hundred: {value: 100, tex: '10^2'}
"""

# Reads "a b" and accepts |a|, |b| <= max_n (substituted on import, as the spec says).
INPUT_VALIDATOR = """\
import re, sys
text = sys.stdin.read()
if not re.fullmatch(r"-?\\d+ -?\\d+\\n", text):
    print("expected two integers on one line")
    sys.exit(43)
if any(abs(int(x)) > {{max_n}} for x in text.split()):
    print("out of range")
    sys.exit(43)
sys.exit(42)
"""

SUBMISSIONS_YAML = """\
accepted/add.py:
  authors: Python Judge <python@judge.com>
  model_solution: true
rejected/crash.py:
  required: [RTE]
wrong_answer/sub.py:
  sample:
    permitted: [WA]
"""


def passfail_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """Pass-fail, every problem.yaml field, constants, no groups, a subfolder of secret."""
    files: dict[str, str | bytes] = {
        "problem.yaml": PASSFAIL_YAML,
        "statement/problem.en.md": "Add $a$ and $b$, where $|a|,|b| \\le {{max_n}}$.\n",
        "solution/solution.en.md": "Just add them.\n",
        "attachments/tool.py": "print('tool')\n",
        "data/test_group.yaml": "output_validator_args: [space_change_sensitive]\n",
        "data/sample/1.in": "1 2\n",
        "data/sample/1.ans": "3\n",
        "data/secret/01.in": "5 5\n",
        "data/secret/01.ans": "10\n",
        "data/secret/edge/neg.in": "-4 4\n",
        "data/secret/edge/neg.ans": "0\n",
        "submissions/accepted/add.py": PY_AC,
        "submissions/accepted/add.c": C_AC,
        "submissions/wrong_answer/sub.py": PY_WA,
        "submissions/rejected/crash.py": PY_RE,
        "submissions/submissions.yaml": SUBMISSIONS_YAML,
    }
    files.update(extra)
    return files


SCORING_YAML = """\
problem_format_version: 2025-09
type: scoring
name: Add Scoring
uuid: 2b5e7c0e-6f7a-4d7e-9a40-1c4f1f0e5a11
limits:
  time_multipliers: {ac_to_time_limit: 2.0, time_limit_to_tle: 1.5}
  time_resolution: 0.5
"""
# Right unless a is negative: group1 (30, pass-fail) passes, one of group2's two tests
# (70, sum) fails, so 30 + 35 = 65.
PY_PARTIAL = "a, b = map(int, input().split())\nprint(a + b if a >= 0 else 1)\n"


def scoring_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """Scoring with two groups: one pass-fail, one summed per test; no time limit given."""
    files: dict[str, str | bytes] = {
        "problem.yaml": SCORING_YAML,
        "statement/problem.en.md": "Add the numbers.\n",
        "data/sample/1.in": "1 2\n",
        "data/sample/1.ans": "3\n",
        "data/secret/group1/test_group.yaml": "max_score: 30\n",
        "data/secret/group1/01.in": "1 1\n",
        "data/secret/group1/01.ans": "2\n",
        "data/secret/group2/test_group.yaml": (
            "max_score: 70\nscore_aggregation: sum\ninput_validator_args: [--big]\n"
        ),
        "data/secret/group2/01.in": "100 200\n",
        "data/secret/group2/01.ans": "300\n",
        "data/secret/group2/02.in": "-4 4\n",
        "data/secret/group2/02.ans": "0\n",
        "submissions/accepted/add.py": PY_AC,
        "submissions/partially_accepted/partial.py": PY_PARTIAL,
        "submissions/wrong_answer/sub.py": PY_WA,
        "submissions/submissions.yaml": (
            "partially_accepted:\n  permitted: [AC, WA]\n  score: 65\n"
            "  secret/group1:\n    permitted: [AC]\n"
        ),
    }
    files.update(extra)
    return files


def custom_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """A custom output validator and include/ folders (kept, not compiled in)."""
    files = passfail_package(
        **{
            "output_validator/validator.py": PY_VALIDATOR,
            "include/default/data.txt": "shared\n",
            "include/python3/helper.py": "HELP = 1\n",
            "data/test_group.yaml": "output_validator_args: [strict]\n",
        }
    )
    files.update(extra)
    return files


TLE_SUBMISSION = {"submissions/time_limit_exceeded/slow.py": PY_TLE}


# Keeps its state in the feedback dir (the spec keeps it between passes): each pass must
# answer one more than the last, until the answer file's target.
MULTIPASS_VALIDATOR = """\
import os, sys
given, answer, feedback = sys.argv[1], sys.argv[2], sys.argv[3]
state = os.path.join(feedback, "state")
current = int(open(state).read()) if os.path.exists(state) else int(open(given).read())
target = int(open(answer).read())
got = sys.stdin.read().split()
with open(os.path.join(feedback, "judgemessage.txt"), "a") as log:
    log.write(f"from {current} got {got};")
if got != [str(current + 1)]:
    sys.exit(43)
if current + 1 < target:
    with open(os.path.join(feedback, "nextpass.in"), "w") as out:
        out.write(f"{current + 1}\\n")
    with open(state, "w") as out:
        out.write(str(current + 1))
sys.exit(42)
"""


def multipass_package(passes: int = 3, **extra: str | bytes) -> dict[str, str | bytes]:
    """Multi-pass: count up one per pass from the input to the answer's target."""
    files: dict[str, str | bytes] = {
        "problem.yaml": (
            "problem_format_version: 2025-09\ntype: multi-pass\nname: Count Up\n"
            f"uuid: 5d1f2a9e-0c43-4f57-a1a1-9f0e2b3c4d5e\nlimits:\n  time_limit: 2\n"
            f"  validation_passes: {passes}\n"
        ),
        "statement/problem.en.md": "Print one more than you are given.\n",
        "output_validator/validator.py": MULTIPASS_VALIDATOR,
        "data/sample/1.in": "1\n",
        "data/sample/1.ans": "3\n",
        "data/secret/1.in": "5\n",
        "data/secret/1.ans": "8\n",
        "submissions/accepted/next.py": "print(int(input()) + 1)\n",
        "submissions/wrong_answer/once.py": "input()\nprint(2)\n",
    }
    files.update(extra)
    return files


# Guess the number from the answer file in at most ten guesses (the spec's interactive example
# is of this kind); the interactor is the output validator.
INTERACTOR = """\
import sys
secret = int(open(sys.argv[2]).read())
def fail(why):
    with open(sys.argv[3] + "judgemessage.txt", "w") as out:
        out.write(why)
    sys.exit(43)
for _ in range(10):
    line = sys.stdin.readline()
    if not line:
        fail("no guess")
    try:
        guess = int(line)
    except ValueError:
        fail("not a number")
    if guess == secret:
        print("correct", flush=True)
        sys.exit(42)
    print("higher" if guess < secret else "lower", flush=True)
fail("too many guesses")
"""
PY_SEARCH = """\
lo, hi = 1, 100
while True:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    reply = input()
    if reply == "correct":
        break
    if reply == "higher":
        lo = mid + 1
    else:
        hi = mid - 1
"""
PY_ONES = "while True:\n    print(1, flush=True)\n    input()\n"
# Sends a guess, then neither reads nor exits: both sides wait until the wall limit.
PY_HANG = "import time\nprint(50, flush=True)\ntime.sleep(100)\n"


def interactive_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """Interactive: guess a number from 1 to 100."""
    files: dict[str, str | bytes] = {
        "problem.yaml": (
            "problem_format_version: 2025-09\ntype: interactive\nname: Guess\n"
            "uuid: 0b7d1f5e-3c2a-4e8b-9f10-2a3b4c5d6e7f\nlimits:\n  time_limit: 1\n"
        ),
        "statement/problem.en.md": "Guess the number from 1 to 100: after each guess you hear "
        "`higher`, `lower` or `correct`.\n",
        "output_validator/interactor.py": INTERACTOR,
        "attachments/testing_tool.py": "# Plays the judge locally: python3 testing_tool.py -- prog\n",
        "data/sample/1.in": "\n",
        "data/sample/1.ans": "42\n",
        # The statement shows this (2025-09 "Sample data"): `<` the judge's, `>` the program's.
        "data/sample/1.interaction": ">50\n<lower\n>25\n<higher\n>37\n<higher\n>43\n<lower\n"
        ">40\n<higher\n>41\n<higher\n>42\n<correct\n",
        "data/secret/1.in": "\n",
        "data/secret/1.ans": "7\n",
        "data/secret/2.in": "\n",
        "data/secret/2.ans": "100\n",
        "submissions/accepted/search.py": PY_SEARCH,
        "submissions/wrong_answer/ones.py": PY_ONES,
        "submissions/time_limit_exceeded/hang.py": PY_HANG,
    }
    files.update(extra)
    return files


# The legacy spelling: the guesses allowed come from validator_flags (the validator's 4th
# argument); an accept says how many it took.
LEGACY_INTERACTOR = """\
import sys
secret = int(open(sys.argv[2]).read())
limit = int(sys.argv[4])
def judge(code, why):
    with open(sys.argv[3] + "judgemessage.txt", "w") as out:
        out.write(why)
    sys.exit(code)
for count in range(1, limit + 1):
    line = sys.stdin.readline()
    if not line:
        judge(43, "no guess")
    try:
        guess = int(line)
    except ValueError:
        judge(43, "not a number")
    if guess == secret:
        print("correct", flush=True)
        judge(42, f"{count} of {limit}")
    print("higher" if guess < secret else "lower", flush=True)
judge(43, "too many guesses")
"""
# In the legacy spec's notation: `>` from the submission, `<` to it.
SAMPLE_INTERACTION = "> 50\n< lower\n> 25\n< higher\n> 37\n< higher\n> 43\n< lower\n" + (
    "> 40\n< higher\n> 41\n< higher\n> 42\n< correct\n"
)


def legacy_interactive_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """The guessing game as a legacy package: `validation: custom interactive`, the
    interactor in output_validators/, at most 7 guesses by validator_flags."""
    files: dict[str, str | bytes] = {
        "problem.yaml": (
            "name: Guess\nsource: Test Cup\nvalidation: custom interactive\n"
            "validator_flags: 7\nlimits:\n  time_multiplier: 4\n"
        ),
        "problem_statement/problem.en.tex": "\\problemname{Guess}\nGuess the number from 1 "
        "to 100 in 7 guesses: after each you hear higher, lower or correct.\n",
        "output_validators/guess/guess.py": LEGACY_INTERACTOR,
        "data/sample/1.in": "\n",
        "data/sample/1.ans": "42\n",
        "data/sample/1.interaction": SAMPLE_INTERACTION,
        "data/secret/1.in": "\n",
        "data/secret/1.ans": "7\n",
        "data/secret/2.in": "\n",
        "data/secret/2.ans": "100\n",
        "submissions/accepted/search.py": PY_SEARCH,
        "submissions/wrong_answer/ones.py": PY_ONES,
    }
    files.update(extra)
    return files


def draft_interactive_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """The guessing game in the 2023-07 draft: `type: interactive`."""
    files = interactive_package(
        **{
            "problem.yaml": (
                "problem_format_version: 2023-07-draft\ntype: interactive\nname: Guess\n"
                "uuid: 4a6c8e0f-2b4d-4f6a-8c0e-1f3a5b7c9d0e\nlimits:\n  time_limit: 1\n"
            )
        }
    )
    files.update(extra)
    return files


# Guess the number once per round: the test's input is "round secret", the answer the number
# of rounds. The interactor first says the round; after a correct guess before the last
# round it writes the next round's input to nextpass.in, a secret that depends on this one.
# judgemessage.txt grows across the passes (the feedback dir stays).
ROUNDS_INTERACTOR = """\
import os, sys
given, answer, feedback = sys.argv[1], sys.argv[2], sys.argv[3]
number, secret = map(int, open(given).read().split())
rounds = int(open(answer).read())
def log(text):
    with open(os.path.join(feedback, "judgemessage.txt"), "a") as out:
        out.write(text)
def fail(why):
    log(why)
    sys.exit(43)
print(number, flush=True)
for count in range(1, 11):
    line = sys.stdin.readline()
    if not line:
        fail("no guess")
    try:
        guess = int(line)
    except ValueError:
        fail("not a number")
    if guess == secret:
        print("correct", flush=True)
        log(f"round {number}: {secret} in {count};")
        if number < rounds:
            with open(os.path.join(feedback, "nextpass.in"), "w") as out:
                out.write(f"{number + 1} {secret * 37 % 100 + 1}\\n")
        sys.exit(42)
    print("higher" if guess < secret else "lower", flush=True)
fail("too many guesses")
"""
# Searches each round; leaves a file in its working dir and gives up (no guess) if it finds
# one there: each pass must start in a fresh working dir.
PY_ROUNDS = (
    """\
import os
fresh = not os.path.exists("memo.txt")
with open("memo.txt", "w") as out:
    out.write("seen")
number = int(input())
if not fresh:
    raise SystemExit(3)
"""
    + PY_SEARCH
)
# Round 1 as PY_ROUNDS; round 2: guesses 0 forever (WA) or sleeps (TLE).
PY_ROUNDS_WRONG = PY_ROUNDS.replace(
    "if not fresh:",
    "if number == 2:\n    while True:\n        print(0, flush=True)\n        input()\nif not fresh:",
)
PY_ROUNDS_HANG = PY_ROUNDS.replace(
    "if not fresh:", "if number == 2:\n    import time\n    time.sleep(100)\nif not fresh:"
)


def interactive_multipass_package(passes: int = 2, **extra: str | bytes) -> dict[str, str | bytes]:
    """Interactive multi-pass: guess the number, then (pass 2) a number that follows from it."""
    files: dict[str, str | bytes] = {
        "problem.yaml": (
            "problem_format_version: 2025-09\ntype: [interactive, multi-pass]\nname: Rounds\n"
            "uuid: 7c2e9a41-58d3-4b6f-a0e2-3d4c5b6a7f80\nlimits:\n  time_limit: 1\n"
            f"  validation_passes: {passes}\n"
        ),
        "statement/problem.en.md": "Each round, the first line is the round; then guess the "
        "number from 1 to 100: after each guess you hear `higher`, `lower` or `correct`.\n",
        "output_validator/interactor.py": ROUNDS_INTERACTOR,
        "data/sample/1.in": "1 42\n",
        "data/sample/1.ans": "2\n",
        "data/sample/1.interaction": "<1\n>50\n<lower\n>25\n<higher\n>37\n<higher\n>43\n<lower\n"
        ">40\n<higher\n>41\n<higher\n>42\n<correct\n---\n<2\n>50\n<higher\n>75\n<lower\n>62\n"
        "<lower\n>56\n<lower\n>53\n<higher\n>54\n<higher\n>55\n<correct\n",
        "data/secret/1.in": "1 7\n",
        "data/secret/1.ans": "2\n",
        "data/secret/2.in": "1 100\n",
        "data/secret/2.ans": "2\n",
        "submissions/accepted/search.py": PY_ROUNDS,
        "submissions/wrong_answer/ones.py": PY_ROUNDS_WRONG,
        "submissions/time_limit_exceeded/hang.py": PY_ROUNDS_HANG,
    }
    files.update(extra)
    return files


def folders_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """Folder programs (several files, one program) in Python and C, and include/ for C."""
    files = passfail_package(
        **{
            "submissions/accepted/two_files/main.py": "from util import add\nprint(add(*map(int, input().split())))\n",
            "submissions/accepted/two_files/util.py": "def add(a, b):\n    return a + b\n",
            "submissions/accepted/named/solve.py": "import helper\nhelper.run()\n",
            "submissions/accepted/named/helper.py": (
                "def run():\n    a, b = map(int, input().split())\n    print(a + b)\n"
            ),
            "submissions/accepted/split/main.c": (
                '#include <stdio.h>\n#include "add.h"\n'
                'int main(void){long a,b;scanf("%ld %ld",&a,&b);printf("%ld\\n",add(a,b));}\n'
            ),
            "submissions/accepted/split/add.c": '#include "add.h"\nlong add(long a, long b){return a+b;}\n',
            "submissions/accepted/split/add.h": "long add(long a, long b);\n",
            "submissions/run_time_error/not_defined/main.py": "from util import *\n\nfunc()\n",
            "submissions/run_time_error/not_defined/util.py": "def other():\n    pass\n",
            "submissions/submissions.yaml": SUBMISSIONS_YAML
            + "accepted/named:\n  entrypoint: solve.py\n",
            # Every C submission gets this header (include/c/ overrides include/default/).
            "include/c/limits_hint.h": "#define LIMIT {{max_n}}\n",
        }
    )
    files.update(extra)
    return files


_GROUPS_UUID = "uuid: 3f0c1a52-8d4e-4b7a-9c61-5e2f7a8b9c0d\n"
PASS_FAIL_GROUPS_YAML = "problem_format_version: 2025-09\nname: Add\n" + _GROUPS_UUID
SCORING_GROUPS_YAML = "problem_format_version: 2025-09\ntype: scoring\nname: Add\n" + _GROUPS_UUID


def groups_package(problem: str, **extra: str) -> dict[str, str | bytes]:
    """A sample and two groups of secret tests (small: one test, big: two)."""
    files: dict[str, str | bytes] = {
        "problem.yaml": problem,
        "statement/problem.en.md": "Add the numbers.\n",
        "data/sample/1.in": "1 2\n",
        "data/sample/1.ans": "3\n",
        "data/secret/big/test_group.yaml": "",
        "data/secret/big/01.in": "100 200\n",
        "data/secret/big/01.ans": "300\n",
        "data/secret/big/02.in": "-4 4\n",
        "data/secret/big/02.ans": "0\n",
        "data/secret/small/test_group.yaml": "args: [--small]\n",
        "data/secret/small/01.in": "1 1\n",
        "data/secret/small/01.ans": "2\n",
        "submissions/accepted/add.py": PY_AC,
    }
    files.update(extra)
    return files
