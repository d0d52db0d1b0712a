"""Built-in checkers: exact, and tokens with the Kattis default validator's semantics."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from worker.checkers import make_checker
from worker.checkers.exact import ExactChecker
from worker.checkers.tokens import TokenChecker, parse_flags, parse_float

SPACE = st.sampled_from([" ", "\t", "\n", "\r\n", "  ", "\v", "\f"])
WORD = st.text(alphabet="abcXYZ019-+._", min_size=1, max_size=8)
FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)


def tokens_check(answer: str, output: str, **options) -> str:
    return TokenChecker(options).check(b"", answer.encode(), output.encode()).verdict


def test_exact_is_byte_for_byte():
    checker = ExactChecker()
    assert checker.check(b"", b"3\n", b"3\n").verdict == "AC"
    assert checker.check(b"", b"3\n", b"3").verdict == "WA"
    result = checker.check(b"", b"1\n2\n", b"1\n5\n")
    assert result.verdict == "WA" and "Line 2" in result.message


@pytest.mark.parametrize(
    ("answer", "output", "options", "verdict"),
    [
        ("3\n", "3", {}, "AC"),
        ("3\n", "  3  \n\n", {}, "AC"),
        ("1 2 3", "1\n2\n3\n", {}, "AC"),
        ("Yes", "YES", {}, "AC"),
        ("Yes", "YES", {"case_sensitive": True}, "WA"),
        ("1 2", "1  2", {"space_change_sensitive": True}, "WA"),
        ("1 2\n", "1 2", {"space_change_sensitive": True}, "WA"),
        ("1 2\n", "1 2\n", {"space_change_sensitive": True}, "AC"),
        ("3", "3 4", {}, "WA"),
        ("3 4", "3", {}, "WA"),
        ("3", "", {}, "WA"),
        ("", "", {}, "AC"),
        ("", "\n", {}, "AC"),
        ("1.0", "1", {}, "WA"),
        ("1.0", "1", {"float_tolerance": 1e-6}, "AC"),
        ("1.0", "1.0000001", {"float_absolute_tolerance": 1e-6}, "AC"),
        ("1.0", "1.01", {"float_absolute_tolerance": 1e-6}, "WA"),
        ("1000", "1000.5", {"float_relative_tolerance": 1e-3}, "AC"),
        ("1000", "1002", {"float_relative_tolerance": 1e-3}, "WA"),
        ("1.5", "abc", {"float_tolerance": 1e-6}, "WA"),
        ("1.5", "nan", {"float_tolerance": 1e-6}, "WA"),
        ("1.5", "inf", {"float_tolerance": 1e9}, "WA"),
        ("0x1.8p1", "3", {"float_tolerance": 1e-9}, "AC"),
        ("abc", "ABC", {"float_tolerance": 1e-6}, "AC"),  # not a float: string rules
        ("1e", "1E", {"float_tolerance": 1e-6}, "AC"),  # "1e" is no float
        ("2", "3", {"float_absolute_tolerance": 1, "float_relative_tolerance": 0}, "AC"),
    ],
)
def test_token_rules(answer, output, options, verdict):
    assert tokens_check(answer, output, **options) == verdict


def test_messages_name_lines_and_tokens():
    result = TokenChecker({}).check(b"", b"1\n2\n3\n", b"1\n2\n4\n")
    assert result.verdict == "WA"
    assert "line 3 of output" in result.message and "'4'" in result.message
    assert "Trailing output" in TokenChecker({}).check(b"", b"1", b"1 2").message


def test_parse_float_is_whole_token_c_syntax():
    assert parse_float(b"1.5") == 1.5
    assert parse_float(b"-.5e2") == -50.0
    assert parse_float(b"+3.") == 3.0
    assert parse_float(b"0x10") == 16.0
    for bad in (b"1e", b"1.5x", b"1_000", b"inf", b"nan", b"infinity", b"1e999", b"", b"."):
        assert parse_float(bad) is None, bad


def test_parse_flags():
    assert parse_flags("case_sensitive float_tolerance 1e-6") == {
        "case_sensitive": True,
        "float_tolerance": 1e-6,
    }
    with pytest.raises(ValueError):
        parse_flags("float_tolerance")
    with pytest.raises(ValueError):
        parse_flags("bogus")


def test_make_checker_refuses_unknown_or_incomplete():
    with pytest.raises(ValueError):
        make_checker("nope")
    with pytest.raises(ValueError):
        make_checker("custom")


@given(st.lists(WORD, max_size=8), st.data())
def test_whitespace_changes_are_ignored_unless_sensitive(words, data):
    answer = "\n".join(words) + "\n"
    output = "".join(data.draw(SPACE) + word for word in words) + data.draw(SPACE)
    assert tokens_check(answer, output) == "AC"
    sensitive = tokens_check(answer, output, space_change_sensitive=True)
    assert sensitive == ("AC" if output == answer else "WA")


@given(
    st.lists(WORD, max_size=8),
    st.sampled_from(
        [{}, {"case_sensitive": True}, {"float_tolerance": 1e-6}, {"space_change_sensitive": True}]
    ),
)
def test_identical_output_is_accepted(words, options):
    text = " ".join(words) + "\n"
    assert tokens_check(text, text, **options) == "AC"


@given(st.lists(WORD, min_size=1, max_size=8), WORD)
def test_missing_or_extra_tokens_are_wrong(words, extra):
    answer = " ".join(words)
    assert tokens_check(answer, " ".join(words[:-1])) == "WA"
    assert tokens_check(answer, answer + " " + extra) == "WA"


@given(st.lists(WORD, min_size=1, max_size=8))
def test_case_is_ignored_unless_sensitive(words):
    answer = " ".join(words)
    swapped = answer.swapcase()
    assert tokens_check(answer, swapped) == "AC"
    expected = "AC" if swapped == answer else "WA"
    assert tokens_check(answer, swapped, case_sensitive=True) == expected


@given(FINITE, FINITE, st.floats(0, 1e3), st.floats(0, 1))
def test_floats_follow_the_kattis_formula(judge, team, abs_tol, rel_tol):
    answer, output = repr(judge), repr(team)
    difference = abs(judge - team)
    expected = difference <= abs_tol or difference <= rel_tol * abs(judge)
    verdict = tokens_check(
        answer, output, float_absolute_tolerance=abs_tol, float_relative_tolerance=rel_tol
    )
    assert verdict == ("AC" if expected else "WA")


@given(FINITE, st.floats(1e-9, 1e-3))
def test_within_relative_tolerance_is_accepted(value, tolerance):
    assume(abs(value) > 1e-300)
    nudged = value * (1 + tolerance / 2)
    assume(math.isfinite(nudged))
    assert tokens_check(repr(value), repr(nudged), float_relative_tolerance=tolerance) == "AC"


@given(FINITE, st.floats(1e-9, 1e-3))
def test_outside_absolute_tolerance_is_wrong(value, tolerance):
    far = value + 4 * tolerance
    assume(math.isfinite(far) and abs(far - value) > tolerance)
    assert tokens_check(repr(value), repr(far), float_absolute_tolerance=tolerance) == "WA"
