"""Turn the files of a problem package into a ParsedPackage (pure: no database)."""

from __future__ import annotations

import re
from typing import Any

from app.challenges.files import STATEMENT_DIRS
from app.errors import ValidationError
from app.packages import config as cfg
from app.packages import format2025, reader2025
from app.packages.dropped import dropped_files
from app.packages.examples import example_submissions
from app.packages.latex import latex_to_markdown, problem_name
from app.packages.parsed import ParsedPackage, ParsedTest, Program
from app.packages.programs import program_source

STATEMENT_RE = re.compile(r"^problem(?:\.([A-Za-z]{2,3}(?:-[A-Za-z]{2})?))?\.(md|tex)$")
GROUP_FILES = ("test_group.yaml", "testdata.yaml")
EXTENSION_FILE = "codedev.yaml"


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{where}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from error


def _statement(
    files: dict[str, bytes], config: cfg.ProblemConfig
) -> tuple[str, str, str | None, str]:
    """(markdown, language, name from the source, path) of the best statement."""
    found: list[tuple[int, int, int, str, str]] = []
    for path in files:
        folder, _, base = path.rpartition("/")
        if folder in STATEMENT_DIRS:
            match = STATEMENT_RE.match(base)
            if match:
                language = match.group(1) or "en"
                rank_lang = 0 if language == "en" else 1 if language in config.names else 2
                rank_kind = 0 if match.group(2) == "md" else 1
                found.append((rank_lang, rank_kind, STATEMENT_DIRS.index(folder), language, path))
    if not found:
        raise ValidationError(
            "statement/ (or problem_statement/): no problem.<language>.md or .tex statement"
        )
    *_, language, path = min(found)
    source = format2025.substitute(_text(files[path], path), config.meta.get("constants", {}))
    if path.endswith(".md"):
        return source, language, None, path
    return latex_to_markdown(source), language, problem_name(source), path


def _group_settings(files: dict[str, bytes], folder: str) -> cfg.GroupSettings | None:
    for name in GROUP_FILES:
        path = f"{folder}/{name}"
        if path in files:
            return cfg.parse_group_yaml(files[path], path)
    return None


def _tests(
    files: dict[str, bytes], warnings: list[str]
) -> tuple[list[ParsedTest], dict[str, float]]:
    """Test cases in package order and the secret groups with their points."""
    inputs = {p[:-3] for p in files if p.startswith("data/") and p.endswith(".in")}
    answers = {p[:-4] for p in files if p.startswith("data/") and p.endswith(".ans")}
    for stem in sorted(inputs - answers):
        if stem.startswith(("data/sample/", "data/secret/")):
            raise ValidationError(f"{stem}.in: has no matching {stem.rsplit('/', 1)[-1]}.ans")
    for stem in sorted(answers - inputs):
        if stem.startswith(("data/sample/", "data/secret/")):
            raise ValidationError(f"{stem}.ans: has no matching .in file")
    stems = sorted(s for s in inputs if s.startswith(("data/sample/", "data/secret/")))
    if not any(s.startswith("data/secret/") for s in stems):
        raise ValidationError("data/secret: the package has no secret test case")
    if any(p.startswith("data/") and ".files/" in p for p in files):
        warnings.append("data: .files folders are read in format 2025-09 only, so ignored")

    def order(stem: str) -> tuple[int, list[str]]:
        return (0 if stem.startswith("data/sample/") else 1, stem.split("/")[2:])

    tests: list[ParsedTest] = []
    folders: dict[str, int] = {}
    for stem in sorted(stems, key=order):
        kind, rest = stem[len("data/") :].split("/", 1)
        folder, _, name = rest.rpartition("/")
        if kind == "sample" and folder:
            warnings.append(f"data/sample/{folder}: sample subgroups are flattened")
        group = (folder or None) if kind == "secret" else None
        if group is not None:
            folders[group] = folders.get(group, 0) + 1
        tests.append(
            ParsedTest(name, kind == "sample", group, files[stem + ".in"], files[stem + ".ans"])
        )
    # Leaf folders holding only a test_group.yaml (no tests) still become groups.
    for path in files:
        if path.startswith("data/secret/") and path.rsplit("/", 1)[-1] in GROUP_FILES:
            folder = path[len("data/secret/") :].rpartition("/")[0]
            if folder and not any(f.startswith(folder + "/") for f in folders):
                folders.setdefault(folder, 0)
    return tests, _points(files, folders)


def _points(files: dict[str, bytes], folders: dict[str, int]) -> dict[str, float]:
    """Points per leaf group; an ancestor's points are shared by leaves that have none."""
    own: dict[str, float | None] = {}
    for folder, count in folders.items():
        settings = _group_settings(files, f"data/secret/{folder}")
        points = None
        if settings is not None:
            points = settings.points
            if points is None and settings.accept_score is not None:
                per_test = settings.accept_score
                points = per_test if settings.aggregation == "min" else per_test * count
        own[folder] = points
    groups: dict[str, float] = {}
    for folder in sorted(folders):
        points = own[folder]
        if points is None:
            parts = folder.split("/")
            for depth in range(len(parts) - 1, 0, -1):
                ancestor = "/".join(parts[:depth])
                settings = _group_settings(files, f"data/secret/{ancestor}")
                if settings is not None and settings.points is not None:
                    heirs = [f for f in folders if f.startswith(ancestor + "/") and own[f] is None]
                    points = settings.points / max(len(heirs), 1)
                    break
        groups[folder] = float(points or 0.0)
    return groups


def _checker(
    files: dict[str, bytes], config: cfg.ProblemConfig, flags: list[str]
) -> tuple[str, dict[str, Any], str | None, str | None]:
    """(checker, options, language, source) from the validator folder and flags."""
    program: dict[str, bytes] = {}
    where = ""
    for folder in ("output_validator", "output_validators"):
        inside = {p[len(folder) + 1 :]: d for p, d in files.items() if p.startswith(folder + "/")}
        if inside:
            where = folder
            program = inside
            break
    custom = bool(program) if config.version != cfg.LEGACY else config.custom_validation
    if not custom:
        return "tokens", cfg.checker_options(flags, "validator flags", custom=False), None, None
    if not program:
        raise ValidationError("output_validators/: validation is custom but no validator is given")
    if where == "output_validators":
        names = {p.split("/", 1)[0] for p in program}
        if len(names) != 1:
            raise ValidationError("output_validators/: codedev takes exactly one output validator")
        only = names.pop()
        where = f"output_validators/{only}"
        program = {p[len(only) + 1 :] if "/" in p else p: d for p, d in program.items()}
    language, source = program_source(program, where)
    return "custom", cfg.checker_options(flags, where, custom=True), language, source


def _tests_2025(
    files: dict[str, bytes], warnings: list[str], meta: dict[str, Any], config: cfg.ProblemConfig
) -> tuple[list[ParsedTest], dict[str, float], cfg.GroupSettings]:
    """Tests and groups of a 2025-09 package; group settings kept in meta for the export."""
    context = reader2025.Context(config.scoring, config.meta.get("constants", {}))
    tree = reader2025.read_data(files, warnings, context)
    tests = [
        ParsedTest(
            reader2025.test_name(stem, group),
            is_sample,
            group,
            files[stem + ".in"],
            files[stem + ".ans"],
        )
        for stem, is_sample, group in sorted(tree.stems, key=lambda item: (not item[1], item[0]))
    ]
    if tree.aggregation:
        meta["group_aggregation"] = dict(tree.aggregation)
    if tree.requires:
        meta["group_require_pass"] = dict(tree.requires)
    if tree.kept:
        meta["test_groups"] = tree.kept
    if tree.cases:
        meta["test_cases"] = tree.cases
    run_args = {}
    for stem, _, _ in tree.stems:  # what the judge passes, by the test's path (Challenge.run_args)
        found = {
            key: reader2025.case_setting(tree, stem, key)
            for key in ("args", "output_validator_args")
        }
        if any(value is not None for value in found.values()):
            run_args[stem] = {k: v for k, v in found.items() if v is not None}
    if run_args:
        meta["run_args"] = run_args
    return tests, tree.groups, tree.root


def parse_package(files: dict[str, bytes]) -> ParsedPackage:
    """Check and decode a whole package; ValidationError names the first file at fault."""
    if "problem.yaml" not in files:
        raise ValidationError("problem.yaml: missing (is this a Kattis problem package?)")
    raw = cfg.load_yaml(files["problem.yaml"], "problem.yaml")
    warnings: list[str] = []
    modern = cfg.problem_format(raw) == format2025.VERSION
    if modern:
        config = format2025.parse_problem_yaml(raw, "problem.yaml", warnings)
    else:
        config = cfg.parse_older_problem_yaml(raw, "problem.yaml")
    constants = config.meta.get("constants", {})
    statement_md, language, source_name, statement_path = _statement(files, config)
    title = config.names.get(language) or source_name or next(iter(config.names.values()), "")
    meta = dict(config.meta)
    validators: list[Program] = []
    inputs: dict[str, bytes] = {}  # the test cases' .files and .interaction, kept by path
    if modern:
        tests, groups, root = _tests_2025(files, warnings, meta, config)
        validators = reader2025.input_validators(files, constants, warnings)
        inputs = reader2025.test_files(files, warnings)
        reader2025.check_validator_files(validators, inputs)
    else:
        tests, groups = _tests(files, warnings)
        root = _group_settings(files, "data") or cfg.GroupSettings()
    inputs.update(reader2025.interactions(files, warnings))  # legacy interactive ones too
    flags = list(config.validator_flags)
    if root.output_validator_flags is not None:
        flags = root.output_validator_flags
    checker, options, checker_language, checker_source = _checker(files, config, flags)
    if checker_source is not None:
        checker_source = format2025.substitute(checker_source, constants)
    if checker != "custom" and any(
        "output_validator_args" in found for found in meta.get("run_args", {}).values()
    ):
        warnings.append(
            "data/: output_validator_args below data/ are passed to custom output validators "
            "only; the default validator uses data/test_group.yaml's"
        )
    for kind in ("multi-pass", "interactive"):
        if kind in config.meta.get("type", ()) and checker != "custom":
            article = "an" if kind == "interactive" else "a"
            folder = "output_validator" if modern else "output_validators"
            raise ValidationError(f"{folder}/: {article} {kind} problem needs an output validator")
    solutions = example_submissions(files, warnings, modern=modern)
    for solution in solutions:
        solution.source = format2025.substitute(solution.source, constants)
    if modern and "submissions/submissions.yaml" in files:
        meta["submissions_yaml"] = _text(
            files["submissions/submissions.yaml"], "submissions/submissions.yaml"
        )
    extension = (
        cfg.load_yaml(files[EXTENSION_FILE], EXTENSION_FILE) if EXTENSION_FILE in files else {}
    )
    kept_dirs = ["attachments/", "include/", *(d + "/" for d in STATEMENT_DIRS)]
    if modern:
        # data/invalid_input/ too: the input validators were checked against it, and an
        # export must carry it for the next import to check them again.
        kept_dirs += ["solution/", "input_validators/", "data/invalid_input/"]
    kept = {
        path: data
        for path, data in files.items()
        if path.startswith(tuple(kept_dirs)) and (path != statement_path or path.endswith(".tex"))
    }
    for path in [p for p in kept if p.startswith("include/")]:
        # Included files are compiled with submissions: constants substituted, as the spec says
        # (in text files: a binary one is kept byte for byte).
        kept[path] = format2025.substitute_bytes(kept[path], constants)
    kept.update(inputs)
    for solution in solutions:
        # A folder program's files; constants substituted as in every example submission.
        kept.update(
            {
                path: format2025.substitute_bytes(data, constants)
                for path, data in solution.files.items()
            }
        )
    meta["statement_language"] = language
    if len(config.names) > 1:
        meta["names"] = dict(config.names)
    skipped = ["generators"]
    nested = sorted(p for p in files if p.startswith("include/") and p.count("/") > 2)
    if nested:
        warnings.append(f"{nested[0]}: include/ files in subfolders are not added")
    if not modern:
        skipped += ["input_validators", "input_format_validators"]
    for folder in skipped:
        if any(p.startswith(folder + "/") for p in files):
            warnings.append(f"{folder}/: not used by codedev (kept out of the import)")
    warnings += dropped_files(files, modern=modern)
    return ParsedPackage(
        config=config,
        title=title,
        statement_md=statement_md,
        tests=tests,
        groups=groups,
        checker=checker,
        checker_options=options,
        checker_language=checker_language,
        checker_source=checker_source,
        solutions=solutions,
        files=kept,
        extension=extension,
        meta=meta,
        warnings=warnings + config.warnings,
        input_validators=validators,
    )
