"""Statement images of imported packages: served and rendered from the statement folder."""

from __future__ import annotations

from pathlib import Path

from app.challenges import files
from app.extensions import db
from app.packages import import_package
from app.packages.exporter import export_package, package_files
from app.packages.importer import import_zip_bytes
from tests.app.challenges.images import png
from tests.app.packages.builders import draft_package, legacy_package, write_tree
from tests.factories import make_user


def _publish(challenge) -> str:
    challenge.published = True
    db.session.commit()
    return challenge.slug


def test_markdown_statement_image_is_served_and_rendered(app, client, tmp_path: Path) -> None:
    package = draft_package(
        **{
            "statement/problem.en.md": "Print half of $n$.\n\n![A plot](figure.png)\n",
            "statement/figure.png": png(),
        }
    )
    slug = _publish(import_package(write_tree(tmp_path / "half", package)).challenge)
    page = client.get(f"/challenges/{slug}").get_data(as_text=True)
    assert f'<img src="/challenges/{slug}/files/figure.png" alt="A plot">' in page
    served = client.get(f"/challenges/{slug}/files/figure.png")
    assert (served.status_code, served.mimetype, served.data) == (200, "image/png", png())


def test_latex_illustrations_resolve_in_a_legacy_statement_folder(app, client, tmp_path: Path):
    tex = (
        "\\problemname{Add Two Numbers}\nAdd them.\n\n"
        "\\illustration{0.3}{picture.png}{A picture}\n"
        "\\begin{figure}\\includegraphics[width=0.5\\textwidth]{picture}\\end{figure}\n"
    )
    package = legacy_package(
        **{"problem_statement/problem.en.tex": tex, "problem_statement/picture.png": png()}
    )
    slug = _publish(import_package(write_tree(tmp_path / "addtwo", package)).challenge)
    page = client.get(f"/challenges/{slug}").get_data(as_text=True)
    assert f'<img src="/challenges/{slug}/files/picture.png" alt="A picture">' in page
    assert f'<img src="/challenges/{slug}/files/picture" alt="">' in page
    for name in ("picture.png", "picture"):
        served = client.get(f"/challenges/{slug}/files/{name}")
        assert (served.status_code, served.mimetype) == (200, "image/png")
    # The LaTeX source is kept with the challenge but is not served.
    assert client.get(f"/challenges/{slug}/files/problem.en.tex").status_code == 404


def test_an_uploaded_image_travels_with_the_export(app, tmp_path: Path) -> None:
    teacher = make_user(role="teacher")
    root = write_tree(tmp_path / "half", draft_package())
    challenge = import_package(root, owner=teacher).challenge
    files.upload_image(teacher, challenge.slug, "figure.png", png())
    assert package_files(challenge)["statement/figure.png"] == png()
    copy = import_zip_bytes(export_package(challenge), "half-copy.zip").challenge
    assert [i.name for i in files.statement_images(copy)] == ["figure.png"]
