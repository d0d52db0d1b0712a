"""The offline base: a debootstrapped bookworm rootfs from the host's apt mirror, cached as a tarball."""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from worker.sandbox.api import ServiceUnavailable

log = logging.getLogger(__name__)
SUITE = "bookworm"
ROOTFS_VERSION = "1"  # bump to invalidate cached tarballs after changing how they are made


def cache_dir() -> Path:
    """Where base tarballs are kept between builds (CODEDEV_SANDBOX_CACHE overrides)."""
    chosen = os.environ.get("CODEDEV_SANDBOX_CACHE")
    if chosen:
        path = Path(chosen)
    elif os.access("/var/cache", os.W_OK):
        path = Path("/var/cache/codedev-sandbox")
    else:
        path = Path.home() / ".cache" / "codedev-sandbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _apt_sources() -> list[tuple[str, list[str]]]:
    """(URI, suites) pairs of the host's apt configuration, deb822 and one-line formats."""
    found: list[tuple[str, list[str]]] = []
    for name in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in Path(name).read_text().split("\n\n"):
            fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.M))
            if "deb" in fields.get("Types", "").split() and fields.get("Enabled", "yes") != "no":
                for uri in fields.get("URIs", "").split():
                    found.append((uri, fields.get("Suites", "").split()))
    for name in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.exists(name):
            for line in Path(name).read_text().splitlines():
                match = re.match(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line.strip())
                if match:
                    found.append((match.group(1), [match.group(2)]))
    return found


def mirrors() -> tuple[str, str | None]:
    """(main archive, security archive) to build from: CODEDEV_SANDBOX_MIRROR or the host's apt."""
    sources = _apt_sources()
    security = next((u for u, suites in sources if any("security" in s for s in suites)), None)
    main = os.environ.get("CODEDEV_SANDBOX_MIRROR") or next(
        (u for u, suites in sources if any(s.startswith(SUITE) and "security" not in s
                                           for s in suites)), None)  # fmt: skip
    if not main:
        raise ServiceUnavailable(
            "no Debian bookworm mirror in the apt configuration; set CODEDEV_SANDBOX_MIRROR"
        )
    return main.rstrip("/"), security.rstrip("/") if security else None


def _apt_settings() -> str:
    """The host's Acquire:: settings (proxy, snapshot date checks) for apt inside the image."""
    try:
        dump = subprocess.run(["apt-config", "dump"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return "".join(line + "\n" for line in dump.stdout.splitlines() if line.startswith("Acquire::"))


def base_packages(images_dir: Path) -> list[str]:
    """Packages every image has (the runner's), from base/packages.txt."""
    text = (images_dir / "base" / "packages.txt").read_text()
    return [word for line in text.splitlines() for word in line.split("#")[0].split()]


def base_key(images_dir: Path) -> str:
    """Cache key of the base rootfs: what goes into it and where it comes from."""
    main, security = mirrors()
    digest = hashlib.sha256()
    for part in (ROOTFS_VERSION, SUITE, main, security or "", _apt_settings(),
                 *base_packages(images_dir)):  # fmt: skip
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def base_tarball(images_dir: Path) -> Path:
    """The cached base rootfs tarball, debootstrapping it first if it is missing."""
    key = base_key(images_dir)
    target = cache_dir() / f"base-{SUITE}-{key}.tar"
    if target.exists():
        return target
    if not shutil.which("debootstrap"):
        raise ServiceUnavailable("debootstrap is not installed (run scripts/system-deps.sh)")
    main, security = mirrors()
    with tempfile.TemporaryDirectory(prefix="codedev-rootfs-", dir=cache_dir()) as work:
        root = Path(work) / "root"
        include = ",".join(base_packages(images_dir))
        log.info("debootstrap %s from %s (packages: %s)", SUITE, main, include)
        _run(["debootstrap", "--variant=minbase", f"--include={include}", SUITE, str(root), main])
        lines = [f"deb {main} {SUITE} main", f"deb {main} {SUITE}-updates main"]
        if security:
            lines.append(f"deb {security} {SUITE}-security main")
        (root / "etc/apt/sources.list").write_text("\n".join(lines) + "\n")
        (root / "etc/apt/apt.conf.d/90codedev-host").write_text(_apt_settings())
        for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in (root / leftover).glob("*.deb"):
                item.unlink()
        partial = target.with_suffix(".partial")
        _run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."])
        partial.rename(target)  # atomic: a concurrent build never sees half a tarball
    return target


def _run(argv: list[str]) -> None:
    """Run a build step; its output goes to the log only when it fails."""
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-4000:]
        raise ServiceUnavailable(f"{argv[0]} failed ({done.returncode}):\n{tail}")
