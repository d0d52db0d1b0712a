"""The data/ tree and the programs of a 2025-09 package (pure: no database, no sandbox).

Groups are the direct subfolders of data/secret that hold a test_group.yaml; without any,
data/secret's subfolders only name their tests (`sub/01`). Every test_group.yaml is read
(data, sample, secret, groups): scoring keys become the groups' points and aggregation, the
other keys are kept so an export writes them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.errors import ValidationError
from app.judging.group_dependencies import SAMPLE
from app.packages import config as cfg
from app.packages import format2025
from app.packages.parsed import Program
from app.packages.programs import program_source

GROUP_FILE = "test_group.yaml"
# What the judge reads from a group's test_group.yaml; the rest is kept for the export.
SCORING_KEYS = ("max_score", "score_aggregation")
# 2025-09 "Pass-fail problems must not specify max_score, score_aggregation or require_pass".
PASS_FAIL_FORBIDDEN = (*SCORING_KEYS, "require_pass")


@dataclass(frozen=True)
class Context:
    """What reading data/ needs of problem.yaml: its type and its constants."""

    scoring: bool = False
    constants: dict[str, dict[str, Any]] = field(default_factory=dict)

    def text(self, data: bytes) -> bytes:
        """A test_group.yaml with its constants substituted (2025-09 "Constants")."""
        return format2025.substitute_bytes(data, self.constants)


@dataclass
class DataTree:
    """Test cases, groups and the settings of every test_group.yaml."""

    stems: list[tuple[str, bool, str | None]]  # (path without .in, is sample, group)
    groups: dict[str, float]  # name -> max_score, in order
    aggregation: dict[str, str]  # group -> pass-fail | sum | min
    root: cfg.GroupSettings  # data/test_group.yaml
    secret: cfg.GroupSettings
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)  # folder -> other keys
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)  # stem -> its <stem>.yaml
    requires: dict[str, list[str]] = field(default_factory=dict)  # group -> its require_pass


def _settings(
    files: dict[str, bytes],
    folder: str,
    tree_kept: dict[str, dict[str, Any]],
    warnings: list[str],
    context: Context,
) -> cfg.GroupSettings:
    path = f"{folder}/{GROUP_FILE}"
    raw = cfg.load_yaml(context.text(files[path]), path) if path in files else {}
    if not context.scoring:
        for key in PASS_FAIL_FORBIDDEN:
            if key in raw:
                raise ValidationError(
                    f"{path}: {key} is not permitted in a pass-fail problem (only in scoring ones)"
                )
    settings = format2025.parse_group_yaml(raw, path, warnings, folder=folder)
    keep = {k: v for k, v in raw.items() if k not in SCORING_KEYS or folder == "data/secret"}
    if folder == "data":
        keep.pop("output_validator_args", None)  # the checker's options hold them
    if path in files:
        tree_kept[folder] = keep
    return settings


def _requires(
    names: list[str],
    aggregation: dict[str, str],
    secret: cfg.GroupSettings,
    given: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Each group's require_pass checked as the spec's "Group dependencies" says (known,
    pass-fail, lexicographically earlier; secret's only sample), secret's added to every group."""
    if secret.requires and any(name != SAMPLE for name in secret.requires):
        raise ValidationError(
            f"data/secret/{GROUP_FILE}: require_pass: secret may only depend on sample"
        )
    if secret.requires and not names:
        raise ValidationError(
            f"data/secret/{GROUP_FILE}: require_pass without test data groups is not supported "
            "by codedev (put the tests in a group that requires sample)"
        )
    found: dict[str, list[str]] = {}
    for name in names:
        where = f"data/secret/{name}/{GROUP_FILE}: require_pass"
        for needed in given.get(name, []):
            if needed == SAMPLE:
                continue
            if needed not in aggregation:
                raise ValidationError(f"{where}: unknown group {needed!r} (not in data/secret)")
            if aggregation[needed] != "pass-fail":
                raise ValidationError(f"{where}: group {needed!r} must have pass-fail aggregation")
            if needed >= name:
                raise ValidationError(f"{where}: group {needed!r} must come before {name!r}")
        merged = list(dict.fromkeys([*secret.requires, *given.get(name, [])]))
        if merged:
            found[name] = merged
    return found


def read_data(files: dict[str, bytes], warnings: list[str], context: Context) -> DataTree:
    """The test cases and groups of data/, checked as the spec's "Test data" section says.

    In a pass-fail problem groups are folders with their own settings (args, validator args),
    not subtasks: they carry no points, and the problem's score is as without groups."""
    inputs = {p[:-3] for p in files if p.startswith("data/") and p.endswith(".in")}
    answers = {p[:-4] for p in files if p.startswith("data/") and p.endswith(".ans")}
    judged = sorted(s for s in inputs if s.startswith(("data/sample/", "data/secret/")))
    for stem in judged:
        if stem not in answers:
            raise ValidationError(f"{stem}.in: has no matching {stem.rsplit('/', 1)[-1]}.ans")
        if stem.rsplit("/", 1)[-1] == "test_group":
            raise ValidationError(f"{stem}.in: a test case must not be named test_group")
    for stem in sorted(answers - inputs):
        if stem.startswith(("data/sample/", "data/secret/")):
            raise ValidationError(f"{stem}.ans: has no matching .in file")
    if not any(s.startswith("data/secret/") for s in judged):
        raise ValidationError("data/secret: the package has no secret test case")
    kept: dict[str, dict[str, Any]] = {}
    root = _settings(files, "data", kept, warnings, context)
    _settings(files, "data/sample", kept, warnings, context)
    secret = _settings(files, "data/secret", kept, warnings, context)
    group_names = sorted(
        path.split("/")[2]
        for path in files
        if path.startswith("data/secret/") and path.count("/") == 3 and path.endswith(GROUP_FILE)
    )
    for path in files:
        if path.startswith("data/") and path.endswith("/" + GROUP_FILE) and path.count("/") > 3:
            raise ValidationError(f"{path}: test data groups cannot contain further groups")
    groups: dict[str, float] = {}
    aggregation: dict[str, str] = {}
    given: dict[str, list[str]] = {}
    for name in group_names:
        settings = _settings(files, f"data/secret/{name}", kept, warnings, context)
        if settings.points is None and context.scoring:
            raise ValidationError(
                f"data/secret/{name}/{GROUP_FILE}: max_score is required (secret is bounded)"
            )
        whole_pass_fail = secret.aggregation == "pass-fail"
        if context.scoring and whole_pass_fail and settings.aggregation != "pass-fail":
            raise ValidationError(
                f"data/secret/{name}/{GROUP_FILE}: score_aggregation must be pass-fail, as "
                "data/secret's is"
            )
        groups[name] = settings.points or 0.0
        aggregation[name] = settings.aggregation
        given[name] = settings.requires
    requires = _requires(group_names, aggregation, secret, given)
    if root.requires:
        warnings.append("data/test_group.yaml: require_pass is kept but applies to no group")
    if group_names and secret.aggregation == "min":
        raise ValidationError(
            "data/secret/test_group.yaml: score_aggregation min over groups is not supported "
            "by codedev (sum and pass-fail are)"
        )
    stems: list[tuple[str, bool, str | None]] = []
    for stem in judged:
        parts = stem.split("/")
        is_sample = parts[1] == "sample"
        group = None
        if not is_sample and group_names:
            if len(parts) == 3:
                raise ValidationError(
                    f"{stem}.in: data/secret holds test data groups, so no test case may sit "
                    "directly in it"
                )
            if parts[2] not in groups:
                raise ValidationError(
                    f"data/secret/{parts[2]}: every folder of data/secret must be a test data "
                    "group (it has no test_group.yaml)"
                )
            group = parts[2]
        stems.append((stem, is_sample, group))
    for name in group_names:
        if not any(group == name for *_, group in stems):
            raise ValidationError(f"data/secret/{name}: the group has no test case")
    cases = {
        stem: format2025.parse_test_case_yaml(
            cfg.load_yaml(files[f"{stem}.yaml"], f"{stem}.yaml"), f"{stem}.yaml", warnings
        )
        for stem in judged
        if f"{stem}.yaml" in files
    }
    return DataTree(stems, groups, aggregation, root, secret, kept, cases, requires)


def case_setting(tree: DataTree | dict[str, Any], stem: str, key: str) -> Any:
    """A test case's setting: its own <stem>.yaml's, else the nearest test_group.yaml's below
    data/ (None when none sets it). tree is the DataTree, or meta with test_cases/test_groups."""
    cases = tree.cases if isinstance(tree, DataTree) else tree.get("test_cases", {})
    kept = tree.kept if isinstance(tree, DataTree) else tree.get("test_groups", {})
    if key in cases.get(stem, {}):
        return cases[stem][key]
    folder = stem.rsplit("/", 1)[0]
    while folder:
        if key in kept.get(folder, {}):
            return kept[folder][key]
        folder = folder.rpartition("/")[0]
    return None


def test_name(stem: str, group: str | None) -> str:
    """The name codedev stores: the path under data/sample, data/secret or the group."""
    prefix = f"data/secret/{group}/" if group else "/".join(stem.split("/")[:2]) + "/"
    return stem[len(prefix) :]


def input_validators(
    files: dict[str, bytes], constants: dict[str, dict[str, Any]], warnings: list[str]
) -> list[Program]:
    """input_validators/: each file or folder one program (.ctd and .viva are not run)."""
    grouped: dict[str, dict[str, bytes]] = {}
    for path, data in files.items():
        parts = path.split("/")
        if parts[0] not in ("input_validators", "input_format_validators") or len(parts) < 2:
            continue
        if len(parts) == 2:
            grouped[parts[1]] = {parts[1]: data}
        else:
            grouped.setdefault(parts[1], {})["/".join(parts[2:])] = data
    programs: list[Program] = []
    for name in sorted(grouped):
        if name.endswith((".ctd", ".viva")):
            warnings.append(f"input_validators/{name}: checktestdata and VIVA are not run")
            continue
        substituted = {
            file: format2025.substitute_bytes(data, constants)
            for file, data in grouped[name].items()
        }
        language, source = program_source(substituted, f"input_validators/{name}")
        own = tuple(sorted(file.rsplit("/", 1)[-1] for file in grouped[name]))
        programs.append(Program(name, language, source, own))
    return programs


def test_files(files: dict[str, bytes], warnings: list[str]) -> dict[str, bytes]:
    """The .files input of the test cases ({package path: bytes}); a .files folder with no
    test case beside it is left out with a warning."""
    found: dict[str, bytes] = {}
    orphans: set[str] = set()
    for path, data in sorted(files.items()):
        if not path.startswith("data/") or ".files/" not in path:
            continue
        stem, _, name = path.partition(".files/")
        if "/" in name:
            raise ValidationError(
                f"{path}: folders inside a .files folder are not supported (plain files only)"
            )
        if f"{stem}.in" not in files:
            orphans.add(f"{stem}.files")
            continue
        found[path] = data
    warnings += [
        f"{orphan}: no test case {orphan[:-6]}.in, so not used" for orphan in sorted(orphans)
    ]
    return found


def interactions(files: dict[str, bytes], warnings: list[str]) -> dict[str, bytes]:
    """The test cases' .interaction files ({package path: bytes}): the statement shows one
    instead of its sample's input and output; one with no test case beside it is left out
    with a warning (the spec allows no file of a test case without its .in)."""
    found: dict[str, bytes] = {}
    for path, data in sorted(files.items()):
        if not path.startswith(("data/sample/", "data/secret/")):
            continue
        if not path.endswith(".interaction"):
            continue
        if f"{path[: -len('.interaction')]}.in" in files:
            found[path] = data
        else:
            warnings.append(f"{path}: no test case {path[: -len('.interaction')]}.in, so not used")
    return found


def check_validator_files(validators: list[Program], files: dict[str, bytes]) -> None:
    """A test's .files must not share a name with an input validator's own files (the spec
    puts both in the validator's working directory)."""
    for path in files:
        stem, _, name = path.partition(".files/")
        for validator in validators:
            if name in validator.files:
                raise ValidationError(
                    f"{path}: has the name of input_validators/{validator.name}'s own file"
                )


def input_validator_args(tree: DataTree | dict[str, Any], stem: str, validator: str) -> list[str]:
    """The input_validator_args of a test case (its .yaml's, else inherited)."""
    args = case_setting(tree, stem, "input_validator_args")
    if isinstance(args, dict):
        return [str(a) for a in args.get(validator, [])]
    return [str(a) for a in args or []]
