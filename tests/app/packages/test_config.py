"""Unit tests of problem.yaml / test-group parsing, validator flags and the time-limit rule."""

from __future__ import annotations

import pytest

from app.challenges.validation import timing
from app.errors import ValidationError
from app.packages import config as cfg
from app.packages.latex import latex_to_markdown, problem_name


def test_legacy_problem_yaml() -> None:
    config = cfg.parse_problem_yaml(
        b"name: Hello\nauthor: Ada\nsource: Cup\nsource_url: https://x\n"
        b"validation: custom\nvalidator_flags: a b\nkeywords: x y\n"
        b"limits: {memory: 100, output: 2, time_multiplier: 3, time_safety_margin: 4}\n"
    )
    assert config.version == cfg.LEGACY
    assert config.names == {"en": "Hello"}
    assert config.custom_validation and config.validator_flags == ["a", "b"]
    assert config.keywords == ["x", "y"]
    assert (config.memory_mb, config.output_mb) == (100, 2)
    assert (config.time_multiplier, config.time_safety_margin) == (3.0, 4.0)
    assert config.meta["credits"] == "Ada"
    assert config.meta["source"] == {"name": "Cup", "url": "https://x"}


def test_draft_problem_yaml_with_name_map_and_multipliers() -> None:
    config = cfg.parse_problem_yaml(
        b"problem_format_version: 2023-07-draft\nname: {en: Hi, sv: Hej}\n"
        b"type: [pass-fail]\nlanguages: [python3, c]\n"
        b"limits:\n  time_limit: 2.5\n  time_resolution: 0.5\n"
        b"  time_multipliers: {ac_to_time_limit: 3, time_limit_to_tle: 2}\n"
    )
    assert config.version == cfg.DRAFT
    assert config.names == {"en": "Hi", "sv": "Hej"}
    assert config.languages == ["python3", "c"]
    assert config.time_limit_s == 2.5
    assert (config.ac_to_time_limit, config.time_limit_to_tle, config.time_resolution) == (
        3.0,
        2.0,
        0.5,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"name: [unclosed\n", "malformed YAML"),
        (b"- a list\n", "mapping"),
        (b"problem_format_version: 1999-01\n", "unsupported problem_format_version"),
        (b"type: interactive\n", "a legacy interactive problem says `validation: custom"),
        (b"validation: default interactive\n", "interactive needs custom"),
        (b"problem_format_version: 2023-07-draft\ntype: multi-pass\n", "not supported"),
        (b"limits: {time_limit: -1}\n", "time_limit"),
        (b"limits: {memory: lots}\n", "limits.memory"),
        (b"name: 12\n", "name must be"),
        (b"\xff\xfe\n", "not UTF-8"),
    ],
)
def test_bad_problem_yaml_names_the_file(text: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        cfg.parse_problem_yaml(text)
    assert "problem.yaml" in caught.value.message
    assert message in caught.value.message


def test_checker_options_from_flags() -> None:
    options = cfg.checker_options(
        [
            "case_sensitive",
            "space_change_sensitive",
            "float_absolute_tolerance",
            "1e-6",
            "float_relative_tolerance",
            "0.001",
        ],
        "problem.yaml",
        custom=False,
    )
    assert options == {
        "case_sensitive": True,
        "space_change_sensitive": True,
        "float_absolute_tolerance": 1e-6,
        "float_relative_tolerance": 0.001,
    }
    assert cfg.checker_options(["float_tolerance", "1e-4"], "x", custom=False) == {
        "float_tolerance": 1e-4
    }
    assert cfg.checker_options(["--mode", "x"], "x", custom=True) == {"args": ["--mode", "x"]}
    # And back: the flags written on export read back as the same options.
    assert (
        cfg.checker_options(cfg.validator_flags(options, custom=False), "x", custom=False)
        == options
    )


@pytest.mark.parametrize("flags", [["float_tolerance"], ["float_tolerance", "abc"], ["bogus"]])
def test_bad_validator_flags(flags: list[str]) -> None:
    with pytest.raises(ValidationError, match="problem.yaml"):
        cfg.checker_options(flags, "problem.yaml", custom=False)


def test_group_yaml_variants() -> None:
    assert cfg.parse_group_yaml(b"scoring: {score: 40, aggregation: min}\n", "t").points == 40
    assert cfg.parse_group_yaml(b"grading: {score: 25}\n", "t").points == 25
    assert cfg.parse_group_yaml(b"points: 7\n", "t").points == 7
    legacy = cfg.parse_group_yaml(b"grading: default\ngrader_flags: min\naccept_score: 30\n", "t")
    assert (legacy.points, legacy.accept_score, legacy.aggregation) == (None, 30, "min")
    flags = cfg.parse_group_yaml(b"output_validator_flags: case_sensitive\n", "t")
    assert flags.output_validator_flags == ["case_sensitive"]
    with pytest.raises(ValidationError, match="data/secret/g/testdata.yaml"):
        cfg.parse_group_yaml(b"points: many\n", "data/secret/g/testdata.yaml")


@pytest.mark.parametrize(
    ("slowest_ms", "multiplier", "expected_ms"),
    [(0, 5, 1000), (100, 5, 1000), (130, 5, 1000), (310, 5, 2000), (1000, 5, 5000), (450, 3, 1000)],
)
def test_legacy_time_limit_rule(slowest_ms: int, multiplier: float, expected_ms: int) -> None:
    config = cfg.ProblemConfig(version=cfg.LEGACY, time_multiplier=multiplier)
    # problemtools: max(1, round(T_ac * time_multiplier)) whole seconds.
    assert timing.derived_time_limit_ms(config, slowest_ms) == expected_ms


def test_draft_time_limit_rule() -> None:
    config = cfg.ProblemConfig(version=cfg.DRAFT)
    assert timing.derived_time_limit_ms(config, 500) == 1000  # 0.5 s * 2 = 1 s exactly
    assert timing.derived_time_limit_ms(config, 501) == 2000
    config.time_resolution = 0.25
    assert timing.derived_time_limit_ms(config, 600) == 1250
    assert timing.derived_time_limit_ms(config, 600, fastest_tle_ms=1875) == 1250
    with pytest.raises(ValidationError, match="no time limit fits"):
        timing.derived_time_limit_ms(config, 600, fastest_tle_ms=1800)


def test_language_for_path() -> None:
    assert cfg.language_for_path("a.py") == "python3"
    assert cfg.language_for_path("Main.java") == "java"
    assert cfg.language_for_path("x.cc") == "cpp"
    assert cfg.language_for_path("x.C") == "cpp"
    assert cfg.language_for_path("README") is None


def test_latex_to_markdown() -> None:
    source = (
        "%% plainproblemname: Sum It\n\\problemname{Sum $\\Sigma$}\n"
        "Read $n$ and \\textbf{bold \\emph{nested}} or {\\bf old} `quotes'' -- ok.\n"
        "\\section*{Notes}\n\\begin{enumerate}\n\\item one\n\\item two\n\\end{enumerate}\n"
        "\\[ x^{2} \\]\n\\begin{verbatim}\n$not math$ {x}\n\\end{verbatim}\n"
        "50\\% done \\url{https://a.example} \\href{https://b.example}{link} % gone\n"
    )
    assert problem_name(source) == "Sum It"
    markdown = latex_to_markdown(source)
    assert "problemname" not in markdown and "gone" not in markdown
    assert "$n$" in markdown
    assert "**bold *nested***" in markdown and "**old**" in markdown
    assert "## Notes" in markdown
    assert "1. one\n2. two" in markdown
    assert "$$\nx^{2}\n$$" in markdown
    assert "```\n$not math$ {x}\n```" in markdown
    assert "50% done <https://a.example> [link](https://b.example)" in markdown
    assert "\u2013 ok" in markdown


def test_latex_input_output_sections() -> None:
    markdown = latex_to_markdown(
        "\\begin{Input}\nTwo numbers.\n\\end{Input}\n\\begin{Output}\nOne.\n\\end{Output}\n"
    )
    assert "## Input\n\nTwo numbers." in markdown
    assert "## Output\n\nOne." in markdown
