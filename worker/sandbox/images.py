"""Building the sandbox images: from debian:bookworm-slim when it can be pulled, else offline."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import docker
from docker.errors import APIError, BuildError, ImageNotFound

from worker.languages import LANGUAGES, get_language
from worker.sandbox import rootfs
from worker.sandbox.api import ServiceUnavailable
from worker.sandbox.engine import IMAGES_DIR, LABEL, get_client, image_prefix

log = logging.getLogger(__name__)
HASH_LABEL = "codedev.sandbox.hash"
PULL_BASE = ("debian", "bookworm-slim")
BUILDER_VERSION = "1"  # bump when the way images are built changes


def folder_hash(language_id: str, images_dir: Path = IMAGES_DIR) -> str:
    """Hash of everything an image is made of: its folder, the base and the runner."""
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    for folder in ("base", "launcher", "runner", language_id):
        for path in sorted((images_dir / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(images_dir)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def image_name(language_id: str) -> str:
    """The image tag of a language, e.g. codedev-sandbox-python3."""
    return get_language(language_id).image(image_prefix())


def is_current(client: docker.DockerClient, language_id: str) -> bool:
    """Whether the image exists and was built from the current folder and runner."""
    try:
        image = client.images.get(image_name(language_id))
    except ImageNotFound:
        return False
    return (image.labels or {}).get(HASH_LABEL) == folder_hash(language_id)


def _pullable_base(client: docker.DockerClient) -> bool:
    """Whether debian:bookworm-slim is here or can be pulled (no registry: offline path)."""
    name = ":".join(PULL_BASE)
    try:
        client.images.get(name)
        return True
    except ImageNotFound:
        pass
    try:
        client.images.pull(PULL_BASE[0], tag=PULL_BASE[1])
        return True
    except APIError as error:
        log.info("cannot pull %s (%s): building offline", name, error.explanation or error)
        return False


def _offline_base(client: docker.DockerClient) -> str:
    """The imported debootstrap rootfs as an image, importing the cached tarball if needed."""
    tag = f"{image_prefix()}-base:{rootfs.base_key(IMAGES_DIR)}"
    try:
        client.images.get(tag)
        return tag
    except ImageNotFound:
        pass
    tarball = rootfs.base_tarball(IMAGES_DIR)
    repository, _, version = tag.partition(":")
    client.api.import_image_from_file(str(tarball), repository=repository, tag=version)
    return tag


def build_image(language_id: str, *, offline: bool | None = None,
                say: Callable[[str], None] = log.info) -> str:  # fmt: skip
    """Build one language image (tagged and labelled with its hash); return its name."""
    client = get_client()
    if offline is None:
        offline = not _pullable_base(client)
    buildargs = {"BASE": _offline_base(client)} if offline else {}
    name = image_name(language_id)
    say(f"building {name} ({'offline, from the debootstrap base' if offline else 'from debian'})")
    try:
        client.images.build(
            path=str(IMAGES_DIR), dockerfile=f"{language_id}/Dockerfile", tag=name,
            buildargs=buildargs, labels={LABEL: "1", HASH_LABEL: folder_hash(language_id),
                                         "codedev.language": language_id},
            network_mode="host", pull=False, rm=True, forcerm=True,
        )  # fmt: skip
    except BuildError as error:
        lines = "".join(
            str(item.get("stream") or item.get("error") or "") for item in error.build_log
        )
        raise ServiceUnavailable(f"building {name} failed: {error.msg}\n{lines[-3000:]}") from error
    return name


def ensure_images(languages: Iterable[str] | None = None, *, offline: bool | None = None,
                  say: Callable[[str], None] = log.info) -> list[str]:  # fmt: skip
    """Build the images that are missing or outdated; return the ids that were built."""
    client = get_client()
    built = []
    for language_id in languages or list(LANGUAGES):
        get_language(language_id)
        if is_current(client, language_id):
            say(f"{image_name(language_id)} is current")
            continue
        if offline is None:  # decided once: a failed pull is not retried per language
            offline = not _pullable_base(client)
        build_image(language_id, offline=offline, say=say)
        built.append(language_id)
    return built
