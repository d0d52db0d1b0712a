"""Build Kattis problem packages in temporary folders (and zips) for the tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

PY_AC = "a, b = map(int, input().split())\nprint(a + b)\n"
PY_WA = "a, b = map(int, input().split())\nprint(a - b + 1)\n"
PY_TLE = "import time\nwhile True:\n    time.sleep(0.01)\n"
PY_RE = "raise SystemExit(3)\n"
C_AC = '#include <stdio.h>\nint main(void){long a,b;scanf("%ld %ld",&a,&b);printf("%ld\\n",a+b);return 0;}\n'
C_WA = '#include <stdio.h>\nint main(void){long a,b;scanf("%ld %ld",&a,&b);printf("%ld\\n",a*b+7);return 0;}\n'
C_TLE = "int main(void){volatile unsigned long i=0;for(;;)i++;return 0;}\n"
C_RE = "#include <stdlib.h>\nint main(void){abort();}\n"
JAVA_AC = (
    "import java.util.*;\npublic class Main {\n  public static void main(String[] a) {\n"
    "    Scanner s = new Scanner(System.in);\n    long x = s.nextLong(), y = s.nextLong();\n"
    "    System.out.println(x + y);\n  }\n}\n"
)
JAVA_WA = JAVA_AC.replace("x + y", "x + y + 1")
JAVA_TLE = (
    "public class Main {\n  public static void main(String[] a) {\n"
    "    long i = 0; while (true) { i++; if (i < 0) break; }\n  }\n}\n"
)
JAVA_RE = (
    "public class Main {\n  public static void main(String[] a) {\n"
    '    throw new RuntimeException("boom");\n  }\n}\n'
)
CPP_VALIDATOR = r"""#include <fstream>
#include <iostream>
#include "validate.h"
int main(int argc, char** argv) {
    std::ifstream ans(argv[2]);
    long expected, got;
    ans >> expected;
    if (!(std::cin >> got)) return WRONG;
    return got == expected ? ACCEPT : WRONG;
}
"""
VALIDATE_H = "#define ACCEPT 42\n#define WRONG 43\n"
PY_VALIDATOR = (
    "import sys\n"
    "expected = open(sys.argv[2]).read().split()\n"
    "got = sys.stdin.read().split()\n"
    "sys.exit(42 if got == expected else 43)\n"
)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under root and return root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return root


def zip_tree(files: dict[str, str | bytes], top: str | None = "hello") -> bytes:
    """The same files as a zip, inside a top folder unless top is None."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            archive.writestr(f"{top}/{name}" if top else name, data)
    return buffer.getvalue()


def legacy_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """A legacy package: two samples, two secret groups with points, a LaTeX statement."""
    files: dict[str, str | bytes] = {
        "problem.yaml": (
            "name: Add Two Numbers\nauthor: Ada Lovelace\nsource: Test Cup\n"
            "source_url: https://cup.example\nlicense: cc by-sa\nrights_owner: Ada\n"
            "type: scoring\nkeywords: math easy\n"
            "limits:\n  memory: 512\n  output: 4\n  time_multiplier: 3\n"
        ),
        "problem_statement/problem.en.tex": (
            "\\problemname{Add Two Numbers}\n"
            "Given $a$ and $b$, print \\textbf{their sum} -- \\emph{nothing else}.\n\n"
            "\\begin{Input}\nOne line with two integers $a$ and $b$ ($|a|,|b| \\le 10^9$).\n"
            "\\end{Input}\n\\begin{Output}\nOutput $a+b$.\n\\end{Output}\n"
            "\\begin{itemize}\n\\item first\n\\item second\n\\end{itemize}\n"
            "\\begin{verbatim}\nx_1 {raw}\n\\end{verbatim}\n% a comment\n"
        ),
        "problem_statement/picture.png": b"\x89PNG\r\n\x1a\nnot really",
        "attachments/testing_tool.py": "print('tool')\n",
        "data/sample/1.in": "1 2\n",
        "data/sample/1.ans": "3\n",
        "data/sample/2.in": "5 5\n",
        "data/sample/2.ans": "10\n",
        "data/secret/group1/testdata.yaml": "grading: default\ngrader_flags: min\naccept_score: 30\n",
        "data/secret/group1/01.in": "1 1\n",
        "data/secret/group1/01.ans": "2\n",
        "data/secret/group2/testdata.yaml": "grading: default\ngrader_flags: min\naccept_score: 70\n",
        "data/secret/group2/01.in": "100 200\n",
        "data/secret/group2/01.ans": "300\n",
        "data/secret/group2/02.in": "-4 4\n",
        "data/secret/group2/02.ans": "0\n",
        "submissions/accepted/add.py": PY_AC,
        "submissions/accepted/add.c": C_AC,
        "submissions/accepted/Main.java": JAVA_AC,
        "submissions/wrong_answer/sub.py": PY_WA,
        "submissions/wrong_answer/wrong.c": C_WA,
        "submissions/wrong_answer/Main.java": JAVA_WA,
        "submissions/time_limit_exceeded/slow.py": PY_TLE,
        "submissions/time_limit_exceeded/spin.c": C_TLE,
        "submissions/time_limit_exceeded/Main.java": JAVA_TLE,
        "submissions/run_time_error/crash.py": PY_RE,
        "submissions/run_time_error/abort.c": C_RE,
        "submissions/run_time_error/Main.java": JAVA_RE,
    }
    files.update(extra)
    return files


def draft_package(**extra: str | bytes) -> dict[str, str | bytes]:
    """A 2023-07-draft package: Markdown statement, nested groups, float tolerance flags."""
    files: dict[str, str | bytes] = {
        "problem.yaml": (
            "problem_format_version: 2023-07-draft\n"
            "name:\n  en: Half It\n  sv: Halvera\n"
            "uuid: 8ee7605a-2d4d-4cb8-b1b4-cd5e1f6c0a11\n"
            "credits:\n  authors: [Grace Hopper]\n"
            "limits:\n  time_limit: 1.5\n  memory: 256\n"
            "keywords: [floats]\nlanguages: [python3, c, cpp, java]\n"
        ),
        "statement/problem.en.md": "Print **half** of $n$.\n\n## Input\n\nOne number $n$.\n",
        "statement/problem.sv.md": "Skriv halva $n$.\n",
        "data/test_group.yaml": "output_validator_args: [float_tolerance, '1e-6']\n",
        "data/sample/1.in": "3\n",
        "data/sample/1.ans": "1.5\n",
        "data/secret/easy/test_group.yaml": "scoring:\n  score: 40\n  aggregation: min\n",
        "data/secret/easy/a.in": "2\n",
        "data/secret/easy/a.ans": "1\n",
        "data/secret/hard/test_group.yaml": "scoring:\n  score: 60\n",
        "data/secret/hard/big/1.in": "1000000001\n",
        "data/secret/hard/big/1.ans": "500000000.5\n",
        "data/secret/hard/small/1.in": "7\n",
        "data/secret/hard/small/1.ans": "3.5\n",
        "submissions/accepted/half.py": "print(int(input()) / 2)\n",
        "submissions/wrong_answer/floor.py": "print(int(input()) // 2)\n",
    }
    files.update(extra)
    return files
