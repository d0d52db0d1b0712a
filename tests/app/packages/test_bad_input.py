"""Bad packages fail with a ValidationError naming the file, and nothing is imported."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.archives import Caps
from app.errors import ValidationError
from app.extensions import db
from app.models import Blob, Challenge, ChallengeFile, ReferenceSolution, TestCase, TestGroup
from app.packages import import_package
from tests.app.packages.builders import legacy_package, write_tree, zip_tree


def _nothing_stored() -> None:
    for model in (Challenge, TestCase, TestGroup, ReferenceSolution, ChallengeFile, Blob):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def _without(*names: str) -> dict[str, str | bytes]:
    files = legacy_package()
    for name in names:
        del files[name]
    return files


def _with(**changes: str | bytes) -> dict[str, str | bytes]:
    return legacy_package(**changes)


BAD_FOLDERS: list[tuple[str, Callable[[], dict[str, str | bytes]], str]] = [
    ("malformed-yaml", lambda: _with(**{"problem.yaml": "name: [oops\n"}), "problem.yaml"),
    ("no-problem-yaml", lambda: _without("problem.yaml"), "problem.yaml"),
    (
        "bad-testdata",
        lambda: _with(**{"data/secret/group1/testdata.yaml": "accept_score: {a: 1\n"}),
        "data/secret/group1/testdata.yaml",
    ),
    ("in-without-ans", lambda: _without("data/secret/group2/02.ans"), "data/secret/group2/02.in"),
    ("ans-without-in", lambda: _without("data/sample/2.in"), "data/sample/2.ans"),
    (
        "no-secret",
        lambda: {k: v for k, v in legacy_package().items() if not k.startswith("data/secret")},
        "data/secret",
    ),
    ("no-statement", lambda: _without("problem_statement/problem.en.tex"), "statement"),
    (
        "latin1-statement",
        lambda: _with(**{"problem_statement/problem.en.tex": "Caf\xe9\n".encode("latin-1")}),
        "problem_statement/problem.en.tex",
    ),
    (
        "no-accepted",
        lambda: {k: v for k, v in legacy_package().items() if "accepted/" not in k},
        "submissions/accepted",
    ),
    (
        "custom-without-validator",
        lambda: _with(**{"problem.yaml": "name: X\nvalidation: custom\n"}),
        "output_validators",
    ),
    (
        "bad-flags",
        lambda: _with(**{"problem.yaml": "name: X\nvalidator_flags: float_tolerance abc\n"}),
        "validator flags",
    ),
    (
        "interactive-without-interactor",
        lambda: _with(**{"problem.yaml": "name: X\nvalidation: custom interactive\n"}),
        "output_validators/: validation is custom but no validator is given",
    ),
    (
        "two-validators",
        lambda: _with(
            **{
                "problem.yaml": "name: X\nvalidation: custom\n",
                "output_validators/a.py": "print(1)\n",
                "output_validators/b.py": "print(2)\n",
            }
        ),
        "output_validators",
    ),
]


@pytest.mark.parametrize(("label", "build", "named"), BAD_FOLDERS, ids=[b[0] for b in BAD_FOLDERS])
def test_bad_folder_package(app, tmp_path: Path, label: str, build, named: str) -> None:
    root = write_tree(tmp_path / "bad", build())
    with pytest.raises(ValidationError) as caught:
        import_package(root)
    assert named in caught.value.message
    _nothing_stored()


def _zip_with(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in legacy_package().items():
            archive.writestr(f"pkg/{name}", data if isinstance(data, bytes) else data.encode())
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def _symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("pkg/data/secret/group1/link.in")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("label", "entries", "named"),
    [
        ("dotdot", [("pkg/../../evil.txt", b"x")], "leaves the package"),
        ("absolute", [("/etc/evil", b"x")], "absolute path"),
        ("windows-absolute", [("C:/evil", b"x")], "absolute path"),
        ("symlink", [(_symlink_entry(), b"/etc/passwd")], "symbolic links"),
    ],
)
def test_zip_slip_is_refused(app, tmp_path: Path, label: str, entries, named: str) -> None:
    archive = tmp_path / "pkg.zip"
    archive.write_bytes(_zip_with(entries))
    with pytest.raises(ValidationError, match=named):
        import_package(archive)
    _nothing_stored()
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_ratio_is_refused(app, tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(_zip_with([("pkg/data/secret/group1/big.in", b"0" * (20 * 1024 * 1024))]))
    assert archive.stat().st_size < 1024 * 1024
    with pytest.raises(ValidationError, match=r"data/secret/group1/big.in: compression ratio"):
        import_package(archive)
    _nothing_stored()


def test_total_uncompressed_cap(app, tmp_path: Path) -> None:
    archive = tmp_path / "pkg.zip"
    archive.write_bytes(zip_tree(legacy_package(**{"data/secret/group1/02.in": os.urandom(4096)})))
    with pytest.raises(ValidationError, match="uncompressed|size limits"):
        import_package(archive, caps=Caps(total_bytes=4000))
    _nothing_stored()


def test_lying_zip_header_is_caught_by_the_read_cap(app, tmp_path: Path) -> None:
    data = bytearray(zip_tree(legacy_package(**{"data/secret/group1/02.in": b"7" * 5000})))
    # Shrink the declared size of that member in its central directory record.
    marker = b"hello/data/secret/group1/02.in"
    central = data.rfind(marker)
    header = central - 46
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    archive = tmp_path / "liar.zip"
    archive.write_bytes(bytes(data))
    with pytest.raises(ValidationError, match="02.in"):
        import_package(archive, caps=Caps(file_bytes=1000))
    _nothing_stored()


def test_package_over_size_cap(app, tmp_path: Path) -> None:
    archive = tmp_path / "pkg.zip"
    archive.write_bytes(zip_tree(legacy_package()))
    with pytest.raises(ValidationError, match="over the package limit"):
        import_package(archive, caps=Caps(package_bytes=1000))
    folder = write_tree(tmp_path / "big", legacy_package())
    with pytest.raises(ValidationError, match="size limit"):
        import_package(folder, caps=Caps(package_bytes=1000))
    _nothing_stored()


def test_not_a_zip(app, tmp_path: Path) -> None:
    archive = tmp_path / "pkg.zip"
    archive.write_bytes(b"this is no zip")
    with pytest.raises(ValidationError, match="pkg.zip: not a valid zip"):
        import_package(archive)


def test_symlink_out_of_a_folder_package(app, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "linked", legacy_package())
    (tmp_path / "secret.txt").write_text("top secret\n")
    (root / "data/secret/group1/03.in").symlink_to(tmp_path / "secret.txt")
    (root / "data/secret/group1/03.ans").write_text("x\n")
    with pytest.raises(ValidationError, match="data/secret/group1/03.in: link points outside"):
        import_package(root)
    _nothing_stored()


def test_failure_late_in_the_import_leaves_nothing(app, tmp_path: Path) -> None:
    # The groups and tests are fine; the bad starter code is only seen when columns are set.
    files = legacy_package(**{"codedev.yaml": "starter_code: [not, a, map]\n"})
    with pytest.raises(ValidationError, match="codedev.yaml"):
        import_package(write_tree(tmp_path / "late", files))
    _nothing_stored()


def _damaged(good: bytes, seed: int) -> bytes:
    """The zip with one to four of its bytes overwritten (seeded: the same every run)."""
    import random

    rnd = random.Random(seed)
    data = bytearray(good)
    for _ in range(rnd.randint(1, 4)):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    return bytes(data)


def test_a_damaged_zip_is_a_validation_error_never_a_crash(app, tmp_path: Path) -> None:
    """Damage anywhere (a corrupt deflate stream, a truncated member, a bad header, an empty
    or undecodable name, an unknown method) is refused with the package's or file's name."""
    from app.archives import read_zip

    good = zip_tree(legacy_package())
    refused = 0
    for seed in range(2000):
        try:
            read_zip(_damaged(good, seed), label="upload.zip")
        except ValidationError as error:
            refused += 1
            assert str(error).strip(), seed
    assert refused > 1000  # most damage is found; the rest fell in bytes nobody reads
    # A corrupt deflate stream inside a member, through the whole import: nothing is kept.
    data = bytearray(good)
    member = data.find(b"hello/data/secret/group1/01.in")
    start = member + len(b"hello/data/secret/group1/01.in")  # its data follows its local header
    data[start : start + 4] = b"\xff\xff\xff\xff"
    archive = tmp_path / "damaged.zip"
    archive.write_bytes(bytes(data))
    with pytest.raises(ValidationError, match="cannot be read from the zip|not a valid zip"):
        import_package(archive)
    _nothing_stored()
